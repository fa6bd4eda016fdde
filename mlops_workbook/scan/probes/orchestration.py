"""Training as an orchestrated pipeline: Airflow, Dagster, Prefect, Kubeflow Pipelines, ZenML, Metaflow, Flyte."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import YAML, findings, libraries

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
# Databricks Jobs and asset bundles: the job (its tasks) is the pipeline.
_BUNDLE_JOB = re.compile(r"^\s*(?:tasks|notebook_task|spark_python_task|python_wheel_task|pipeline_task)\s*:", re.MULTILINE)
_BUNDLE_API = re.compile(r"^\s*(?:bundle|resources|targets|jobs)\s*:", re.MULTILINE)
_ARGO = re.compile(r"^kind:\s*(?:Workflow|CronWorkflow|WorkflowTemplate)\s*$", re.MULTILINE)
_ARGO_API = re.compile(r"argoproj\.io/")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive, weak = libraries(raw, _TOOLS)
    argo_files = [loc.path for loc in raw.grep(_ARGO_API, suffixes=YAML)]
    positive += raw.grep(_ARGO, argo_files, detail="Argo/Kubeflow workflow")
    bundle_files = [f for f in raw.files if f.suffix in YAML
                    and (f.name == "databricks.yml" or "/resources/" in f"/{f.path}")
                    and _BUNDLE_API.search(raw.text(f.path))]
    positive += raw.grep(_BUNDLE_JOB, bundle_files, detail="Databricks job")
    return findings(ID, positive, weak)
