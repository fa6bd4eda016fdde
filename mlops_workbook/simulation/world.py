"""The shared world of one seed: the stream as arrays, and caches every level reuses.

Everything a policy may look at is here (inputs, labels once they are due, its models' scores and
drift signals); the ground truth (true default probabilities, the scenario) is kept apart in
`Truth` and only read by the ledger after the run. Drift statistics follow drift.py's defaults
(Wasserstein normed by the reference std for numerics, Jensen-Shannon distance for categoricals),
computed from 200 quantiles per column so one (model, week) check costs microseconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
FIT_TOLERANCE = 1e-6  # Newton stops when no coefficient moves by 0.001: far below what a cut-off can see
DISCRETE_MAX = 5  # numeric columns with at most this many distinct values are tested as categorical


_ONEHOT = np.cumsum([0] + [len(CATEGORIES[name]) - 1 for name in CATEGORICAL_FEATURES])  # one-hot column offsets


def _prepared(week: WeekArrays) -> Prepared:
    raw = week.numeric.copy()
    raw[:, _LOGGED] = np.log1p(np.clip(raw[:, _LOGGED], 0, None))
    onehot = np.zeros((len(raw), _ONEHOT[-1]))
    for j, offset in enumerate(_ONEHOT[:-1]):
        codes = week.codes[:, j]
        rows = np.flatnonzero(codes > 0)  # the first category is the baseline: no column
        onehot[rows, offset + codes[rows] - 1] = 1.0
    return Prepared(raw, onehot, week.y.astype(float))


_SEGMENTS = np.cumsum([0] + [len(CATEGORIES[name]) for name in CATEGORICAL_FEATURES])  # where each categorical's shares start


@dataclass
class Profile:
    """A window's distribution, summarised once: quantiles, mean and std per numeric column (over
    present values), every categorical's shares side by side (one flat vector), missing shares."""

    quantiles: np.ndarray  # len(_GRID) x numeric
    mean: np.ndarray
    std: np.ndarray
    count: np.ndarray  # present values per numeric column
    shares: np.ndarray  # _SEGMENTS[-1] shares, categorical after categorical
    rows: int

    @classmethod
    def of(cls, numeric: np.ndarray, codes: np.ndarray) -> Profile:
        ordered = np.sort(numeric, axis=0)  # NaN sort last
        missing = np.isnan(numeric)
        count = len(numeric) - missing.sum(axis=0)
        if missing.any():
            with np.errstate(all="ignore"):
                mean, std = np.nanmean(numeric, axis=0), np.nanstd(numeric, axis=0)
        else:
            mean, std = numeric.mean(axis=0), numeric.std(axis=0)
        shares = np.concatenate([np.bincount(codes[:, j], minlength=len(CATEGORIES[name])) / len(codes)
                                 for j, name in enumerate(CATEGORICAL_FEATURES)])
        return cls(column_quantiles(ordered, count, _GRID), mean, std, count, shares, len(numeric))

    @classmethod
    def pooled(cls, parts: list[Profile]) -> Profile:
        """The union of several weeks from their own profiles, without touching the rows again: shares,
        mean and std exactly (law of total variance), quantiles from the pooled weekly quantile grids,
        each point carrying its week's share of present values (within a grid step of the exact ones)."""
        count = np.sum([p.count for p in parts], axis=0)
        weight = np.array([p.count for p in parts], dtype=float) / np.maximum(count, 1)  # weeks x numeric
        with np.errstate(all="ignore"):
            mean = np.nansum(weight * np.array([p.mean for p in parts]), axis=0)
            second = np.nansum(weight * np.array([p.std ** 2 + p.mean ** 2 for p in parts]), axis=0)
        std = np.sqrt(np.maximum(second - mean ** 2, 0))
        points = np.vstack([p.quantiles for p in parts])  # (weeks x grid) x numeric
        mass = np.repeat(weight / len(_GRID), len(_GRID), axis=0)
        order = np.argsort(np.nan_to_num(points, nan=np.inf), axis=0)
        points, mass = np.take_along_axis(points, order, 0), np.take_along_axis(mass, order, 0)
        centre = np.cumsum(mass, axis=0) - mass / 2
        quantiles = np.column_stack([np.interp(_GRID, centre[:, j], points[:, j]) if count[j] else np.full(len(_GRID), np.nan)
                                     for j in range(points.shape[1])])
        rows = sum(p.rows for p in parts)
        shares = np.sum([p.shares * p.rows for p in parts], axis=0) / rows
        return cls(quantiles, mean, std, count, shares, rows)


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


