"""Wasserstein-1 distance normed by the reference's standard deviation (Evidently's numeric default
for samples over 1,000 rows, threshold 0.1). The distance equals scipy.stats.wasserstein_distance.

W1 is computed as the integral over u in (0, 1] of |Q_ref(u) - Q_cur(u)| (the quantile functions),
which needs no data-dependent merge: the breakpoints of both step functions depend only on the two
sample sizes, so they are computed once per pair of sizes and cached (every weekly window of a
simulation has the same sizes). The functions work along the last axis, so the simulation passes
many weeks' quantile grids at once to the same code the drift table runs on one column.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ._base import NumericReference, StatTest, TestResult, register


@lru_cache(maxsize=8)
def _quantile_grid(n1: int, n2: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index into each sorted sample and the width of every piece of the merged u-grid."""
    if n1 == n2:
        idx = np.arange(n1)
        return idx, idx, np.full(n1, 1.0 / n1)
    # Breakpoints i/n1 and j/n2 as integers over n1*n2, so the grid is exact.
    breaks = np.union1d(np.arange(1, n1 + 1, dtype=np.int64) * n2, np.arange(1, n2 + 1, dtype=np.int64) * n1)
    idx1 = (breaks + n2 - 1) // n2 - 1
    idx2 = (breaks + n1 - 1) // n1 - 1
    widths = np.diff(breaks, prepend=0) / (n1 * n2)
    for arr in (idx1, idx2, widths):
        arr.setflags(write=False)
    return idx1, idx2, widths


def wasserstein_distance(ref_sorted: np.ndarray, cur_sorted: np.ndarray) -> float | np.ndarray:
    """W1 between two samples sorted along the last axis (leading axes broadcast): a float for 1-D
    input, an array otherwise. A sample of NaNs (a column with no values) gives NaN."""
    n1, n2 = ref_sorted.shape[-1], cur_sorted.shape[-1]
    if n1 == n2:
        value = np.mean(np.abs(ref_sorted - cur_sorted), axis=-1)
    else:
        idx1, idx2, widths = _quantile_grid(n1, n2)
        value = np.abs(ref_sorted[..., idx1] - cur_sorted[..., idx2]) @ widths
    return float(value) if np.ndim(value) == 0 else value


def normed_wasserstein(ref_sorted: np.ndarray, cur_sorted: np.ndarray, ref_std: float | np.ndarray) -> float | np.ndarray:
    """W1 divided by the reference's std; a constant reference (std 0) is normed by 1, i.e. the distance
    is taken in the feature's units. Broadcasts like `wasserstein_distance` (`ref_std` per leading row)."""
    scale = np.asarray(ref_std, dtype=float)
    value = wasserstein_distance(ref_sorted, cur_sorted) / np.where(scale > 0, scale, 1.0)
    return float(value) if np.ndim(value) == 0 else value


def wasserstein_test(
    ref_sorted: np.ndarray, cur: np.ndarray, ref_std: float, *, threshold: float = 0.1, cur_sorted: bool = False
) -> TestResult:
    """Normed W1 of a sorted reference against the current values; drift when above `threshold`."""
    current = cur if cur_sorted else np.sort(cur)
    return WASSERSTEIN.result(float(normed_wasserstein(ref_sorted, current, ref_std)), float("nan"), threshold)


def _numeric(ref: NumericReference, cur_sorted: np.ndarray, threshold: float) -> TestResult:
    assert ref.sorted_values is not None
    return wasserstein_test(ref.sorted_values, cur_sorted, ref.std, threshold=threshold, cur_sorted=True)


WASSERSTEIN = register(StatTest("wasserstein", "wasserstein", 0.1, on_p_value=False, numeric=_numeric))
