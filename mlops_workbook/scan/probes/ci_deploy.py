"""Deployment run by CI: the command that ships the model or service, on any CI system."""

from __future__ import annotations

import re

from ..collector import RawResults, RepoFile
from ..findings import Finding, Location
from ._ci import Command, ci_commands, deploy_ci_files, located
from ._util import findings

ID = "ci-deploy"
SHORT = ("A CI step that deploys: `kubectl apply`, `helm upgrade`, `gcloud run deploy` / `ai endpoints deploy-model`, "
         "`az ml online-deployment`, `databricks bundle deploy`, `dbx deploy`, `sam`/`cdk`/`serverless deploy`, "
         "`aws cloudformation deploy`, `terraform apply`, `anyscale service rollout`, `git push heroku`, a push to a "
         "Hugging Face Space, a deploy action (`azure/webapps-deploy`, `deploy-cloudrun`, a Helm action, ...), a reusable workflow "
         "given an Azure ML deployment file, a deploy script, or a script CI runs that deploys an endpoint or a stack; "
         "an AWS CodePipeline deploy action defined with the CDK; a pipeline step (Metaflow, Prefect, ZenML, "
         "Kubeflow, Airflow, Dagster, MLRun) that deploys an endpoint, a function or (ZenML) a model deployer step, "
         "or that (like a Databricks job) promotes the model to its serving stage or alias in the registry. A workflow only started by hand "
         "(`workflow_dispatch`, GitLab `when: manual`) is a deployment script, partial for automated deployment")
CRITERIA = {"deploy-2-automated-deploy": "yes", "deploy-1-script": "yes", "deploy-1-basic-cicd": "partial"}
REMEDIATION = "Deploy from CI: the pipeline that tests the model also ships it, with no manual copy step."
EFFORT = "medium"

DEPLOY = re.compile(
    r"\bkubectl\s+(?:apply|rollout|set\s+image)\b|\bhelm\s+(?:upgrade|install)\b|\bgcloud\s+(?:run|app|functions)\s+deploy\b|"
    r"\bgcloud\s+ai\s+endpoints\s+deploy-model\b|\baz\s+ml\s+(?:online|batch)-(?:deployment|endpoint)\s+(?:create|update)\b|"
    r"\baz\s+webapp\s+(?:up|deploy)\b|\bdatabricks\s+bundle\s+deploy\b|\b(?:sam|cdk|serverless|sls)\s+deploy\b|"
    r"\banyscale\s+service\s+(?:deploy|rollout)\b|\bgit\s+push\s+heroku\b|\bheroku\s+container:release\b|"
    r"\bterraform\s+apply\b|\bpython3?\s+(?:[\w.-]+/)*(?:[\w.-]*[_\-\d])?deploy(?:ment)?(?:_(?!\w*config)\w+)?\.py\b|\bbentoml\s+deploy\b|\bmlflow\s+deployments\s+create\b|"
    r"\bdocker\s+push\b|\baz\s+ml\s+model\s+deploy\b|\bgcloud\s+builds\s+submit\b[^\n]*deploy|"
    # Databricks dbx, CloudFormation and SageMaker from the AWS CLI, a Hugging Face Space (a git remote), a
    # deploy script, Azure Container Apps and Functions, Elastic Beanstalk, Cloud Deploy.
    r"\bdbx\s+deploy\b|\baws\s+cloudformation\s+(?:deploy|create-stack|update-stack)\b|"
    r"\baws\s+sagemaker\s+(?:create|update)-endpoint\b|\bgit\s+push\b[^\n]*huggingface\.co/spaces/|"
    r"\b(?:huggingface-cli|hf)\s+upload\b[^\n]*--repo-type[= ]space\b|"
    r"(?:^|[\s;&|])(?:\./|bash\s+|sh\s+)(?:[\w.-]+/)*deploy[\w.-]*\.sh\b|"
    r"\baz\s+containerapp\s+(?:up|update|create)\b|\bfunc\s+azure\s+functionapp\s+publish\b|\beb\s+deploy\b|"
    r"\bgcloud\s+deploy\s+releases\s+create\b|"
    r"\bmlem\s+deploy(?:ment)?\s+run\b|\bfly(?:ctl)?\s+deploy\b|"
    # GitHub Actions that deploy, by their documented names.
    r"\buses\s*:\s*['\"]?(?:azure/webapps-deploy|azure/functions-action|azure/k8s-deploy|azure/aci-deploy|"
    r"azure/arm-deploy|azure/container-apps-deploy-action|google-github-actions/deploy-cloudrun|"
    r"google-github-actions/deploy-appengine|google-github-actions/deploy-cloud-functions|"
    r"aws-actions/amazon-ecs-deploy-task-definition|aws-actions/aws-cloudformation-github-deploy|"
    r"akhileshns/heroku-deploy|(?:[\w.-]+/)+helm)@", re.IGNORECASE)


