"""Data lineage recorded by the ML tooling: datasets logged as run inputs, models logged with their training
set, pipelines whose framework records each step's input and output artifacts, OpenLineage events."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, findings

ID = "data-lineage"
SHORT = ("Lineage the tooling records: `mlflow.log_input`, Azure ML `run.input_datasets` / `Model.register(datasets=)`, "
         "Databricks `log_model(..., training_set=)`, TFX pipelines (ML Metadata), SageMaker Pipelines registering "
         "a model, a Kedro data catalog, Dagster assets, OpenLineage events, a W&B step that reads one artifact and logs "
         "another; partial: lineage inside the ML "
         "system, not back to the source tables")
CRITERIA = {"data-2-lineage": "partial"}
REMEDIATION = ("Record which data version each run and model used: log the dataset as a run input "
               "(mlflow.log_input) or run the training in a pipeline framework that keeps artifact lineage.")
EFFORT = "medium"

# A dataset recorded as an input of the run (MLflow's dataset tracking, Azure ML's run input datasets and
# model registration with its datasets).
_RUN_INPUT = re.compile(r"\bmlflow\.log_input\s*\(|\blog_inputs\s*\([^)\n]*datasets\s*=|"
                        r"\.input_datasets\s*\[[^\]\n]+\]\s*=|\bModel\.register\s*\([^)]*\bdatasets\s*=", re.DOTALL)
# Databricks Feature Store / Feature Engineering: a model logged with its training set carries the feature
# tables (and lookups) it was trained on.
_FEATURE_LOG = re.compile(r"\.log_model\s*\([^()]*(?:\([^()]*\)[^()]*)*\btraining_set\s*=", re.DOTALL)
# TFX: every component's inputs and outputs go to ML Metadata; cite the metadata connection when it is set.
_TFX_PIPELINE = re.compile(r"\bmetadata_connection_config\s*=|\bpipeline\.Pipeline\s*\(")
# SageMaker Pipelines track the lineage of each step's artifacts up to the model package a step registers.
_SM_REGISTER = re.compile(r"\bRegisterModel\s*\(|\bModelStep\s*\(")
_SM_PIPELINE = re.compile(r"\bPipeline\s*\(")
# ... and the link it records: a training input read from a processing step's output (`s3_data=step_process.
# properties.ProcessingOutputConfig...`), the data-to-model edge, cited before the registration.
_SM_WIRED = re.compile(r"\bs3_data\s*=\s*\w+\.properties\.ProcessingOutputConfig\b")
# Kedro: the data catalog names each dataset the pipeline's nodes read and write; the first entry is cited.
_KEDRO_ENTRY = re.compile(r"^[A-Za-z_][\w.-]*\s*:\s*\n(?:[ \t]*#.*\n)*[ \t]+type\s*:", re.MULTILINE)
_DAGSTER_ASSET = re.compile(r"^\s*@(?:dagster\.)?(?:asset|multi_asset)\b", re.MULTILINE)
# W&B: a step that reads one artifact and logs another adds an edge to the project's artifact graph.
_WANDB_USE = re.compile(r"\b(?:run|wandb)\.use_artifact\s*\(")
_WANDB_LOG = re.compile(r"\b(?:run|wandb)\.log_artifact\s*\(")
_OPENLINEAGE = re.compile(r"\bOpenLineageClient\s*\(|\.emit\s*\(\s*RunEvent\b|\bRunEvent\s*\(")


def _kedro_catalog(raw: RawResults) -> list[Location]:
    """The first dataset of each Kedro catalog, in a project that uses Kedro pipelines."""
    if not raw.imported("kedro"):
        return []
    catalogs = [f.path for f in raw.with_suffix(*YAML) if "conf/" in f"/{f.path}" and f.name.startswith("catalog")]
    return raw.grep(_KEDRO_ENTRY, catalogs, detail="Kedro data catalog: the datasets each pipeline node reads and writes")


def _sagemaker(raw: RawResults) -> list[Location]:
    """A model registered by a step of a SageMaker pipeline (lineage from the step inputs to the package)."""
    out = []
    for path in raw.importing_files("sagemaker"):
        text = raw.text(path)
        if "sagemaker.workflow" not in text or not _SM_PIPELINE.search(text):
            continue
        out += raw.grep(_SM_WIRED, [path], detail="SageMaker pipeline: training reads the processing step's output "
                                                  "(lineage tracked)")
        out += raw.grep(_SM_REGISTER, [path], detail="SageMaker pipeline registers the model (step lineage tracked)")
    return out


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    code = [f.path for f in raw.with_suffix(".py", ".ipynb")]
    positive = [Location(loc.path, loc.line, f"dataset recorded as a run input: {loc.detail}")
                for loc in raw.grep(_RUN_INPUT, raw.importing_files("mlflow", "azureml"), first_only=False,
                                    needles=("log_input", "input_datasets", "datasets"))]
    positive += raw.grep(_FEATURE_LOG, raw.importing_files("databricks"), first_only=False, needles=("training_set",),
                         detail="model logged with its training set (feature table lineage)")
    # The training pipeline first: the lineage that matters is from the data to the model a Trainer makes.
    tfx = sorted((p for p in raw.importing_files("tfx") if p in code), key=lambda p: "Trainer(" not in raw.text(p))
    for path in tfx:
        hits = raw.grep(_TFX_PIPELINE, [path], first_only=False)
        connection = [h for h in hits if "metadata_connection_config" in h.detail]
        positive += [Location(h.path, h.line, "TFX pipeline: artifacts and their lineage recorded in ML Metadata")
                     for h in (connection or hits)[:1]]
    positive += _sagemaker(raw)
    positive += _kedro_catalog(raw)
    positive += raw.grep(_DAGSTER_ASSET, raw.importing_files("dagster"), detail="Dagster asset (lineage by the asset graph)")
    positive += raw.grep(_OPENLINEAGE, raw.importing_files("openlineage"), first_only=False, detail="OpenLineage event")
    steps = [p for p in raw.importing_files("wandb") if _WANDB_LOG.search(raw.text(p))]
    positive += raw.grep(_WANDB_USE, steps, needles=("use_artifact",),
                         detail="W&B artifacts: the step's input and output versions recorded in the artifact graph")
    return findings(ID, positive)
