"""Models served by a deployable service: BentoML, Seldon, KServe, Triton, TorchServe, or a web app in a container."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, file_locations, findings, library

ID = "model-serving"
SHORT = ("Serving definitions: BentoML (`bentofile.yaml`, `@bentoml.service`), Seldon `SeldonDeployment`, "
         "KServe `InferenceService`, Triton `config.pbtxt`, TorchServe, or a FastAPI/Flask app with a Dockerfile")
CRITERIA = {"deploy-1-script": "partial", "deploy-2-automated-deploy": "partial", "deploy-1-known-version": "partial"}
REMEDIATION = "Package the model as a service with a definition in the repository (BentoML, KServe or a container)."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_MANIFEST = re.compile(r"^kind:\s*(SeldonDeployment|InferenceService|ServingRuntime|Model)\s*$", re.MULTILINE)
_SERVING_API = re.compile(r"machinelearning\.seldon\.io|serving\.kserve\.io|serving\.kubeflow\.org|mlops\.seldon\.io")
_BENTO = re.compile(r"@bentoml\.(?:service|api)\b|\bbentoml\.Service\s*\(")
_WEB = re.compile(r"\b(?:FastAPI|Flask|Litestar)\s*\(")
_FROM = re.compile(r"^\s*FROM\s+\S+", re.MULTILINE | re.IGNORECASE)


def run(raw: RawResults) -> list[Finding]:
    positive = file_locations(raw.named("bentofile.yaml"), "BentoML build file")
    bento, weak = library(raw, modules=("bentoml",), calls=_BENTO, label="BentoML")
    positive += bento
    manifests = [loc.path for loc in raw.grep(_SERVING_API, suffixes=YAML)]
    positive += raw.grep(_MANIFEST, manifests)
    positive += file_locations([f for f in raw.named("config.pbtxt")], "Triton model config")
    positive += raw.grep(re.compile(r"\btorch-model-archiver\b|\btorchserve\s+--start"), suffixes=(".sh", ".yml", ".yaml",
                                                                                                     "dockerfile", "makefile"))
    dockerfiles = [f for f in raw.files if f.name in ("dockerfile", "containerfile") or f.name.startswith("dockerfile.")]
    apps = raw.grep(_WEB, raw.importing_files("fastapi", "flask", "litestar"))
    if apps and raw.grep(_FROM, dockerfiles):
        positive += [Location(loc.path, loc.line, f"web service in a container: {loc.detail}") for loc in apps]
    elif apps:
        weak += [Location(loc.path, loc.line, f"web service, no Dockerfile: {loc.detail}") for loc in apps]
    return findings(ID, positive, weak)
