""""Create my report" loads nothing heavy in the participant's kernel: the report runs in its child process.

Measured before: importing the report batch module loaded pandas, NumPy, SciPy and the simulation, so a
participant's assessment kernel went from 101 MiB to 196 MiB on the first click. Each test runs in a
fresh interpreter, as a Voila kernel would.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ..conftest import ROOT, SAMPLES

HEAVY = ("scipy", "pandas", "altair", "vl_convert", "numpy", "papermill", "nbconvert", "nbclient",
         "jupyter_client", "mlops_workbook.simulation", "mlops_workbook.charts", "mlops_workbook.report.content",
         "mlops_workbook.server")


def _fresh(code: str, cwd, timeout: float = 600) -> dict:
    prelude = f"import json, sys\nHEAVY = {HEAVY!r}\n"
    proc = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, check=False,
                          cwd=cwd, timeout=timeout, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
                                                         "HOME": str(cwd)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_report_function_the_button_calls_imports_nothing_heavy(tmp_path):
    """The button's own call, with a child that fails at once (an unknown rubric): the parent's side is
    the same as for a real report, and the failure comes back as one line naming the rubric."""
    code = (
        "from mlops_workbook.report.batch import run_report_isolated\n"
        f"outcome = run_report_isolated({str(SAMPLES / 'heron-analytics.json')!r}, 'reports', "
        "rubric='no-such-rubric', timeout=60)\n"
        "print(json.dumps({'heavy': sorted(m for m in HEAVY if m in sys.modules), 'ok': outcome.ok,"
        " 'error': outcome.error}))\n"
    )
    result = _fresh(code, tmp_path)
    assert result["heavy"] == []
    assert not result["ok"] and "unknown rubric 'no-such-rubric'" in result["error"]
    assert "\n" not in result["error"]


def test_submitting_to_the_report_queue_and_waiting_imports_nothing_heavy(tmp_path):
    """What the button calls now: the queue's client submits, starts the worker, polls and collects the
    result; the report's side loads in the worker only (here one that makes pages without a kernel)."""
    answers = tmp_path / "Weight.json"
    answers.write_text(json.dumps({"team": "Weight", "rubric": "mlops-maturity", "answers": {}}))
    code = (
        "from tests.report.queue_runner import page_queue\n"
        "import mlops_workbook.ui._report_panel\n"
        "queue = page_queue('spool')\n"
        f"result = queue.wait(queue.submit({str(answers)!r}, 'reports', rubric='mlops-maturity'), timeout=60)\n"
        "queue.stop_worker()\n"
        "print(json.dumps({'heavy': sorted(m for m in HEAVY if m in sys.modules), 'state': result.state}))\n"
    )
    result = _fresh(code, tmp_path)
    assert result == {"heavy": [], "state": "done"}


@pytest.mark.slow
def test_clicking_create_my_report_imports_nothing_heavy(tmp_path):
    """The real button, found by its label in the app's widget tree, clicked, and waited for."""
    code = (
        "import time\nimport ipywidgets as widgets\nfrom mlops_workbook.ui import AssessmentApp\n"
        "app = AssessmentApp(folder='answers', reports='reports', team='Weight')\n"
        "app.set_answer('gov-1-owner', 'yes')\n"
        "def walk(w):\n"
        "    yield w\n"
        "    for c in getattr(w, 'children', ()):\n"
        "        yield from walk(c)\n"
        "button = next(w for w in walk(app) if isinstance(w, widgets.Button) and w.description == 'Create my report')\n"
        "before = sorted(m for m in HEAVY if m in sys.modules)\n"
        "button.click()\n"
        "deadline = time.monotonic() + 400\n"
        "while app.last_report is None and time.monotonic() < deadline:\n"
        "    time.sleep(0.5)\n"
        "    if not button.disabled and app.last_report is None:\n"
        "        break\n"
        "app.report_panel.queue.stop_worker()\n"
        "print(json.dumps({'before': before, 'after': sorted(m for m in HEAVY if m in sys.modules),\n"
        "                  'report': str(app.last_report)}))\n"
    )
    result = _fresh(code, tmp_path)
    assert result["before"] == [] and result["after"] == []
    report = tmp_path / result["report"]
    assert report.is_file() and "MLOps maturity report: Weight" in report.read_text(encoding="utf-8")
