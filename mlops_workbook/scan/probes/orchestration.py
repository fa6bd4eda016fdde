"""Training as an orchestrated pipeline: Airflow, Dagster, Prefect, Kubeflow Pipelines, ZenML, Metaflow, Flyte."""

from __future__ import annotations

import re
from dataclasses import replace

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, bundle_files, findings, libraries, line_text, yaml_children

ID = "orchestration"
SHORT = ("Pipeline definitions: Airflow DAGs, Dagster assets/jobs, Prefect flows, Kubeflow Pipelines (`kfp`, "
         "Argo `Workflow`), ZenML and Metaflow pipelines, Flyte workflows, Kedro pipelines, TFX and Vertex AI pipelines, "
         "SageMaker and Azure ML pipelines (SDK and `type: pipeline` job YAML), Databricks jobs (asset bundles); for the data "
         "criteria, the pipeline's data steps (ExampleGen, Transform, a preprocessing ProcessingStep or task, `dbt run`) "
         "and the preprocessing beside a Ray Train trainer")
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
    (("azureml",), ("azureml-pipeline-core",), re.compile(r"\bPipeline\s*\(\s*(?:workspace\s*=|ws\b)"), "Azure ML pipeline"),
    (("azure",), ("azure-ai-ml",), re.compile(r"@(?:dsl\.)?pipeline\s*\("), "Azure ML pipeline"),
)
# Ray Train's trainers distribute one training run; they orchestrate nothing, so they are no pipeline for
# model-2-pipeline, but the preprocessing beside them is the training's own data step.
_RAY = ((("ray",), ("ray",), re.compile(r"\b(?:TorchTrainer|XGBoostTrainer|LightGBMTrainer|DataParallelTrainer|"
                                        r"TensorflowTrainer)\s*\("), "Ray Train"),)
# Azure ML pipeline jobs as YAML (`type: pipeline` with `jobs:`, the CLI v2 pipelineJob schema).
_AML_PIPELINE = re.compile(r"pipelineJob\.schema\.json|^type:\s*pipeline\s*$", re.MULTILINE)
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


# The pipeline's own data-preparation and feature steps, cited for data-1-scripted-prep and
# data-2-automated-features instead of the pipeline as a whole (a `Pipeline(` constructor or a flow class says
# a pipeline exists, not that it prepares the data). A documented data step of the framework: TFX ExampleGen and
# Transform, a SageMaker ProcessingStep whose name says it preprocesses, kedro-mlflow's `pipeline_ml_factory`
# (training and inference pipelines bound into one model, so the same preprocessing serves), a `dbt run`.
_TOOL_PREP = re.compile(r"\b\w*ExampleGen\s*\(|\bTransform\s*\(|\bProcessingStep\s*\(|\bdbt\s+(?:run|build)\b|"
                        r"\bdbtRunner\s*\(")
_TOOL_FEATURES = re.compile(r"\bTransform\s*\(|\bProcessingStep\s*\(|\bpipeline_ml_factory\s*\(|\bdbt\s+(?:run|build)\b|"
                            r"\bdbtRunner\s*\(")
_TFX_ONLY = re.compile(r"ExampleGen|\bTransform\b")
# ... or a step of the pipeline that its code names for the work: a task, op or component assigned to a name
# (`clean_data_task = PythonOperator(`, `ingest = bq_query_to_table(`, `ops['preprocess'] = dsl.ContainerOp(`,
# `preprocessor = CustomPreprocessor()`), or a decorated step function (`@task def add_features(`).
_ASSIGNED_STEP = re.compile(r"^[ \t]*(?P<target>[A-Za-z_]\w*(?:\[\s*['\"][^'\"\n]+['\"]\s*\])?)[ \t]*=[ \t]*\(?\s*"
                            r"(?P<call>[A-Za-z_][\w.]*)[ \t]*\(", re.MULTILINE)
