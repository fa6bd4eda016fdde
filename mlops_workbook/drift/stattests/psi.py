"""Population Stability Index over bins cut at the reference's quantiles.

PSI = sum((cur - ref) * ln(cur / ref)) over bins. An empty bin on either side would make the
logarithm infinite, so a proportion of exactly 0 is replaced by EPS = 1e-4 (Evidently's choice).
Rule of thumb: < 0.1 stable, 0.1-0.25 moderate shift, > 0.25 major shift; threshold 0.1.
"""

from __future__ import annotations

import numpy as np

from ._base import NumericReference, StatTest, TestResult, proportions, register

EPS = 1e-4


def quantile_edges(ref_sorted: np.ndarray, bins: int = 10) -> np.ndarray:
    """Inner bin edges at the reference's quantiles (duplicates dropped, so ties never make empty bins)."""
    if ref_sorted.size == 0:
        return np.empty(0)
    pos = np.linspace(0, 1, bins + 1)[1:-1] * (ref_sorted.size - 1)
    low = np.floor(pos).astype(np.int64)
    high = np.minimum(low + 1, ref_sorted.size - 1)
    qs = ref_sorted[low] + (ref_sorted[high] - ref_sorted[low]) * (pos - low)  # linear, as np.quantile
    return np.unique(qs)


def bin_counts(sorted_values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts per bin (-inf, e0], (e0, e1], …, (ek, inf) from sorted values, by binary search."""
    cuts = np.searchsorted(sorted_values, edges, side="right")
    return np.diff(np.concatenate([[0], cuts, [sorted_values.size]]))


def psi_value(ref_counts: np.ndarray, cur_counts: np.ndarray) -> float | np.ndarray:
    """PSI of two count (or share) vectors along the last axis: a float for 1-D input, an array otherwise."""
    ref = proportions(ref_counts, EPS)
    cur = proportions(cur_counts, EPS)
    value = np.sum((cur - ref) * np.log(cur / ref), axis=-1)
    return float(value) if np.ndim(value) == 0 else value


def psi_numeric(ref_counts: np.ndarray, edges: np.ndarray, cur: np.ndarray, *, threshold: float = 0.1,
                cur_sorted: bool = False) -> TestResult:
    """PSI of the current values in the reference's quantile bins."""
    current = cur if cur_sorted else np.sort(cur)
    return PSI.result(float(psi_value(ref_counts, bin_counts(current, edges))), float("nan"), threshold)


def psi_categorical(ref_counts: np.ndarray, cur_counts: np.ndarray, *, threshold: float = 0.1) -> TestResult:
    """PSI of two category count vectors (same category order)."""
    return PSI.result(float(psi_value(ref_counts, cur_counts)), float("nan"), threshold)


def _numeric(ref: NumericReference, cur_sorted: np.ndarray, threshold: float) -> TestResult:
    assert ref.bin_counts is not None and ref.edges is not None
    return psi_numeric(ref.bin_counts, ref.edges, cur_sorted, threshold=threshold, cur_sorted=True)


def _categorical(ref_counts: np.ndarray, cur_counts: np.ndarray, threshold: float) -> TestResult:
    return psi_categorical(ref_counts, cur_counts, threshold=threshold)


PSI = register(StatTest("psi", "psi", 0.1, on_p_value=False, numeric=_numeric, categorical=_categorical))
