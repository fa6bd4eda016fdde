"""`serve` starts the report queue's worker with its servers, in the background: by the first "Create my
report" its kernels are warm, and the report is made by that worker, not by one the click starts.

One real `serve` (alone, no pool) and its real worker (warm report kernels, the shared simulation); a
report submitted as a page's kernel submits it; everything stopped at the end, worker included.
"""

from __future__ import annotations

import os
import time

import pytest

from mlops_workbook.report.queue import ReportQueue

from .._servers import start_serve
from ..conftest import SAMPLES

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _gone(pid: int, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def test_the_first_report_finds_the_worker_serve_started_warm(tmp_path):
    began = time.monotonic()
    with start_serve(tmp_path, "--pool", "0") as served:
        printed = time.monotonic() - began
        queue = ReportQueue(served.spool)  # as a page's kernel makes it (the same folder through the served root)
        deadline = time.monotonic() + 600
        while queue.worker().get("state") != "ready":  # nobody has asked for a report yet
            assert time.monotonic() < deadline, queue.worker_log_tail()
            time.sleep(0.5)
        ready = time.monotonic() - began
        worker = queue.worker()["pid"]
        assert queue.times().startup is not None and queue.times().durations == ()  # warmed, no report made
        clicked = time.monotonic()
        job = queue.submit(SAMPLES / "heron-analytics.json", served.reports, team="Heron Analytics")
        outcome = queue.wait(job, timeout=300)
        made = time.monotonic() - clicked
        assert outcome.state == "done", outcome.error
        assert (served.reports / outcome.html).is_file()
        assert queue.worker()["pid"] == worker  # the worker serve started made it: the click started none
    print(f"serve printed its URLs after {printed:.1f} s, its report worker was warm after {ready:.1f} s, "
          f"the first report took {made:.1f} s (under load)")
    assert _gone(worker)  # stopped with the servers
