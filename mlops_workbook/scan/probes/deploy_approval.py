"""A person approves before a model is deployed: a manual gate in the CI/CD system's own configuration."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._ci import ci_files
from ._util import findings

ID = "deploy-approval"
SHORT = ("A manual approval gate before deployment, in the CI/CD system's own terms: CircleCI `type: approval`, GitLab "
         "`when: manual`, Azure Pipelines `ManualValidation@`, Buildkite `block:`, AWS CodePipeline "
         "`ManualApprovalAction`; SageMaker packages registered `PendingManualApproval`; a deployment started by a GTO "
         "stage assignment; an approval step in the pipeline (Flyte `approve`, Prefect `pause_flow_run`, Argo `suspend`); "
         "the check list behind it is not visible, so partial")
CRITERIA = {"deploy-1-manual-validation": "partial"}
REMEDIATION = ("Put a manual approval step before the production deployment (an environment with required reviewers, "
               "a CircleCI approval job, a CodePipeline approval action) and record what the approver checked.")
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

_CI_GATE = re.compile(r"^\s*when\s*:\s*manual\s*$|^\s*-?\s*task\s*:\s*ManualValidation@|^\s*type\s*:\s*approval\b|"
                      r"^\s*-\s*block\s*:", re.MULTILINE)
# AWS CDK / CloudFormation: a CodePipeline stage that waits for a person.
_PIPELINE_GATE = re.compile(r"\bManualApprovalAction\s*\(|['\"]?Category['\"]?\s*[:=]\s*['\"]Approval['\"]")


# A registry that holds each new model for a person: SageMaker model packages registered as
# `PendingManualApproval` (only an Approved one deploys); a deployment started by a GTO stage assignment, which
# a person makes (`iterative/gto-action` reading an `assignment` event).
_PENDING = re.compile(r"[\"']PendingManualApproval[\"']")
_GTO = re.compile(r"^\s*-?\s*uses\s*:\s*['\"]?iterative/gto-action@", re.MULTILINE)


_ASSIGNMENT = re.compile(r"^\s*-?\s*if\s*:[^\n]*['\"]assignment['\"]", re.MULTILINE)


def gto_assignment_gates(raw: RawResults, files: list | None = None) -> list[Location]:
    """CI files where a GTO stage assignment (made by a person) starts the job, cited at the condition that
    reads the assignment event (the gto-action step when there is none)."""
    found = []
    for loc in raw.grep(_GTO, ci_files(raw) if files is None else files, needles=("gto-action",)):
        if "assignment" in raw.text(loc.path):
            conditions = raw.grep(_ASSIGNMENT, [loc.path], needles=("assignment",))
            found.append(conditions[0] if conditions else loc)
    return found


# Pipelines that stop for a person: a Flyte approval node (`approve(upstream, "name", timeout=...)`), a Prefect
# flow paused for input (`pause_flow_run(wait_for_input=...)`, `suspend_flow_run`), an Argo Workflows `suspend:`
# step. The engine keeps who resumed it and when.
_ORCHESTRATOR_GATE = ((("flytekit",), re.compile(r"\bapprove\s*\("), "Flyte approval node: a person approves before the next task"),
                      (("prefect",), re.compile(r"\b(?:pause_flow_run|suspend_flow_run)\s*\("),
                       "Prefect flow paused for a person's input"))
_ARGO_SUSPEND = re.compile(r"^\s*suspend\s*:\s*\{\s*\}|^\s*-?\s*suspend\s*:\s*$", re.MULTILINE)


def orchestrator_gates(raw: RawResults) -> list[Location]:
    """Approval steps inside an orchestrated pipeline, cited at the step."""
    found = [Location(loc.path, loc.line, detail) for modules, pattern, detail in _ORCHESTRATOR_GATE
             for loc in raw.grep(pattern, raw.importing_files(*modules), first_only=False)]
    argo = [f.path for f in raw.with_suffix(".yaml", ".yml") if "argoproj.io" in raw.text(f.path)]
    return found + raw.grep(_ARGO_SUSPEND, argo, needles=("suspend",), detail="Argo Workflows suspend step (resumed by a person)")


def run(raw: RawResults) -> list[Finding]:
    """One finding per gate, CI configurations first."""
    ci = ci_files(raw)
    positive = raw.grep(_CI_GATE, ci, first_only=False, detail="manual approval step in CI/CD")
    code = [f.path for f in raw.with_suffix(".py", ".json", ".yml", ".yaml", ".ts")]
    positive += raw.grep(_PIPELINE_GATE, code, first_only=False, needles=("ManualApprovalAction", "Approval"),
                         detail="manual approval stage in CodePipeline")
    positive += raw.grep(_PENDING, raw.with_suffix(".py", ".ipynb", ".json", ".yml", ".yaml"), needles=("PendingManual",),
                         detail="each model waits in the registry for a person to approve it (PendingManualApproval)")
    positive += [Location(loc.path, loc.line, "a person assigns the stage that starts the deployment (GTO)")
                 for loc in gto_assignment_gates(raw, ci)]
    return findings(ID, positive + orchestrator_gates(raw))
