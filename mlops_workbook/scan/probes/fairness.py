"""Bias and fairness checks: Fairlearn, AIF360, Aequitas."""

from __future__ import annotations

import re
from dataclasses import replace

from ..collector import RawResults
from ..findings import Finding
from ._util import findings, library

ID = "fairness"
SHORT = ("Fairness checks: Fairlearn (`MetricFrame`, `demographic_parity_*`), AIF360 metrics, Aequitas; for bias "
         "checks of each model, a check of the model's predictions first")
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
    found = findings(ID, positive, weak)

    def on_the_model(f: Finding) -> bool:
        """A check of a model's predictions (its file named for the model, predictions made just above), not
        of the training data's groups: what bias checks of each candidate model rest on."""
        loc = f.location
        window = " ".join(raw.line(loc.path, n) for n in range(max(1, (loc.line or 1) - 5), (loc.line or 1) + 1))
        return bool(re.search(r"model", loc.path.rsplit("/", 1)[-1], re.IGNORECASE) or _PREDICTIONS.search(window))

    return ([replace(f, criterion="gov-3-bias-checks") for f in sorted(found, key=lambda f: not on_the_model(f))]
            + [replace(f, criterion="gov-4-bias-detection") for f in found])


_PREDICTIONS = re.compile(r"\.predict(?:_proba)?\s*\(")
