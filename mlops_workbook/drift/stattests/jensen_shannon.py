"""Jensen-Shannon distance (natural log, as scipy.spatial.distance.jensenshannon) between binned
distributions: categories for categorical features, the reference's quantile bins for numeric ones.
Evidently's categorical default for samples over 1,000 rows; threshold 0.1."""

from __future__ import annotations

import numpy as np

from ._base import TestResult, proportions
from .psi import bin_counts


def js_distance(p_counts: np.ndarray, q_counts: np.ndarray) -> float:
    p = proportions(p_counts.astype(float))
    q = proportions(q_counts.astype(float))
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_p = np.where(p > 0, p * np.log(p / m), 0.0).sum()
        kl_q = np.where(q > 0, q * np.log(q / m), 0.0).sum()
    return float(np.sqrt(max((kl_p + kl_q) / 2, 0.0)))


def jensen_shannon_categorical(ref_counts: np.ndarray, cur_counts: np.ndarray, *, threshold: float = 0.1) -> TestResult:
    value = js_distance(ref_counts, cur_counts)
    return TestResult("jensenshannon", value, float("nan"), threshold, value > threshold)


def jensen_shannon_numeric(ref_counts: np.ndarray, edges: np.ndarray, cur: np.ndarray, *, threshold: float = 0.1,
                           cur_sorted: bool = False) -> TestResult:
    current = cur if cur_sorted else np.sort(cur)
    value = js_distance(ref_counts, bin_counts(current, edges))
    return TestResult("jensenshannon", value, float("nan"), threshold, value > threshold)
