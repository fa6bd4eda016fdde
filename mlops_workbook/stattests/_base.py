from __future__ import annotations

from dataclasses import dataclass

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


def merged_cdfs(ref_sorted: np.ndarray, cur_sorted: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Walk both sorted samples together: for every point of the union, the two empirical CDFs.

    Returns (values, cdf_ref, cdf_cur) in merged order. The CDFs are `count / n` exactly as SciPy
    forms them, so statistics built on them are bit-for-bit SciPy's. A stable argsort of two sorted
    runs is a linear merge (timsort), far cheaper than two searchsorted passes.
    """
    n1, n2 = ref_sorted.size, cur_sorted.size
    merged = np.concatenate([ref_sorted, cur_sorted])
    order = np.argsort(merged, kind="stable")
    values = merged[order]
    count_ref = np.cumsum(order < n1)
    count_cur = np.arange(1, n1 + n2 + 1)
    count_cur -= count_ref
    return values, np.divide(count_ref, n1), np.divide(count_cur, n2)


def last_of_ties(values: np.ndarray) -> np.ndarray:
    """Mask of positions whose value differs from the next (the right end of each tie group)."""
    last = np.empty(values.size, dtype=bool)
    last[:-1] = values[1:] != values[:-1]
    last[-1] = True
    return last


def proportions(counts: np.ndarray, eps: float | None = None) -> np.ndarray:
    total = counts.sum()
    props = counts / total if total else np.zeros_like(counts, dtype=float)
    if eps is not None:
        props = np.where(props == 0, eps, props)
    return props
