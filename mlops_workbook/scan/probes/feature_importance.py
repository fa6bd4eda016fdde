"""Global explanations produced with each model: feature importances computed, plotted or reported by training."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import findings

ID = "feature-importance"
SHORT = ("Feature importances produced by training code: `feature_importances_`/`get_score(importance_type=…)`/"
         "`plot_importance` in a training script, sklearn `permutation_importance`, SageMaker Debugger's XGBoost report, "
         "a Vertex AI model uploaded with an explanation spec; global importances only, so partial")
CRITERIA = {"model-3-explainability": "partial"}
REMEDIATION = "Produce an explanation report (SHAP values, per-feature attributions) for every candidate model and log it with the run."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

_IMPORTANCE = re.compile(r"\.feature_importances_\b|\.get_score\s*\(\s*importance_type|\bplot_importance\s*\(|"
                         r"\bpermutation_importance\s*\(|\bcreate_xgboost_report\b|\bexplanation_(?:spec|metadata|parameters)\s*=|"
                         r"\bExplanation(?:Spec|Metadata|Parameters)\s*\(")
_ASIDE = ("tests", "test", "docs", "examples", "notebooks")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place a script produces importances (notebooks and tests are exploration, not the pipeline)."""
    scripts = [f.path for f in raw.with_suffix(".py") if not any(p.lower() in _ASIDE for p in f.path.split("/")[:-1])
               and not f.name.startswith("test_")]
    needles = ("feature_importances_", "importance", "xgboost_report", "xplanation")
    return findings(ID, raw.grep(_IMPORTANCE, scripts, first_only=False, needles=needles))
