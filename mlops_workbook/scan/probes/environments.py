"""Several environments (dev, staging, production) from one definition."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, findings

ID = "environments"
SHORT = ("Several environments from one definition: Databricks bundle `targets:` (dev/staging/prod), Kustomize overlays, "
         "Helm values per environment, Terraform `*.tfvars` per environment, GitHub Actions `environment:` gates, "
         "one folder of run configs named by environment (`configs/staging.yml`, `configs/production.yml`), a deployment "
         "file's top-level `environments:` (dbx), Terraform root modules per environment calling one shared module, a "
         "deployment script's settings keyed by environment")
CRITERIA = {"deploy-4-multi-env": "partial"}
REMEDIATION = "Define dev, staging and production once (bundle targets, Kustomize overlays or Terraform variables) and promote through them."
EFFORT = "high"

_ENV = re.compile(r"\b(?:dev|development|test|staging|stage|prod|production|qa|uat)\b", re.IGNORECASE)
_TARGETS = re.compile(r"^targets\s*:\s*$", re.MULTILINE)
_TARGET_KEY = re.compile(r"^  ([A-Za-z0-9_-]+)\s*:\s*$", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive: list[Location] = []
    for f in raw.named("databricks.yml", "databricks.yaml"):
        text = raw.text(f.path)
        match = _TARGETS.search(text)
        if match:
            names = [m.group(1) for m in _TARGET_KEY.finditer(text, match.end())]
            envs = [n for n in names if _ENV.fullmatch(n)]
            if len(envs) >= 2:
                line = text.count("\n", 0, match.start()) + 1
                positive.append(Location(f.path, line, f"bundle targets: {', '.join(envs)}"))
    overlays = {f.path.split("/overlays/")[0] + "/overlays/" + f.path.split("/overlays/")[1].split("/")[0]
                for f in raw.files if "/overlays/" in f"/{f.path}" and f.name.startswith("kustomization")}
    if len(overlays) >= 2:
        positive += [Location(p + "/kustomization.yaml", None, "Kustomize overlay") for p in sorted(overlays)]
    for files, what in (([f for f in raw.files if f.suffix == ".tfvars"], "Terraform variables"),
                        ([f for f in raw.files if f.suffix in YAML and f.name.startswith("values-")], "Helm values")):
        envs = [f for f in files if _ENV.search(f.name)]
        if len({_ENV.search(f.name).group(0).lower() for f in envs}) >= 2:  # type: ignore[union-attr]
            positive += [Location(f.path, None, f"{what} per environment") for f in envs]
    positive += _configs_per_environment(raw)
    positive += _environments_key(raw)
    positive += _deploy_settings_per_environment(raw)
    # An environment may be called `test`: its folder is no test folder.
    return findings(ID, positive) + findings(ID, _terraform_roots_per_environment(raw), aside_is_evidence=True)


# dbx's deployment file (and tools like it): one top-level `environments:` mapping whose keys are environments,
# each with its jobs.
_ENVIRONMENTS_KEY = re.compile(r"^environments\s*:\s*$", re.MULTILINE)


def _environments_key(raw: RawResults) -> list[Location]:
    found = []
    for f in raw.with_suffix(*YAML):
        text = raw.text(f.path)
        match = _ENVIRONMENTS_KEY.search(text) if "environments" in text else None
        if not match:
            continue
        block = re.split(r"\n(?=\S)", text[match.end():].lstrip("\n"), maxsplit=1)[0]
        names = [m.group(1) for m in _TARGET_KEY.finditer(block)]
        if names and all(_ENV.fullmatch(name) for name in names) and len({n.lower() for n in names}) >= 2:
            line = text.count("\n", 0, match.start()) + 1
            found.append(Location(f.path, line, f"one deployment file, environments: {', '.join(names)}"))
    return found


# A deployment script sized per environment: a mapping keyed by environment names (`{"dev": 4096, "staging":
# 4096, "prod": 6144}`) in code that deploys an endpoint.
_SETTINGS = re.compile(r"^[ \t]*\w+\s*=\s*\{\s*$", re.MULTILINE)
_ENV_KEY = re.compile(r"^\s*[\"']([\w-]+)[\"']\s*:")
_DEPLOYS = re.compile(r"\.deploy\s*\(|\bcreate_endpoint\s*\(|\bdeploy_model\s*\(")
SETTINGS_LINES = 8


def _deploy_settings_per_environment(raw: RawResults) -> list[Location]:
    found = []
    code = [f.path for f in raw.with_suffix(".py") if "deploy" in raw.text(f.path) and _DEPLOYS.search(raw.text(f.path))]
    for loc in raw.grep(_SETTINGS, code, first_only=False, needles=("{",)):
        if any(seen.path == loc.path for seen in found):
            continue  # one per file: the first mapping shows the practice
        lines = raw.text(loc.path).split("\n")[loc.line: loc.line + SETTINGS_LINES]
        keys = [m.group(1).lower() for m in map(_ENV_KEY.match, lines) if m]
        if len({k for k in keys if _ENV.fullmatch(k)}) >= 2:
            found.append(Location(loc.path, loc.line, "the deployment's settings per environment"))
    return found


# Terraform: one root module per environment (`envs/dev/main.tf`, `envs/prod/main.tf`), each calling the same
# shared module (`source = "../../modules/x"`): the environments differ by their variables only.
_MODULE = re.compile(r"^module\s+\"[\w-]+\"\s*\{\s*\n\s*(?:for_each\s*=.*\n\s*)?source\s*=\s*\"(\.\.?/[^\"]+)\"",
                     re.MULTILINE)


def _terraform_roots_per_environment(raw: RawResults) -> list[Location]:
    by_env: dict[str, list[tuple[str, Location]]] = {}
    for f in raw.with_suffix(".tf"):
        parts = f.path.split("/")
        if len(parts) < 2 or not _ENV.fullmatch(parts[-2]):
            continue
        text = raw.text(f.path)
        for match in _MODULE.finditer(text):
            shared = match.group(1).rstrip("/").rsplit("/", 1)[-1]
            line = text.count("\n", 0, match.start()) + 1
            by_env.setdefault(shared, []).append((parts[-2].lower(), Location(f.path, line, f"Terraform module {shared} "
                                                                                           f"per environment")))
    firsts: dict[str, Location] = {}  # each environment's root module cited at its first shared module
    for uses in by_env.values():
        if len({env for env, _ in uses}) >= 2:
            for _env, loc in uses:
                if loc.path not in firsts or (loc.line or 0) < (firsts[loc.path].line or 0):
                    firsts[loc.path] = loc
    return sorted(firsts.values(), key=lambda loc: ("prod" not in loc.path, loc.path))


def _configs_per_environment(raw: RawResults) -> list[Location]:
    """YAML configs named by environment side by side in one folder (`configs/staging.yml` and
    `configs/production.yml`): one definition run with a config per environment."""
    folders: dict[str, list] = {}
    for f in raw.with_suffix(*YAML):
        stem = f.name.rsplit(".", 1)[0]
        if _ENV.fullmatch(stem):
            folders.setdefault(f.path.rsplit("/", 1)[0] if "/" in f.path else "", []).append(f)
    found = []
    for files in folders.values():
        if len({f.name.rsplit(".", 1)[0].lower() for f in files}) >= 2:
            found += [Location(f.path, None, "config per environment") for f in files]
    return found
