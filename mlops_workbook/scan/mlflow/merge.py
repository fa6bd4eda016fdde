"""Combining repository findings with tracking-store findings: per criterion, the stronger answer wins.

Evidence is kept from both sides, the winner's first, so an answer pre-filled as "yes" from the store
still shows the `mlflow.log_metric` line the repository scan found. On equal answers the first side
(the repository scan) keeps its probe name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..findings import CriterionFinding, Finding, Location, ScanResult

_RANK = {"partial": 0, "yes": 1}


def _merge_one(first: CriterionFinding, second: CriterionFinding) -> CriterionFinding:
    winner, other = (second, first) if _RANK[second.answer] > _RANK[first.answer] else (first, second)
    seen: set[tuple[str, int | None]] = set()
    evidence: list[Location] = []
    for loc in (*winner.evidence, *other.evidence):
        if (loc.path, loc.line) not in seen:
            seen.add((loc.path, loc.line))
            evidence.append(loc)
    return CriterionFinding(winner.criterion, winner.answer, winner.probe, tuple(evidence))


def merge_findings(first: Iterable[CriterionFinding], second: Iterable[CriterionFinding], *,
                   order: Sequence[str] | None = None) -> tuple[CriterionFinding, ...]:
    """One finding per criterion from both lists; in `order` (e.g. the rubric's), else first's then second's."""
    merged: dict[str, CriterionFinding] = {}
    for finding in (*first, *second):
        known = merged.get(finding.criterion)
        merged[finding.criterion] = finding if known is None else _merge_one(known, finding)
    if order is None:
        return tuple(merged.values())
    rank = {cid: i for i, cid in enumerate(order)}
    return tuple(sorted(merged.values(), key=lambda f: rank.get(f.criterion, len(rank))))


def store_probe_findings(findings: Iterable[CriterionFinding]) -> tuple[Finding, ...]:
    """The store's locations as probe findings: 'positive' where they carry a yes, 'weak' where partial."""
    out: list[Finding] = []
    seen: set[str] = set()
    for f in sorted(findings, key=lambda f: f.answer != "yes"):
        for loc in f.evidence:
            if loc.path not in seen:
                seen.add(loc.path)
                out.append(Finding(f.probe, "positive" if f.answer == "yes" else "weak", loc))
    return tuple(out)


def merge_results(result: ScanResult, store_findings: Sequence[CriterionFinding], *,
                  order: Sequence[str] | None = None) -> ScanResult:
    """A repository ScanResult with the store's findings merged in (answers, evidence, probe findings)."""
    if not store_findings:
        return result
    probe_findings = dict(result.probe_findings)
    for finding in store_probe_findings(store_findings):
        probe_findings[finding.probe] = (*probe_findings.get(finding.probe, ()), finding)
    return replace(result, findings=merge_findings(result.findings, store_findings, order=order),
                   probe_findings=probe_findings)
