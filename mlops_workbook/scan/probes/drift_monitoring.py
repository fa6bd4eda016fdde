"""Drift and model-performance monitoring: Evidently, NannyML, whylogs, Alibi Detect, Deepchecks."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import findings, libraries

ID = "drift-monitoring"
SHORT = ("Drift and performance monitoring code: Evidently reports/presets, NannyML estimators, whylogs profiles, "
         "Alibi Detect detectors")
CRITERIA = {"monitor-2-basic-drift": "yes", "monitor-3-data-drift": "partial", "monitor-3-prediction-drift": "partial",
            "monitor-2-performance-labels": "partial"}
REMEDIATION = "Compare production inputs and predictions with the training data on a schedule (Evidently is a good start)."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_TOOLS = (
    (("evidently",), ("evidently",), re.compile(r"\b(?:Report|TestSuite|DataDriftPreset|DataDriftTable|"
                                                 r"DataDriftTestPreset|ColumnDriftMetric|ValueDrift|DriftedColumnsCount)\s*\("),
     "Evidently"),
    (("nannyml",), ("nannyml",), re.compile(r"\bnml\.\w+\(|\b(?:CBPE|DLE|UnivariateDriftCalculator|"
                                            r"DataReconstructionDriftCalculator|PerformanceCalculator)\s*\("), "NannyML"),
    (("whylogs",), ("whylogs",), re.compile(r"\bwhy\.log\s*\(|\bwhylogs\.log\s*\("), "whylogs"),
    (("alibi_detect",), ("alibi-detect",), re.compile(r"\b(?:KSDrift|MMDDrift|ChiSquareDrift|TabularDrift|"
                                                      r"LSDDDrift|CVMDrift)\s*\("), "Alibi Detect"),
)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive, weak = libraries(raw, _TOOLS)
    return findings(ID, positive, weak)
