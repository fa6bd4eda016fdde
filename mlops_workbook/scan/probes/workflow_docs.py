"""A documented path from experiment to production, read from Markdown."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings

ID = "workflow-docs"
SHORT = ("Markdown describing the model lifecycle: a section on the ML workflow, release or promotion process, or the "
         "path to production, or one document whose sections walk from training to deployment")
CRITERIA = {"people-2-standard-workflow": "partial"}
REMEDIATION = "Write down the standard workflow from experiment to production: branches, reviews, validation, promotion, who approves."
EFFORT = "low"

_SECTION = re.compile(r"^#{1,4}\s*[^\n]*\b(?:(?:ml|mlops|model|development|release|promotion)\s+(?:workflow|process|lifecycle)|"
                      r"path to production|model lifecycle|release process|promotion process)\b",
                      re.IGNORECASE | re.MULTILINE)


_TRAIN = re.compile(r"^#{1,4}\s*[^\n]*\b(?:train\w*|experiment\w*)\b", re.IGNORECASE | re.MULTILINE)
_SHIP = re.compile(r"^#{1,4}\s*[^\n]*\b(?:deploy\w*|serv(?:e|ing)|ci/cd|production|release)\b", re.IGNORECASE | re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """A workflow section, or one document that walks from training to deployment in its headings."""
    docs = [f.path for f in raw.with_suffix(".md", ".markdown", ".rst")]
    positive = raw.grep(_SECTION, docs, detail="workflow section")
    for path in docs:
        train, ship = raw.grep(_TRAIN, [path]), raw.grep(_SHIP, [path], first_only=False)
        if train and ship:
            sections = [loc for loc in ship if loc.line != 1] or ship  # a document's title is not its section
            positive.append(Location(path, sections[0].line, "documents the path from training to deployment"))
    # Cited at the section that reaches production; the root README (what a newcomer reads) first.
    return findings(ID, sorted(positive, key=lambda loc: loc.path.lower() != "readme.md"),
                    aside_is_evidence=True)  # docs/ is where documentation lives
