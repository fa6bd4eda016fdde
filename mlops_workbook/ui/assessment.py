"""The assessment page: team, rubric, context, one tab per dimension, live levels, autosave, report.

A view of `mlops_workbook.assessment.session.AssessmentSession` (the answers per rubric, load and merge-save);
this module only turns clicks into calls on it and shows its state.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..assessment.answers import Answers
from ..assessment.rubric import DEFAULT_RUBRIC, Rubric, available_rubrics, load_rubric
from ..assessment.scoring import Assessment, score
from ..assessment.session import AssessmentSession
from ..errors import WorkbookError
from ..html import fragment
from ._common import (
    ASSESSMENT,
    FORM_STYLE,
    answers_dir,
    query_parameters,
    reporting,
    reports_dir,
    show_error,
    status,
)
from ._context_form import ContextForm
from ._criteria_tabs import CriteriaTabs
from ._report_panel import ReportPanel

if TYPE_CHECKING:
    from ._assessment_sources import AnswerSources


class AssessmentApp(widgets.VBox):
    """Answer a rubric for one team; every change is scored and merged into the team's file at once."""

    def __init__(self, *, team: str = "", rubric: str | Path = DEFAULT_RUBRIC, folder: str | Path | None = None,
                 reports: str | Path | None = None, autosave: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.folder, self.autosave = answers_dir(folder), autosave
        self.assessment: Assessment | None = None
        self.last_saved: Path | None = None
        self.score_seconds = 0.0
        self._team_problem = ""  # why the name in the box cannot be used; while set, nothing is taken or saved
        first = load_rubric(rubric or DEFAULT_RUBRIC)  # an id or a path: a custom rubric's id need not be its name
        self.session = AssessmentSession(self.folder, first)
        self._messages = widgets.HTML()
        options = [(f"{load_rubric(p).title} ({rid})", rid) for rid, p in available_rubrics().items()]
        if first.id not in dict(map(reversed, options)):  # type: ignore[arg-type]
            options.append((f"{first.title} ({first.id})", first.id))
        # wide enough for the longest title: the default 300 px cut it to "MLOps maturity assessn"
        widest = max(len(label) for label, _ in options)
        self._rubric = widgets.Dropdown(description="Rubric", options=options, value=first.id, style=FORM_STYLE,
                                        layout={"width": f"calc(120px + {widest + 4}ch)", "max_width": "100%"})
        self._team = widgets.Text(description="Team", placeholder="your team's name", continuous_update=False,
                                  style=FORM_STYLE)
        self._team.add_class("team-name")
        self._status, self._progress_label, self._level_bars = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self._progress = widgets.IntProgress(min=0, max=1, value=0, description="Answered", style=FORM_STYLE)
        self._summary = widgets.HTML(layout={"width": "440px", "min_width": "320px"})
        self._context = ContextForm(self._context_changed, self._messages)
        self._tabs = CriteriaTabs(self.session.value, self._criterion_changed, self._messages)
        self._report = ReportPanel(self._prepare_report, reports_dir(reports))
        from ._assessment_sources import AnswerSources  # the scan's code loads only with the assessment

        self._sources = AnswerSources(self)
        # the page's error line sits under the team and the context, where most errors come from; a
        # refused click says so beside its criterion, a report's trouble beside its button
        self.children = [
            widgets.HBox([self._team, self._rubric], layout={"flex_flow": "row wrap"}), self._status,
            self._sources, self._context, self._messages,
            widgets.HBox([self._progress, self._progress_label]),
            widgets.HBox([self._summary, self._level_bars], layout={"flex_flow": "row wrap"}),
            self._tabs, self._report,
        ]
        self._rubric.observe(reporting(self._messages)(self._rubric_changed), names="value")
        self._team.observe(reporting(self._messages)(self._team_changed), names="value")
        self._tabs.show_rubric(first)
        if team:
            self._team.value = team
        self._refresh()

    @classmethod
    def from_query(cls, **kwargs: Any) -> AssessmentApp:
        """Build the app, then apply `?team=...&rubric=...` from the Voila URL.

        The app is built first and the query read afterwards: in a preheated Voila kernel the costly
        part is done before a participant asks for the page. From a URL only a bundled rubric id is
        accepted, never a path; an unknown one is a message.
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

    # ------------------------------------------------------------------ state, for scripts and tests

    @property
    def rubric(self) -> Rubric:
        """The rubric shown."""
        return self.session.rubric

    @property
    def team(self) -> str:
        """The team's exact name ("" until typed)."""
        return self.session.team

    @property
    def team_problem(self) -> str:
        """Why the name in the team box cannot be used ("" when it can): while it cannot, the page takes
        no answer and saves nothing, so nothing lands in another team's file."""
        return self._team_problem

    def check_team(self) -> None:
        """Raise the one-line `WorkbookError` while the name in the team box cannot be used."""
        if self._team_problem:
            raise WorkbookError(f"{self._team_problem}: fix the team name first, nothing was taken", field="team")

    @property
    def path(self) -> Path | None:
        """The team's file for the shown rubric (None until a team is named)."""
        return self.session.path

    @property
    def answers(self) -> Answers:
        """The shown rubric's answers, as the page scores them."""
        return self.session.answers

    @property
    def last_report(self) -> Path | None:
        """The report the "Create my report" button made last (None before one finished)."""
        return self._report.last_report

    def answer_value(self, criterion_id: str) -> tuple[str | None, str]:
        """(value or None, evidence) of a criterion of the shown rubric."""
        return self.session.value(criterion_id)

    # ------------------------------------------------------------------ what the participant sees and uses

    @property
    def team_input(self) -> widgets.Text:
        """The team name box (typing a name opens that team's file)."""
        return self._team

    @property
    def rubric_picker(self) -> widgets.Dropdown:
        """The rubric chooser (switching shows another rubric's answers, never changes data)."""
        return self._rubric

    @property
    def tabs(self) -> CriteriaTabs:
        """One tab per dimension of the shown rubric (built on first visit)."""
        return self._tabs

    @property
    def criterion_buttons(self) -> dict[str, widgets.ToggleButtons]:
        """Criterion id -> its yes/partial/no/n-a buttons, for the tabs built so far."""
        return self._tabs.choices

    @property
    def evidence_inputs(self) -> dict[str, widgets.Text]:
        """Criterion id -> its evidence box, for the tabs built so far."""
        return self._tabs.evidence

    @property
    def context_inputs(self) -> dict[str, widgets.Widget]:
        """Context field name -> its input (unset until somebody sets it)."""
        return self._context.controls

    @property
    def progress_bar(self) -> widgets.IntProgress:
        """Answered criteria out of all (value / max)."""
        return self._progress

    @property
    def status(self) -> str:
        """The status line under the team (resumed, new, saved, or why the file cannot be used), as HTML."""
        return self._status.value

    @property
    def messages(self) -> str:
        """The page's error line (a callback's failure), as HTML; "" when all is well."""
        return self._messages.value

    @property
    def summary(self) -> str:
        """The overall level, target and next steps, as HTML."""
        return self._summary.value

    @property
    def level_bars(self) -> str:
        """The level per dimension as HTML bars."""
        return self._level_bars.value

    @property
    def report_panel(self) -> ReportPanel:
        """"Create my report": its button, its output line, the thread running it."""
        return self._report

    @property
    def sources(self) -> AnswerSources:
        """Pre-fill from a repository, and download / load answers."""
        return self._sources

    def set_answer(self, criterion_id: str, value: str | None, evidence: str | None = None, *,
                   origin: str = "") -> None:
        """Answer one criterion as a click would (scan results, scripts, tests)."""
        self.check_team()
        self.session.set_answer(criterion_id, value, evidence, origin=origin)
        self.answers_changed()

    def merge_answers(self, uploaded: Answers) -> int:
        """Take an uploaded answers file's answers and context as if entered here; saved at once."""
        self.check_team()
        count = self.session.merge(uploaded)
        self._context.show(self.session.context)
        self.answers_changed()
        return count

    def take_uploaded(self, uploaded: Answers) -> int:
        """"Load answers": show the file's rubric (bundled ones), take its team when none is typed yet,
        then merge its answers into that team's."""
        self.check_team()
        if uploaded.rubric != self._rubric.value and uploaded.rubric in available_rubrics():
            self._rubric.value = uploaded.rubric
        if not self.team:
            self._team.value = uploaded.team
        return self.merge_answers(uploaded)

    def answers_changed(self) -> None:
        """The session's answers changed outside the tabs (scan, upload, script): show, save, score."""
        self._tabs.refresh()
        self._changed()

    # ------------------------------------------------------------------ reactions

    def _criterion_changed(self, cid: str, value: str | None, evidence: str) -> None:
        if self._team_problem:  # a click that raced the greying-out: undone, and said beside it
            self._tabs.refuse(cid, "Not saved: fix the team name first")
            return
        self.session.set_answer(cid, value, evidence)
        self._changed(cid)

    def _context_changed(self, name: str, value: Any) -> None:
        if self._team_problem:  # greyed out; a change that raced it is undone (the status line says why)
            self._context.show(self.session.context)
            return
        self.session.set_context(name, value)
        self._changed()

    def _rubric_changed(self, change: dict[str, Any]) -> None:
        resumed = self.session.select_rubric(load_rubric(change["new"]) if change["new"] not in
                                             self.session.rubrics else self.session.rubrics[change["new"]])
        self._tabs.show_rubric(self.session.rubric)
        self._show_opened(resumed, switched=change["old"])

    def _team_changed(self, change: dict[str, Any]) -> None:
        try:
            resumed = self.session.set_team(change["new"])
        except WorkbookError as exc:  # never truncated: the name is the participant's; never the old team's file
            self._refuse_team(str(exc))
            return
        self._team_problem = ""
        self._tabs.set_enabled(True)
        self._context.set_enabled(True)
        self._tabs.refresh()
        self._context.show(self.session.context)
        self._show_opened(resumed)
        if self.session.unsaved and self.autosave:  # answers given before the name was typed
            self.save()

    def _refuse_team(self, problem: str) -> None:
        """The name in the box cannot be used: say so under the box, take no answers until it can."""
        self._team_problem = problem
        self.session.set_team("")  # let go of the previous team: its answers are not shown under this name
        self._tabs.refresh()
        self._context.show(self.session.context)
        self._tabs.set_enabled(False)
        self._context.set_enabled(False)
        self._tabs.mark_saved(None, "")
        self._status.value = status(f"{problem}: shorten the name; until then no answer is taken or saved",
                                    "error")
        self._refresh()

    def _show_opened(self, resumed: int, switched: str | None = None) -> None:
        path = self.path
        if self._team_problem:
            self._refresh()
            return
        if self.session.warning:
            text, tone = self.session.warning, "error"
        elif path is None:
            text, tone = "", "muted"
        elif resumed:
            text, tone = f"Resumed {resumed} answers to {self.rubric.id} for {self.team}", "ok"
        else:
            text, tone = (f"New: {self.team}'s answers to {self.rubric.id} will be saved to this server as you "
                          "answer"), "muted"
        if switched is not None and tone != "error":  # an empty set of answers is not a loss: say so
            whose = f"{self.team}'s" if self.team else "your"
            note = (f"Each rubric keeps its own answers: {whose} answers to {switched} are kept, switching back "
                    "restores them")
            text = f"{text}. {note}" if text else note
        self._status.value = status(text, tone) if text else ""
        self._refresh()

    def _changed(self, criterion_id: str | None = None) -> None:
        if self.autosave and self.team:
            self.save(criterion_id)
        self._refresh()

    def save(self, criterion_id: str | None = None) -> Path | None:
        """Merge this page's changes into the team's file now (None: no team yet). The status line and,
        when the save follows a click on `criterion_id`, a mark beside that criterion say so with the
        team's name (the file's hashed stem means nothing to a participant). While the name in the box
        cannot be used it raises instead and nothing is written."""
        self.check_team()
        path = self.session.save()
        if path is not None:
            self._tabs.refresh()  # another browser's answers to this team, merged in
            self.last_saved = path
            self._status.value = status(f"Saved for {self.team} at {time.strftime('%H:%M:%S')}", "ok")
            self._tabs.mark_saved(criterion_id, f"Saved for {self.team}")
        return path

    def _refresh(self) -> None:
        start = time.perf_counter()
        rubric = self.rubric
        self.assessment = a = score(rubric, self.session.answers)
        self.score_seconds = time.perf_counter() - start
        self._progress.max, self._progress.value = a.total, a.answered
        self._progress_label.value = f"{a.answered} of {a.total} criteria"
        self._summary.value = fragment(ASSESSMENT, "summary", a, rubric)  # level, target and why, next three steps
        # levels as HTML bars, target marked: no chart library in the participant's kernel (altair, pandas
        # and a PNG renderer cost ~100 MiB per kernel), and it renders offline
        self._level_bars.value = fragment(ASSESSMENT, "level_bars", a)

    def _prepare_report(self) -> tuple[Path, str]:
        self.check_team()
        if not self.team:
            raise WorkbookError("enter your team's name first", field="team")
        path = self.save()
        assert path is not None
        rubric_ref = self.rubric.id if self.rubric.id in available_rubrics() else str(self.rubric.source or "")
        return path, rubric_ref
