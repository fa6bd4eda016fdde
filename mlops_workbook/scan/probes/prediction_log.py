"""Predictions stored with their inputs and model version, so outcomes can be joined later."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, findings

ID = "prediction-log"
SHORT = ("Prediction capture: SageMaker `DataCaptureConfig` (SDK or CloudFormation), Vertex AI request-response logging, Databricks "
         "inference tables (`auto_capture_config`), Seldon/KServe `logger:`, code writing predictions with a model version; "
         "a web service storing its predictions without one, a batch job writing its predictions to a table, a batch prediction "
         "job's output table or a step that writes the predictions is partial")
CRITERIA = {"monitor-1-prediction-log": "yes"}
REMEDIATION = "Log every prediction with its inputs, a request id and the model version to a table you can join labels to."
EFFORT = "medium"

_CAPTURE = re.compile(r"\bDataCaptureConfig(?:Property)?\s*\(|\bdata_capture_config\s*=\s*\S|\benable_request_response_logging\s*=|\brequest_response_logging\w*\s*=|"
                      r"\bauto_capture_config\b|\binference_table\w*\s*=|"
                      r"^\s*DataCaptureConfig\s*:", re.MULTILINE)  # the last: CloudFormation's EndpointConfig
_MANIFEST_LOGGER = re.compile(r"^\s*logger\s*:\s*$[\s\S]{0,200}?\b(?:mode|url)\s*:", re.MULTILINE)
_SERVING = re.compile(r"serving\.kserve\.io|machinelearning\.seldon\.io")
_BUNDLE_CAPTURE = re.compile(r"^\s*auto_capture_config\s*:", re.MULTILINE)
# One line that writes a prediction together with the model version (tried only on files naming both).
_LOGGED = re.compile(r"^[^\n]*\bmodel_version\b[^\n]*$", re.MULTILINE)
_WRITES = re.compile(r"\b(?:log|insert|write|append|to_sql|put_item|send|emit|record)\w*\s*\(", re.IGNORECASE)


# A write that persists rows: a table, a file of records, an ORM object, a document.
_STORES = re.compile(r"\.saveAsTable\s*\(|\.write\.(?:format|mode|parquet|saveAsTable|insertInto)\b|\.to_sql\s*\(|"
                     r"\.to_parquet\s*\(|\.insert_(?:one|many)\s*\(|\bsession\.add\s*\(|\b\w+\.save\s*\(\s*\)|"
                     r"\.put_item\s*\(|(?<!path)\.insert\s*\(\s*(?![\d-])\w")  # not sys.path.insert(0, ...) nor a list's insert(i, x)


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
    # Predictions persisted by scoring code: with the model version named in the same file, the store is a
    # prediction log (positive); written by a web service without any model version, partial.
    scoring = [p for p in code if "predict" in raw.text(p) and _STORES.search(raw.text(p))]
    versioned = [p for p in scoring if "model_version" in raw.text(p)]
    positive += [Location(loc.path, loc.line, f"predictions stored with the model version: {loc.detail}")
                 for loc in raw.grep(_STORES, versioned)]
    services = set(raw.importing_files("flask", "fastapi", "litestar"))
    weak = [Location(loc.path, loc.line, f"predictions stored, without the model version: {loc.detail}")
            for loc in raw.grep(_STORES, [p for p in scoring if p in services and p not in versioned])]
    # A batch-scoring job that writes its predictions to a table (a job file named for inference or scoring),
    # a batch prediction job given an output table, a pipeline step named for writing predictions: the
    # predictions are kept with their inputs, the model version only on the job's record: partial.
    batch = [p for p in scoring if p not in services and p not in versioned and _BATCH_JOB.search(p.rsplit("/", 1)[-1])]
    weak += [Location(loc.path, loc.line, f"batch predictions written to a table: {loc.detail}")
             for loc in raw.grep(_STORES, batch)]
    weak += raw.grep(_WRITER_STEP, code, first_only=False, needles=("rediction",),
                     detail="a pipeline step that stores the predictions")
    jobs = [p for p in code if "batch_predict" in raw.text(p) or "BatchPrediction" in raw.text(p)]
    weak += raw.grep(_DESTINATION, jobs, detail="batch prediction job writes its predictions to a table or bucket")
    return findings(ID, positive, weak)


_BATCH_JOB = re.compile(r"batch|inference|infer|predict|scor", re.IGNORECASE)
_DESTINATION = re.compile(r"\b(?:bigquery_destination_prefix|bigquery_destination_output_uri|destination_uri|"
                          r"gcs_destination_prefix|output_uri_prefix)\s*=\s*\S")
_WRITER_STEP = re.compile(r"^\s*def\s+\w*predictions?_?(?:writer|logger|sink|store)\w*\s*\(|"
                          r"^\s*def\s+(?:write|log|save|store|persist)_predictions\w*\s*\(", re.MULTILINE | re.IGNORECASE)
