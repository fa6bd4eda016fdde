"""Named owners: a CODEOWNERS file, an Airflow DAG's owner."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import file_locations, findings

# Airflow's `owner` default argument names who owns a DAG ("airflow", its default, names no one).
_AIRFLOW_OWNER = re.compile(r"""["']owner["']\s*:\s*["'](?!airflow["'])([^"'\n]+)["']|\bowner\s*=\s*["'](?!airflow["'])([^"'\n]+)["']""")
OWNER = "gov-1-owner"

ID = "code-owners"
SHORT = ("A `CODEOWNERS` file (root, `.github/` or `docs/`) naming who owns the code; an Airflow DAG's `owner` "
         "(other than the default `airflow`) names the owner of a pipeline (gov-1-owner only)")
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
    return found + [Finding(ID, "positive", Location(loc.path, loc.line, "Airflow DAG owner"), OWNER) for loc in dags]