_CODEPIPELINE_DEPLOY = re.compile(r"\b(?:CloudFormationCreateUpdateStackAction|CloudFormationDeployStackSetAction|"
                                  r"CloudFormationCreateReplaceChangeSetAction|CodeDeployServerDeployAction|"
                                  r"CodeDeployEcsDeployAction|EcsDeployAction|ElasticBeanstalkDeployAction)\s*\(")
SCRIPT = "deploy-1-script"
AUTOMATED = "deploy-2-automated-deploy"
BASIC_CICD = "deploy-1-basic-cicd"


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    files = deploy_ci_files(raw)
    commands = ci_commands(raw, files) + _cloud_build_steps(raw, files)
    manual = _Triggers(raw)
    automatic, by_hand, weak = [], [], []
    for command in commands:
        if DEPLOY.search(command.text):
            location = located(command, "CI deploys")
            (weak if not command.can_fail else by_hand if manual(command) else automatic).append(location)
    for command, calls in _scripts_that_deploy(raw, commands):
        where = [located(command, "CI runs a script that deploys"), *calls]
        (weak if not command.can_fail else by_hand if manual(command) else automatic).extend(where)
    for location, path in _reusable_deployments(raw, files):
        (by_hand if manual.file(path) else automatic).append(location)
    # A CD pipeline defined as code (AWS CDK): CodePipeline's deploy actions run on every change it watches.
    automatic += [Location(loc.path, loc.line, f"CodePipeline deploy stage: {loc.detail}")
                  for loc in raw.grep(_CODEPIPELINE_DEPLOY, raw.importing_files("aws_cdk"), first_only=False)]
    # The production deployment first: the one a reader checks (`-t prod`, `--environment=prod`, a prod workflow,
    # a GitHub job deploying to a production environment).
    production = _ProductionFirst(raw)
    automatic.sort(key=production)
    by_hand.sort(key=production)
    found = findings(ID, automatic, weak)
    seen = {(f.location.path, f.location.line) for f in found}
    # A workflow only a person starts is a deployment script run from CI: partial for automated deployment.
    for loc in by_hand:
        if (loc.path, loc.line) not in seen:
            seen.add((loc.path, loc.line))
            hand = Location(loc.path, loc.line, f"{loc.detail}; the workflow is started by hand")
            found += [Finding(ID, "positive", hand, SCRIPT), Finding(ID, "positive", hand, BASIC_CICD),
                      Finding(ID, "weak", hand, AUTOMATED)]
    # A pipeline that deploys is automated deployment, not CI: it says nothing of deploy-1-basic-cicd. A pipeline
    # step that promotes the model in the registry (what serving loads) is the deployment itself: it comes first.
    promotions = [Finding(ID, "positive", loc, criterion) for loc in _pipeline_promotions(raw)
                  for criterion in PIPELINE_CRITERIA]
    if automatic or by_hand:
        # What makes a CD pipeline automatic, when the registry starts it: before its deploy stages.
        from .registry_deploy import registry_triggers

        triggers = sorted(registry_triggers(raw), key=production)
        promotions = [Finding(ID, "positive", loc, AUTOMATED) for loc in triggers] + promotions
    return promotions + found + [Finding(ID, "positive", loc, criterion) for loc in _pipeline_deploys(raw)
                                 if (loc.path, loc.line) not in seen for criterion in PIPELINE_CRITERIA]


