"""The kernel pool of report workers: what runs in each worker process of a batch (or of the room's
report queue). Each worker imports papermill and nbconvert once, keeps one warm kernel (started ahead,
imports done), resets its namespace between reports (`%reset -f`: variables go, loaded modules stay)
and restarts it every `REPORTS_PER_KERNEL` reports or after a failure. Execution is papermill's, on an
engine registered to use the warm kernel; nbconvert's `basic` template exports the result inside the
offline page, every file written atomically.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from .. import resources, settings
from .._files import atomic_write_text
from ..errors import ReportError
from . import simcache
from .index import page
from .jobs import ReportJob, ReportOutcome


REPORT_NOTEBOOK = resources.notebook(resources.REPORT_NOTEBOOK)
KERNEL_NAME = "python3"
REPORTS_PER_KERNEL = 12
WARM_UP_CODE = (
    "import mlops_workbook.report.content, mlops_workbook.charts, IPython.display\n"
    "mlops_workbook.charts.enable_offline_rendering()"
)
_KERNEL_ENV_DROP = ("QUERY_STRING", "VOILA_PREHEAT", "VOILA_KERNEL_ID")


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
