"""Reports in batch: papermill executes notebooks/03_report.ipynb per answers file, nbconvert exports
offline HTML, and an index page links them all.

Where the time goes in a naive loop is mostly not the report: a fresh kernel per notebook, then the
imports inside it (pandas, SciPy, altair), then nbconvert's own start-up. Here each worker process
imports papermill and nbconvert once, keeps one warm kernel (started ahead, imports done), resets its
namespace between reports (`%reset -f`: variables go, loaded modules stay) and restarts it every
`REPORTS_PER_KERNEL` reports or after a failure. Execution is still papermill's, with the parameters
injected after the `parameters` cell and recorded in the notebook's metadata.

Robustness: answers files are validated before any kernel runs; a failing file or execution is one
line on stderr and a row in the index, the other reports are still produced; every output appears
only complete (temp file + rename); team names become safe file names inside the output folder.
"""

from __future__ import annotations

import glob
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import resources, settings
from .._files import atomic_write_text
from ..errors import ReportError, WorkbookError
from . import simcache
from .index import page, write_index

REPORT_NOTEBOOK = resources.notebook(resources.REPORT_NOTEBOOK)
KERNEL_NAME = "python3"
REPORTS_PER_KERNEL = 12
WARM_UP_CODE = (
    "import mlops_workbook.report.content, mlops_workbook.charts, IPython.display\n"
    "mlops_workbook.charts.enable_offline_rendering()"
)
_KERNEL_ENV_DROP = ("QUERY_STRING", "VOILA_PREHEAT", "VOILA_KERNEL_ID")


@dataclass(frozen=True)
class ReportJob:
    """One report to execute: validated and scored up front, so a worker only runs the notebook."""

    source: str
    team: str
    slug: str
    parameters: dict[str, Any]
    summary: dict[str, Any]
    simulation: tuple[str, tuple[tuple[str, Any], ...]] | None = None  # (scenario, overrides) its report simulates


@dataclass
class ReportOutcome:
    """What became of one answers file: its files, its error, its summary and timings (index.json rows)."""

    source: str
    team: str
    status: str  # "ok" or "failed"
    html: str | None = None
    ipynb: str | None = None
    pdf: str | None = None
    pdf_blocked_requests: int = 0  # requests the page tried to make off the machine while printing, aborted
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the report was produced."""
        return self.status == "ok"


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


# --------------------------------------------------------------------------- inputs


def expand_inputs(items: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[ReportOutcome]]:
    """Files, folders (their answers files) and globs -> answers files; what matches nothing is a failure."""
    from ..assessment.store import answers_files

    found: list[Path] = []
    seen: set[Path] = set()
    missing: list[ReportOutcome] = []
    for item in items:
        text = str(item)
        path = Path(text)
        if path.is_dir():
            matches = answers_files(path)
        elif path.is_file():
            matches = [path]
        else:
            matches = sorted(Path(p) for p in glob.glob(text) if Path(p).is_file())
        if not matches:
            missing.append(ReportOutcome(text, Path(text).stem, "failed", error=f"{text}: no answers files found"))
        for match in matches:
            if match.resolve() not in seen:
                seen.add(match.resolve())
                found.append(match)
    return found, missing


def plan_jobs(
    paths: Sequence[Path], *, rubric: str | None = None, scenario: str = "", seed: int = 0,
    target_level: int | None = None, include_simulation: bool = True, costs: str = "", replay: str = "",
) -> tuple[list[ReportJob], list[ReportOutcome]]:
    """Validate and score every answers file up front: bad ones fail here, before a kernel starts. Each job
    knows the simulation its report shows (the scenario and settings its context gives, unless `scenario`
    is given: `simulation.from_context`), so the batch simulates each distinct one once."""
    from ..assessment.rubric import load_rubric
    from ..assessment.store import read_team, team_file_stem

    fixed = load_rubric(rubric) if rubric else None  # an unknown --rubric is bad input for the whole batch
    jobs: list[ReportJob] = []
    failures: list[ReportOutcome] = []
    used: set[str] = set()
    for path in paths:
        try:
            record = read_team(path, fixed, target_level=target_level)
        except WorkbookError as exc:
            failures.append(ReportOutcome(str(path), path.stem, "failed", error=str(exc)))
            continue
        slug = base = team_file_stem(record.team, record.answers.rubric)  # distinct teams never share a report file
        n = 2
        while slug in used or slug == "index":
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        summary = record.summary()
        simulation = None
        if include_simulation and not replay:  # with a replay the report shows the team's history, no simulation
            from ..simulation.from_context import team_simulation

            settings = team_simulation(record.answers.context, scenario=scenario)
            simulation = (settings.scenario, settings.overrides)
            summary = {**summary, "scenario": settings.scenario}
        parameters = {
            "answers_path": str(Path(path).resolve()),
            "rubric": str(Path(rubric).resolve()) if rubric and Path(rubric).is_file() else (rubric or ""),
            "target_level": target_level,
            "scenario": scenario,
            "seed": seed,
            "include_simulation": include_simulation,
            "costs": str(Path(costs).resolve()) if costs else "",
            "replay": str(Path(replay).resolve()) if replay else "",
        }
        jobs.append(ReportJob(str(path), record.team, slug, parameters, summary, simulation))
    return jobs, failures


# --------------------------------------------------------------------------- HTML export


_EXPORTER: Any = None


def export_html(notebook: Any, title: str) -> str:
    """nbconvert's `basic` template (outputs only, code excluded) inside our offline page.

    The `lab` and `classic` templates load MathJax, require.js and Mermaid from CDNs; `basic`
    renders just the cells, so the page references nothing outside itself.
    """
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        _EXPORTER = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                                 exclude_output_prompt=True)
    body, _ = _EXPORTER.from_notebook_node(notebook)
    return page(title, body)


# --------------------------------------------------------------------------- the worker


class _WarmKernel:
    """One kernel, started ahead with the report's imports running, reused for several reports.

    Each conversation with it uses a fresh client (papermill opens its own for the notebook): a
    client kept across a papermill run stops receiving its replies, as they share one session.
    """

    def __init__(self) -> None:
        from jupyter_client import KernelManager

        # one BLAS/OpenMP thread per kernel: the workers' kernels already share the cores
        env = settings.thread_limits({k: v for k, v in os.environ.items() if k not in _KERNEL_ENV_DROP})
        if _CACHE:
            env.update(simcache.environment(_CACHE))  # where the batch left the simulation
        self.started = time.perf_counter()
        # Unix sockets instead of TCP ports on loopback: no port races between workers, no
        # plain-TCP warning. The socket path must be absolute: the kernel runs in notebooks/.
        self._sockets = tempfile.mkdtemp(prefix="mlops-kernel-")
        self.km = KernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=os.path.join(self._sockets, "k"))
        self.km.start_kernel(cwd=str(REPORT_NOTEBOOK.parent), env=env)
        self._warming = self.km.client()
        self._warming.start_channels()
        self._warming.wait_for_ready(timeout=120)
        self.ready_seconds = time.perf_counter() - self.started
        self._warm_msg = self._warming.execute(WARM_UP_CODE, store_history=False)
        self.import_seconds = 0.0
        self.reports = 0

    def wait_warm(self) -> float:
        """Block until the warm-up imports ran (they overlap the previous report); returns the wait."""
        if self._warming is None:
            return 0.0
        start = time.perf_counter()
        try:
            _wait_reply(self._warming, self._warm_msg)
        finally:
            self._warming.stop_channels()
            self._warming = None
        self.import_seconds = time.perf_counter() - self.started - self.ready_seconds
        return time.perf_counter() - start

    def reset(self) -> None:
        """Forget the previous report's variables; imported modules stay loaded."""
        client = self.km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            _wait_reply(client, client.execute("get_ipython().run_line_magic('reset', '-f')", store_history=False))
        finally:
            client.stop_channels()

    def shutdown(self) -> None:
        import shutil

        try:
            if self._warming is not None:
                self._warming.stop_channels()
            self.km.shutdown_kernel(now=True)
        finally:
            shutil.rmtree(self._sockets, ignore_errors=True)


