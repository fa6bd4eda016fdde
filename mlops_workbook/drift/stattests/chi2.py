"""Chi-square test of homogeneity for a categorical feature (both sides are samples).

Not a goodness-of-fit test against the reference's proportions taken as exact: with 100,000 rows
that one raises false alarms on undrifted columns. Equals scipy.stats.chi2_contingency(correction=False)
on the 2 x k table; categories absent from both sides are dropped.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from ._base import TestResult


def chi2_test(ref_counts: np.ndarray, cur_counts: np.ndarray, *, alpha: float = 0.05) -> TestResult:
    table = np.vstack([ref_counts, cur_counts]).astype(float)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return TestResult("chi2", 0.0, 1.0, alpha, False)
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    statistic = float(((table - expected) ** 2 / expected).sum())
    p = float(stats.chi2.sf(statistic, table.shape[1] - 1))
    return TestResult("chi2", statistic, p, alpha, p < alpha)