def drift_matrix(reference: Profile, quantiles: np.ndarray, shares: np.ndarray, std: np.ndarray | None = None) -> np.ndarray:
    """Drift statistics of many weeks at once (`quantiles` weeks x grid x numeric, `shares` weeks x
    categories) against `reference`: Wasserstein distance normed by the reference's std for numerics
    (or by each week's own `std` when given: the week is then the reference), Jensen-Shannon distance
    (base 2) for categoricals, as drift.py's defaults define them. Returns weeks x features."""
    scale = reference.std if std is None else std
    with np.errstate(all="ignore"):
        w1 = np.nanmean(np.abs(quantiles - reference.quantiles[None]), axis=1)
        numeric = np.where(scale > 0, w1 / scale, w1)
        p, q = np.broadcast_to(reference.shares, shares.shape), shares
        m = (p + q) / 2
        terms = np.where(p > 0, p * np.log2(p / m), 0.0) + np.where(q > 0, q * np.log2(q / m), 0.0)
    categorical = np.sqrt(np.maximum(np.add.reduceat(terms, _SEGMENTS[:-1], axis=1) / 2, 0))
    return np.hstack([np.nan_to_num(numeric, nan=1.0), categorical])


def drift_statistics(reference: Profile, current: Profile) -> np.ndarray:
    """One statistic per feature (numeric then categorical), as drift.py's defaults define them."""
    return drift_matrix(reference, current.quantiles[None], current.shares[None])[0]


def validated_range(values: np.ndarray, rules: ValidationRules = ValidationRules()) -> tuple[np.ndarray, np.ndarray]:
    """The 0.1%-99.9% quantiles of each column, each widened by `range_margin` of its own magnitude (as
    gating.validated_range): income sent in thousands falls far outside, a single tail value does not."""
    with np.errstate(all="ignore"):
        lo, hi = np.nanquantile(values, [0.001, 0.999], axis=0)
    return lo - rules.range_margin * np.abs(lo), hi + rules.range_margin * np.abs(hi)


def score_quantiles(scores: np.ndarray) -> np.ndarray:
    column = np.sort(scores)[:, None]
    return column_quantiles(column, np.array([len(scores)]), _GRID)[:, 0]


@dataclass
class Trained:
    key: tuple[int, ...]  # the weeks it was trained on
    model: LoanModel
    profile: Profile
    score_quantiles: np.ndarray
    score_std: float


