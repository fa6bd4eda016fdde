"""Data versioning: DVC-tracked data and pipelines, DVC remotes, lakeFS."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import CODE, file_locations, findings, library

ID = "data-versioning"
SHORT = ("DVC files (`dvc.yaml`, `*.dvc`), a DVC remote in `.dvc/config`, lakeFS (client, `lakefs://` URIs, `.lakectl.yaml`), "
         "platform dataset versions (Azure ML, a step output registered on completion, Delta time travel), "
         "`mlflow.log_input`, data read from a W&B artifact (`run.use_artifact`); partial: a Vertex AI managed dataset, data "
         "loaded into Metaflow artifacts or ZenML step outputs (versioned per run), a data hash computed where runs are "
         "tracked, a SageMaker input-data parameter, an Azure ML data asset")
CRITERIA = {"data-1-versioning": "yes", "data-2-lineage": "partial"}
REMEDIATION = "Track training data with DVC (`dvc add`, a remote in .dvc/config) or lakeFS, so each run names its data version."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_REMOTE = re.compile(r"^\s*\[\s*['\"]?remote\s+\"[^\"]+\"", re.MULTILINE)
_LAKEFS_URI = re.compile(r"lakefs://[\w.-]+")
# Datasets versioned by the platform: Azure ML dataset versions (a pipeline step's output registered as a new
# version each run, `OutputFileDatasetConfig(...).register_on_complete(name=...)`), Vertex AI managed datasets,
# Delta time travel, Hugging Face dataset revisions.
_MANAGED = re.compile(r"\bcreate_new_version\s*=\s*True|\bDataset\.get_by_name\s*\([^)\n]*version|\.register_on_complete\s*\(|"
                      r"\b(?:versionAsOf|timestampAsOf|version_as_of)\b|\bload_dataset\s*\([^)\n]*\brevision\s*=")
# A Vertex AI managed dataset (however `aiplatform` is imported) registers the source table or files by name;
# it keeps no version of their content: partial.
_VERTEX_DATASET = re.compile(r"\b\w+\.(?:Tabular|Image|Text|TimeSeries|Video)Dataset(?:\.create)?\s*\(")


# Orchestrators that version every step's output with the run: Metaflow keeps each `self.x` artifact of a
# step, ZenML each step output. A dataset loaded into one is versioned per run, not named or pinned: partial.
_METAFLOW_DATA = re.compile(r"^\s*self\.\w+\s*=\s*[^\n]*\b\w*(?:fetch|read|load|query|download)\w*\s*\(", re.MULTILINE)
_ZENML_DATA = re.compile(r"^\s*\w+\s*=\s*\w*(?:load|read|ingest|fetch|import)\w*\s*\(", re.MULTILINE)
_ZENML_PIPELINE = re.compile(r"@pipeline\b")


# What a training run records of its data. MLflow's `log_input` logs a dataset with its digest: positive. A hash
# or signature of the dataset computed where runs are tracked, a pipeline's input-data URI parameter (recorded
# with each SageMaker execution), an Azure ML data asset: the data is named or fingerprinted per run, not
# versioned: partial. (A feature-store model logged with its training set names the tables, which are overwritten:
# lineage, not a version; data-lineage counts it.)
_LOG_INPUT = re.compile(r"\bmlflow\.log_input\s*\(")
_DATA_HASH = re.compile(r"\b\w*(?:data|dataset)\w*_(?:hash|signature|digest|checksum|fingerprint|md5|sha\d*)\b\s*=(?!=)",
                        re.IGNORECASE)
_TRACKERS = ("mlflow", "wandb", "comet_ml", "neptune", "dvclive", "clearml")
# A W&B run that reads its data from an artifact records the exact artifact version it used (`run.use_artifact(
# name).file()` then `pd.read_csv`): a versioned dataset, the way DVC's lock file is.
_WANDB_ARTIFACT = re.compile(r"\b(?:run|wandb)\.use_artifact\s*\(")
_READS_DATA = re.compile(r"\b(?:pd|pandas|pl|polars|np|numpy)\.(?:read_\w+|load)\s*\(|\bload_dataset\s*\(")
_SM_DATA_PARAM = re.compile(r"\bParameterString\s*\(\s*name\s*=\s*['\"]\w*(?:Data|Dataset)\w*['\"]")
_AML_DATA_ASSET = re.compile(r"^\$schema:\s*\S*/data\.schema\.json", re.MULTILINE)
_NOT_TRAINING = re.compile(r"batch|scor|infer|predict|monitor", re.IGNORECASE)


def _recorded_inputs(raw: RawResults) -> tuple[list[Location], list[Location]]:
    positive = raw.grep(_LOG_INPUT, raw.importing_files("mlflow"), first_only=False,
                        detail="MLflow dataset (with its digest) logged as the run's input")
    positive += raw.grep(_WANDB_ARTIFACT, [p for p in raw.importing_files("wandb") if _READS_DATA.search(raw.text(p))],
                         first_only=False, needles=("use_artifact",),
                         detail="W&B artifact read as the run's data: the run records the artifact version it used")
    weak = raw.grep(_DATA_HASH, raw.importing_files(*_TRACKERS), first_only=False, needles=("_hash", "_signature",
                    "_digest", "_checksum", "_fingerprint", "_md5", "_sha", "_HASH", "_SIGNATURE"),
                    detail="a hash of the training data computed where the run is tracked")
    weak += raw.grep(_SM_DATA_PARAM, raw.importing_files("sagemaker"), first_only=False, needles=("ParameterString",),
                     detail="input data URI as a pipeline parameter (each execution records it; no content version)")
    for loc in raw.grep(_AML_DATA_ASSET, suffixes=(".yml", ".yaml"), needles=("data.schema.json",)):
        name = re.search(r"^name\s*:", raw.text(loc.path), re.MULTILINE)
        line = raw.text(loc.path).count("\n", 0, name.start()) + 1 if name else loc.line
        weak.append(Location(loc.path, line, "Azure ML data asset (registered with a version; runs may read @latest)"))
    # The training run's inputs before a batch-scoring or monitoring pipeline's.
    return positive, sorted(weak, key=lambda loc: bool(_NOT_TRAINING.search(loc.path)))


def _run_artifacts(raw: RawResults) -> list[Location]:
    """Where a Metaflow step stores loaded data as an artifact, or a ZenML pipeline loads its data as a step output."""
    flows = [p for p in raw.importing_files("metaflow") if "FlowSpec" in raw.text(p)]
    out = [Location(loc.path, loc.line, "data stored as a Metaflow artifact of each run") for loc in raw.grep(_METAFLOW_DATA, flows)]
    pipelines = [p for p in raw.importing_files("zenml") if _ZENML_PIPELINE.search(raw.text(p))]
    out += [Location(loc.path, loc.line, "data loaded as a ZenML step output, versioned with each run")
            for loc in raw.grep(_ZENML_DATA, pipelines)]
    return out


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive = file_locations(raw.named("dvc.yaml", "dvc.lock"), "DVC pipeline")
    positive += file_locations([f for f in raw.with_suffix(".dvc") if f.path != ".dvc"], "DVC-tracked data")
    configs = [f for f in raw.files if f.path.endswith(".dvc/config") or f.path == ".dvc/config"]
    remotes = raw.grep(_REMOTE, configs, detail="DVC remote")
    positive += remotes
    positive += file_locations(raw.named(".lakectl.yaml"), "lakeFS config")
    lake_pos, lake_weak = library(raw, modules=("lakefs", "lakefs_client", "lakefs_sdk", "lakefs_spec"),
                                  packages=("lakefs", "lakefs-client", "lakefs-sdk", "lakefs-spec"), label="lakeFS")
    positive += lake_pos + raw.grep(_LAKEFS_URI, suffixes=CODE + (".yaml", ".yml"), detail="lakeFS URI")
    weak: list[Location] = [loc for f in configs if not remotes for loc in file_locations([f], "DVC set up, no remote")]
    positive += raw.grep(_MANAGED, raw.with_suffix(*CODE), first_only=False, detail="versioned managed dataset",
                         needles=("create_new_version", "get_by_name", "Dataset", "versionAsOf", "timestampAsOf",
                                  "version_as_of", "revision", "register_on_complete"))
    weak += raw.grep(_VERTEX_DATASET, raw.importing_files("google"), first_only=False, needles=("Dataset",),
                     detail="Vertex AI managed dataset (the source registered by name, its content not versioned)")
    weak += _run_artifacts(raw)
    recorded, fingerprinted = _recorded_inputs(raw)
    return findings(ID, positive + recorded, weak + fingerprinted + lake_weak)
