"""The facilitator's room view: every team in the answers folder, refreshed as answers arrive, and the
controls that run the room (export every report, show the join URL and QR again, places left).

Why the charts are HTML, not `Output` widgets: an Output captures a display by the id of the kernel
request the code runs under, and the page routes it only while that request is alive. The auto-refresh
runs in a task long after the request that started it (Voila's execution of the notebook, or the
checkbox's click) has finished, so its displays went nowhere: on a room that started empty the charts
never appeared until a click's own request drew them. A chart is now rendered to SVG here (vl-convert,
offline) and set as an HTML widget's value: widget state, synced the same way the status text is, from
any task; and its text alternative (`role="img"` and a label saying what it shows) comes with it.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import ipywidgets as widgets

from .. import settings
from ..assessment.room import RoomSummary, summarize_room
from ..assessment.rubric import DEFAULT_RUBRIC
from ..assessment.scoring import Assessment
from ..assessment.store import team_file_stem
from ..formatting import plural
from ..html import fragment, trusted
from ..resources import REPORT_NOTEBOOK
from ._common import (
    COMMON,
    answers_dir,
    heading,
    page_link,
    query_parameters,
    reporting,
    reports_dir,
    served_url,
)

BOARD = "ui/dashboard.html.j2"

REPORT_NOTEBOOK_URL = REPORT_NOTEBOOK  # relative: the dashboard is served beside it by Voila
CSV_NAME = "room-summary.csv"
ROOM_JSON = "mlops-workbook/room.json"  # on the facilitator's server: {"connected": n, "places": m}


def chart_html(chart: Any, alt: str) -> str:
    """An altair chart as inline SVG (no script, no CDN) inside a figure whose label is its text alternative."""
    buffer = io.StringIO()
    chart.save(buffer, format="svg")
    return fragment(BOARD, "chart", trusted(buffer.getvalue()), alt)


# --------------------------------------------------------------------------- the room's places and join URL


@dataclass(frozen=True)
class Places:
    """How many pages are connected to the participants' server and how many places it has (None: no limit)."""

    connected: int
    places: int | None
    pool: int = 0  # pre-heated kernels the participants' server keeps, warming or ready
    pool_ready: int = 0  # ... of which ready

    @property
    def left(self) -> int | None:
        """Places still free (None without a limit)."""
        return None if self.places is None else max(self.places - self.connected, 0)

    @property
    def warming(self) -> bool:
        """Some pre-heated kernels are still starting: a page opened now may wait for its kernel."""
        return self.pool_ready < self.pool


def room_json_url() -> str | None:
    """Where this kernel's own server says how full the room is (None outside Voila: nobody to ask)."""
    port = settings.app_port()
    if port is None:
        return None
    url = f"http://127.0.0.1:{port}{settings.base_url()}{ROOM_JSON}"
    token = query_parameters().get("token", "") if settings.in_voila() else ""
    return url + (f"?token={quote(token, safe='')}" if token else "")


def read_places(url: str | None, *, timeout: float = 1.0) -> Places | None:
    """`{"connected": n, "places": m}` from `url`; None when there is no answer or it is not that shape,
    so the page says "not known" instead of a wrong number."""
    if not url or not url.startswith("http://127.0.0.1"):
        return None
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = json.loads(response.read(65536))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    connected, places = data.get("connected"), data.get("places")
    if not _count(connected) or not (places is None or _count(places)):
        return None
    pool, ready = data.get("pool", 0), data.get("pool_ready", 0)
    if not (_count(pool) and _count(ready)):  # a server that does not say: nothing about warming
        pool = ready = 0
    return Places(connected, places or None, pool, ready)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass(frozen=True)
class JoinInfo:
    """The participants' join URL as the room sees it: the full URL, a short form to type, the token."""

    url: str
    short: str
    token: str

    @property
    def qr(self) -> str:
        """The QR code of the full URL (the token in it) as an SVG data URI."""
        import segno

        return segno.make(self.url, error="m").svg_data_uri(scale=8, border=2)


def join_info(url: str | None = None) -> JoinInfo | None:
    """The join URL from `serve` (MLOPS_WORKBOOK_JOIN_URL), None when not known."""
    url = (url if url is not None else settings.join_url()).strip()
    if not url:
        return None
    parts = urlsplit(url)
    token = next((v for k, v in (p.partition("=")[::2] for p in parts.query.split("&")) if k == "token"), "")
    short = urlunsplit(("", parts.netloc, parts.path, "", "")).lstrip("/").rstrip("/")
    return JoinInfo(url, short or url, token)


