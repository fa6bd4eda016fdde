"""The landing page's dynamic part: links to the exported reports and the teams that answered."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import ipywidgets as widgets

from ..assessment.room import summarize_room
from ..resources import REPORT_NOTEBOOK
from ._common import answers_dir, esc, page_link, reports_dir


def landing(*, folder: str | Path | None = None, reports: str | Path | None = None) -> widgets.HTML:
    """Exported reports (browsable in the page) and a live-report link for every team in the room."""
    answers, exported = answers_dir(folder), reports_dir(reports)
    parts = ["<h2>Reports</h2>"]
    pages = sorted(p for p in exported.glob("*.html")) if exported.is_dir() else []
    links = [(p, page_link(p)) for p in pages]
    if pages and all(link for _, link in links):
        items = "".join(f'<li><a href="{esc(link)}" target="_blank">{esc(p.stem)}</a></li>' for p, link in links)
        parts.append(f"<p>Exported HTML reports in {esc(exported)}:</p><ul>{items}</ul>")
    elif pages:
        parts.append(f"<p>{len(pages)} exported reports in {esc(exported)} (outside the served folder).</p>")
    else:
        parts.append("<p><i>No exported reports yet: create one from the assessment, or run "
                     "<code>mlops-workbook report answers/ --out reports/</code>.</i></p>")
    room = summarize_room(answers)
    if room.assessments:
        items = "".join(f'<li><a href="{REPORT_NOTEBOOK}?team={quote(a.team)}" target="_blank">{esc(a.team)}</a>: '
                        f"level {a.overall_level}, target {a.target.level}</li>" for a in room.assessments)
        parts.append(f"<p>Live reports for the teams in {esc(answers)}:</p><ul>{items}</ul>")
    return widgets.HTML("".join(parts))
