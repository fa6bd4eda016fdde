"""What the lab asks for again and again: one setting's seed-0 run and its seeds' KPIs, kept for reuse.

A slider moved back answers from here at once; a day-rate change decides nothing differently, so it is
repriced from the kept KPIs instead of simulated. No widgets: the lab's view lives in `ui/lab.py`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, replace

from .config import SimulationConfig
from .costs import Costs
from .run import SimulationResult, simulate
from .uncertainty import MultiSeedResult, repriced, simulate_seeds


@dataclass(frozen=True)
class Explored:
    """One answer of the lab: a setting's own run, its seeds' KPIs, and what the answer cost."""
    result: SimulationResult  # the setting's own stream (seed `config.seed`), week by week
    multi: MultiSeedResult  # every seed's KPIs, for means, intervals and paired comparisons
    seconds: float  # what this answer took
    simulated: bool  # False: kept from an earlier run of the same setting
    repriced: bool  # kept, and the day rate differs from the kept run's: its money recomputed


class Explorer:
    """The `keep` settings used last, each with its runs; the one unused the longest is dropped first."""

    def __init__(self, seeds: int, keep: int = 16):
        self.seeds, self.keep = seeds, keep
        self._runs: OrderedDict[tuple[SimulationConfig, Costs], tuple[SimulationResult, MultiSeedResult]] = OrderedDict()

    def run(self, config: SimulationConfig, costs: Costs) -> Explored:
        """Answer a setting, from kept runs when only the day rate changed (it changes no decision, only the price)."""
        start = time.perf_counter()
        key = (config, replace(costs, day_rate=0.0))  # the day rate changes no decision: it is repriced
        simulated = key not in self._runs
        if simulated:
            first: list[SimulationResult] = []

            def own_stream() -> SimulationResult:  # run here while the worker processes run the other seeds
                first.append(simulate(config, costs=costs))
                return first[0]

            multi = simulate_seeds(config, seeds=self.seeds, costs=costs, alongside=own_stream)
            self._runs[key] = (first[0], multi)
            while len(self._runs) > self.keep:
                self._runs.popitem(last=False)
        self._runs.move_to_end(key)
        result, multi = self._runs[key]
        moved = multi.costs != costs
        if moved:
            result = replace(result, kpis=repriced(result.kpis, costs, config.weeks), costs=costs)
            multi = replace(multi, per_seed=repriced(multi.per_seed, costs, config.weeks), costs=costs)
        return Explored(result, multi, time.perf_counter() - start, simulated, moved)
