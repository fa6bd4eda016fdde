"""Where answers can come from besides clicks: a repository scan, or an answers file brought along.

Both panels only produce answers; the assessment's session decides what to keep and saves once.
A scan never overrides what the team already said differently: the team's word stays, and the
count of such disagreements is shown so the team can look again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from .. import settings
from ..assessment.answers import Answer, Answers
from ..html import fragment
from ._common import ASSESSMENT
from .prefill import PrefillPanel
from .transfer import AnswersTransfer

if TYPE_CHECKING:
    from .assessment import AssessmentApp


def server_paths_allowed() -> bool:
    """Scanning a folder by its path on the server is for the person at this machine: a participant
    on the room's Wi-Fi (the `participants` server) uploads a zip instead, and cannot probe the
    server's folders."""
    return settings.role() != "participants"


def apply_scan(app: AssessmentApp, items: list[tuple[str, Answer]]) -> tuple[int, int, int]:
    """Pre-fill unanswered criteria, mark agreeing answers as evidenced, keep disagreeing ones.

    Returns (filled, confirmed, kept); nothing is taken while the team name in the box cannot be used."""
    app.check_team()
    session = app.session
    filled = confirmed = kept = 0
    for cid, found in items:
        if cid not in session.rubric.criteria:
            continue
        value, _evidence = session.value(cid)
        if value is None:
            filled += 1
        elif value == found.value:
            confirmed += 1
        else:
            kept += 1
            continue
        session.set_answer(cid, found.value, found.evidence, origin="scan")
    app.answers_changed()
    return filled, confirmed, kept


class AnswerSources(widgets.Accordion):
    """"Pre-fill from a repository" and "Download / load my answers", folded under the team line."""

    def __init__(self, app: AssessmentApp) -> None:
        self._app = app
        self._note = widgets.HTML()
        self.prefill = PrefillPanel(rubric=lambda: app.rubric, on_findings=self._scanned,
                                    allow_paths=server_paths_allowed())
        self.transfer = AnswersTransfer(lambda: app.answers, self._loaded)
        super().__init__(children=[widgets.VBox([self.prefill, self._note]), self.transfer])
        self.set_title(0, "Pre-fill from a repository")
        self.set_title(1, "Download or load my answers")
        self.selected_index = None

    @property
    def note(self) -> str:
        """What the last scan did to the answers (filled, confirmed, kept), as HTML."""
        return self._note.value

    def _scanned(self, items: list[tuple[str, Answer]]) -> None:
        filled, confirmed, kept = apply_scan(self._app, items)
        self._note.value = fragment(ASSESSMENT, "scan_note", filled, confirmed, kept)

    def _loaded(self, uploaded: Answers) -> None:
        self._app.take_uploaded(uploaded)
