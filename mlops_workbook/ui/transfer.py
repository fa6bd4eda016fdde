"""Answers that travel: download the team's answers as a file, load them back later or elsewhere.

A Binder session is deleted after a few idle minutes and a JupyterHub server may be culled: the
answers file is what a participant keeps, hands to the facilitator, or brings back next quarter.
The download is a `data:` link built from the current answers (no server round trip, so it works
under any URL prefix and offline); the upload is validated like any answers file before the app
takes it (`intake.parse_answers_bytes`), and a bad file is one line in the page.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..assessment.answers import Answers, dumps
from ..assessment.intake import parse_answers_bytes
from ..assessment.store import team_file_stem
from ..errors import WorkbookError
from ..html import fragment
from ._common import COMMON, reporting, show_error, status
from .upload import uploaded_files


def download_link(answers: Answers) -> str:
    """An HTML link that saves `answers` as `<team>.json` in the browser."""
    text = dumps(answers)
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    filename = f"{team_file_stem(answers.team, answers.rubric)}.json"
    return fragment(COMMON, "download", f"data:application/json;base64,{payload}", filename,
                    f"Download my answers ({filename}, {len(answers.answers)} answers)")


class AnswersTransfer(widgets.VBox):
    """"Download my answers" and "Load answers" for an assessment, through two callbacks.

    `get_answers` returns the team's current answers; `on_loaded` receives validated answers from
    an uploaded file (the assessment applies and saves them).
    """

    def __init__(self, get_answers: Callable[[], Answers], on_loaded: Callable[[Answers], None], **kwargs: Any):
        super().__init__(**kwargs)
        self.get_answers = get_answers
        self.on_loaded = on_loaded
        self._prepare = widgets.Button(description="Download my answers", icon="download",
                                       layout={"width": "auto"})
        self._link = widgets.HTML()
        self._upload = widgets.FileUpload(accept=".json,.yaml,.yml", multiple=False, description="Load answers",
                                          layout={"width": "auto"})
        self._message = widgets.HTML()
        self.children = [widgets.HBox([self._prepare, self._upload]), self._link, self._message]
        self._prepare.on_click(reporting(self._message)(self._refresh_link))
        self._upload.observe(reporting(self._message)(self._uploaded), names="value")

    @property
    def download_button(self) -> widgets.Button:
        """"Download my answers": builds the link from the answers as they are now."""
        return self._prepare

    @property
    def upload_control(self) -> widgets.FileUpload:
        """"Load answers": one JSON or YAML file."""
        return self._upload

    @property
    def link(self) -> str:
        """The current download link as HTML ("" when none is shown)."""
        return self._link.value

    @property
    def message(self) -> str:
        """What the last load did (or why it was refused), as HTML."""
        return self._message.value

    def refresh_link(self) -> str:
        """Build the download link from the answers as they are now (the link is a snapshot)."""
        self._link.value = download_link(self.get_answers())
        self._message.value = ""
        return self._link.value

    def _refresh_link(self, button: widgets.Button | None = None) -> None:
        self.refresh_link()

    def load_bytes(self, filename: str, data: bytes) -> Answers | None:
        """What an upload does (also for tests): validate, hand over, one line either way."""
        try:
            answers, _rubric, warnings = parse_answers_bytes(filename, data)
        except WorkbookError as exc:  # a bad file is one line in the page
            show_error(self._message, str(exc))
            return None
        self.on_loaded(answers)
        self._link.value = ""  # the last download link showed the answers before this file
        note = f" ({'; '.join(warnings)})" if warnings else ""
        self._message.value = status(f"Loaded {len(answers.answers)} answers of team {answers.team} from {filename}"
                                     f"{note}", "ok")
        return answers

    def _uploaded(self, change: dict[str, Any]) -> None:
        files = uploaded_files(change["new"])
        if files:
            self.load_bytes(*files[0])
            self._upload.value = ()
