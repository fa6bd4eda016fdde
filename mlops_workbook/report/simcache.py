"""The simulation cache of a report batch: one owner for its key, its reader, its writer and its setting.

Why: teams whose contexts give the same settings show the same simulation (one per scenario, seed and
the team's other settings, such as its retraining cadence) and it costs seconds, so a batch simulates
each once in the parent and leaves a pickle in a folder private to that batch; every report kernel
looks there first, and one that had to simulate leaves its own for the next. The file name (the key), the writer, the reader and the variable
that tells a kernel where the folder is were split over two modules; they live here together.

Light on purpose: importing this loads neither pandas nor the simulation (the pickle does, when read).
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import settings

if TYPE_CHECKING:
    from ..simulation import SimulationResult


Overrides = tuple[tuple[str, Any], ...]  # a team's other settings (`TeamSimulation.overrides`), sorted


def cache_file(folder: str | os.PathLike[str], scenario: str, seed: int, overrides: Overrides = ()) -> Path:
    """The key: one file per (scenario, seed, the team's other settings) in the batch's folder."""
    extra = "".join(f"-{name}={value}" for name, value in overrides)
    return Path(folder) / f"simulation-{scenario}-{int(seed)}{extra}.pkl"


def write(folder: str | os.PathLike[str], scenario: str, seed: int, result: SimulationResult,
          overrides: Overrides = ()) -> Path:
    """Leave `result` for the batch's kernels; it appears only complete (temp file + rename)."""
    path = cache_file(folder, scenario, seed, overrides)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return path


def read(scenario: str, seed: int, folder: str | os.PathLike[str] | None = None, *,
         overrides: Overrides = ()) -> SimulationResult | None:
    """The batch's simulation for (scenario, seed), or None when this process is not under a batch
    (no $MLOPS_WORKBOOK_SIMULATION_CACHE) or the batch left none for it. The folder is the batch's
    own temporary folder, so the pickle is the batch's own writing, never a user's file."""
    where = Path(folder) if folder is not None else settings.simulation_cache()
    if where is None:
        return None
    path = cache_file(where, scenario, seed, overrides)
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return pickle.load(handle)


def environment(folder: str | os.PathLike[str]) -> dict[str, str]:
    """What a child kernel's environment needs to find the batch's cache."""
    return {settings.SIMULATION_CACHE: str(folder)}