def _wait_reply(client: Any, msg_id: str, timeout: float = 300) -> None:
    import queue

    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ReportError("the kernel did not answer in time")
        try:
            reply = client.get_shell_msg(timeout=remaining)
        except queue.Empty:
            continue
        if reply["parent_header"].get("msg_id") == msg_id:
            if reply["content"].get("status") != "ok":
                raise ReportError(f"kernel set-up failed: {reply['content'].get('evalue', '')}")
            return


_KERNEL: _WarmKernel | None = None
_CACHE = ""  # this worker's batch's simulation cache folder ("" outside a batch)


def _register_engine() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmKernelEngine(NBClientEngine):
        """papermill's nbclient engine, on a kernel we started (papermill neither starts nor stops it)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, km: Any = None, **kwargs: Any) -> Any:
            import logging

            client = PapermillNotebookClient(nb_man, km=km, kernel_name=kernel_name,
                                             timeout=kwargs.get("execution_timeout"),
                                             startup_timeout=kwargs.get("start_timeout", 60),
                                             log=logging.getLogger("papermill"), log_output=False)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register("mlops-warm", WarmKernelEngine)


def _share_simulation(cache: str, scenario: str, seed: int, overrides: tuple[tuple[str, Any], ...] = ()) -> None:
    """Simulate once in the parent and leave it where every report kernel looks first."""
    from .content import report_simulation

    simcache.write(cache, scenario, seed, report_simulation(scenario, seed, overrides=overrides), overrides)


def _worker_init(cache: str = "") -> None:
    """Runs once per worker process: imports, the engine, and a first kernel warming up."""
    global _KERNEL, _CACHE
    import papermill  # noqa: F401 - imported once per worker, not once per report
    from multiprocessing import util

    _CACHE = cache  # handed to the kernels this worker starts

    _register_engine()
    util.Finalize(None, _shutdown_kernel, exitpriority=10)
    try:
        _KERNEL = _WarmKernel()
    except Exception:  # noqa: BLE001 - the first report retries and reports the reason
        _KERNEL = None


def _shutdown_kernel() -> None:
    global _KERNEL
    if _KERNEL is not None:
        _KERNEL.shutdown()
        _KERNEL = None


def _papermill_and_export(job: ReportJob, out: Path, keep_ipynb: bool, outcome: ReportOutcome,
                          timings: dict[str, float], **engine: Any) -> bool:
    """Execute the report notebook with papermill, export it, write both atomically; True if it failed."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    ipynb_tmp = out / f".{job.slug}.{os.getpid()}.tmp.ipynb"
    start = time.perf_counter()
    try:
        papermill.execute_notebook(str(REPORT_NOTEBOOK), str(ipynb_tmp), parameters=job.parameters,
                                   kernel_name=KERNEL_NAME, progress_bar=False, log_output=False, **engine)
    except PapermillExecutionError as exc:
        outcome.error = f"{job.source}: report failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}".strip()
    except Exception as exc:  # noqa: BLE001 - any other failure is reported, the batch goes on
        outcome.error = f"{job.source}: report failed: {type(exc).__name__}: {exc}".splitlines()[0]
    timings["execute"] = time.perf_counter() - start
    try:
        if outcome.error is None:
            start = time.perf_counter()
            notebook = nbformat.read(ipynb_tmp, as_version=4)
            html_path = out / f"{job.slug}.html"
            atomic_write_text(html_path, export_html(notebook, f"MLOps maturity report: {job.team}"))
            timings["export"] = time.perf_counter() - start
            outcome.status, outcome.html = "ok", html_path.name
        if keep_ipynb and ipynb_tmp.exists():
            final = out / (f"{job.slug}.ipynb" if outcome.ok else f"{job.slug}.failed.ipynb")
            os.replace(ipynb_tmp, final)
            outcome.ipynb = final.name
    except Exception as exc:  # noqa: BLE001
        outcome.status = "failed"
        outcome.error = f"{job.source}: export failed: {type(exc).__name__}: {exc}".splitlines()[0]
    finally:
        ipynb_tmp.unlink(missing_ok=True)
    return outcome.error is not None


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


