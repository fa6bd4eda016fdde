"""A team's own history seen the way the level policies see the simulated loan book.

`HistoryWorld` answers the same questions as `simulation.world.World` (labels once due, scores, drift
against a model's training data, what a team measures on a labelled period, data validation), so the
one `LevelRun` with its monitor, pipeline and deployer runs on it unchanged. Periods are the
policies' weeks: period p is week p - first served period, so the launch window has negative weeks.

Two things differ from the loan book because a real stream is not the one the defaults were tuned on:
- data validation checks a candidate's weeks against the serving champion's training data (its
  0.1%-99.9% ranges widened as gating's rules say, its missing shares), so each promoted retrain
  moves the ranges; ranges fixed at launch blocked 20-21 of 24 retrains on NOAA rainfall;
- every threshold is calibrated on the launch periods (`calibrate`), by cross-fitting: a model fitted
  on the even launch periods is measured on the odd ones and the other way round, so the spread of
  per-period AUC, value, drift statistics and score drift is that of stable periods the model did
  not see. A threshold is 3 standard deviations of that spread from its mean (distances: on the log
  scale, as they are positive and skewed; a drop in AUC or value between two periods: 3 standard
  deviations of a difference of two periods), whatever the period length or the stream.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ...drift.stattests import STATTESTS, js_distance, normed_wasserstein
from ...errors import DataError
from ...gating import ValidationRules
from ...metrics import accuracy, roc_auc
from ..config import SimulationConfig
from ..costs import Costs
from ..model import column_scaling, fit_logistic
from ..stream import column_quantiles, score_quantiles, validated_range, validation_problems, validation_window
from ..history_data import History
from .value import OutcomeValue

NUMERIC_TEST, CATEGORICAL_TEST = STATTESTS["wasserstein"], STATTESTS["js"]  # as the simulation and drift table
GRID = (np.arange(200) + 0.5) / 200
SPREAD = 3.0  # standard deviations of the stable periods a threshold sits from their mean
FIT_TOLERANCE = 1e-4  # as the simulation's fits


# --------------------------------------------------------------------------- models


class WorkbookModel:
    """The workbook's own model on any history: L2 logistic regression (simulation.model's Newton fit)
    on standardised numerics (missing values imputed with the training medians, clipped at 8 sd) and
    one-hot categoricals. A category absent from the training window gets a zero coefficient."""

    name = "the workbook's logistic regression (simulation/model.py)"

    def __init__(self, start: np.ndarray | None = None) -> None:
        self.start = start
        self.coef = np.zeros(0)
        self.scaling: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.train_rows = 0

    def fit(self, numeric: np.ndarray, onehot: np.ndarray, frame: pd.DataFrame, y: np.ndarray) -> WorkbookModel:
        """Fit on a window's arrays (the frame is for estimators that want columns)."""
        medians, means, stds = column_scaling(numeric)
        self.scaling = (medians, means, np.where(stds > 0, stds, 1.0))
        self.train_rows = len(y)
        design = self._design(numeric, onehot)
        start = self.start if self.start is not None and self.start.shape == (design.shape[1] + 1,) else None
        self.coef = fit_logistic(design, y.astype(float), tol=FIT_TOLERANCE, start=start).coef
        return self

    def _design(self, numeric: np.ndarray, onehot: np.ndarray) -> np.ndarray:
        assert self.scaling is not None
        medians, means, stds = self.scaling
        z = (np.where(np.isnan(numeric), medians, numeric) - means) / stds
        return np.hstack([np.clip(z, -8, 8), onehot])

    def predict(self, numeric: np.ndarray, onehot: np.ndarray, frame: pd.DataFrame) -> np.ndarray:
        """Probability of the positive label."""
        logits = self._design(numeric, onehot) @ self.coef[:-1] + self.coef[-1]
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -500, 500)))


