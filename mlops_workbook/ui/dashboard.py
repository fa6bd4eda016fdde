"""The facilitator's room view: every team in the answers folder, refreshed as answers arrive."""

from __future__ import annotations

import asyncio
import base64
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import ipywidgets as widgets

from ..assessment.rubric import DEFAULT_RUBRIC
from ..assessment.room import RoomSummary, summarize_room
from ..assessment.scoring import Assessment
from ..assessment.store import team_file_stem
from ..html import fragment
from ..resources import REPORT_NOTEBOOK
from ._common import COMMON, answers_dir, heading, page_link, reporting, reports_dir, show

BOARD = "ui/dashboard.html.j2"

REPORT_NOTEBOOK_URL = REPORT_NOTEBOOK  # relative: the dashboard is served beside it by Voila


class WorkshopDashboard(widgets.VBox):
    """Teams x dimensions heatmap, level distribution, shares, common gaps, CSV export, auto-refresh.

    The answers folder is fixed when the dashboard is built (by `serve`, through the environment),
    never typed in the page: a box there would let whoever sees the page read any folder of the server.
    """

    def __init__(self, *, folder: str | Path | None = None, reports: str | Path | None = None,
                 auto_refresh: bool = False, interval: float = 5.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.summary: RoomSummary | None = None
        self.reports_folder = reports_dir(reports)
        self._task: asyncio.Task[None] | None = None
        self._folder = answers_dir(folder)
        self._refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self._auto = widgets.Checkbox(description="Auto-refresh", value=False, indent=False)
        self._interval = widgets.BoundedFloatText(description="every (s)", min=1, max=600, value=interval,
                                                  layout={"width": "160px"})
        self._status = widgets.HTML()
        self._heatmap = widgets.Output()
        self._distribution = widgets.Output()
        self._shares = widgets.Output()
        self._gaps = widgets.HTML()
        self._teams = widgets.HTML()
        self._movement = widgets.HTML()
        self._evidence = widgets.HTML()
        from .upload import AnswersUpload

        self._upload = AnswersUpload(self._folder, on_imported=lambda outcomes: self.refresh())
        self._unreadable = widgets.HTML()
        self._export = widgets.Button(description="Export CSV", icon="download")
        self._download = widgets.HTML()
        self._messages = widgets.HTML()
        self.children = [
            widgets.HBox([self._refresh_button, self._auto, self._interval]),
            self._status, self._unreadable,
            self._heatmap, widgets.HBox([self._distribution, self._shares]),
            heading("Most common gaps: unmet criteria of each team's next level"), self._gaps,
            heading("Teams"), self._teams,
            heading("Movement since earlier assessments"), self._movement,
            heading("Evidence or opinion: where the answers come from"), self._evidence,
            widgets.HBox([self._export, self._download]),
            heading("Answers files from participants"), self._upload, self._messages,
        ]
        safe = reporting(self._messages)
        self._refresh_button.on_click(safe(lambda button: self.refresh()))
        self._export.on_click(safe(lambda button: self.export_csv()))
        self._auto.observe(safe(self._toggle_auto), names="value")
        self.refresh()
        if auto_refresh:
            self._auto.value = True

    @property
    def folder(self) -> Path:
        """The answers folder this dashboard reads (fixed when built)."""
        return self._folder

    @property
    def refresh_button(self) -> widgets.Button:
        """Re-read the folder now."""
        return self._refresh_button

    @property
    def status(self) -> str:
        """How many teams, which folder, when refreshed (or why a refresh failed), as HTML."""
        return self._status.value

    @property
    def unreadable(self) -> str:
        """One line per file that could not be read, with its reason, as HTML."""
        return self._unreadable.value

    @property
    def teams_html(self) -> str:
        """The teams table(s), one per rubric, with their report links."""
        return self._teams.value

    @property
    def movement(self) -> str:
        """Teams' moves since their earlier assessments, as HTML."""
        return self._movement.value

    @property
    def evidence(self) -> str:
        """The room's answers on evidence vs opinion, as HTML."""
        return self._evidence.value

    @property
    def download(self) -> str:
        """The CSV download link made by `export_csv` ("" before), as HTML."""
        return self._download.value

    def refresh(self) -> RoomSummary:
        """Re-read the answers folder through the store and redraw every view."""
        from ..charts import distribution_chart, enable_offline_rendering, room_heatmap, share_chart

        summary = summarize_room(self.folder)
        self.summary = summary
        n = len(summary.assessments)
        self._status.value = fragment(BOARD, "room_status", n, self.folder, time.strftime("%H:%M:%S"))
        self._unreadable.value = fragment(BOARD, "unreadable", summary.unreadable)
        if not n:
            for out in (self._heatmap, self._distribution, self._shares):
                out.clear_output()
            self._gaps.value = self._teams.value = fragment(COMMON, "note", "No answers yet: teams appear here as they answer.")
            self._movement.value = self._evidence.value = ""
            return summary
        enable_offline_rendering()
        show(self._heatmap, room_heatmap(summary.levels))
        show(self._distribution, distribution_chart(summary.distribution))
        show(self._shares, share_chart(summary.shares))
        gaps = summary.common_gaps()
        self._gaps.value = fragment(BOARD, "gaps", list(gaps.itertuples()))
        self._teams.value = self._teams_html(summary)
        self._movement.value = movement_html(summary)
        self._evidence.value = evidence_html(summary)
        return summary

    def _teams_html(self, summary: RoomSummary) -> str:
        """One table per rubric: teams answering different rubrics have different dimensions, and one
        shared header would put a team's levels under another rubric's dimension names."""
        groups = summary.by_rubric()
        parts = []
        for rubric, assessments in groups.items():
            if len(groups) > 1:
                parts.append(fragment(BOARD, "rubric_heading", rubric, len(assessments)))
            parts.append(self._rubric_table(assessments))
        return "".join(parts)

    def _rubric_table(self, assessments: list[Assessment]) -> str:
        rows = []
        for a in assessments:
            live = f"{REPORT_NOTEBOOK_URL}?team={quote(a.team)}"
            if a.rubric != DEFAULT_RUBRIC:
                live += f"&rubric={quote(a.rubric)}"
            exported = self.reports_folder / f"{team_file_stem(a.team, a.rubric)}.html"
            link = page_link(exported) if exported.is_file() else None
            rows.append({"a": a, "live": live, "export_link": link,  # a path when outside the served folder
                         "export_path": str(exported) if exported.is_file() and not link else ""})
        return fragment(BOARD, "teams_table", assessments[0].dimensions, rows)

    def export_csv(self) -> str:
        """The room summary as CSV: a download link in the page (works offline) and the text returned."""
        summary = self.summary or self.refresh()
        text = summary.to_csv()
        payload = base64.b64encode(text.encode()).decode()
        self._download.value = fragment(COMMON, "download", f"data:text/csv;base64,{payload}", "room-summary.csv",
                                        f"room-summary.csv ({len(summary.assessments)} teams)")
        return text

    # ------------------------------------------------------------------ auto-refresh

    def _toggle_auto(self, change: dict[str, Any]) -> None:
        if change["new"]:
            loop = asyncio.get_event_loop()
            self._task = loop.create_task(self._auto_loop())
        elif self._task is not None:
            self._task.cancel()
            self._task = None

    async def _auto_loop(self) -> None:
        while True:
            await asyncio.sleep(self._interval.value)
            try:
                self.refresh()
            except Exception as exc:  # noqa: BLE001 - keep refreshing; say what went wrong
                self._status.value = fragment(COMMON, "para", f"Refresh failed: {exc}", "error")


def movement_html(summary: RoomSummary) -> str:
    """Each team with an earlier assessment: then and now, an arrow for the direction."""
    return fragment(BOARD, "movement", summary.movement())


def evidence_html(summary: RoomSummary) -> str:
    """Per rubric and dimension, how many answers rest on repository evidence and how many on opinion."""
    table = summary.evidence()
    if table.empty:
        return ""
    return fragment(BOARD, "evidence", list(table.itertuples()))
