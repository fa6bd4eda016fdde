"""Which model version is serving: the deployment names a registry version, alias or stage, or the service reports it."""

from __future__ import annotations

import re

from ..collector import RawResults, RepoFile
from ..findings import Finding, Location
from ._ci import ci_commands, deploy_ci_files, located
from ._util import DEF_LINE, YAML, findings

ID = "served-version"
SHORT = ("The served model's version is known: serving code loads a registry version, stage or alias (`models:/…` URIs, "
         "`get_model_version_by_alias`, `get_latest_versions`), a deployment names `--model name:version` or a SageMaker "
         "model package or an Azure ML deployment names `azureml:model:version`, the serving image is tagged with the "
         "model's run id or version (`docker push img:$RUN_ID`), a CI deploy command given `--version`, or the "
         "service exposes a version "
         "endpoint, each prediction served or scored carries the model's version, or serving code asks for an alias or "
         "stage by name; a version constant, a version file, the latest registered version looked up at start-up "
         "(`azureml:...@latest`), a registry version loaded outside serving, scoring or deployment code, or a CI job "
         "deploying to a named environment (its history names the commit) is partial")
CRITERIA = {"deploy-1-known-version": "yes"}
REMEDIATION = ("Deploy a named registry version or alias (models:/churn@champion), and expose it: a /version endpoint and "
               "the version in every prediction log line.")
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

_REGISTRY_LOAD = re.compile(r"[\"'f]models:/|\bget_model_version_by_alias\s*\(|\bget_latest_versions\s*\(")
_PACKAGE = re.compile(r"\bmodel_package_arn\b|\bModelPackageName\s*=|\bModelPackageArn\b|\bmodel_package_name\s*=")
_VERSION_ROUTE = re.compile(r"@\w+\.(?:get|route|api_route)\s*\(\s*[\"'][^\"']*/(?:version|run_id|model[-_]version|model[-_]info)"
                            r"/?[\"']")
_IMAGE_VERSION = re.compile(r"\bdocker\s+(?:push|build|tag)\b[^\n]*:\$\{*\s*(?:[\w.]*\.)?(?:RUN_ID|run_id|MODEL_VERSION|"
                            r"model_version)\b")
_CLI_VERSION = re.compile(r"--model\s+['\"]?[\w$().{}-]+:[\w$().{}-]+")
# Every answer or scored row carries the model's version: `{"prediction": p, "model_version": RUN_ID}`,
# `df["model_id"] = model.id`. Read in serving and scoring code only (a training log's "model_version" says nothing).
_VERSION_IN_OUTPUT = re.compile(r"""(?:^|[{,(])[ \t]*["'](?:model[-_ ]?(?:version|id)|model_run_id|served_version)["'][ \t]*:|"""
                                r"""\[[ \t]*["'](?:model[-_ ]?(?:version|id)|model_run_id|served_version)["'][ \t]*\][ \t]*=(?!=)|"""
                                r"""(?:^|[{,(])[ \t]*["']version["'][ \t]*:[ \t]*[\w.]*(?:model_version|run_id)\b""",
                                re.IGNORECASE | re.MULTILINE)
