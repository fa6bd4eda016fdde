"""The report queue: one worker per spool, jobs in arrival order, positions and estimates from the last
reports' times, a failing job reported in one line, a dead worker restarted with its job put back in line.

The fast tests run a real worker process (this module's spool, its lock, its files) with a runner that
makes pages without a kernel (`queue_runner`); the slow test runs two real reports through the queue.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mlops_workbook.report.queue import RecentTimes, ReportQueue, estimate_seconds

from ..conftest import SAMPLES
from .queue_runner import page_queue


@pytest.fixture
def make_queue(tmp_path):
    made: list[ReportQueue] = []

    def make(slots: int = 1) -> ReportQueue:
        made.append(page_queue(tmp_path / "spool", slots))
        return made[-1]

    yield make
    for queue in made:
        queue.stop_worker()


def answers(tmp_path: Path, team: str) -> Path:
    path = tmp_path / "answers" / f"{team.replace(' ', '-')}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"team": team, "rubric": "mlops-maturity", "answers": {}}), encoding="utf-8")
    return path


def wait_for(predicate, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_jobs_run_in_arrival_order_and_each_knows_its_place(make_queue, tmp_path):
    queue = make_queue(slots=1)
    out = tmp_path / "reports"
    first = queue.submit(answers(tmp_path, "slow Owls"), out, team="slow Owls")
    second = queue.submit(answers(tmp_path, "Bees"), out, team="Bees")
    third = queue.submit(answers(tmp_path, "Cats"), out, team="Cats")
    wait_for(lambda: queue.status(first).state == "running")
    two, three = queue.status(second), queue.status(third)
    assert (two.state, two.ahead, three.state, three.ahead) == ("queued", 1, "queued", 2)
    assert two.slots == 1 and two.team == "Bees"
    results = [queue.wait(job, timeout=60, poll=0.05) for job in (first, second, third)]
    assert [r.state for r in results] == ["done"] * 3, [r.error for r in results]
    made = [out / r.html for r in results]
    assert [p.read_text() for p in made] == [f"<title>MLOps maturity report: {t}</title>"
                                             for t in ("slow Owls", "Bees", "Cats")]
    assert made[0].stat().st_mtime_ns < made[1].stat().st_mtime_ns < made[2].stat().st_mtime_ns


def test_the_estimate_comes_from_the_last_reports_times(make_queue, tmp_path):
    queue = make_queue(slots=1)
    out = tmp_path / "reports"
    first = queue.submit(answers(tmp_path, "Ants"), out)
    assert queue.status(first).estimate is None or queue.times().durations  # nothing to go on yet
    assert queue.wait(first, timeout=60, poll=0.05).state == "done"
    times = queue.times()
    assert len(times.durations) == 1 and 0.3 < times.typical < 5 and times.startup is not None
    running = queue.submit(answers(tmp_path, "slow Moths"), out)
    waiting = queue.submit(answers(tmp_path, "Gnats"), out)
    wait_for(lambda: queue.status(running).state == "running")
    later = queue.status(waiting)
    assert later.state == "queued" and later.ahead == 1
    # one running report (the typical time, less what it ran already), then this one
    assert times.typical < later.estimate <= 2 * times.typical + 0.1
    now = queue.status(running)
    assert now.estimate == pytest.approx(max(times.typical - now.running_for, 0), abs=0.2)


def test_estimate_models_the_slots():
    assert estimate_seconds(typical=10, running_elapsed=[1, 1], ahead=0, slots=2) == 19
    assert estimate_seconds(typical=10, running_elapsed=[1, 1], ahead=1, slots=2) == 19
    assert estimate_seconds(typical=10, running_elapsed=[1, 1], ahead=2, slots=2) == 29
    assert estimate_seconds(typical=10, running_elapsed=[], ahead=0, slots=2, startup_left=5) == 15
    assert estimate_seconds(typical=10, running_elapsed=[30], ahead=0, slots=1) == 10  # an overdue one: "now"
    assert RecentTimes((1.0, 100.0, 3.0)).typical == 3.0 and RecentTimes().typical is None


def test_a_failing_report_is_one_line_and_the_worker_goes_on(make_queue, tmp_path):
    queue = make_queue(slots=1)
    out = tmp_path / "reports"
    bad = queue.submit(answers(tmp_path, "fail Team"), out)
    missing = queue.submit(tmp_path / "answers" / "nobody.json", out)
    good = queue.submit(answers(tmp_path, "Good Team"), out)
    failed = queue.wait(bad, timeout=60, poll=0.05)
    assert failed.state == "failed" and "cell 3 broke for fail Team" in failed.error and "\n" not in failed.error
    gone = queue.wait(missing, timeout=60, poll=0.05)
    assert gone.state == "failed" and "nobody.json" in gone.error
    assert queue.wait(good, timeout=60, poll=0.05).state == "done"
    assert len(queue.times().durations) == 3  # failures count: they took a slot as long


def test_a_dead_worker_is_restarted_and_its_report_made(make_queue, tmp_path):
    queue = make_queue(slots=1)
    job = queue.submit(answers(tmp_path, "slow Phoenix"), tmp_path / "reports")
    wait_for(lambda: queue.status(job).state == "running")
    pid = queue.worker()["pid"]
    os.killpg(pid, signal.SIGKILL)
    wait_for(lambda: not queue.worker_alive())
    assert queue.status(job).state == "running"  # left behind by the dead worker
    result = queue.wait(job, timeout=60, poll=0.05)  # finds the worker dead and starts one
    assert result.state == "done" and (tmp_path / "reports" / result.html).is_file()
    assert queue.worker()["pid"] != pid
    assert len(queue.times().durations) == 1  # made once, by the new worker


def test_only_one_worker_starts_when_many_kernels_submit_at_once(make_queue, tmp_path):
    queues = [make_queue(slots=1) for _ in range(4)]
    started: list[bool] = []
    threads = [threading.Thread(target=lambda q=q: started.append(q.ensure_worker())) for q in queues]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(started) == [False, False, False, True]
    assert len({q.worker()["pid"] for q in queues}) == 1


def test_a_waiting_report_can_be_taken_out_of_line(make_queue, tmp_path):
    queue = make_queue(slots=1)
    busy = queue.submit(answers(tmp_path, "slow Yaks"), tmp_path / "reports")
    extra = queue.submit(answers(tmp_path, "Voles"), tmp_path / "reports")
    assert queue.cancel(extra) and not queue.cancel(extra)
    assert queue.status(extra).state == "failed"
    assert queue.wait(busy, timeout=60, poll=0.05).state == "done"
    assert not (tmp_path / "reports" / "Voles.html").exists()


@pytest.mark.slow
def test_two_real_reports_through_the_queue(tmp_path):
    """The real worker: warm kernels, the shared simulation, papermill and the HTML export."""
    queue = ReportQueue(tmp_path / "spool")
    out = tmp_path / "reports"
    try:
        jobs = [queue.submit(SAMPLES / name, out, rubric="mlops-maturity", timeout=300)
                for name in ("heron-analytics.json", "otter-retail.json")]
        results = [queue.wait(job, timeout=300) for job in jobs]
        assert [r.state for r in results] == ["done", "done"], [r.error for r in results]
        for result, team in zip(results, ("Heron Analytics", "Otter Retail")):
            page = (out / result.html).read_text(encoding="utf-8")
            assert f"MLOps maturity report: {team}" in page
        assert len(queue.times().durations) == 2
    finally:
        queue.stop_worker()


def test_a_worker_that_cannot_start_fails_the_waiting_reports_with_its_reason(tmp_path):
    spool = tmp_path / "spool"
    queue = ReportQueue(spool, worker_command=[sys.executable, "-m", "mlops_workbook.report.queue", "--spool",
                                               str(spool), "--runner", "tests.report.queue_runner:broken"])
    result = queue.wait(queue.submit(answers(tmp_path, "Bees"), tmp_path / "reports"), timeout=60, poll=0.05)
    assert result.state == "failed"
    assert result.error == "the report worker could not start: RuntimeError: no kernel named python3"
    assert not queue.worker_alive()


def test_the_worker_leaves_with_the_server_that_owns_it(tmp_path):
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    queue = page_queue(tmp_path / "spool", owner=server.pid)
    try:
        assert queue.wait(queue.submit(answers(tmp_path, "Owls"), tmp_path / "reports"), timeout=60).state == "done"
        assert queue.worker_alive()
        server.kill()
        server.wait()
        wait_for(lambda: not queue.worker_alive(), seconds=20)
    finally:
        server.kill()
        queue.stop_worker()


def test_the_default_worker_is_owned_by_this_kernels_server(tmp_path):
    command = ReportQueue(tmp_path / "spool").worker_command
    assert command[command.index("--owner") + 1] == str(os.getppid())
