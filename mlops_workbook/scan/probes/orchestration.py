"""Training as an orchestrated pipeline: Airflow, Dagster, Prefect, Kubeflow Pipelines, ZenML, Metaflow, Flyte."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, bundle_files, findings, libraries, line_text, yaml_children

ID = "orchestration"
SHORT = ("Pipeline definitions: Airflow DAGs, Dagster assets/jobs, Prefect flows, Kubeflow Pipelines (`kfp`, "
         "Argo `Workflow`), ZenML and Metaflow pipelines, Flyte workflows, Kedro pipelines, TFX and Vertex AI pipelines, "
         "SageMaker pipelines, Ray Train, Databricks jobs (asset bundles)")
CRITERIA = {"model-2-pipeline": "yes", "data-1-scripted-prep": "partial", "data-2-automated-features": "partial"}
REMEDIATION = "Run training as a pipeline on a schedule or on new data (Airflow, Dagster, Prefect or Kubeflow), not by hand."
EFFORT = "high"  # low: an afternoon, medium: days, high: weeks

_TOOLS = (
    (("airflow",), ("apache-airflow",), re.compile(r"\bDAG\s*\(|@dag\b|@task\b"), "Airflow"),
    (("dagster",), ("dagster",), re.compile(r"@(?:dagster\.)?(?:asset|multi_asset|job|op|graph|schedule|sensor)\b|"
                                            r"\bDefinitions\s*\("), "Dagster"),
    (("prefect",), ("prefect",), re.compile(r"@(?:prefect\.)?flow\b"), "Prefect"),
    (("kfp",), ("kfp",), re.compile(r"@(?:kfp\.)?dsl\.pipeline\b|@pipeline\b|\bdsl\.pipeline\s*\("), "Kubeflow Pipelines"),
    (("zenml",), ("zenml",), re.compile(r"@pipeline\b|@step\b"), "ZenML"),
    (("metaflow",), ("metaflow",), re.compile(r"\(\s*FlowSpec\s*\)"), "Metaflow"),
    (("flytekit",), ("flytekit",), re.compile(r"@workflow\b"), "Flyte"),
    (("kedro",), ("kedro",), re.compile(r"\b(?:pipeline|Pipeline)\s*\(\s*\[?\s*(?:node|\[)|\bnode\s*\(\s*(?:func\s*=\s*)?\w+\s*,"),
     "Kedro pipeline"),
    (("tfx",), ("tfx",), re.compile(r"\b(?:tfx\.dsl\.|dsl\.)?Pipeline\s*\(\s*(?:pipeline_name|components)|"
                                    r"\b(?:KubeflowV2DagRunner|LocalDagRunner|BeamDagRunner|KubeflowDagRunner)\s*\("), "TFX pipeline"),
    (("google",), ("google-cloud-aiplatform",), re.compile(r"\b(?:aiplatform\.)?PipelineJob\s*\("), "Vertex AI pipeline"),
    (("sagemaker",), ("sagemaker",), re.compile(r"\bPipeline\s*\(\s*name\s*=|\bpipeline\.(?:upsert|start)\s*\("),
     "SageMaker pipeline"),
    (("ray",), ("ray",), re.compile(r"\b(?:TorchTrainer|XGBoostTrainer|LightGBMTrainer|DataParallelTrainer|TensorflowTrainer)\s*\("),
     "Ray Train"),
)
# Kedro: `register_pipelines()` in pipeline_registry.py names the pipelines `kedro run --pipeline` runs.
_KEDRO_REGISTERED = re.compile(r"^\s*[\"']([\w-]+)[\"']\s*:\s*\w+", re.MULTILINE)
_ARGO = re.compile(r"^kind:\s*(?:Workflow|CronWorkflow|WorkflowTemplate)\s*$", re.MULTILINE)
_ARGO_API = re.compile(r"argoproj\.io/")
# A pipeline as a whole (a DAG, a flow, a pipeline object, a job), over one of its steps or tasks.
_STEP_LEVEL = re.compile(r"@task|@step|@op\b|@asset|@multi_asset|\bnode\b|@graph", re.IGNORECASE)
_DECORATOR = re.compile(r"^\s*@")
_DEF = re.compile(r"^\s*(?:async\s+)?def\s+\w+")
# What a pipeline that trains says: the training pipeline is the one model-2-pipeline asks about.
_TRAINS = re.compile(r"train", re.IGNORECASE)  # in a file name or the pipeline's name
# ... or in its code: a fit, a trainer or training step, a training function called, a training DAG triggered.
_TRAINS_CODE = re.compile(r"\.fit\s*\(|\b\w*(?:Trainer|TrainingStep|Estimator)\s*\(|\btrain(?!_test_split)\w*\s*\(|"
                          r"\btrigger_dag_id\s*=\s*['\"][^'\"\n]*train")
_SCHEDULED = re.compile(r"\bschedule(?:_interval)?\s*=\s*(?!None\b)['\"@\w(]|quartz_cron_expression|\bcron\s*[:=]|"
                        r"Schedule\.(?:expression|cron|rate)\s*\(")


def _at_definition(raw: RawResults, location: Location) -> Location:
    """A decorator (`@pipeline(`, `@flow`, `@dag`) is cited at the function it defines, which names the pipeline."""
    if not _DECORATOR.match(line_text(raw, location)):
        return location
    for number in range(location.line or 1, (location.line or 1) + 31):
        if _DEF.match(raw.line(location.path, number)):
            return Location(location.path, number, location.detail)
    return location


def _order(raw: RawResults, location: Location) -> tuple[bool, bool, bool, bool]:
    """The training pipeline first: a pipeline (not a step), that trains (by its file, its name or its
    code), that is scheduled, then one whose file or name says it trains."""
    text = raw.text(location.path)
    named = bool(_TRAINS.search(location.path.rsplit("/", 1)[-1]) or _TRAINS.search(location.detail))
    trains = named or bool(_TRAINS_CODE.search(text))
    return (bool(_STEP_LEVEL.search(location.detail)), not trains, not _SCHEDULED.search(text), not named)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive, weak = libraries(raw, _TOOLS)
    positive = [_at_definition(raw, loc) for loc in positive]
    registries = [f for f in raw.named("pipeline_registry.py") if raw.imported("kedro")]
    positive += [Location(loc.path, loc.line, f"Kedro pipeline registered: {loc.detail}")
                 for loc in raw.grep(_KEDRO_REGISTERED, registries, first_only=False)
                 if not loc.detail.startswith(("\"__default__", "'__default__"))]
    argo_files = [loc.path for loc in raw.grep(_ARGO_API, suffixes=YAML)]
    positive += raw.grep(_ARGO, argo_files, detail="Argo/Kubeflow workflow")
    # Databricks Jobs and asset bundles: a job (its tasks) is the pipeline, cited at the job's name.
    for f in bundle_files(raw):
        text = raw.text(f.path)
        positive += [Location(f.path, line, f"Databricks job: {name}") for line, name in yaml_children(text, "jobs")
                     if re.search(r"^\s*tasks\s*:", text, re.MULTILINE)]
    return findings(ID, sorted(positive, key=lambda loc: _order(raw, loc)), weak)