def _execute(job: ReportJob, out_dir: str, keep_ipynb: bool, timeout: float | None = None) -> ReportOutcome:
    """Execute one report in this worker's warm kernel and export it (`timeout`: seconds per cell)."""
    global _KERNEL
    out = Path(out_dir)
    outcome = ReportOutcome(job.source, job.team, "failed", summary=job.summary)
    timings: dict[str, float] = {}
    if _KERNEL is None or _KERNEL.reports >= REPORTS_PER_KERNEL:
        _shutdown_kernel()
        try:
            _KERNEL = _WarmKernel()
        except Exception as exc:  # noqa: BLE001
            outcome.error = f"{job.source}: no kernel to run the report: {type(exc).__name__}: {exc}".splitlines()[0]
            return outcome
    kernel = _KERNEL
    if kernel.reports == 0:
        timings["kernel_start"] = kernel.ready_seconds
    timings["wait_for_imports"] = kernel.wait_warm()
    if kernel.reports == 0:
        timings["imports_in_kernel"] = kernel.import_seconds
    else:
        kernel.reset()
    kernel.reports += 1
    failed = _papermill_and_export(job, out, keep_ipynb, outcome, timings, engine_name="mlops-warm", km=kernel.km,
                                   execution_timeout=timeout)
    if failed:
        _shutdown_kernel()  # a failed run may leave the kernel in any state
    outcome.timings = timings
    return outcome


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
) -> BatchResult:
    """Execute one report per answers file in parallel worker processes; write the HTML and an index.

    With `pdf`, one chromium prints each report as soon as its HTML is written (while the workers run
    the next ones); a PDF that fails fails its report only. `scenario` "": each team's from its context;
    `costs`: a costs file for every report (validated here: a bad field is bad input for the batch);
    `replay`: a saved `replay --json` result every report shows instead of the loan book (validated here too).
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
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths, outcomes = expand_inputs(inputs)
    planned, failures = plan_jobs(paths, rubric=rubric, scenario=scenario, seed=seed, target_level=target_level,
                                  include_simulation=include_simulation, costs=costs, replay=replay)
    outcomes += failures
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
            for key, group in _by_simulation(planned).items():
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


def _by_simulation(planned: Sequence[ReportJob]) -> dict[Any, list[ReportJob]]:
    """The jobs grouped by the simulation they show, those without one first, then in input order."""
    groups: dict[Any, list[ReportJob]] = {None: []}
    for job in planned:
        groups.setdefault(job.simulation, []).append(job)
    return groups


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
    """One status line per report on stderr (a progress bar that also reads well in CI logs)."""
    width = 20
    filled = int(width * done / total) if total else width
    bar = "#" * filled + "." * (width - filled)
    seconds = sum(outcome.timings.values())
    detail = f"{outcome.html} ({seconds:.1f} s)" if outcome.ok else outcome.error
    print(f"[{bar}] {done}/{total} {'ok    ' if outcome.ok else 'FAILED'} {outcome.team}: {detail}",
          file=sys.stderr, flush=True)
