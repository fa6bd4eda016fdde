"""The widget apps, driven without a browser: set values, click, assert state and files."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from mlops_workbook.assessment.store import load_answers
from mlops_workbook.assessment.rubric import load_rubric
from mlops_workbook.ui import AssessmentApp, DriftLab, WorkshopDashboard

from ..conftest import SAMPLES, sample_files


@pytest.fixture
def app(tmp_path):
    return AssessmentApp(folder=tmp_path / "answers", reports=tmp_path / "reports")


def saved(app) -> dict:
    return json.loads(app.path.read_text(encoding="utf-8"))


def test_answers_update_levels_and_autosave(app, tmp_path):
    app.team_input.value = "Blue"
    assert app.assessment.overall_level == 0 and app.assessment.answered == 0
    for crit in app.rubric.iter_criteria():
        if crit.level == 1:
            app.set_answer(crit.id, "yes")
    assert app.assessment.overall_level == 1
    assert app.score_seconds < 0.1
    assert "Overall: Level 1" in app.summary and "mw-level-bars" in app.level_bars
    app.set_answer("data-2-validation", "partial", evidence="Great Expectations on <one> table")
    data = saved(app)
    assert app.path.parent == (tmp_path / "answers").resolve() and app.path.name.startswith("blue--")
    assert data["team"] == "Blue" and data["answers"]["data-1-versioning"] == "yes"
    assert data["answers"]["data-2-validation"] == {"answer": "partial", "evidence": "Great Expectations on <one> table"}
    assert app.progress_bar.value == app.assessment.answered == len(data["answers"])
    assert "context" not in data  # nobody said anything about the context
    assert not [p for p in (tmp_path / "answers").iterdir() if p.name.startswith(".") and p.suffix != ".lock"]


def test_context_changes_the_target(app):
    app.team_input.value = "ctx"
    assert "No context given: Level 3" in app.summary  # the rule is reachable from the page
    app.context_inputs["models_in_production"].value = "40"
    assert app.assessment.target.level == 4 and "40 models" in app.assessment.target.reason
    app.context_inputs["models_in_production"].value = "1"
    app.context_inputs["retraining_frequency"].value = "quarterly"
    assert app.assessment.target.level == 2
    assert "1 model in production and quarterly retraining" in app.assessment.target.reason
    assert saved(app)["context"] == {"models_in_production": 1, "retraining_frequency": "quarterly"}
    app.context_inputs["models_in_production"].value = ""  # cleared again: unset again
    assert saved(app)["context"] == {"retraining_frequency": "quarterly"}
    app.context_inputs["team_size"].value = "six"
    assert "expected a whole number" in app.messages and "team_size" not in saved(app)["context"]


def test_one_click_saves_no_invented_context(app):
    app.team_input.value = "New Team"
    app.criterion_buttons["data-1-versioning"].value = "yes"
    data = saved(app)
    assert data["answers"] == {"data-1-versioning": "yes"} and "context" not in data
    assert "one model" not in app.assessment.target.reason and app.assessment.target.level == 3


def test_resume_where_the_user_left_off(tmp_path):
    folder = tmp_path / "answers"
    first = AssessmentApp(folder=folder, team="Green")
    first.set_answer("gov-1-owner", "yes", evidence="Ana")
    first.context_inputs["stale_model_cost"].value = "high"
    again = AssessmentApp(folder=folder, team="Green")  # a closed tab or a kernel restart
    assert again.answer_value("gov-1-owner") == ("yes", "Ana")
    again.tabs.selected_index = 4  # Governance: its controls are built on first visit, from the answers
    assert again.criterion_buttons["gov-1-owner"].value == "yes" and again.evidence_inputs["gov-1-owner"].value == "Ana"
    assert again.context_inputs["stale_model_cost"].value == "high" and again.assessment.answered == 1
    assert again.context_inputs["models_in_production"].value == ""
    assert "Resumed 1 answers" in again.status


def test_switching_rubric_switches_the_view_never_the_data(tmp_path):
    folder = tmp_path / "answers"
    app = AssessmentApp(folder=folder, team="Full Team")
    full = load_rubric("mlops-maturity")
    for cid in full.criteria:
        app.set_answer(cid, "yes")
    full_file = app.path
    assert len(json.loads(full_file.read_text())["answers"]) == len(full.criteria)
    app.rubric_picker.value = "quick-check"
    assert app.assessment.answered == 0 and len(app.tabs.children) == len(load_rubric("quick-check").dimensions)
    assert len(json.loads(full_file.read_text())["answers"]) == len(full.criteria)  # untouched
    app.set_answer("qc-build-1", "partial")
    assert app.path != full_file and saved(app)["rubric"] == "quick-check"
    app.rubric_picker.value = "mlops-maturity"
    assert app.assessment.answered == len(full.criteria) and app.criterion_buttons["data-1-versioning"].value == "yes"
    app.rubric_picker.value = "quick-check"
    assert app.answer_value("qc-build-1") == ("partial", "")
    assert sorted(p.name for p in folder.glob("*.json")) == sorted([full_file.name, app.path.name])


def test_distinct_names_never_resume_each_other(tmp_path):
    folder = tmp_path / "answers"
    names = ["Команда", "数据团队", "..", "Data Team", "data-team", "فريق البيانات", "🚀 team"]
    for i, name in enumerate(names):
        app = AssessmentApp(folder=folder, team=name)
        assert app.assessment.answered == 0, f"{name!r} resumed another team's answers"
        app.set_answer("data-1-versioning", "yes", evidence=f"#{i}")
        assert app.path.parent == folder.resolve()
    files = sorted(folder.glob("*.json"))
    assert len(files) == len(names)
    assert sorted(json.loads(f.read_text(encoding="utf-8"))["team"] for f in files) == sorted(names)


def test_a_file_holding_another_team_is_never_overwritten(tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    legacy = folder / "team.json"  # the old naming put every Cyrillic or CJK name here
    legacy.write_text(json.dumps({"team": "Команда", "rubric": "mlops-maturity", "answers": {"gov-1-owner": "yes"}}))
    app = AssessmentApp(folder=folder, team="team")
    assert app.assessment.answered == 0 and "holds team" in app.status
    app.criterion_buttons["data-1-versioning"].value = "no"
    assert "left untouched" in app.messages
    assert json.loads(legacy.read_text())["answers"] == {"gov-1-owner": "yes"}


def test_two_browsers_on_one_team_merge_per_criterion(tmp_path):
    folder = tmp_path / "answers"
    one, two = AssessmentApp(folder=folder, team="Pair"), AssessmentApp(folder=folder, team="Pair")
    one.criterion_buttons["data-1-versioning"].value = "yes"
    two.criterion_buttons["data-1-scripted-prep"].value = "partial"  # two never saw one's answer: it must survive
    one.context_inputs["models_in_production"].value = "3"
    two.context_inputs["team_size"].value = "5"
    data = saved(one)
    assert data["answers"] == {"data-1-versioning": "yes", "data-1-scripted-prep": "partial"}
    assert data["context"] == {"models_in_production": 3, "team_size": 5}
    assert one.criterion_buttons["data-1-scripted-prep"].value == "partial"  # shown after one's save merged it in
    two.criterion_buttons["data-1-versioning"].value = "no"  # the same criterion: the later save wins
    assert saved(one)["answers"]["data-1-versioning"] == "no"


def test_answers_before_a_name_are_saved_into_it(app):
    app.set_answer("gov-1-owner", "yes")
    assert app.path is None and app.last_saved is None
    app.team_input.value = "Late Name"
    assert saved(app)["answers"] == {"gov-1-owner": "yes"}


def test_custom_rubric_by_path(tmp_path):
    import yaml

    from ..conftest import ROOT

    data = yaml.safe_load((ROOT / "rubrics" / "quick-check.yaml").read_text(encoding="utf-8"))
    data["id"] = "our-own"
    custom = tmp_path / "anything.yaml"
    custom.write_text(yaml.safe_dump(data))
    app = AssessmentApp(folder=tmp_path / "answers", rubric=str(custom), team="Own")
    assert app.rubric.id == "our-own" and app.rubric_picker.value == "our-own"
    app.set_answer("qc-build-1", "yes")
    assert app.path.name.endswith(".our-own.json") and saved(app)["rubric"] == "our-own"
    again = AssessmentApp(folder=tmp_path / "answers", rubric=str(custom), team="Own")
    assert again.answer_value("qc-build-1") == ("yes", "")


def test_model_api_for_other_panels(app):
    from mlops_workbook.assessment.answers import Answer, Answers

    app.team_input.value = "Api"
    app.set_answer("data-1-versioning", "yes", evidence="DVC in repo", origin="scan")
    assert app.session.answers.answers["data-1-versioning"].origin == "scan"
    assert app.criterion_buttons["data-1-versioning"].value == "yes"
    uploaded = Answers(team="whoever", rubric="mlops-maturity", answers={"gov-1-owner": Answer("partial")})
    assert app.merge_answers(uploaded) == 1
    exported = json.loads(app.session.export_json())
    assert exported["team"] == "Api" and exported["answers"]["gov-1-owner"] == "partial"
    assert saved(app)["answers"] == exported["answers"]


def test_criterion_controls_carry_their_dom_class(app):
    choice = app.criterion_buttons["data-1-versioning"]
    assert "criterion-data-1-versioning" in choice._dom_classes
    assert [v for _, v in choice.options] == ["yes", "partial", "no", "n/a"]
    assert "team-name" in app.team_input._dom_classes


def test_tabs_are_built_on_first_visit(app):
    assert len(app.criterion_buttons) == sum(len(b.criteria) for b in app.rubric.dimensions[0].levels)
    app.tabs.selected_index = 2
    assert "deploy-1-script" in app.criterion_buttons
    app.criterion_buttons["deploy-1-script"].value = "partial"  # a click
    assert app.answer_value("deploy-1-script") == ("partial", "")
    assert app.assessment.answered == 1


def test_team_name_cannot_leave_the_folder(app, tmp_path):
    app.team_input.value = "../../outside"
    app.set_answer("gov-1-owner", "yes")
    assert app.last_saved.parent == (tmp_path / "answers").resolve()
    assert not (tmp_path / "outside.json").exists()


def test_bad_rubric_from_query_is_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "team=red&rubric=../../etc/passwd")
    app = AssessmentApp.from_query(folder=tmp_path)
    assert app.rubric.id == "mlops-maturity" and app.team == "red"
    assert "unknown rubric &#39;../../etc/passwd&#39;" in app.messages
    monkeypatch.setenv("QUERY_STRING", "team=blue&rubric=quick-check")
    assert AssessmentApp.from_query(folder=tmp_path).rubric.id == "quick-check"


def test_report_button_without_team_shows_a_message(app):
    app.report_panel.button.click()
    assert "enter your team" in app.report_panel.out.value


@pytest.mark.slow
def test_report_button_runs_the_report_in_a_clean_process(app, tmp_path, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "team=Someone%20Else")  # what a Voila kernel would have
    monkeypatch.setenv("VOILA_PREHEAT", "True")  # a report kernel inheriting this would wait forever
    app.team_input.value = "Отчёт"
    app.set_answer("gov-1-owner", "yes")
    try:
        app.report_panel.button.click()
        assert app.report_panel.button.disabled  # runs in a thread: the page stays responsive
        app.report_panel.thread.join(timeout=300)
    finally:
        app.report_panel.queue.stop_worker()
    html = app.last_report
    assert html is not None and html.name == f"{app.path.stem}.html", app.report_panel.out.value
    assert "MLOps maturity report: Отчёт" in html.read_text(encoding="utf-8")
    assert html.name in app.report_panel.out.value and not app.report_panel.button.disabled


def test_report_errors_show_in_the_page(app, tmp_path):
    """A report that fails in the worker is one friendly line in the error style (a worker that makes
    pages without a kernel: the queue's own tests and the slow ones cover the real reports)."""
    from ..report.queue_runner import page_queue

    app.report_panel.queue = page_queue(tmp_path / "spool")
    app.team_input.value = "fail Team"
    app.set_answer("gov-1-owner", "yes")
    try:
        app.report_panel.button.click()
        app.report_panel.thread.join(timeout=60)
    finally:
        app.report_panel.queue.stop_worker()
    out = app.report_panel.out.value
    assert "Your report could not be made: report failed: RuntimeError: cell 3 broke for fail Team" in out
    assert "fdecea" in out and "\n" not in out and not app.report_panel.button.disabled  # the error style


def test_lab_recomputes_on_slider_moves():
    lab = DriftLab(levels=(0, 4), rows_per_week=400)
    first = lab.result.kpis.copy()
    assert list(first.level) == [0, 4] and lab.result.scenario.onset == 20
    sliders = [lab.controls.onset, lab.controls.magnitude, lab.controls.duration, lab.controls.delay, lab.controls.auc_gate, lab.controls.drift_threshold]
    assert all(s.layout.width == "410px" for s in sliders)  # ipywidgets' default left a 50-pixel track
    lab.controls.onset.value = 8
    assert lab.result.scenario.onset == 8 and not lab.result.kpis.equals(first)
    lab.controls.scenario.value = "concept-drift"
    assert lab.result.scenario.name == "concept-drift" and lab.controls.onset.value == lab.result.scenario.onset
    lab.controls.levels.value = (0, 2, 4)
    assert list(lab.result.kpis.level) == [0, 2, 4]
    assert "L4 optimized" in lab._kpis.value
    lab._log_level.value = 2
    assert "gates" in lab._gate_log.value and "promoted" in lab._gate_log.value
    lab.controls.auc_gate.value = 0.9  # nothing passes a 0.9 AUC gate
    assert lab.result.kpi(2, "blocked") >= 1


def _upload(name: str, content: bytes) -> tuple[dict, ...]:
    return ({"name": name, "type": "text/csv", "size": len(content), "content": memoryview(content),
             "last_modified": pd.Timestamp("2026-01-01")},)


def test_lab_compares_uploaded_files():
    from ..conftest import ROOT

    lab = DriftLab(levels=(0,), rows_per_week=300)
    lab.own.reference.value = _upload("reference.csv", (ROOT / "data" / "reference.csv").read_bytes())
    lab.own.current.value = _upload("current.csv", (ROOT / "data" / "current.csv").read_bytes())
    lab.own.compare_button.click()
    assert lab.own.report.share_drifted > 0
    assert "credit_score" in lab.own.out.value
    lab.own.current.value = _upload("broken.parquet", b"this is not parquet")
    lab.own.compare_button.click()
    assert "broken.parquet: cannot be read as Parquet" in lab.own.out.value


def test_dashboard_aggregates_a_folder_with_a_corrupt_file(tmp_path):
    for path in sample_files():
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "corrupt.json").write_text("{")
    board = WorkshopDashboard(folder=tmp_path)
    assert len(board.summary.assessments) == len(sample_files())
    assert "Cannot read corrupt.json" in board.unreadable
    assert f"{len(sample_files())} teams" in board.status
    assert "03_report.ipynb?team=Heron%20Analytics" in board.teams_html
    csv = board.export_csv()
    assert "Heron Analytics" in csv and "data:text/csv;base64," in board.download
    answers, _, _ = load_answers(SAMPLES / "lemur-labs.json")
    (tmp_path / "new-team.json").write_text(json.dumps({**answers.to_dict(), "team": "New Team"}))
    board.refresh_button.click()
    assert len(board.summary.assessments) == len(sample_files()) + 1


