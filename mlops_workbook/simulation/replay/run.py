"""The five levels' policies on a team's own history: KPIs with block-bootstrap intervals, paired
comparisons and every level's events.

Every level starts from the same launch model (the first `train_periods` periods), serves the periods
after it one by one and runs the simulation's own `LevelRun` (monitor, pipeline, gates, deployer) with
thresholds calibrated on the launch periods. A history is one stream, not many seeds, so the
intervals come from the periods: a moving-block bootstrap (`block_bootstrap`) over the served
periods, 90%, paired between levels period by period. "No measurable difference" means the paired
interval includes 0 (the wording is `uncertainty.Comparison`'s, the same as `simulate --seeds`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..block_bootstrap import LEVEL, RESAMPLES, block_bootstrap_interval, default_block, paired_block_bootstrap
from ..config import LEVEL_NAMES
from ..costs import Costs, load_costs
from ..history_data import History, load_history
from ..ledger import Ledger
from ..policies import LevelRun
from ..run import clean, one_blas_thread
from ..uncertainty import Comparison
from .value import OutcomeValue, load_value
from .world import HistoryWorld, model_factory

TOTALS = ("value", "errors")  # summed over the periods: intervals of the total
MEANS = ("accuracy", "auc", "log_loss")  # per-period means
COUNTED = {"retrains": "retrain", "deployments": "promoted", "blocked": "blocked", "alerts": "alert",
           "rolled_back": "rolled back", "complaints": "complaint"}


@dataclass(frozen=True)
class ReplayResult:
    """Every level over one history: per-period outcomes, KPIs with intervals, comparisons, events."""

    source: str
    history: dict[str, Any]
    model: str
    value: OutcomeValue
    calibration: dict[str, Any]
    per_period: pd.DataFrame  # period, start, level, value, errors, accuracy, auc, log_loss, model
    kpis: pd.DataFrame  # one row per level, `<kpi>_low` / `<kpi>_high` beside each interval
    comparisons: tuple[Comparison, ...]
    events: pd.DataFrame
    block: int
    currency: str

    @property
    def levels(self) -> tuple[int, ...]:
        """The levels replayed."""
        return tuple(int(lv) for lv in self.kpis.level)

    @property
    def interval_note(self) -> str:
        """How the intervals were made, said wherever they are shown."""
        periods = int(self.per_period.period.nunique())
        return (f"{LEVEL:.0%} intervals: moving-block bootstrap over the {periods} replayed periods "
                f"(blocks of {self.block}, {RESAMPLES} resamples)")

    def comparison(self, a: int, b: int, kpi: str | None = None) -> Comparison:
        """Level a against level b (a - b), paired period by period."""
        kpi = kpi or self.headline
        return next(c for c in self.comparisons if (c.a, c.b, c.kpi) == (a, b, kpi))

    @property
    def headline(self) -> str:
        """The KPI comparisons lead with: the value when priced, else the errors."""
        return "errors" if self.value.counts_errors else "value"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (`replay --json`), shaped like `simulate --seeds --json`."""
        kpi_names = [c for c in self.kpis.columns if c not in ("level", "name") and not c.endswith(("_low", "_high"))]
        kpis = []
        for row in self.kpis.to_dict("records"):
            entry = {"level": int(row["level"]), "name": row["name"], **{c: clean(row[c]) for c in kpi_names}}
            entry["intervals"] = {c: [clean(row[f"{c}_low"]), clean(row[f"{c}_high"])] for c in kpi_names
                                  if f"{c}_low" in row}
            kpis.append(entry)
        return {
            "source": self.source, "history": self.history, "model": self.model, "value": self.value.to_dict(),
            "calibration": self.calibration, "confidence": LEVEL, "intervals": self.interval_note, "block": self.block,
            "currency": self.currency,
            "kpis": kpis,
            "comparisons": [{"kpi": c.kpi, "a": c.a, "b": c.b, "mean": clean(c.mean), "low": clean(c.low),
                             "high": clean(c.high), "measurable": c.measurable,
                             "wording": c.wording(self.unit(c.kpi))} for c in self.comparisons],
            "events": [{k: clean(v) for k, v in row.items()} for row in self.events.to_dict("records")],
            "per_period": [{k: clean(v) for k, v in row.items()} for row in self.per_period.to_dict("records")],
        }

    def unit(self, kpi: str) -> str:
        """The prefix a comparison's amounts carry ('EUR ' for money, none for counts)."""
        return f"{self.value.unit} " if kpi == "value" and not self.value.counts_errors else ""


def replay_file(path: str | Path, *, time: str | None, label: str, positive: str | None = None,
                period: str = "week", label_delay: int = 0, categorical: tuple[str, ...] = (),
                model: str | None = None, value: str | Path | None = None, costs: str | Path | None = None,
                levels: tuple[int, ...] = (0, 1, 2, 3, 4), train_periods: int = 13) -> ReplayResult:
    """Read a history (`load_history`), its outcome values and model, and replay the levels on it."""
    history = load_history(path, time=time, label=label, positive=positive, period=period, label_delay=label_delay,
                           categorical=categorical)
    make_model, model_name = model_factory(model)
    worth = load_value(value, columns=history.features.columns)
    return replay(history, value=worth, costs=load_costs(costs), make_model=make_model, model_name=model_name,
                  levels=levels, train_periods=train_periods)


