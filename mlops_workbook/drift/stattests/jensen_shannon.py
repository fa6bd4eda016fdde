"""Jensen-Shannon distance (natural log, as scipy.spatial.distance.jensenshannon and Evidently) between
binned distributions: categories for categorical features, the reference's quantile bins for numeric
ones. Evidently's categorical default for samples over 1,000 rows; threshold 0.1.

`js_distance` works along the last axis, so the simulation computes many weeks in one call with the
very function the drift table uses on one column.
"""

from __future__ import annotations

import numpy as np

from ._base import NumericReference, StatTest, TestResult, proportions, register
from .psi import bin_counts


def js_distance(p_counts: np.ndarray, q_counts: np.ndarray) -> float | np.ndarray:
    """sqrt of the mean KL divergence of each side to their midpoint (natural log), along the last axis.
    Counts or shares alike (each side is normalised); a float for 1-D input, an array otherwise."""
    p = proportions(p_counts)
    q = proportions(q_counts)
    p, q = np.broadcast_arrays(p, q)
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_p = np.where(p > 0, p * np.log(p / m), 0.0).sum(axis=-1)
        kl_q = np.where(q > 0, q * np.log(q / m), 0.0).sum(axis=-1)
    value = np.sqrt(np.maximum((kl_p + kl_q) / 2, 0.0))
    return float(value) if value.ndim == 0 else value


def jensen_shannon_categorical(ref_counts: np.ndarray, cur_counts: np.ndarray, *, threshold: float = 0.1) -> TestResult:
    """JS distance between two category count vectors (same category order)."""
    return JENSEN_SHANNON.result(float(js_distance(ref_counts, cur_counts)), float("nan"), threshold)


def jensen_shannon_numeric(ref_counts: np.ndarray, edges: np.ndarray, cur: np.ndarray, *, threshold: float = 0.1,
                           cur_sorted: bool = False) -> TestResult:
    """JS distance between the reference's quantile-bin counts and the current values in the same bins."""
    current = cur if cur_sorted else np.sort(cur)
    return JENSEN_SHANNON.result(float(js_distance(ref_counts, bin_counts(current, edges))), float("nan"), threshold)


def _numeric(ref: NumericReference, cur_sorted: np.ndarray, threshold: float) -> TestResult:
    assert ref.bin_counts is not None and ref.edges is not None
    return jensen_shannon_numeric(ref.bin_counts, ref.edges, cur_sorted, threshold=threshold, cur_sorted=True)


def _categorical(ref_counts: np.ndarray, cur_counts: np.ndarray, threshold: float) -> TestResult:
    return jensen_shannon_categorical(ref_counts, cur_counts, threshold=threshold)


JENSEN_SHANNON = register(StatTest("js", "jensenshannon", 0.1, on_p_value=False, numeric=_numeric,
                                   categorical=_categorical))
