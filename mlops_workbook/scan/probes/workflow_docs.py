"""A documented path from experiment to production, read from Markdown."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import findings

ID = "workflow-docs"
SHORT = ("Markdown describing the model lifecycle: a section on the ML workflow, release or promotion process, or the "
         "path to production (a plain 'Deployment' how-to is not enough)")
CRITERIA = {"people-2-standard-workflow": "partial"}
REMEDIATION = "Write down the standard workflow from experiment to production: branches, reviews, validation, promotion, who approves."

_SECTION = re.compile(r"^#{1,4}\s*[^\n]*\b(?:(?:ml|mlops|model|development|release|promotion)\s+(?:workflow|process|lifecycle)|"
                      r"path to production|model lifecycle|release process|promotion process)\b",
                      re.IGNORECASE | re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    docs = [f.path for f in raw.with_suffix(".md", ".markdown", ".rst")]
    return findings(ID, raw.grep(_SECTION, docs, detail="workflow section"))
