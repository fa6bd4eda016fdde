"""The assessment: team, context, one tab per dimension, live levels, autosave, resume, report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..answers import (
    DATA_CHANGE,
    RETRAINING_FREQUENCIES,
    STALE_MODEL_COSTS,
    Answer,
    Answers,
    Context,
    answers_path,
    load_answers,
    save_answers,
)
from ..errors import WorkbookError
from ..rubric import DEFAULT_RUBRIC, Rubric, available_rubrics, load_rubric
from ..scoring import Assessment, score
from ._common import answers_dir, esc, page_link, query_parameters, reporting, reports_dir, show, show_error

CHOICES = [("yes", "yes"), ("partial", "partial"), ("no", "no"), ("n/a", "n/a")]
_NONE = "(not given)"


class AssessmentApp(widgets.VBox):
    """Answer a rubric for one team; every change is scored and saved atomically to the answers folder."""

    def __init__(self, *, team: str = "", rubric: str = DEFAULT_RUBRIC, folder: str | Path | None = None,
                 reports: str | Path | None = None, autosave: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.folder = answers_dir(folder)
        self.reports_folder = reports_dir(reports)
        self.autosave = autosave
        self._loading = False
        self.assessment: Assessment | None = None
        self.last_saved: Path | None = None
        self.score_seconds = 0.0

        self._messages = widgets.HTML()
        self._rubric = widgets.Dropdown(description="Rubric", options=self._rubric_options(),
                                        style={"description_width": "120px"})
        self._team = widgets.Text(description="Team", placeholder="your team's name", continuous_update=False,
                                  style={"description_width": "120px"})
        self._models = widgets.BoundedIntText(description="Models in prod.", min=0, max=10_000, value=1,
                                              style={"description_width": "120px"})
        self._retraining = widgets.Dropdown(description="Retraining", options=[_NONE, *RETRAINING_FREQUENCIES],
                                            style={"description_width": "120px"})
        self._stale_cost = widgets.Dropdown(description="Stale model cost", options=[_NONE, *STALE_MODEL_COSTS],
                                            style={"description_width": "120px"})
        self._team_size = widgets.BoundedIntText(description="Team size", min=0, max=10_000, value=0,
                                                 style={"description_width": "120px"})
        self._data_change = widgets.Dropdown(description="Data changes", options=[_NONE, *DATA_CHANGE],
                                             style={"description_width": "120px"})
        self._status = widgets.HTML()
        self._progress = widgets.IntProgress(min=0, max=1, value=0, description="Answered",
                                             style={"description_width": "120px"})
        self._progress_label = widgets.HTML()
        self._summary = widgets.HTML(layout={"width": "440px", "min_width": "320px"})
        self._chart = widgets.Output(layout={"min_width": "540px"})
        self._tabs = widgets.Tab()
        self._report_button = widgets.Button(description="Create my report", icon="file", button_style="primary")
        self._report_out = widgets.HTML()
        self._choices: dict[str, widgets.ToggleButtons] = {}
        self._evidence: dict[str, widgets.Text] = {}
        # The answers themselves; widgets are views of it, built per tab on first visit (a rubric
        # has hundreds of controls, and a room of browsers should not lay out all of them at once).
        self._values: dict[str, tuple[str | None, str]] = {}
        self._built: set[int] = set()

        context_box = widgets.VBox([
            widgets.HTML("<b>Your context</b> (it decides the recommended target level)"),
            widgets.HBox([self._models, self._retraining]),
            widgets.HBox([self._stale_cost, self._data_change]),
            self._team_size,
        ])
        self.children = [
            widgets.HBox([self._team, self._rubric]),
            self._status,
            context_box,
            widgets.HBox([self._progress, self._progress_label]),
            widgets.HBox([self._summary, self._chart], layout={"flex_flow": "row wrap"}),
            self._tabs,
            widgets.HBox([self._report_button]),
            self._report_out,
            self._messages,
        ]

        self._on_rubric = reporting(self._messages)(self._rubric_changed)
        self._on_team = reporting(self._messages)(self._team_changed)
        self._on_change = reporting(self._messages)(self._answer_changed)
        self._rubric.observe(self._on_rubric, names="value")
        self._team.observe(self._on_team, names="value")
        for control in (self._models, self._retraining, self._stale_cost, self._team_size, self._data_change):
            control.observe(self._on_change, names="value")
        self._report_button.on_click(reporting(self._report_out)(self._create_report))
        self._tabs.observe(reporting(self._messages)(self._tab_selected), names="selected_index")

        self._rubric.value = load_rubric(rubric).id if rubric else DEFAULT_RUBRIC
        if self.rubric is None or self.rubric.id != self._rubric.value:
            self._build_criteria()
        if team:
            self._team.value = team
        self._refresh()

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_query(cls, **kwargs: Any) -> AssessmentApp:
        """Prefill team and rubric from the Voila query string (`?team=blue&rubric=quick-check`).

        The app is built first and the query read afterwards: in a preheated Voila kernel the costly
        part (hundreds of widgets, the first chart) is done before a participant asks for the page.
        From a URL only a bundled rubric id is accepted, never a path; an unknown one is a message.
        """
        app = cls(**kwargs)
        query = query_parameters()  # in a preheated kernel: waits here for the page request
        rubric = query.get("rubric")
        if rubric and rubric != app._rubric.value:
            known = available_rubrics()
            if rubric in known:
                app._rubric.value = rubric
            else:
                show_error(app._messages, f"unknown rubric {rubric!r} (known: {', '.join(known)}): "
                                          "showing the default rubric instead")
        if query.get("team"):
            app._team.value = query["team"]
        return app

    @staticmethod
    def _rubric_options() -> list[tuple[str, str]]:
        return [(f"{load_rubric(path).title} ({rid})", rid) for rid, path in available_rubrics().items()]

    @property
    def rubric(self) -> Rubric | None:
        return getattr(self, "_rubric_obj", None)

    def _build_criteria(self) -> None:
        rubric = load_rubric(self._rubric.value)
        self._rubric_obj = rubric
        previous = self._values
        self._values = {cid: previous.get(cid, (None, "")) for cid in rubric.criteria}
        self._choices, self._evidence, self._built = {}, {}, set()
        self._tabs.children = [widgets.VBox() for _ in rubric.dimensions]
        self._tabs.titles = [d.name for d in rubric.dimensions]
        self._tabs.selected_index = 0
        self._progress.max = len(rubric.criteria)
        self._ensure_page(0)

    def _tab_selected(self, change: dict[str, Any]) -> None:
        if change["new"] is not None:
            self._ensure_page(change["new"])

    def _ensure_page(self, index: int) -> None:
        """Build one dimension's controls, from the current answers, the first time it is shown."""
        rubric = self.rubric
        if rubric is None or index in self._built or index >= len(rubric.dimensions):
            return
        self._built.add(index)
        dim = rubric.dimensions[index]
        rows: list[widgets.Widget] = [widgets.HTML(f"<p><i>{esc(dim.description)}</i></p>")]
        for block in dim.levels:
            level = rubric.level(block.level)
            effort = f", to reach from level {block.level - 1}: {esc(level.effort)}" if level.effort else ""
            rows.append(widgets.HTML(f"<h4>Level {block.level}: {esc(level.name)}{effort}</h4>"))
            for crit in block.criteria:
                value, evidence_text = self._values[crit.id]
                choice = widgets.ToggleButtons(options=CHOICES, value=value, style={"button_width": "70px"},
                                               tooltips=["met", "partly met", "not met", "not applicable"])
                choice.add_class(f"criterion-{crit.id}")
                evidence = widgets.Text(value=evidence_text, placeholder="evidence (optional)",
                                        continuous_update=False, layout={"width": "320px"})
                tip = f'<br><span style="color:#5c6b7a;font-size:.9em">{esc(crit.guidance)}</span>' \
                    if crit.guidance else ""
                tools = f'<br><span style="color:#5c6b7a;font-size:.9em">Tools: {esc(", ".join(crit.tools))}</span>' \
                    if crit.tools else ""
                label = widgets.HTML(f"{esc(crit.text)}{tip}{tools}", layout={"width": "46%"})
                handler = reporting(self._messages)(lambda change, cid=crit.id: self._widget_changed(cid))
                choice.observe(handler, names="value")
                evidence.observe(handler, names="value")
                self._choices[crit.id], self._evidence[crit.id] = choice, evidence
                rows.append(widgets.HBox([label, choice, evidence],
                                         layout={"border_bottom": "1px solid #eee", "padding": "4px 0"}))
        self._tabs.children[index].children = rows

    def _widget_changed(self, cid: str) -> None:
        if self._loading:
            return
        self._values[cid] = (self._choices[cid].value, self._evidence[cid].value)
        self._answer_changed()

    # ------------------------------------------------------------------ state

    @property
    def team(self) -> str:
        return self._team.value.strip()

    @property
    def path(self) -> Path | None:
        return answers_path(self.folder, self.team) if self.team else None

    @property
    def context(self) -> Context:
        def pick(widget: widgets.Dropdown) -> str | None:
            return None if widget.value == _NONE else widget.value

        return Context(models_in_production=self._models.value, retraining_frequency=pick(self._retraining),
                       stale_model_cost=pick(self._stale_cost), team_size=self._team_size.value or None,
                       data_change=pick(self._data_change))

    @property
    def answers(self) -> Answers:
        rubric = self.rubric
        assert rubric is not None
        given = {cid: Answer(value, evidence.strip()) for cid, (value, evidence) in self._values.items()
                 if value is not None}
        return Answers(team=self.team or "unnamed team", rubric=rubric.id, answers=given, context=self.context,
                       rubric_version=rubric.version)

    def set_answer(self, criterion_id: str, value: str | None, evidence: str | None = None) -> None:
        """Answer one criterion as a click would (for scripts and tests)."""
        if criterion_id not in self._values:
            raise WorkbookError(f"unknown criterion {criterion_id!r}", field="answers")
        current_value, current_evidence = self._values[criterion_id]
        self._values[criterion_id] = (value, current_evidence if evidence is None else evidence)
        if criterion_id in self._choices:  # the widgets show it; their observers stay quiet while loading
            self._loading = True
            try:
                self._evidence[criterion_id].value = self._values[criterion_id][1]
                self._choices[criterion_id].value = value
            finally:
                self._loading = False
        self._answer_changed()

    def answer_value(self, criterion_id: str) -> tuple[str | None, str]:
        """(answer, evidence) as the app holds it."""
        return self._values[criterion_id]

    # ------------------------------------------------------------------ reactions

    def _rubric_changed(self, change: dict[str, Any]) -> None:
        self._build_criteria()  # answers the two rubrics share are kept
        if not self._loading:
            self._answer_changed()

    def _team_changed(self, change: dict[str, Any]) -> None:
        path = self.path
        if path is not None and path.is_file():
            self.load(path)
        else:  # a new team: nothing to save until the first answer
            self._status.value = f'<span style="color:#5c6b7a">New team: answers will be saved to {esc(path)}</span>' \
                if path else ""
            self._refresh()

    def load(self, path: Path) -> None:
        """Resume from a saved answers file (its rubric, context and answers)."""
        answers, rubric, warnings = load_answers(path)
        self._loading = True
        try:
            if self._rubric.value != rubric.id:
                self._rubric.value = rubric.id  # rebuilds the tabs (observer suppressed by _loading below)
                if self.rubric is None or self.rubric.id != rubric.id:
                    self._build_criteria()
            self._values = {cid: ((a.value, a.evidence) if (a := answers.answers.get(cid)) else (None, ""))
                            for cid in rubric.criteria}
            for cid, widget in self._choices.items():
                self._evidence[cid].value, widget.value = self._values[cid][1], self._values[cid][0]
            ctx = answers.context
            self._models.value = ctx.models_in_production if ctx.models_in_production is not None else 1
            self._retraining.value = ctx.retraining_frequency or _NONE
            self._stale_cost.value = ctx.stale_model_cost or _NONE
            self._team_size.value = ctx.team_size or 0
            self._data_change.value = ctx.data_change or _NONE
        finally:
            self._loading = False
        note = f"; {'; '.join(warnings)}" if warnings else ""
        self._status.value = (f'<span style="color:#2d6a4f">Resumed {len(answers.answers)} answers from '
                              f"{esc(path)}{esc(note)}</span>")
        self._refresh()

    def _answer_changed(self, change: dict[str, Any] | None = None) -> None:
        if self._loading:
            return
        self._refresh()
        if self.autosave and self.team:
            self.save()

    def save(self) -> Path | None:
        path = self.path
        if path is None:
            return None
        save_answers(self.answers, path)
        self.last_saved = path
        self._status.value = (f'<span style="color:#5c6b7a">Saved to {esc(path)} at '
                              f"{time.strftime('%H:%M:%S')}</span>")
        return path

    def _refresh(self) -> None:
        rubric = self.rubric
        if rubric is None:
            return
        start = time.perf_counter()
        answers = self.answers
        self.assessment = score(rubric, answers)
        self.score_seconds = time.perf_counter() - start
        a = self.assessment
        self._progress.max, self._progress.value = a.total, a.answered
        self._progress_label.value = f"{a.answered} of {a.total} criteria"
        target = rubric.level(a.target.level)
        next_items = a.roadmap_items[:3]
        steps = "".join(f"<li>{esc(i.dimension_name)}: {esc(i.text)}</li>" for i in next_items)
        self._summary.value = (
            f"<h3>Overall: Level {a.overall_level} ({esc(rubric.level(a.overall_level).name)})</h3>"
            f"<p>Weakest dimension decides; mean {a.mean_level:.2f}, progress {a.mean_progress:.2f}.</p>"
            f"<p><b>Target: Level {a.target.level} ({esc(target.name)})</b><br>"
            f'<span style="color:#5c6b7a">{esc(a.target.reason)}</span></p>'
            + (f"<p><b>Next steps</b></p><ol>{steps}</ol>" if steps else "")
        )
        from ..charts import enable_offline_rendering, levels_chart
        import pandas as pd

        enable_offline_rendering()
        frame = pd.DataFrame([{"dimension": d.name, "level": d.level, "progress": d.progress} for d in a.dimensions])
        show(self._chart, levels_chart(frame, target=a.target.level, title="Level per dimension (dashed: target)"))

    # ------------------------------------------------------------------ report

    def _create_report(self, button: widgets.Button | None = None) -> None:
        from ..reports import run_report

        path = self.save()
        if path is None:
            raise WorkbookError("enter your team's name first", field="team")
        self._report_out.value = "<i>Executing your report with papermill ...</i>"
        outcome = run_report(path, self.reports_folder)
        if not outcome.ok:
            show_error(self._report_out, outcome.error or "the report failed")
            return
        target = self.reports_folder / (outcome.html or "")
        link = page_link(target)
        shown = f'<a href="{esc(link)}" target="_blank">{esc(target)}</a>' if link else f"<code>{esc(target)}</code>"
        self._report_out.value = f"<p>Your report is ready: {shown}</p>"
        self.last_report = target
