"""The event ledger every level writes, and the KPIs computed from it after the run.

Policies only append what they did and what they saw (an alert on data week 21, a retrain, a gate
decision, a promotion, the people days and compute it cost). Whatever needs the ground truth (was
the scenario active when an alert fired, how many weeks after the onset a level reacted, whether a
shipped model was worse than the one it replaced) is worked out here, after the run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .config import LEVEL_NAMES

if TYPE_CHECKING:
    from .costs import Costs
    from .stream import Trained
    from .world import Truth

DETECTION_EVENTS = ("alert", "complaint")


@dataclass(frozen=True)
class Event:
    """One thing a level did or noticed in a week, with the people time and compute it cost."""
    week: int
    level: int
    kind: str  # alert, complaint, retrain, blocked, promoted, rolled back
    detail: str
    data_week: int | None = None  # the week of data the signal is about (alerts, complaints)
    people_days: float = 0.0
    compute: float = 0.0
    version: str = ""
    replaced: str = ""


@dataclass
class Ledger:
    """Every level's events in order: the KPIs that need the truth are computed from it after the run."""
    events: list[Event] = field(default_factory=list)

    def add(self, event: Event) -> None:
        """Record one event."""
        self.events.append(event)

    def frame(self) -> pd.DataFrame:
        """The events as a DataFrame (the lab's and the report's event table)."""
        return pd.DataFrame(
            [{"level": e.level, "week": e.week, "event": e.kind, "detail": e.detail, "data_week": e.data_week,
              "people_days": e.people_days, "compute": e.compute} for e in self.events],
            columns=["level", "week", "event", "detail", "data_week", "people_days", "compute"])


def level_kpis(level: int, ledger: Ledger, timeline: pd.DataFrame, truth: Truth, costs: Costs,
               models: dict[str, Trained], guarded: bool, scores_of, weeks: int, monitoring: bool,
               scale: float) -> dict[str, float | int | str]:
    """One level's KPIs from its ledger and timeline, with the truth the policy never saw."""
    events = [e for e in ledger.events if e.level == level]
    t = timeline[timeline.level == level]
    scenario = truth.scenario
    detections = [e for e in events if e.kind in DETECTION_EVENTS and e.data_week is not None
                  and e.data_week >= scenario.onset and truth.active(e.data_week)]  # 'none' is never active
    weeks_to_detect = float(min(e.week for e in detections) - scenario.onset) if detections else math.nan
    alerts = [e for e in events if e.kind == "alert"]
    false_alerts = sum(1 for e in alerts if e.data_week is None or not truth.active(e.data_week))
    loss_per_model = float((t.oracle_profit - t.profit).sum()) * scale / costs.models
    compute = sum(e.compute for e in events) + (costs.monitoring_week * weeks if monitoring else 0.0)
    people_days = sum(e.people_days for e in events)
    deployments = sum(1 for e in events if e.kind == "promoted")
    price = costs.price(level, weeks, loss_per_model=loss_per_model, people_days=people_days, compute=compute,
                        releases=deployments)
    return {
        "level": level,
        "name": LEVEL_NAMES[level],
        "business_loss": price.business_loss,
        "run_cost": price.run_cost,
        "net_cost": price.net_cost,
        "compute_cost": price.compute,
        "people_cost": price.people,
        "build_cost": price.build,
        "loss_per_model": loss_per_model,
        "model_compute": compute,
        "mean_auc": float(t.auc.mean()),
        "mean_accuracy": float(t.accuracy.mean()),
        "accuracy_weeks_lost": float((t.oracle_accuracy - t.accuracy).sum()),
        "weeks_to_detect": weeks_to_detect,
        "alerts": len(alerts),
        "false_alerts": int(false_alerts),
        "retrains": sum(1 for e in events if e.kind == "retrain"),
        "deployments": deployments,
        "blocked": sum(1 for e in events if e.kind == "blocked"),
        "rolled_back": sum(1 for e in events if e.kind == "rolled back"),
        "bad_models_shipped": _bad_models(events, t, truth, models, guarded, scores_of),
        "manual_interventions": sum(1 for e in events if e.people_days > 0),
        "people_days": people_days,
    }


def _bad_models(events: list[Event], t: pd.DataFrame, truth: Truth, models: dict[str, Trained], guarded: bool,
                scores_of) -> int:
    """A shipped model is bad when, over the weeks it served, it earned less than the model it replaced
    would have by more than 2% of what the oracle earned in those weeks."""
    served = {version: (group.week.to_numpy(), float(group.profit.sum()), float(group.oracle_profit.sum()))
              for version, group in t.groupby("model", sort=False)}
    bad = 0
    for e in events:
        if e.kind != "promoted" or not e.replaced or e.version not in models or e.replaced not in models \
                or e.version not in served:
            continue
        weeks, new, oracle = served[e.version]
        old = sum(truth.expected_profit(scores_of(models[e.replaced], int(w), guarded=guarded), int(w)) for w in weeks)
        bad += int(new < old - 0.02 * abs(oracle))
    return bad


def interval(values: np.ndarray, confidence: float = 0.9) -> tuple[float, float]:
    """Student-t interval of the mean of `values` (NaNs dropped; NaN, NaN when nothing is left)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return (math.nan, math.nan)
    alpha = (1 - confidence) / 2
    return float(np.quantile(values, alpha)), float(np.quantile(values, 1 - alpha))
