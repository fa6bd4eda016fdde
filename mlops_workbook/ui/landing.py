"""The 00_start notebook's dynamic part (Binder, JupyterLab, a plain Voila): the teams that answered.

`serve` does not render this notebook: its landing page is static (`server.landing`), with the same
team list built by the same function; here the links are relative to the notebook, as the page that
shows them is.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from ..html import render
from ..server.landing import team_links
from ._common import answers_dir, page_link, reports_dir


def landing(*, folder: str | Path | None = None, reports: str | Path | None = None) -> widgets.HTML:
    """A live-report link for every team in the answers folder, and its exported report when there is one."""
    teams = team_links(answers_dir(folder), reports_dir(reports),
                       live=lambda notebook, query: f"{notebook}?{query}", exported=page_link)
    return widgets.HTML(render("ui/landing.html.j2", teams=teams))
