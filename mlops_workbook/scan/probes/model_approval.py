"""Approval before production: a manual approval status on model packages, stage or alias promotion."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._ci import ci_files
from ._util import YAML, findings
from .deploy_approval import gto_assignment_gates, orchestrator_gates

ID = "model-approval"
SHORT = ("Promotion that waits for a decision: SageMaker `PendingManualApproval` / `ModelApprovalStatus`, a CI "
         "`environment:` with required reviewers or a manual job (`when: manual`); MLflow stage transitions or alias "
         "changes, ZenML `ModelVersion.set_stage` made by code, a GTO stage assignment that starts deployment and an approval "
         "step in the pipeline (Flyte `approve`, Prefect `pause_flow_run`, Argo `suspend`) are partial")
CRITERIA = {"gov-2-approval-workflow": "yes"}
REMEDIATION = "Let a named person approve each promotion (a registry approval status or a protected CI environment) and keep the record."
EFFORT = "medium"

_MANUAL = re.compile(r"PendingManualApproval|\bModelApprovalStatus\b|\bapproval_status\s*=|\bmanual_approval\b|"
                     r"\bManualApprovalAction\s*\(")
_CI_GATE = re.compile(r"^\s*when\s*:\s*manual\s*$|^\s*-?\s*task\s*:\s*ManualValidation@|^\s*type\s*:\s*approval\b|"
                      r"^\s*-\s*block\s*:", re.MULTILINE)
_ZENML_PROMOTE = re.compile(r"\.set_stage\s*\(")  # ZenML's ModelVersion.set_stage(stage, force=...)
_PROMOTE = re.compile(r"\b(?:transition_model_version_stage|set_registered_model_alias)\s*\(")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    code = raw.with_suffix(".py", ".ipynb", ".json", *YAML)
    positive = raw.grep(_MANUAL, code, first_only=False, needles=("pproval",))
    # Registration that waits for a person (`PendingManualApproval`) is the workflow itself: before a filter on
    # the approval status.
    positive = sorted((Location(loc.path, loc.line, f"manual approval status: {loc.detail}") for loc in positive),
                      key=lambda loc: "PendingManualApproval" not in loc.detail)
    ci = ci_files(raw)
    positive += raw.grep(_CI_GATE, ci, first_only=False, detail="manual approval step in CI")
    weak = raw.grep(_PROMOTE, raw.importing_files("mlflow"), first_only=False,
                    needles=("transition_model_version_stage", "set_registered_model_alias"))
    weak += raw.grep(_ZENML_PROMOTE, raw.importing_files("zenml"), first_only=False, needles=("set_stage",),
                     detail="ZenML model version promoted by code")
    # GTO: promotion is a stage tag a person pushes, recorded in git; no separate approval step.
    weak += [Location(loc.path, loc.line, "promotion is a GTO stage assignment a person makes")
             for loc in gto_assignment_gates(raw, ci)]
    # An approval step in the pipeline: the engine records the decision, no registry keeps it with the model.
    weak += orchestrator_gates(raw)
    return findings(ID, positive, weak)
