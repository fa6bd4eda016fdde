from __future__ import annotations

import json

import pytest

from mlops_workbook.errors import WorkbookError
from mlops_workbook.report_content import ReportFailure, ReportParameters, TeamReport, build_report, resolve_parameters

from .conftest import SAMPLES


@pytest.fixture
def answers_dir(tmp_path):
    (tmp_path / "blue.json").write_text(json.dumps({
        "team": "Blue <b>", "rubric": "quick-check",
        "answers": {"qc-build-1": {"answer": "yes", "evidence": "<script>alert(1)</script>"}},
        "notes": "O'Brien & co"}))
    return tmp_path


def test_no_query_string_keeps_papermill_values():
    params = resolve_parameters(answers_path="a.json", scenario="none", seed=3)
    assert params == ReportParameters("a.json", "", None, "none", 3, True)


def test_query_string_overrides_and_team_resolves_in_folder(answers_dir):
    params = resolve_parameters(answers_path="ignored.json", query_string="team=blue&target_level=3&seed=7"
                                "&include_simulation=false&scenario=none", answers_dir=answers_dir)
    assert params.answers_path == str((answers_dir / "blue.json").resolve())
    assert (params.target_level, params.seed, params.include_simulation, params.scenario) == (3, 7, False, "none")


@pytest.mark.parametrize("team", ["../../etc/passwd", "/etc/passwd", "..%2F..%2Fetc%2Fpasswd"])
def test_team_from_url_never_becomes_a_path(answers_dir, team):
    with pytest.raises(WorkbookError, match="no answers saved for team"):
        resolve_parameters(answers_path="x", query_string=f"team={team}", answers_dir=answers_dir)


def test_a_path_like_team_name_never_reaches_another_teams_file(answers_dir):
    with pytest.raises(WorkbookError, match="no answers saved for team"):  # "../../blue" is not "blue"
        resolve_parameters(answers_path="x", query_string="team=..%2F..%2Fblue", answers_dir=answers_dir)


def test_team_with_another_rubric_is_found_by_its_exact_name(answers_dir):
    from mlops_workbook.answers import Answers, answers_path, save_answers

    path = save_answers(Answers(team="Команда", rubric="quick-check"), answers_path(answers_dir, "Команда", "quick-check"))
    params = resolve_parameters(answers_path="x", query_string="team=%D0%9A%D0%BE%D0%BC%D0%B0%D0%BD%D0%B4%D0%B0",
                                answers_dir=answers_dir)
    assert params.answers_path == str(path)
    with pytest.raises(WorkbookError, match="no answers saved"):
        resolve_parameters(answers_path="x", query_string="team=Команда&rubric=mlops-maturity", answers_dir=answers_dir)


@pytest.mark.parametrize("query", ["seed=-1", "seed=-5&team=blue"])
def test_negative_seed_from_the_url_is_a_message(answers_dir, query):
    with pytest.raises(WorkbookError, match="seed: expected a whole number >= 0"):
        resolve_parameters(answers_path="x", query_string=query, answers_dir=answers_dir)


def test_answers_path_is_not_taken_from_the_url(answers_dir):
    params = resolve_parameters(answers_path="fixed.json", query_string="answers_path=/etc/passwd",
                                answers_dir=answers_dir)
    assert params.answers_path == "fixed.json"


@pytest.mark.parametrize(("query", "field"), [("target_level=9", "target_level"), ("seed=abc", "seed"),
                                               ("rubric=..%2F..%2Fetc%2Fpasswd", "rubric"),
                                               ("include_simulation=maybe", "include_simulation")])
def test_bad_query_values(answers_dir, query, field):
    with pytest.raises(WorkbookError) as info:
        resolve_parameters(answers_path="x", query_string=query, answers_dir=answers_dir)
    assert info.value.field == field


def test_in_voila_errors_become_a_message(answers_dir, monkeypatch):
    monkeypatch.setenv("MLOPS_WORKBOOK_ANSWERS_DIR", str(answers_dir))
    report = build_report(answers_path="x", query_string="team=<nobody>")
    assert isinstance(report, ReportFailure)
    html = report.summary_html()
    assert "no answers saved for team &#x27;&lt;nobody&gt;&#x27;" in html and "<nobody>" not in html
    assert report.roadmap_html() == "" and report.levels_chart() is None
    with pytest.raises(WorkbookError):
        build_report(answers_path=str(answers_dir / "missing.json"))  # under papermill: raise


def test_user_text_is_escaped(answers_dir):
    report = TeamReport.build(ReportParameters(str(answers_dir / "blue.json"), include_simulation=False))
    everything = "".join([report.summary_html(), report.dimensions_html(), report.appendix_html(),
                          report.roadmap_html(), report.flags_html(), report.kpis_html()])
    assert "<script>alert(1)</script>" not in everything and "&lt;script&gt;alert(1)&lt;/script&gt;" in everything
    assert "Blue &lt;b&gt;" in everything and "Blue <b>" not in everything
    assert "O&#x27;Brien &amp; co" in everything


def test_report_sections_and_simulation():
    report = TeamReport.build(ReportParameters(str(SAMPLES / "heron-analytics.json"), scenario="concept-drift"))
    assert report.compared_levels == (1, 2)
    html = report.simulation_html()
    assert "L1 scripted" in html and "L2 automated" in html and "Accuracy-weeks lost" in html
    assert "Heron Analytics is at Level 1" in report.headline()
    assert report.levels_chart().to_dict()["layer"]
    assert report.simulation_chart() is not None
