"""Replay speed on the two vendored real streams (target: under 60 s each), idle and with the machine's
other core busy, as the CLI runs it (`mlops-workbook replay ... --json`, a fresh process each time).

    python benchmarks/bench_replay.py [--repeats 1] [--skip-busy]

The busy core is a `python3 -c 'while 1: pass'` started here and stopped by its pid. Wall-clock
seconds, and CPU seconds of the replay's process (the wall time on a shared machine stretches with
other jobs; the CPU time says what the replay itself costs). Also prints each stream's headline:
errors per level with the 90% block-bootstrap interval, so a speed change that changes results shows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from _load import other_core_busy  # benchmarks/ is on sys.path when a benchmark runs

ROOT = Path(__file__).resolve().parents[1]
STREAMS = {
    "NOAA rainfall (rows:30)": ["data/real/rainfall_data.csv", "--label", "rain", "--period", "rows:30"],
    "ACS employment MA (rows:5000)": ["data/real/employment_MA.parquet", "--time", "year", "--label", "employed",
                                      "--period", "rows:5000"],
}
TARGET = 60.0


def run(args: list[str]) -> tuple[float, float, dict]:
    """One replay in a fresh process: (wall seconds, CPU seconds, its JSON)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "mlops_workbook", "replay", *args, "--json"], cwd=ROOT,
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, json.loads(out.stdout)


def main() -> None:
    """Each stream idle, then with one core busy."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--skip-busy", action="store_true")
    options = parser.parse_args()
    conditions = ["idle"] + ([] if options.skip_busy else ["one core busy"])
    failed = False
    for condition in conditions:
        with other_core_busy(condition != "idle"):
            for name, args in STREAMS.items():
                for _ in range(options.repeats):
                    wall, cpu, data = run(args)
                    failed |= wall >= TARGET
                    print(f"{name:<32} {condition:<14} wall {wall:5.1f} s  cpu {cpu:5.1f} s  "
                          f"({'ok' if wall < TARGET else 'OVER'} < {TARGET:.0f} s)")
                print("    " + "; ".join(f"L{k['level']} errors {k['errors']:,.0f} [{k['intervals']['errors'][0]:,.0f}, "
                                         f"{k['intervals']['errors'][1]:,.0f}]" for k in data["kpis"]))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
