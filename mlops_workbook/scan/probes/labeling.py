"""Automated labeling and active learning: weak supervision, model-assisted labeling, label-quality checks."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import libraries, findings

ID = "labeling"
SHORT = ("Labeling automation: Snorkel labeling functions, cleanlab label-issue detection, Label Studio ML backends, "
         "modAL / small-text active learning")
CRITERIA = {"data-4-automated-labeling": "partial", "data-4-active-learning": "partial"}
REMEDIATION = "Automate labeling where you can (weak supervision, model-assisted pre-labels) and check label quality."
EFFORT = "high"

_TOOLS = (
    (("snorkel",), ("snorkel",), re.compile(r"@labeling_function\b|\bLabelModel\s*\(|\bPandasLFApplier\s*\("), "Snorkel"),
    (("cleanlab",), ("cleanlab",), re.compile(r"\bfind_label_issues\s*\(|\bCleanLearning\s*\("), "cleanlab"),
    (("label_studio_ml",), ("label-studio-ml",), re.compile(r"\bLabelStudioMLBase\b"), "Label Studio ML backend"),
    (("modAL",), ("modAL-python", "modal-python"), re.compile(r"\bActiveLearner\s*\("), "modAL"),
    (("small_text",), ("small-text",), re.compile(r"\bPoolBasedActiveLearner\s*\("), "small-text"),
)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive, weak = libraries(raw, _TOOLS)
    return findings(ID, positive, weak)
