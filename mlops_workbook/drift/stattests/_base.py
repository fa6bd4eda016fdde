"""The result every drift test returns, and the registry the tests add themselves to.

Each test module ends with `register(StatTest(...))` (Evidently's habit): the drift table and the
simulation look a test up by name in `STATTESTS` and never branch on names. A test brings its
array-level functions: the numeric one takes a reference column's profile (sorted values, std, bin
edges and counts) and the sorted current values; the categorical one takes two count vectors. The
same functions serve the per-column drift table and the simulation's vectorised code, so there is
one implementation of each statistic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class TestResult:
    """`statistic` is the test's number; `p_value` is NaN for distance tests (drift when above threshold)."""

    test: str
    statistic: float
    p_value: float
    threshold: float
    drifted: bool

    __test__ = False  # not a pytest class


class NumericReference(Protocol):
    """What a numeric test reads of a reference column (drift.profiles.ColumnProfile has all of it)."""

    sorted_values: np.ndarray | None
    std: float
    edges: np.ndarray | None
    bin_counts: np.ndarray | None


NumericFunction = Callable[[NumericReference, np.ndarray, float], TestResult]
CategoricalFunction = Callable[[np.ndarray, np.ndarray, float], TestResult]


@dataclass(frozen=True)
class StatTest:
    """One registered drift test: its name (as `--test` and `thresholds` spell it), the label its rows
    carry, its default threshold, whether that threshold bounds a p-value (drift when p < threshold) or
    a distance (drift when statistic > threshold), and its functions per feature kind. A kind without a
    function falls back to `fallback` (KS and Wasserstein need an order that categories lack)."""

    name: str
    label: str
    threshold: float
    on_p_value: bool
    numeric: NumericFunction | None = None
    categorical: CategoricalFunction | None = None
    fallback: str = "chi2"

    __test__ = False  # not a pytest class

    def drifted(self, value: float | np.ndarray, threshold: float | None = None) -> bool | np.ndarray:
        """The verdict for a p-value (p-value tests) or a statistic (distance tests), scalar or array:
        one rule for the drift table and the simulation."""
        limit = self.threshold if threshold is None else threshold
        verdict = np.asarray(value) < limit if self.on_p_value else np.asarray(value) > limit
        return bool(verdict) if verdict.ndim == 0 else verdict

    def result(self, statistic: float, p_value: float, threshold: float) -> TestResult:
        """A `TestResult` with this test's label and verdict (the p-value is NaN for distances)."""
        return TestResult(self.label, statistic, p_value, threshold,
                          bool(self.drifted(p_value if self.on_p_value else statistic, threshold)))


STATTESTS: dict[str, StatTest] = {}


def register(test: StatTest) -> StatTest:
    """Add a test to the registry under its name (a second registration of a name replaces the first)."""
    STATTESTS[test.name] = test
    return test


def get_stattest(name: str) -> StatTest:
    """The registered test called `name`; KeyError names the known ones."""
    try:
        return STATTESTS[name]
    except KeyError:
        raise KeyError(f"unknown drift test {name!r} (registered: {', '.join(STATTESTS)})") from None


def proportions(counts: np.ndarray, eps: float | None = None) -> np.ndarray:
    """Counts (or shares) along the last axis as proportions; an all-zero row stays zeros. With `eps`,
    a proportion of exactly 0 becomes `eps` (PSI's guard against log 0)."""
    counts = np.asarray(counts, dtype=float)
    total = counts.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        props = np.where(total > 0, counts / np.where(total > 0, total, 1.0), 0.0)
    if eps is not None:
        props = np.where(props == 0, eps, props)
    return props
