"""Evidence vs opinion: per dimension, how many answers rest on repository evidence (pre-filled by
`scan`, origin "scan") and how many on the team's word. The report and the dashboard show it so a
reader can weigh a level that rests on self-report alone."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .answers import Answers
from .rubric import Rubric

EVIDENCE_ORIGINS = frozenset({"scan"})


@dataclass(frozen=True)
class DimensionEvidence:
    """One dimension's answers counted by where they rest: repository evidence, the team's word, nothing."""

    dimension: str  # dimension id
    name: str
    evidence: int  # answered, and the answer came from evidence found in the repository
    opinion: int  # answered by the team without such evidence (a written note is still self-reported)
    unanswered: int

    @property
    def total(self) -> int:
        """The dimension's criteria."""
        return self.evidence + self.opinion + self.unanswered

    @property
    def evidence_share(self) -> float:
        """Share of the answered criteria that rest on evidence (0.0 when nothing is answered)."""
        answered = self.evidence + self.opinion
        return self.evidence / answered if answered else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON form with the total and the evidence share (3 decimals)."""
        return {**asdict(self), "total": self.total, "evidence_share": round(self.evidence_share, 3)}


def evidence_summary(rubric: Rubric, answers: Answers) -> list[DimensionEvidence]:
    """One row per rubric dimension, in rubric order; answers to unknown criteria are ignored."""
    rows = []
    for dim in rubric.dimensions:
        evidence = opinion = unanswered = 0
        for crit in dim.criteria:
            answer = answers.answers.get(crit.id)
            if answer is None:
                unanswered += 1
            elif answer.origin in EVIDENCE_ORIGINS:
                evidence += 1
            else:
                opinion += 1
        rows.append(DimensionEvidence(dim.id, dim.name, evidence, opinion, unanswered))
    return rows
