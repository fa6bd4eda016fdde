"""A model registry in use: MLflow registration and stage/alias transitions, W&B model registry."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import findings

ID = "model-registry"
SHORT = ("Model registry calls: MLflow `register_model`, `registered_model_name=`, "
         "`transition_model_version_stage`, `set_registered_model_alias`; W&B `link_model`")
CRITERIA = {"gov-2-model-registry": "yes", "model-2-versioning": "partial", "deploy-1-known-version": "partial",
            "gov-2-approval-workflow": "partial"}
REMEDIATION = "Register every model you ship (mlflow.register_model) and promote versions with an alias or stage."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

_REGISTRY = re.compile(r"\b(?:register_model|create_registered_model|create_model_version|"
                       r"transition_model_version_stage|set_registered_model_alias|link_model)\s*\(|"
                       r"\bregistered_model_name\s*=")


def run(raw: RawResults) -> list[Finding]:
    files = raw.importing_files("mlflow", "wandb", "sagemaker", "azureml", "azure")
    return findings(ID, raw.grep(_REGISTRY, files, first_only=False))
