"""The model documented: README or docs sections on the model, its data and its results, and the
descriptions a model registry keeps (Databricks bundle `comment:`, MLflow and ZenML `description`)."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, findings, outside_code_blocks

ID = "model-docs"
SHORT = ("Markdown (README, docs/) with sections on the model, its data, training, evaluation or results (not on "
         "deploying, serving, monitoring or the project's architecture); a registered model's description (a Databricks "
         "bundle's `registered_models:` `comment:`, MLflow `create_registered_model`/`update_registered_model`/"
         "`update_model_version(description=...)`, a ZenML `model:` `description:`); a model card is the full answer "
         "(`model-cards`), this is partial")
CRITERIA = {"gov-1-documentation": "partial"}
REMEDIATION = "Document each production model: purpose, data, metrics, owner and limitations (a model card)."
EFFORT = "low"

_SECTION = re.compile(r"^#{1,4}\s*[^\n]*\b(?:model|dataset|data set|the data|training|evaluation|metrics|results|performance|"
                      r"architecture)\b", re.IGNORECASE | re.MULTILINE)
# A heading about running the system, not about the model: how it is deployed, served, monitored, managed
# or laid out ("Test deployed model", "Dataset Management", "Project Architecture").
_OPERATIONS = re.compile(r"\b(?:deploy\w*|serv(?:e|es|ed|ing)|monitor\w*|management|operationali[sz]\w*|continuous|"
                         r"architecture|folders?|pipelines?|scenario|registry|infrastructure)\b", re.IGNORECASE)
_BUNDLE_COMMENT = re.compile(r"^[ \t]*registered_models\s*:[ \t]*\n(?:[ \t]*(?:#.*)?\n|[ \t]+\S.*\n){0,3}?[ \t]+comment\s*:",
                             re.MULTILINE)
_MLFLOW_DESCRIPTION = re.compile(r"\b(?:create_registered_model|update_registered_model|update_model_version|"
                                 r"create_model_version)\s*\([^)]*?\bdescription\s*=", re.DOTALL)
_ZENML_MODEL = re.compile(r"^model\s*:[ \t]*\n(?:[ \t]+.*\n|[ \t]*\n){0,6}?[ \t]+description\s*:\s*\S", re.MULTILINE)


def _registry_descriptions(raw: RawResults) -> list[Location]:
    """Descriptions a model registry shows beside the model, cited at the description."""
    found = []
    yaml = raw.with_suffix(*YAML)
    for loc in raw.grep(_BUNDLE_COMMENT, yaml, first_only=False, needles=("registered_models",)):
        found.append(_at(raw, loc, "comment", "registered model described (Databricks bundle)"))
    for loc in raw.grep(_ZENML_MODEL, yaml, first_only=False, needles=("description",)):
        found.append(_at(raw, loc, "description", "registered model described (ZenML model config)"))
    for loc in raw.grep(_MLFLOW_DESCRIPTION, raw.importing_files("mlflow"), first_only=False, needles=("description",)):
        found.append(Location(loc.path, loc.line, "registered model described (MLflow)"))
    return found


def _at(raw: RawResults, loc: Location, key: str, detail: str) -> Location:
    """The location moved from the match's first line down to its `key:` line."""
    lines = raw.text(loc.path).split("\n")
    row = next((n for n in range(loc.line - 1, min(loc.line + 8, len(lines))) if lines[n].strip().startswith(f"{key}:")),
               loc.line - 1)
    return Location(loc.path, row + 1, detail)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    docs = [f.path for f in raw.with_suffix(".md", ".markdown", ".rst")
            if f.path.count("/") == 0 or f.path.lower().startswith("docs/")]
    sections = [loc for loc in outside_code_blocks(raw, raw.grep(_SECTION, docs, first_only=False, detail="documents the model"))
                if not _OPERATIONS.search(raw.line(loc.path, loc.line))]
    first = {}
    for loc in sections:  # one section per file: the first that is about the model
        first.setdefault(loc.path, loc)
    return findings(ID, [*first.values(), *_registry_descriptions(raw)],
                    aside_is_evidence=True)  # docs/ is where documentation lives
