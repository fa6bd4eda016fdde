"""Two-sample Kolmogorov-Smirnov, two-sided: statistic and p-value equal to scipy.stats.ks_2samp."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from ._base import TestResult, last_of_ties, merged_cdfs

MAX_EXACT_N = 10_000  # SciPy's 'auto' rule: exact p-value when both samples have at most this many values


def ks_statistic(ref_sorted: np.ndarray, cur_sorted: np.ndarray) -> float:
    values, cdf_ref, cdf_cur = merged_cdfs(ref_sorted, cur_sorted)
    diffs = np.subtract(cdf_ref, cdf_cur, out=cdf_ref)
    last = last_of_ties(values)
    if not last.all():  # inside a group of tied values the CDFs are not yet complete: ignore those points
        np.copyto(diffs, 0.0, where=~last)
    return float(max(diffs.max(), min(max(-diffs.min(), 0.0), 1.0)))


def ks_pvalue(d: float, n1: int, n2: int) -> float:
    """SciPy's p-value for statistic d: exact for small samples, Smirnov's asymptotic otherwise."""
    if max(n1, n2) <= MAX_EXACT_N:
        try:
            from scipy.stats._stats_py import _attempt_exact_2kssamp  # same routine ks_2samp calls
        except ImportError:  # pragma: no cover - a SciPy without it: fall back to the public API
            return float("nan")
        success, _, prob = _attempt_exact_2kssamp(n1, n2, math.gcd(n1, n2), d, "two-sided")
        if success:
            return float(np.clip(prob, 0, 1))
    m, n = sorted([float(n1), float(n2)], reverse=True)
    en = m * n / (m + n)
    return float(np.clip(stats.kstwo.sf(d, np.round(en)), 0, 1))


def ks_test(ref_sorted: np.ndarray, cur: np.ndarray, *, alpha: float = 0.05, cur_sorted: bool = False) -> TestResult:
    current = cur if cur_sorted else np.sort(cur)
    d = ks_statistic(ref_sorted, current)
    p = ks_pvalue(d, ref_sorted.size, current.size)
    if math.isnan(p):  # pragma: no cover
        p = float(stats.ks_2samp(ref_sorted, current).pvalue)
    return TestResult("ks", d, p, alpha, p < alpha)
