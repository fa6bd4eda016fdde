"""The shared world of one seed: the stream as arrays, and caches every level reuses.

Everything a policy may look at is here (inputs, labels once they are due, its models' scores and
drift signals); the ground truth (true default probabilities, the scenario) is kept apart in
`Truth` and only read by the ledger after the run. Drift statistics follow drift.py's defaults
(Wasserstein normed by the reference std for numerics, Jensen-Shannon distance for categoricals),
computed from 200 quantiles per column so one (model, week) check costs microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..gating import ValidationRules
from ..metrics import accuracy, roc_auc
from ..model import LoanModel, Prepared
from ..sample_data import (
    CATEGORICAL_FEATURES,
    CATEGORIES,
    NUMERIC_FEATURES,
    Scenario,
    WeekArrays,
    generate_week_arrays,
)
from .config import SimulationConfig
from .costs import Costs

_LOGGED = [NUMERIC_FEATURES.index(n) for n in ("income", "loan_amount")]
_AMOUNT = NUMERIC_FEATURES.index("loan_amount")
_GRID = (np.arange(200) + 0.5) / 200
DISCRETE_MAX = 5  # numeric columns with at most this many distinct values are tested as categorical


def _prepared(week: WeekArrays) -> Prepared:
    raw = week.numeric.copy()
    raw[:, _LOGGED] = np.log1p(np.clip(raw[:, _LOGGED], 0, None))
    blocks = [np.eye(len(CATEGORIES[name]))[week.codes[:, j]][:, 1:] for j, name in enumerate(CATEGORICAL_FEATURES)]
    return Prepared(raw, np.hstack(blocks), week.y.astype(float))


@dataclass
class Profile:
    """A window's distribution, summarised once: quantiles and std per numeric column, category shares."""

    quantiles: np.ndarray  # len(_GRID) x numeric
    std: np.ndarray
    shares: list[np.ndarray]
    low: np.ndarray  # validated range (0.1% / 99.9% quantiles widened), for data validation
    high: np.ndarray
    null_share: np.ndarray

    @classmethod
    def of(cls, numeric: np.ndarray, codes: np.ndarray, rules: ValidationRules = ValidationRules()) -> Profile:
        ordered = np.sort(numeric, axis=0)  # NaN sort last
        counts = (~np.isnan(numeric)).sum(axis=0)
        q = column_quantiles(ordered, counts, _GRID)
        lo, hi = column_quantiles(ordered, counts, np.array([0.001, 0.999]))
        with np.errstate(all="ignore"):
            std = np.nanstd(numeric, axis=0)
        low = lo - rules.range_margin * np.abs(lo)
        high = hi + rules.range_margin * np.abs(hi)
        shares = [np.bincount(codes[:, j], minlength=len(CATEGORIES[name])) / len(codes)
                  for j, name in enumerate(CATEGORICAL_FEATURES)]
        return cls(q, std, shares, low, high, np.isnan(numeric).mean(axis=0))


