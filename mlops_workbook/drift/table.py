"""Data drift: a reference profile computed once, compared against many current windows.

Defaults follow Evidently's data-drift preset, so numbers can be compared with it:

| feature type | reference rows <= 1000 | reference rows > 1000 |
| --- | --- | --- |
| numeric | KS, drift when p < 0.05 | Wasserstein normed by the reference std, drift when > 0.1 |
| categorical | chi-square homogeneity, drift when p < 0.05 | Jensen-Shannon distance, drift when > 0.1 |

Numeric columns with at most 5 distinct values in the reference are tested as categorical, as
Evidently's preset does (a 0/1 flag or a 1-5 rating is a category, not a distribution).
The dataset drifts when the share of drifted features reaches `drift_share` (0.5, Evidently's default).
Missing values are dropped before testing; each side's null share is reported next to the test.
What is computed once of a reference column lives in `profiles.py`; this module compares.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from .profiles import ColumnProfile, category_counts, is_numeric, numeric_values, profile_column
from .stattests import STATTESTS, TestResult

TESTS = ("auto", *STATTESTS)  # the tests registered at import, plus Evidently's choice by type and size (CLI choices)
SMALL_SAMPLE = 1000
DEFAULT_THRESHOLDS = {name: test.threshold for name, test in STATTESTS.items()}  # as registered at import


def default_thresholds() -> dict[str, float]:
    """Every registered test's default threshold, read from the registry now (a test registered later counts)."""
    return {name: test.threshold for name, test in STATTESTS.items()}
AUTO = {("numeric", True): "ks", ("numeric", False): "wasserstein", ("categorical", True): "chi2",
        ("categorical", False): "js"}  # (kind, reference has at most SMALL_SAMPLE rows) -> test
_PARALLEL_CELLS = 400_000


@dataclass(frozen=True)
class FeatureDrift:
    """One feature's row of the drift table: the test used, its number, the verdict and both null shares."""

    feature: str
    type: str
    test: str
    statistic: float
    p_value: float | None
    threshold: float
    drifted: bool
    null_share_ref: float
    null_share_cur: float
    note: str = ""


@dataclass
class DriftReport:
    """The drift table of one comparison: a row per tested feature, the dataset verdict (share of drifted
    features against `drift_share`) and the columns skipped with why (`skipped` grows while a one-shot
    `drift_table` adds the reference-only columns, hence not frozen)."""

    features: list[FeatureDrift]
    drift_share: float
    share_drifted: float
    dataset_drift: bool
    n_reference: int
    n_current: int
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def drifted_features(self) -> list[str]:
        """Names of the features whose test says drift, in table order."""
        return [f.feature for f in self.features if f.drifted]

    def score(self, feature: str) -> float:
        """The statistic of one feature (KeyError when it was not tested)."""
        for f in self.features:
            if f.feature == feature:
                return f.statistic
        raise KeyError(feature)

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame, for notebooks and reports."""
        return pd.DataFrame([asdict(f) for f in self.features])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (`drift --json`): NaN becomes null."""
        def clean(value: Any) -> Any:
            return None if isinstance(value, float) and math.isnan(value) else value

        return {
            "dataset_drift": self.dataset_drift,
            "share_drifted": round(self.share_drifted, 6),
            "drift_share": self.drift_share,
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "features": [{k: clean(v) for k, v in asdict(f).items()} for f in self.features],
            "skipped": [{"feature": c, "reason": r} for c, r in self.skipped],
        }


# --------------------------------------------------------------------------- the profile


class ReferenceProfile:
    """Sorted values, bin edges and category counts of a reference frame: built once, compared many times."""

    def __init__(self, columns: dict[str, ColumnProfile], n_rows: int, *, name: str = "reference"):
        self.columns = columns
        self.n_rows = n_rows
        self.name = name

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        columns: Sequence[str] | None = None,
        categorical: Iterable[str] = (),
        bins: int = 10,
        name: str = "reference",
        jobs: int | None = None,
    ) -> ReferenceProfile:
        """Profile the chosen columns of `frame` (`categorical` forces those to categories); large frames
        are profiled on several threads."""
        if not isinstance(frame, pd.DataFrame):
            raise DataError("expected a DataFrame", source=name)
        wanted = list(columns) if columns is not None else [str(c) for c in frame.columns]
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            raise DataError(f"column {missing[0]!r} not found", source=name, field=missing[0])
        forced = set(categorical)

        def build(col: str) -> ColumnProfile:
            return profile_column(frame[col], name=col, kind="categorical" if col in forced else None, bins=bins)

        profiles = _map(build, wanted, parallel=frame.shape[0] * len(wanted) >= _PARALLEL_CELLS, jobs=jobs)
        return cls(dict(zip(wanted, profiles)), len(frame), name=name)

    def compare(
        self,
        current: pd.DataFrame,
        *,
        test: str = "auto",
        thresholds: dict[str, float] | None = None,
        drift_share: float = 0.5,
        name: str = "current",
        jobs: int | None = None,
    ) -> DriftReport:
        """Test every profiled column present in `current`; columns on one side only are reported as skipped."""
        if test != "auto" and test not in STATTESTS:
            raise DataError(f"unknown test {test!r} (choose from auto, {', '.join(STATTESTS)})", field="test")
        if not isinstance(current, pd.DataFrame):
            raise DataError("expected a DataFrame", source=name)
        limits = {**default_thresholds(), **(thresholds or {})}
        common = [c for c in self.columns if c in current.columns]
        skipped = [(c, f"not in {name}") for c in self.columns if c not in current.columns]
        skipped += [(str(c), f"not in {self.name}") for c in current.columns if str(c) not in self.columns]
        if not common:
            raise DataError(f"no columns in common with {self.name}", source=name)
        for col in common:
            ref_kind = self.columns[col].kind
            if ref_kind == "numeric" and not is_numeric(current[col]) and current[col].notna().any():
                raise DataError(
                    f"numeric in {self.name} but {current[col].dtype} in {name}", source=name, field=f"column {col!r}"
                )

        def run(col: str) -> FeatureDrift:
            return compare_column(self.columns[col], current[col], test=test, thresholds=limits)

        parallel = current.shape[0] * len(common) >= _PARALLEL_CELLS
        features = _map(run, common, parallel=parallel, jobs=jobs)
        share = sum(f.drifted for f in features) / len(features)
        return DriftReport(features, drift_share, share, share >= drift_share, self.n_rows, len(current), skipped)


