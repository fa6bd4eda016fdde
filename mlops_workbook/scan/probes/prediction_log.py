"""Predictions stored with their inputs and model version, so outcomes can be joined later."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import YAML, findings

ID = "prediction-log"
SHORT = ("Prediction capture: SageMaker `DataCaptureConfig` (SDK or CloudFormation), Vertex AI request-response logging, Databricks "
         "inference tables (`auto_capture_config`), Seldon/KServe `logger:`, code writing predictions with a model version")
CRITERIA = {"monitor-1-prediction-log": "yes"}
REMEDIATION = "Log every prediction with its inputs, a request id and the model version to a table you can join labels to."
EFFORT = "medium"

_CAPTURE = re.compile(r"\bDataCaptureConfig(?:Property)?\s*\(|\bdata_capture_config\s*=\s*\S|\benable_request_response_logging\s*=|\brequest_response_logging\w*\s*=|"
                      r"\bauto_capture_config\b|\binference_table\w*\s*=")
_MANIFEST_LOGGER = re.compile(r"^\s*logger\s*:\s*$[\s\S]{0,200}?\b(?:mode|url)\s*:", re.MULTILINE)
_SERVING = re.compile(r"serving\.kserve\.io|machinelearning\.seldon\.io")
_BUNDLE_CAPTURE = re.compile(r"^\s*auto_capture_config\s*:", re.MULTILINE)
# One line that writes a prediction together with the model version (tried only on files naming both).
_LOGGED = re.compile(r"^[^\n]*\bmodel_version\b[^\n]*$", re.MULTILINE)
_WRITES = re.compile(r"\b(?:log|insert|write|append|to_sql|put_item|send|emit|record)\w*\s*\(", re.IGNORECASE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    code = [f.path for f in raw.with_suffix(".py")]
    positive = raw.grep(_CAPTURE, code + [f.path for f in raw.with_suffix(*YAML)], first_only=False,
                        needles=("DataCaptureConfig", "data_capture_config", "request_response_logging", "auto_capture_config", "inference_table"))
    manifests = [loc.path for loc in raw.grep(_SERVING, suffixes=YAML)]
    positive += raw.grep(_MANIFEST_LOGGER, manifests, detail="serving request logger")
    both = [p for p in code if "model_version" in raw.text(p) and "predict" in raw.text(p)]
    positive += [loc for loc in raw.grep(_LOGGED, both, first_only=False, detail="prediction logged with its model version")
                 if _WRITES.search(raw.text(loc.path).split("\n")[loc.line - 1]) and "predict" in raw.text(loc.path).split("\n")[loc.line - 1]]
    return findings(ID, positive)
