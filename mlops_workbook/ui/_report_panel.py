"""The assessment page's "Create my report": the report queue's client, the place in line and the estimate
it shows while the report is made, then the link."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets

from .. import settings
from ..formatting import plural
from ..html import fragment
from ..report.queue import JobStatus, ReportQueue
from ._common import ASSESSMENT, COMMON, page_link, reporting, show_error


def seconds_text(seconds: float) -> str:
    """A wait as a person says it: "8 s", "2 min"."""
    return f"{max(1, round(seconds))} s" if seconds < 90 else f"{round(seconds / 60)} min"


def waiting_text(job: JobStatus) -> str:
    """What the page says while a report is waiting or being made: its place in line and an estimate
    taken from the last reports' times (or that there is none yet), never a guess written in advance."""
    when = (f"ready in about {seconds_text(job.estimate)}" if job.estimate is not None
            else "no estimate yet (no report has been made here so far)")
    if job.state == "running":
        if job.estimate is not None and job.estimate <= 0:
            return f"Making your report now ({seconds_text(job.running_for)} so far, longer than the last ones took) ..."
        return f"Making your report now: {when} ..."
    if job.starting:
        return f"Starting the report workers (the first report takes longer): {when} ..."
    if job.ahead == 0:
        return f"Your report is next: {when} ..."
    return (f"Waiting: {plural(job.ahead, 'report')} ahead of yours, {job.slots} made at a time; {when} ...")


class ReportPanel(widgets.VBox):
    """"Create my report": the report goes to the machine's report queue (`report.queue`: warm kernels
    and one simulation shared by every participant, as the CLI's batch), so four teams clicking together
    wait for four reports, not four kernel start-ups. While it waits the panel shows its place in line and
    an estimate from the last reports' times; then the link, or one line saying why not. The waiting runs
    in a thread (the page stays responsive); nothing of the report loads in this kernel."""

    def __init__(self, prepare: Callable[[], tuple[Path, str]], reports_folder: Path, *,
                 queue: ReportQueue | None = None, poll: float = 0.5) -> None:
        self.button = widgets.Button(description="Create my report", icon="file", button_style="primary")
        self.out = widgets.HTML()
        super().__init__([widgets.HBox([self.button]), self.out])
        self._prepare, self.reports_folder = prepare, reports_folder
        self.queue = queue or ReportQueue(settings.report_queue_dir(reports_folder))
        self.poll = poll
        self.thread: threading.Thread | None = None
        self.job: str | None = None  # the last submitted job's id
        self.last_report: Path | None = None
        self.timeout = settings.report_timeout()
        self.button.on_click(reporting(self.out)(self._clicked))

    def _clicked(self, button: widgets.Button | None = None) -> None:
        if self.thread is not None and self.thread.is_alive():
            return
        path, rubric = self._prepare()
        self.button.disabled = True
        self.out.value = fragment(COMMON, "italic", "Sending your report to the report queue ...")
        self.thread = threading.Thread(target=self._run, args=(path, rubric), daemon=True)
        self.thread.start()

    def _show_waiting(self, job: JobStatus) -> None:
        self.out.value = fragment(COMMON, "italic", waiting_text(job))

    def _run(self, path: Path, rubric: str) -> None:
        try:
            self.job = self.queue.submit(path, self.reports_folder, rubric=rubric, timeout=self.timeout)
            result = self.queue.wait(self.job, timeout=self.timeout, poll=self.poll, on_status=self._show_waiting)
            if result.state != "done" or not result.html:
                show_error(self.out, f"Your report could not be made: {result.error or 'the report failed'}")
                return
            target = self.reports_folder / result.html
            link = page_link(target)
            self.out.value = fragment(ASSESSMENT, "report_ready", target.name if link else str(target), link)
            self.last_report = target
        except Exception as exc:  # noqa: BLE001 - a thread's error must reach the page
            show_error(self.out, f"Your report could not be made: {type(exc).__name__}: {exc}".splitlines()[0])
        finally:
            self.button.disabled = False
