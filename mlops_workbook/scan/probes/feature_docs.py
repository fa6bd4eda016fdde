"""Features documented: descriptions in feature definitions, a data dictionary or feature documentation."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._markdown import Block, blocks, docs, heading_text, sections
from ._util import findings

ID = "feature-docs"
SHORT = ("Documented features: a data dictionary or feature documentation (Markdown); a schema, features or columns "
         "section listing at least three fields with what each is (`` `role`: str. Title of the job ``), or a section on "
         "the data listing them by name (`Age: The age of the patients, 50 to 90`), or a table with a feature/column and "
         "a description column (not a settings table with defaults); feature definitions with descriptions (Feast "
         "`description=`, dbt `columns:` with descriptions); partial: a sentence naming several features with their "
         "meaning, a docs section on feature engineering, a TFX schema of feature names and types, dbt models described "
         "without their columns")
CRITERIA = {"data-1-documented-features": "yes"}
REMEDIATION = "Document each feature's name, meaning, source and transformation next to its definition."
EFFORT = "low"

_DOC_NAME = re.compile(r"data[-_ ]?dictionary|feature[-_ ]?(?:docs?|catalog|description|list)|features?\.md$", re.IGNORECASE)
_DESCRIBED = re.compile(r"\b(?:Field|Feature|FeatureView|Entity)\s*\([^)]*\bdescription\s*=", re.DOTALL)
_DBT = re.compile(r"^\s*columns\s*:\s*$[\s\S]{0,300}?^\s*description\s*:", re.MULTILINE)


_SECTION = re.compile(r"^#{1,4}[^\n]*\b(?:feature[s]?\s+(?:engineering|extraction|definitions?|descriptions?|list|set|"
                      r"columns?|selection)|(?:input|model|derived|engineered)\s+features|data\s+dictionary)\b",
                      re.IGNORECASE | re.MULTILINE)
_SCHEMA = re.compile(r"^feature\s*\{\s*$\s*name\s*:", re.MULTILINE)
_DBT_MODEL = re.compile(r"^\s*models\s*:\s*$[\s\S]{0,200}?^\s*description\s*:", re.MULTILINE)


# A section that lists the data's fields: its heading names them, its list items or table rows give
# one field each with what it means ("`role`: str. Role/title of the job", "| age | years since birth |").
_FIELDS_HEADING = re.compile(r"\b(?:schema|features?|columns?|variables|attributes|fields|inputs|data dictionary|"
                             r"data description|dataset description)\b", re.IGNORECASE)
# One field per item: a field-like name ("`role`", "years_of_exp") then what it is; a bold label
# ("**Weather**: hourly temperature, ...") only in a data document or a schema section, since a
# README's "## Features" list of bold labels is usually what the software does.
_FIELD_NAME_ITEM = re.compile(r"^(?:`[^`]{1,40}`|[a-z_][a-z0-9_.]{0,30})\s*(?::|\s[-\u2013\u2014]\s|\()\s*\S.{6,}")
_LABEL_ITEM = re.compile(r"^\*\*[^*]{1,40}\*\*\s*:?\s*\S.{6,}")
# In a section about the data, a plain name and a colon is a field too ("Age: The age of the patients, 50 to 90").
_NAMED_ITEM = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{1,30}\s*:\s*\S.{6,}")
_DATA_DOC = re.compile(r"(?:^|/)(?:data|datasets?)(?:/|[-_.])|data[-_ ]?(?:card|dictionary)", re.IGNORECASE)
_DATA_HEADING = re.compile(r"\b(?:schema|columns?|data dictionary|data ?set|data description|input data)\b", re.IGNORECASE)
_FIELD_TABLE = re.compile(r"^\|.*\b(?:feature|column|field|attribute)s?\b.*\|.*\b(?:description|meaning|definition|"
                          r"transformation|explanation)\b", re.IGNORECASE)
_CONFIG_TABLE = re.compile(r"\b(?:default|required|value|example)s?\b", re.IGNORECASE)
# A sentence that names at least three features with what each is: "length (longest shell measurement), ...".
_FIELDS_SENTENCE = re.compile(r"\b(?:features?|columns?|attributes|variables)\b[^\n]*?(?:\w[\w ]{0,30}\([^)\n]{3,}\)[,;]?[^(\n]*){3}",
                              re.IGNORECASE)
_EMPHASISED_SECTION = re.compile(r"^\*\*(?:feature (?:engineering|extraction|selection)|features)\*\*", re.IGNORECASE)


FIELDS = 3  # fields a list must document to count


def _field_lists(document: list[Block]) -> list[Location]:
    """Sections that document fields one by one (a list or a table), cited at their heading."""
    found = []
    path = document[0].path
    for heading, body in sections(document).items():
        title = heading_text(document, heading)
        about_data = bool(_DATA_DOC.search(path) or _DATA_HEADING.search(title))
        items = [b for b in body if b.kind in ("item", "step") and (_FIELD_NAME_ITEM.match(b.text)
                                                          or about_data and _LABEL_ITEM.match(b.text))]
        rows = [b for b in body if b.kind == "row"]
        table = len(rows) >= 4 and bool(_FIELD_TABLE.search(rows[0].text)) and not _CONFIG_TABLE.search(rows[0].text)
        named = [b for b in body if about_data and b.kind in ("item", "step") and _NAMED_ITEM.match(b.text)]
        if heading and _FIELDS_HEADING.search(title) and (len(items) >= 3 or table):
            found.append(Location(path, heading, "documentation lists the features with their meaning"))
        elif table:
            found.append(Location(path, rows[0].line, "a table documents the features with their meaning"))
        elif len(named) >= FIELDS:
            found.append(Location(path, named[0].line, "a section on the data lists its fields with their meaning"))
    return found


def _feature_sentences(document: list[Block]) -> list[Location]:
    return [Location(b.path, b.line, "documentation names the features and what they are") for b in document
            if b.kind in ("text", "item", "step") and (_FIELDS_SENTENCE.search(b.text) or _EMPHASISED_SECTION.match(b.text))]


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive = [Location(f.path, None, "feature documentation") for f in raw.files
                if f.suffix in (".md", ".rst", ".csv", ".yaml", ".yml") and _DOC_NAME.search(f.name)]
    positive += raw.grep(_DESCRIBED, raw.importing_files("feast"), detail="feature definition with a description")
    positive += raw.grep(_DBT, [f.path for f in raw.files if f.name in ("schema.yml", "schema.yaml") or "models/" in f.path
                                and f.suffix in (".yml", ".yaml")], detail="dbt column descriptions")
    # Partial: a documentation section on how features are built, a TFX/TFDV schema naming each feature and
    # its type, dbt models described without their columns.
    documents = [blocks(raw, path) for path in docs(raw)]
    positive += [loc for document in documents if document for loc in _field_lists(document)]
    weak = [loc for document in documents if document for loc in _feature_sentences(document)]
    weak += raw.grep(_SECTION, docs(raw), detail="documentation section on the features")
    weak += raw.grep(_SCHEMA, [f.path for f in raw.with_suffix(".pbtxt") if "schema" in f.name], detail="feature schema (names and types)")
    dbt = [f.path for f in raw.files if f.name in ("schema.yml", "schema.yaml") or "models/" in f.path and f.suffix in (".yml", ".yaml")]
    weak += raw.grep(_DBT_MODEL, dbt, detail="dbt model descriptions")
    return findings(ID, positive, weak, aside_is_evidence=True)  # docs/ is where documentation lives
