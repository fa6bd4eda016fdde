"""Many seeds: each KPI's mean with its 90% interval, and paired comparisons between levels.

Seeds `seed .. seed + n - 1` each give one stream that every level runs on, so two levels can be
compared seed by seed (paired): the difference's interval is much narrower than either level's own
spread. Intervals are Student-t 90% confidence intervals of the mean over seeds. "No measurable
difference" means the paired interval of the difference includes 0.
"""

from __future__ import annotations

import atexit
import math
import multiprocessing
import os
import signal
import sys
import threading
import types
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import stdtrit  # Student t quantiles, without importing all of scipy.stats

from .config import LEVEL_NAMES, SimulationConfig
from .costs import Costs, load_costs, repriced  # noqa: F401  (repriced: the lab's import)
from .run import SimulationResult, clean, simulate

PER_SEED_COLUMNS = ["seed", "level", "business_loss", "run_cost", "net_cost", "build_cost", "people_cost", "compute_cost",
                    "accuracy_weeks_lost", "weeks_to_detect",
                    "bad_models_shipped"]
CONFIDENCE = 0.9


def mean_interval(values: np.ndarray | pd.Series, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """(mean, low, high): Student-t interval of the mean; NaNs (e.g. 'never detected') are left out."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if x.size == 1:
        return mean, mean, mean
    half = float(stdtrit(x.size - 1, 0.5 + confidence / 2) * x.std(ddof=1) / math.sqrt(x.size))
    return mean, mean - half, mean + half


@dataclass(frozen=True)
class Comparison:
    """Paired difference `kpi(a) - kpi(b)` over the same seeds."""

    kpi: str
    a: int
    b: int
    mean: float
    low: float
    high: float

    @property
    def measurable(self) -> bool:
        """True when the paired interval of the difference excludes 0."""
        return not (self.low <= 0 <= self.high) and not math.isnan(self.low)

    def wording(self, unit: str = "") -> str:
        """The comparison as the lab and the report say it ('no measurable difference' when the interval includes 0)."""
        if not self.measurable:
            return "no measurable difference"
        word = "more" if self.mean > 0 else "less"
        low, high = sorted((abs(self.low), abs(self.high)))
        return f"{unit}{abs(self.mean):,.0f} {word} (90% interval {unit}{low:,.0f} to {unit}{high:,.0f} {word})"


@dataclass
class MultiSeedResult:
    """Every seed's KPIs of one setting: means, intervals and paired comparisons come from here."""
    config: SimulationConfig
    seeds: tuple[int, ...]
    per_seed: pd.DataFrame  # one row per (seed, level), every KPI
    costs: Costs

    @property
    def levels(self) -> tuple[int, ...]:
        """The levels run."""
        return tuple(sorted(self.per_seed.level.unique()))

    def summary(self) -> pd.DataFrame:
        """One row per level: the mean of every numeric KPI and `<kpi>_low`, `<kpi>_high`."""
        rows = []
        numeric = [c for c in self.per_seed.columns if c not in ("seed", "level", "name")]
        for level, group in self.per_seed.groupby("level", sort=True):
            row: dict[str, Any] = {"level": int(level), "name": LEVEL_NAMES[int(level)]}
            for column in numeric:
                mean, low, high = mean_interval(group[column])
                row[column], row[f"{column}_low"], row[f"{column}_high"] = mean, low, high
            rows.append(row)
        return pd.DataFrame(rows)

    def compare(self, a: int, b: int, kpi: str = "net_cost") -> Comparison:
        """Level a against level b on a KPI, paired by seed."""
        return compare_levels(self.per_seed, a, b, kpi)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (`simulate --seeds N --json`): KPIs with intervals, comparisons, per-seed rows."""
        summary = self.summary()
        numeric = [c for c in self.per_seed.columns if c not in ("seed", "level", "name")]
        kpis = []
        for row in summary.to_dict("records"):
            entry = {"level": row["level"], "name": row["name"]}
            entry.update({c: clean(row[c]) for c in numeric})
            entry["intervals"] = {c: [clean(row[f"{c}_low"]), clean(row[f"{c}_high"])] for c in numeric}
            kpis.append(entry)
        levels = self.levels
        comparisons = [asdict(c) | {"measurable": c.measurable} for c in
                       (self.compare(hi, lo) for lo, hi in zip(levels, levels[1:]))]
        return {
            "config": asdict(self.config),
            "seeds": list(self.seeds),
            "confidence": CONFIDENCE,
            "currency": self.costs.currency,
            "kpis": kpis,
            "comparisons": [{k: clean(v) for k, v in c.items()} for c in comparisons],
            "per_seed": [{k: clean(v) for k, v in row.items()} for row in self.per_seed[PER_SEED_COLUMNS].to_dict("records")],
        }


def compare_levels(per_seed: pd.DataFrame, a: int, b: int, kpi: str = "net_cost") -> Comparison:
    """Mean and 90% interval of the per-seed difference a - b of a KPI (paired: same stream per seed)."""
    table = per_seed.pivot(index="seed", columns="level", values=kpi)
    mean, low, high = mean_interval(table[a] - table[b])
    return Comparison(kpi, a, b, mean, low, high)


def _one_seed(config: SimulationConfig, costs: Costs) -> pd.DataFrame:
    return _seed_rows(simulate(config, costs=costs, drift=False), config.seed)


def _seed_rows(result: SimulationResult, seed: int) -> pd.DataFrame:
    kpis = result.kpis.copy()
    kpis.insert(0, "seed", seed)
    return kpis


def _worker_setup() -> None:
    """SIGINT is the caller's: a Jupyter kernel interrupted or shut down signals its whole process group,
    and each worker printed a KeyboardInterrupt traceback into the report batch's output. (BLAS threads
    need nothing here: `simulate()` runs with one.)"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_LANES: list[ProcessPoolExecutor] = []


