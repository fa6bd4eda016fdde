"""'Pre-fill from a repository': scan a folder on the server (or an uploaded zip on Binder) and hand
the answers the evidence supports to the assessment, each marked "found in `path:line` - confirm"
for the participant to confirm or change. Below, what to add next: for the criteria the scan did not
find or found only partial, the probes' remediation, grouped by effort (`scan.table.next_steps`)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..assessment.answers import Answer
from ..assessment.rubric import Rubric, load_rubric
from ..html import fragment
from ..scan import CriterionFinding, ScanResult, scan
from ..scan.archive import extract_zip
from ..scan.probes import EFFORTS
from ..scan.table import Action, NextStep, actions, next_steps
from ._common import ASSESSMENT, COMMON, reporting, show_error

PER_EFFORT = 3  # actions shown per effort group: a short list, the rest counted
PER_ACTION = 2  # criteria named per action

Prefilled = list[tuple[str, Answer]]


@dataclass(frozen=True)
class EffortGroup:
    """The actions of one effort (low, medium, high) that the panel shows, and how many it leaves out."""

    effort: str
    actions: tuple[Action, ...]
    more: int


def effort_groups(steps: Sequence[NextStep], *, per_effort: int = PER_EFFORT) -> tuple[EffortGroup, ...]:
    """What to add to the repository next, as a short list: the steps grouped by probe (one action each),
    then by effort, least effort first, at most `per_effort` actions a group (those evidencing most
    criteria first). Probes of the repository only: this panel scans a folder, not a tracking store."""
    in_repo = tuple(replace(step, probes=tuple(p for p in step.probes if p.source == "repository"))
                    for step in steps)
    grouped = actions(in_repo)
    out = []
    for effort in EFFORTS:
        of_effort = tuple(a for a in grouped if a.probe.effort == effort)
        if of_effort:
            out.append(EffortGroup(effort, of_effort[:per_effort], max(0, len(of_effort) - per_effort)))
    return tuple(out)


def confirm_note(finding: CriterionFinding, *, limit: int = 3) -> str:
    """The evidence note of a pre-filled answer: where it was found, and that the team should confirm it."""
    refs = ", ".join(f"`{loc.ref()}`" for loc in finding.evidence[:limit])
    more = len(finding.evidence) - limit
    return f"found in {refs}{f' (+{more} more)' if more > 0 else ''} - confirm"


def prefilled_answers(result: ScanResult) -> Prefilled:
    """A scan's findings as (criterion id, Answer marked origin "scan") pairs for the assessment."""
    return [(f.criterion, Answer(f.answer, confirm_note(f), origin="scan")) for f in result.findings]


class PrefillPanel(widgets.VBox):
    """A path and a Scan button, plus a zip upload; calls `on_findings(list of (criterion id, Answer))`."""

    def __init__(self, *, rubric: Rubric | str | Callable[[], Rubric | None] = "mlops-maturity",
                 on_findings: Callable[[Prefilled], Any] | None = None, path: str = "",
                 allow_paths: bool = True):
        self._rubric = rubric
        self.allow_paths = allow_paths  # False on a room's participants server: a zip only, no server folders
        self.on_findings = on_findings
        self.last_result: ScanResult | None = None
        self._path = widgets.Text(value=path, placeholder="/path/to/your/repository on this server",
                                  description="Folder", layout=widgets.Layout(width="32em"))
        self._scan = widgets.Button(description="Scan", icon="search", button_style="primary")
        self._upload = widgets.FileUpload(accept=".zip", multiple=False, description="Upload a zip")
        self._status = widgets.HTML()
        self._next = widgets.HTML()
        self._scan.on_click(self._scan_clicked)
        self._upload.observe(self._uploaded, names="value")
        intro = widgets.HTML(fragment(ASSESSMENT, "prefill_intro"))
        rows = [widgets.HBox([self._path, self._scan])] if allow_paths else []
        super().__init__([intro, *rows, self._upload, self._status, self._next])

    @property
    def path(self) -> widgets.Text:
        """The folder-path box (absent from the page on a participants' server)."""
        return self._path

    @property
    def button(self) -> widgets.Button:
        """The Scan button."""
        return self._scan

    @property
    def upload(self) -> widgets.FileUpload:
        """The zip upload (a repository brought as a file)."""
        return self._upload

    @property
    def status(self) -> str:
        """What the last scan found (or why it could not run), as HTML."""
        return self._status.value

    @property
    def next_steps(self) -> str:
        """After a scan, what to add next (the probes' remediation for what it did not find), as HTML."""
        return self._next.value

    def _current_rubric(self) -> Rubric:
        rubric = self._rubric() if callable(self._rubric) else self._rubric
        if rubric is None:
            raise ValueError("choose a rubric first")
        return rubric if isinstance(rubric, Rubric) else load_rubric(rubric)

    def _scan_clicked(self, _button: widgets.Button | None = None) -> None:
        self._run(self._path.value.strip(), label=self._path.value.strip())

    def _uploaded(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        self._run_upload(bytes(upload["content"]), upload.get("name", "upload.zip"))

    def scan_zip(self, data: bytes, name: str = "upload.zip") -> None:
        """What an upload does (public so it can be driven without a browser)."""
        self._run_upload(data, name)

    def _run_upload(self, data: bytes, name: str) -> None:
        self._next.value = ""

        @reporting(self._status)
        def go() -> None:
            with tempfile.TemporaryDirectory(prefix="mlops-scan-") as tmp:
                root = extract_zip(data, tmp, source=name)
                entries = list(root.iterdir())
                if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
                    root = entries[0]  # GitHub's "Download ZIP" wraps the tree in one folder
                self._scan_folder(root, label=name)

        go()

    def _run(self, path: str, *, label: str) -> None:
        self._next.value = ""

        @reporting(self._status)
        def go() -> None:
            if not self.allow_paths:
                show_error(self._status, "On this server, upload a zip of your repository instead.")
                return
            if not path:
                show_error(self._status, "Type the path of a repository folder on this server first.")
                return
            self._scan_folder(Path(path).expanduser(), label=label)

        go()

    def _scan_folder(self, folder: str | Path, *, label: str) -> None:
        rubric = self._current_rubric()
        self._status.value = fragment(COMMON, "text", f"Scanning {label}…")
        result = scan(folder, rubric)
        self.last_result = result
        steps = next_steps(result, rubric)
        capped = sum(1 for step in steps if step.status == "partial" and not step.probes)
        self._next.value = fragment(ASSESSMENT, "prefill_next", effort_groups(steps), capped, per_action=PER_ACTION)
        prefilled = prefilled_answers(result)
        if self.on_findings is not None:
            self.on_findings(prefilled)
        if prefilled:
            self._status.value = fragment(ASSESSMENT, "prefill_found", len(prefilled), len(rubric.criteria),
                                          result.files_scanned, label)
        else:
            self._status.value = fragment(COMMON, "text", f"No evidence found in {result.files_scanned} files of "
                                                                  f"{label}; nothing was filled in.")
