"""Two-sample Kolmogorov-Smirnov, two-sided: statistic and p-value equal to scipy.stats.ks_2samp."""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from ._base import NumericReference, StatTest, TestResult, register

MAX_EXACT_N = 10_000  # SciPy's 'auto' rule: exact p-value when both samples have at most this many values
TINY_P = 1e-10


def ks_statistic(ref_sorted: np.ndarray, cur_sorted: np.ndarray) -> float:
    """sup |F_ref - F_cur| over the pooled points, SciPy's value (to float rounding).

    A stable argsort of two sorted runs is a linear merge (timsort). The difference of the two
    empirical CDFs, scaled by n1*n2, is an exact integer at every pooled point, so the extremes are
    found in integers and only those two points are turned into floats, as i/n1 - j/n2 like SciPy.
    """
    n1, n2 = ref_sorted.size, cur_sorted.size
    merged = np.concatenate([ref_sorted, cur_sorted])
    order = np.argsort(merged, kind="stable")
    count_ref = np.cumsum(order < n1)
    key = count_ref * (n1 + n2) - np.arange(1, n1 + n2 + 1) * n1  # (F_ref - F_cur) * n1 * n2
    values = merged[order]
    tied = values[1:] == values[:-1]
    if tied.any():  # inside a group of tied values the CDFs are not complete yet: ignore those points
        key[:-1][tied] = 0

    def cdf_difference(position: int) -> float:
        i = int(count_ref[position])
        return i / n1 - (position + 1 - i) / n2

    high, low = int(np.argmax(key)), int(np.argmin(key))
    d_plus = cdf_difference(high) if key[high] > 0 else 0.0
    d_minus = -cdf_difference(low) if key[low] < 0 else 0.0
    return float(max(d_plus, min(max(d_minus, 0.0), 1.0)))


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
    en = np.round(m * n / (m + n))
    if 2 * math.exp(-2 * en * d * d) < TINY_P:
        # Massart's bound on the one-sample distribution SciPy uses says p < TINY_P. SciPy would spend
        # an O(n) Smirnov sum (0.35 s at n = 500,000) to find how tiny; the limiting Kolmogorov value
        # is also below TINY_P, so both agree to 1e-9 absolute, at no cost.
        return float(special.kolmogorov(math.sqrt(en) * d))
    from scipy import stats  # the one caller of scipy.stats: loaded only when a KS test runs

    return float(np.clip(stats.kstwo.sf(d, en), 0, 1))


def ks_test(ref_sorted: np.ndarray, cur: np.ndarray, *, alpha: float = 0.05, cur_sorted: bool = False) -> TestResult:
    """Two-sided two-sample KS of a sorted reference against the current values; drift when p < alpha."""
    current = cur if cur_sorted else np.sort(cur)
    d = ks_statistic(ref_sorted, current)
    p = ks_pvalue(d, ref_sorted.size, current.size)
    if math.isnan(p):  # pragma: no cover
        from scipy import stats

        p = float(stats.ks_2samp(ref_sorted, current).pvalue)
    return KS.result(d, p, alpha)


def _numeric(ref: NumericReference, cur_sorted: np.ndarray, threshold: float) -> TestResult:
    assert ref.sorted_values is not None
    return ks_test(ref.sorted_values, cur_sorted, alpha=threshold, cur_sorted=True)


KS = register(StatTest("ks", "ks", 0.05, on_p_value=True, numeric=_numeric))