def _lane_context() -> Any:
    """Lanes start from a forkserver: a clean process with the simulation imported, so a worker forks
    fast and inherits no pipe of its caller. A worker forked from the caller kept the caller's open
    pipes (Playwright's driver pipe while `report --pdf` printed) and the driver never saw EOF."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


@contextmanager
def _caller_script_hidden() -> Iterator[None]:
    """While a worker starts, `__main__` is an empty module, so multiprocessing does not re-run the
    caller's script in it: the workers run only this package's functions, and a script without an
    `if __name__ == "__main__":` guard would run again there, start workers of its own and fail."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _lanes(count: int) -> list[ProcessPoolExecutor]:
    """Worker processes kept for the life of this one, one executor each, so the same seed always goes
    to the same process and finds its stream and models in that process's cache (the lab's next
    threshold or cost re-runs only the policies)."""
    context = _lane_context()
    for lane in [lane for lane in _LANES if getattr(lane, "_broken", False)]:  # a worker died: start another
        _LANES.remove(lane)
        lane.shutdown(wait=False, cancel_futures=True)
    while len(_LANES) < count:
        lane = ProcessPoolExecutor(1, mp_context=context, initializer=_worker_setup)
        atexit.register(lane.shutdown, cancel_futures=True)
        with _caller_script_hidden():
            started = lane.submit(os.getpid)  # the executor starts its one worker on the first call
        started.result()
        _LANES.append(lane)
    return _LANES[:count]


def _submit(todo: list[SimulationConfig], costs: Costs, workers: int, lanes: range | None = None) -> list[Future | None]:
    """Seed i to lane i % workers, one future per seed (a seed not yet started can be cancelled); only
    the seeds of `lanes` (default: all), None in place of the others."""
    wanted = range(workers) if lanes is None else lanes

    def send() -> list[Future | None]:
        kept = _lanes(workers)
        return [kept[i % workers].submit(_one_seed, c, costs) if i % workers in wanted else None
                for i, c in enumerate(todo)]

    try:
        return send()
    except BrokenProcessPool:  # a lane found broken only as it was sent to: `_lanes` replaces it
        return send()


def _done(value: pd.DataFrame) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


