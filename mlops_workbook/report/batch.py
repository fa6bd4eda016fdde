"""Reports in batch: papermill executes notebooks/03_report.ipynb per answers file, nbconvert exports
offline HTML, and an index page links them all.

Where the time goes in a naive loop is mostly not the report: a fresh kernel per notebook, then the
imports inside it (pandas, SciPy, altair), then nbconvert's own start-up. The batch plans every job
first (`jobs`: validated and scored up front, each with the simulation its report shows), simulates
each distinct simulation once in the parent, and hands the jobs to worker processes that each keep a
warm kernel (`kernel_pool`). Execution is still papermill's, with the parameters injected after the
`parameters` cell and recorded in the notebook's metadata.

Robustness: answers files are validated before any kernel runs; a failing file or execution is one
line on stderr and a row in the index, the other reports are still produced; every output appears
only complete (temp file + rename); team names become safe file names inside the output folder.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import WorkbookError
from . import simcache
from .index import page, write_index
from .jobs import ReportJob, ReportOutcome, by_simulation, expand_inputs, plan_jobs
from .kernel_pool import REPORT_NOTEBOOK, _execute, _papermill_and_export, _worker_init, export_html


@dataclass
class BatchResult:
    """A whole batch: every outcome in input order, the index page, the wall time."""

    outcomes: list[ReportOutcome]
    index: Path
    seconds: float

    @property
    def failed(self) -> list[ReportOutcome]:
        """The outcomes that failed (the CLI exits 1 when there are any)."""
        return [o for o in self.outcomes if not o.ok]

    @property
    def ok(self) -> bool:
        """Whether every report was produced."""
        return not self.failed


def _share_simulation(cache: str, scenario: str, seed: int, overrides: tuple[tuple[str, Any], ...] = ()) -> None:
    """Simulate once in the parent and leave it where every report kernel looks first."""
    from .content import report_simulation

    simcache.write(cache, scenario, seed, report_simulation(scenario, seed, overrides=overrides), overrides)


def run_report(path: str | os.PathLike[str], out_dir: str | os.PathLike[str], *, rubric: str | None = None,
               scenario: str = "", seed: int = 0, include_simulation: bool = True,
               timeout: float | None = None) -> ReportOutcome:
    """One report in this process with a fresh kernel (`timeout`: seconds per cell, None: no limit)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    planned, failures = plan_jobs([Path(path)], rubric=rubric, scenario=scenario, seed=seed,
                                  include_simulation=include_simulation)
    if failures:
        return failures[0]
    job = planned[0]
    outcome = ReportOutcome(job.source, job.team, "failed", summary=job.summary)
    _papermill_and_export(job, out, False, outcome, outcome.timings, cwd=str(REPORT_NOTEBOOK.parent),
                          execution_timeout=timeout)
    return outcome


# What Voila (and Jupyter) put in a kernel's environment for its page. A report kernel that inherited
# them would wait for a page request (VOILA_PREHEAT) or take the team from the participant's URL
# (QUERY_STRING) rather than from the file it was given.
_PAGE_ENV_PREFIXES = ("VOILA_", "JPY_", "JUPYTER_SERVER_", "SERVER_", "HTTP_", "REQUEST_")
_PAGE_ENV_NAMES = {"QUERY_STRING", "SCRIPT_NAME", "PATH_INFO", "KERNEL_ID", "CLIENT_ID"}


def clean_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without the page's variables (the report runs as a batch would)."""
    source = dict(os.environ if env is None else env)
    return {k: v for k, v in source.items() if k not in _PAGE_ENV_NAMES and not k.startswith(_PAGE_ENV_PREFIXES)}


_ISOLATED = """\
import dataclasses, json, sys
from mlops_workbook.report.batch import run_report
outcome = run_report(sys.argv[1], sys.argv[2], rubric=sys.argv[3] or None, timeout=float(sys.argv[4]))
print(json.dumps(dataclasses.asdict(outcome)))
"""


def run_report_isolated(path: str | os.PathLike[str], out_dir: str | os.PathLike[str], *, rubric: str | None = None,
                        timeout: float = 300) -> ReportOutcome:
    """The assessment's "Create my report" button: one report in a child process with a clean
    environment and explicit parameters (the file the participant's session saved), at most
    `timeout` seconds; papermill, nbconvert and the report's SciPy never load in the participant's kernel."""
    import subprocess

    source = str(path)
    try:
        proc = subprocess.run([sys.executable, "-c", _ISOLATED, source, str(Path(out_dir).resolve()), rubric or "",
                               str(timeout)], env=clean_environment(), capture_output=True, text=True, check=False,
                              timeout=timeout + 60, cwd=str(REPORT_NOTEBOOK.parent))
    except subprocess.TimeoutExpired:
        return ReportOutcome(source, "", "failed", error=f"{source}: the report took longer than {timeout:.0f} s")
    lines = proc.stdout.strip().splitlines()
    try:
        return ReportOutcome(**json.loads(lines[-1]))
    except (IndexError, ValueError, TypeError):
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return ReportOutcome(source, "", "failed", error=f"{source}: report failed: {last}")


# --------------------------------------------------------------------------- the batch


