"""A runner for the report queue's worker that makes a small page per job without a kernel, so the
queue's own behaviour (order, positions, estimates, failures, restarts) is tested in seconds.

It reads the answers file as the real runner does (a missing or unreadable file fails the job), then
takes as long as the team's name says: "slow ..." 3 s, "fail ..." raises, anything else 0.4 s.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from mlops_workbook.report.queue import ReportQueue


class PageRunner:
    """`slots` threads; each job writes `<out>/<answers stem>.html` naming the team."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._pool = ThreadPoolExecutor(max_workers=slots)

    def submit(self, job: Mapping[str, Any]) -> Future[Any]:
        """One page, in a thread."""
        return self._pool.submit(self._make, dict(job))

    @staticmethod
    def _make(job: dict[str, Any]) -> dict[str, Any]:
        source = Path(job["answers"])
        team = json.loads(source.read_text(encoding="utf-8"))["team"]
        time.sleep(3.0 if team.startswith("slow") else 0.4)
        if team.startswith("fail"):
            raise RuntimeError(f"cell 3 broke for {team}")
        out = Path(job["out"])
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{source.stem}.html"
        target.write_text(f"<title>MLOps maturity report: {team}</title>", encoding="utf-8")
        return {"status": "ok", "html": target.name, "team": team, "error": None}

    def close(self) -> None:
        """Wait for the pages being made."""
        self._pool.shutdown(wait=True)


def make(slots: int) -> PageRunner:
    """What `--runner tests.report.queue_runner:make` calls."""
    return PageRunner(slots)


def page_queue(spool: Path, slots: int = 1, *, owner: int = 0) -> ReportQueue:
    """A queue on `spool` whose worker (a real process, lock and files) makes pages with this runner."""
    spool = Path(spool).absolute()
    return ReportQueue(spool, worker_command=[sys.executable, "-m", "mlops_workbook.report.queue", "--spool",
                                              str(spool), "--slots", str(slots), "--idle-exit", "60",
                                              "--owner", str(owner), "--runner", "tests.report.queue_runner:make"])


def broken(slots: int) -> PageRunner:
    """A runner that cannot start (what a missing kernel spec or a failing simulation looks like)."""
    raise RuntimeError("no kernel named python3")
