"""The model documented: a README or docs page that says what the model is for and what it learns
from, how well it does or where it stops working; sections on the model that say something about it;
the descriptions a model registry keeps (Databricks bundle `comment:`, MLflow and ZenML `description`).

Why by content: a heading "Model Deployment" is about deploying and a README titled "Introduction"
may be the only place the model is described; reviewers judged heading-only citations as mentions."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._markdown import Block, blocks, docs, heading_text, sections
from ._util import YAML, findings

ID = "model-docs"
SHORT = ("A README or docs/ page that says what the model is for (a sentence near its top: \"this app predicts ...\", "
         "\"the use case is a churn prediction problem\") and one more thing a reader needs: its data, a metric with its "
         "value, or its limitations; weaker, a section on the model, its data or results (not on deploying, serving or "
         "monitoring) that says something about them; a registered model's description (Databricks bundle `comment:`, "
         "MLflow `create_registered_model`/`update_model_version(description=...)`, ZenML `model:` `description:`); a "
         "model card is the full answer (`model-cards`), this is partial")
CRITERIA = {"gov-1-documentation": "partial"}
REMEDIATION = "Document each production model: purpose, data, metrics, owner and limitations (a model card)."
EFFORT = "low"

_SECTION = re.compile(r"^#{1,4}\s*[^\n]*\b(?:model|dataset|data set|the data|training|evaluation|metrics|results|performance|"
                      r"architecture)\b", re.IGNORECASE | re.MULTILINE)
# A heading about running the system, not about the model: how it is deployed, served, monitored, managed
# or laid out ("Test deployed model", "Dataset Management", "Project Architecture").
_OPERATIONS = re.compile(r"\b(?:deploy\w*|serv(?:e|es|ed|ing)|monitor\w*|management|operationali[sz]\w*|continuous|"
                         r"architecture|folders?|pipelines?|scenario|registry|infrastructure)\b", re.IGNORECASE)
# What a model description says: what it is for (a task verb with a subject, or a title such as
# "Energy Demand Forecasting"), what data it learns from, how well it does, where it stops working.
_PURPOSE = re.compile(r"\b(?:predict(?:s|ing|ion)?|forecast(?:s|ing)?|classif(?:y|ies|ying|ication|ier)|(?<!drift )detect(?:s|ing|ion)?|"
                      r"segment(?:s|ing|ation)|recommend(?:s|ing|ations?|er)|regression|churn|estimat(?:e|es|ing|ion))\b",
                      re.IGNORECASE)
_SUBJECT = re.compile(r"\b(?:model|classifier|regressor|project|app|application|use case|problem|task|system|network|"
                      r"machine learning|solution)s?\b", re.IGNORECASE)
_DATA = re.compile(r"\b(?:data ?set|trained on|training data|data source|source data|data (?:is|was|comes) from|"
                   r"data from|features? (?:are|include)|the data)\b", re.IGNORECASE)
_METRIC = re.compile(r"\b(?:accuracy|auc|roc[- ]auc|f1(?:[- ]score)?|rmse|mae|mape|precision|recall|r2|r²|map|iou)\b"
                     r"[^\n]{0,40}?\d", re.IGNORECASE)
_INTRO = re.compile(r"\b(?:introduction|overview|about|description|summary|purpose|problem|use case)\b", re.IGNORECASE)
_LIMITS = re.compile(r"\b(?:limitations?|caveats?|disclaimer|known issues|intended use|out of scope|biases)\b",
                     re.IGNORECASE)
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


def _describes_model(document: list[Block]) -> list[Location]:
    """A document that says what the model is for and one more thing a reader needs (its data, its
    metrics, its limits): the purpose line first, then one line per other aspect. Empty when it does not."""
    opening = sorted({b.section for b in document})[:3]  # the title and the first sections: where a README says what it is
    title = next((b.line for b in document if b.kind == "heading"), None)
    candidates = [b for b in document if (b.section in opening or _INTRO.search(heading_text(document, b.section)))
                  and _PURPOSE.search(b.text) and (_SUBJECT.search(b.text) if b.kind != "heading"
                                                     else b.line == title and len(b.text.split()) >= 2)]
    # A sentence that says what the model does beats a title that names the task.
    purpose = next((b for b in candidates if b.kind != "heading"), candidates[0] if candidates else None)
    if purpose is None:
        return []
    aspects = []
    for name, pattern in (("data", _DATA), ("metrics", _METRIC), ("limitations", _LIMITS)):
        block = next((b for b in document if pattern.search(b.text) and b is not purpose
                      and not (b.kind == "heading" and _OPERATIONS.search(b.text))), None)
        if block is not None:
            aspects.append(Location(block.path, block.line, f"documents the model's {name}"))
    if not aspects:  # the purpose alone, when it is a sentence and not a command (`curl .../predict`)
        prose = purpose.kind in ("text", "item") and not purpose.text.startswith("`") and "curl " not in purpose.text
        return [Location(purpose.path, purpose.line, "says what the model is for (nothing on its data, metrics or "
                                                     "limits)")] if prose else []
    return [Location(purpose.path, purpose.line, "documents what the model is for"), *aspects]


def _model_sections(document: list[Block]) -> list[Location]:
    """Sections whose heading is about the model (not about running it) and whose body says something
    about its data, results or limits: the heading, as weaker evidence than a description."""
    found = []
    for heading, body in sections(document).items():
        title = heading_text(document, heading)
        if (heading and _SECTION.search(f"# {title}") and not _OPERATIONS.search(title)
                and any(_DATA.search(b.text) or _METRIC.search(b.text) or _LIMITS.search(b.text) or
                        _PURPOSE.search(b.text) for b in body if b.kind != "heading")):
            found.append(Location(document[0].path, heading, "documents the model"))
    return found[:1]


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    described, headed, purpose_only = [], [], []
    for path in docs(raw):
        if not _is_documentation(path):
            continue
        document = blocks(raw, path)
        if document:
            found = _describes_model(document)
            if len(found) > 1:
                described += found
            elif path.rsplit("/", 1)[-1].lower().startswith("readme"):  # a README's purpose line alone: weaker
                purpose_only += found
            headed += _model_sections(document)
    def root_first(loc: Location) -> tuple[int, bool]:
        return loc.path.count("/"), loc.path.lower() != "readme.md"
    described.sort(key=root_first)
    return findings(ID, [*described, *headed, *_registry_descriptions(raw)], sorted(purpose_only, key=root_first),
                    aside_is_evidence=True)  # docs/ is where documentation lives


def _is_documentation(path: str) -> bool:
    """READMEs anywhere, docs/ and model-named documents: where a model is written up."""
    name = path.rsplit("/", 1)[-1].lower()
    return name.startswith("readme") or path.lower().startswith("docs/") or "/docs/" in path.lower() or "model" in name