def _map(func: Any, items: list[str], *, parallel: bool, jobs: int | None) -> list[Any]:
    workers = jobs or os.cpu_count() or 1
    if not parallel or workers == 1 or len(items) < 2:
        return [func(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:  # NumPy sorts release the GIL
        return list(pool.map(func, items))


def choose_test(kind: str, n_reference: int, test: str = "auto") -> str:
    """The registered test a column gets: Evidently's choice for `auto`, else `test`, or its fallback
    when `test` has no function for this kind (KS on categories becomes chi-square)."""
    if test == "auto":
        return AUTO[(kind, n_reference <= SMALL_SAMPLE)]
    spec = STATTESTS[test]
    has = spec.numeric if kind == "numeric" else spec.categorical
    return test if has is not None else spec.fallback


def compare_column(
    profile: ColumnProfile, current: pd.Series, *, test: str = "auto", thresholds: dict[str, float] | None = None
) -> FeatureDrift:
    """One row of the drift table: the chosen registered test of `current` against the reference column."""
    limits = {**default_thresholds(), **(thresholds or {})}
    chosen = choose_test(profile.kind, profile.n, test)
    spec = STATTESTS[chosen]
    note = "" if test in ("auto", chosen) else f"{test} does not apply to a categorical feature; {chosen} used"

    if profile.kind == "numeric":
        values, null_cur = numeric_values(current)
        if profile.n == 0 or values.size == 0:
            side = "reference" if profile.n == 0 else "current"
            return FeatureDrift(profile.name, "numeric", chosen, math.nan, None, limits[chosen],
                                profile.n != values.size, profile.null_share, null_cur, f"all values missing in {side}")
        assert spec.numeric is not None
        result: TestResult = spec.numeric(profile, np.sort(values), limits[chosen])
        if profile.std == 0 and chosen == "wasserstein":
            note = "constant in reference: distance in the feature's units"
        return _row(profile, result, null_cur, note)

    counts, null_cur = category_counts(current)
    categories = list(profile.categories) + sorted(set(counts) - set(profile.categories))
    ref_counts = np.concatenate([profile.counts if profile.counts is not None else np.zeros(0, np.int64),
                                 np.zeros(len(categories) - len(profile.categories), dtype=np.int64)])
    cur_counts = np.array([counts.get(c, 0) for c in categories], dtype=np.int64)
    if ref_counts.sum() == 0 or cur_counts.sum() == 0:
        side = "reference" if ref_counts.sum() == 0 else "current"
        return FeatureDrift(profile.name, "categorical", chosen, math.nan, None, limits[chosen],
                            ref_counts.sum() != cur_counts.sum(), profile.null_share, null_cur,
                            f"all values missing in {side}")
    new = [c for c in categories if c not in profile.categories]
    if new and not note:
        note = f"new categories: {', '.join(new[:5])}"
    assert spec.categorical is not None
    return _row(profile, spec.categorical(ref_counts, cur_counts, limits[chosen]), null_cur, note)


def _row(profile: ColumnProfile, result: TestResult, null_cur: float, note: str) -> FeatureDrift:
    p_value = None if math.isnan(result.p_value) else result.p_value
    return FeatureDrift(profile.name, profile.kind, result.test, result.statistic, p_value, result.threshold,
                        bool(result.drifted), profile.null_share, null_cur, note)


# --------------------------------------------------------------------------- one-shot helpers


def drift_table(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    test: str = "auto",
    columns: Sequence[str] | None = None,
    categorical: Iterable[str] = (),
    thresholds: dict[str, float] | None = None,
    drift_share: float = 0.5,
    names: tuple[str, str] = ("reference", "current"),
    jobs: int | None = None,
) -> DriftReport:
    """Compare two frames on their common columns (one-shot: builds the reference profile first)."""
    if columns is None:
        columns = [str(c) for c in reference.columns if c in current.columns]
        if not columns:
            raise DataError(f"no columns in common with {names[0]}", source=names[1])
    profile = ReferenceProfile.from_frame(reference, columns=columns, categorical=categorical, name=names[0], jobs=jobs)
    report = profile.compare(current, test=test, thresholds=thresholds, drift_share=drift_share, name=names[1], jobs=jobs)
    report.skipped += [(str(c), f"not in {names[1]}") for c in reference.columns if c not in current.columns]
    return report


def prediction_drift(reference_scores: np.ndarray, current_scores: np.ndarray, *, test: str = "auto",
                     threshold: float | None = None) -> FeatureDrift:
    """Drift of a model's output distribution (scores), with the numeric defaults."""
    profile = profile_column(pd.Series(np.asarray(reference_scores, dtype=float)), name="prediction")
    limits = default_thresholds()
    chosen = choose_test("numeric", profile.n, test)
    if threshold is not None:
        limits[chosen] = threshold
    return compare_column(profile, pd.Series(np.asarray(current_scores, dtype=float)), test=chosen, thresholds=limits)