class EstimatorModel:
    """A team's scikit-learn estimator (from `--model MODULE:CALLABLE`), fitted on the window's feature
    columns as a DataFrame and read through `predict_proba`."""

    def __init__(self, factory: Callable[[], Any], name: str) -> None:
        self.factory, self.name = factory, name
        self.estimator: Any = None
        self.constant: float | None = None
        self.train_rows = 0

    def fit(self, numeric: np.ndarray, onehot: np.ndarray, frame: pd.DataFrame, y: np.ndarray) -> EstimatorModel:
        """Fit a fresh estimator; a window with one label value only predicts that value's share."""
        self.train_rows = len(y)
        if np.unique(y).size < 2:
            self.constant = float(y.mean())
            return self
        self.estimator = self.factory()
        try:
            self.estimator.fit(frame, y)
        except Exception as exc:  # noqa: BLE001 - the team's code: its failure is one line naming it
            raise DataError(f"{type(exc).__name__} while fitting: {_first_line(exc)}", source=self.name,
                            field="--model") from None
        return self

    def predict(self, numeric: np.ndarray, onehot: np.ndarray, frame: pd.DataFrame) -> np.ndarray:
        """Probability of the positive label, from the column of class 1."""
        if self.constant is not None:
            return np.full(len(frame), self.constant)
        try:
            proba = np.asarray(self.estimator.predict_proba(frame), dtype=float)
            column = list(self.estimator.classes_).index(1)
        except Exception as exc:  # noqa: BLE001
            raise DataError(f"{type(exc).__name__} in predict_proba: {_first_line(exc)}", source=self.name,
                            field="--model") from None
        return proba[:, column]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def model_factory(spec: str | None) -> tuple[Callable[[np.ndarray | None], Any], str]:
    """(make a model, its name) for `--model MODULE:CALLABLE` (None: the workbook's own). The callable must
    return an unfitted estimator with `fit` and `predict_proba`; anything else is one line naming it."""
    if spec is None:
        return WorkbookModel, WorkbookModel.name
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise DataError(f"expected MODULE:CALLABLE, got {spec!r}", field="--model")
    from importlib import import_module

    try:
        target: Any = import_module(module_name)
    except Exception as exc:  # noqa: BLE001 - an import error of any kind is the user's input
        raise DataError(f"cannot import {module_name!r}: {_first_line(exc)}", field="--model") from None
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise DataError(f"{module_name!r} has no {attribute!r}", field="--model")
        target = getattr(target, part)
    if not callable(target):
        raise DataError(f"{spec} is not callable", field="--model")
    try:
        probe = target()
    except Exception as exc:  # noqa: BLE001
        raise DataError(f"{spec}() failed: {_first_line(exc)}", field="--model") from None
    missing = [m for m in ("fit", "predict_proba") if not callable(getattr(probe, m, None))]
    if missing:
        raise DataError(f"{spec}() returned a {type(probe).__name__}, which has no {' or '.join(missing)}",
                        field="--model")
    return (lambda _start: EstimatorModel(target, spec)), spec


# --------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class Profile:
    """A window's distribution as the drift tests read it: 200 quantiles and the std of each numeric
    column, the shares of each categorical column's values, and each numeric column's missing share."""

    quantiles: np.ndarray  # grid x numeric
    std: np.ndarray
    nulls: np.ndarray
    shares: tuple[np.ndarray, ...]  # one vector per categorical

    @classmethod
    def of(cls, numeric: np.ndarray, codes: np.ndarray, sizes: tuple[int, ...]) -> Profile:
        """Profile rows: numeric columns sorted once, categorical codes counted."""
        ordered = np.sort(numeric, axis=0)
        count = np.sum(~np.isnan(numeric), axis=0)
        with np.errstate(all="ignore"):
            std = np.nanstd(numeric, axis=0) if numeric.shape[1] else np.zeros(0)
        rows = max(len(numeric), 1)
        shares = tuple(np.bincount(codes[:, j], minlength=k) / rows for j, k in enumerate(sizes))
        quantiles = column_quantiles(ordered, count, GRID) if numeric.shape[1] else np.zeros((len(GRID), 0))
        return cls(quantiles, np.nan_to_num(std), 1 - count / rows, shares)


