"""Deployment run by CI: the command that ships the model or service, on any CI system."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._ci import ci_commands, located
from ._util import findings

ID = "ci-deploy"
SHORT = ("A CI step that deploys: `kubectl apply`, `helm upgrade`, `gcloud run deploy` / `ai endpoints deploy-model`, "
         "`az ml online-deployment`, `databricks bundle deploy`, `sam`/`cdk`/`serverless deploy`, `anyscale service "
         "rollout`, `git push heroku`, `az ml model deploy`, a SageMaker or Vertex deploy script; an AWS CodePipeline "
         "deploy action defined with the CDK; a pipeline step (Metaflow, Prefect, ZenML, Kubeflow, Airflow, Dagster) that "
         "deploys a SageMaker or Vertex AI endpoint")
CRITERIA = {"deploy-2-automated-deploy": "yes", "deploy-1-script": "yes", "deploy-1-basic-cicd": "partial"}
REMEDIATION = "Deploy from CI: the pipeline that tests the model also ships it, with no manual copy step."
EFFORT = "medium"

DEPLOY = re.compile(
    r"\bkubectl\s+(?:apply|rollout|set\s+image)\b|\bhelm\s+(?:upgrade|install)\b|\bgcloud\s+(?:run|app|functions)\s+deploy\b|"
    r"\bgcloud\s+ai\s+endpoints\s+deploy-model\b|\baz\s+ml\s+online-(?:deployment|endpoint)\s+(?:create|update)\b|"
    r"\baz\s+webapp\s+(?:up|deploy)\b|\bdatabricks\s+bundle\s+deploy\b|\b(?:sam|cdk|serverless|sls)\s+deploy\b|"
    r"\banyscale\s+service\s+(?:deploy|rollout)\b|\bgit\s+push\s+heroku\b|\bheroku\s+container:release\b|"
    r"\bterraform\s+apply\b|\bpython3?\s+[\w./-]*deploy\w*\.py\b|\bbentoml\s+deploy\b|\bmlflow\s+deployments\s+create\b|"
    r"\bdocker\s+push\b|\baz\s+ml\s+model\s+deploy\b|\bgcloud\s+builds\s+submit\b[^\n]*deploy")


_CODEPIPELINE_DEPLOY = re.compile(r"\b(?:CloudFormationCreateUpdateStackAction|CloudFormationDeployStackSetAction|"
                                  r"CloudFormationCreateReplaceChangeSetAction|CodeDeployServerDeployAction|"
                                  r"CodeDeployEcsDeployAction|EcsDeployAction|ElasticBeanstalkDeployAction)\s*\(")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive, weak = [], []
    for command in ci_commands(raw):
        if DEPLOY.search(command.text):
            (positive if command.can_fail else weak).append(located(command, "CI deploys"))
    # A CD pipeline defined as code (AWS CDK): CodePipeline's deploy actions run on every change it watches.
    positive += [Location(loc.path, loc.line, f"CodePipeline deploy stage: {loc.detail}")
                 for loc in raw.grep(_CODEPIPELINE_DEPLOY, raw.importing_files("aws_cdk"), first_only=False)]
    found = findings(ID, positive, weak)
    # A pipeline that deploys is automated deployment, not CI: it says nothing of deploy-1-basic-cicd.
    seen = {(f.location.path, f.location.line) for f in found}
    return found + [Finding(ID, "positive", loc, criterion) for loc in _pipeline_deploys(raw)
                    if (loc.path, loc.line) not in seen for criterion in PIPELINE_CRITERIA]


# An endpoint deployment in the cloud SDKs: SageMaker `Model.deploy(initial_instance_count=...)`, Vertex AI
# `Model.deploy(endpoint=...)` / `Endpoint.deploy(model=...)`.
_ENDPOINT_DEPLOY = re.compile(r"\.deploy\s*\(\s*(?:initial_instance_count|instance_type|endpoint|machine_type|deployed_model|"
                              r"model\s*=)")
PIPELINE_CRITERIA = ("deploy-2-automated-deploy", "deploy-1-script")
_ORCHESTRATORS = ("metaflow", "prefect", "zenml", "kfp", "airflow", "dagster")


def _pipeline_deploys(raw: RawResults) -> list[Location]:
    """Deployment run by the pipeline itself: an endpoint deploy call in a file that defines pipeline steps."""
    files = [path for path in raw.importing_files(*_ORCHESTRATORS) if path.endswith(".py")]
    return [Location(loc.path, loc.line, f"a pipeline step deploys: {loc.detail}")
            for loc in raw.grep(_ENDPOINT_DEPLOY, files, first_only=False, needles=(".deploy",))]
