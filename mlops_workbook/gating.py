"""Quality gates before a model is promoted, gate modes, and the decision records they leave.

Threshold kinds follow MLflow's model validation (`MetricThreshold`): an absolute bound, a minimum
absolute change and a minimum relative change against the baseline, with greater-is-better per
metric. Gate modes follow well-kept MLOps templates: `disabled` (not run), `dry_run` (run and
logged, never blocking), `enabled` (a failure blocks the promotion).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .metrics import weighted_roc_auc

if TYPE_CHECKING:  # drift imports SciPy's statistics; the simulation's gates need none of it
    from .drift.profiles import ColumnProfile
    from .drift.table import ReferenceProfile


class GateMode(str, Enum):
    """How a gate acts: not run, run and reported only (dry run), or blocking on failure."""

    DISABLED = "disabled"
    DRY_RUN = "dry_run"
    ENABLED = "enabled"


@dataclass(frozen=True)
class GateResult:
    """One gate's verdict on one candidate, with its reason in words and the numbers behind it."""

    gate: str
    passed: bool
    reason: str
    mode: GateMode = GateMode.ENABLED
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        """True when this failure stops the promotion (an enabled gate that failed)."""
        return not self.passed and self.mode is GateMode.ENABLED

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the mode as its string)."""
        data = asdict(self)
        data["mode"] = self.mode.value
        return data


# --------------------------------------------------------------------------- threshold gate


@dataclass(frozen=True)
class MetricThreshold:
    """As MLflow's: all given conditions must hold."""

    threshold: float | None = None
    min_absolute_change: float | None = None
    min_relative_change: float | None = None
    greater_is_better: bool = True

    def check(self, name: str, value: float, baseline: float | None = None) -> tuple[bool, str]:
        """Whether `value` (against `baseline`, when given) meets every condition, and why in words."""
        sign = 1 if self.greater_is_better else -1
        word = ">=" if self.greater_is_better else "<="
        if math.isnan(value):
            return False, f"{name} could not be computed"
        if self.threshold is not None and sign * (value - self.threshold) < 0:
            return False, f"{name} {value:.3f} fails the bound {word} {self.threshold:.3f}"
        if baseline is not None and not math.isnan(baseline):
            change = sign * (value - baseline)
            if self.min_absolute_change is not None and change < self.min_absolute_change:
                return False, f"{name} {value:.3f} improves on the baseline {baseline:.3f} by {change:+.3f}, " \
                              f"less than {self.min_absolute_change:+.3f}"
            if self.min_relative_change is not None and baseline != 0 and change / abs(baseline) < self.min_relative_change:
                return False, f"{name} relative change {change / abs(baseline):+.1%} is below " \
                              f"{self.min_relative_change:+.1%}"
        return True, f"{name} {value:.3f} passes"


def threshold_gate(metrics: dict[str, float], thresholds: dict[str, MetricThreshold],
                   baseline: dict[str, float] | None = None, *, mode: GateMode = GateMode.ENABLED) -> GateResult:
    """Every metric against its `MetricThreshold` (MLflow's validation): fails when any one fails."""
    reasons, passed = [], True
    for name, rule in thresholds.items():
        ok, why = rule.check(name, metrics.get(name, float("nan")), (baseline or {}).get(name))
        passed &= ok
        reasons.append(why)
    return GateResult("threshold", passed, "; ".join(reasons), mode, {"metrics": dict(metrics)})


# --------------------------------------------------------------------------- champion / challenger


@dataclass(frozen=True)
class BootstrapInterval:
    """A paired bootstrap interval of an AUC difference (challenger - champion)."""

    difference: float
    low: float
    high: float
    confidence: float
    n_boot: int


