"""Models served by a deployable service: BentoML, Seldon, KServe, Triton, TorchServe, or a web app in a container."""

from __future__ import annotations

import re
from dataclasses import replace

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, file_locations, findings, library

ID = "model-serving"
SHORT = ("Serving definitions: BentoML (`bentofile.yaml`, `@bentoml.service`), Seldon `SeldonDeployment`, "
         "KServe `InferenceService`, Triton `config.pbtxt`, TorchServe, Ray Serve deployments, SageMaker (SDK or CDK "
         "`CfnEndpoint`) and Vertex AI endpoints, a Heroku `Procfile` web process, or a FastAPI/Flask app with a Dockerfile or Procfile "
         "(an app alone is no evidence); for deploy-1-script only, a serving command run by hand or by a script: "
         "`mlflow models serve`, `bentoml serve`, `uvicorn`/`gunicorn` naming the repository's own app module, or "
         "`docker compose up` of a compose file that builds the repository's app (scripts and Makefiles before docs)")
CRITERIA = {"deploy-1-script": "partial", "deploy-1-known-version": "partial"}
REMEDIATION = "Package the model as a service with a definition in the repository (BentoML, KServe or a container)."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_MANIFEST = re.compile(r"^kind:\s*(SeldonDeployment|InferenceService|ServingRuntime|Model)\s*$", re.MULTILINE)
_SERVING_API = re.compile(r"machinelearning\.seldon\.io|serving\.kserve\.io|serving\.kubeflow\.org|mlops\.seldon\.io")
_BENTO = re.compile(r"@bentoml\.(?:service|api)\b|\bbentoml\.Service\s*\(")
_WEB = re.compile(r"\b(?:FastAPI|Flask|Litestar)\s*\(")
_FROM = re.compile(r"^\s*FROM\s+\S+", re.MULTILINE | re.IGNORECASE)
_RAY_SERVE = re.compile(r"@serve\.deployment\b|\bserve\.run\s*\(")
_CLOUD_ENDPOINT = re.compile(r"\.deploy\s*\(\s*(?:initial_instance_count|instance_type|endpoint|machine_type|deployed_model|"
                             r"model\s*=)|"
                             r"\bcreate_endpoint(?:_config)?\s*\(|\baiplatform\.Endpoint\.create\s*\(")