_PRODUCTION = re.compile(r"prod|managedOnlineDeployment|online", re.IGNORECASE)


_PUSH = re.compile(r"\bdocker\s+push\b")
_JOB_ENVIRONMENT = re.compile(r"^\s+environment\s*:[ \t]*\r?(?:\n\s+name\s*:)?[ \t]*['\"]?([\w-]+)", re.MULTILINE)


class _ProductionFirst:
    """Sort key: False (first) for a deployment to production or to an online endpoint, by its line, its file or
    (GitHub Actions) the `environment:` of its job."""

    def __init__(self, raw: RawResults) -> None:
        self.raw = raw

    def __call__(self, location: Location) -> tuple[bool, bool, bool]:
        # Publishing an image (`docker push`) ships nothing by itself: after the commands that deploy.
        pushed = bool(_PUSH.search(location.detail))
        # A deployment pipeline's own definition before a batch or build pipeline's.
        return pushed, self._not_production(location), "deploy" not in location.path.rsplit("/", 1)[-1].lower()

    def _not_production(self, location: Location) -> bool:
        if _PRODUCTION.search(f"{location.path} {location.detail}"):
            return False
        if ".github/workflows/" not in f"/{location.path}" or not location.line:
            return True
        lines = self.raw.text(location.path).split("\n")
        start = next((n for n in range(location.line - 1, -1, -1)
                      if re.match(r"^  [\w-]+\s*:\s*$", lines[n])), None)  # the job's key under `jobs:`
        if start is None:
            return True
        end = next((n for n in range(start + 1, len(lines)) if re.match(r"^ {0,2}\S", lines[n])), len(lines))
        job = _JOB_ENVIRONMENT.search("\n".join(lines[start:end]))
        return not (job and "prod" in job.group(1).lower())


# -- what starts the workflow -----------------------------------------------------------------------

_ON = re.compile(r"^['\"]?on['\"]?\s*:\s*(.*?)\s*(?:#.*)?$")
_GITLAB_MANUAL = re.compile(r"^\s+-?\s*when\s*:\s*['\"]?manual\b")


class _Triggers:
    """Whether a CI command runs only when a person starts it: a GitHub workflow whose only trigger is
    `workflow_dispatch`, a GitLab job with `when: manual`."""

    def __init__(self, raw: RawResults) -> None:
        self.raw = raw
        self.files: dict[str, bool] = {}

    def file(self, path: str) -> bool:
        if path not in self.files:
            self.files[path] = ".github/workflows/" in f"/{path}" and _dispatch_only(self.raw.text(path))
        return self.files[path]

    def __call__(self, command: Command) -> bool:
        where = command.via.rsplit(":", 1) if command.via else [command.location.path, str(command.location.line)]
        path, line = where[0], int(where[1]) if where[1].isdigit() else 0
        if self.file(path):
            return True
        if path.rsplit("/", 1)[-1].lower() in (".gitlab-ci.yml", ".gitlab-ci.yaml") and line:
            return _gitlab_manual(self.raw.text(path).split("\n"), line - 1)
        return False


def _dispatch_only(text: str) -> bool:
    """A GitHub workflow's `on:` names `workflow_dispatch` and nothing else."""
    lines = text.split("\n")
    for row, line in enumerate(lines):
        match = _ON.match(line)
        if not match:
            continue
        inline = match.group(1).strip()
        if inline:
            events = {e.strip(" '\"") for e in inline.strip("[]{}").split(",") if e.strip()}
            events = {e.split(":")[0].strip() for e in events}
            return events == {"workflow_dispatch"}
        events, child = set(), None
        for text_line in lines[row + 1:]:
            if not text_line.strip() or text_line.lstrip().startswith("#"):
                continue
            indent = len(text_line) - len(text_line.lstrip())
            if indent == 0:
                break
            child = indent if child is None else child
            if indent == child:
                events.add(text_line.strip().lstrip("- ").split(":")[0].strip(" '\""))
        return events == {"workflow_dispatch"}
    return False


