"""CI that trains, evaluates or submits the training pipeline (continuous training), on any CI system."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._ci import ci_commands, located
from ._util import findings

ID = "ci-training"
SHORT = ("CI that trains or evaluates: CML (`iterative/setup-cml`, `cml comment`), `dvc repro`, `python train.py`, "
         "`mlflow run`, `kedro run`, `databricks bundle run`, `anyscale jobs submit`, Vertex AI / SageMaker pipeline "
         "submissions, directly or through the make target or script it calls")
CRITERIA = {"deploy-3-cicdct": "partial", "model-2-pipeline": "partial", "deploy-1-basic-cicd": "partial"}
REMEDIATION = "Let CI retrain and evaluate on data or code changes (CML or `dvc repro` in a workflow) and report metrics."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

TRAIN = re.compile(
    r"\b(?:setup-cml|cml\s+(?:comment|send-comment|publish|runner)|dvc\s+(?:repro|exp\s+run)|mlflow\s+run|"
    r"python3?\s+(?:-m\s+)?[\w./-]*(?:train|pipeline|evaluate)\w*(?:\.py)?\b|make\s+train\w*|kedro\s+run\b|"
    r"databricks\s+bundle\s+run\b|anyscale\s+jobs?\s+submit\b|gcloud\s+ai\s+custom-jobs\s+create\b|"
    r"zenml\s+pipeline\s+run\b|metaflow\b.*\brun\b|prefect\s+deployment\s+run\b)")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive, weak = [], []
    for command in ci_commands(raw):
        match = TRAIN.search(command.text)
        if match and not _TEST_MODULE.search(match.group(0)):
            (positive if command.can_fail else weak).append(located(command, "CI trains or evaluates"))
    return findings(ID, (), sorted(weak, key=_order), enforced=sorted(positive, key=_order))


# `python -m utils.tests.test_model_pipeline`: a test module named for the pipeline runs tests, not training.
_TEST_MODULE = re.compile(r"(?:^|[\s./])tests?[./]|(?:^|[\s./])test_\w*|_tests?\b", re.IGNORECASE)
_NAMES_TRAINING = re.compile(r"train|\brepro\b|\bexp\s+run|\bmlflow\s+run", re.IGNORECASE)


def _order(location: Location) -> bool:
    """A command that says it trains before one that runs some other pipeline or an evaluation."""
    command = location.detail.split(": ", 1)[-1].split(" (run by CI at", 1)[0]
    return not _NAMES_TRAINING.search(command)
