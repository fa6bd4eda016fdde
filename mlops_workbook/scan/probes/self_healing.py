"""Serving that heals itself: health probes that restart replicas, automated rollback on failed analysis."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._ci import ci_files
from ._util import YAML, findings
from .ci_deploy import DEPLOY

ID = "self-healing"
SHORT = ("Self-healing serving: Kubernetes `livenessProbe`/`readinessProbe` on model servers, Argo Rollouts `AnalysisTemplate` "
         "(automatic abort), SageMaker deployment `AutoRollbackConfiguration`; a CI deployment that runs only when an earlier "
         "stage failed (Azure `condition: failed()`, GitHub `if: failure()`, GitLab `when: on_failure`); the previous "
         "model version put back in the serving stage or alias (a registry rollback)")
CRITERIA = {"deploy-4-self-healing": "partial", "deploy-3-automated-rollback": "partial"}
REMEDIATION = "Give model servers health checks and let a failed rollout analysis roll back by itself."
EFFORT = "medium"

_PROBES = re.compile(r"^\s*(?:livenessProbe|readinessProbe)\s*:", re.MULTILINE)
_ANALYSIS = re.compile(r"^kind:\s*AnalysisTemplate\s*$|^\s*AutoRollbackConfiguration\s*[:=(]|\bauto_rollback_config\w*\s*=",
                       re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    yaml = raw.with_suffix(*YAML)
    positive = raw.grep(_PROBES, yaml, detail="container health probe", needles=("Probe:",))
    positive += raw.grep(_ANALYSIS, yaml + raw.with_suffix(".py"), detail="automated rollback",
                         needles=("AnalysisTemplate", "AutoRollback", "auto_rollback"))
    # A redeploy on failure is a rollback; it says nothing of serving healing itself. So is a registry promotion
    # of the previous version back to the serving stage or alias.
    rollbacks = _deploy_on_failure(raw) + _registry_rollbacks(raw)
    return findings(ID, positive) + [Finding(ID, "positive", loc, ROLLBACK) for loc in rollbacks]


_PROMOTE = re.compile(r"\b(?:transition_model_version_stage|set_registered_model_alias|add_version_aliases)\s*\(")
_PREVIOUS = re.compile(r"\b\w*(?:previous|prev|last_good|rollback|roll_back)\w*\b", re.IGNORECASE)
_SERVING_STAGE = re.compile(r"[\"'](?:production|prod|champion|default|live)[\"']", re.IGNORECASE)
CALL_LINES = 5  # the call and the lines of its arguments


def _registry_rollbacks(raw: RawResults) -> list[Location]:
    """A previous model version moved back to the serving stage or alias: a rollback in the registry."""
    found = []
    for loc in raw.grep(_PROMOTE, raw.with_suffix(".py"), first_only=False,
                        needles=("transition_model_version_stage", "set_registered_model_alias", "add_version_aliases")):
        if "/test" in f"/{loc.path}":
            continue
        call = "\n".join(raw.text(loc.path).split("\n")[loc.line - 1: loc.line - 1 + CALL_LINES])
        call = call.split(")", 1)[0]  # the arguments, up to the call's end
        if _PREVIOUS.search(call) and _SERVING_STAGE.search(call):
            found.append(Location(loc.path, loc.line, "the previous version is put back in production (registry rollback)"))
    return found


# CI that runs a step only when an earlier one failed, in each system's own syntax.
_ON_FAILURE = re.compile(r"^[ \t]*-?[ \t]*(?:condition\s*:\s*['\"]?failed\(\s*\)|if\s*:\s*['\"]?(?:\$\{\{\s*)?failure\(\s*\)|"
                         r"when\s*:\s*['\"]?on_failure\b)", re.MULTILINE)
# What that step does to count as a rollback: a deployment (Azure Pipelines' `deployment:` job, a helm or
# kubectl command, any CI deploy command).
_REDEPLOY = re.compile(r"^\s*-\s*deployment\s*:|\bhelm\b|\bkubectl\s+rollout\s+undo\b")
ROLLBACK = "deploy-3-automated-rollback"
WINDOW = 20  # lines below the failure condition where the deployment is looked for


def _deploy_on_failure(raw: RawResults) -> list[Location]:
    """A deployment that CI runs only when an earlier stage failed: a rollback, cited at the condition."""
    found = []
    for loc in raw.grep(_ON_FAILURE, ci_files(raw), first_only=False, needles=("failed(", "failure(", "on_failure")):
        window = raw.text(loc.path).split("\n")[loc.line: loc.line + WINDOW]
        if any(_REDEPLOY.search(line) or DEPLOY.search(line) for line in window):
            found.append(Location(loc.path, loc.line, "CI redeploys when a stage fails (rollback)"))
    return found
