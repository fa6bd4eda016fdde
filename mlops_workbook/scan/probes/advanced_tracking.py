"""Advanced experiment tracking: runs linked to the data they used, to each other and to the pipeline run or
commit that made them, not only metrics and parameters recorded."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import aside_folder, findings
from .audit_trail import run_records

ID = "advanced-tracking"
SHORT = ("Tracked runs linked to what made them: the input dataset (`mlflow.log_input`, W&B `use_artifact`, Azure ML "
         "`run.input_datasets` / `Model.register(datasets=)`, Databricks `log_model(training_set=)`), other runs "
         "(`start_run(nested=True)`, `parent_run_id=`, a tag set to a run's id) or the pipeline run / commit (Metaflow "
         "`current.pathspec`, a CI build or commit variable, a tag keyed by the pipeline's run id), or lineage the platform "
         "records (a SageMaker Pipelines registration, a TFX ML Metadata store, a Kubeflow step given the pipeline job "
         "name); one kind of link is partial, two are yes")
CRITERIA = {"model-3-advanced-tracking": "yes"}
REMEDIATION = ("Link each run to its input dataset (mlflow.log_input), to the pipeline run and commit that made it "
               "(tags), and to the model version it produced.")
EFFORT = "low"

_TRACKERS = ("mlflow", "wandb", "comet_ml", "neptune", "azureml", "databricks")
# A tag (or Comet's tag / other field) whose value names what made the run: a Metaflow task, the CI build and
# commit (the CI systems' own variables), or the git commit.
_PIPELINE_REF = (r"\bcurrent\.(?:pathspec|run_id)\b|GITHUB_SHA|GITHUB_RUN_ID|CI_PIPELINE_ID|CI_COMMIT_SHA|BUILD_BUILDID|"
                 r"BUILD_SOURCEVERSION|CIRCLE_BUILD_NUM|CIRCLE_SHA1|mlflow\.source\.git\.commit")
_TAG = r"\b(?:set_tags?|add_tags?|log_other)\s*\([^)\n]*"
# A tag whose key names the run of the pipeline or build outside the tracker (`set_tag("external_run_id", ...)`).
_RUN_KEY = r"\b(?:set_tag|add_tag|log_other)\s*\(\s*[\"'](?:\w+[_-])?(?:pipeline|workflow|external|kfp|argo|build|ci)[_-]?(?:run|job)?[_-]?id[\"']"
# Each kind of link, as the patterns that show it, the first that matches cited (a tag naming the chosen run
# before the nested runs it was chosen from).
LINKS = {
    "other runs": (re.compile(_TAG + r"\.info\.run_id\b"),
                   re.compile(r"\bstart_run\s*\([^)\n]*\bnested\s*=\s*True|\bparent_run_id\s*=")),
    "pipeline run or commit": (re.compile(_TAG + "(?:" + _PIPELINE_REF + ")"), re.compile(_RUN_KEY, re.IGNORECASE)),
    "input data": (re.compile(r"\bmlflow\.log_input\s*\(|\buse_artifact\s*\(|\.input_datasets\s*\[[^\]\n]+\]\s*=|"
                              r"\bModel\.register\s*\([^)]*\bdatasets\s*=|"
                              r"\.log_model\s*\([^()]*(?:\([^()]*\)[^()]*)*\btraining_set\s*=", re.DOTALL),),
}
KINDS_FOR_YES = 2


# Lineage the ML platforms record by themselves, in the pipeline that makes the model: a SageMaker Pipelines
# model registration (the registry links the package to the pipeline execution, its training job and data), a
# TFX pipeline with an ML Metadata store, a Kubeflow pipeline passing its own job name or run id to a step.
PLATFORM = "pipeline lineage"
_SAGEMAKER_REGISTER = re.compile(r"\bRegisterModel\s*\(|\bstep_args\s*=\s*\w+\.register\s*\(")
_TFX_METADATA = re.compile(r"^\s*metadata_connection_config\s*=\s*\w", re.MULTILINE)
_KFP_RUN = re.compile(r"\{\{\$\.pipeline_job_(?:name|uuid|resource_name)\}\}|\{\{workflow\.(?:uid|name)\}\}|"
                      r"\bdsl\.(?:PIPELINE_JOB_(?:NAME|ID|RESOURCE_NAME)|RUN_ID)_PLACEHOLDER\b")


def _platform_lineage(raw: RawResults) -> list[Location]:
    sagemaker = [p for p in raw.importing_files("sagemaker") if "sagemaker.workflow" in raw.text(p)]
    # An evaluation or a model recorded with the pipeline job that made it, first: the link itself.
    records = [Location(loc.path, loc.line, f"a pipeline step records the pipeline run: {loc.detail}")
               for loc in run_records(raw, [p for p in raw.importing_files("kfp", "google", "tfx", "sagemaker")
                                            if p.endswith(".py")])]
    found = raw.grep(_SAGEMAKER_REGISTER, sagemaker, detail="a SageMaker pipeline registers the model (registry lineage)")
    found += raw.grep(_TFX_METADATA, raw.importing_files("tfx"), detail="the TFX pipeline records ML Metadata lineage",
                      needles=("metadata_connection_config",))
    found += raw.grep(_KFP_RUN, raw.importing_files("kfp"), detail="a pipeline step records the pipeline run",
                      needles=("pipeline_job_", "workflow.", "_PLACEHOLDER"))
    # The pipeline's own code before its tests, the training pipeline (what made the model) before others.
    return sorted(records + found, key=lambda loc: (bool(aside_folder(loc.path)), loc not in records,
                                                    "train" not in loc.path.lower()))


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    files = raw.importing_files(*_TRACKERS)
    seen: dict[str, Location] = {}
    for kind, patterns in LINKS.items():
        for pattern in patterns:
            hits = raw.grep(pattern, files, needles=("tag", "other", "log_input", "use_artifact", "input_datasets",
                                                     "datasets", "training_set", "nested", "parent_run_id"))
            if hits:
                seen[kind] = hits[0]
                break
    lineage = _platform_lineage(raw)
    if lineage:
        seen[PLATFORM] = lineage[0]
    kinds = ", ".join(seen)
    located = [Location(loc.path, loc.line, f"runs linked to their {kinds}: {loc.detail}") for loc in seen.values()]
    if len(seen) >= KINDS_FOR_YES:
        return findings(ID, located)
    return findings(ID, [], [Location(loc.path, loc.line, f"{loc.detail} (one kind of link)") for loc in located])
