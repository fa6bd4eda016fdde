"""One seed: every requested level over the same stream, then KPIs from the ledger."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..gating import ModelRegistry
from ..metrics import accuracy, roc_auc
from .scenarios import CATEGORICAL_FEATURES, FEATURES, NUMERIC_FEATURES, Scenario
from .config import LEVEL_NAMES, SimulationConfig
from .costs import Costs, load_costs
from .ledger import Ledger, level_kpis
from .policies import CAPABILITIES, LevelRun
from .stream import CATEGORICAL_TEST, NUMERIC_TEST, drift_verdicts
from .world import Truth, World, drift_statistics


@dataclass
class SimulationResult:
    """One run of every level on one stream: timeline, KPIs, events, decisions and the drift heatmap."""
    config: SimulationConfig
    timeline: pd.DataFrame
    kpis: pd.DataFrame
    events: pd.DataFrame
    decisions: dict[int, ModelRegistry]
    drift: pd.DataFrame
    scenario: Scenario
    costs: Costs | None = None
    seeds: Any = None  # a MultiSeedResult over more seeds of the same config, when the caller asked for one

    def kpi(self, level: int, name: str) -> Any:
        """One KPI of one level."""
        return self.kpis.set_index("level").loc[level, name]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (`simulate --json`)."""
        return {
            "config": asdict(self.config),
            "scenario": asdict(self.scenario),
            "costs": asdict(self.costs) if self.costs else None,
            "kpis": [{k: clean(v) for k, v in row.items()} for row in self.kpis.to_dict("records")],
            "events": [{k: clean(v) for k, v in row.items()} for row in self.events.to_dict("records")],
        }


def clean(value: Any) -> Any:
    """A value made JSON-safe: NaN to None, NumPy numbers to Python ones, floats rounded to 4 places."""
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else round(float(value), 4)
    if isinstance(value, np.integer):
        return int(value)
    return value


def simulate(config: SimulationConfig | None = None, *, costs: Costs | None = None, drift: bool = True,
             **overrides: Any) -> SimulationResult:
    """Run every requested level over one stream; same config, same numbers. `drift=False` skips
    the feature x week heatmap (the multi-seed runner does not need it)."""
    config = replace(config or SimulationConfig(), **overrides)
    config.validate()
    with one_blas_thread():
        return _simulate(config, costs or load_costs(), drift)


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Small matrices, many of them: a multi-threaded BLAS spends more time waking its threads than
    multiplying (a 500-row run took 14 s instead of 1.5 s on two cores). Parallelism is per seed."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


def _simulate(config: SimulationConfig, costs: Costs, drift: bool) -> SimulationResult:
    world = World(config, costs)
    truth = Truth(world)
    ledger = Ledger()
    # the launch model: the first train_weeks of history, judged on the next week; all labelled by week 0
    initial = world.train(range(world.first_week, world.first_week + config.train_weeks))
    runs = {level: LevelRun(level, world, initial, ledger) for level in config.levels}
    rows = []
    for week in range(config.weeks):
        y, p = world.weeks[week].y, world.weeks[week].p
        oracle = {"oracle_accuracy": accuracy(y, p), "oracle_auc": roc_auc(y, p), "oracle_profit": truth.oracle_profit(week)}
        served: dict[tuple, dict[str, float]] = {}  # levels serving the same model see the same numbers
        for level, run in runs.items():
            before = len(ledger.events)
            champion = run.deployer.champion
            version, key = run.deployer.serving, (champion.key, run.cap.monitoring)
            scores = run.week(week)
            if key not in served:
                metrics = world.stream.metrics(champion, week, guarded=key[1])
                served[key] = {"accuracy": metrics["accuracy"], "auc": metrics["auc"],
                               "profit": truth.expected_profit(scores, week)}
            rows.append({
                "week": week, "level": level, "level_name": LEVEL_NAMES[level], **served[key], **oracle,
                "model": version, "drift_onset": truth.active(week),
                "events": "; ".join(f"{e.kind}: {e.detail}" for e in ledger.events[before:]),
            })
    timeline = pd.DataFrame(rows)
    scale = costs.book_scale(config.rows_per_week)
    timeline["business_loss"] = (timeline.oracle_profit - timeline.profit) * scale
    timeline["cumulative_loss"] = timeline.groupby("level").business_loss.cumsum() / 1000  # thousands
    kpis = pd.DataFrame([
        level_kpis(level, ledger, timeline, truth, costs, run.deployer.versions, CAPABILITIES[level].monitoring,
                   world.scores, config.weeks, CAPABILITIES[level].monitoring, scale)
        for level, run in runs.items()])
    events = ledger.frame()[["level", "week", "event", "detail"]]
    heat = drift_by_week(world) if drift else pd.DataFrame(columns=["week", "feature", "test", "statistic", "drifted"])
    return SimulationResult(config, timeline, kpis, events, {lv: r.deployer.registry for lv, r in runs.items()},
                            heat, world.scenario, costs)


def drift_by_week(world: World) -> pd.DataFrame:
    """Feature x week drift statistic against the first model's training data (for the heatmap)."""
    reference = world.reference
    limit = world.config.drift_threshold
    rows = []
    tests = [NUMERIC_TEST.name] * len(NUMERIC_FEATURES) + [CATEGORICAL_TEST.name] * len(CATEGORICAL_FEATURES)
    for week in range(world.config.weeks):
        stats = drift_statistics(reference, world.profiles[week])
        for feature, test, value, drifted in zip(FEATURES, tests, stats, drift_verdicts(stats, limit)):
            rows.append({"week": week, "feature": feature, "test": test, "statistic": float(value),
                         "drifted": bool(drifted)})
    return pd.DataFrame(rows)
