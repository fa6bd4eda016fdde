"""What the probes look for and what to do when they find nothing: the README's probe table, the bundled
rubric's default `evidence:` lists, and the remediation a scan hands back (`scan`'s table, `scan --json`,
the pre-fill panel; the report's roadmap uses `criterion_remediation`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..assessment.rubric import Criterion, Rubric
from .assess import findings_for, parse_ref
from .findings import ScanResult
from .probes import EFFORTS, PROBE_INFO, PROBES, ProbeInfo

StepStatus = Literal["missing", "partial"]


def probe_table_markdown() -> str:
    """The README's probe table, generated from the probe modules (a test keeps the README in sync)."""
    lines = ["| probe | looks for | evidence for (default rubric) |", "| --- | --- | --- |"]
    for probe_id, module in PROBES.items():
        criteria = ", ".join(f"`{cid}`" + (" (partial)" if cap == "partial" else "")
                             for cid, cap in module.CRITERIA.items())
        lines.append(f"| `{probe_id}` | {module.SHORT} | {criteria} |")
    return "\n".join(lines)


def default_evidence() -> dict[str, list[str]]:
    """criterion id -> evidence entries ("probe", "probe:enforced" or "probe:partial"), from the probes' CRITERIA."""
    out: dict[str, list[str]] = {}
    for probe_id, module in PROBES.items():
        for cid, cap in module.CRITERIA.items():
            out.setdefault(cid, []).append(probe_id if cap == "yes" else f"{probe_id}:{cap}")
    return out


def criterion_remediation(criterion: Criterion) -> tuple[ProbeInfo, ...]:
    """The probes that count as evidence for `criterion` (its rubric `evidence:` list), with their
    remediation: what to add to the repository so the scan finds it next time."""
    infos: list[ProbeInfo] = []
    for ref in criterion.evidence:
        info = PROBE_INFO.get(ref.partition(":")[0])
        if info is not None and info not in infos:
            infos.append(info)
    return tuple(infos)


@dataclass(frozen=True)
class NextStep:
    """A criterion the scan found no evidence for ("missing") or only partial evidence ("partial"), with
    the probes whose remediation would give the evidence it lacks. For a partial criterion those are the
    probes that could still raise it to "yes"; none when the rubric caps every probe at partial."""

    criterion: Criterion
    status: StepStatus
    probes: tuple[ProbeInfo, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for `scan --json` (its "remediation" list)."""
        return {"criterion": self.criterion.id, "status": self.status,
                "probes": [{"probe": p.id, "remediation": p.remediation, "effort": p.effort} for p in self.probes]}


def _can_raise(criterion: Criterion, result: ScanResult) -> tuple[ProbeInfo, ...]:
    """The probes of a partial criterion whose evidence could still make it "yes": listed without a cap
    and with no positive finding, or asking for CI enforcement that is not there yet."""
    raising: list[ProbeInfo] = []
    for ref in criterion.evidence:
        probe, cap = parse_ref(ref)
        info = PROBE_INFO.get(probe)
        if info is None or cap == "partial" or info in raising:
            continue
        found = findings_for(criterion, probe, result.probe_findings.get(probe, ()))
        wanted = ("enforced",) if cap == "enforced" else ("enforced", "positive")
        if not any(f.outcome in wanted for f in found):
            raising.append(info)
    return tuple(raising)


def next_steps(result: ScanResult, rubric: Rubric) -> tuple[NextStep, ...]:
    """What to add next, in rubric order: every criterion with probes that the scan did not find, and every
    criterion it found only partial, with the remediation of the probes that cover it."""
    found = {f.criterion: f for f in result.findings}
    steps: list[NextStep] = []
    for criterion in rubric.iter_criteria():
        finding = found.get(criterion.id)
        if finding is None:
            probes = criterion_remediation(criterion)
            if probes:
                steps.append(NextStep(criterion, "missing", probes))
        elif finding.answer == "partial":
            steps.append(NextStep(criterion, "partial", _can_raise(criterion, result)))
    return tuple(steps)


@dataclass(frozen=True)
class Action:
    """One probe's remediation and the criteria it would evidence: a line of "what to add next"."""

    probe: ProbeInfo
    steps: tuple[NextStep, ...]


def actions(steps: tuple[NextStep, ...]) -> tuple[Action, ...]:
    """The next steps grouped by what to do: one action per probe (probes that ask for the same thing are
    one action), the least effort first, then the one that evidences most criteria (ties: probe id)."""
    by_probe: dict[str, list[NextStep]] = {}
    infos: dict[str, ProbeInfo] = {}
    first_with: dict[str, str] = {}  # remediation -> the probe that stands for it: one thing to do, one action
    for step in steps:
        for info in step.probes:
            pid = first_with.setdefault(info.remediation, info.id)
            if step not in by_probe.setdefault(pid, []):
                by_probe[pid].append(step)
            infos.setdefault(pid, info)
    ordered = sorted(by_probe, key=lambda pid: (EFFORTS.index(infos[pid].effort), -len(by_probe[pid]), pid))
    return tuple(Action(infos[pid], tuple(by_probe[pid])) for pid in ordered)


def findings_lines(result: ScanResult, rubric: Rubric) -> list[str]:
    """`scan`'s table of what was found: criterion, answer, the first places and the probe; then a count."""
    lines = [f"{'criterion':<34} {'answer':<8} where"]
    for f in result.findings:
        where = ", ".join(f"{loc.ref()} ({loc.detail})" for loc in f.evidence[:2])
        more = f" +{len(f.evidence) - 2} more" if len(f.evidence) > 2 else ""
        lines.append(f"{f.criterion:<34} {f.answer:<8} {where}{more}  [{f.probe}]")
    lines.append(f"\n{len(result.findings)} of {len(rubric.criteria)} criteria have evidence; the others stay "
                 "unanswered (no evidence is not a no).")
    return lines


def missing_lines(result: ScanResult, rubric: Rubric) -> list[str]:
    """`scan`'s table of what to add next: each criterion without evidence ("missing") or with partial
    evidence that a probe could raise ("partial"), with the remediation and effort of those probes."""
    lines: list[str] = []
    for step in next_steps(result, rubric):
        same: dict[str, list[ProbeInfo]] = {}  # two probes with one remediation are one thing to do
        for info in step.probes:
            same.setdefault(info.remediation, []).append(info)
        for remediation, infos in same.items():
            names = ", ".join(info.id for info in infos)
            lines.append(f"{step.criterion.id:<34} {step.status:<8} {infos[0].effort:<8} {remediation}  [{names}]")
    if lines:
        lines.insert(0, f"{'what to add next':<34} {'now':<8} {'effort':<8} what would count")
    return lines
