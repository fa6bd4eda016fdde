"""One seed's stream as arrays, and everything computed from the data alone, cached.

A `Stream` holds the weeks, their profiles, the models trained on any set of weeks and their
scores. None of it depends on thresholds, gates or costs, so every level of a run shares it, and
`stream_for` keeps recent streams for the next run of the same data (the lab's next threshold or
cost). Every cached value is a pure function of its key (warm starts always begin from the stream's
first model), so a cached run gives the same numbers as a fresh one.

Drift statistics are the drift module's registered tests (drift.table's defaults over 1,000 rows:
Wasserstein normed by the reference std for numerics, Jensen-Shannon distance for categoricals),
called on 200 quantiles per column so one (model, week) check costs microseconds.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ..drift.stattests import STATTESTS, js_distance, normed_wasserstein
from ..gating import ValidationRules
from ..metrics import accuracy, roc_auc
from .model import LoanModel, Prepared, Scaling
from .scenarios import (
    CATEGORICAL_FEATURES,
    CATEGORIES,
    NUMERIC_FEATURES,
    Scenario,
    WeekArrays,
    generate_week_arrays,
)

_LOGGED = [NUMERIC_FEATURES.index(n) for n in ("income", "loan_amount")]
_AMOUNT = NUMERIC_FEATURES.index("loan_amount")
_GRID = (np.arange(200) + 0.5) / 200
NUMERIC_TEST, CATEGORICAL_TEST = STATTESTS["wasserstein"], STATTESTS["js"]  # drift.table's defaults over 1,000 rows
FIT_TOLERANCE = 1e-4  # Newton stops at a step under 0.01; the error left is about its square, far below what a cut-off sees


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
        """Profile a week's rows: one column sort serves every quantile."""
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
    categories) against `reference`, by the drift module's own registered tests (NUMERIC_TEST,
    CATEGORICAL_TEST: the same array functions the drift table calls): Wasserstein distance between
    the quantile grids normed by the reference's std (or by each week's own `std` when given: the
    week is then the reference), Jensen-Shannon distance (natural log) between category shares.
    A column with no values in a week counts as drifted (1.0). Returns weeks x features."""
    scale = reference.std if std is None else std
    with np.errstate(all="ignore"):
        numeric = normed_wasserstein(np.swapaxes(reference.quantiles, -1, -2), np.swapaxes(quantiles, -1, -2), scale)
    p = np.broadcast_to(reference.shares, shares.shape)
    categorical = [js_distance(p[:, a:b], shares[:, a:b]) for a, b in zip(_SEGMENTS[:-1], _SEGMENTS[1:])]
    return np.hstack([np.nan_to_num(np.asarray(numeric), nan=1.0), np.column_stack(categorical)])


def drift_statistics(reference: Profile, current: Profile) -> np.ndarray:
    """One statistic per feature (numeric then categorical), by `drift_matrix`."""
    return drift_matrix(reference, current.quantiles[None], current.shares[None])[0]


def drift_verdicts(statistics: np.ndarray, threshold: float) -> np.ndarray:
    """Which features drifted (statistics as `drift_matrix` returns them), by each registered test's
    own verdict rule: one rule for the simulation's monitor and the drift table."""
    numeric = NUMERIC_TEST.drifted(statistics[..., :len(NUMERIC_FEATURES)], threshold)
    categorical = CATEGORICAL_TEST.drifted(statistics[..., len(NUMERIC_FEATURES):], threshold)
    return np.concatenate([np.asarray(numeric), np.asarray(categorical)], axis=-1)


def validated_range(values: np.ndarray, rules: ValidationRules = ValidationRules()) -> tuple[np.ndarray, np.ndarray]:
    """The 0.1%-99.9% quantiles of each column, each widened by `range_margin` of its own magnitude (as
    gating.validated_range): income sent in thousands falls far outside, a single tail value does not."""
    with np.errstate(all="ignore"):
        lo, hi = np.nanquantile(values, [0.001, 0.999], axis=0)
    return lo - rules.range_margin * np.abs(lo), hi + rules.range_margin * np.abs(hi)