def replay(history: History, *, value: OutcomeValue | None = None, costs: Costs | None = None, make_model: Any = None,
           model_name: str | None = None, levels: tuple[int, ...] = (0, 1, 2, 3, 4), train_periods: int = 13,
           seed: int = 0) -> ReplayResult:
    """Run every requested level over the history's periods after the launch window."""
    value = value or OutcomeValue()
    costs = costs or load_costs()
    if make_model is None:
        make_model, model_name = model_factory(None)
    with one_blas_thread():
        world = HistoryWorld(history, value=value, costs=costs, train_periods=train_periods, make_model=make_model,
                             levels=levels)
        ledger = Ledger()
        initial = world.train(range(world.first_week, world.first_week + train_periods))
        runs = {level: LevelRun(level, world, initial, ledger) for level in levels}
        rows = []
        for week in range(world.served):
            p = world.period(week)
            for level, run in runs.items():
                champion, version = run.deployer.champion, run.deployer.serving
                run.week(week)
                m = world.measured(champion, week, guarded=run.cap.monitoring)
                rows.append({"period": p, "start": _start(history, p), "level": level, "model": version,
                             **{k: m[k] for k in ("value", "errors", "accuracy", "auc", "log_loss", "rows")}})
    per_period = pd.DataFrame(rows)
    block = default_block(world.served)
    kpis = pd.DataFrame([_level_kpis(level, per_period, ledger, costs, block, seed) for level in levels])
    comparisons = _comparisons(per_period, levels, value, block, seed)
    events = pd.DataFrame([{"level": e.level, "period": world.period(e.week), "start": _start(history, world.period(e.week)),
                            "event": e.kind, "detail": e.detail} for e in ledger.events],
                          columns=["level", "period", "start", "event", "detail"])
    summary = {"rows": history.n_rows, "periods": history.n_periods, "period": history.period,
               "label_delay": world.config.label_delay, "train_periods": train_periods,
               "replayed_periods": world.served, "first_replayed_period": world.first_period,
               "first_replayed_start": _start(history, world.first_period), "features": dict(history.kinds),
               "trainings": world.trainings}
    return ReplayResult(history.source, summary, model_name or "", value, world.calibration.to_dict(), per_period,
                        kpis, comparisons, events, block, costs.currency)


def _start(history: History, p: int) -> Any:
    start = history.starts[p]
    return str(start.date()) if hasattr(start, "date") else start


def _level_kpis(level: int, per_period: pd.DataFrame, ledger: Ledger, costs: Costs, block: int,
                seed: int) -> dict[str, Any]:
    t = per_period[per_period.level == level]
    row: dict[str, Any] = {"level": level, "name": LEVEL_NAMES[level]}
    for kpi in (*TOTALS, *MEANS):
        series = t[kpi].to_numpy(dtype=float)
        finite = series[np.isfinite(series)]  # a period with one label value has no AUC
        if finite.size < 2:
            row[kpi] = row[f"{kpi}_low"] = row[f"{kpi}_high"] = float("nan")
            continue
        interval = block_bootstrap_interval(finite, block=min(block, finite.size), seed=seed, name=kpi)
        scale = float(finite.size) if kpi in TOTALS else 1.0
        row[kpi], row[f"{kpi}_low"], row[f"{kpi}_high"] = (interval.mean * scale, interval.low * scale,
                                                           interval.high * scale)
    events = [e for e in ledger.events if e.level == level]
    row.update({name: sum(1 for e in events if e.kind == kind) for name, kind in COUNTED.items()})
    row["people_days"] = sum(e.people_days for e in events)
    row["compute_cost"] = sum(e.compute for e in events)
    row["run_cost"] = costs.people_cost(row["people_days"]) + row["compute_cost"]
    return row


def _comparisons(per_period: pd.DataFrame, levels: tuple[int, ...], value: OutcomeValue, block: int,
                 seed: int) -> tuple[Comparison, ...]:
    """Each level against the one below it and against the lowest, on the errors (and the value when priced)."""
    pairs = list(zip(levels[1:], levels)) + [(hi, levels[0]) for hi in levels[2:]]
    kpis = ("errors",) if value.counts_errors else ("value", "errors")
    table = {kpi: per_period.pivot(index="period", columns="level", values=kpi) for kpi in kpis}
    out = []
    for kpi in kpis:
        for a, b in pairs:
            paired = paired_block_bootstrap(table[kpi][a].to_numpy(), table[kpi][b].to_numpy(), statistic="total",
                                            block=block, seed=seed)
            out.append(Comparison(kpi, a, b, paired.difference, paired.low, paired.high))
    return tuple(out)


__all__ = ["ReplayResult", "replay", "replay_file"]