_PREP_WORDS = re.compile(r"preprocess|prepar|(?<![a-z])prep(?![a-z])|ingest|clean|(?<![a-z])etl(?![a-z])|extract|featur|"
                         r"transform", re.IGNORECASE)
_FEATURE_WORDS = re.compile(r"preprocess|featur|transform", re.IGNORECASE)
_STEP_DEF = re.compile(r"^[ \t]*@(?:\w+\.)*(?:task|step|op|asset|component)\b[^\n]*\n(?:[ \t]*@[^\n]*\n)*"
                       r"[ \t]*(?:async[ \t]+)?def[ \t]+(?P<name>\w+)", re.MULTILINE)
_PROCESSING_NAME = re.compile(r"name\s*=\s*['\"][^'\"]*(?:prep|process|featur|transform|clean)", re.IGNORECASE)
_NOT_PREP = re.compile(r"eval|score|predict|infer|monitor|test|importance|(?<![a-z])imp(?![a-z])", re.IGNORECASE)
# The pipeline itself, named for what it does (`preprocess_dag = DAG(`), is no step of it.
_CONTAINER = re.compile(r"(?:DAG|Pipeline|Flow|Workflow|Graph)$")
# A name for what a step reads or writes, not for the step: `transform_output_uri = ...`, `ingest_query = ...`.
_NOT_STEP = re.compile(r"(?:uri|url|path|dir|folder|query|sql|config|cfg|params?|image|name|table|file|bucket|"
                       r"location|columns?|cols)\W*$", re.IGNORECASE)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _data_steps(raw: RawResults, paths: list[str], step_files: list[str]) -> tuple[list[Location], list[Location]]:
    """(preparation steps, feature steps) of the pipelines in `paths`, in the pipelines' order: the
    framework's documented data steps first, then the steps the code names for preparing data. A task
    defined in another of `step_files` (a Prefect `@task` module) is a preparation step too, but no feature
    step: only the pipeline shows that the feature code runs inside it."""
    tools_prep: list[Location] = []
    tools_features: list[Location] = []
    named_prep: list[Location] = []
    named_features: list[Location] = []
    tfx_files = set(raw.importing_files("tfx"))
    # The pipeline a file name says prepares data first (`data_preprocess_dag.py`), then the pipelines' order.
    for path in sorted(paths, key=lambda p: not _PREP_WORDS.search(p.rsplit("/", 1)[-1])):
        text = raw.text(path)
        for pattern, out in ((_TOOL_PREP, tools_prep), (_TOOL_FEATURES, tools_features)):
            for loc in raw.grep(pattern, [path], first_only=False):
                if _TFX_ONLY.search(loc.detail) and path not in tfx_files:
                    continue
                if "ProcessingStep" in loc.detail:
                    window = "\n".join(raw.line(path, n) for n in range(loc.line or 1, (loc.line or 1) + 4))
                    name = _PROCESSING_NAME.search(window)
                    if not name or _NOT_PREP.search(name.group(0)):
                        continue
                out.append(Location(path, loc.line, f"pipeline step prepares data: {loc.detail}"))
        steps = [(m.start("target"), m.group("target")) for m in _ASSIGNED_STEP.finditer(text)
                 if not _CONTAINER.match(m.group("call").rsplit(".", 1)[-1])]
        steps += [(m.start("name"), m.group("name")) for m in _STEP_DEF.finditer(text)]
        for start, name in sorted(steps):
            line = _line_of(text, start)
            if raw.line(path, line).lstrip().startswith("#") or _NOT_PREP.search(name) or _NOT_STEP.search(name):
                continue
            if _PREP_WORDS.search(name):
                detail = f"pipeline step prepares data: {name}"
                named_prep.append(Location(path, line, detail))
                if _FEATURE_WORDS.search(name):
                    named_features.append(Location(path, line, detail))
    for path in step_files:
        if path in paths:
            continue
        text = raw.text(path)
        for match in _STEP_DEF.finditer(text):
            name = match.group("name")
            if _PREP_WORDS.search(name) and not _NOT_PREP.search(name):
                named_prep.append(Location(path, _line_of(text, match.start("name")),
                                           f"pipeline step prepares data: {name}"))
    return tools_prep + named_prep, tools_features + named_features


