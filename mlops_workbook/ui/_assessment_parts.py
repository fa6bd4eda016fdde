"""Parts of the assessment page: the context form, the criteria tabs, the level bars, the report panel.

Each part is a view of `AssessmentSession` (the model, no widgets) and tells the page through one
callback when the participant changed something.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..assessment.answers import DATA_CHANGE, RETRAINING_FREQUENCIES, STALE_MODEL_COSTS, Context
from .. import settings
from ..errors import WorkbookError
from ..assessment.rubric import Rubric
from ..assessment.scoring import Assessment
from ..formatting import plural
from ..html import fragment
from ..report.queue import JobStatus, ReportQueue
from ._common import COMMON, page_link, reporting, show_error, status

CHOICES = [("yes", "yes"), ("partial", "partial"), ("no", "no"), ("n/a", "n/a")]
BUTTON_WIDTH = "58px"  # "partial" whole; four fit beside the criterion at 1024 px
NOT_GIVEN = "(not given)"
_STYLE = {"description_width": "120px"}
PARTS = "ui/assessment.html.j2"
# CSS classes the Voila template's ARIA script reads (templates/mlops/static/aria.js): an answer group
# is a radiogroup named by the `LABEL` widget in its row, so a screen reader says the criterion, not "yes".
ANSWER_GROUP = "mw-answer-group"
LABEL = "mw-label"


class ContextForm(widgets.VBox):
    """What the team runs. Every field starts unset and stays unset until somebody sets it."""

    def __init__(self, on_change: Callable[[str, Any], None], messages: widgets.HTML) -> None:
        def whole(description: str) -> widgets.Text:
            return widgets.Text(description=description, placeholder=NOT_GIVEN, continuous_update=False,
                                style=_STYLE, layout={"width": "260px"})

        def choice(description: str, options: tuple[str, ...]) -> widgets.Dropdown:
            return widgets.Dropdown(description=description, options=[NOT_GIVEN, *options], style=_STYLE)

        self.controls: dict[str, widgets.Widget] = {
            "models_in_production": whole("Models in prod."),
            "retraining_frequency": choice("Retraining", RETRAINING_FREQUENCIES),
            "stale_model_cost": choice("Stale model cost", STALE_MODEL_COSTS),
            "data_change": choice("Data changes", DATA_CHANGE),
            "team_size": whole("Team size"),
        }
        c = self.controls
        super().__init__([
            widgets.HTML(fragment(PARTS, "context_intro")),
            widgets.HBox([c["models_in_production"], c["retraining_frequency"]]),
            widgets.HBox([c["stale_model_cost"], c["data_change"]]),
            c["team_size"],
        ])
        self._quiet = False
        for name, control in c.items():
            handler = reporting(messages)(lambda change, name=name: self._changed(name, change["new"], on_change))
            control.observe(handler, names="value")

    def set_enabled(self, enabled: bool) -> None:
        """Take input (True) or refuse it, greyed out (False: the team name in the box cannot be used)."""
        for control in self.controls.values():
            control.disabled = not enabled

    def _changed(self, name: str, raw: Any, on_change: Callable[[str, Any], None]) -> None:
        if self._quiet:
            return
        value: Any = raw
        if isinstance(self.controls[name], widgets.Text):
            text = str(raw).strip()
            if text and (not text.isdigit() or len(text) > 6):
                raise WorkbookError(f"expected a whole number >= 0, got {text!r}", field=f"context.{name}")
            value = int(text) if text else None
        elif raw == NOT_GIVEN:
            value = None
        on_change(name, value)

    def show(self, context: Context) -> None:
        """Show a context (resumed or merged) without reporting it back as a change."""
        self._quiet = True
        try:
            for name, control in self.controls.items():
                value = getattr(context, name)
                if isinstance(control, widgets.Text):
                    control.value = "" if value is None else str(value)
                else:
                    control.value = value or NOT_GIVEN
        finally:
            self._quiet = False


class CriteriaTabs(widgets.Tab):
    """One tab per dimension, its controls built on first visit (a rubric has hundreds of them and a
    room of browsers should not lay them all out at once)."""

    def __init__(self, value_of: Callable[[str], tuple[str | None, str]],
                 on_change: Callable[[str, str | None, str], None], messages: widgets.HTML) -> None:
        super().__init__()
        self._value_of, self._on_change, self._messages = value_of, on_change, messages
        self.choices: dict[str, widgets.ToggleButtons] = {}
        self.evidence: dict[str, widgets.Text] = {}
        self.marks: dict[str, widgets.HTML] = {}  # the "Saved for <team>" beside each built criterion
        self._marked: str | None = None
        self.enabled = True  # False while the team name in the box cannot be used: nothing is taken
        self._built: set[int] = set()
        self._quiet = False
        self.rubric: Rubric | None = None
        self.observe(reporting(messages)(lambda change: self._build(change["new"])), names="selected_index")

    def show_rubric(self, rubric: Rubric) -> None:
        """One empty tab per dimension of `rubric`; the first is built now, the others on first visit."""
        self.rubric = rubric
        self.choices, self.evidence, self.marks, self._built, self._marked = {}, {}, {}, set(), None
        self.children = [widgets.VBox() for _ in rubric.dimensions]
        self.titles = [d.name for d in rubric.dimensions]
        self.selected_index = 0
        self._build(0)

    def refresh(self) -> None:
        """Show the model's values in the controls built so far (after a resume or a merge)."""
        self._quiet = True
        try:
            for cid, choice in self.choices.items():
                value, evidence = self._value_of(cid)
                self.evidence[cid].value, choice.value = evidence, value
        finally:
            self._quiet = False

    def set_enabled(self, enabled: bool) -> None:
        """Take answers (True) or refuse them, the buttons and evidence boxes greyed out (False), in the
        tabs built so far and in those built later."""
        self.enabled = enabled
        for cid, choice in self.choices.items():
            choice.disabled = self.evidence[cid].disabled = not enabled

    def refuse(self, criterion_id: str, message: str) -> None:
        """Undo a click the page cannot take (the model keeps its value) and say why in one line beside
        that criterion, where the participant looks."""
        if criterion_id in self.choices:
            value, evidence = self._value_of(criterion_id)
            self._quiet = True
            try:
                self.choices[criterion_id].value, self.evidence[criterion_id].value = value, evidence
            finally:
                self._quiet = False
        self._mark(criterion_id, status(message, "error"))

    def _build(self, index: int | None) -> None:
        rubric = self.rubric
        if rubric is None or index is None or index in self._built or index >= len(rubric.dimensions):
            return
        self._built.add(index)
        dim = rubric.dimensions[index]
        rows: list[widgets.Widget] = [widgets.HTML(fragment(PARTS, "dimension_intro", dim.description))]
        for block in dim.levels:
            rows.append(widgets.HTML(fragment(PARTS, "level_heading", block.level, rubric)))
            for crit in block.criteria:
                rows.append(self._row(crit))
        self.children[index].children = rows

    def _row(self, crit: Any) -> widgets.HBox:
        value, evidence_text = self._value_of(crit.id)
        # the four buttons are one unit that never shrinks (shrunk, "n/a" wrapped under "yes" at 1280 px):
        # the criterion's text and the evidence box give way instead
        choice = widgets.ToggleButtons(options=CHOICES, value=value, style={"button_width": BUTTON_WIDTH},
                                       tooltips=["met", "partly met", "not met", "not applicable"],
                                       disabled=not self.enabled, layout={"width": "auto", "flex": "0 0 auto"})
        choice.add_class(f"criterion-{crit.id}")
        choice.add_class(ANSWER_GROUP)
        evidence = widgets.Text(value=evidence_text, placeholder="evidence (optional)", continuous_update=False,
                                disabled=not self.enabled,
                                layout={"width": "auto", "flex": "1 1 160px", "min_width": "120px",
                                        "max_width": "320px"})
        label = widgets.HTML(fragment(PARTS, "criterion", crit), layout={"flex": "1 1 46%", "min_width": "200px"})
        label.add_class(LABEL)

        def changed(change: dict[str, Any], cid: str = crit.id) -> None:
            if not self._quiet:
                self._on_change(cid, self.choices[cid].value, self.evidence[cid].value)

        handler = reporting(self._messages)(changed)
        choice.observe(handler, names="value")
        evidence.observe(handler, names="value")
        mark = widgets.HTML(layout={"flex": "0 0 130px", "width": "130px"})
        mark.add_class("saved-mark")
        self.choices[crit.id], self.evidence[crit.id], self.marks[crit.id] = choice, evidence, mark
        return widgets.HBox([label, choice, evidence, mark],
                            layout={"border_bottom": "1px solid #eee", "padding": "4px 0"})

    def mark_saved(self, criterion_id: str | None, text: str) -> None:
        """Show `text` beside the criterion just answered (the only mark on the page): the participant
        sees the save where they clicked, not in a status line scrolled out of sight. None clears it."""
        self._mark(criterion_id, status(text, "ok"))

    def _mark(self, criterion_id: str | None, html: str) -> None:
        if self._marked is not None and self._marked != criterion_id and self._marked in self.marks:
            self.marks[self._marked].value = ""
        self._marked = criterion_id if criterion_id in self.marks else None
        if self._marked is not None:
            self.marks[self._marked].value = html


def summary_html(a: Assessment, rubric: Rubric) -> str:
    """Overall level, target with the reason it was chosen, and the next three steps."""
    return fragment(PARTS, "summary", a, rubric)


def level_bars(assessment: Assessment, rubric: Rubric) -> str:
    """Level per dimension as HTML bars with the target marked: no chart library in the participant's
    kernel (altair, pandas and a PNG renderer cost ~100 MiB per kernel), and it renders offline."""
    return fragment(PARTS, "level_bars", assessment)


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
            self.out.value = fragment(PARTS, "report_ready", target.name if link else str(target), link)
            self.last_report = target
        except Exception as exc:  # noqa: BLE001 - a thread's error must reach the page
            show_error(self.out, f"Your report could not be made: {type(exc).__name__}: {exc}".splitlines()[0])
        finally:
            self.button.disabled = False
