"""Experiment tracking: MLflow runs and autologging, W&B, Comet, Neptune."""

from __future__ import annotations

import re
from dataclasses import replace

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import file_locations, findings, library

ID = "experiment-tracking"
SHORT = ("MLflow (`MLproject`, `mlflow.log_*`, `mlflow.autolog`, `mlflow.start_run`, kedro-mlflow, Ray's "
         "`MLflowLoggerCallback`), W&B (`wandb.init`, `wandb.log`), Comet, Neptune, Vertex AI Experiments, SageMaker "
         "Experiments, Azure ML `run.log`, ZenML `log_metadata`, DVCLive, KFP `Output[Metrics]`; partial: SageMaker `ModelMetrics` on a model package; "
         "cited at the call that records (for model versioning: a logged model first)")
CRITERIA = {"model-1-experiment-tracking": "yes", "model-2-versioning": "partial"}
REMEDIATION = "Log parameters, metrics and the code version of every training run (mlflow.autolog() is one line)."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

_MLFLOW = re.compile(r"\bmlflow\.(?:[a-z_]+\.)?(?:log_\w+|autolog|start_run|set_experiment)\s*\(")
_WANDB = re.compile(r"\bwandb\.(?:init|log|config)\b")
_COMET = re.compile(r"\bExperiment\s*\(|\.log_(?:metric|parameter|metrics|parameters)\s*\(")
# DVCLive: `Live()` records params and metrics per run, tied to the git commit by DVC experiments.
_DVCLIVE = re.compile(r"\blive\.log_(?:metric|param|params|image|plot|artifact|sklearn_plot)\s*\(|\bDVCLiveCallback\s*\(|"
                      r"\bLive\s*\(")
# Kubeflow Pipelines v2: a component's `Output[Metrics]` artifact (`metrics.log_metric(`), kept with the run in
# the pipeline's metadata store (Vertex ML Metadata).
_MODEL_ARTIFACT = re.compile(r"\btype\s*=\s*['\"]model['\"]")
_KFP_METRICS = re.compile(r"\.log_metric\s*\(")
_NEPTUNE = re.compile(r"\bneptune\.init(?:_run)?\s*\(")
_RAY_MLFLOW = re.compile(r"\b(?:MLflowLoggerCallback|setup_mlflow)\s*\(")
# Vertex AI Experiments, however the module is named (`from google.cloud import aiplatform as vertex_ai`).
_VERTEX = re.compile(r"\b(?:aiplatform|vertex_ai|vertexai)\.(?:init\s*\([^)]*experiment|start_run|log_metrics|log_params|"
                     r"log_time_series_metrics)\b")
# Azure ML SDK v1: the run context of a pipeline step logs metrics (`run = Run.get_context()`, `run.log(k, v)`).
_AZUREML = re.compile(r"\brun\.(?:log|log_list|log_row|log_table|log_image)\s*\(")
# ZenML: metadata logged on the run, step or model version is its experiment record.
_ZENML = re.compile(r"\blog_(?:model_|artifact_|step_)?metadata\s*\(")
_SM_MODEL_METRICS = re.compile(r"\bModelMetrics\s*\(")
_SAGEMAKER = re.compile(r"\b(?:run|Run)\s*\.\s*log_(?:metric|parameters?)\s*\(|\bload_run\s*\(")
# kedro-mlflow: conf/<env>/mlflow.yml makes every `kedro run` a tracked run; its datasets in the catalog
# log metrics and artifacts to the run.
_KEDRO_MLFLOW = re.compile(r"^\s*(?:server|tracking)\s*:", re.MULTILINE)
_KEDRO_MLFLOW_DATASET = re.compile(r"^\s*type\s*:\s*kedro_mlflow\.io\.\w+\.Mlflow\w+", re.MULTILINE)
# What an answer cites first: the call that records (a logged metric, parameter or model, autologging),
# then the run it records into, then the experiment's set-up; a configuration file last.
_RECORDS = re.compile(r"log_|logs to|\.log\s*\(|autolog|Logger|setup_mlflow|\.log\b|wandb\.log|DVCLiveCallback")
_OPENS = re.compile(r"start_run|init|Experiment|load_run")
# A logged model is the record that carries a version of the model with its run's metrics and parameters:
# what model-2-versioning cites first (a metric logged alone versions no model).
_MODEL = re.compile(r"log_model|logs the model")


# The record the criterion names: a run's parameters and metrics (a logged dataset or model is a record too,
# cited after them).
_PARAMS_METRICS = re.compile(r"log_(?:metrics?|params?|parameters?)\b|autolog|wandb\.log|\.log\b|Metrics artifact|"
                             r"logs to the run|Logger|setup_mlflow|DVCLiveCallback")