def paired_bootstrap_auc(y: np.ndarray, champion: np.ndarray, challenger: np.ndarray, *, n_boot: int = 300,
                         confidence: float = 0.9, seed: int = 0) -> BootstrapInterval:
    """Interval for AUC(challenger) - AUC(champion), resampling rows jointly (paired) with a fixed seed."""
    n = len(y)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, size=(n_boot, n)) + (np.arange(n_boot) * n)[:, None]
    counts = np.bincount(draws.ravel(), minlength=n_boot * n).reshape(n_boot, n)
    weights = np.vstack([np.ones(n), counts])
    diffs = weighted_roc_auc(y, challenger, weights) - weighted_roc_auc(y, champion, weights)
    point, boots = float(diffs[0]), diffs[1:]
    boots = boots[~np.isnan(boots)]
    alpha = (1 - confidence) / 2
    low, high = (float(np.quantile(boots, alpha)), float(np.quantile(boots, 1 - alpha))) if boots.size else (point, point)
    return BootstrapInterval(point, low, high, confidence, n_boot)


def champion_challenger_gate(y: np.ndarray, champion_scores: np.ndarray, challenger_scores: np.ndarray, *,
                             delta: float = 0.02, n_boot: int = 300, confidence: float = 0.9, seed: int = 0,
                             mode: GateMode = GateMode.ENABLED) -> GateResult:
    """The challenger may not be worse than the champion by more than `delta` AUC on the same holdout:
    the lower end of the bootstrap interval of the difference must stay above -delta."""
    ci = paired_bootstrap_auc(y, champion_scores, challenger_scores, n_boot=n_boot, confidence=confidence, seed=seed)
    passed = ci.low >= -delta
    reason = (f"AUC difference {ci.difference:+.3f} (challenger - champion), {ci.confidence:.0%} interval "
              f"[{ci.low:+.3f}, {ci.high:+.3f}] {'stays above' if passed else 'reaches below'} -{delta:.3f}")
    return GateResult("champion_challenger", passed, reason, mode, asdict(ci))


def champion_metric_gate(challenger: dict[str, float], champion: dict[str, float], *, metric: str = "log_loss",
                         delta: float = 0.0, greater_is_better: bool = False, where: str = "",
                         mode: GateMode = GateMode.ENABLED) -> GateResult:
    """Champion/challenger on one metric of the same holdout, without resampling: the challenger may be
    worse than the champion by at most `delta` (a `MetricThreshold` with the champion as baseline). The
    simulation's gate: a proper score such as log-loss on a whole week is far less noisy than an AUC
    bootstrap is slow. `where` names the holdout in the reason ("week 12 ")."""
    ours, theirs = challenger.get(metric, float("nan")), champion.get(metric, float("nan"))
    rule = MetricThreshold(min_absolute_change=-delta, greater_is_better=greater_is_better)
    passed, _ = rule.check(metric, ours, theirs)
    reason = f"{where}{metric} {ours:.4f} vs the champion's {theirs:.4f}"
    if not passed:
        reason += f", {'below' if greater_is_better else 'above'} it by more than {delta:g}"
    return GateResult("champion_challenger", passed, reason, mode, {"challenger": dict(challenger),
                                                                    "champion": dict(champion)})


# --------------------------------------------------------------------------- data validation


@dataclass(frozen=True)
class ValidationRules:
    """Data validation limits: null-share increase, share of values out of range, and the range's margin."""

    max_null_increase: float = 0.05
    max_out_of_range: float = 0.10
    range_margin: float = 0.10  # widen the reference's [0.1%, 99.9%] range by this share of each bound


def validated_range(profile: ColumnProfile, rules: ValidationRules = ValidationRules()) -> tuple[float, float]:
    """The range a numeric column's values must fall in: the reference's 0.1%-99.9% quantiles, each
    widened by `range_margin` of its own magnitude (so income sent in thousands falls far outside)."""
    low, high = profile.quantiles
    return low - rules.range_margin * abs(low), high + rules.range_margin * abs(high)


def data_validation_gate(frame: pd.DataFrame, reference: ReferenceProfile, *, rules: ValidationRules = ValidationRules(),
                         columns: Sequence[str] | None = None, mode: GateMode = GateMode.ENABLED) -> GateResult:
    """Schema, null-rate and range checks of a training batch against the reference it should resemble
    (the verdict and its wording by `validation_gate`)."""
    problems: list[str] = []
    wanted = list(columns) if columns is not None else list(reference.columns)
    for name in wanted:
        profile = reference.columns[name]
        if name not in frame.columns:
            problems.append(f"{name}: column missing")
            continue
        series = frame[name]
        null_share = float(series.isna().mean())
        if null_share > profile.null_share + rules.max_null_increase:
            problems.append(f"{name}: {null_share:.0%} missing (reference {profile.null_share:.0%})")
        if profile.kind == "numeric":
            problems += _numeric_problems(name, series, profile, rules)
    return validation_gate(problems, mode=mode)


