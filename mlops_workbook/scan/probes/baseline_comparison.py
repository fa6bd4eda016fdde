"""A candidate compared with the production model before promotion: TFMA change thresholds, MLflow's
baseline evaluation, champion/challenger code, SageMaker pipeline quality conditions."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings

ID = "baseline-comparison"
SHORT = ("Comparison against the production model: TFMA `GenericChangeThreshold` / `change_threshold`, "
         "`mlflow.evaluate(..., baseline_model=...)` or `MetricThreshold(min_relative_change=...)`, "
         "champion/challenger comparisons, SageMaker `ConditionGreaterThanOrEqualTo` gates")
CRITERIA = {"model-2-baseline-comparison": "yes", "deploy-2-champion-challenger": "yes"}
REMEDIATION = ("Evaluate each candidate against the current production model on the same held-out data and block "
               "promotion when it is worse (TFMA change thresholds, mlflow.evaluate with baseline_model).")
EFFORT = "medium"

_CALLS = re.compile(r"\bGenericChangeThreshold\s*\(|\bchange_threshold\s*=|\bbaseline_model\s*=|"
                    r"\bmin_(?:absolute|relative)_change\s*=|\bConditionGreaterThan(?:OrEqualTo)?\s*\(|"
                    r"\bvalidate_evaluation_results\s*\(")
_CHAMPION = re.compile(r"\b(?:challenger|candidate)\w*\s*(?:\[[^\]]*\]\s*)?(?:\.\w+\s*)?[<>]=?\s*\w*champion|"
                       r"\bchampion\w*\s*(?:\[[^\]]*\]\s*)?(?:\.\w+\s*)?[<>]=?\s*\w*(?:challenger|candidate)", re.IGNORECASE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    code = [f.path for f in raw.with_suffix(".py", ".ipynb")]
    positive = raw.grep(_CALLS, code, first_only=False,
                        needles=("Threshold", "threshold", "baseline_model", "_change", "Condition", "validate_evaluation"))
    positive += [Location(loc.path, loc.line, f"champion/challenger comparison: {loc.detail}")
                 for loc in raw.grep(_CHAMPION, code, needles=("champion", "Champion", "CHAMPION"))]
    return findings(ID, positive)