def _order(location: Location) -> tuple[int, bool, bool]:
    """The call that records (0), a run opened (1), set-up (2), a file-level or config location (3); within
    each, parameters and metrics before other records (a logged dataset), then a training script's before
    another's (a data-analysis step also logs)."""
    training = "train" in location.path.lower()
    if location.line is None:
        return 3, True, not training
    detail = location.detail
    rank = 0 if _RECORDS.search(detail) else 1 if _OPENS.search(detail) else 2
    return rank, not _PARAMS_METRICS.search(detail), not training


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive = file_locations(raw.named("mlproject"), "MLflow project")
    kedro_mlflow = [f for f in raw.named("mlflow.yml") if "conf/" in f"/{f.path}" or f.path.startswith("conf/")]
    if raw.declared("kedro-mlflow") or raw.imported("kedro_mlflow"):
        catalogs = [f for f in raw.with_suffix(".yml", ".yaml") if "conf/" in f"/{f.path}" and "catalog" in f.name]
        positive += [Location(loc.path, loc.line, "kedro-mlflow dataset logs the model to the run"
                              if "MlflowModel" in raw.line(loc.path, loc.line) else "kedro-mlflow dataset logs to the run")
                     for loc in raw.grep(_KEDRO_MLFLOW_DATASET, catalogs, first_only=False, needles=("kedro_mlflow",))]
        positive += raw.grep(_KEDRO_MLFLOW, kedro_mlflow, detail="kedro-mlflow tracking configuration")
    weak = []
    for modules, packages, calls, label in (
        (("mlflow",), ("mlflow", "mlflow-skinny"), _MLFLOW, "MLflow"),
        (("wandb",), ("wandb",), _WANDB, "W&B"),
        (("comet_ml",), ("comet-ml",), _COMET, "Comet"),
        (("neptune",), ("neptune", "neptune-client"), _NEPTUNE, "Neptune"),
        (("dvclive",), ("dvclive",), _DVCLIVE, "DVCLive"),
        (("ray",), ("ray",), _RAY_MLFLOW, "MLflow through Ray"),
        (("google",), ("google-cloud-aiplatform",), _VERTEX, "Vertex AI Experiments"),
        (("sagemaker",), ("sagemaker",), _SAGEMAKER, "SageMaker Experiments"),
        (("azureml",), ("azureml-core", "azureml-sdk"), _AZUREML, "Azure ML run"),
        (("zenml",), ("zenml",), _ZENML, "ZenML metadata"),
    ):
        pos, wk = library(raw, modules=modules, packages=packages, calls=calls, label=label)
        positive += pos
        weak += wk
    # DVCLive's `log_artifact(path, type="model")` declares the model a DVC artifact, versioned with the run.
    positive = [Location(loc.path, loc.line, f"{loc.detail}: logs the model as a DVC artifact")
                if "live.log_artifact" in loc.detail and _MODEL_ARTIFACT.search(
                    " ".join(raw.line(loc.path, n) for n in range((loc.line or 1), (loc.line or 1) + 5))) else loc
                for loc in positive]
    kfp = [p for p in raw.importing_files("kfp") if "Output[Metrics]" in raw.text(p)]
    positive += raw.grep(_KFP_METRICS, kfp, first_only=False, detail="KFP Metrics artifact logs to the pipeline run")
    # SageMaker model packages carry their evaluation metrics (ModelMetrics): a record of the model's metrics,
    # not an experiment tracker's runs.
    weak += raw.grep(_SM_MODEL_METRICS, raw.importing_files("sagemaker"), first_only=False, needles=("ModelMetrics",),
                     detail="SageMaker ModelMetrics on the registered model package (no experiment tracker)")
    found = findings(ID, sorted(positive, key=_order), sorted(weak, key=_order))
    versions = [replace(f, criterion="model-2-versioning") for f in found if _MODEL.search(f.location.detail)]
    # Metaflow keeps every `self.x` of a step with the run: a model stored so is versioned with the run's
    # parameters and data artifacts (partial: no registry, no metrics attached by name).
    flows = [p for p in raw.importing_files("metaflow") if "FlowSpec" in raw.text(p)]
    stored = [Finding(ID, "positive", Location(loc.path, loc.line, "model stored as a Metaflow artifact of the run"),
                      "model-2-versioning") for loc in raw.grep(_METAFLOW_MODEL, flows, needles=("self.",))]
    return versions + stored + found


_METAFLOW_MODEL = re.compile(r"^\s*self\.(?:\w*_)?model(?:_(?:weights|json|artifact|bytes|state))?\s*=(?!=)\s*(?!['\"\d])",
                             re.MULTILINE | re.IGNORECASE)
