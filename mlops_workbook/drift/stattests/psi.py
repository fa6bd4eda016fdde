"""Population Stability Index over bins cut at the reference's quantiles.

PSI = sum((cur - ref) * ln(cur / ref)) over bins. An empty bin on either side would make the
logarithm infinite, so a proportion of exactly 0 is replaced by EPS = 1e-4 (Evidently's choice).
Rule of thumb: < 0.1 stable, 0.1-0.25 moderate shift, > 0.25 major shift; threshold 0.1.
"""

from __future__ import annotations

import numpy as np

from ._base import TestResult, proportions

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


def psi_value(ref_counts: np.ndarray, cur_counts: np.ndarray) -> float:
    ref = proportions(ref_counts.astype(float), EPS)
    cur = proportions(cur_counts.astype(float), EPS)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def psi_numeric(ref_counts: np.ndarray, edges: np.ndarray, cur: np.ndarray, *, threshold: float = 0.1,
                cur_sorted: bool = False) -> TestResult:
    current = cur if cur_sorted else np.sort(cur)
    value = psi_value(ref_counts, bin_counts(current, edges))
    return TestResult("psi", value, float("nan"), threshold, value > threshold)


def psi_categorical(ref_counts: np.ndarray, cur_counts: np.ndarray, *, threshold: float = 0.1) -> TestResult:
    value = psi_value(ref_counts, cur_counts)
    return TestResult("psi", value, float("nan"), threshold, value > threshold)