def _gitlab_manual(lines: list[str], index: int) -> bool:
    """The GitLab job holding line `index` (its top-level key) runs only when started by hand."""
    start = next((n for n in range(index, -1, -1) if lines[n].strip() and not lines[n][0].isspace()), None)
    if start is None:
        return False
    for line in lines[start + 1:]:
        if line.strip() and not line[0].isspace():
            break
        if _GITLAB_MANUAL.match(line):
            return True
    return False


# -- Cloud Build steps, scripts CI runs, reusable workflows ------------------------------------------

_PYTHON_ENTRY = re.compile(r"^\s*-?\s*entrypoint\s*:\s*['\"]?(?:python3?|/usr/bin/python3?)['\"]?\s*$")
_ARGS = re.compile(r"^\s*-?\s*args\s*:")


def _cloud_build_steps(raw: RawResults, files: list[RepoFile]) -> list[Command]:
    """Cloud Build steps whose entrypoint is Python, as one command each (`python build/utils.py --mode
    deploy-model`), cited at their `args:` line: the arguments name the script and what it is asked to do."""
    out = []
    for f in files:
        if f.suffix not in (".yaml", ".yml") or "entrypoint" not in raw.text(f.path):
            continue
        lines = raw.text(f.path).split("\n")
        for row, line in enumerate(lines):
            if not _PYTHON_ENTRY.match(line):
                continue
            step = _step_block(lines, row)
            args = next((n for n in step if _ARGS.match(lines[n])), None)
            if args is None:
                continue
            depth = len(lines[args]) - len(lines[args].lstrip(" -"))
            rows = [args] + [n for n in step if n > args]
            end = next((i for i, n in enumerate(rows[1:], 1)
                        if lines[n].strip() and len(lines[n]) - len(lines[n].lstrip()) <= depth), len(rows))
            words = " ".join(lines[n] for n in rows[:end])
            words = " ".join(re.findall(r"[^\s'\",\[\]]+", words.split(":", 1)[1]))
            soft = any(re.match(r"^\s*-?\s*allowFailure\s*:\s*true", lines[n]) for n in step)
            text = f"python {words}"
            out.append(Command(Location(f.path, args + 1, " ".join(text.split())[:80]), text, not soft,
                               "its step has `allowFailure: true`" if soft else ""))
    return out


def _step_block(lines: list[str], row: int) -> list[int]:
    """The rows of the YAML list item (a Cloud Build step) that holds `row`."""
    indent = len(lines[row]) - len(lines[row].lstrip())
    start = row
    while start > 0 and not lines[start].lstrip().startswith("- "):
        start -= 1
    item = len(lines[start]) - len(lines[start].lstrip())
    if item > indent:
        start, item = row, indent
    rows = [start]
    for n in range(start + 1, len(lines)):
        text = lines[n]
        if text.strip() and (len(text) - len(text.lstrip()) <= item):
            break
        rows.append(n)
    return rows


# A deployment made by a script's cloud SDK call: SageMaker / Vertex AI `deploy(...)`, a CloudFormation stack
# (boto3), a SageMaker endpoint (boto3), Azure ML SDK v2 deployments, Azure ML v1 `Model.deploy`, MLRun.
_SCRIPT_DEPLOY = re.compile(r"\.deploy\s*\(\s*(?:initial_instance_count|instance_type|endpoint|machine_type|"
                            r"deployed_model|model\s*=)|\.(?:create|update)_stack\s*\(\s*StackName\s*=|"
                            r"\.(?:create|update)_endpoint\s*\(\s*EndpointName\s*=|"
                            r"\.(?:online|batch)_deployments\.begin_create_or_update\s*\(|\bModel\.deploy\s*\(|"
                            r"\bdeploy_function\s*\(")