_CFN_ENDPOINT = re.compile(r"\b(?:sagemaker\.)?CfnEndpoint\s*\(")
_PROCFILE_WEB = re.compile(r"^web\s*:\s*\S+", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive = file_locations(raw.named("bentofile.yaml"), "BentoML build file")
    bento, weak = library(raw, modules=("bentoml",), calls=_BENTO, label="BentoML")
    positive += bento
    manifests = [loc.path for loc in raw.grep(_SERVING_API, suffixes=YAML)]
    positive += raw.grep(_MANIFEST, manifests)
    positive += file_locations([f for f in raw.named("config.pbtxt")], "Triton model config")
    positive += raw.grep(re.compile(r"\btorch-model-archiver\b|\btorchserve\s+--start"), suffixes=(".sh", ".yml", ".yaml",
                                                                                                     "dockerfile", "makefile"))
    positive += raw.grep(_RAY_SERVE, raw.importing_files("ray"), first_only=False)
    positive += raw.grep(_CLOUD_ENDPOINT, raw.importing_files("sagemaker", "google", "boto3"), first_only=False)
    positive += raw.grep(_CFN_ENDPOINT, raw.importing_files("aws_cdk"), first_only=False,
                         detail="SageMaker endpoint as infrastructure code")
    dockerfiles = [f for f in raw.files if f.name in ("dockerfile", "containerfile") or f.name.startswith("dockerfile.")]
    procfiles = raw.grep(_PROCFILE_WEB, raw.named("procfile"), detail="Heroku Procfile web process")
    apps = raw.grep(_WEB, raw.importing_files("fastapi", "flask", "litestar"))
    # A web app is a deployment only with what deploys it (a container image or a Procfile); an app
    # alone is code that could be served, not evidence that it is.
    # A Procfile's web line is where the service is deployed: it comes before the app it runs. Among apps, one
    # that predicts (a model-serving route) comes before a webhook or an admin app.
    positive += procfiles
    served = []
    if apps and (raw.grep(_FROM, dockerfiles) or procfiles):
        how = "in a container" if raw.grep(_FROM, dockerfiles) else "run by a Procfile"
        apps.sort(key=lambda loc: "predict" not in raw.text(loc.path))
        served = [Location(loc.path, loc.line, f"web service {how}: {loc.detail}") for loc in apps]
    # A web app deploys whatever model file its image holds: evidence of a deployment script, not of which
    # version serves (reviewers judged such an app "no" for the known version every time).
    found = findings(ID, positive, weak) + [replace(f, criterion=SCRIPT) for f in findings(ID, served)]
    # A start command for the service, in a script, a Makefile or the README: deployment by a command, not by
    # files copied by hand; for deploy-1-script it is the evidence, before the app it starts. It names no
    # version, so it speaks for deploy-1-script only.
    seen = {(f.location.path, f.location.line) for f in found}
    commands = [loc for loc in _serve_commands(raw, apps) if (loc.path, loc.line) not in seen]
    docs = [loc for loc in commands if loc.path.lower().endswith((".md", ".rst"))]
    # A command in the docs is one a person types (weak): after a Procfile or a serving definition.
    return ([Finding(ID, "positive", loc, SCRIPT) for loc in commands if loc not in docs] + found +
            [Finding(ID, "weak", loc, SCRIPT) for loc in docs])


SCRIPT = "deploy-1-script"
_SERVE_CLI = re.compile(r"\b(?:mlflow\s+models\s+serve|bentoml\s+serve)\b")
_ASGI = re.compile(r"\b(?:uvicorn|gunicorn)\b[^\n]*?\b([A-Za-z_][\w.]*):([A-Za-z_]\w*)\b")


_COMPOSE_UP = re.compile(r"\bdocker(?:-compose|\s+compose)\b[^\n]*?\bup\b")
_COMPOSE_BUILD = re.compile(r"^\s+build\s*:", re.MULTILINE)


def _serve_commands(raw: RawResults, apps: list[Location]) -> list[Location]:
    """Commands that start a model server: the serving CLIs, uvicorn/gunicorn pointed at a module of this
    repository that defines a web app (`uvicorn api.main:app` with api/main.py a FastAPI app), and `docker
    compose up` when a compose file builds a service from this repository; scripts and Makefiles before docs."""
    files = ([f.path for f in raw.with_suffix(".sh", ".bash")] + [f.path for f in raw.named("makefile")] +
             [f.path for f in raw.with_suffix(".md", ".rst")])
    app_files = {loc.path for loc in apps}
    found = [Location(loc.path, loc.line, f"serving command: {loc.detail}")
             for loc in raw.grep(_SERVE_CLI, files, needles=("serve",))]
    composes = [f for f in raw.files if f.name.startswith(("docker-compose", "compose.")) and f.suffix in (".yml", ".yaml")]
    if app_files and any(_COMPOSE_BUILD.search(raw.text(f.path)) for f in composes):
        found += [Location(loc.path, loc.line, f"starts the services with docker compose: {loc.detail}")
                  for loc in raw.grep(_COMPOSE_UP, files, needles=("compose",))]
    for loc in raw.grep(_ASGI, files, first_only=False, needles=("uvicorn", "gunicorn")):
        match = _ASGI.search(raw.line(loc.path, loc.line))
        module = match.group(1).replace(".", "/") if match else ""
        if any(path == f"{module}.py" or path.endswith(f"/{module}.py") for path in app_files):
            found.append(Location(loc.path, loc.line, f"serving command: {loc.detail}"))
    return sorted(found, key=lambda loc: loc.path.lower().endswith((".md", ".rst")))
