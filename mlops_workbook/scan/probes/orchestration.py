"""Training as an orchestrated pipeline: Airflow, Dagster, Prefect, Kubeflow Pipelines, ZenML, Metaflow, Flyte."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import YAML, findings, libraries

ID = "orchestration"
SHORT = ("Pipeline definitions: Airflow DAGs, Dagster assets/jobs, Prefect flows, Kubeflow Pipelines (`kfp`, "
         "Argo `Workflow`), ZenML and Metaflow pipelines, Flyte workflows")
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
)
_ARGO = re.compile(r"^kind:\s*(?:Workflow|CronWorkflow|WorkflowTemplate)\s*$", re.MULTILINE)
_ARGO_API = re.compile(r"argoproj\.io/")


def run(raw: RawResults) -> list[Finding]:
    positive, weak = libraries(raw, _TOOLS)
    argo_files = [loc.path for loc in raw.grep(_ARGO_API, suffixes=YAML)]
    positive += raw.grep(_ARGO, argo_files, detail="Argo/Kubeflow workflow")
    return findings(ID, positive, weak)