def run_reports(
    inputs: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    rubric: str | None = None,
    scenario: str = "",
    seed: int = 0,
    target_level: int | None = None,
    include_simulation: bool = True,
    costs: str = "",
    replay: str = "",
    jobs: int | None = None,
    keep_ipynb: bool = False,
    pdf: bool = False,
    on_progress: Callable[[int, int, ReportOutcome], None] | None = None,
    strict: bool = False,
) -> BatchResult:
    """Execute one report per answers file in parallel worker processes; write the HTML and an index.

    With `pdf`, one chromium prints each report as soon as its HTML is written (while the workers run
    the next ones); a PDF that fails fails its report only. `scenario` "": each team's from its context;
    `costs`: a costs file for every report (validated here: a bad field is bad input for the batch);
    `replay`: a saved `replay --json` result every report shows instead of the loan book (validated here too).
    `strict` (the CLI): when no file can be reported (every one invalid), raise `WorkbookError` with the first
    file's one-line error before anything is written: that is bad input, not a batch in which some work failed.
    """
    from contextlib import nullcontext

    if scenario:
        from ..simulation.scenarios import get_scenario

        get_scenario(scenario)  # an unknown scenario is bad input for the whole batch
    if costs:
        from ..simulation.costs import load_costs

        load_costs(costs)  # one line naming the file and the field, before any kernel starts
    if replay:
        from ..simulation.replay.saved import load_saved_replay

        load_saved_replay(replay)
    if pdf:
        from .pdf import chromium_path

        chromium_path()  # no chromium: one line and exit 2 before any kernel starts
    started = time.perf_counter()
    paths, outcomes = expand_inputs(inputs)
    planned, failures = plan_jobs(paths, rubric=rubric, scenario=scenario, seed=seed, target_level=target_level,
                                  include_simulation=include_simulation, costs=costs, replay=replay)
    outcomes += failures
    if strict and not planned and outcomes:
        raise WorkbookError(_first_error(outcomes))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    total = len(planned) + len(outcomes)
    done = 0
    for outcome in outcomes:
        done += 1
        if on_progress:
            on_progress(done, total, outcome)
    if planned:
        from .pdf import PdfPrinter

        workers = max(1, min(jobs or os.cpu_count() or 1, len(planned)))
        context = multiprocessing.get_context("spawn")  # no inherited zmq or asyncio state
        with tempfile.TemporaryDirectory(prefix="mlops-workbook-") as cache, \
                ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init,
                                    initargs=(cache,)) as pool, \
                (PdfPrinter() if pdf else nullcontext()) as printer:
            for _ in range(workers):  # start every worker and its kernel now, while the simulation runs
                pool.submit(os.getpid)
            # each distinct simulation the teams' contexts ask for, once, before the reports that show it
            # (a report that found no file would simulate again); the workers run the reports of one
            # while the parent simulates the next
            futures = {}
            for key, group in by_simulation(planned).items():
                if key is not None:
                    _share_simulation(cache, key[0], seed, key[1])
                futures.update({pool.submit(_execute, job, str(out), keep_ipynb): job for job in group})
            for future in as_completed(futures):
                job = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - a crashed worker fails its report only
                    outcome = ReportOutcome(job.source, job.team, "failed", summary=job.summary,
                                            error=f"{job.source}: worker crashed: {type(exc).__name__}: {exc}")
                if printer is not None:
                    print_pdf(printer, outcome, out)
                outcomes.append(outcome)
                done += 1
                if on_progress:
                    on_progress(done, total, outcome)
    order = {str(p): i for i, p in enumerate(paths)}
    outcomes.sort(key=lambda o: (order.get(o.source, len(order)), o.source))
    simulated = (f"the team's own history ({Path(replay).name})" if replay else scenario
                 or "each team's own, from its context (how fast its data changes)")
    index = write_index(outcomes, out, scenario=simulated)
    return BatchResult(outcomes, index, time.perf_counter() - started)


def _first_error(failed: list[ReportOutcome]) -> str:
    """One line for a batch in which no file can be reported: the first file's error, the others named."""
    first = failed[0].error or f"{failed[0].source}: cannot be reported"
    others = [o.source for o in failed[1:]]
    return first + (f" (and {len(others)} more invalid: {', '.join(others)})" if others else "")


def print_pdf(printer: Any, outcome: ReportOutcome, out: Path) -> None:
    """`<team>.pdf` beside an exported report; a failure fails this report (no stale PDF left behind)."""
    target = out / f"{Path(outcome.html).stem}.pdf" if outcome.html else None
    if not outcome.ok or target is None:
        if target is not None:
            target.unlink(missing_ok=True)
        return
    start = time.perf_counter()
    try:
        printed = printer.print(out / outcome.html, target)
    except Exception as exc:  # noqa: BLE001 - a failing PDF fails its report only
        target.unlink(missing_ok=True)
        outcome.status = "failed"
        outcome.error = f"{outcome.source}: PDF failed: {type(exc).__name__}: {exc}".splitlines()[0]
        return
    outcome.pdf, outcome.pdf_blocked_requests = printed.path.name, printed.blocked_requests
    outcome.timings["pdf"] = time.perf_counter() - start


def print_progress(done: int, total: int, outcome: ReportOutcome) -> None:
    """One status line per report on stderr (a progress bar that also reads well in CI logs); a failure's
    error is not repeated here: the caller prints it once, as `error: ...`, when the batch is done."""
    width = 20
    filled = int(width * done / total) if total else width
    bar = "#" * filled + "." * (width - filled)
    seconds = sum(outcome.timings.values())
    detail = f": {outcome.html} ({seconds:.1f} s)" if outcome.ok else " (the error follows the batch)"
    print(f"[{bar}] {done}/{total} {'ok    ' if outcome.ok else 'FAILED'} {outcome.team}{detail}",
          file=sys.stderr, flush=True)


__all__ = ["BatchResult", "ReportJob", "ReportOutcome", "clean_environment", "expand_inputs", "export_html", "page",
           "plan_jobs", "print_pdf", "print_progress", "run_report", "run_report_isolated", "run_reports"]
