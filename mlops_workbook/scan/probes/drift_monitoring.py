"""Drift and model-performance monitoring: Evidently, NannyML, whylogs, Alibi Detect, Deepchecks."""

from __future__ import annotations

import re
from dataclasses import replace

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings, libraries

ID = "drift-monitoring"
SHORT = ("Drift and performance monitoring code: Evidently reports/presets (and the dashboards, profiles and `ModelMonitoring` monitors before 0.2, ZenML's Evidently steps), NannyML estimators, whylogs profiles, "
         "Alibi Detect detectors; cited at the drift metric for drift, at a drift metric on the prediction column for "
         "prediction drift, at a performance metric (Evidently classification/regression quality, NannyML realized "
         "performance) for performance on labels")
CRITERIA = {"monitor-2-basic-drift": "yes", "monitor-3-data-drift": "partial", "monitor-3-prediction-drift": "partial",
            "monitor-2-performance-labels": "partial"}
REMEDIATION = "Compare production inputs and predictions with the training data on a schedule (Evidently is a good start)."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_TOOLS = (
    (("evidently",), ("evidently",), re.compile(r"\b(?:Report|TestSuite|DataDriftPreset|DataDriftTable|"
                                                 r"DataDriftTestPreset|ColumnDriftMetric|ValueDrift|DriftedColumnsCount|"
                                                 r"Dashboard|Profile|ModelMonitoring)\s*\("),
     "Evidently"),
    # ZenML's Evidently steps (`evidently_profile_step(..., profile_sections=["datadrift"])`) run the same reports.
    (("zenml",), ("zenml",), re.compile(r"\bevidently_(?:profile|report|test)_step\s*\("), "ZenML's Evidently step"),
    (("nannyml",), ("nannyml",), re.compile(r"\bnml\.\w+\(|\b(?:CBPE|DLE|UnivariateDriftCalculator|"
                                            r"DataReconstructionDriftCalculator|PerformanceCalculator)\s*\("), "NannyML"),
    (("whylogs",), ("whylogs",), re.compile(r"\bwhy\.log\s*\(|\bwhylogs\.log\s*\("), "whylogs"),
    (("alibi_detect",), ("alibi-detect",), re.compile(r"\b(?:KSDrift|MMDDrift|ChiSquareDrift|TabularDrift|"
                                                      r"LSDDDrift|CVMDrift)\s*\("), "Alibi Detect"),
)
# Which metric carries which criterion, in a file that imports the library. A drift metric over the inputs (a
# preset, a table, a per-column drift): data drift. A drift metric on the prediction column: prediction drift.
# A quality metric computed against the labels (Evidently's classification or regression quality, NannyML's
# realized PerformanceCalculator; not CBPE/DLE, which estimate performance without labels): performance on labels.
_PREDICTION_COLUMN = r"['\"](?:\w*pred\w*|output|score|y_hat)['\"]"
_PREDICTION_DRIFT = re.compile(rf"\b(?:ColumnDriftMetric|ValueDrift|TestColumnDrift)\s*\(\s*column(?:_name)?\s*=\s*"
                               rf"{_PREDICTION_COLUMN}")
# Evidently before 0.2 also had `ModelMonitoring(monitors=[DataDriftMonitor()])`, the metrics it exports to
# Prometheus, and a performance monitor, tab or profile section per task.
_FEATURE_DRIFT = re.compile(r"\b(?:DataDriftTab|DataDriftProfileSection|DataDriftMonitor|DataDriftPreset|DataDriftTable|DataDriftTestPreset|DatasetDriftMetric|DriftedColumnsCount|"
                            r"ColumnDriftMetric|ValueDrift|TestColumnDrift|TestShareOfDriftedColumns|"
                            r"TestNumberOfDriftedColumns|UnivariateDriftCalculator|DataReconstructionDriftCalculator)\s*\(")
_PERFORMANCE = re.compile(r"\b(?:ClassificationPreset|RegressionPreset|ClassificationQualityMetric|RegressionQualityMetric|"
                          r"ClassificationQualityByClass|ClassificationClassBalance|TestAccuracyScore|TestF1Score|"
                          r"TestPrecisionScore|TestRecallScore|TestRocAuc|TestRMSE|TestMAE|Accuracy|F1Score|Precision|"
                          r"Recall|RocAuc|MAE|RMSE|MeanError|PerformanceCalculator|"
                          r"(?:Prob)?(?:Classification|Regression)Performance(?:Monitor|Tab|ProfileSection))\s*\(")
_METRIC_MODULES = ("evidently", "nannyml")


def _metric_lines(raw: RawResults, pattern: re.Pattern[str], detail: str, files: list[str]) -> list[Location]:
    return [Location(loc.path, loc.line, f"{detail}: {loc.detail}") for loc in raw.grep(pattern, files, first_only=False)]


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first, for each criterion the metric
    that carries it; prediction drift and performance on labels only where such a metric is computed."""
    positive, weak = libraries(raw, _TOOLS)
    files = raw.importing_files(*_METRIC_MODULES)  # Evidently before 0.2: `Dashboard(tabs=[DataDriftTab()])`
    prediction = _metric_lines(raw, _PREDICTION_DRIFT, "drift of the predictions", files)
    features = [loc for loc in _metric_lines(raw, _FEATURE_DRIFT, "drift of the inputs", files)
                if (loc.path, loc.line) not in {(p.path, p.line) for p in prediction}]
    performance = _metric_lines(raw, _PERFORMANCE, "model quality on the labels", files)
    drift = findings(ID, features + positive + prediction, weak)
    out = [replace(f, criterion=c) for c in ("monitor-2-basic-drift", "monitor-3-data-drift") for f in drift]
    out += [replace(f, criterion="monitor-3-prediction-drift") for f in findings(ID, prediction)]
    out += [replace(f, criterion="monitor-2-performance-labels") for f in findings(ID, performance)]
    return out
