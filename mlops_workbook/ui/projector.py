"""The projector view (facilitator side): how to join, how many teams joined and answered, and, only
when the facilitator presses "Reveal", the room's levels per dimension and its common gaps.

Why hidden until Reveal: as Slido and Mentimeter do, a room that watches the bars grow while it
answers anchors on the first teams (group-think); shown after, the picture is the room's own. Why no
team names, ever: the wall is seen by everyone, and a team's level is the team's to share. The view
draws only the room's aggregates (`RoomSummary.distribution`, `.shares`, `.common_gaps`), never the
per-team tables, so no name can reach it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..assessment.room import RoomSummary, summarize_room
from ..html import fragment, trusted
from ._common import COMMON, answers_dir, reporting
from .dashboard import AutoRefresh, chart_html, join_html, join_info, read_places, room_json_url

PROJECTOR = "ui/projector.html.j2"
BOARD = "ui/dashboard.html.j2"


class ProjectorView(widgets.VBox):
    """The wall of the room: join QR and short URL, counts, and the room's picture behind "Reveal"."""

    def __init__(self, *, folder: str | Path | None = None, auto_refresh: bool = False, interval: float = 5.0,
                 join_url: str | None = None, places_url: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.summary: RoomSummary | None = None
        self._folder = answers_dir(folder)
        self._join_info = join_info(join_url)
        self._places_url = places_url if places_url is not None else room_json_url()
        self._join = widgets.HTML(join_html(self._join_info, size=280))
        self._counts = widgets.HTML()
        self._reveal = widgets.ToggleButton(description="Reveal", icon="eye", value=False,
                                            tooltip="Show the room's levels per dimension and its common gaps")
        self._distribution = widgets.HTML()
        self._shares = widgets.HTML()
        self._gaps = widgets.HTML()
        self._messages = widgets.HTML()
        self.children = [self._join, self._counts, widgets.HBox([self._reveal]),
                         widgets.HBox([self._distribution, self._shares]), self._gaps, self._messages]
        safe = reporting(self._messages)
        self._reveal.observe(safe(self._reveal_changed), names="value")
        self._auto = AutoRefresh(self.refresh, lambda: interval, self._refresh_failed)
        self.refresh()
        if auto_refresh:
            self._auto.set(True)

    @property
    def reveal_button(self) -> widgets.ToggleButton:
        """Press to show the room's picture; press again to hide it."""
        return self._reveal

    @property
    def revealed(self) -> bool:
        """Whether the room's picture is shown."""
        return bool(self._reveal.value)

    @property
    def join(self) -> str:
        """The join box (QR code, short URL, token) or "not known", as HTML."""
        return self._join.value

    @property
    def counts(self) -> str:
        """Teams joined and answered, and the places, as HTML."""
        return self._counts.value

    @property
    def picture(self) -> str:
        """Everything behind Reveal (charts and gaps) as HTML: the hidden note before."""
        return self._distribution.value + self._shares.value + self._gaps.value

    def refresh(self) -> RoomSummary:
        """Re-read the folder; redraw the counts, and the picture when revealed (widget state only)."""
        summary = summarize_room(self._folder)
        self.summary = summary
        places = fragment(BOARD, "places", read_places(self._places_url))
        self._counts.value = fragment(PROJECTOR, "counts", summary.team_count, summary.answered_count, trusted(places))
        self._draw(summary)
        return summary

    def _draw(self, summary: RoomSummary) -> None:
        from ..charts import distribution_chart, share_chart

        if not self.revealed:
            self._distribution.value, self._shares.value, self._gaps.value = fragment(PROJECTOR, "hidden"), "", ""
            return
        if not summary.records:
            self._distribution.value = fragment(COMMON, "note", "No answers yet.")
            self._shares.value = self._gaps.value = ""
            return
        self._distribution.value = chart_html(distribution_chart(summary.distribution), summary.describe_distribution())
        self._shares.value = chart_html(share_chart(summary.shares), summary.describe_shares())
        gaps = summary.common_gaps(5)
        self._gaps.value = fragment(PROJECTOR, "gaps", list(gaps.itertuples()), summary.team_count)

    def _reveal_changed(self, change: dict[str, Any]) -> None:
        self._reveal.description = "Hide" if change["new"] else "Reveal"
        self._reveal.icon = "eye-slash" if change["new"] else "eye"
        self._draw(self.summary or self.refresh())

    def _refresh_failed(self, exc: Exception) -> None:
        self._messages.value = fragment(COMMON, "error", f"Refresh failed: {exc}")