def drift_matrix(reference: Profile, quantiles: np.ndarray, shares: tuple[np.ndarray, ...],
                 std: np.ndarray | None = None) -> np.ndarray:
    """Drift statistics of many windows at once (`quantiles` windows x numeric x grid, one windows x
    values array per categorical) against `reference`, by the drift module's registered tests: normed
    Wasserstein on the quantile grids (normed by the reference's std, or by each window's own `std`),
    Jensen-Shannon distance on the shares. A column with no values counts as drifted (1.0). Returns
    windows x features, numeric first."""
    scale = reference.std if std is None else std
    with np.errstate(all="ignore"):
        numeric = np.asarray(normed_wasserstein(reference.quantiles.T, quantiles, scale), dtype=float)
    categorical = [np.atleast_1d(js_distance(np.broadcast_to(p, q.shape), q)) for p, q in zip(reference.shares, shares)]
    windows = quantiles.shape[0]
    return np.hstack([np.nan_to_num(numeric.reshape(windows, -1), nan=1.0),
                      *(c.reshape(windows, 1) for c in categorical)])


def drift_statistics(reference: Profile, current: Profile) -> np.ndarray:
    """One statistic per feature (numeric, then categorical), by `drift_matrix`."""
    return drift_matrix(reference, current.quantiles.T[None], tuple(s[None] for s in current.shares))[0]


def drift_verdicts(statistics: np.ndarray, thresholds: np.ndarray, numeric: int) -> np.ndarray:
    """Which features drifted, by each registered test's own verdict rule at its feature's threshold."""
    return np.concatenate([np.atleast_1d(NUMERIC_TEST.drifted(statistics[:numeric], thresholds[:numeric])),
                           np.atleast_1d(CATEGORICAL_TEST.drifted(statistics[numeric:], thresholds[numeric:]))])


# --------------------------------------------------------------------------- the world


@dataclass
class Trained:
    """A model with what the policies' checks read: the weeks it saw, its training data's profile, ranges
    and score distribution (the same fields as the simulation's `Trained`)."""

    key: tuple[int, ...]
    model: Any  # .train_rows, .predict
    profile: Profile
    low: np.ndarray
    high: np.ndarray
    score_quantiles: np.ndarray
    score_std: float


@dataclass(frozen=True)
class Calibration:
    """Thresholds read off the launch periods (cross-fitted), and the figures they came from."""

    drift: tuple[float, ...]  # per feature
    alike: float  # mean drift statistic under which two periods look alike
    prediction_drift: float
    auc_floor: float  # the AUC gate's bound
    auc_drop: float
    value_drop: float  # per row
    serving_error_rate: float
    periods: int
    stable: dict[str, float] = field(default_factory=dict)  # the stable periods' means and standard deviations

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"periods": self.periods, "drift": list(self.drift), "alike": self.alike,
                "prediction_drift": self.prediction_drift, "auc_floor": self.auc_floor, "auc_drop": self.auc_drop,
                "value_drop_per_row": self.value_drop, "serving_error_rate": self.serving_error_rate,
                "stable": self.stable}


