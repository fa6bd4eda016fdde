"""The incident process, read from Markdown: runbooks, on-call and incident sections."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._markdown import outside_code_blocks
from ._util import findings

ID = "runbooks"
SHORT = ("Markdown that documents the incident process: a runbook, playbook or on-call document, or an incident / "
         "on-call section; a rollback section alone is partial")
CRITERIA = {"people-1-incident-process": "yes"}
REMEDIATION = "Write a runbook: who is called when a model breaks, how to roll back to the previous version, and the release workflow."
EFFORT = "low"

DOCS = (".md", ".markdown", ".rst")
# "Troubleshooting" (how to fix an install) is no incident process; a runbook says who acts and how.
_INCIDENT = re.compile(r"^#{1,4}\s*[^\n]*\b(?:runbooks?|playbooks?|incidents?|on-?call|post-?mortems?)\b",
                       re.IGNORECASE | re.MULTILINE)
_ROLLBACK = re.compile(r"^#{1,4}\s*[^\n]*\b(?:roll ?back|restore a previous)\b", re.IGNORECASE | re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    docs = [f.path for f in raw.with_suffix(*DOCS)]
    incident_files = [f.path for f in raw.files if f.suffix in DOCS and re.search(r"runbook|playbook|incident|on-?call", f.name)]
    positive = [Location(p, None, "runbook") for p in incident_files]
    # A heading is a Markdown heading, not a `#` comment in a fenced shell example.
    positive += outside_code_blocks(raw, raw.grep(_INCIDENT, docs, detail="incident or on-call section", first_only=False))
    weak = outside_code_blocks(raw, raw.grep(_ROLLBACK, docs, detail="rollback section, no incident process", first_only=False))
    return findings(ID, positive, weak, aside_is_evidence=True)  # docs/ is where runbooks live
