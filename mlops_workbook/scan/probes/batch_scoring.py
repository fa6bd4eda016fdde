"""Batch scoring as code: a platform's batch-prediction job or a pipeline step or job that scores in bulk."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, findings, libraries

ID = "batch-scoring"
SHORT = ("A batch-scoring path defined as code (cited at the pipeline step or job before the call inside it): Azure ML `ParallelRunStep`, SageMaker batch transform (`Transformer`, "
         "`TransformStep`), Vertex AI `BatchPredictionJob`/`batch_predict`, TFX `BulkInferrer`, Databricks "
         "`score_batch`/`spark_udf`, Ray Data `map_batches(predictor…)`, a SageMaker `ProcessingStep` named for scoring, an Azure "
         "ML batch endpoint or deployment YAML, or a job or step named for batch inference (not a setting or a job-management "
         "call); scoring inside an evaluation script last")
CRITERIA = {"data-2-batch-and-realtime": "partial"}
REMEDIATION = ("Define the batch-scoring path as a pipeline beside the online service, reusing the same feature code, "
               "and test both.")
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_TOOLS = (
    (("azureml",), ("azureml-pipeline-steps",), re.compile(r"\bParallelRun(?:Step|Config)\s*\("), "Azure ML batch scoring"),
    (("sagemaker",), ("sagemaker",), re.compile(r"\b(?:Transformer|TransformStep)\s*\(|\.transformer\s*\("),
     "SageMaker batch transform"),
    (("google",), ("google-cloud-aiplatform",), re.compile(r"\bBatchPredictionJob(?:\.create)?\s*\(|\.batch_predict\s*\("),
     "Vertex AI batch prediction"),
    (("tfx",), ("tfx",), re.compile(r"\bBulkInferrer\s*\("), "TFX BulkInferrer"),
    (("databricks", "mlflow"), ("databricks-feature-store",), re.compile(r"\.score_batch\s*\(|\bspark_udf\s*\("),
     "Databricks batch scoring"),
    (("ray",), ("ray",), re.compile(r"\.map_batches\s*\(\s*\w*predict"), "Ray Data batch inference"),
)
# A job, step or component whose name says it scores in bulk (a bundle's `batch_inference_job:`, a
# component `vertex_batch_prediction(`): the batch path as the pipeline names it.
_NAMED = re.compile(r"\b\w*batch[_-]?(?:inference|prediction|predict|scoring|score)\w*\b\s*[:(=]", re.IGNORECASE)
# ... but not a setting of the step (`batch_prediction_machine_type:`), a call that manages a job
# (`cancel_batch_prediction_job(`) or a private helper (`_batch_inference_by_stage(`).
_NOT_A_STEP = re.compile(r"^(?:_|cancel|get|list|delete|wait|check)|(?:type|uri|url|path|config|count|size|name|table|"
                         r"dir|dataset|params?|location|format|bucket|prefix|id|kwargs|args|timeout|source|"
                         r"destination|output|input|replicas|machine_type|accelerator\w*|instances?)$", re.IGNORECASE)
# A SageMaker ProcessingStep named for scoring, and an Azure ML batch endpoint or deployment (CLI v2 YAML).
_SM_SCORING_STEP = re.compile(r"\bProcessingStep\s*\(\s*name\s*=\s*['\"]\w*(?:Scor|Predict|Inference|Infer)\w*['\"]")
_AML_BATCH = re.compile(r"^\$schema:\s*\S*/batch(?:Deployment|Endpoint)\.schema\.json", re.MULTILINE)
# Batch scoring inside an offline evaluation is the evaluation, not the batch path: after the others.
_EVALUATION = re.compile(r"eval|test|valid|benchmark", re.IGNORECASE)


def run(raw: RawResults) -> list[Finding]:
    """The pipeline step or job that scores in bulk first, then the platform's batch-prediction call."""
    calls, weak = libraries(raw, _TOOLS)
    called = {(loc.path, loc.line) for loc in calls + weak}  # a variable named for the call is the call itself
    files = [f.path for f in raw.with_suffix(".py", *YAML) if not _in_tests(f.path)]
    named = [loc for loc in raw.grep(_NAMED, files, first_only=False, needles=("batch", "Batch"))
             if not _DEFINES.match(raw.line(loc.path, loc.line)) and (loc.path, loc.line) not in called
             and not _NOT_A_STEP.search(loc.detail.rstrip(":(= "))]
    named = list({loc.path: loc for loc in reversed(named)}.values())[::-1]  # the first use in each file
    steps = [Location(loc.path, loc.line, f"batch scoring step or job: {loc.detail}") for loc in named]
    # The step or job that runs the scoring in a pipeline before the library call inside it (a component's body).
    steps += raw.grep(_SM_SCORING_STEP, raw.importing_files("sagemaker"), first_only=False, needles=("ProcessingStep",),
                      detail="batch scoring step: a SageMaker processing step that scores")
    steps += raw.grep(_AML_BATCH, suffixes=YAML, needles=("batchDeployment", "batchEndpoint"),
                      detail="Azure ML batch endpoint or deployment")
    positive = [loc for loc in calls if _STEP.search(loc.detail)] + steps + [loc for loc in calls if not _STEP.search(loc.detail)]
    return findings(ID, sorted(positive, key=lambda loc: bool(_EVALUATION.search(loc.path.rsplit("/", 1)[-1]))), weak)


_STEP = re.compile(r"ParallelRunStep|TransformStep|BulkInferrer")
_DEFINES = re.compile(r"^\s*(?:async\s+)?def\s")


def _in_tests(path: str) -> bool:
    return any(part in ("tests", "test") for part in path.lower().split("/")[:-1]) or path.rsplit("/", 1)[-1].startswith("test_")