class HistoryWorld:
    """One history, with the level policies' view of it: periods as weeks, labels `label_delay` late."""

    def __init__(self, history: History, *, value: OutcomeValue, costs: Costs, train_periods: int,
                 label_delay: int | None = None, make_model: Callable[[np.ndarray | None], Any] = WorkbookModel,
                 levels: tuple[int, ...] = (0, 1, 2, 3, 4)):
        self.history, self.value, self.costs, self.make_model = history, value, costs, make_model
        delay = history.label_delay if label_delay is None else label_delay
        self.first_period = train_periods + 1 + delay  # launch window, its evaluation period, the labels' wait
        self.first_week = -self.first_period
        self.served = history.n_periods - self.first_period
        if train_periods < 4:
            raise DataError(f"{train_periods} training period(s): at least 4 needed to calibrate", field="--train-periods")
        if self.served < 8:
            raise DataError(f"{history.n_periods} periods: {train_periods} to train, 1 to evaluate and {delay} of label "
                            f"delay leave {max(self.served, 0)} to replay, at least 8 needed: use shorter periods or "
                            f"fewer --train-periods", source=history.source, field="period")
        kinds = history.kinds
        self.numeric_names = [c for c, k in kinds.items() if k == "numeric"]
        self.categorical_names = [c for c, k in kinds.items() if k == "categorical"]
        frame = history.features
        self.numeric = frame[self.numeric_names].to_numpy(dtype=float, na_value=np.nan) if self.numeric_names \
            else np.zeros((history.n_rows, 0))
        codes, self.category_sizes = [], []
        for name in self.categorical_names:
            column = frame[name].astype("string").fillna("<missing>")
            values, index = np.unique(column.to_numpy(dtype=object).astype(str), return_inverse=True)
            codes.append(index)
            self.category_sizes.append(len(values))
        self.codes = np.column_stack(codes).astype(np.int64) if codes else np.zeros((history.n_rows, 0), dtype=np.int64)
        offsets = np.cumsum([0, *self.category_sizes])
        self.onehot = np.zeros((history.n_rows, int(offsets[-1])))
        for j, offset in enumerate(offsets[:-1]):
            self.onehot[np.arange(history.n_rows), offset + self.codes[:, j]] = 1.0
        self.amounts = frame[value.amount].to_numpy(dtype=float, na_value=0.0) if value.amount else None
        self.frame = frame
        self.y = history.y.astype(np.int64)
        self.missing_rows = np.isnan(self.numeric).any(axis=1) if self.numeric.shape[1] else np.zeros(history.n_rows, bool)
        self.profiles = [self._profile(self.rows(w)) for w in range(self.first_week, self.served)]
        self._stack = (np.array([p.quantiles.T for p in self.profiles]),
                       tuple(np.array([p.shares[j] for p in self.profiles]) for j in range(len(self.category_sizes))),
                       np.array([p.std for p in self.profiles]))
        self._models: dict[tuple[int, ...], Trained] = {}
        self._scores: dict[tuple[tuple[int, ...], int, bool], np.ndarray] = {}
        self._measured: dict[tuple[tuple[int, ...], int, bool], dict[str, float]] = {}
        self._drift: dict[tuple[tuple[int, ...], int], np.ndarray] = {}
        self._distances: dict[int, np.ndarray] = {}
        self._validated: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._start: np.ndarray | None = None
        self.trainings = 0
        self.calibration = self.calibrate(train_periods)
        self.config = replace(SimulationConfig(), levels=levels, weeks=self.served, label_delay=delay,
                              train_weeks=train_periods, drift_threshold=self.calibration.alike,
                              prediction_drift_threshold=self.calibration.prediction_drift,
                              performance_drop=self.calibration.auc_drop, auc_threshold=self.calibration.auc_floor,
                              profit_drop=1.0, serving_error_rate=self.calibration.serving_error_rate)
        self._thresholds = np.asarray(self.calibration.drift)

    # ---------------------------------------------------------------- rows and profiles

    def rows(self, week: int) -> slice:
        """Row positions of a week (period week + first_period)."""
        return self.history.rows(week + self.first_period)

    def period(self, week: int) -> int:
        """The history's period index of a week."""
        return week + self.first_period

    def _index(self, weeks: Iterable[int]) -> np.ndarray:
        return np.concatenate([np.arange(self.rows(w).start, self.rows(w).stop) for w in weeks])

    def _profile(self, index: slice | np.ndarray) -> Profile:
        return Profile.of(self.numeric[index], self.codes[index], tuple(self.category_sizes))

    # ---------------------------------------------------------------- what the policies ask

    def labelled(self, week: int) -> range:
        """The weeks whose labels have arrived by `week`."""
        return range(self.first_week, week - self.config.label_delay + 1)

    def distances(self, live: int) -> np.ndarray:
        """How unlike each week's inputs are to week `live`'s: the mean drift statistic, `live` as reference."""
        if live not in self._distances:
            reference = self.profiles[live - self.first_week]
            quantiles, shares, std = self._stack
            self._distances[live] = drift_matrix(reference, quantiles, shares, std).mean(axis=1)
        return self._distances[live]

    def looks_like(self, week: int, live: int) -> bool:
        """Whether a past week's inputs look like week `live`'s."""
        return bool(self.distances(live)[week - self.first_week] < self.config.drift_threshold)

    def alike(self, weeks: Iterable[int], live: int) -> list[int]:
        """The weeks whose inputs look like week `live`'s."""
        close = self.distances(live) < self.config.drift_threshold
        return [w for w in weeks if close[w - self.first_week]]

    def train(self, weeks: Iterable[int]) -> Trained:
        """A model trained on these weeks, cached (every level trains the same way on the same weeks)."""
        key = tuple(sorted(weeks))
        if key not in self._models:
            self._models[key] = self._fit(self._index(key), key)
            self.trainings += 1
        return self._models[key]

    def _fit(self, index: np.ndarray, key: tuple[int, ...]) -> Trained:
        model = self.make_model(self._start).fit(self.numeric[index], self.onehot[index], self.frame.iloc[index],
                                                 self.y[index])
        if self._start is None and isinstance(getattr(model, "coef", None), np.ndarray):
            self._start = model.coef  # the first fit warm-starts every later one (same optimum, fewer steps)
        scores = model.predict(self.numeric[index], self.onehot[index], self.frame.iloc[index])
        low, high = validated_range(self.numeric[index]) if self.numeric.shape[1] else (np.zeros(0), np.zeros(0))
        return Trained(key, model, self._profile(index), low, high, score_quantiles(scores), float(scores.std()) or 1.0)

    def scores(self, trained: Trained, week: int, *, guarded: bool = False) -> np.ndarray:
        """A model's scores on a week; `guarded`: behind the input guard (a column far more often outside
        the model's training range than chance is treated as missing and imputed)."""
        key = (trained.key, week, guarded)
        if key not in self._scores:
            rows = self.rows(week)
            numeric = self.numeric[rows]
            if guarded and numeric.shape[1]:
                with np.errstate(invalid="ignore"):
                    bad = (numeric < trained.low) | (numeric > trained.high)
                bad &= bad.mean(axis=0) > ValidationRules().max_out_of_range
                numeric = np.where(bad, np.nan, numeric)
            self._scores[key] = trained.model.predict(numeric, self.onehot[rows], self.frame.iloc[rows])
        return self._scores[key]

    def outcomes(self, scores: np.ndarray, week: int) -> np.ndarray:
        """What each of the week's rows was worth at these scores."""
        rows = self.rows(week)
        amount = None if self.amounts is None else self.amounts[rows]
        return self.value.rows(self.value.decide(scores, amount), self.y[rows], amount)

    def measured(self, trained: Trained, week: int, *, guarded: bool = False) -> dict[str, float]:
        """What a team measures once a week's labels are in: AUC, accuracy, log-loss, value per row
        (`profit`, the monitor's name) and the week's value and errors."""
        key = (trained.key, week, guarded)
        if key not in self._measured:
            y, s = self.y[self.rows(week)], self.scores(trained, week, guarded=guarded)
            clipped = np.clip(s, 1e-6, 1 - 1e-6)
            worth = self.outcomes(s, week)
            positive = self.value.decide(s, None if self.amounts is None else self.amounts[self.rows(week)])
            self._measured[key] = {
                "auc": roc_auc(y, s), "accuracy": accuracy(y, s),
                "log_loss": float(-np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))),
                "profit": float(worth.mean()), "value": float(worth.sum()),
                "errors": float(np.sum(positive != y.astype(bool))), "rows": float(len(y))}
        return self._measured[key]

    def volume(self, week: int) -> float:
        """The scale of 'value fell': the calibrated drop per row (the config's profit_drop is 1)."""
        return self.calibration.value_drop

    def error_rate(self, week: int) -> float:
        """Share of a week's rows with a missing input."""
        return float(self.missing_rows[self.rows(week)].mean())

    def data_drift(self, trained: Trained, week: int) -> np.ndarray:
        """Per-feature drift statistics of a week against a model's training data, cached."""
        key = (trained.key, week)
        if key not in self._drift:
            self._drift[key] = drift_statistics(trained.profile, self.profiles[week - self.first_week])
        return self._drift[key]

    def drifted(self, trained: Trained, week: int) -> np.ndarray:
        """Which features drifted against the model's training data, at each feature's calibrated threshold."""
        return drift_verdicts(self.data_drift(trained, week), self._thresholds, len(self.numeric_names))

    def prediction_drift(self, trained: Trained, scores: np.ndarray) -> float:
        """Wasserstein distance between live and training scores, normed by the training scores' std."""
        return float(normed_wasserstein(trained.score_quantiles, score_quantiles(scores), trained.score_std))

    def validation_failures(self, weeks: Iterable[int], champion: Trained) -> list[str]:
        """Data validation of these weeks against the serving champion's training data (gating's rules):
        each promotion moves the ranges. They span at least a whole training window: a champion trained
        only on the weeks since a change is checked against the last `train_weeks` up to its newest one
        (two months of a seasonal stream would make the next winter a fault). A problem found in every one of the weeks is not a fault in
        some of them but the stream as it now is (a new sensor, a new product): it passes, else a level
        whose champion predates a lasting change would block every retrain after it."""
        weeks = list(weeks)
        if not self.numeric.shape[1]:
            return []
        low, high, reference_nulls = self.validated(champion)
        outside, nulls = [], []
        for w in weeks:
            values = self.numeric[self.rows(w)]
            with np.errstate(invalid="ignore"):
                outside.append(((values < low) | (values > high)).mean(axis=0))
            nulls.append(np.isnan(values).mean(axis=0) - reference_nulls)
        sizes = [self.rows(w).stop - self.rows(w).start for w in weeks]
        return validation_problems(outside, nulls, sizes, self.numeric_names)

    def validated(self, champion: Trained) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ranges and missing shares data validation holds a candidate to: the champion's training
        weeks with the whole training window that ends at its newest one, cached per champion."""
        if champion.key not in self._validated:
            weeks = validation_window(champion.key, self.config.train_weeks, self.first_week)
            values = self.numeric[self._index(weeks)]
            low, high = validated_range(values)
            self._validated[champion.key] = (low, high, np.isnan(values).mean(axis=0))
        return self._validated[champion.key]

    # ---------------------------------------------------------------- calibration

    def calibrate(self, train_periods: int) -> Calibration:
        """Thresholds from the launch periods, cross-fitted (even periods fit, odd ones measured, and back)."""
        launch = list(range(self.first_week, self.first_week + train_periods))
        folds = (launch[0::2], launch[1::2])
        auc, worth, drift, moved = [], [], [], []
        for fit_on, measure in (folds, folds[::-1]):
            trained = self._fit(self._index(fit_on), tuple(fit_on))
            for week in measure:
                s = self.scores(trained, week)
                y = self.y[self.rows(week)]
                auc.append(roc_auc(y, s))
                worth.append(float(self.outcomes(s, week).mean()))
                drift.append(drift_statistics(trained.profile, self.profiles[week - self.first_week]))
                moved.append(self.prediction_drift(trained, s))
        self._scores.clear()  # the folds' scores are keyed by their weeks and are not the policies' models
        # `looks_like` compares one period with another, each in turn the reference: its null is the
        # launch periods compared pairwise, noisier than a period against a model's whole window
        pairs = np.concatenate([np.delete(self.distances(w), w - self.first_week)[:train_periods - 1] for w in launch])
        self._distances.clear()
        auc_values = np.asarray([a for a in auc if np.isfinite(a)])
        stats = np.vstack(drift)
        upper = lambda x: float(np.mean(x) + SPREAD * np.std(x, ddof=1))  # noqa: E731
        # distances are positive and right-skewed: their spread is read on the log scale
        upper_log = lambda x: float(np.exp(np.mean(np.log(np.maximum(x, 1e-12)))  # noqa: E731
                                           + SPREAD * np.std(np.log(np.maximum(x, 1e-12)), ddof=1)))
        errors = [float(self.missing_rows[self.rows(w)].mean()) for w in launch]
        auc_mean = float(auc_values.mean()) if auc_values.size else 0.5
        auc_sd = float(auc_values.std(ddof=1)) if auc_values.size > 1 else 0.0
        worth_sd = float(np.std(worth, ddof=1))
        return Calibration(
            drift=tuple(upper_log(stats[:, j]) for j in range(stats.shape[1])),
            alike=upper_log(pairs),
            prediction_drift=upper_log(moved),
            auc_floor=auc_mean - SPREAD * auc_sd,
            # the monitor compares one period with the champion's evaluation period: two noisy periods
            auc_drop=SPREAD * np.sqrt(2) * auc_sd,
            value_drop=max(SPREAD * np.sqrt(2) * worth_sd, 1e-9),
            serving_error_rate=max(upper(errors), 0.01),
            periods=train_periods,
            stable={"auc_mean": auc_mean, "auc_sd": auc_sd, "value_per_row_mean": float(np.mean(worth)),
                    "value_per_row_sd": worth_sd},
        )
