"""The assessment page's criteria: one tab per dimension, a row per criterion (its four answer buttons, an
evidence box, the "Saved for <team>" mark), built on first visit, told to the page through one callback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..assessment.rubric import Rubric
from ..html import fragment
from ._common import ASSESSMENT, reporting, status

CHOICES = [("yes", "yes"), ("partial", "partial"), ("no", "no"), ("n/a", "n/a")]
BUTTON_WIDTH = "58px"  # "partial" whole; four fit beside the criterion at 1024 px
# CSS classes the Voila template's ARIA script reads (templates/mlops/static/aria.js): an answer group
# is a radiogroup named by the `LABEL` widget in its row, so a screen reader says the criterion, not "yes".
ANSWER_GROUP = "mw-answer-group"
LABEL = "mw-label"


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
        rows: list[widgets.Widget] = [widgets.HTML(fragment(ASSESSMENT, "dimension_intro", dim.description))]
        for block in dim.levels:
            rows.append(widgets.HTML(fragment(ASSESSMENT, "level_heading", block.level, rubric)))
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
        label = widgets.HTML(fragment(ASSESSMENT, "criterion", crit), layout={"flex": "1 1 46%", "min_width": "200px"})
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
