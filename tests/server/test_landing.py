"""The room server's landing page (server/landing.py), rendered without a server: one row per team with
each rubric it answered named, names but never levels, links that read as separate links."""

from __future__ import annotations

import re

from mlops_workbook.assessment.answers import Answer, Answers
from mlops_workbook.assessment.rubric import load_rubric
from mlops_workbook.assessment.store import answers_path, save_answers, team_file_stem
from mlops_workbook.server.landing import landing_page, team_links

FIRST = {"mlops-maturity": "data-1-versioning", "quick-check": "qc-build-1"}


def _save(folder, team, rubric="mlops-maturity"):
    save_answers(Answers(team=team, rubric=rubric, answers={FIRST[rubric]: Answer("yes")}),
                 answers_path(folder, team, rubric))


def _teams_part(page: str) -> str:
    return page.split("<h2>Teams' reports</h2>", 1)[1]


def test_a_team_with_two_rubrics_is_one_row_with_each_rubric_named(tmp_path):
    answers, reports = tmp_path / "answers", tmp_path / "reports"
    reports.mkdir()
    _save(answers, "Blue")
    _save(answers, "Blue", "quick-check")
    _save(answers, "Green", "quick-check")
    (reports / f"{team_file_stem('Blue', 'quick-check')}.html").write_text("<html></html>")
    links = team_links(answers, reports, live=lambda nb, q: f"{nb}?{q}", exported=lambda p: p.name)
    assert [t.team for t in links] == ["Blue", "Green"]
    assert [r.rubric for r in links[0].rubrics] == ["mlops-maturity", "quick-check"]
    page = _teams_part(landing_page(base_url="/", answers=answers, reports=reports, dashboard=False))
    rows = re.findall(r"<li>(.*?)</li>", page, re.DOTALL)
    assert len(rows) == 2 and rows[0].count("<strong>Blue</strong>") == 1 and "Blue" not in rows[1]
    full, quick = load_rubric("mlops-maturity").title, load_rubric("quick-check").title
    assert full in rows[0] and quick in rows[0] and quick in rows[1] and full not in rows[1]
    # each rubric's live report, and the exported one where it exists, under that rubric's name
    assert rows[0].index(full) < rows[0].index('team=Blue"') < rows[0].index(quick) \
        < rows[0].index("team=Blue&amp;rubric=quick-check") < rows[0].index("Exported report")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", rows[0]))
    assert "Live report · Exported report" in text and "report·" not in text


def test_the_landing_page_names_teams_but_never_shows_their_levels(tmp_path):
    """Every participant sees this page: levels wait for the facilitator's reveal on the projector."""
    answers = tmp_path / "answers"
    _save(answers, "Blue")
    _save(answers, "Blue", "quick-check")
    page = _teams_part(landing_page(base_url="/", answers=answers, reports=tmp_path / "reports", dashboard=False))
    assert "<strong>Blue</strong>" in page
    text = re.sub(r"<[^>]+>", " ", page).lower()
    assert not re.search(r"\blevel\b|\btarget\b|\bscore", text), text
