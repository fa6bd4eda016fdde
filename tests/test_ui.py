"""The widget apps, driven without a browser: set values, click, assert state and files."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from mlops_workbook.answers import load_answers
from mlops_workbook.rubric import load_rubric
from mlops_workbook.ui import AssessmentApp, DriftLab, WorkshopDashboard

from .conftest import SAMPLES, sample_files


@pytest.fixture
def app(tmp_path):
    return AssessmentApp(folder=tmp_path / "answers", reports=tmp_path / "reports")


def test_answers_update_levels_and_autosave(app, tmp_path):
    app._team.value = "Blue"
    assert app.assessment.overall_level == 0 and app.assessment.answered == 0
    for crit in app.rubric.iter_criteria():
        if crit.level == 1:
            app.set_answer(crit.id, "yes")
    assert app.assessment.overall_level == 1
    assert app.score_seconds < 0.1
    assert "Overall: Level 1" in app._summary.value
    app.set_answer("data-2-validation", "partial", evidence="Great Expectations on <one> table")
    saved = json.loads((tmp_path / "answers" / "blue.json").read_text())
    assert saved["team"] == "Blue" and saved["answers"]["data-1-versioning"] == "yes"
    assert saved["answers"]["data-2-validation"] == {"answer": "partial", "evidence": "Great Expectations on <one> table"}
    assert app._progress.value == app.assessment.answered == len(saved["answers"])
    assert not [p for p in (tmp_path / "answers").iterdir() if p.name.startswith(".")]  # no temp files left


def test_context_changes_the_target(app):
    app._team.value = "ctx"
    app._models.value = 40
    assert app.assessment.target.level == 4
    app._models.value = 1
    app._retraining.value = "quarterly"
    assert app.assessment.target.level == 2
    assert json.loads(app.path.read_text())["context"]["retraining_frequency"] == "quarterly"


def test_resume_where_the_user_left_off(tmp_path):
    folder = tmp_path / "answers"
    first = AssessmentApp(folder=folder, team="Green")
    first.set_answer("gov-1-owner", "yes", evidence="Ana")
    first._stale_cost.value = "high"
    again = AssessmentApp(folder=folder, team="Green")  # a closed tab or a kernel restart
    assert again.answer_value("gov-1-owner") == ("yes", "Ana")
    again._tabs.selected_index = 4  # Governance: its controls are built on first visit, from the answers
    assert again._choices["gov-1-owner"].value == "yes" and again._evidence["gov-1-owner"].value == "Ana"
    assert again._stale_cost.value == "high" and again.assessment.answered == 1
    assert "Resumed 1 answers" in again._status.value


def test_resume_switches_to_the_saved_rubric(tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    (folder / "quick.json").write_text(json.dumps({"team": "Quick", "rubric": "quick-check",
                                                   "answers": {"qc-build-1": "yes"}}))
    app = AssessmentApp(folder=folder)
    app._team.value = "Quick"
    assert app.rubric.id == "quick-check" and app._choices["qc-build-1"].value == "yes"
    assert len(app._tabs.children) == len(load_rubric("quick-check").dimensions)


def test_tabs_are_built_on_first_visit(app):
    assert len(app._choices) == sum(len(b.criteria) for b in app.rubric.dimensions[0].levels)
    app._tabs.selected_index = 2
    assert "deploy-1-script" in app._choices
    app._choices["deploy-1-script"].value = "partial"  # a click
    assert app.answer_value("deploy-1-script") == ("partial", "")
    assert app.assessment.answered == 1


def test_team_name_cannot_leave_the_folder(app, tmp_path):
    app._team.value = "../../outside"
    app.set_answer("gov-1-owner", "yes")
    assert app.last_saved.parent == (tmp_path / "answers").resolve()
    assert not (tmp_path / "outside.json").exists()


def test_bad_rubric_from_query_is_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "team=red&rubric=../../etc/passwd")
    app = AssessmentApp.from_query(folder=tmp_path)
    assert app.rubric.id == "mlops-maturity" and app.team == "red"
    assert "unknown rubric &#x27;../../etc/passwd&#x27;" in app._messages.value
    monkeypatch.setenv("QUERY_STRING", "team=blue&rubric=quick-check")
    assert AssessmentApp.from_query(folder=tmp_path).rubric.id == "quick-check"


def test_report_button_without_team_shows_a_message(app):
    app._report_button.click()
    assert "enter your team" in app._report_out.value


@pytest.mark.slow
def test_report_button_runs_the_report(app, tmp_path):
    app._team.value = "Report Team"
    app.set_answer("gov-1-owner", "yes")
    app._report_button.click()
    html = tmp_path / "reports" / "report-team.html"
    assert html.is_file() and "MLOps maturity report: Report Team" in html.read_text()
    assert "report-team.html" in app._report_out.value


def test_lab_recomputes_on_slider_moves():
    lab = DriftLab(levels=(0, 4), rows_per_week=400)
    first = lab.result.kpis.copy()
    assert list(first.level) == [0, 4] and lab.result.scenario.onset == 20
    lab._onset.value = 8
    assert lab.result.scenario.onset == 8 and not lab.result.kpis.equals(first)
    lab._scenario.value = "concept-drift"
    assert lab.result.scenario.name == "concept-drift" and lab._onset.value == lab.result.scenario.onset
    lab._levels.value = (0, 2, 4)
    assert list(lab.result.kpis.level) == [0, 2, 4]
    assert "L4 optimized" in lab._kpis.value
    lab._log_level.value = 2
    assert "gates" in lab._gate_log.value and "promoted" in lab._gate_log.value
    lab._auc_gate.value = 0.9  # nothing passes a 0.9 AUC gate
    assert lab.result.kpi(2, "blocked") >= 1


def _upload(name: str, content: bytes) -> tuple[dict, ...]:
    return ({"name": name, "type": "text/csv", "size": len(content), "content": memoryview(content),
             "last_modified": pd.Timestamp("2026-01-01")},)


def test_lab_compares_uploaded_files():
    from .conftest import ROOT

    lab = DriftLab(levels=(0,), rows_per_week=300)
    lab._reference.value = _upload("reference.csv", (ROOT / "data" / "reference.csv").read_bytes())
    lab._current.value = _upload("current.csv", (ROOT / "data" / "current.csv").read_bytes())
    lab._compare_button.click()
    assert lab.own_report.share_drifted > 0
    assert "credit_score" in lab._own_out.value
    lab._current.value = _upload("broken.parquet", b"this is not parquet")
    lab._compare_button.click()
    assert "broken.parquet: cannot read this file" in lab._own_out.value


def test_dashboard_aggregates_a_folder_with_a_corrupt_file(tmp_path):
    for path in sample_files():
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "corrupt.json").write_text("{")
    board = WorkshopDashboard(folder=tmp_path)
    assert len(board.summary.assessments) == len(sample_files())
    assert "Cannot read corrupt.json" in board._unreadable.value
    assert f"{len(sample_files())} teams" in board._status.value
    assert "03_report.ipynb?team=Heron%20Analytics" in board._teams.value
    csv = board.export_csv()
    assert "Heron Analytics" in csv and "data:text/csv;base64," in board._download.value
    answers, _, _ = load_answers(SAMPLES / "lemur-labs.json")
    (tmp_path / "new-team.json").write_text(json.dumps({**answers.to_dict(), "team": "New Team"}))
    board._refresh_button.click()
    assert len(board.summary.assessments) == len(sample_files()) + 1


def test_dashboard_empty_folder(tmp_path):
    board = WorkshopDashboard(folder=tmp_path / "empty")
    assert "No answers yet" in board._teams.value


def test_links_to_generated_files_in_voila_and_in_jupyterlab(tmp_path, monkeypatch):
    from mlops_workbook.ui import landing
    from mlops_workbook.ui._common import page_link

    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reports").mkdir()
    report = tmp_path / "reports" / "a b.html"
    report.write_text("<html></html>")
    assert page_link(report) == "reports/a%20b.html"  # JupyterLab: relative to the notebook
    monkeypatch.setenv("VOILA_KERNEL_ID", "k")
    assert page_link(report) == "../files/reports/a%20b.html"  # Voila's file handler
    assert page_link(tmp_path.parent / "elsewhere.html") is None
    page = landing(folder=tmp_path / "answers", reports=tmp_path / "reports").value
    assert 'href="../files/reports/a%20b.html"' in page
