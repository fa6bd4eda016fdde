"""Simulate ahead, at low priority, every setting a team's context can give, for the room's report worker.

Why: a team's report simulates the loan book with its own settings (the scenario its data change picks,
its retraining cadence: `simulation.from_context`), 20 seeds, several seconds on a laptop. The worker
keeps each simulation in its spool, but the first team with a new setting waited for it, so four teams
clicking at once with four contexts waited for four simulations. There are only a few settings
(`possible_simulations`), so the worker starts this process once the default simulation is there: it
fills the spool with the others, one at a time, under `nice`, so a participant's page always goes first.
A team whose setting is not there yet simulates it in its report kernel as before (the write is atomic:
whichever finishes first is kept).

    python -m mlops_workbook.report.prewarm SPOOL_SIMULATION_FOLDER
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from . import simcache

NICENESS = 19  # the lowest: it runs only on a core nobody else wants
SEED = 0  # the seed the room's reports use (`queue.WarmReports`)


def missing(folder: str | os.PathLike[str]) -> list[tuple[str, tuple[tuple[str, Any], ...]]]:
    """The settings whose simulation is not in `folder` yet, in `possible_simulations` order."""
    from ..simulation.from_context import possible_simulations

    return [(scenario, overrides) for scenario, overrides in possible_simulations()
            if not simcache.cache_file(folder, scenario, SEED, overrides).is_file()]


def ensure(folder: str | os.PathLike[str], simulation: tuple[str, tuple[tuple[str, Any], ...]] | None) -> bool:
    """Simulate one job's setting now, in this process, unless it is kept; True when it simulated.

    Why: the worker calls this before it hands a job to a kernel. Here the seeds run on every core
    (the way the batch simulates in its parent); a report kernel that finds nothing kept simulates
    the 20 seeds itself, and two kernels needing the same setting at once each did (four teams' first
    reports took 77 s on a quiet machine instead of 25 s)."""
    if simulation is None:
        return False
    scenario, overrides = simulation
    if simcache.cache_file(folder, scenario, SEED, overrides).is_file():
        return False
    from .batch import _share_simulation

    _share_simulation(str(folder), scenario, SEED, overrides)
    return True


def fill(folder: str | os.PathLike[str], limit: int | None = None) -> int:
    """Simulate and keep what `folder` lacks (at most `limit` settings); returns how many were written."""
    return sum(ensure(folder, setting) for setting in missing(folder)[:limit])  # a kernel may be quicker: ensure checks


def main(argv: list[str] | None = None) -> int:
    """Lower this process's priority, then fill the folder; exit 0 (2: no such folder)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print(f"usage: python -m mlops_workbook.report.prewarm FOLDER (an existing folder, got {args!r})", file=sys.stderr)
        return 2
    if hasattr(os, "nice"):
        os.nice(NICENESS)
    fill(args[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
