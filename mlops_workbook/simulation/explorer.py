"""What the lab asks for again and again: one setting's seed-0 run and its seeds' KPIs, kept for reuse.

A slider moved back answers from here at once; a day-rate change decides nothing differently, so it is
repriced from the kept KPIs instead of simulated. A setting never seen is answered in two steps
(`Explorer.begin`): the other seeds are sent to the kept worker processes first, the setting's own
stream runs here meanwhile and is there at once (the lab draws its one-stream charts from it), and
`Exploration.wait` gathers the seeds for the money chart. A new setting asked for before the last
one's seeds are back cancels the seeds no worker has started. No widgets: the lab's view lives in
`ui/lab.py`.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace

from .config import SimulationConfig
from .costs import Costs
from .run import SimulationResult, simulate
from .uncertainty import MultiSeedResult, SeedsInFlight, repriced, send_seeds


@dataclass(frozen=True)
class Explored:
    """One answer of the lab: a setting's own run, its seeds' KPIs, and what the answer cost."""
    result: SimulationResult  # the setting's own stream (seed `config.seed`), week by week
    multi: MultiSeedResult  # every seed's KPIs, for means, intervals and paired comparisons
    seconds: float  # what this answer took, the seeds included
    simulated: bool  # False: kept from an earlier run of the same setting
    repriced: bool  # kept, and the day rate differs from the kept run's: its money recomputed
    own_seconds: float = 0.0  # until the setting's own stream was there (what the one-stream charts waited for)


Key = tuple[SimulationConfig, Costs]


@dataclass(frozen=True)
class _Flight:
    key: Key
    result: SimulationResult
    seeds: SeedsInFlight


class Exploration:
    """A setting being answered: `result` (its own stream) at once, every seed's KPIs from `wait()`."""

    def __init__(self, explorer: Explorer, config: SimulationConfig, costs: Costs, started: float, *,
                 result: SimulationResult, flight: _Flight | None, kept: MultiSeedResult | None = None):
        self._explorer, self.config, self.costs, self._started, self._flight = explorer, config, costs, started, flight
        self._kept_multi = kept
        self._kept_result = result
        self.result = _priced_result(result, costs, config.weeks)
        self.own_seconds = time.perf_counter() - started
        self.simulated = flight is not None
        self._explored: Explored | None = None

    def ready(self) -> bool:
        """True when `wait()` returns at once (kept runs, or every seed back)."""
        return self._flight is None or self._flight.seeds.done()

    def release(self) -> None:
        """The caller's own work is done: send the seeds held back for its core."""
        if self._flight is not None:
            self._flight.seeds.release()

    def cancel(self) -> None:
        """Drop this setting's seeds that no worker has started (nothing is kept for it)."""
        if self._flight is not None:
            self._explorer._drop(self._flight)

    def wait(self) -> Explored:
        """Every seed's KPIs, with the setting's own run: blocks until the worker processes are done.
        Raises `concurrent.futures.CancelledError` when the seeds were cancelled."""
        if self._explored is None:
            if self._flight is None:
                assert self._kept_multi is not None
                result, multi = self._kept_result, self._kept_multi
            else:
                result, multi = self._explorer._land(self._flight)
            moved = multi.costs != self.costs
            multi = _priced_multi(multi, self.costs, self.config.weeks)
            self._explored = Explored(_priced_result(result, self.costs, self.config.weeks), multi,
                                      time.perf_counter() - self._started, self.simulated, moved,
                                      self.own_seconds)
        return self._explored


class Explorer:
    """The `keep` settings used last, each with its runs; the one unused the longest is dropped first.
    A new setting's seeds go to all worker processes but one at once, to the last one on `release()`
    (or `wait()`): until then its core is the caller's own stream's and charts' (on two cores the
    page's first answer then waits for no worker)."""

    def __init__(self, seeds: int, keep: int = 16):
        self.seeds, self.keep = seeds, keep
        self._runs: OrderedDict[Key, tuple[SimulationResult, MultiSeedResult]] = OrderedDict()
        self._flight: _Flight | None = None  # the one setting whose seeds are still out
        self._lock = threading.Lock()  # `wait` may run on another thread than `begin`

    def begin(self, config: SimulationConfig, costs: Costs) -> Exploration:
        """Start answering a setting: from kept runs when only the day rate changed (it changes no
        decision, only the price); else the seeds go to the workers and the own stream runs here."""
        start = time.perf_counter()
        key = _key(config, costs)
        with self._lock:
            if key in self._runs:
                self._runs.move_to_end(key)
                result, multi = self._runs[key]
                return Exploration(self, config, costs, start, result=result, flight=None, kept=multi)
            flight = self._flight if self._flight is not None and self._flight.key == key else None
            if flight is None and self._flight is not None:
                self._flight.seeds.cancel()  # the lab moved on: free the workers for this setting
                self._flight = None
        if flight is None:
            seeds = send_seeds(config, seeds=self.seeds, costs=costs, caller_runs_first=True, held=1)
            flight = _Flight(key, simulate(config, costs=costs), seeds)  # here, while the workers run the others
            with self._lock:
                self._flight = flight
        return Exploration(self, config, costs, start, result=flight.result, flight=flight)

    def run(self, config: SimulationConfig, costs: Costs) -> Explored:
        """Answer a setting in one call: `begin(...).wait()`."""
        return self.begin(config, costs).wait()

    def _land(self, flight: _Flight) -> tuple[SimulationResult, MultiSeedResult]:
        multi = flight.seeds.gather(flight.result)
        with self._lock:
            self._runs[flight.key] = (flight.result, multi)
            self._runs.move_to_end(flight.key)
            while len(self._runs) > self.keep:
                self._runs.popitem(last=False)
            if self._flight is flight:
                self._flight = None
        return flight.result, multi

    def _drop(self, flight: _Flight) -> None:
        with self._lock:
            flight.seeds.cancel()
            if self._flight is flight:
                self._flight = None


def _key(config: SimulationConfig, costs: Costs) -> Key:
    return config, replace(costs, day_rate=0.0)  # the day rate changes no decision: it is repriced


def _priced_result(result: SimulationResult, costs: Costs, weeks: int) -> SimulationResult:
    if result.costs == costs:
        return result
    return replace(result, kpis=repriced(result.kpis, costs, weeks), costs=costs)


def _priced_multi(multi: MultiSeedResult, costs: Costs, weeks: int) -> MultiSeedResult:
    if multi.costs == costs:
        return multi
    return replace(multi, per_seed=repriced(multi.per_seed, costs, weeks), costs=costs)