def _at_definition(raw: RawResults, location: Location) -> Location:
    """A decorator (`@pipeline(`, `@flow`, `@dag`) is cited at the function it defines, which names the pipeline."""
    if not _DECORATOR.match(line_text(raw, location)):
        return location
    for number in range(location.line or 1, (location.line or 1) + 31):
        if _DEF.match(raw.line(location.path, number)):
            return Location(location.path, number, location.detail)
    return location


def _decorator_lines(raw: RawResults, location: Location) -> list[str]:
    """A decorated definition's lines from its decorator down (`@dsl.pipeline(name="train")` ... `def p(`)."""
    number = location.line or 1
    if not _DEF.match(raw.line(location.path, number)):
        return []
    for start in range(number - 1, max(0, number - 8), -1):
        if _DECORATOR.match(raw.line(location.path, start)):
            return [raw.line(location.path, n) for n in range(start, number + 1)]
    return []


_SERVES = re.compile(r"predict|inference|serving|monitor", re.IGNORECASE)


def _order(raw: RawResults, location: Location) -> tuple[bool, bool, bool, bool, bool]:
    """The training pipeline first: a pipeline (not a step), that trains (by its file, its name or its
    code), that is not named for prediction or monitoring, that is scheduled, then one whose name says it
    trains. Its name: the file's and folders' names, the detail, and the definition's lines (a decorator's
    `name="xgboost-train-pipeline"` above the function)."""
    text = raw.text(location.path)
    names = " ".join([location.path, location.detail, *_decorator_lines(raw, location)])
    named = bool(_TRAINS.search(names))
    trains = named or bool(_TRAINS_CODE.search(text))
    serves = not named and bool(_SERVES.search(names))
    return (bool(_STEP_LEVEL.search(location.detail)), not trains, serves, not _SCHEDULED.search(text), not named)


def _jobs_spec(raw: RawResults, bundles: set[str]) -> tuple[list[Location], list[Location]]:
    """(multi-task jobs, their data tasks) of Databricks Jobs specs outside an asset bundle (dbx's
    `conf/deployment.yml`, a Jobs API file): a `- name:` job with a `tasks:` list is a pipeline, cited at its
    name; a task whose `task_key` says it prepares data is its data step."""
    jobs: list[Location] = []
    steps: list[Location] = []
    for loc in raw.grep(_TASK_KEY, suffixes=YAML, needles=("task_key",)):
        if loc.path in bundles:
            continue
        lines = raw.text(loc.path).split("\n")
        for row, line in enumerate(lines):
            job = re.match(r"^(\s*)-\s*name\s*:\s*['\"]?([^'\"#\n]+)", line)
            if not job:
                continue
            indent = len(job.group(1))
            body = []
            for text_line in lines[row + 1:]:
                if text_line.strip() and len(text_line) - len(text_line.lstrip()) <= indent:
                    break
                body.append(text_line)
            tasks = next((n for n, b in enumerate(body) if re.match(r"^\s*tasks\s*:", b)), None)
            if tasks is None:
                continue
            jobs.append(Location(loc.path, row + 1, f"Databricks job: {job.group(2).strip()}"))
            level = None
            for n, b in enumerate(body[tasks + 1:], start=row + tasks + 3):
                key = re.match(r"^(\s*)-\s*task_key\s*:\s*['\"]?([\w.-]+)", b)
                if key:
                    level = len(key.group(1)) if level is None else level
                    name = key.group(2)
                    if len(key.group(1)) == level and _PREP_WORDS.search(name) and not _NOT_PREP.search(name):
                        steps.append(Location(loc.path, n, f"pipeline step prepares data: {name}"))
    return jobs, steps