class SeedsInFlight:
    """Seeds sent to the kept worker processes, gathered later: the caller does its own work meanwhile
    (the lab draws its own stream's charts before the other seeds are back). The seeds of `held`
    lanes wait for `release()` (or `gather`): the caller keeps that core for its own work first."""

    def __init__(self, config: SimulationConfig, configs: tuple[SimulationConfig, ...], costs: Costs,
                 todo: list[SimulationConfig], workers: int, *, held: int = 0):
        self.config, self.configs, self.costs, self.workers = config, configs, costs, workers
        self._todo = todo
        self._lock = threading.Lock()
        self._cancelled = False
        if workers <= 1 or len(todo) <= 1:
            self._futures: list[Future | None] = [_done(_one_seed(c, costs)) for c in todo]
            self._held = range(0)
        else:
            self._held = range(workers - min(held, workers - 1), workers)  # never every lane
            self._futures = _submit(todo, costs, workers, range(self._held.start))

    @property
    def caller_runs_first(self) -> bool:
        """True when the first seed is the caller's to run (and to pass to `gather`)."""
        return len(self._todo) < len(self.configs)

    def release(self) -> None:
        """Send the held lanes' seeds (once; nothing after `cancel`)."""
        with self._lock:
            if not self._held or self._cancelled:
                return
            for i, future in enumerate(_submit(self._todo, self.costs, self.workers, self._held)):
                if future is not None:
                    self._futures[i] = future
            self._held = range(0)

    def done(self) -> bool:
        """True once every seed has been sent and has finished (or was cancelled)."""
        return all(f is not None and f.done() for f in self._futures)

    def cancel(self) -> None:
        """Drop the seeds no worker has started (the caller moved on); the running ones finish."""
        with self._lock:
            self._cancelled = True
            for future in self._futures:
                if future is not None:
                    future.cancel()

    def gather(self, first: SimulationResult | None = None) -> MultiSeedResult:
        """Wait for every seed and combine them, `first` (the caller's own run of config.seed) in front.
        Raises `concurrent.futures.CancelledError` after `cancel`."""
        if self.caller_runs_first and first is None:
            raise ValueError("the caller's own run of the first seed is missing")
        self.release()
        if self._cancelled:
            raise CancelledError()
        try:
            frames = [future.result() for future in self._futures if future is not None]
        except BrokenProcessPool:  # a worker died (killed, out of memory): once more on fresh ones
            frames = [future.result() for future in _submit(self._todo, self.costs, self.workers) if future is not None]
        if first is not None:
            frames.insert(0, _seed_rows(first, self.config.seed))
        per_seed = pd.concat(frames, ignore_index=True)
        return MultiSeedResult(self.config, tuple(c.seed for c in self.configs), per_seed, self.costs)


def send_seeds(config: SimulationConfig, *, seeds: int, costs: Costs, jobs: int | None = None,
               caller_runs_first: bool = False, held: int = 0) -> SeedsInFlight:
    """Send seeds config.seed .. config.seed + seeds - 1 to `jobs` kept worker processes (default: every
    core) and return at once; with `caller_runs_first` the first seed is left to the caller. `held`
    lanes (at most all but one) start only on `release()`, leaving their cores to the caller's own
    work first. With one worker (or one seed to send) the seeds run here, before this returns."""
    config.validate()
    if seeds < 1:
        from ..errors import DataError

        raise DataError("seeds must be at least 1", field="seeds")
    configs = tuple(replace(config, seed=config.seed + i) for i in range(seeds))
    todo = list(configs[1:] if caller_runs_first else configs)
    workers = min(jobs or os.cpu_count() or 1, max(len(todo), 1))
    return SeedsInFlight(config, configs, costs, todo, workers, held=held)


def simulate_seeds(config: SimulationConfig | None = None, *, seeds: int = 20, costs: Costs | None = None,
                   jobs: int | None = None, alongside: Callable[[], SimulationResult] | None = None,
                   **overrides: Any) -> MultiSeedResult:
    """Seeds config.seed .. config.seed + seeds - 1, in `jobs` processes (default: every core).
    `alongside`: the caller's own full run of config.seed (same config and costs; the lab's timeline
    and heatmap need one), run in this process while the pool runs the other seeds, and reused."""
    config = replace(config or SimulationConfig(), **overrides)
    costs = costs or load_costs()
    flight = send_seeds(config, seeds=seeds, costs=costs, jobs=jobs, caller_runs_first=alongside is not None)
    first = alongside() if alongside is not None else None  # every lane's share is sent before it runs
    return flight.gather(first)


@lru_cache(maxsize=32)
def cached_seeds(config: SimulationConfig, seeds: int, costs: Costs) -> MultiSeedResult:
    """The report asks for the same (config, seeds, costs) again and again."""
    return simulate_seeds(config, seeds=seeds, costs=costs)
