"""The facilitator's intake: participants' answers files, uploaded several at once, filed in the room."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..assessment.intake import Outcome, import_answers_files
from ..html import fragment, trusted
from ._common import answers_dir, reporting

DASHBOARD = "ui/dashboard.html.j2"


def uploaded_files(value: Any) -> list[tuple[str, bytes]]:
    """(name, bytes) of a FileUpload's value (ipywidgets 8: a tuple of dicts with a memoryview)."""
    return [(str(item["name"]), bytes(item["content"])) for item in value or ()]


def outcomes_html(outcomes: list[Outcome]) -> str:
    """One line per file: green for a saved one, red with the reason for a refused one."""
    return fragment(DASHBOARD, "outcomes", outcomes)


class AnswersUpload(widgets.VBox):
    """Upload answers files (JSON or YAML) into the shared answers folder; `on_imported` is told after."""

    def __init__(self, folder: str | Path | None = None, *,
                 on_imported: Callable[[list[Outcome]], None] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.folder = answers_dir(folder)
        self.on_imported = on_imported
        self.outcomes: list[Outcome] = []
        self._upload = widgets.FileUpload(accept=".json,.yaml,.yml", multiple=True,
                                          description="Add answers files", layout={"width": "220px"})
        self._result = widgets.HTML()
        self.children = [
            widgets.HTML(fragment("ui/common.html.j2", "intro", "Answers from participants",
                                  "their downloaded answers files, several at once")),
            self._upload,
            self._result,
        ]
        self._upload.observe(reporting(self._result)(self._uploaded), names="value")

    @property
    def upload_control(self) -> widgets.FileUpload:
        """The file picker (several files at once)."""
        return self._upload

    @property
    def result(self) -> str:
        """How many files were imported, one line per file, as HTML."""
        return self._result.value

    def import_files(self, files: list[tuple[str, bytes]]) -> list[Outcome]:
        """What an upload does (also for scripts and tests): import, show one line per file, notify."""
        self.outcomes = import_answers_files(files, self.folder)
        saved = sum(o.ok for o in self.outcomes)
        self._result.value = fragment(DASHBOARD, "imported", saved, len(self.outcomes), self.folder,
                                      trusted(outcomes_html(self.outcomes)))
        if self.on_imported is not None and saved:
            self.on_imported(self.outcomes)
        return self.outcomes

    def _uploaded(self, change: dict[str, Any]) -> None:
        files = uploaded_files(change["new"])
        if not files:
            return
        self.import_files(files)
        self._upload.value = ()  # ready for the next batch; the outcome lines stay
