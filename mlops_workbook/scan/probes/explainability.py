"""Explainability: feature attributions with SHAP, Captum, Alibi, LIME, InterpretML."""

from __future__ import annotations

import re
from dataclasses import replace

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings, libraries

ID = "explainability"
SHORT = ("Explanations: SHAP explainers, Captum attributions, Alibi explainers, LIME, InterpretML; for explanations "
         "per prediction, partial, only in serving code (an app, a predict or score handler)")
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


# The call that produces the explanation, cited before the explainer's constructor above it: LIME's
# `explain_instance(`, SHAP's `shap_values(` or `explainer(X)`, Captum's `.attribute(`, Alibi's `.explain(`.
_EXPLAINS = re.compile(r"\.explain_instance\s*\(|\.shap_values\s*\(|\bexplainer\s*\(|\.attribute\s*\(|\.explain\s*\(")
_NEAR = 10


def _explaining_calls(raw: RawResults, found: list[Location]) -> list[Location]:
    """For each explainer constructed, the call just below it that explains (within _NEAR lines)."""
    out = []
    for loc in found:
        for number in range((loc.line or 1) + 1, (loc.line or 1) + _NEAR + 1):
            line = raw.line(loc.path, number)
            if _EXPLAINS.search(line) and not line.lstrip().startswith(("#", "\"#")):
                out.append(Location(loc.path, number, f"{loc.detail.split(':', 1)[0]}: the explanation computed"))
                break
    return out


# Serving code: a web app or a predict/score handler, where an explanation can go with each prediction.
_SERVING_NAME = re.compile(r"serv|app|api|predict|scor|inference|handler|endpoint", re.IGNORECASE)
_SERVING_MODULES = ("flask", "fastapi", "bentoml", "streamlit", "gradio")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first. Every explanation counts for
    explainability reports; only one made in serving code speaks of explanations for each prediction."""
    positive, weak = libraries(raw, _TOOLS)
    found = findings(ID, _explaining_calls(raw, positive) + positive, _explaining_calls(raw, weak) + weak)
    serving_files = set(raw.importing_files(*_SERVING_MODULES))
    serving = [f for f in found if not f.location.path.endswith(".ipynb") and (
        f.location.path in serving_files or _SERVING_NAME.search(f.location.path.rsplit("/", 1)[-1]))]
    return ([replace(f, criterion="model-3-explainability") for f in found]
            + [replace(f, criterion="gov-4-explainable-ai") for f in serving])
