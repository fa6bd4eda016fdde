"""The facilitator's room view: every team in the answers folder, refreshed as answers arrive."""

from __future__ import annotations

import asyncio
import base64
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import ipywidgets as widgets

from ..assessment.answers import team_file_stem
from ..assessment.rubric import DEFAULT_RUBRIC
from ..assessment.room import RoomSummary, summarize_room
from ..assessment.scoring import Assessment
from ..resources import REPORT_NOTEBOOK
from ._common import answers_dir, esc, page_link, reporting, reports_dir, show

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
            widgets.HTML("<h3>Most common gaps: unmet criteria of each team's next level</h3>"), self._gaps,
            widgets.HTML("<h3>Teams</h3>"), self._teams,
            widgets.HTML("<h3>Movement since earlier assessments</h3>"), self._movement,
            widgets.HTML("<h3>Evidence or opinion: where the answers come from</h3>"), self._evidence,
            widgets.HBox([self._export, self._download]),
            widgets.HTML("<h3>Answers files from participants</h3>"), self._upload, self._messages,
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
        return self._folder

    def refresh(self) -> RoomSummary:
        from ..charts import distribution_chart, enable_offline_rendering, room_heatmap, share_chart

        summary = summarize_room(self.folder)
        self.summary = summary
        n = len(summary.assessments)
        self._status.value = (f"<p><b>{n} team{'s' if n != 1 else ''}</b> in {esc(self.folder)}, "
                              f"refreshed at {time.strftime('%H:%M:%S')}</p>")
        self._unreadable.value = "".join(
            f'<p style="color:#b0413e">Cannot read {esc(name)}: {esc(reason)}</p>' for name, reason in summary.unreadable)
        if not n:
            for out in (self._heatmap, self._distribution, self._shares):
                out.clear_output()
            self._gaps.value = self._teams.value = "<p><i>No answers yet: teams appear here as they answer.</i></p>"
            self._movement.value = self._evidence.value = ""
            return summary
        enable_offline_rendering()
        show(self._heatmap, room_heatmap(summary.levels))
        show(self._distribution, distribution_chart(summary.distribution))
        show(self._shares, share_chart(summary.shares))
        gaps = summary.common_gaps()
        self._gaps.value = "<ol>" + "".join(
            f"<li>{esc(row.dimension)} (level {row.level}): {esc(row.text)} <b>{row.teams} team"
            f"{'s' if row.teams != 1 else ''}</b></li>" for row in gaps.itertuples()) + "</ol>"
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
                n = len(assessments)
                parts.append(f"<h4>Rubric {esc(rubric)}: {n} team{'s' if n != 1 else ''}</h4>")
            parts.append(self._rubric_table(assessments))
        return "".join(parts)

    def _rubric_table(self, assessments: list[Assessment]) -> str:
        rows = []
        for a in assessments:
            live = f"{REPORT_NOTEBOOK_URL}?team={quote(a.team)}"
            if a.rubric != DEFAULT_RUBRIC:
                live += f"&rubric={quote(a.rubric)}"
            exported = self.reports_folder / f"{team_file_stem(a.team, a.rubric)}.html"
            export_link = ""
            if exported.is_file():
                link = page_link(exported)
                export_link = (f' · <a href="{esc(link)}" target="_blank">exported</a>' if link
                               else f" · exported: {esc(exported)}")  # outside the served folder
            dims = "".join(f"<td>{d.level}</td>" for d in a.dimensions)
            rows.append(f"<tr><td>{esc(a.team)}</td><td><b>{a.overall_level}</b></td><td>{a.target.level}</td>{dims}"
                        f"<td>{a.answered}/{a.total}</td><td><a href=\"{esc(live)}\" target=\"_blank\">live report</a>"
                        f"{export_link}</td></tr>")
        head = "".join(f"<th>{esc(d.name)}</th>" for d in assessments[0].dimensions)
        return (f'<table border="1" cellpadding="4" style="border-collapse:collapse"><thead><tr><th>Team</th>'
                f"<th>Overall</th><th>Target</th>{head}<th>Answered</th><th>Report</th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>")

    def export_csv(self) -> str:
        """The room summary as CSV: a download link in the page (works offline) and the text returned."""
        summary = self.summary or self.refresh()
        text = summary.to_csv()
        payload = base64.b64encode(text.encode()).decode()
        self._download.value = (f'<a download="room-summary.csv" href="data:text/csv;base64,{payload}">'
                                f"room-summary.csv ({len(summary.assessments)} teams)</a>")
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
                self._status.value = f'<p style="color:#b0413e">Refresh failed: {esc(exc)}</p>'


def movement_html(summary: RoomSummary) -> str:
    moves = summary.movement()
    if not moves:
        return "<p><i>No team has an earlier assessment in this folder yet (kept under history/).</i></p>"
    arrow = {True: "&#9650;", False: "&#9660;"}
    items = "".join(f"<li>{esc(m.team)}: {esc(m.label)} "
                    f"{arrow[m.delta > 0] if m.delta else '='}</li>" for m in moves)
    return f"<ul>{items}</ul>"


def evidence_html(summary: RoomSummary) -> str:
    table = summary.evidence()
    if table.empty:
        return ""
    rows = "".join(f"<tr><td>{esc(r.rubric)}</td><td>{esc(r.dimension)}</td><td>{r.evidence}</td>"
                   f"<td>{r.opinion}</td><td>{r.unanswered}</td></tr>" for r in table.itertuples())
    return ('<table border="1" cellpadding="4" style="border-collapse:collapse"><thead><tr><th>Rubric</th>'
            "<th>Dimension</th><th>On evidence</th><th>On opinion</th><th>Unanswered</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")
