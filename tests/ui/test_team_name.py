"""The assessment page with a team name it cannot use: nothing is taken, nothing lands in another team's file."""

from __future__ import annotations

import json

import pytest

from mlops_workbook.assessment.answers import MAX_TEAM_NAME
from mlops_workbook.assessment.store import answers_path
from mlops_workbook.errors import WorkbookError
from mlops_workbook.ui import AssessmentApp

LONG = "k" * (MAX_TEAM_NAME + 20)
CID = "data-1-versioning"


def files(folder) -> list[str]:
    return sorted(p.name for p in folder.glob("*.json")) if folder.exists() else []


def test_a_too_long_name_never_saves_into_the_team_loaded_before(tmp_path):
    folder = tmp_path / "answers"
    app = AssessmentApp(folder=folder, team="Kiwi")
    app.set_answer("gov-1-owner", "no")
    kiwi = answers_path(folder, "Kiwi")
    before = kiwi.read_text(encoding="utf-8")
    app.team_input.value = LONG
    assert f"at most {MAX_TEAM_NAME} characters, got {len(LONG)}" in app.status  # under the box, not the page's foot
    assert app.messages == ""
    assert app.criterion_buttons[CID].disabled and app.evidence_inputs[CID].disabled
    assert app.criterion_buttons[CID].value is None  # Kiwi's answers are not shown under the new name
    app.criterion_buttons[CID].value = "yes"  # a click that raced the greying-out
    assert kiwi.read_text(encoding="utf-8") == before, "saved into Kiwi's file while the box named another team"
    assert files(folder) == [kiwi.name]
    assert app.criterion_buttons[CID].value is None  # the click is undone ...
    assert "fix the team name first" in app.tabs.marks[CID].value  # ... and says so beside the criterion
    assert "Saved for" not in app.status and "Saved for" not in app.tabs.marks[CID].value
    with pytest.raises(WorkbookError, match="team"):
        app.set_answer(CID, "yes")
    assert kiwi.read_text(encoding="utf-8") == before and files(folder) == [kiwi.name]


def test_a_click_under_a_too_long_name_lands_in_no_file(tmp_path):
    folder = tmp_path / "answers"
    app = AssessmentApp(folder=folder, team="Kiwi")
    app.set_answer("gov-1-owner", "no")
    kiwi = answers_path(folder, "Kiwi")
    app.team_input.value = LONG
    app.criterion_buttons[CID].value = "yes"
    assert CID not in json.loads(kiwi.read_text(encoding="utf-8"))["answers"], "saved for Kiwi, not the name in the box"
    assert files(folder) == [kiwi.name]


def test_a_too_long_first_name_claims_no_answer(tmp_path):
    folder = tmp_path / "answers"
    app = AssessmentApp(folder=folder)
    app.team_input.value = LONG
    app.criterion_buttons[CID].value = "yes"
    assert app.progress_bar.value == 0 and app.assessment.answered == 0  # no "1 of 84" for a save not made
    assert files(folder) == []
    app.context_inputs["team_size"].value = "4"
    assert app.context_inputs["team_size"].disabled and app.context_inputs["team_size"].value == ""
    assert files(folder) == []
    app.report_panel.button.click()
    assert "team" in app.report_panel.out.value and files(folder) == []


def test_a_valid_name_clears_the_error_and_takes_answers_again(tmp_path):
    folder = tmp_path / "answers"
    app = AssessmentApp(folder=folder, team="Kiwi")
    app.team_input.value = LONG
    name = LONG[:MAX_TEAM_NAME]  # the participant shortens it (the page never does)
    app.team_input.value = name
    assert app.team_problem == "" and "characters" not in app.status and "characters" not in app.messages
    assert not app.criterion_buttons[CID].disabled
    app.criterion_buttons[CID].value = "yes"
    assert "Saved for" in app.tabs.marks[CID].value
    assert json.loads(answers_path(folder, name).read_text())["team"] == name  # exactly what was typed
    assert not answers_path(folder, "Kiwi").exists()
    app.team_input.value = "Kiwi"  # back to Kiwi: Kiwi's file is Kiwi's, untouched by the other name
    assert app.assessment.answered == 0 and not answers_path(folder, "Kiwi").exists()


def test_switching_rubric_says_each_keeps_its_own_answers(tmp_path):
    app = AssessmentApp(folder=tmp_path / "answers", team="Switch")
    app.set_answer(CID, "yes")
    app.rubric_picker.value = "quick-check"
    assert app.assessment.answered == 0
    assert "Each rubric keeps its own answers" in app.status and "mlops-maturity" in app.status
    assert "switching back restores them" in app.status
    app.rubric_picker.value = "mlops-maturity"
    assert app.answer_value(CID) == ("yes", "")
    assert "quick-check are kept" in app.status
