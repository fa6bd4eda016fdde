"""Experiment tracking: MLflow runs and autologging, W&B, Comet, Neptune."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import file_locations, findings, library

ID = "experiment-tracking"
SHORT = ("MLflow (`MLproject`, `mlflow.log_*`, `mlflow.autolog`, `mlflow.start_run`), "
         "W&B (`wandb.init`, `wandb.log`), Comet, Neptune")
CRITERIA = {"model-1-experiment-tracking": "yes", "model-2-versioning": "partial"}
REMEDIATION = "Log parameters, metrics and the code version of every training run (mlflow.autolog() is one line)."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

_MLFLOW = re.compile(r"\bmlflow\.(?:[a-z_]+\.)?(?:log_\w+|autolog|start_run|set_experiment)\s*\(")
_WANDB = re.compile(r"\bwandb\.(?:init|log|config)\b")
_COMET = re.compile(r"\bExperiment\s*\(|\.log_(?:metric|parameter|metrics|parameters)\s*\(")
_NEPTUNE = re.compile(r"\bneptune\.init(?:_run)?\s*\(")
_RAY_MLFLOW = re.compile(r"\b(?:MLflowLoggerCallback|setup_mlflow)\s*\(")
_VERTEX = re.compile(r"\baiplatform\.(?:init\s*\([^)]*experiment|start_run|log_metrics|log_params|log_time_series_metrics)\b")
_SAGEMAKER = re.compile(r"\b(?:run|Run)\s*\.\s*log_(?:metric|parameters?)\s*\(|\bload_run\s*\(")
# kedro-mlflow: conf/<env>/mlflow.yml makes every `kedro run` a tracked run.
_KEDRO_MLFLOW = re.compile(r"^\s*(?:server|tracking)\s*:", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive = file_locations(raw.named("mlproject"), "MLflow project")
    kedro_mlflow = [f for f in raw.named("mlflow.yml") if "conf/" in f"/{f.path}" or f.path.startswith("conf/")]
    if raw.declared("kedro-mlflow") or raw.imported("kedro_mlflow"):
        positive += raw.grep(_KEDRO_MLFLOW, kedro_mlflow, detail="kedro-mlflow tracking configuration")
    weak = []
    for modules, packages, calls, label in (
        (("mlflow",), ("mlflow", "mlflow-skinny"), _MLFLOW, "MLflow"),
        (("wandb",), ("wandb",), _WANDB, "W&B"),
        (("comet_ml",), ("comet-ml",), _COMET, "Comet"),
        (("neptune",), ("neptune", "neptune-client"), _NEPTUNE, "Neptune"),
        (("ray",), ("ray",), _RAY_MLFLOW, "MLflow through Ray"),
        (("google",), ("google-cloud-aiplatform",), _VERTEX, "Vertex AI Experiments"),
        (("sagemaker",), ("sagemaker",), _SAGEMAKER, "SageMaker Experiments"),
    ):
        pos, wk = library(raw, modules=modules, packages=packages, calls=calls, label=label)
        positive += pos
        weak += wk
    return findings(ID, positive, weak)