def join_html(info: JoinInfo | None, *, size: int = 220) -> str:
    """The join box: QR code, short URL and token, or "not known"."""
    if info is None:
        return fragment(BOARD, "join", "", "", "", "")
    return fragment(BOARD, "join", info.url, info.short, info.token, info.qr, str(size))


# --------------------------------------------------------------------------- auto-refresh


class AutoRefresh:
    """Calls `refresh` every `interval()` seconds in an asyncio task while on; errors go to `on_error`.

    Shared by the dashboard and the projector view: what a task may touch is widget state only (see the
    module's docstring), which every refresh here sets."""

    def __init__(self, refresh: Callable[[], Any], interval: Callable[[], float],
                 on_error: Callable[[Exception], None]) -> None:
        self._refresh, self._interval, self._on_error = refresh, interval, on_error
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Whether the refresh task is on."""
        return self._task is not None

    def set(self, on: bool) -> None:
        """Start or stop the task (idempotent)."""
        if on and self._task is None:
            self._task = asyncio.get_event_loop().create_task(self._loop())
        elif not on and self._task is not None:
            self._task.cancel()
            self._task = None

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._interval())
            try:
                self._refresh()
            except Exception as exc:  # noqa: BLE001 - keep refreshing; say what went wrong
                self._on_error(exc)


class WorkshopDashboard(widgets.VBox):
    """One teams x dimensions heatmap per rubric, level distribution, shares, common gaps, CSV export, auto-refresh,
    "Export all reports", the join URL and QR again, and how full the room is.

    The answers folder is fixed when the dashboard is built (by `serve`, through the environment),
    never typed in the page: a box there would let whoever sees the page read any folder of the server.
    Reports are exported into the served reports folder (`settings.reports_dir`), where their links open.
    """

    def __init__(self, *, folder: str | Path | None = None, reports: str | Path | None = None,
                 auto_refresh: bool = False, interval: float = 5.0, join_url: str | None = None,
                 places_url: str | None = None, export_pdf: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.summary: RoomSummary | None = None
        self.reports_folder = reports_dir(reports)
        self._folder = answers_dir(folder)
        self._join = join_info(join_url)
        self._places_url = places_url if places_url is not None else room_json_url()
        self._export_pdf = export_pdf
        self._export_thread: threading.Thread | None = None
        self.last_export: Any = None  # the BatchResult of the latest "Export all reports"
        self._refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self._auto = widgets.Checkbox(description="Auto-refresh", value=False, indent=False)
        self._interval = widgets.BoundedFloatText(description="every (s)", min=1, max=600, value=interval,
                                                  layout={"width": "160px"})
        self._status = widgets.HTML()
        self._places = widgets.HTML()
        self._join_button = widgets.ToggleButton(description="Show join URL and QR", icon="qrcode",
                                                 layout={"width": "220px"})
        self._join_box = widgets.HTML()
        self._heatmap = widgets.HTML()
        self._heatmaps: list[str] = [""]
        self._distribution = widgets.HTML()
        self._shares = widgets.HTML()
        self._gaps = widgets.HTML()
        self._teams = widgets.HTML()
        self._movement = widgets.HTML()
        self._evidence = widgets.HTML()
        from .upload import AnswersUpload

        self._upload = AnswersUpload(self._folder, on_imported=lambda outcomes: self.refresh())
        self._unreadable = widgets.HTML()
        self._export_all = widgets.Button(description="Export all reports", icon="file-pdf-o",
                                          tooltip="HTML and PDF of every team's report, and the room's index, "
                                                  "into the reports folder", layout={"width": "200px"})
        self._export_status = widgets.HTML()
        self._download = widgets.HTML()
        self._messages = widgets.HTML()
        self.children = [
            widgets.HBox([self._refresh_button, self._auto, self._interval]),
            self._status, self._places, widgets.HBox([self._join_button]), self._join_box, self._unreadable,
            self._heatmap, widgets.HBox([self._distribution, self._shares]),
            heading("Most common gaps: unmet criteria of each team's next level"), self._gaps,
            heading("Teams"), self._teams,
            heading("Movement since earlier assessments"), self._movement,
            heading("Evidence or opinion: where the answers come from"), self._evidence,
            self._download,
            widgets.HBox([self._export_all]), self._export_status,
            heading("Answers files from participants"), self._upload, self._messages,
        ]
        safe = reporting(self._messages)
        self._auto_refresh = AutoRefresh(self.refresh, lambda: self._interval.value, self._refresh_failed)
        self._refresh_button.on_click(safe(lambda button: self.refresh()))
        self._export_all.on_click(safe(lambda button: self.start_export_all()))
        self._join_button.observe(safe(lambda change: self._show_join()), names="value")
        self._auto.observe(safe(lambda change: self._auto_refresh.set(change["new"])), names="value")
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
    def export_all_button(self) -> widgets.Button:
        """Export every team's report (HTML and PDF) and the room's index into the reports folder."""
        return self._export_all

    @property
    def join_button(self) -> widgets.ToggleButton:
        """Show (or hide again) the participants' join URL and its QR code."""
        return self._join_button

    @property
    def status(self) -> str:
        """How many teams, which folder, when refreshed (or why a refresh failed), as HTML."""
        return self._status.value

    @property
    def places(self) -> str:
        """How many are connected and how many places are left ("not known" when the server did not say)."""
        return self._places.value

    @property
    def join(self) -> str:
        """The join box as HTML ("" while hidden)."""
        return self._join_box.value

    @property
    def charts(self) -> list[str]:
        """The charts as HTML, inline SVG with a text alternative: one heatmap per rubric answered (each
        titled with its rubric: rubrics have different dimensions), then the distribution and the shares."""
        return [*self._heatmaps, self._distribution.value, self._shares.value]

    @property
    def unreadable(self) -> str:
        """One line per file that could not be read, with its reason, as HTML."""
        return self._unreadable.value

    @property
    def teams_html(self) -> str:
        """The teams table(s), one per rubric, with their report links."""
        return self._teams.value

    @property
    def gaps(self) -> str:
        """The room's most common gaps, as HTML."""
        return self._gaps.value

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
        """The CSV download link, as HTML: one click saves the room's CSV; redrawn on every refresh (""
        while the room is empty). ipywidgets has no download widget and a page script cannot run here, so
        the link itself is the control, with the CSV inline as a `data:` URI (offline)."""
        return self._download.value

    @property
    def export_status(self) -> str:
        """The progress or outcome of "Export all reports", as HTML."""
        return self._export_status.value

    def refresh(self) -> RoomSummary:
        """Re-read the answers folder through the store and redraw every view (widget state only)."""
        from ..charts import distribution_chart, room_heatmap, share_chart

        summary = summarize_room(self.folder)
        self.summary = summary
        self._status.value = fragment(BOARD, "room_status", summary.team_count, len(summary.records), self.folder,
                                      time.strftime("%H:%M:%S"))
        self._places.value = fragment(BOARD, "places", read_places(self._places_url))
        self._unreadable.value = fragment(BOARD, "unreadable", summary.unreadable)
        if not summary.records:
            self._heatmaps = [""]
            self._heatmap.value = self._distribution.value = self._shares.value = self._download.value = ""
            self._gaps.value = self._teams.value = fragment(COMMON, "note", "No answers yet: teams appear here as they answer.")
            self._movement.value = self._evidence.value = ""
            return summary
        self._heatmaps = [chart_html(room_heatmap(summary.rubric_levels(rubric),
                                                  title=f"Level per team and dimension: {title}"),
                                     summary.describe_levels(rubric))
                          for rubric, title in summary.rubric_titles.items()]
        self._heatmap.value = "".join(self._heatmaps)
        self._distribution.value = chart_html(distribution_chart(summary.distribution), summary.describe_distribution())
        self._shares.value = chart_html(share_chart(summary.shares), summary.describe_shares())
        gaps = summary.common_gaps()
        self._gaps.value = fragment(BOARD, "gaps", list(gaps.itertuples()))
        self._teams.value = self._teams_html(summary)
        self._movement.value = movement_html(summary)
        self._evidence.value = evidence_html(summary)
        self._download.value = csv_download_html(summary)
        return summary

    def _refresh_failed(self, exc: Exception) -> None:
        self._status.value = fragment(COMMON, "para", f"Refresh failed: {exc}", "error")

    def _show_join(self) -> None:
        self._join_box.value = join_html(self._join) if self._join_button.value else ""

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
                         "export_path": str(exported.resolve()) if exported.is_file() and not link else ""})
        return fragment(BOARD, "teams_table", assessments[0].dimensions, rows)

    def export_csv(self) -> str:
        """The room summary as CSV text (`RoomSummary.to_csv`), the same text the download link holds."""
        summary = self.summary or self.refresh()
        self._download.value = csv_download_html(summary)
        return summary.to_csv()

    # ------------------------------------------------------------------ export all reports

    def start_export_all(self) -> bool:
        """What the button does: export in a thread, so the page (and its auto-refresh) stays live while
        the batch runs; progress shows as each report finishes. False when an export is already running."""
        if self._export_thread is not None and self._export_thread.is_alive():
            self._export_status.value = fragment(COMMON, "para", "An export is already running.", "muted")
            return False
        self._export_all.disabled = True
        self._export_thread = threading.Thread(target=self._export_in_thread, name="export-all", daemon=True)
        self._export_thread.start()
        return True

    def wait_export(self, timeout: float | None = None) -> Any:
        """Wait for a running export (tests, scripts); returns its BatchResult (None if none ran)."""
        if self._export_thread is not None:
            self._export_thread.join(timeout)
        return self.last_export

    def _export_in_thread(self) -> None:
        try:
            self.export_all()
        except Exception as exc:  # noqa: BLE001 - a thread's error must reach the page, not vanish
            self._export_status.value = fragment(COMMON, "error", f"Export failed: {exc}")
        finally:
            self._export_all.disabled = False

    def export_all(self) -> Any:
        """Every team's report (HTML, and PDF unless built with `export_pdf=False`) and the room's index
        into the reports folder, through the batch (`report.batch.run_reports`, as `report --pdf` does)."""
        from ..assessment.store import answers_files
        from ..report.batch import run_reports

        if not answers_files(self.folder):
            self._export_status.value = fragment(COMMON, "para", "No answers yet: nothing to export.", "muted")
            return None
        self._export_status.value = fragment(COMMON, "para", "Exporting: starting the report kernels...", "muted")

        def progress(done: int, total: int, outcome: Any) -> None:
            detail = "" if outcome.ok else (outcome.error or "")
            self._export_status.value = fragment(BOARD, "export_progress", done, total, outcome.team, outcome.ok,
                                                 detail)

        result = run_reports([self.folder], self.reports_folder, pdf=self._export_pdf, jobs=2, on_progress=progress)
        self.last_export = result
        self._export_status.value = export_done_html(result, self.reports_folder,
                                                     "HTML and PDF" if self._export_pdf else "HTML")
        self._teams.value = self._teams_html(self.summary) if self.summary and self.summary.records else self._teams.value
        return result


