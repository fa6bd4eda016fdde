"""Bias and fairness checks: Fairlearn, AIF360, Aequitas."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import findings, library

ID = "fairness"
SHORT = "Fairness checks: Fairlearn (`MetricFrame`, `demographic_parity_*`), AIF360 metrics, Aequitas"
CRITERIA = {"gov-3-bias-checks": "yes", "gov-4-bias-detection": "partial"}
REMEDIATION = "Compute fairness metrics for the relevant groups on each candidate model (Fairlearn's MetricFrame)."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_FAIRLEARN = re.compile(r"\b(?:MetricFrame|demographic_parity_\w+|equalized_odds_\w+|ThresholdOptimizer|"
                        r"ExponentiatedGradient)\s*\(")
_AIF = re.compile(r"\b(?:BinaryLabelDatasetMetric|ClassificationMetric|Reweighing|BinaryLabelDataset)\s*\(")


def run(raw: RawResults) -> list[Finding]:
    """Bias and fairness checks: Fairlearn, AIF360, Aequitas: one finding per place seen, the strongest first."""
    positive, weak = [], []
    for modules, packages, calls, label in ((("fairlearn",), ("fairlearn",), _FAIRLEARN, "Fairlearn"),
                                            (("aif360",), ("aif360",), _AIF, "AIF360"),
                                            (("aequitas",), ("aequitas",), None, "Aequitas")):
        pos, wk = library(raw, modules=modules, packages=packages, calls=calls, label=label)
        positive += pos
        weak += wk
    return findings(ID, positive, weak)
