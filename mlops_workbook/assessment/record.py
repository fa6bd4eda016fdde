"""A team's assessment as read from the answers folder: what every reader of "a team" receives.

The CLI, the dashboard and room, the landing page, the live report, the batch and the demo all get a
`TeamRecord` from `store`, so loading, scoring and finding progress are written once, and an
assessment becomes a dict one way (`Assessment.to_dict`, one rounding).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .answers import Answers
from .history import Progress
from .rubric import Rubric
from .scoring import Assessment


@dataclass(frozen=True)
class TeamRecord:
    """One team's answers to one rubric, scored, with the progress since its latest kept copy.

    `path` is the file it was read from (None for answers that never were on disk); `progress` is None
    without an earlier assessment (or when the reader did not ask for it); `warnings` are the
    validation warnings (a rubric version mismatch), one line each.
    """

    team: str
    rubric: Rubric
    path: Path | None
    answers: Answers
    assessment: Assessment
    progress: Progress | None = None
    warnings: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        """The file's name in its folder ("" when not read from a file): what the room lists."""
        return self.path.name if self.path is not None else ""

    @property
    def date(self) -> str:
        """The assessment's date as saved ("" when the file has none)."""
        return self.answers.date or ""

    def to_dict(self) -> dict[str, Any]:
        """`score --json`'s form: the assessment, plus `previous` and `changes` when there is history."""
        return {**self.assessment.to_dict(), **(self.progress.to_dict() if self.progress else {})}

    def summary(self) -> dict[str, Any]:
        """The short form the batch's index and `report --json` show: `Assessment.overview`'s numbers
        (the same rounding as `to_dict`), the flags' kinds, the warnings and the previous levels."""
        head = self.assessment.overview()
        summary = {key: head[key] for key in ("rubric", "overall_level", "target_level", "dimension_levels",
                                              "mean_progress")}  # rubric: a team has one row per rubric
        summary["flags"] = sorted({flag.kind for flag in self.assessment.flags})
        summary["warnings"] = list(self.warnings)
        if self.progress is not None:
            summary["previous"] = self.progress.to_dict()["previous"]
        return summary