def week_spans(weeks: tuple[int, ...]) -> str:
    """(8, 9, 10, 21, 22) -> '8..10, 21..22': the weeks a model saw, as a person reads them."""
    spans: list[list[int]] = []
    for w in weeks:
        if spans and w == spans[-1][1] + 1:
            spans[-1][1] = w
        else:
            spans.append([w, w])
    return ", ".join(f"{a}..{b}" if b > a else f"{a}" for a, b in spans)


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
        self._stack = {"quantiles": np.array([self.profiles[w].quantiles for w in self.weeks]),
                       "shares": np.array([self.profiles[w].shares for w in self.weeks]),
                       "std": np.array([self.profiles[w].std for w in self.weeks])}
        history = [self.weeks[w] for w in range(self.first_week, 0)]
        self.reference = Profile.of(np.vstack([h.numeric for h in history]), np.vstack([h.codes for h in history]))
        self.low, self.high = validated_range(np.vstack([h.numeric for h in history]))
        self._outside: dict[int, np.ndarray] = {}
        self.reference_nulls = 1 - self.reference.count / self.reference.rows
        self._models: dict[tuple[int, ...], Trained] = {}
        self._scores: dict[tuple[tuple[int, ...], int, bool], np.ndarray] = {}
        self._drift: dict[tuple[tuple[int, ...], int], np.ndarray] = {}
        self._guarded: dict[int, Prepared] = {}
        self._measured: dict[tuple[tuple[int, ...], int, bool], dict[str, float]] = {}
        self._distances: dict[int, np.ndarray] = {}
        self.trainings = 0

    # ----------------------------------------------------------------- what policies may see

    def labels(self, week: int) -> np.ndarray:
        return self.weeks[week].y

    def error_rate(self, week: int) -> float:
        """Rows the endpoint cannot score as sent (a missing input), as serving logs count them."""
        return float(np.isnan(self.weeks[week].numeric).any(axis=1).mean())


    def labelled(self, week: int) -> range:
        """The weeks whose labels have arrived by `week`."""
        return range(self.first_week, week - self.config.label_delay + 1)

    def distances(self, live: int) -> np.ndarray:
        """How unlike each week's inputs are to week `live`'s: the mean of the per-feature drift
        statistics, each past week taken as the reference (indexed from `first_week`)."""
        if live not in self._distances:
            stats = drift_matrix(self.profiles[live], self._stack["quantiles"], self._stack["shares"], self._stack["std"])
            self._distances[live] = stats.mean(axis=1)
        return self._distances[live]

    def looks_like(self, week: int, live: int) -> bool:
        return bool(self.distances(live)[week - self.first_week] < self.config.drift_threshold)

    def train(self, weeks: Iterable[int]) -> Trained:
        """Model trained on these weeks, cached by them (every level trains the same way)."""
        key = tuple(sorted(weeks))
        if key not in self._models:
            data = Prepared.concat([self.prepared[w] for w in key])
            profile = Profile.pooled([self.profiles[w] for w in key])
            model = LoanModel.fit(data, version=f"weeks {week_spans(key)}", tol=FIT_TOLERANCE, start=self._nearest(key))
            self.trainings += 1
            train_scores = model.fit_state.fitted
            self._models[key] = Trained(key, model, profile, score_quantiles(train_scores), float(train_scores.std()) or 1.0)
        return self._models[key]

    def _nearest(self, key: tuple[int, ...]) -> LoanModel | None:
        """The cached model whose weeks overlap these most (at least half): the solver's warm start."""
        weeks = set(key)
        overlap, best = max(((len(weeks.intersection(k)), t.model) for k, t in self._models.items()),
                            default=(0, None), key=lambda pair: pair[0])
        return best if overlap * 2 >= len(key) else None

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
                bad = (values < self.low) | (values > self.high)
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

    def validation_failures(self, weeks: Iterable[int]) -> list[str]:
        """Data validation of training and evaluation weeks against the original reference (as gating's rules)."""
        rules = ValidationRules()
        weeks = [w for w in weeks if w in self.weeks]
        rows = sum(self.profiles[w].rows for w in weeks)
        nulls = 1 - np.sum([self.profiles[w].count for w in weeks], axis=0) / rows
        outside = np.sum([self.outside(w) for w in weeks], axis=0) / rows
        problems = []
        for i, name in enumerate(NUMERIC_FEATURES):
            if nulls[i] - self.reference_nulls[i] > rules.max_null_increase:
                problems.append(f"{name}: {nulls[i]:.0%} missing")
            if outside[i] > rules.max_out_of_range:
                problems.append(f"{name}: {outside[i]:.0%} out of range")
        return problems

    def outside(self, week: int) -> np.ndarray:
        """Values outside the reference's validated range, per numeric column."""
        if week not in self._outside:
            values = self.weeks[week].numeric
            with np.errstate(invalid="ignore"):
                self._outside[week] = ((values < self.low) | (values > self.high)).sum(axis=0)
        return self._outside[week]


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
