"""A report fed a saved replay shows the money of the team's own history (its KPIs with moving-block
bootstrap intervals) instead of the loan book, and its headline and target agree with it."""

from __future__ import annotations

import json

import pytest
from markupsafe import escape

from mlops_workbook.errors import WorkbookError
from mlops_workbook.report.content import ReportParameters, TeamReport

from ..conftest import SAMPLES
from ..simulation.test_replay import saved_replay


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    return saved_replay(tmp_path_factory.mktemp("replay"), "our-history.json")


def test_the_report_shows_the_teams_own_history_not_the_loan_book(saved):
    result, path = saved
    report = TeamReport.build(ReportParameters(str(SAMPLES / "magpie-ai.json"), replay=str(path)))
    assert report.simulation is None and report.story is None and report.replay_story is not None
    now, target = report.assessment.overall_level, report.assessment.target.level
    head = report.replay_story.headline()
    fewer = report.replay_story.replay.gain(now, target)
    assert f"{abs(fewer.mean):,.0f} {'fewer' if fewer.mean > 0 else 'more'} errors" in head
    assert "on your own history" in head and "moving-block bootstrap" in head
    summary = report.summary_html()
    assert str(escape(head)) in summary and summary.index(str(escape(head))) < summary.index("Recommended target")
    assert "not the simulated loan book" in summary and "our-history.json" in summary
    section = report.simulation_html()
    assert "on your own history" in section and result.interval_note in section and "90% interval" in section
    errors = result.kpis.set_index("level").errors
    assert f"{errors.loc[now]:,.0f}" in section and f"{errors.loc[target]:,.0f}" in section
    assert "loan applications" not in section


def test_the_target_agrees_with_the_history_or_says_why_not(saved):
    _, path = saved
    for name in ("magpie-ai.json", "heron-analytics.json", "lemur-labs.json"):
        report = TeamReport.build(ReportParameters(str(SAMPLES / name), replay=str(path)))
        story, target = report.replay_story, report.assessment.target.level
        better = [lv for lv in story.replay.levels if lv != target
                  and story.replay.gain(target, lv).measurable and story.replay.gain(target, lv).mean > 0]
        note = story.target()
        if better:
            assert note.startswith("Your history does not back") and "stays the target because" in note, note
        else:
            assert note.startswith("Your history agrees"), note


def test_a_replay_without_the_compared_levels_is_one_error_naming_the_file(saved, tmp_path):
    data = saved[0].to_dict()
    data["kpis"] = [k for k in data["kpis"] if k["level"] in (0, 4)]
    data["per_period"] = [p for p in data["per_period"] if p["level"] in (0, 4)]
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(data))
    with pytest.raises(WorkbookError) as err:
        TeamReport.build(ReportParameters(str(SAMPLES / "magpie-ai.json"), replay=str(path)))
    assert err.value.field == "kpis" and "partial.json" in str(err.value) and "--levels" in str(err.value)