def column_quantiles(ordered: np.ndarray, counts: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Quantiles (linear interpolation, as numpy's default) of each column of a column-sorted array
    whose NaNs sit at the end: one sort for every quantile instead of one partition each."""
    position = grid[:, None] * np.maximum(counts - 1, 0)[None, :]
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, np.maximum(counts - 1, 0)[None, :])
    cols = np.arange(ordered.shape[1])[None, :]
    low, high = ordered[below, cols], ordered[above, cols]
    out = low + (high - low) * (position - below)
    return np.where(counts[None, :] > 0, out, np.nan)


def _js_distance(p: np.ndarray, q: np.ndarray) -> float:
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = lambda a: np.nansum(np.where(a > 0, a * np.log2(a / m), 0.0))  # noqa: E731
    return float(np.sqrt(max(0.0, (kl(p) + kl(q)) / 2)))


def drift_statistics(reference: Profile, current: Profile) -> np.ndarray:
    """One statistic per feature (numeric then categorical), as drift.py's defaults define them."""
    with np.errstate(all="ignore"):
        w1 = np.nanmean(np.abs(reference.quantiles - current.quantiles), axis=0)
        numeric = np.where(reference.std > 0, w1 / reference.std, w1)
    categorical = [_js_distance(r, c) for r, c in zip(reference.shares, current.shares)]
    return np.concatenate([np.nan_to_num(numeric, nan=1.0), categorical])


def score_quantiles(scores: np.ndarray) -> np.ndarray:
    column = np.sort(scores)[:, None]
    return column_quantiles(column, np.array([len(scores)]), _GRID)[:, 0]


@dataclass
class Trained:
    key: tuple[int, int]
    model: LoanModel
    profile: Profile
    score_quantiles: np.ndarray
    score_std: float
    holdout: dict[str, float] = field(default_factory=dict)


class World:
    """One seed's stream, with per-window models and per-(model, week) scores cached across levels."""

    def __init__(self, config: SimulationConfig, costs: Costs):
        self.config, self.costs = config, costs
        self.scenario: Scenario = config.scenario_spec
        self.first_week = -(config.train_weeks + 1 + config.label_delay)
        self.weeks = {w: generate_week_arrays(w, config.rows_per_week, self.scenario, config.seed)
                      for w in range(self.first_week, config.weeks)}
        self.prepared = {w: _prepared(a) for w, a in self.weeks.items()}
        self.amount = {w: a.numeric[:, _AMOUNT] for w, a in self.weeks.items()}
        self.profiles = {w: Profile.of(a.numeric, a.codes) for w, a in self.weeks.items()}
        self.reference = self._window_profile(self.first_week, 0)
        self._models: dict[tuple[int, int], Trained] = {}
        self._scores: dict[tuple[tuple[int, int], int, bool], np.ndarray] = {}
        self._drift: dict[tuple[tuple[int, int], int], np.ndarray] = {}
        self._guarded: dict[int, Prepared] = {}
        self._measured: dict[tuple[tuple[int, int], int, bool], dict[str, float]] = {}
        self.trainings = 0

    # ----------------------------------------------------------------- what policies may see

    def labels(self, week: int) -> np.ndarray:
        return self.weeks[week].y

    def error_rate(self, week: int) -> float:
        """Rows the endpoint cannot score as sent (a missing input), as serving logs count them."""
        return float(np.isnan(self.weeks[week].numeric).any(axis=1).mean())

    def _window_profile(self, start: int, end: int) -> Profile:
        rows = [self.weeks[w] for w in range(start, end)]
        return Profile.of(np.vstack([r.numeric for r in rows]), np.vstack([r.codes for r in rows]))

    def train(self, start: int, end: int) -> Trained:
        """Model trained on weeks [start, end), cached by window (every level trains the same way)."""
        key = (start, end)
        if key not in self._models:
            data = Prepared.concat([self.prepared[w] for w in range(start, end)])
            model = LoanModel.fit(data, version=f"w{start}..{end - 1}")
            self.trainings += 1
            train_scores = model.predict_proba(data)
            trained = Trained(key, model, self._window_profile(start, end), score_quantiles(train_scores),
                              float(train_scores.std()) or 1.0)
            if end in self.weeks:
                trained.holdout = self.measured(trained, end)
            self._models[key] = trained
        return self._models[key]

    def scores(self, trained: Trained, week: int, *, guarded: bool = False) -> np.ndarray:
        key = (trained.key, week, guarded)
        if key not in self._scores:
            data = self.guarded(week) if guarded else self.prepared[week]
            self._scores[key] = trained.model.predict_proba(data)
        return self._scores[key]

    def guarded(self, week: int) -> Prepared:
        """Serving-side input guard: when a column's values fall outside the reference's validated
        range far more often than chance (a broken feed, not a tail), they are treated as missing, so
        the model imputes them instead of extrapolating from garbage. Single tail values pass."""
        if week not in self._guarded:
            values = self.weeks[week].numeric
            with np.errstate(invalid="ignore"):
                bad = (values < self.reference.low) | (values > self.reference.high)
            bad &= bad.mean(axis=0) > ValidationRules().max_out_of_range
            prepared = self.prepared[week]
            raw = np.where(bad, np.nan, prepared.raw)
            self._guarded[week] = Prepared(raw, prepared.onehot, prepared.y)
        return self._guarded[week]

    def measured(self, trained: Trained, week: int, *, guarded: bool = False) -> dict[str, float]:
        """What a team measures once a week's labels are in: AUC, accuracy and realised profit."""
        key = (trained.key, week, guarded)
        if key not in self._measured:
            y, s = self.weeks[week].y, self.scores(trained, week, guarded=guarded)
            clipped = np.clip(s, 1e-6, 1 - 1e-6)
            log_loss = float(-np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped)))
            self._measured[key] = {"auc": roc_auc(y, s), "accuracy": accuracy(y, s), "log_loss": log_loss,
                                   "profit": self.realised_profit(s, week)}
        return self._measured[key]

    def realised_profit(self, scores: np.ndarray, week: int) -> float:
        return self.costs.profit(scores < self.costs.approval_cutoff, self.weeks[week].y.astype(float),
                                 self.amount[week])

    def data_drift(self, trained: Trained, week: int) -> np.ndarray:
        key = (trained.key, week)
        if key not in self._drift:
            self._drift[key] = drift_statistics(trained.profile, self.profiles[week])
        return self._drift[key]

    def prediction_drift(self, trained: Trained, scores: np.ndarray) -> float:
        """Wasserstein distance between live and training scores, normed by the training scores' std."""
        return float(np.mean(np.abs(score_quantiles(scores) - trained.score_quantiles)) / trained.score_std)

    def validation_failures(self, start: int, end: int) -> list[str]:
        """Data validation of a training window against the original reference (as gating's rules)."""
        rules = ValidationRules()
        problems = []
        values = np.vstack([self.weeks[w].numeric for w in range(start, end + 1) if w in self.weeks])
        nulls = np.isnan(values).mean(axis=0)
        with np.errstate(invalid="ignore"):
            outside = ((values < self.reference.low) | (values > self.reference.high)).mean(axis=0)
        for i, name in enumerate(NUMERIC_FEATURES):
            if nulls[i] - self.reference.null_share[i] > rules.max_null_increase:
                problems.append(f"{name}: {nulls[i]:.0%} missing")
            if outside[i] > rules.max_out_of_range:
                problems.append(f"{name}: {outside[i]:.0%} out of range")
        return problems


class Truth:
    """Ground truth for the yardstick, read after the run: never handed to a policy."""

    def __init__(self, world: World):
        self.scenario = world.scenario
        self.weeks = world.weeks
        self.amount = world.amount
        self.costs = world.costs

    def expected_profit(self, scores: np.ndarray, week: int) -> float:
        return self.costs.profit(scores < self.costs.approval_cutoff, self.weeks[week].p, self.amount[week])

    def oracle_profit(self, week: int) -> float:
        p = self.weeks[week].p
        return self.costs.profit(p < self.costs.break_even, p, self.amount[week])

    def active(self, week: int) -> bool:
        return self.scenario.active(week)