_STEP_MODULES = ("prefect", "airflow", "dagster", "zenml", "metaflow", "flytekit", "kfp")
_TASK_KEY = re.compile(r"^\s*-?\s*task_key\s*:", re.MULTILINE)


def _pipelines(raw: RawResults) -> tuple[list[Finding], list[Location], list[Location]]:
    """(the pipelines as findings, training first; their data-preparation steps; their feature steps)."""
    positive, weak = libraries(raw, _TOOLS)
    positive = [_at_definition(raw, loc) for loc in positive]
    registries = [f for f in raw.named("pipeline_registry.py") if raw.imported("kedro")]
    registered = raw.grep(_KEDRO_REGISTERED, registries, first_only=False)
    positive += [Location(loc.path, loc.line, f"Kedro pipeline registered: {loc.detail}") for loc in registered
                 if not loc.detail.startswith(("\"__default__", "'__default__"))]
    yaml_steps = []
    for loc in raw.grep(_AML_PIPELINE, suffixes=YAML, needles=("pipeline",)):
        jobs = re.search(r"^jobs\s*:", raw.text(loc.path), re.MULTILINE)
        if jobs:
            text = raw.text(loc.path)
            positive.append(Location(loc.path, _line_of(text, jobs.start()), "Azure ML pipeline job: jobs:"))
            yaml_steps += [Location(loc.path, line, f"pipeline step prepares data: {name}")
                           for line, name in yaml_children(text, "jobs")
                           if _PREP_WORDS.search(name) and not _NOT_PREP.search(name)]
    argo_files = [loc.path for loc in raw.grep(_ARGO_API, suffixes=YAML)]
    positive += raw.grep(_ARGO, argo_files, detail="Argo/Kubeflow workflow")
    # Databricks Jobs and asset bundles: a job (its tasks) is the pipeline, cited at the job's name.
    bundles = bundle_files(raw)
    for f in bundles:
        text = raw.text(f.path)
        if not re.search(r"^\s*tasks\s*:", text, re.MULTILINE):
            continue
        for line, name in yaml_children(text, "jobs"):
            positive.append(Location(f.path, line, f"Databricks job: {name}"))
            if _PREP_WORDS.search(name) and not _NOT_PREP.search(name):
                yaml_steps.append(Location(f.path, line, f"pipeline step prepares data: {name}"))
    jobs, job_steps = _jobs_spec(raw, {f.path for f in bundles})
    positive += jobs
    yaml_steps += job_steps
    pipelines = findings(ID, sorted(positive, key=lambda loc: _order(raw, loc)), weak)
    # The data steps of the pipelines (and beside a Ray trainer), the pipeline that trains first.
    ray, _ = libraries(raw, _RAY)
    paths = list(dict.fromkeys([f.location.path for f in pipelines if f.outcome == "positive"] + [r.path for r in ray]))
    step_files = raw.importing_files(*_STEP_MODULES)
    prep, features = _data_steps(raw, paths, step_files)
    prep = [Location(loc.path, loc.line, f"Kedro pipeline registered: {loc.detail}") for loc in registered
            if _PREP_WORDS.search(loc.detail.split(":", 1)[0])] + prep + yaml_steps
    return pipelines, prep, features


def data_steps(raw: RawResults) -> tuple[list[Location], list[Location]]:
    """(preparation steps, feature steps) inside the repository's pipelines: what data-prep cites first."""
    _, prep, features = _pipelines(raw)
    return prep, features


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first. A pipeline answers
    model-2-pipeline; for the data criteria its data steps come first, and a pipeline with no data step says
    nothing of automated features (it may train on features made elsewhere)."""
    pipelines, prep, features = _pipelines(raw)
    return ([replace(f, criterion="model-2-pipeline") for f in pipelines]
            + [replace(f, criterion="data-1-scripted-prep") for f in findings(ID, prep)]
            + [replace(f, criterion="data-2-automated-features") for f in findings(ID, features)]
            + [replace(f, criterion="data-1-scripted-prep") for f in pipelines])
