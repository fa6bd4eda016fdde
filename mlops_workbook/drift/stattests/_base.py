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


def proportions(counts: np.ndarray, eps: float | None = None) -> np.ndarray:
    total = counts.sum()
    props = counts / total if total else np.zeros_like(counts, dtype=float)
    if eps is not None:
        props = np.where(props == 0, eps, props)
    return props
