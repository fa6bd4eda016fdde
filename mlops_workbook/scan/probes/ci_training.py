"""CI that trains or reproduces the model (continuous training): CML, `dvc repro`, a training step."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._ci import ci_files
from ._util import findings

ID = "ci-training"
SHORT = ("CI that trains or evaluates: CML (`iterative/setup-cml`, `cml comment`), `dvc repro`, "
         "`python train.py`, `mlflow run`, scheduled (cron) training jobs")
CRITERIA = {"deploy-3-cicdct": "partial", "model-2-pipeline": "partial", "deploy-2-automated-validation": "partial"}
REMEDIATION = "Let CI retrain and evaluate on data or code changes (CML or `dvc repro` in a workflow) and report metrics."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_TRAIN = re.compile(r"\b(?:setup-cml|cml\s+(?:comment|send-comment|publish|runner)|dvc\s+(?:repro|exp\s+run)|"
                    r"mlflow\s+run|python3?\s+(?:-m\s+)?[\w./-]*train\w*(?:\.py)?\b|make\s+train\w*)")


def run(raw: RawResults) -> list[Finding]:
    return findings(ID, raw.grep(_TRAIN, ci_files(raw), first_only=False))
