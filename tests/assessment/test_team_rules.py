"""Rules about a team rather than a file: its name's length, its context across rubrics, its file's date."""

from __future__ import annotations

import json

import pytest

from mlops_workbook.assessment.answers import MAX_TEAM_NAME, Answer, Answers, Context, loads
from mlops_workbook.assessment.rubric import load_rubric
from mlops_workbook.assessment.session import AssessmentSession
from mlops_workbook.assessment.store import (
    AnswersStore,
    answers_path,
    read_team,
    save_answers,
    team_context,
)
from mlops_workbook.errors import AnswersError, WorkbookError


def test_team_names_have_at_most_80_characters():
    ok = "x" * MAX_TEAM_NAME
    assert loads(json.dumps({"team": f"  {ok}  ", "rubric": "quick-check"}), source="a.json").team == ok
    with pytest.raises(AnswersError) as caught:
        loads(json.dumps({"team": "y" * 100_000, "rubric": "quick-check"}), source="b.json")
    message = str(caught.value)
    assert message == "b.json: team: at most 80 characters, got 100000" and "\n" not in message


def test_the_page_refuses_a_long_name_and_keeps_the_previous_team(tmp_path):
    session = AssessmentSession(tmp_path, load_rubric("quick-check"), team="Blue")
    with pytest.raises(WorkbookError, match="team: at most 80 characters, got 81"):
        session.set_team("z" * 81)
    assert session.team == "Blue"


def test_context_is_the_teams_not_the_files(tmp_path):
    full = Answers(team="Blue Team", rubric="mlops-maturity", answers={"data-1-versioning": Answer("yes")},
                   context=Context(models_in_production=4, stale_model_cost="high", team_size=3))
    quick = Answers(team="Blue Team", rubric="quick-check", answers={"qc-build-1": Answer("yes")},
                    context=Context(team_size=9))
    save_answers(full, answers_path(tmp_path, "Blue Team"))
    quick_path = save_answers(quick, answers_path(tmp_path, "Blue Team", "quick-check"))
    record = read_team(quick_path)
    # the full assessment's context reaches the quick-check; the quick-check's own field wins
    assert record.answers.context == Context(models_in_production=4, stale_model_cost="high", team_size=9)
    assert "stale" in record.assessment.target.reason.lower() or "4 models" in record.assessment.target.reason
    room = {(r.team, r.answers.rubric): r for r in AnswersStore(tmp_path).records().records}
    assert room[("Blue Team", "quick-check")].answers.context == record.answers.context
    assert room[("Blue Team", "mlops-maturity")].answers.context == full.context  # its own fields win there
    # nothing is written back: each file keeps what was saved in it
    assert json.loads(quick_path.read_text())["context"] == {"team_size": 9}


def test_another_teams_file_brings_no_context(tmp_path):
    mine = Answers(team="Blue Team", rubric="quick-check")
    other = Answers(team="Red", rubric="mlops-maturity", context=Context(team_size=5))
    assert team_context(mine, None, [other]).is_empty
    assert team_context(mine, tmp_path / "nothing.json").is_empty  # no siblings on disk


def test_download_keeps_the_saved_files_date(tmp_path):
    rubric = load_rubric("quick-check")
    save_answers(Answers(team="Blue", rubric="quick-check", date="2026-01-05", answers={"qc-build-1": Answer("yes")}),
                 answers_path(tmp_path, "Blue", "quick-check"))
    session = AssessmentSession(tmp_path, rubric, team="Blue")
    assert json.loads(session.export_json())["date"] == "2026-01-05"
    session.set_answer("qc-build-1", "no")
    session.save()
    saved = json.loads(answers_path(tmp_path, "Blue", "quick-check").read_text())["date"]
    assert json.loads(session.export_json())["date"] == saved  # after a save: the date it was saved with
    assert "date" not in json.loads(AssessmentSession(tmp_path, rubric, team="New").export_json())


def test_a_records_summary_names_its_rubric(tmp_path):
    path = save_answers(Answers(team="Blue", rubric="quick-check", answers={"qc-build-1": Answer("yes")}),
                        answers_path(tmp_path, "Blue", "quick-check"))
    assert read_team(path).summary()["rubric"] == "quick-check"  # the room index's rubric column