def test_dashboard_empty_folder(tmp_path):
    board = WorkshopDashboard(folder=tmp_path / "empty")
    assert "No answers yet" in board.teams_html


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
    # the landing lists teams (never file names): a team's exported report is linked under its name
    from mlops_workbook.assessment.store import team_file_stem

    (tmp_path / "answers").mkdir()
    sample = json.loads(sample_files()[0].read_text())
    (tmp_path / "answers" / "t.json").write_text(json.dumps({**sample, "team": "a b", "rubric": "mlops-maturity"}))
    (tmp_path / "reports" / f"{team_file_stem('a b')}.html").write_text("<html></html>")
    page = landing(folder=tmp_path / "answers", reports=tmp_path / "reports").value
    assert f'href="../files/reports/{team_file_stem("a b")}.html"' in page and "a b" in page
    assert 'href="03_report.ipynb?team=a%20b"' in page and str(tmp_path) not in page


def test_the_assessment_kernel_imports_no_scipy_pandas_or_altair(tmp_path):
    """What a participant's kernel loads: the notebook's code, run in a fresh interpreter."""
    import subprocess
    import sys

    code = ("import sys\nfrom mlops_workbook.ui import AssessmentApp\n"
            f"app = AssessmentApp(folder={str(tmp_path)!r}, team='Mem')\n"
            "app.set_answer('data-1-versioning', 'yes')\napp.rubric_picker.value = 'quick-check'\n"
            "heavy = ('scipy', 'pandas', 'altair', 'vl_convert', 'numpy', 'papermill', 'nbconvert',\n"
            "         'mlops_workbook.simulation', 'mlops_workbook.charts', 'mlops_workbook.report.content')\n"
            "print(sorted(m for m in heavy if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_scan_and_file_panels_feed_the_session(tmp_path, monkeypatch):
    """Pre-fill fills only what is unanswered, keeps the team's different answers, marks agreeing ones;
    "Load answers" switches to the file's rubric and takes its team when none is typed."""
    from mlops_workbook.assessment.answers import Answer, Answers
    from mlops_workbook.assessment.store import read_answers

    repo = tmp_path / "repo"
    (repo / ".dvc").mkdir(parents=True)
    (repo / "dvc.yaml").write_text("stages:\n  train:\n    cmd: python train.py\n")
    (repo / "train.py").write_text("import mlflow\nmlflow.autolog()\nmlflow.log_metric('auc', 0.9)\n")
    app = AssessmentApp(folder=tmp_path / "answers", team="Scanned")
    app.set_answer("model-1-experiment-tracking", "no")
    app.sources.prefill.path.value = str(repo)
    app.sources.prefill.button.click()
    saved = read_answers(app.path).answers
    assert saved["model-1-experiment-tracking"] == Answer("no")  # the team's word is kept
    scanned = {cid: a for cid, a in saved.items() if a.origin == "scan"}
    assert scanned and all("confirm" in a.evidence for a in scanned.values())
    assert "kept yours" in app.sources.note

    fresh = AssessmentApp(folder=tmp_path / "answers")
    fresh.take_uploaded(Answers(team="Brought", rubric="quick-check", answers={"qc-build-1": Answer("yes")}))
    assert fresh.rubric.id == "quick-check" and fresh.team == "Brought"
    assert read_answers(fresh.path).answers == {"qc-build-1": Answer("yes")}


def test_participants_cannot_scan_server_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("MLOPS_WORKBOOK_ROLE", "participants")
    app = AssessmentApp(folder=tmp_path / "answers", team="Room")
    panel = app.sources.prefill
    assert not panel.allow_paths and panel.path not in panel.children
    panel.path.value = "/etc"
    panel.button.click()
    assert "upload a zip" in panel.status and not read_answers_or_none(app)


def read_answers_or_none(app):
    return app.path.exists() and app.answers.answers


def test_answer_groups_are_named_by_their_criterion(app):
    """The Voila template's ARIA script makes each `ANSWER_GROUP` a radiogroup named by the `LABEL`
    widget in its row: both classes must be on the row's widgets, the label holding the criterion text."""
    from mlops_workbook.ui._criteria_tabs import ANSWER_GROUP, LABEL

    for cid, group in app.criterion_buttons.items():
        assert ANSWER_GROUP in group._dom_classes
        row = next(r for r in app.tabs.children[0].children if group in getattr(r, "children", ()))
        labels = [w for w in row.children if LABEL in w._dom_classes]
        assert len(labels) == 1 and app.rubric.criteria[cid].text.split("<")[0][:20] in labels[0].value


def test_rubric_picker_is_wide_enough_for_every_title(app):
    widest = max(len(label) for label, _ in app.rubric_picker.options)
    assert app.rubric_picker.layout.width == f"calc(120px + {widest + 4}ch)"


def test_lab_chart_choice_has_a_name():
    lab = DriftLab(levels=(0,), rows_per_week=200)
    import ipywidgets

    toggles = [w for w in _walk(lab) if isinstance(w, ipywidgets.ToggleButtons)]
    assert toggles and all(t.description for t in toggles)


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_the_start_notebook_shows_participants_none_of_the_facilitators_side(tmp_path, monkeypatch):
    """00_start is what a participant opens on Binder, under a hub or in a plain Voila: its text and its
    team list name no facilitator's page (dashboard, projector), no server path or file name, no command."""
    import nbformat

    from mlops_workbook import resources
    from mlops_workbook.ui import landing

    monkeypatch.chdir(tmp_path)
    answers = tmp_path / "answers"
    answers.mkdir()
    sample = json.loads(sample_files()[0].read_text())
    (answers / "blue.json").write_text(json.dumps({**sample, "team": "Blue", "rubric": "mlops-maturity"}))
    notebook = nbformat.read(resources.notebook(resources.LANDING_NOTEBOOK), as_version=4)
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    shown = text + landing(folder=answers, reports=tmp_path / "reports").value
    assert "01_assessment.ipynb" in text and "02_drift_gating_lab.ipynb" in text and "Blue" in shown
    facilitators = [*resources.FACILITATOR_NOTEBOOKS, "dashboard", "Dashboard", "projector", "facilitator",
                    "mlops-workbook ", "serve", str(tmp_path), "blue.json", "?team=<"]
    assert [word for word in facilitators if word in shown] == []
