"""Automated labeling and active learning: weak supervision, model-assisted labeling, label-quality checks."""

from __future__ import annotations

import re
from dataclasses import replace

from ..collector import RawResults
from ..findings import Finding
from ._util import findings, libraries

ID = "labeling"
SHORT = ("Labeling automation in code that runs (not a notebook): Snorkel labeling functions, cleanlab label-issue "
         "detection, Label Studio ML backends for automated labeling; modAL / small-text for active learning")
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


_ACTIVE = ("modAL", "small-text")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first. A notebook is a person
    exploring the labels, not labeling automated; label-issue detection and weak supervision are no active
    learning, and an active learner labels nothing by itself."""
    positive, weak = libraries(raw, _TOOLS)
    found = [f for f in findings(ID, positive, weak) if not f.location.path.endswith(".ipynb")]
    active = [f for f in found if f.location.detail.startswith(_ACTIVE)]
    return ([replace(f, criterion="data-4-active-learning") for f in active]
            + [replace(f, criterion="data-4-automated-labeling") for f in found if f not in active])
