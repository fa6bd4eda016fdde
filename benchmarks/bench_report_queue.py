""""Create my report" clicked by four teams at once: time until all four links.

    python benchmarks/bench_report_queue.py [--teams 4] [--busy] [--skip-per-click]

Against what the page did before (and what a user would write): one child process per click, each
starting a fresh kernel and executing the report notebook (`batch.run_report_isolated`), the four
clicks in parallel threads as four participants' kernels would run them. Ours: the four kernels
submit to the report queue (`report.queue`) and poll; measured with no worker running (the first
click on a machine starts it: its kernels' start-up and the shared simulation are in the time), with
the worker already warm (every later click), and with a worker started again after an idle exit (its
kernels start again, the simulation is kept in the spool). `--busy` keeps the other core busy with
`python3 -c 'while 1: pass'`, stopped by its pid at the end.

Teams with settings new to the room (their contexts pick a scenario and a cadence no earlier click
used) are measured twice: at once after the warm clicks, and after the worker has simulated ahead
every setting a context can give (`report.prewarm`, at the lowest priority).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

from _answers import answers_files  # benchmarks/ is on sys.path when a benchmark runs
from _load import other_core_busy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def together(work, files: list[Path]) -> tuple[float, list[float], list[str]]:
    """Run `work(file)` for every file in its own thread, all at once: wall time, each one's time, errors."""
    start = time.perf_counter()
    times: list[float] = [0.0] * len(files)
    errors: list[str] = []

    def one(i: int, path: Path) -> None:
        error = work(path)
        times[i] = time.perf_counter() - start
        if error:
            errors.append(error)

    threads = [threading.Thread(target=one, args=(i, p)) for i, p in enumerate(files)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, times, errors


def per_click(files: list[Path], out: Path) -> tuple[float, list[float], list[str]]:
    from mlops_workbook.report.batch import run_report_isolated

    def work(path: Path) -> str | None:
        outcome = run_report_isolated(path, out, rubric="mlops-maturity", timeout=600)
        return None if outcome.ok else outcome.error

    return together(work, files)


def queued(queue, files: list[Path], out: Path) -> tuple[float, list[float], list[str]]:
    from mlops_workbook.report.queue import ReportQueue

    def work(path: Path) -> str | None:
        mine = ReportQueue(queue.spool)  # each participant's kernel has its own client
        result = mine.wait(mine.submit(path, out, rubric="mlops-maturity", timeout=600), timeout=600)
        return None if result.state == "done" else result.error

    return together(work, files)


# Contexts whose settings (scenario, retraining cadence) no earlier case of this run used: four teams
# that each need a simulation of their own, as a room of teams with different answers does.
NEW_SETTINGS = {"new": [("moderate", "yearly"), ("moderate", "quarterly"), ("fast", "monthly"), ("slow", "monthly")],
                "ahead": [("fast", "yearly"), ("slow", "yearly"), ("moderate", "weekly"), ("fast", "quarterly")]}


def with_contexts(files: list[Path], contexts: list[tuple[str, str]]) -> list[Path]:
    """The same teams, each with its own data change and retraining cadence (a setting of its own)."""
    for path, (change, cadence) in zip(files, contexts):
        data = json.loads(path.read_text())
        data["context"] = {**data.get("context", {}), "data_change": change, "retraining_frequency": cadence}
        path.write_text(json.dumps(data))
    return files


def wait_simulated_ahead(spool: Path, seconds: float = 1200) -> float:
    """Until the worker's `report.prewarm` has kept every setting (0 when this package has none)."""
    try:
        from mlops_workbook.report import prewarm
        from mlops_workbook.report.queue import code_digest
    except ImportError:
        return 0.0
    start = time.perf_counter()
    folder = spool / "simulation" / code_digest()
    while prewarm.missing(folder) and time.perf_counter() - start < seconds:
        time.sleep(1)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=4)
    parser.add_argument("--busy", action="store_true", help="keep the other core busy meanwhile")
    parser.add_argument("--skip-per-click", action="store_true")
    args = parser.parse_args()
    from mlops_workbook.report.queue import ReportQueue

    rows = []
    with other_core_busy(args.busy):
        with tempfile.TemporaryDirectory(prefix="bench-report-queue-") as tmp:
            root = Path(tmp)

            def teams(tag: str) -> list[Path]:  # this run's answers files: "<tag>-1.json", team "<sample> <tag>1"
                return answers_files(root / "a", args.teams, stem=tag + "-{i}", team=tag + "{i}")

            if not args.skip_per_click:
                rows.append(("one child process per click", *per_click(teams("p"), root / "out-p")))
            queue = ReportQueue(root / "spool")
            try:
                rows.append(("report queue, no worker yet (first clicks)",
                             *queued(queue, teams("c"), root / "out-q")))
                rows.append(("report queue, worker warm (later clicks)",
                             *queued(queue, teams("w"), root / "out-q")))
                rows.append(("report queue, worker warm, 4 settings new to the room, at once",
                             *queued(queue, with_contexts(teams("n"), NEW_SETTINGS["new"]), root / "out-q")))
                waited = wait_simulated_ahead(root / "spool")
                rows.append((f"report queue, worker warm, 4 other new settings, after simulating ahead ({waited:.0f} s later)",
                             *queued(queue, with_contexts(teams("a"), NEW_SETTINGS["ahead"]), root / "out-q")))
                queue.stop_worker()  # as after an idle exit: kernels gone, the simulation kept in the spool
                rows.append(("report queue, worker started again (simulation kept)",
                             *queued(queue, teams("r"), root / "out-q")))
                times = queue.times()
            finally:
                queue.stop_worker()
    state = "other core busy" if args.busy else "idle"
    print(f"{args.teams} teams at once, {state}; worker start-up {times.startup:.1f} s, "
          f"last run times {', '.join(f'{d:.1f}' for d in times.durations)} s")
    for name, wall, each, errors in rows:
        print(f"| {name} | {wall:.1f} s | {', '.join(f'{t:.1f}' for t in sorted(each))} |"
              + (f" errors: {errors}" if errors else ""))
    return 0 if all(not r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
