"""Experiment tracking: MLflow runs and autologging, W&B, Comet, Neptune."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import file_locations, findings, library

ID = "experiment-tracking"
SHORT = ("MLflow (`MLproject`, `mlflow.log_*`, `mlflow.autolog`, `mlflow.start_run`), "
         "W&B (`wandb.init`, `wandb.log`), Comet, Neptune")
CRITERIA = {"model-1-experiment-tracking": "yes", "model-2-versioning": "partial",
            "model-3-advanced-tracking": "partial"}
REMEDIATION = "Log parameters, metrics and the code version of every training run (mlflow.autolog() is one line)."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

_MLFLOW = re.compile(r"\bmlflow\.(?:[a-z_]+\.)?(?:log_\w+|autolog|start_run|set_experiment)\s*\(")
_WANDB = re.compile(r"\bwandb\.(?:init|log|config)\b")
_COMET = re.compile(r"\bExperiment\s*\(|\.log_(?:metric|parameter|metrics|parameters)\s*\(")
_NEPTUNE = re.compile(r"\bneptune\.init(?:_run)?\s*\(")


def run(raw: RawResults) -> list[Finding]:
    positive = file_locations(raw.named("mlproject"), "MLflow project")
    weak = []
    for modules, packages, calls, label in (
        (("mlflow",), ("mlflow", "mlflow-skinny"), _MLFLOW, "MLflow"),
        (("wandb",), ("wandb",), _WANDB, "W&B"),
        (("comet_ml",), ("comet-ml",), _COMET, "Comet"),
        (("neptune",), ("neptune", "neptune-client"), _NEPTUNE, "Neptune"),
    ):
        pos, wk = library(raw, modules=modules, packages=packages, calls=calls, label=label)
        positive += pos
        weak += wk
    return findings(ID, positive, weak)
