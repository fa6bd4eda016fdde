"""The landing page: where a participant goes first. Static HTML the room server renders, no kernel.

Why static: as a notebook, every visit started a kernel (no pool), took a place in the room, cost
about 140 MiB and took 10-19 s to open while four people joined. It only lists links, so the room
server renders it from a template on each request: the teams that answered (read through the
store), one row per team with each rubric it answered named, its live report and, once exported, its
report; the assessment and the lab. Names only, never levels or scores: every participant sees this
page, and a room's levels are the facilitator's to reveal on the projector (no group-think before);
a name is there so that a team can find its report and resume.
Nothing of the facilitator's side: no server paths, no file names, no CLI command, and the dashboard
link only on a server that serves the dashboard. Every link is absolute under the server's prefix
(`/user/x/` under a hub), so it holds wherever the page is opened from.

`ui.landing` shows the same team list inside the 00_start notebook (Binder, JupyterLab).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..assessment.rubric import DEFAULT_RUBRIC
from ..assessment.store import AnswersStore, team_file_stem
from ..html import render
from ..resources import ASSESSMENT_NOTEBOOK, DASHBOARD_NOTEBOOK, LAB_NOTEBOOK, REPORT_NOTEBOOK

LANDING = "mlops-workbook/start"  # the landing page, under the server's prefix
REPORTS_LINK = "reports"  # the reports folder's name inside the served root (`serve` links it there)
RENDER = "voila/render/"
FILES = "voila/files/"


@dataclass(frozen=True)
class RubricLink:
    """One rubric a team answered: the rubric's title, its live report, its exported report if any."""

    rubric: str
    title: str
    live: str
    exported: str | None


@dataclass(frozen=True)
class TeamLink:
    """One team on the landing page: its name and, per rubric it answered, its reports. No level, no
    score: the landing page is every participant's, the levels are revealed on the projector."""

    team: str
    rubrics: tuple[RubricLink, ...]


def team_links(answers: Path, reports: Path, *, live: Callable[[str, str], str],
               exported: Callable[[Path], str | None]) -> list[TeamLink]:
    """Every team in the answers folder, once (first seen first), with its rubrics' links built by the
    caller (the server and the notebook link differently); unreadable files are left out here (the
    dashboard lists them with the reason)."""
    teams: dict[str, list[RubricLink]] = {}
    for record in AnswersStore(answers).records(progress=False).records:
        team, rubric = record.team, record.answers.rubric
        query = f"team={quote(team)}" + (f"&rubric={quote(rubric)}" if rubric != DEFAULT_RUBRIC else "")
        report = reports / f"{team_file_stem(team, rubric)}.html"
        teams.setdefault(team, []).append(RubricLink(rubric, record.rubric.title, live(REPORT_NOTEBOOK, query),
                                                     exported(report) if report.is_file() else None))
    return [TeamLink(team, tuple(links)) for team, links in teams.items()]


def landing_page(*, base_url: str, answers: Path, reports: Path, dashboard: bool) -> str:
    """The whole landing page for a server under `base_url` (`dashboard`: this server serves it)."""
    base = base_url if base_url.endswith("/") else base_url + "/"

    def live(notebook: str, query: str) -> str:
        return f"{base}{RENDER}{notebook}" + (f"?{query}" if query else "")

    def exported(path: Path) -> str:
        return f"{base}{FILES}{REPORTS_LINK}/{quote(path.name)}"

    teams = team_links(answers, reports, live=live, exported=exported)
    return render("server/landing.html.j2", teams=teams, assessment=live(ASSESSMENT_NOTEBOOK, ""),
                  lab=live(LAB_NOTEBOOK, ""), dashboard=live(DASHBOARD_NOTEBOOK, "") if dashboard else "")
