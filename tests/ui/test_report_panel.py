""""Create my report" waits honestly: the job goes to the machine's queue, the page shows its place in
line and an estimate from the last reports' times, then the link; and a save is marked beside the
answer just clicked, with the team's name.

The panels here use a queue whose worker makes pages without a kernel (tests/report/queue_runner.py);
the real reports through the queue are the slow tests' (tests/report/test_queue.py, test_ui.py).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from mlops_workbook.report.queue import JobStatus
from mlops_workbook.ui import AssessmentApp
from mlops_workbook.ui._report_panel import ReportPanel, waiting_text

from ..report.queue_runner import page_queue


@pytest.fixture
def spool(tmp_path):
    queue = page_queue(tmp_path / "spool")
    yield tmp_path / "spool"
    queue.stop_worker()


def _panel(tmp_path: Path, spool: Path, team: str) -> tuple[ReportPanel, list[str]]:
    answers = tmp_path / "answers" / f"{team.replace(' ', '-')}.json"
    answers.parent.mkdir(exist_ok=True)
    answers.write_text(json.dumps({"team": team, "rubric": "mlops-maturity", "answers": {}}), encoding="utf-8")
    panel = ReportPanel(lambda: (answers, "mlops-maturity"), tmp_path / "reports", queue=page_queue(spool),
                        poll=0.05)
    shown: list[str] = []
    panel.out.observe(lambda change: shown.append(change["new"]), names="value")
    return panel, shown


def test_two_teams_see_their_place_then_their_links(tmp_path, spool, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a report under the page's folder gets a link
    first, _ = _panel(tmp_path, spool, "slow Owls")
    second, shown = _panel(tmp_path, spool, "Bees")
    first.button.click()
    deadline = time.monotonic() + 30
    while "Making your report now" not in first.out.value:
        assert time.monotonic() < deadline, first.out.value
        time.sleep(0.05)
    assert first.button.disabled  # one report at a time per page
    second.button.click()
    first.thread.join(timeout=60)
    second.thread.join(timeout=60)
    assert any("Waiting: 1 report ahead of yours, 1 made at a time" in text for text in shown), shown
    assert not any("papermill" in text or "half a minute" in text for text in shown)
    for panel, team in ((first, "slow Owls"), (second, "Bees")):
        assert panel.last_report is not None and team in panel.last_report.read_text()
        assert f'class="report-link" href="reports/{panel.last_report.name}"' in panel.out.value
        assert not panel.button.disabled
    # the third report's wait is estimated from the two made before it
    third, shown = _panel(tmp_path, spool, "Cats")
    third.button.click()
    third.thread.join(timeout=60)
    assert any("ready in about" in text for text in shown), shown
    assert third.last_report is not None


def test_waiting_text_says_place_and_estimate_or_that_there_is_none():
    queued = JobStatus("j", "queued", ahead=3, slots=2, estimate=41.6)
    assert waiting_text(queued) == "Waiting: 3 reports ahead of yours, 2 made at a time; ready in about 42 s ..."
    assert "no estimate yet" in waiting_text(JobStatus("j", "queued", ahead=1))
    assert waiting_text(JobStatus("j", "queued", estimate=300)) == "Your report is next: ready in about 5 min ..."
    assert "Starting the report workers" in waiting_text(JobStatus("j", "queued", starting=True, estimate=20))
    assert waiting_text(JobStatus("j", "running", estimate=4.2)) == "Making your report now: ready in about 4 s ..."
    late = waiting_text(JobStatus("j", "running", estimate=0.0, running_for=70))
    assert "70 s so far, longer than the last ones took" in late


def _row_mark(app: AssessmentApp, criterion_id: str) -> str:
    """The HTML shown in the criterion's row after its buttons and evidence box."""
    buttons = app.criterion_buttons[criterion_id]
    for tab in app.tabs.children:
        for row in tab.children:
            if buttons in getattr(row, "children", ()):
                return row.children[-1].value
    raise AssertionError(f"no row for {criterion_id}")


def test_the_save_is_marked_beside_the_answer_just_clicked_with_the_team_name(tmp_path):
    app = AssessmentApp(folder=tmp_path / "answers", reports=tmp_path / "reports", team="Data <Team>")
    first, other = list(app.criterion_buttons)[:2]  # the first tab's
    app.criterion_buttons[first].value = "yes"  # a click
    assert "Saved for Data &lt;Team&gt;" in _row_mark(app, first)
    assert "Saved for Data &lt;Team&gt; at " in app.status and ".json" not in app.status
    app.criterion_buttons[other].value = "partial"
    assert _row_mark(app, first) == "" and "Saved for Data &lt;Team&gt;" in _row_mark(app, other)
    app.context_inputs["team_size"].value = "4"  # saved, but not an answer: only the status line says so
    assert _row_mark(app, other) == "" and "Saved for Data &lt;Team&gt; at " in app.status


def test_opening_a_team_names_the_team_not_its_file(tmp_path):
    app = AssessmentApp(folder=tmp_path / "answers", team="Green")
    assert "Green" in app.status and "will be saved to" in app.status and ".json" not in app.status
    app.set_answer("gov-1-owner", "yes")
    again = AssessmentApp(folder=tmp_path / "answers", team="Green")
    assert "Resumed 1 answers to mlops-maturity for Green" in again.status and ".json" not in again.status
