"""Chi-square test of homogeneity for a categorical feature (both sides are samples).

Not a goodness-of-fit test against the reference's proportions taken as exact: with 100,000 rows
that one raises false alarms on undrifted columns. Equals scipy.stats.chi2_contingency(correction=False)
on the 2 x k table; categories absent from both sides are dropped. A numeric feature is tested on
the reference's quantile bins.
"""

from __future__ import annotations

import numpy as np
from scipy import special  # chdtrc is chi2.sf, without importing all of scipy.stats

from ._base import NumericReference, StatTest, TestResult, register
from .psi import bin_counts


def chi2_statistic(ref_counts: np.ndarray, cur_counts: np.ndarray) -> tuple[float, int]:
    """Pearson's statistic of the 2 x k table and its degrees of freedom (empty categories dropped);
    (0, 0) when fewer than two categories or an empty side leave nothing to test."""
    table = np.vstack([ref_counts, cur_counts]).astype(float)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return 0.0, 0
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    return float(((table - expected) ** 2 / expected).sum()), table.shape[1] - 1


def chi2_test(ref_counts: np.ndarray, cur_counts: np.ndarray, *, alpha: float = 0.05) -> TestResult:
    """Homogeneity of two category count vectors; drift when p < alpha."""
    statistic, dof = chi2_statistic(ref_counts, cur_counts)
    p = float(special.chdtrc(dof, statistic)) if dof else 1.0
    return CHI2.result(statistic, p, alpha)


def _numeric(ref: NumericReference, cur_sorted: np.ndarray, threshold: float) -> TestResult:
    assert ref.bin_counts is not None and ref.edges is not None
    return chi2_test(ref.bin_counts, bin_counts(cur_sorted, ref.edges), alpha=threshold)


def _categorical(ref_counts: np.ndarray, cur_counts: np.ndarray, threshold: float) -> TestResult:
    return chi2_test(ref_counts, cur_counts, alpha=threshold)


CHI2 = register(StatTest("chi2", "chi2", 0.05, on_p_value=True, numeric=_numeric, categorical=_categorical))
