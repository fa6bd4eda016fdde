"""What the probes look for, as data for the README and for the bundled rubric's `evidence:` lists."""

from __future__ import annotations

from .probes import PROBES


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
