"""Deployment started by the model registry: a registry event (a model package approved, a version moved to a
stage) that starts the deployment pipeline by itself."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, findings

ID = "registry-deploy"
SHORT = ("Deployment triggered by the registry: an EventBridge rule on `SageMaker Model Package State Change` that "
         "targets a pipeline or a function (CDK or CloudFormation `Targets:`), a Databricks MLflow registry webhook on "
         "`MODEL_VERSION_TRANSITIONED_STAGE` / `MODEL_VERSION_TAG_SET` that runs a job")
CRITERIA = {"deploy-2-automated-deploy": "yes", "deploy-3-cicdct": "partial"}
REMEDIATION = ("Let an approval in the model registry start the deployment pipeline (an EventBridge rule on the model "
               "package state, a registry webhook), so training, registry and serving form one automated path.")
EFFORT = "medium"

_PACKAGE_EVENT = re.compile(r"SageMaker Model Package State Change")
_RULE = re.compile(r"\b(?:events\.)?(?:Cfn)?Rule\s*\(|\bAWS::Events::Rule\b")
# What the rule starts: a pipeline, a build, a state machine or a function (the CDK's targets; in CloudFormation a
# `Targets:` entry's `Arn:`, a resource of the template).
_TARGET = re.compile(r"\btargets\.(?:CodePipeline|CodeBuildProject|SfnStateMachine|LambdaFunction)\s*\(|"
                     r"arn:aws:codepipeline:|\bcodepipeline\b|^\s*-?\s*Arn\s*:\s*(?:!GetAtt\s+\w+\.Arn|!Ref\b|!Sub\b|\{)",
                     re.IGNORECASE)
_CFN_TARGETS = re.compile(r"^\s*Targets\s*:")
_WEBHOOK = re.compile(r"\bcreate_webhook\s*\([^)]*?MODEL_VERSION_(?:TRANSITIONED_STAGE|TRANSITIONED_TO_PRODUCTION|"
                      r"TRANSITIONED_TO_STAGING|TAG_SET)[^)]*?job_spec", re.DOTALL)
WINDOW = 25  # lines after the event pattern where the rule's target is looked for


def _package_rules(raw: RawResults) -> list[Location]:
    """EventBridge rules on a model package's state that target a pipeline, cited at the rule."""
    files = [f.path for f in raw.with_suffix(".py", ".ts", ".json", *YAML) if "Model Package State Change" in raw.text(f.path)]
    found = []
    for loc in raw.grep(_PACKAGE_EVENT, files, first_only=False):
        lines = raw.text(loc.path).split("\n")
        window = lines[loc.line - 1: loc.line + WINDOW]
        cfn = any(_CFN_TARGETS.match(line) for line in window)
        if not any(_TARGET.search(line) and (cfn or "Arn" not in line) for line in window):
            continue
        row = next((n for n in range(loc.line - 1, max(loc.line - 16, -1), -1) if _RULE.search(lines[n])), loc.line - 1)
        found.append(Location(loc.path, row + 1, "a model approved in the registry starts the deployment pipeline"))
    return found


def registry_triggers(raw: RawResults) -> list[Location]:
    """Where an event of the model registry starts the deployment: EventBridge rules, registry webhooks."""
    webhooks = [Location(loc.path, loc.line, "a registry webhook runs the deployment job")
                for loc in raw.grep(_WEBHOOK, raw.with_suffix(".py", ".ipynb"), first_only=False, needles=("create_webhook",))]
    # A deployment pipeline's own definition before a batch or build pipeline's.
    return sorted(_package_rules(raw) + webhooks, key=lambda loc: "deploy" not in loc.path.rsplit("/", 1)[-1].lower())


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    return findings(ID, registry_triggers(raw))