_RUNS = re.compile(r"\bpython3?\s+(?:-u\s+)?(?:-m\s+([\w.]+)|([\w./-]+\.py))")


def _scripts_that_deploy(raw: RawResults, commands: list[Command]) -> list[tuple[Command, list[Location]]]:
    """CI commands that run a Python file of this repository making a cloud deployment call, with the calls;
    a step whose arguments ask for a deployment (`--mode deploy-model`) before others running the same file."""
    by_name: dict[str, list[str]] = {}
    for f in raw.with_suffix(".py"):
        by_name.setdefault(f.name, []).append(f.path)
    calls: dict[str, list[Location]] = {}
    out = []
    for command in commands:
        if DEPLOY.search(command.text):
            continue  # already a deployment by its own words
        for module, script in _RUNS.findall(command.text):
            wanted = module.replace(".", "/") + ".py" if module else script.lstrip("./")
            for path in by_name.get(wanted.rsplit("/", 1)[-1].lower(), ()):
                if path != wanted and not path.endswith("/" + wanted):
                    continue
                if path not in calls:
                    calls[path] = [Location(loc.path, loc.line, f"the script CI runs deploys: {loc.detail}")
                                   for loc in raw.grep(_SCRIPT_DEPLOY, [path], first_only=False,
                                                       needles=("deploy", "_stack", "_endpoint", "deployments"))]
                # A script of several modes deploys only when asked to: `--mode compile-pipeline` does not.
                asked = "deploy" in command.text.lower() or not command.text.split(module or script, 1)[-1].strip(" \\'\"")
                if calls[path] and asked:
                    out.append((command, calls[path]))
    return out


_REUSABLE = re.compile(r"^(\s*)-?\s*uses\s*:\s*['\"]?(?:[\w.-]+/[\w.-]+|\.)/\.github/workflows/[\w./-]+\.ya?ml(?:@\S+)?")
_AML_DEPLOYMENT = re.compile(r"\$schema\s*:\s*\S*/(?:managedOnlineDeployment|kubernetesOnlineDeployment|batchDeployment|"
                             r"modelBatchDeployment)\.schema\.json")
_PATH_VALUE = re.compile(r"([\w./-]+\.ya?ml)\b")


def _reusable_deployments(raw: RawResults, files: list[RepoFile]) -> list[tuple[Location, str]]:
    """GitHub jobs that call a reusable workflow with an Azure ML deployment file of this repository (its
    `$schema` says what it is): the deployment is that job. Cited at the `uses:` line."""
    out = []
    for f in files:
        text = raw.text(f.path)
        if ".github/workflows/" not in f"/{f.path}" or "/.github/workflows/" not in text:
            continue
        lines = text.split("\n")
        for row, line in enumerate(lines):
            match = _REUSABLE.match(line)
            if not match:
                continue
            indent = len(match.group(1))
            for other in lines[row + 1:]:
                if other.strip() and len(other) - len(other.lstrip()) < indent:
                    break
                named = next((p for p in _PATH_VALUE.findall(other) if _AML_DEPLOYMENT.search(raw.text(p))), None)
                if named:
                    out.append((Location(f.path, row + 1, f"CI deploys with a reusable workflow: {named}"), f.path))
                    break
    return out


# An endpoint deployment in the cloud SDKs: SageMaker `Model.deploy(initial_instance_count=...)`, Vertex AI
# `Model.deploy(endpoint=...)` / `Endpoint.deploy(model=...)`; MLRun's `deploy_function(...)`; ZenML's model
# deployer steps (`seldon_model_deployer_step(...)`, `mlflow_model_deployer_step`) and `ModelDeployer.deploy_model(...)`.
_ENDPOINT_DEPLOY = re.compile(r"\.deploy\s*\(\s*(?:initial_instance_count|instance_type|endpoint|machine_type|deployed_model|"
                              r"model\s*=)|\bdeploy_function\s*\(|\b[a-z]+_model_deployer_step\s*\(|\.deploy_model\s*\(")
