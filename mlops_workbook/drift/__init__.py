"""Data drift: reference profiles, the per-feature drift table, and the registered statistical tests.

`from mlops_workbook.drift import drift_table` is the public way in; `mlops_workbook.drift.table`
holds the table and `mlops_workbook.drift.stattests` the tests (one module each, self-registering).
"""

from __future__ import annotations

from .stattests import STATTESTS, StatTest, TestResult, get_stattest, register
from .table import (
    DEFAULT_THRESHOLDS,
    TESTS,
    ColumnProfile,
    DriftReport,
    FeatureDrift,
    ReferenceProfile,
    choose_test,
    compare_column,
    drift_table,
    prediction_drift,
    profile_column,
    read_table,
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
    "read_table",
    "register",
]
