"""Managed model monitoring: SageMaker Model Monitor, Vertex AI Model Monitoring, Azure ML data drift monitors."""

from __future__ import annotations

import re
from dataclasses import replace

from ..collector import RawResults
from ..findings import Finding
from ._util import findings, libraries

ID = "model-monitor"
SHORT = ("Managed monitors of a deployed model's inputs against its training baseline, on a schedule: SageMaker Model "
         "Monitor (`DefaultModelMonitor`, `create_monitoring_schedule`, CloudFormation `CfnMonitoringSchedule`), Vertex AI "
         "Model Monitoring (`ModelDeploymentMonitoringJob`, skew and drift detection configs, a batch job's "
         "`modelMonitoringConfig`), Azure ML `DataDriftDetector`; prediction drift cited at the drift config; a SageMaker "
         "model-quality monitor (`ModelQualityMonitor`: metrics on ground-truth labels) counts for performance on labels, "
         "not for drift")
CRITERIA = {"monitor-2-basic-drift": "yes", "monitor-3-data-drift": "partial", "monitor-3-prediction-drift": "partial",
            "data-3-quality-monitoring": "partial", "monitor-2-performance-labels": "partial"}
REMEDIATION = ("Schedule the platform's model monitor on the endpoint (SageMaker Model Monitor, Vertex AI Model "
               "Monitoring, Azure ML data drift) against the training baseline, with thresholds per feature.")
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

# Each is the platform's own API: a monitor compares captured production data with a baseline on a schedule.
_TOOLS = (
    (("sagemaker", "aws_cdk"), ("sagemaker",), re.compile(
        r"\b(?:DefaultModelMonitor|ModelQualityMonitor|ModelMonitor|CfnMonitoringSchedule|CfnDataQualityJobDefinition|"
        r"CfnModelQualityJobDefinition)\s*\(|\bcreate_monitoring_schedule\s*\("), "SageMaker Model Monitor"),
    (("google",), ("google-cloud-aiplatform",), re.compile(
        r"\bModelDeploymentMonitoringJob(?:\.create)?\s*\(|\b(?:TrainingPredictionSkewDetectionConfig|"
        r"PredictionDriftDetectionConfig|SkewDetectionConfig|DriftDetectionConfig)\s*\("), "Vertex AI Model Monitoring"),
    (("azureml",), ("azureml-datadrift",), re.compile(r"\bDataDriftDetector(?:\.create_from_\w+)?\s*\("),
     "Azure ML data drift monitor"),
    # Vertex AI's REST/dict form, a batch prediction job's `modelMonitoringConfig` with its objective configs.
    (("google",), ("google-cloud-aiplatform",), re.compile(
        r"['\"](?:modelMonitoringConfig|trainingPredictionSkewDetectionConfig|predictionDriftDetectionConfig)['\"]\s*[:\]]"),
     "Vertex AI Model Monitoring"),
)
# SageMaker's model-quality monitor scores captured predictions against ground truth: performance on labels,
# not a watch on the inputs. A schedule belongs to the file's monitors: quality ones alone make it quality.
_QUALITY = re.compile(r"\b(?:ModelQualityMonitor|CfnModelQualityJobDefinition)\s*\(")
_DATA = re.compile(r"\b(?:DefaultModelMonitor|ModelMonitor|CfnDataQualityJobDefinition)\s*\(")


def _quality_only(raw: RawResults, f: Finding) -> bool:
    line = raw.line(f.location.path, f.location.line)
    if _QUALITY.search(line):
        return True
    text = raw.text(f.location.path)
    return "create_monitoring_schedule" in line and bool(_QUALITY.search(text)) and not _DATA.search(text)


# Vertex AI calls drift of the serving inputs over time "prediction drift": its drift config is the one
# prediction drift rests on.
_PREDICTION_DRIFT = re.compile(r"PredictionDriftDetectionConfig|predictionDriftDetectionConfig|\bDriftDetectionConfig")


def run(raw: RawResults) -> list[Finding]:
    """The monitor's definition, schedule first (the monitoring job itself), then its detection configs."""
    positive, weak = libraries(raw, _TOOLS)
    order = lambda loc: ("Config" in loc.detail, loc.path)  # noqa: E731 - a sort key
    found = findings(ID, sorted(positive, key=order), sorted(weak, key=order))
    quality = [f for f in found if _quality_only(raw, f)]
    monitors = [f for f in found if f not in quality]
    def drift_first(f: Finding) -> bool:
        return not _PREDICTION_DRIFT.search(f.location.detail)

    # A Vertex AI monitor with skew detection only watches no drift of the serving data over time.
    drifting = {f.location.path for f in monitors if _PREDICTION_DRIFT.search(f.location.detail)}
    prediction = [f for f in monitors if "Vertex" not in f.location.detail or f.location.path in drifting]
    return ([replace(f, criterion="monitor-3-prediction-drift") for f in sorted(prediction, key=drift_first)]
            + [replace(f, criterion=c) for c in ("monitor-2-basic-drift", "monitor-3-data-drift",
                                                 "data-3-quality-monitoring") for f in monitors]
            + [replace(f, criterion="monitor-2-performance-labels") for f in quality])
