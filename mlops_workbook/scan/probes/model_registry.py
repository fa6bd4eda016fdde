"""A model registry in use: MLflow registration and stage/alias transitions, W&B model registry."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import bundle_files, findings

ID = "model-registry"
SHORT = ("Model registry calls: MLflow `register_model`, `registered_model_name=`, "
         "`transition_model_version_stage`, `set_registered_model_alias`; W&B `link_model`; SageMaker model packages "
         "(`RegisterModel`, `model_package_group_name=`); Vertex AI `Model.upload`; Azure ML `Model.register`; ZenML "
         "Model Control Plane (`model=Model(`, `set_stage`); Databricks bundle model resources; a DVC `artifacts:` model "
         "(`type: model`) with GTO tags; cited at the registration; partial: a store that versions models without "
         "their metrics or approver (BentoML `save_model`, Hugging Face `push_to_hub`, a W&B artifact of type model)")
CRITERIA = {"gov-2-model-registry": "yes", "model-2-versioning": "partial", "deploy-1-known-version": "partial"}
REMEDIATION = "Register every model you ship (mlflow.register_model) and promote versions with an alias or stage."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

_REGISTRY = re.compile(r"\b(?:register_model|create_registered_model|create_model_version|"
                       r"transition_model_version_stage|set_registered_model_alias|link_model|"
                       r"create_model_package(?:_group)?|update_model_package)\s*\(|"
                       r"\bregistered_model_name\s*=|\bRegisterModel\s*\(|\bmodel_package_group_name\s*=|"
                       r"\baiplatform\.Model\.upload\s*\(|\bModel\.upload\s*\(|\bparent_model\s*=")
# Azure ML (`Model.register(workspace=...)`, imported as any alias of `azureml.core.Model`), ZenML's Model
# Control Plane (a pipeline's `model=Model(...)`, a version's `set_stage(`).
_AZUREML = re.compile(r"\b\w*Model\.register\s*\(")
_ZENML = re.compile(r"\bmodel\s*=\s*Model\s*\(|\.set_stage\s*\(")
# What an answer cites first: the call that puts a model version in the registry, then a promotion
# (stage, alias, approval), then the registry's set-up (a model package group, a resource).
_REGISTERS = re.compile(r"regist|create_model_version|upload|link_model|model_package_group_name|parent_model|"
                        r"model\s*=\s*Model", re.IGNORECASE)
_PROMOTES = re.compile(r"transition|alias|set_stage|update_model_package")
_DEFINITION = re.compile(r"^\s*(?:async\s+)?def\s", re.MULTILINE)
# Stores that version each saved model but keep no metrics, data version or approver with it: BentoML's model
# store, the Hugging Face Hub (a commit per push), a W&B artifact of type model. A registry in part: partial.
_STORES = ((("bentoml",), re.compile(r"\bbentoml\.\w+\.save_model\s*\("), "BentoML model store (a version tag per save)"),
           (("transformers", "huggingface_hub"), re.compile(r"\.push_to_hub\s*\("), "Hugging Face Hub (a commit per push)"),
           (("wandb",), re.compile(r"\bwandb\.Artifact\s*\([^)\n]*\btype\s*=\s*['\"]model['\"]"),
            "W&B model artifact (versions and aliases)"))


def _order(location: Location) -> int:
    detail = location.detail
    if _PROMOTES.search(detail):
        return 1
    return 0 if _REGISTERS.search(detail) and "group" not in detail.lower() else 2


# Databricks asset bundles declare registered models as resources.
_BUNDLE_MODEL = re.compile(r"^\s*(?:registered_models|models)\s*:\s*$", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    files = raw.importing_files("mlflow", "wandb", "sagemaker", "azureml", "azure", "google", "boto3")
    positive = raw.grep(_REGISTRY, files, first_only=False)
    bundles = bundle_files(raw)
    positive += raw.grep(_BUNDLE_MODEL, bundles, detail="Databricks registered model resource")
    positive += raw.grep(_AZUREML, raw.importing_files("azureml"), first_only=False, detail="Azure ML Model.register")
    positive += raw.grep(_ZENML, raw.importing_files("zenml"), first_only=False)
    positive = [loc for loc in positive if not _defines(raw, loc)]  # `def register_model(` is not a call
    stores = [Location(loc.path, loc.line, detail) for modules, pattern, detail in _STORES
              for loc in raw.grep(pattern, raw.importing_files(*modules), first_only=False)]
    return findings(ID, sorted(positive, key=_order) + _dvc_registry(raw), stores)


# DVC's model registry: a model declared under `artifacts:` in dvc.yaml (`type: model`), its versions and stages
# GTO git tags (`gto register` / `gto assign`, or `iterative/gto-action` reading them in CI).
_DVC_ARTIFACTS = re.compile(r"^artifacts\s*:\s*$", re.MULTILINE)
_GTO = re.compile(r"\bgto\s+(?:register|assign|promote)\b|^\s*-?\s*uses\s*:\s*['\"]?iterative/gto-action@", re.MULTILINE)


def _dvc_registry(raw: RawResults) -> list[Location]:
    found = []
    for f in raw.named("dvc.yaml", "dvc.yml"):
        text = raw.text(f.path)
        match = _DVC_ARTIFACTS.search(text)
        if match and re.search(r"^\s+type\s*:\s*model\s*$", re.split(r"\n(?=\S)", text[match.end():], maxsplit=1)[0],
                               re.MULTILINE):
            # Cited at the artifact's name, the line under `artifacts:` that says which model is registered.
            found.append(Location(f.path, text.count("\n", 0, match.start()) + 2, "DVC model registry artifact (type: model)"))
    if found:
        files = [f.path for f in raw.with_suffix(".yml", ".yaml", ".sh") if f.name not in ("dvc.yaml", "dvc.yml")]
        found += raw.grep(_GTO, files, needles=("gto",), detail="GTO registry versions and stages")
    return found


def _defines(raw: RawResults, location: Location) -> bool:
    return _DEFINITION.match(raw.line(location.path, location.line)) is not None
