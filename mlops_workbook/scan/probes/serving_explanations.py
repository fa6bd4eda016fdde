"""Explanations served with predictions: an endpoint that returns a per-prediction explanation."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import YAML, findings

ID = "serving-explanations"
SHORT = ("Per-prediction explanations from the serving endpoint: Vertex AI `ExplanationMetadata`/`ExplanationParameters` "
         "on the uploaded model or `endpoint.explain(...)`, SageMaker Clarify online explainability "
         "(`ClarifyExplainerConfig`), a KServe or Seldon `explainer:`")
CRITERIA = {"gov-4-explainable-ai": "yes"}
REMEDIATION = "Serve an explanation with each prediction that needs one (Vertex AI explanations, SageMaker Clarify online, a KServe explainer)."
EFFORT = "high"

_CALLS = re.compile(r"\bExplanationMetadata\s*\(|\bExplanationParameters\s*\(|\bexplanation_metadata\s*=|"
                    r"\bexplanation_spec\s*=|\bClarifyExplainerConfig\s*\(|\bendpoint\w*\.explain\s*\(")
_EXPLAINER = re.compile(r"^\s*explainer\s*:\s*$", re.MULTILINE)
_SERVING_API = re.compile(r"serving\.kserve\.io|serving\.kubeflow\.org|machinelearning\.seldon\.io")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    code = raw.importing_files("google", "sagemaker", "vertex_ai")
    positive = raw.grep(_CALLS, code, first_only=False, needles=("xplanation", "Explainer", "explain("),
                        detail="explanations served with predictions")
    manifests = [loc.path for loc in raw.grep(_SERVING_API, suffixes=YAML)]
    positive += raw.grep(_EXPLAINER, manifests, detail="explainer beside the model server")
    return findings(ID, positive)