def validation_window(champion_key: tuple[int, ...], train_weeks: int, first_week: int) -> list[int]:
    """The weeks whose data a candidate is validated against: the serving champion's training weeks and
    the whole training window that ends at its newest one (a champion trained only on the weeks since a
    change is held to a whole cycle, so two months of a seasonal stream do not make the next season a fault)."""
    newest = champion_key[-1]
    return sorted(set(champion_key) | set(range(max(first_week, newest - train_weeks + 1), newest + 1)))


def validation_problems(outside: Sequence[np.ndarray], nulls: Sequence[np.ndarray], sizes: Sequence[float],
                        names: Sequence[str], rules: ValidationRules = ValidationRules(), *,
                        lasting_after: int = 1) -> list[str]:
    """Data validation of some weeks against the champion's training data, in words (gating's rules): the
    one verdict of the loan book and the replay. `outside` and `nulls` hold per week and column the share
    of values outside the champion's validated range and the rise of the missing share over its training
    data's; pooled over the weeks (weighted by `sizes`), a share over its limit is a problem, unless every
    one of at least `lasting_after` weeks shows it: that is the stream as it now is (a lasting change), not a
    fault in some weeks, and it passes, else a level whose champion predates the change would block every
    retrain after it. A replay takes any run of weeks that all show it (1: a real stream's new sensor); the
    loan book only a whole training window (its broken feed lasts weeks and is then fixed: a retrain on the
    few weeks since it broke must not pass as "the stream as it now is")."""
    weights = np.asarray(sizes, dtype=float)[:, None]
    long_enough = len(weights) >= lasting_after
    problems = []
    for share, limit, word in ((np.asarray(outside), rules.max_out_of_range, "out of range"),
                               (np.asarray(nulls), rules.max_null_increase, "more missing")):
        pooled = (share * weights).sum(axis=0) / weights.sum()
        lasting = (share > limit).all(axis=0) & long_enough
        problems += [f"{name}: {pooled[i]:.0%} {word}" for i, name in enumerate(names)
                     if pooled[i] > limit and not lasting[i]]
    return problems


def score_quantiles(scores: np.ndarray) -> np.ndarray:
    """A model's scores summarised on the 200-point quantile grid (for prediction drift)."""
    column = np.sort(scores)[:, None]
    return column_quantiles(column, np.array([len(scores)]), _GRID)[:, 0]


@dataclass
class Trained:
    """A model with what its checks need: the weeks it saw, its training data's profile and score quantiles."""
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


STREAM_CACHE_BYTES = 64 * 2**20  # per process: one lab setting's streams (about 15 MiB each at 500 rows), or the last 2,000-row one (55 MiB)
_STREAMS: OrderedDict[tuple, Stream] = OrderedDict()


def stream_for(scenario: Scenario, seed: int, rows_per_week: int, weeks: int, first_week: int, *,
               launch_weeks: int) -> Stream:
    """The stream for these data settings, from the cache when a recent run had the same ones and the
    same launch window (its model is the warm start of every later fit)."""
    key = (scenario, seed, rows_per_week, weeks, first_week, launch_weeks)
    if key in _STREAMS:
        _STREAMS.move_to_end(key)
        return _STREAMS[key]
    stream = _STREAMS[key] = Stream(scenario, seed, rows_per_week, weeks, first_week)
    while len(_STREAMS) > 1 and sum(s.nbytes() for s in _STREAMS.values()) > STREAM_CACHE_BYTES:
        _STREAMS.popitem(last=False)
    return stream