PIPELINE_CRITERIA = ("deploy-2-automated-deploy", "deploy-1-script")
_ORCHESTRATORS = ("metaflow", "prefect", "zenml", "kfp", "airflow", "dagster", "mlrun")


def _pipeline_deploys(raw: RawResults) -> list[Location]:
    """Deployment run by the pipeline itself: an endpoint deploy call in a file that defines pipeline steps."""
    files = [path for path in raw.importing_files(*_ORCHESTRATORS) if path.endswith(".py")]
    return [Location(loc.path, loc.line, f"a pipeline step deploys: {loc.detail}")
            for loc in raw.grep(_ENDPOINT_DEPLOY, files, first_only=False,
                                needles=(".deploy", "deploy_function", "_model_deployer_step"))]


# -- registry promotion run by a pipeline ---------------------------------------------------------------

# A registry promotion to the version serving reads: an MLflow stage or alias, a Vertex AI version alias, a
# SageMaker package approved. Judged with the lines around the call, where the stage or alias is named.
_PROMOTE = re.compile(r"\b(?:transition_model_version_stage|set_registered_model_alias|add_version_aliases)\s*\(|"
                      r"\bupdate_model_package\s*\(")
_TO_PRODUCTION = re.compile(r"[\"'](?:production|prod|champion|default|live|approved)[\"']", re.IGNORECASE)
_JOB_FILE = re.compile(r"^\s*-?\s*(?:python_file|notebook_path)\s*:\s*['\"]?(?:file://)?([\w./-]+)", re.MULTILINE)
_LOCAL_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import|import[ \t]+([\w.]+))", re.MULTILINE)
PROMOTION_WINDOW = 4  # lines around the call where the stage or alias it moves to is named


def _job_files(raw: RawResults) -> set[str]:
    """Python files a Databricks job runs (bundle or dbx `python_file:` / `notebook_path:`), with the local
    modules they import (one level)."""
    import posixpath

    jobs: set[str] = set()
    for f in raw.with_suffix(".yml", ".yaml", ".json"):
        text = raw.text(f.path)
        if "python_file" not in text and "notebook_path" not in text:
            continue
        base = posixpath.dirname(f.path)
        for name in _JOB_FILE.findall(text):
            for candidate in (posixpath.normpath(posixpath.join(base, name)), name.lstrip("./")):
                for path in (candidate, candidate + ".py"):
                    if path in raw.texts:
                        jobs.add(path)
    modules: set[str] = set()
    for job in jobs:
        folder = posixpath.dirname(job)
        for a, b in _LOCAL_IMPORT.findall(raw.text(job)):
            module = (a or b).replace(".", "/") + ".py"
            for place in (module, posixpath.join(folder, module), posixpath.join(posixpath.dirname(folder), module),
                          posixpath.join(posixpath.dirname(posixpath.dirname(folder)), module)):
                if place in raw.texts:
                    modules.add(place)
                    break
    return jobs | modules


def _pipeline_promotions(raw: RawResults) -> list[Location]:
    """Registry promotions to the serving stage or alias, in code a pipeline step or a scheduled job runs."""
    files = {p for p in raw.importing_files(*_ORCHESTRATORS) if p.endswith(".py")} | _job_files(raw)
    found = []
    for loc in raw.grep(_PROMOTE, sorted(files), first_only=False, needles=("transition_model_version_stage",
                                                                             "set_registered_model_alias",
                                                                             "add_version_aliases", "update_model_package")):
        lines = raw.text(loc.path).split("\n")
        if re.match(r"^\s*(?:async\s+)?def\s", lines[loc.line - 1]):
            continue
        around = "\n".join(lines[max(loc.line - 1 - PROMOTION_WINDOW, 0): loc.line + PROMOTION_WINDOW])
        if _TO_PRODUCTION.search(around):
            found.append(Location(loc.path, loc.line, f"a pipeline step promotes the model in the registry: {loc.detail}"))
    return found
