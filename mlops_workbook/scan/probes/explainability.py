"""Explainability: feature attributions with SHAP, Captum, Alibi, LIME, InterpretML."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import findings, libraries

ID = "explainability"
SHORT = "Explanations: SHAP explainers, Captum attributions, Alibi explainers, LIME, InterpretML"
CRITERIA = {"model-3-explainability": "yes", "gov-4-explainable-ai": "partial"}
REMEDIATION = "Produce feature attributions (SHAP) for each candidate model in the pipeline and keep them with the model."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_TOOLS = (
    (("shap",), ("shap",), re.compile(r"\bshap\.\w*(?:Explainer|explainer)\w*\s*\(|\bshap\.(?:summary_plot|plots)\b"), "SHAP"),
    (("captum",), ("captum",), re.compile(r"\b(?:IntegratedGradients|Saliency|DeepLift|GradientShap|Occlusion|LayerConductance)\s*\("),
     "Captum"),
    (("alibi",), ("alibi",), re.compile(r"\b(?:AnchorTabular|AnchorText|KernelShap|TreeShap|CounterFactual\w*|ALE)\s*\("), "Alibi"),
    (("lime",), ("lime",), re.compile(r"\bLime\w*Explainer\s*\("), "LIME"),
    (("interpret",), ("interpret",), re.compile(r"\bExplainableBoosting\w+\s*\(|\bshow\s*\(\s*\w+\.explain_"), "InterpretML"),
)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive, weak = libraries(raw, _TOOLS)
    return findings(ID, positive, weak)
