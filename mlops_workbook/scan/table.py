"""What the probes look for, as data for the README and for the bundled rubric's `evidence:` lists."""

from __future__ import annotations

from ..assessment.rubric import Criterion, Rubric
from .findings import ScanResult
from .probes import PROBE_INFO, PROBES, ProbeInfo


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


def missing_lines(result: ScanResult, rubric: Rubric) -> list[str]:
    """`scan`'s table of what is missing: each criterion that names probes but has no finding, with the
    remediation (and effort) of those probes. Plain text lines for the terminal."""
    found = {f.criterion for f in result.findings}
    lines: list[str] = []
    for criterion in rubric.iter_criteria():
        if criterion.id in found:
            continue
        for info in criterion_remediation(criterion):
            lines.append(f"{criterion.id:<34} {info.effort:<8} {info.remediation}  [{info.id}]")
    if lines:
        lines.insert(0, f"{'missing evidence':<34} {'effort':<8} what would count")
    return lines
