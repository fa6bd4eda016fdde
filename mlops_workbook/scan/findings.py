"""What a scan produces: probe findings with a location, and the answers they support per criterion.

Modelled on OpenSSF Scorecard: a probe emits one finding per place it saw something, with an outcome.
"enforced" is evidence of a practice that CI runs and that can fail the job (tests run in CI without
`|| true`); "positive" is clear evidence of use (a DVC pipeline file, an `mlflow.log_metric` call in
production code); "weak" is a hint (used only in tests or examples, a CI step that cannot fail). A
declared dependency or a bare import is no finding, and no evidence is no finding at all, never a "no".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .mlflow.records import StoreRead

Outcome = Literal["enforced", "positive", "weak"]
ScanAnswer = Literal["yes", "partial"]


@dataclass(frozen=True)
class Location:
    """Where a probe saw something: a path relative to the scanned root, a 1-based line (or None)."""

    path: str
    line: int | None
    detail: str

    def ref(self) -> str:
        """`path:line`, or the path alone for a whole-file finding: what an answer's evidence cites."""
        return f"{self.path}:{self.line}" if self.line else self.path

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for `scan --json`."""
        return {"path": self.path, "line": self.line, "detail": self.detail}


@dataclass(frozen=True)
class Finding:
    """One observation of one probe. `criterion` scopes it: empty, it counts for every criterion that
    lists the probe; set, only for that criterion (a tracking store's rules judge each criterion apart:
    many tracked runs are a "yes" for tracking and say nothing about the audit trail)."""

    probe: str
    outcome: Outcome
    location: Location
    criterion: str = ""


@dataclass(frozen=True)
class CriterionFinding:
    """The answer the evidence supports for one criterion, and which probe and locations carry it."""

    criterion: str
    answer: ScanAnswer
    probe: str
    evidence: tuple[Location, ...]

    def note(self, *, limit: int = 3) -> str:
        """'found in dvc.yaml:3, data/raw.dvc:1 (+2 more)': the evidence text an answer carries."""
        refs = [loc.ref() for loc in self.evidence[:limit]]
        more = len(self.evidence) - limit
        return "found in " + ", ".join(refs) + (f" (+{more} more)" if more > 0 else "")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for `scan --json`."""
        return {"criterion": self.criterion, "answer": self.answer, "probe": self.probe,
                "evidence": [loc.to_dict() for loc in self.evidence]}


@dataclass(frozen=True)
class ScanResult:
    """A whole scan: the answers per criterion, every probe's raw findings, what was read and skipped."""
    path: str
    rubric: str
    findings: tuple[CriterionFinding, ...]
    probe_findings: dict[str, tuple[Finding, ...]] = field(default_factory=dict)
    files_scanned: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    mlflow: StoreRead | None = None  # what `--mlflow URI` read, when a tracking store was scanned too

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for `scan --json`."""
        return {"path": self.path, "rubric": self.rubric,
                "findings": [f.to_dict() for f in self.findings],
                "files_scanned": self.files_scanned, "skipped": dict(self.skipped),
                "seconds": round(self.seconds, 3),
                **({"mlflow": self.mlflow.to_dict()} if self.mlflow is not None else {})}