VALIDATION_SHOWN = 4  # problems named in a gate's reason; all of them stay in its details


def validation_gate(problems: Sequence[str], *, mode: GateMode = GateMode.ENABLED) -> GateResult:
    """The data validation gate from the problems found (by `data_validation_gate` on a frame, or by the
    simulation on its arrays): passes when there are none; one wording for both."""
    found = list(problems)
    reason = "; ".join(found[:VALIDATION_SHOWN]) + (f"; and {len(found) - VALIDATION_SHOWN} more"
                                                      if len(found) > VALIDATION_SHOWN else "")
    return GateResult("data_validation", not found, reason or "schema, nulls and ranges within limits", mode,
                      {"problems": found})


def _numeric_problems(name: str, series: pd.Series, profile: ColumnProfile, rules: ValidationRules) -> list[str]:
    if not pd.api.types.is_numeric_dtype(series):
        return [f"{name}: expected numbers, got {series.dtype}"]
    values = series.to_numpy(dtype=float, na_value=np.nan)
    values = values[~np.isnan(values)]
    low, high = validated_range(profile, rules)
    if values.size == 0 or math.isnan(low):
        return []
    outside = float(np.mean((values < low) | (values > high)))
    if outside > rules.max_out_of_range:
        return [f"{name}: {outside:.0%} of values outside the validated range [{low:.4g}, {high:.4g}]"]
    return []


# --------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class Decision:
    """One registry entry: what was trained on what, how it was judged, and what happened to it."""

    week: int
    model_version: str
    training_window: tuple[int, int]
    metrics: dict[str, float]
    gates: tuple[GateResult, ...]
    decision: str  # promoted | blocked | canary | rolled back | shipped unchecked | retired
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, the training window in words."""
        return {
            "week": self.week,
            "model_version": self.model_version,
            "training_window": f"weeks {self.training_window[0]}-{self.training_window[1] - 1}",
            "metrics": {k: round(v, 4) for k, v in self.metrics.items()},
            "gates": [g.to_dict() for g in self.gates],
            "decision": self.decision,
            "reason": self.reason,
        }


def decide(gates: Sequence[GateResult]) -> tuple[bool, str]:
    """Promote unless an enabled gate failed; dry-run failures are reported, not blocking."""
    blocking = [g for g in gates if g.blocking]
    if blocking:
        return False, "; ".join(f"{g.gate}: {g.reason}" for g in blocking)
    dry = [g for g in gates if not g.passed and g.mode is GateMode.DRY_RUN]
    if dry:
        return True, "dry run, would have blocked: " + "; ".join(f"{g.gate}: {g.reason}" for g in dry)
    return True, "all gates passed" if gates else "no gates"


class ModelRegistry:
    """A small registry of decision records, shown as a table in the notebooks and reports."""

    def __init__(self) -> None:
        self.records: list[Decision] = []

    def add(self, decision: Decision) -> Decision:
        """Record a decision (and return it)."""
        self.records.append(decision)
        return decision

    def to_frame(self) -> pd.DataFrame:
        """One row per decision, as the notebooks and reports show it."""
        rows = []
        for d in self.records:
            rows.append({
                "week": d.week,
                "model": d.model_version,
                "trained on": f"weeks {d.training_window[0]} to {d.training_window[1] - 1}",  # "-14--2" misreads
                "holdout AUC": round(d.metrics.get("auc", float("nan")), 3),
                "gates": ", ".join(f"{g.gate} {'ok' if g.passed else 'FAIL'}" for g in d.gates) or "none",
                "decision": d.decision,
                "reason": d.reason,
            })
        return pd.DataFrame(rows, columns=["week", "model", "trained on", "holdout AUC", "gates", "decision", "reason"])
