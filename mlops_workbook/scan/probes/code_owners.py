"""Named owners: a CODEOWNERS file, an Airflow DAG's owner."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._markdown import blocks, docs
from ._util import file_locations, findings

# Airflow's `owner` default argument names who owns a DAG ("airflow", its default, names no one).
_AIRFLOW_OWNER = re.compile(r"""["']owner["']\s*:\s*["'](?!airflow["'])([^"'\n]+)["']|\bowner\s*=\s*["'](?!airflow["'])([^"'\n]+)["']""")
OWNER = "gov-1-owner"
# A model card's or README's owner line ("**Owner**: Credit risk team", "| Contact | Piotr |", "Maintainer: ..."),
# and BentoML's `labels: owner:` on a bento: a named owner of the model (gov-1-owner only).
_DOC_OWNER = re.compile(r"^[\W_]*(?:model\s+)?(?:owners?|maintainers?|contact|point of contact)[\W_]*\s*[:|]\s*[\w@]",
                        re.IGNORECASE)
# (`bentoml-team` is the value BentoML's gallery template ships: it names no one.)
_BENTO_OWNER = re.compile(r"^labels\s*:\s*\n(?:[ \t]+.*\n){0,8}?[ \t]+owner\s*:\s*(?!['\"]?bentoml-team\b)\S", re.MULTILINE)

ID = "code-owners"
SHORT = ("A `CODEOWNERS` file (root, `.github/` or `docs/`) naming who owns the code; for gov-1-owner only: an owner, "
         "maintainer or contact line in a model card or README, a bento's `owner` label, an Airflow DAG's `owner` "
         "(other than the default `airflow`)")
CRITERIA = {"gov-1-owner": "partial", "people-1-shared-repo": "partial"}
REMEDIATION = "Name an owner for each model's code in CODEOWNERS (and in its model card)."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks


def run(raw: RawResults) -> list[Finding]:
    """Named owners: a CODEOWNERS file: one finding per place seen, the strongest first."""
    owners = [f for f in raw.named("codeowners") if f.path in ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS",
                                                               ".gitlab/CODEOWNERS")]
    found = findings(ID, [loc for loc in file_locations(owners, "code owners") if raw.text(loc.path).strip()])
    # A pipeline's owner says who answers for it, not that people review each other's changes.
    dags = raw.grep(_AIRFLOW_OWNER, raw.importing_files("airflow"), needles=("owner",))
    named = [Location(b.path, b.line, "the docs name the model's owner") for path in docs(raw)
             for b in blocks(raw, path) if b.kind != "heading" and _DOC_OWNER.match(b.text)][:3]
    named += [_owner_line(raw, loc) for loc in raw.grep(_BENTO_OWNER, raw.named("bentofile.yaml"), needles=("owner",))]
    return found + [Finding(ID, "positive", loc, OWNER) for loc in [*named, *(
        Location(d.path, d.line, "Airflow DAG owner") for d in dags)]]


def _owner_line(raw: RawResults, loc: Location) -> Location:
    """A bento's `owner:` label, cited at its own line (the match starts at `labels:`)."""
    lines = raw.text(loc.path).split("\n")
    row = next((n for n in range(loc.line - 1, min(loc.line + 9, len(lines))) if lines[n].strip().startswith("owner:")),
               loc.line - 1)
    return Location(loc.path, row + 1, "BentoML bento labelled with its owner")
