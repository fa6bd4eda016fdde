"""The model documented in prose: README or docs sections on the model, its data and its results."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import findings

ID = "model-docs"
SHORT = ("Markdown (README, docs/) with sections on the model, its data, training, evaluation or results; a model card "
         "is the full answer (`model-cards`), this is partial")
CRITERIA = {"gov-1-documentation": "partial"}
REMEDIATION = "Document each production model: purpose, data, metrics, owner and limitations (a model card)."
EFFORT = "low"

_SECTION = re.compile(r"^#{1,4}\s*[^\n]*\b(?:model|dataset|data set|the data|training|evaluation|metrics|results|performance|"
                      r"architecture)\b", re.IGNORECASE | re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    docs = [f.path for f in raw.with_suffix(".md", ".markdown", ".rst")
            if f.path.count("/") == 0 or f.path.lower().startswith("docs/")]
    return findings(ID, raw.grep(_SECTION, docs, detail="documents the model"),
                    aside_is_evidence=True)  # docs/ is where documentation lives