# A registry alias or stage the serving code asks for by name (`get_model_by_alias(client, alias="champion")`).
_ALIAS_ARG = re.compile(r"""\b(?:alias|stage)\s*=\s*["'](?:champion|prod\w*|live|current|staging)["']""", re.IGNORECASE)
# Partial: the version is a constant or a file edited by hand, or the latest one is looked up when the service starts.
_HINT = re.compile(r"^\s*MODEL_VERSION\s*=\s*['\"\d]|\bmodel_version\.txt\b|\bsearch_model_versions\s*\(", re.MULTILINE)
_RUN_ID_CONFIG = re.compile(r"^\s*run_id\s*:\s*\S", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """The deployment's version first (a CI deploy naming it, a registry load), then a version endpoint, then hints."""
    code = [f.path for f in raw.with_suffix(".py", ".ipynb")]
    files = deploy_ci_files(raw)
    commands = ci_commands(raw, files)
    positive = [located(c, "deploys a named model version") for c in commands if _CLI_VERSION.search(c.text)]
    positive += _deploys_with_version(raw, commands)
    # The serving image tagged with the training run or model version it carries (`docker push img:$RUN_ID`).
    positive += [located(c, "the serving image is tagged with the model's run or version") for c in commands
                 if _IMAGE_VERSION.search(c.text)]
    loads = [Location(loc.path, loc.line, f"serves a registry version, stage or alias: {loc.detail}")
             for loc in raw.grep(_REGISTRY_LOAD, code, first_only=False,
                                 needles=("models:/", "get_model_version_by_alias", "get_latest_versions"))]
    # A version loaded by code that neither serves, scores nor deploys (an evaluation comparing the registered
    # versions, a training notebook) says nothing of what serves.
    positive += [loc for loc in loads if _order(loc)[1] < ELSEWHERE]
    elsewhere = [Location(loc.path, loc.line, f"loads a registry version outside serving code: {loc.detail}")
                 for loc in loads if _order(loc)[1] == ELSEWHERE]
    aml, aml_latest = _azure_ml_deployments(raw)
    positive += aml
    packages = raw.grep(_PACKAGE, raw.importing_files("sagemaker", "aws_cdk", "boto3"), first_only=False,
                        detail="deploys a named SageMaker model package")
    files_order = {path: n for n, path in reversed(list(enumerate(loc.path for loc in packages)))}
    positive += sorted(packages, key=lambda loc: (files_order[loc.path], _package_rank(raw.line(loc.path, loc.line))))
    positive += [Location(loc.path, loc.line, f"the service reports its model version: {loc.detail}")
                 for loc in raw.grep(_VERSION_ROUTE, raw.importing_files("flask", "fastapi", "litestar", "ray"))]
    apps = set(raw.importing_files("flask", "fastapi", "litestar", "bentoml"))
    serving = [p for p in code if (rank := _order(Location(p, None, "")))[0] is False and (rank[1] in (0, 2) or p in apps)]
    # Cited after the deployment's own version, which says what serves before any one answer does.
    reported = [Location(loc.path, loc.line, "each prediction carries the model's version")
                for loc in raw.grep(_VERSION_IN_OUTPUT, serving, needles=("odel", "ODEL", "ersion"))]
    reported += [Location(loc.path, loc.line, f"serves a registry alias or stage by name: {loc.detail}")
                 for loc in raw.grep(_ALIAS_ARG, serving, needles=("alias", "stage", "Alias", "Stage", "ALIAS", "STAGE"))]
    weak = raw.grep(_HINT, code, first_only=False, needles=("MODEL_VERSION", "model_version.txt", "search_model_versions"),
                    detail="the served version is a constant, a version file or the latest registered")
    weak += aml_latest + elsewhere + _deployment_environments(raw, files)
    catalogs = [f.path for f in raw.with_suffix(*YAML) if "conf/" in f"/{f.path}" and raw.imported("kedro_mlflow")]
    weak += raw.grep(_RUN_ID_CONFIG, catalogs, detail="the served model is the run id in the configuration")
    return findings(ID, sorted(positive, key=_order) + sorted(reported, key=_order), sorted(weak, key=_order))


_HANDED = re.compile(r"""["']?ModelPackage(?:Name|Arn)["']?\s*[:=]\s*(?!["']?\s*$)""")


def _package_rank(line: str) -> int:
    """A model package handed to the deployment (`"ModelPackageName": arn`) before the lines that look it up or
    pass it along; a function's parameter list last. Stable: the file's order breaks ties."""
    return 2 if DEF_LINE.match(line) else 0 if _HANDED.search(line) else 1


_SERVING = re.compile(r"serv|endpoint|inference|predict|scor", re.IGNORECASE)
_DEPLOYING = re.compile(r"deploy", re.IGNORECASE)
_APP = re.compile(r"api|app", re.IGNORECASE)
ELSEWHERE = 3  # the kind of code that neither serves, scores nor deploys
_RESOLVED = re.compile(r"get_model_version_by_alias|get_latest_versions|ModelPackage|azureml:")


def _order(location: Location) -> tuple[bool, int, bool, bool]:
    """Serving and scoring code first, then deployment code (a test loading a version says nothing of what
    serves); within each, package code before notebooks, and a version resolved by name (the alias's version
    number) before a bare URI."""
    name = location.path.rsplit("/", 1)[-1].lower()
    test = name.startswith("test") or name.endswith(("_test.py", "_tests.py")) or "/tests/" in f"/{location.path}"
    path = location.path
    kind = 0 if _SERVING.search(path) else 1 if _DEPLOYING.search(path) else 2 if _APP.search(path) else ELSEWHERE
    notebook = "notebook" in location.path.lower() or location.path.endswith(".ipynb")
    return test, kind, notebook, not _RESOLVED.search(location.detail)


# A CI deployment command given the model version (`python deploy_model.py --name m --version 3`), its arguments
# on the command's continuation lines.
_VERSION_ARG = re.compile(r"--(?:model[-_])?version[= ]+['\"]?[\w$({.-]")


def _deploys_with_version(raw: RawResults, commands: list) -> list[Location]:
    from .ci_deploy import DEPLOY

    found = []
    for command in commands:
        if command.via or not DEPLOY.search(command.text):
            continue
        lines = raw.text(command.location.path).split("\n")
        row = (command.location.line or 1) - 1
        text = lines[row]
        while text.rstrip().endswith("\\") and row + 1 < len(lines):
            row += 1
            text += "\n" + lines[row]
        if _VERSION_ARG.search(text):
            found.append(located(command, "deploys the model version it is given"))
    return found


# A CI job that deploys to a named environment (GitHub Actions, GitLab): the CI system's deployment history says
# which commit, and so which committed model, is in that environment. The model has no version of its own: partial.
_ENVIRONMENT = re.compile(r"^(\s+)environment\s*:", re.MULTILINE)


def _deployment_environments(raw: RawResults, files: list[RepoFile]) -> list[Location]:
    from .ci_deploy import DEPLOY

    found = []
    for f in files:
        text = raw.text(f.path)
        if "environment" not in text:
            continue
        lines = text.split("\n")
        for match in _ENVIRONMENT.finditer(text):
            row, indent = text.count("\n", 0, match.start()), len(match.group(1))
            start = next((n for n in range(row - 1, -1, -1)
                          if lines[n].strip() and len(lines[n]) - len(lines[n].lstrip()) < indent), None)
            if start is None:
                continue
            depth = len(lines[start]) - len(lines[start].lstrip())
            end = next((n for n in range(start + 1, len(lines))
                        if lines[n].strip() and len(lines[n]) - len(lines[n].lstrip()) <= depth), len(lines))
            if any(DEPLOY.search(line) for line in lines[start:end]):
                found.append(Location(f.path, row + 1, "CI records which commit it deployed to this environment"))
    return found


# Azure ML deployment files name the model they deploy: `azureml:name:3` (a version) or `azureml:name@label`;
# `@latest` is whatever was registered last.
_AML_SCHEMA = re.compile(r"/(?:managedOnlineDeployment|kubernetesOnlineDeployment|batchDeployment|modelBatchDeployment)"
                         r"\.schema\.json")
_AML_MODEL = re.compile(r"^model\s*:\s*['\"]?azureml:[\w.-]+(?::[\w.-]+|@([\w.-]+))", re.MULTILINE)


def _azure_ml_deployments(raw: RawResults) -> tuple[list[Location], list[Location]]:
    named, latest = [], []
    files = [f.path for f in raw.with_suffix(*YAML) if "schema.json" in raw.text(f.path) and _AML_SCHEMA.search(raw.text(f.path))]
    for loc in raw.grep(_AML_MODEL, files, needles=("azureml:",)):
        match = _AML_MODEL.search(raw.line(loc.path, loc.line))
        if match and (match.group(1) or "").lower() == "latest":
            latest.append(Location(loc.path, loc.line, "the deployment serves the latest registered version (azureml:...@latest)"))
        else:
            named.append(Location(loc.path, loc.line, "the deployment names a registry version (azureml:)"))
    return named, latest