def csv_download_html(summary: RoomSummary) -> str:
    """The one-click CSV download: a link carrying `summary.to_csv()` as a `data:` URI ("" for no teams)."""
    if not summary.records:
        return ""
    payload = base64.b64encode(summary.to_csv().encode()).decode()
    return fragment(BOARD, "csv_download", f"data:text/csv;base64,{payload}", CSV_NAME,
                    f"{CSV_NAME} ({plural(summary.team_count, 'team')}, {plural(len(summary.records), 'row')})")


def export_done_html(result: Any, reports: Path, kinds: str) -> str:
    """What "Export all reports" says when done: how many, into which folder (the real one: under `serve`
    the kernels' reports folder is the served root's link to the facilitator's `--reports-dir`, resolved
    here), and a link to the index on this page's own server: the path as the link (prefix-safe, the
    browser keeps the page's server), the full URL as its text (`served_url`), or the index's path
    when no page can reach it."""
    index_url = page_link(result.index)
    return fragment(BOARD, "export_done", len(result.outcomes) - len(result.failed), len(result.outcomes),
                    [o.error for o in result.failed], index_url, served_url(index_url) if index_url else "",
                    Path(result.index).resolve(), Path(reports).resolve(), result.seconds, kinds)


def movement_html(summary: RoomSummary) -> str:
    """Each team with an earlier assessment: then and now, an arrow for the direction."""
    return fragment(BOARD, "movement", summary.movement())


def evidence_html(summary: RoomSummary) -> str:
    """Per rubric and dimension, how many answers rest on repository evidence and how many on opinion."""
    table = summary.evidence()
    if table.empty:
        return ""
    return fragment(BOARD, "evidence", list(table.itertuples()))
