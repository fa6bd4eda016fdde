"""Retraining started by a monitoring signal: a drift check whose result submits the training pipeline."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings

ID = "retrain-trigger"
SHORT = ("A drift or performance check that starts retraining in the same code: a drift result followed by a pipeline "
         "submission (`PipelineJob(...).submit`, `start_pipeline_execution`, `jobs run-now`, `trigger_dag`, a CI dispatch)")
CRITERIA = {"monitor-3-retrain-on-alert": "yes", "monitor-4-drift-triggered-retraining": "partial"}
REMEDIATION = "Let a drift or performance alert start the retraining pipeline automatically, with a person approving the result."
EFFORT = "high"

_DRIFT = re.compile(r"\bdrift\w*\b", re.IGNORECASE)
_TRIGGER = re.compile(r"\bPipelineJob\s*\(|\.submit\s*\(|\bstart_pipeline_execution\s*\(|\brun_now\s*\(|\bjobs\s+run-now\b|"
                      r"\btrigger_dag\w*\s*\(|\bTriggerDagRunOperator\s*\(|/dispatches\b|\brepository_dispatch\b|"
                      r"\bcreate_run\s*\(|\bretrain\w*\s*\(")
_CONDITION = re.compile(r"^\s*(?:if|elif)\b[^\n]*\bdrift\w*", re.IGNORECASE | re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    code = [f.path for f in raw.with_suffix(".py", ".ipynb")
            if any(word in raw.text(f.path) for word in ("drift", "Drift", "DRIFT")) and _DRIFT.search(raw.text(f.path))]
    positive = []
    for loc in raw.grep(_CONDITION, code, first_only=False):
        text = raw.text(loc.path).split("\n")[loc.line - 1: loc.line + 15]
        hit = next((n for n, line in enumerate(text) if _TRIGGER.search(line)), None)
        if hit is not None:
            positive.append(Location(loc.path, loc.line + hit, f"drift result starts retraining: {text[hit].strip()[:70]}"))
    return findings(ID, positive)
