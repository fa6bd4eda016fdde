"""The landing page's dynamic part: links to the exported reports and the teams that answered."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import ipywidgets as widgets

from ..assessment.store import AnswersStore
from ..html import render
from ..resources import REPORT_NOTEBOOK
from ._common import answers_dir, page_link, reports_dir


def landing(*, folder: str | Path | None = None, reports: str | Path | None = None) -> widgets.HTML:
    """Exported reports (browsable in the page) and a live-report link for every team in the room."""
    answers, exported = answers_dir(folder), reports_dir(reports)
    pages = sorted(p for p in exported.glob("*.html")) if exported.is_dir() else []
    links = [(p.stem, page_link(p)) for p in pages]
    teams = [(r.assessment, f"{REPORT_NOTEBOOK}?team={quote(r.assessment.team)}")
             for r in AnswersStore(answers).records(progress=False).records]
    return widgets.HTML(render("ui/landing.html.j2", pages=links, reachable=all(link for _, link in links),
                               exported=exported, answers=answers, teams=teams))
