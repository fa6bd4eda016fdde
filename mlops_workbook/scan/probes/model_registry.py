"""A model registry in use: MLflow registration and stage/alias transitions, W&B model registry."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import findings

ID = "model-registry"
SHORT = ("Model registry calls: MLflow `register_model`, `registered_model_name=`, "
         "`transition_model_version_stage`, `set_registered_model_alias`; W&B `link_model`; SageMaker model packages "
         "(`RegisterModel`, `model_package_group_name=`); Vertex AI `Model.upload`; Databricks bundle model resources")
CRITERIA = {"gov-2-model-registry": "yes", "model-2-versioning": "partial", "deploy-1-known-version": "partial"}
REMEDIATION = "Register every model you ship (mlflow.register_model) and promote versions with an alias or stage."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

_REGISTRY = re.compile(r"\b(?:register_model|create_registered_model|create_model_version|"
                       r"transition_model_version_stage|set_registered_model_alias|link_model|"
                       r"create_model_package(?:_group)?|update_model_package)\s*\(|"
                       r"\bregistered_model_name\s*=|\bRegisterModel\s*\(|\bmodel_package_group_name\s*=|"
                       r"\baiplatform\.Model\.upload\s*\(|\bModel\.upload\s*\(|\bparent_model\s*=")
# Databricks asset bundles declare registered models as resources.
_BUNDLE_MODEL = re.compile(r"^\s*(?:registered_models|models)\s*:\s*$", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    files = raw.importing_files("mlflow", "wandb", "sagemaker", "azureml", "azure", "google", "boto3")
    positive = raw.grep(_REGISTRY, files, first_only=False)
    bundles = [f for f in raw.files if f.suffix in (".yml", ".yaml") and "/resources/" in f"/{f.path}"]
    positive += raw.grep(_BUNDLE_MODEL, bundles, detail="Databricks registered model resource")
    return findings(ID, positive)
