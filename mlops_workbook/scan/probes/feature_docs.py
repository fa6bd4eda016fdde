"""Features documented: descriptions in feature definitions, a data dictionary or feature documentation."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings

ID = "feature-docs"
SHORT = ("Documented features: a data dictionary or feature documentation (Markdown), feature definitions with "
         "descriptions (Feast `description=`, dbt `columns:` with descriptions); partial: a docs section on feature "
         "engineering, a TFX schema of feature names and types, dbt models described without their columns")
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


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive = [Location(f.path, None, "feature documentation") for f in raw.files
                if f.suffix in (".md", ".rst", ".csv", ".yaml", ".yml") and _DOC_NAME.search(f.name)]
    positive += raw.grep(_DESCRIBED, raw.importing_files("feast"), detail="feature definition with a description")
    positive += raw.grep(_DBT, [f.path for f in raw.files if f.name in ("schema.yml", "schema.yaml") or "models/" in f.path
                                and f.suffix in (".yml", ".yaml")], detail="dbt column descriptions")
    # Partial: a documentation section on how features are built, a TFX/TFDV schema naming each feature and
    # its type, dbt models described without their columns.
    docs = [f.path for f in raw.with_suffix(".md", ".markdown", ".rst")]
    weak = raw.grep(_SECTION, docs, detail="documentation section on the features")
    weak += raw.grep(_SCHEMA, [f.path for f in raw.with_suffix(".pbtxt") if "schema" in f.name], detail="feature schema (names and types)")
    dbt = [f.path for f in raw.files if f.name in ("schema.yml", "schema.yaml") or "models/" in f.path and f.suffix in (".yml", ".yaml")]
    weak += raw.grep(_DBT_MODEL, dbt, detail="dbt model descriptions")
    return findings(ID, positive, weak, aside_is_evidence=True)  # docs/ is where documentation lives