class Stream:
    """The weeks (history from `first_week`, then the simulated ones) and caches by week and model."""

    def __init__(self, scenario: Scenario, seed: int, rows_per_week: int, weeks: int, first_week: int):
        self.scenario, self.first_week = scenario, first_week
        self.weeks = {w: generate_week_arrays(w, rows_per_week, scenario, seed) for w in range(first_week, weeks)}
        self.prepared = {w: _prepared(a) for w, a in self.weeks.items()}
        self.amount = {w: a.numeric[:, _AMOUNT] for w, a in self.weeks.items()}
        self.profiles = {w: Profile.of(a.numeric, a.codes) for w, a in self.weeks.items()}
        self._stack = {"quantiles": np.array([self.profiles[w].quantiles for w in self.weeks]),
                       "shares": np.array([self.profiles[w].shares for w in self.weeks]),
                       "std": np.array([self.profiles[w].std for w in self.weeks])}
        history = np.vstack([self.weeks[w].numeric for w in range(first_week, 0)])
        self.reference = Profile.of(history, np.vstack([self.weeks[w].codes for w in range(first_week, 0)]))
        self.low, self.high = validated_range(history)
        self.reference_nulls = 1 - self.reference.count / self.reference.rows
        self._validated: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._models: dict[tuple[int, ...], Trained] = {}
        self._scores: dict[tuple[tuple[int, ...], int, bool], np.ndarray] = {}
        self._drift: dict[tuple[tuple[int, ...], int], np.ndarray] = {}
        self._guarded: dict[int, Prepared] = {}
        self._distances: dict[int, np.ndarray] = {}
        self._first: LoanModel | None = None
        self._moments: dict[int, np.ndarray] = {}
        self._metrics: dict[tuple[tuple[int, ...], int, bool], dict[str, float]] = {}
        self.trainings = 0

    def nbytes(self) -> int:
        """Memory held by the stream's arrays, for the cache's byte budget."""
        arrays = [x for a in self.weeks.values() for x in (a.numeric, a.codes, a.y, a.p)] \
            + [p.raw for p in self.prepared.values()] + [p.onehot for p in self.prepared.values()] \
            + [p.quantiles for p in self.profiles.values()] + list(self._scores.values()) \
            + [g.raw for g in self._guarded.values()] + [t.model.fit_state.fitted for t in self._models.values()
                                                         if t.model.fit_state is not None]
        return sum(a.nbytes for a in arrays)

    def error_rate(self, week: int) -> float:
        """Rows the endpoint cannot score as sent (a missing input), as serving logs count them."""
        return float(np.isnan(self.weeks[week].numeric).any(axis=1).mean())

    def distances(self, live: int) -> np.ndarray:
        """How unlike each week's inputs are to week `live`'s: the mean of the per-feature drift
        statistics, each past week taken as the reference (indexed from `first_week`)."""
        if live not in self._distances:
            stats = drift_matrix(self.profiles[live], self._stack["quantiles"], self._stack["shares"], self._stack["std"])
            self._distances[live] = stats.mean(axis=1)
        return self._distances[live]

    def train(self, weeks: Iterable[int]) -> Trained:
        """Model trained on these weeks, cached by them (every level trains the same way). The solver
        starts from the stream's first model: a warm start that does not depend on what else was
        trained before, so the result is the same whatever the cache holds."""
        key = tuple(sorted(weeks))
        if key not in self._models:
            data = Prepared.concat([self.prepared[w] for w in key])
            profile = Profile.pooled([self.profiles[w] for w in key])
            model = LoanModel.fit(data, version=f"weeks {week_spans(key)}", tol=FIT_TOLERANCE, start=self._first,
                                  scaling=self.scaling(key, profile))
            self._first = self._first or model
            self.trainings += 1
            fitted = model.fit_state.fitted
            self._models[key] = Trained(key, model, profile, score_quantiles(fitted), float(fitted.std()) or 1.0)
        return self._models[key]

    def scaling(self, key: tuple[int, ...], profile: Profile) -> Scaling:
        """The imputer's and scaler's statistics for these weeks without touching their rows again: the
        median from the pooled quantile grid (order statistics commute with the log of two columns),
        then mean and std of the imputed columns exactly, from cached weekly sums."""
        middle = len(_GRID) // 2
        medians = (profile.quantiles[middle - 1] + profile.quantiles[middle]) / 2
        medians[_LOGGED] = np.log1p(np.clip(medians[_LOGGED], 0, None))
        medians = np.nan_to_num(medians)
        sums = np.sum([self.moments(w) for w in key], axis=0)  # present count, sum, sum of squares
        rows = sum(self.profiles[w].rows for w in key)
        missing = rows - sums[0]
        mean = (sums[1] + missing * medians) / rows
        second = (sums[2] + missing * medians ** 2) / rows
        return medians, mean, np.sqrt(np.maximum(second - mean ** 2, 0))

    def moments(self, week: int) -> np.ndarray:
        """Present count, sum and sum of squares per prepared column of a week (cached for `scaling`)."""
        if week not in self._moments:
            raw = self.prepared[week].raw
            present = ~np.isnan(raw)
            filled = np.where(present, raw, 0.0)
            self._moments[week] = np.array([present.sum(axis=0), filled.sum(axis=0), (filled ** 2).sum(axis=0)])
        return self._moments[week]

    def scores(self, trained: Trained, week: int, *, guarded: bool = False) -> np.ndarray:
        """A model's scores on a week (through the input guard when asked), cached."""
        key = (trained.key, week, guarded)
        if key not in self._scores:
            data = self.guarded(week) if guarded else self.prepared[week]
            self._scores[key] = trained.model.predict_proba(data)
        return self._scores[key]

    def metrics(self, trained: Trained, week: int, *, guarded: bool = False) -> dict[str, float]:
        """AUC, accuracy and log-loss of a model's scores against a week's labels."""
        key = (trained.key, week, guarded)
        if key not in self._metrics:
            y, s = self.weeks[week].y, self.scores(trained, week, guarded=guarded)
            clipped = np.clip(s, 1e-6, 1 - 1e-6)
            log_loss = float(-np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped)))
            self._metrics[key] = {"auc": roc_auc(y, s), "accuracy": accuracy(y, s), "log_loss": log_loss}
        return self._metrics[key]

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
            self._guarded[week] = Prepared(np.where(bad, np.nan, prepared.raw), prepared.onehot, prepared.y)
        return self._guarded[week]

    def data_drift(self, trained: Trained, week: int) -> np.ndarray:
        """Per-feature drift statistics of a week against a model's training data, cached."""
        key = (trained.key, week)
        if key not in self._drift:
            self._drift[key] = drift_statistics(trained.profile, self.profiles[week])
        return self._drift[key]

    def validation_failures(self, weeks: Iterable[int], window: Sequence[int]) -> list[str]:
        """Data validation of training and evaluation weeks against the data of `window` (the serving
        champion's, `validation_window`): the ranges follow the champion, as in a replay; a problem passes as
        lasting only when a whole window's worth of weeks shows it (`validation_problems`)."""
        low, high, reference_nulls = self.validated(tuple(window))
        weeks = [w for w in weeks if w in self.weeks]
        outside, nulls = [], []
        for w in weeks:
            values = self.weeks[w].numeric
            with np.errstate(invalid="ignore"):
                outside.append(((values < low) | (values > high)).mean(axis=0))
            nulls.append(np.isnan(values).mean(axis=0) - reference_nulls)
        return validation_problems(outside, nulls, [len(self.weeks[w]) for w in weeks], NUMERIC_FEATURES,
                                   lasting_after=len(window))

    def validated(self, window: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The validated ranges and missing shares of these weeks' data, cached per window."""
        if window not in self._validated:
            values = np.vstack([self.weeks[w].numeric for w in window])
            low, high = validated_range(values)
            self._validated[window] = (low, high, np.isnan(values).mean(axis=0))
        return self._validated[window]
