"""From probe findings to answers: the rubric's `evidence:` lists say which probes count for which criterion.

Rule: a criterion gets "yes" when a probe it lists found positive (or enforced) evidence and the rubric
lists the probe plainly; `probe-id:enforced` gives "yes" only for evidence that CI enforces (a step that
can fail the job); `probe-id:partial` caps the probe at partial. Any other finding gives "partial".
Criteria with no finding stay unanswered: absent evidence is not a "no". A finding scoped to a
criterion (the tracking store's, one rule per criterion) counts only for that criterion among those the
probe's CRITERIA name; a criterion of another rubric that lists the probe counts all its findings.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path
from types import ModuleType

from ..assessment.answers import Answer, Answers
from ..assessment.rubric import DEFAULT_RUBRIC, Criterion, Rubric, load_rubric
from ..errors import RubricError
from .collector import RawResults, collect
from .findings import CriterionFinding, Finding, ScanResult
from .mlflow import MAX_RUNS, StoreRead, read_store
from .probes import PROBE_INFO, PROBES
from .probes._util import at_the_work

SCAN_ORIGIN = "scan"
MAX_EVIDENCE = 10
CITABLE = 6 * MAX_EVIDENCE  # a probe's findings an answer may cite (its criteria's scopes pooled), in evidence order


def parse_ref(ref: str) -> tuple[str, str]:
    """'model-registry:partial' -> ('model-registry', 'partial'); 'ci-tests:enforced' -> (..., 'enforced');
    'data-versioning' -> (..., 'yes')."""
    probe, _, cap = ref.partition(":")
    return probe, (cap if cap in ("partial", "enforced") else "yes")


def check_evidence(rubric: Rubric) -> Rubric:
    """Every `evidence:` entry of the rubric names a known probe; else a one-line RubricError naming the field.

    The scan's to check (the rubric sits below the scan and keeps the ids as data): `scan` calls it on the
    rubric it uses, and `rubric validate` too.
    """
    import difflib

    known = sorted(PROBES)
    for crit in rubric.iter_criteria():
        for n, ref in enumerate(crit.evidence):
            probe = parse_ref(ref)[0]
            if probe not in PROBES:
                close = difflib.get_close_matches(probe, known, n=1, cutoff=0.5)
                hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
                raise RubricError(f"unknown probe {probe!r} ({hint})", source=rubric.source or None,
                                  field=f"{crit.where or crit.id}.evidence[{n}]")
    return rubric


def run_probes(raw: RawResults, probes: dict[str, ModuleType] | None = None) -> dict[str, tuple[Finding, ...]]:
    """Every probe over the same raw results; only probes that found something appear. A finding that
    cites a constructor or a Markdown heading is moved to the call or the text below it that does the
    work (`_util.at_the_work`): one policy for every probe, so no probe has to remember it."""
    results = {}
    for probe_id, module in (probes or PROBES).items():
        found = tuple(module.run(raw))
        citable = set(sorted(found, key=evidence_rank)[:CITABLE])  # a repository of 10,000 scripts: move what is cited
        found = tuple(dict.fromkeys(replace(f, location=at_the_work(raw, f.location)) if f in citable else f
                                    for f in found))
        if found:
            results[probe_id] = found
    return results


_SIDE_WORK = ("experiment", "explor", "sandbox", "scratch", "playground", "demo", "tutorial", "example", "test")


_IMPORT = re.compile(r"^(?:[^:()]+: )?(?:import|from)\s+[\w.]+[^()]*$")


def evidence_rank(finding: Finding) -> tuple[bool, bool, bool, bool]:
    """Which of a probe's findings an answer cites first: what CI enforces, then production code
    (not a notebook, not an experiments or tests folder), then a call or configuration line before an
    import (an import says a library is there, not that it does the work), then the probe's own order.
    The first location is the one a team reads in "found in ...", so it should be where the practice runs."""
    path = finding.location.path.lower()
    side = any(word in part for part in path.split("/") for word in _SIDE_WORK)
    return (finding.outcome != "enforced", path.endswith(".ipynb"), side, bool(_IMPORT.search(finding.location.detail)))


def findings_for(criterion: Criterion, probe: str, found: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """The probe's findings that speak to `criterion`: unscoped ones, and those scoped to it; all of them
    for a criterion the probe does not name (another rubric's, listing the probe in its `evidence:`)."""
    info = PROBE_INFO.get(probe)
    if info is None or criterion.id not in info.criteria:
        return found
    return tuple(f for f in found if f.criterion in ("", criterion.id))


def _judge(criterion: Criterion, probe_findings: dict[str, tuple[Finding, ...]]) -> CriterionFinding | None:
    """The strongest answer any of the criterion's probes supports: yes over partial, then enforced over
    positive over weak evidence."""
    best, best_rank = None, (False, False, False)
    for ref in criterion.evidence:
        probe, cap = parse_ref(ref)
        found = findings_for(criterion, probe, probe_findings.get(probe, ()))
        if not found:
            continue
        ordered = sorted(found, key=evidence_rank)  # stable: the probe's order breaks ties
        enforced = [f.location for f in ordered if f.outcome == "enforced"]
        positive = [f.location for f in ordered if f.outcome in ("enforced", "positive")]
        answer = "yes" if (cap == "yes" and positive) or (cap == "enforced" and enforced) else "partial"
        rank = (answer == "yes", bool(enforced), bool(positive))
        if best is None or rank > best_rank:
            # A probe may report one place twice (unscoped, and scoped to put it first for one criterion).
            evidence = tuple(dict.fromkeys(positive or [f.location for f in ordered]))[:MAX_EVIDENCE]
            best, best_rank = CriterionFinding(criterion.id, answer, probe, evidence), rank  # type: ignore[arg-type]
    return best


def assess(rubric: Rubric, probe_findings: dict[str, tuple[Finding, ...]]) -> tuple[CriterionFinding, ...]:
    """One finding per criterion that has evidence, in rubric order."""
    judged = (_judge(c, probe_findings) for c in rubric.iter_criteria())
    return tuple(f for f in judged if f is not None)


def scan(path: str | Path, rubric: Rubric | str | Path = DEFAULT_RUBRIC, *, mlflow: str | None = None,
         max_runs: int = MAX_RUNS, **collect_options: int) -> ScanResult:
    """Walk `path` once, run every probe, and map the findings onto `rubric`'s criteria.

    With `mlflow` (a tracking URI), the store is read first, read-only (one that cannot be read raises
    MlflowStoreError before the walk), and the `mlflow-store` probe judges it with the others."""
    rub = check_evidence(rubric if isinstance(rubric, Rubric) else load_rubric(rubric))
    store, read = None, None
    if mlflow is not None:
        started = time.perf_counter()
        store = read_store(mlflow, max_runs=max_runs)
        read = store.read(time.perf_counter() - started)
    start = time.perf_counter()
    raw = collect(path, **collect_options)
    raw.mlflow = store
    return _result(str(path), rub, raw, start, read)


def scan_mlflow(uri: str, rubric: Rubric | str | Path = DEFAULT_RUBRIC, *, max_runs: int = MAX_RUNS) -> ScanResult:
    """A tracking store alone, without a repository: read `uri` (read-only) and judge it against `rubric`."""
    rub = check_evidence(rubric if isinstance(rubric, Rubric) else load_rubric(rubric))
    start = time.perf_counter()
    store = read_store(uri, max_runs=max_runs)
    read = store.read(time.perf_counter() - start)
    return _result(store.uri, rub, RawResults(root="", mlflow=store), start, read)


def _result(path: str, rubric: Rubric, raw: RawResults, start: float, read: StoreRead | None) -> ScanResult:
    probe_findings = run_probes(raw)
    return ScanResult(path=path, rubric=rubric.id, findings=assess(rubric, probe_findings),
                      probe_findings=probe_findings, files_scanned=raw.files_scanned, skipped=dict(raw.skipped),
                      seconds=time.perf_counter() - start, mlflow=read)


def to_answer(finding: CriterionFinding) -> Answer:
    """A pre-filled answer: the evidence note, marked as coming from the scan (for the team to confirm)."""
    return Answer(finding.answer, finding.note(), origin=SCAN_ORIGIN)


def to_answers(result: ScanResult, team: str, rubric: Rubric) -> Answers:
    """An answers file's content: only the criteria with evidence are answered."""
    store = f" and the MLflow store {result.mlflow.uri}" if result.mlflow is not None else ""
    return Answers(team=team, rubric=rubric.id, rubric_version=rubric.version,
                   answers={f.criterion: to_answer(f) for f in result.findings},
                   notes=f"Pre-filled by `mlops-workbook scan` from {result.files_scanned} files{store}; "
                         "answers marked origin=scan are evidence found in the repository, to be confirmed.")
