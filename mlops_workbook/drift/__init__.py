"""Data drift: reference profiles, the per-feature drift table, and the registered statistical tests.

`from mlops_workbook.drift import drift_table` is the public way in; `drift.profiles` holds what is
computed once of a reference column, `drift.table` the comparison and its report (ReferenceProfile,
drift_table), `drift.stattests` the tests (one module each, self-registering).
"""

from __future__ import annotations

from .profiles import ColumnProfile, profile_column
from .stattests import STATTESTS, StatTest, TestResult, get_stattest, register
from .table import (
    DEFAULT_THRESHOLDS,
    TESTS,
    DriftReport,
    FeatureDrift,
    ReferenceProfile,
    choose_test,
    compare_column,
    drift_table,
    prediction_drift,
)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "STATTESTS",
    "TESTS",
    "ColumnProfile",
    "DriftReport",
    "FeatureDrift",
    "ReferenceProfile",
    "StatTest",
    "TestResult",
    "choose_test",
    "compare_column",
    "drift_table",
    "get_stattest",
    "prediction_drift",
    "profile_column",
    "register",
]
