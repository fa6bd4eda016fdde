"""Model documentation: model cards written by hand or generated."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import file_locations, findings, library

ID = "model-cards"
SHORT = ("Model cards: `MODEL_CARD.md`, `model_card*.md`, `model-card*`, files under `model_cards/`, "
         "Model Card Toolkit or Hugging Face `ModelCard` generation")
CRITERIA = {"gov-1-documentation": "yes", "gov-3-model-cards": "partial"}
REMEDIATION = "Write a model card for each production model (purpose, data, metrics, owner, limitations); generate it in the pipeline."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

_CARD_NAME = re.compile(r"^model[-_ ]?card", re.IGNORECASE)
_GENERATE = re.compile(r"\b(?:ModelCard(?:Data)?\.from_template|ModelCardToolkit\s*\(|ModelCard\s*\()")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    cards = [f for f in raw.files if (_CARD_NAME.match(f.name) and f.suffix in (".md", ".json", ".yaml", ".yml", ".html", ""))
             or "/model_cards/" in f"/{f.path}" or "/model-cards/" in f"/{f.path}"]
    positive = file_locations(cards, "model card")
    generated, weak = library(raw, modules=("model_card_toolkit", "huggingface_hub"),
                              packages=("model-card-toolkit",), calls=_GENERATE, label="generated model card")
    return findings(ID, positive + generated, [w for w in weak if "model_card" in w.detail or "model-card" in w.detail],
                    aside_is_evidence=True)  # docs/ is where model cards live
