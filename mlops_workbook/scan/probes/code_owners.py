"""Named owners: a CODEOWNERS file."""

from __future__ import annotations

from ..collector import RawResults
from ..findings import Finding
from ._util import file_locations, findings

ID = "code-owners"
SHORT = "A `CODEOWNERS` file (root, `.github/` or `docs/`) naming who owns the code"
CRITERIA = {"gov-1-owner": "partial", "people-1-shared-repo": "partial"}
REMEDIATION = "Name an owner for each model's code in CODEOWNERS (and in its model card)."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks


def run(raw: RawResults) -> list[Finding]:
    """Named owners: a CODEOWNERS file: one finding per place seen, the strongest first."""
    owners = [f for f in raw.named("codeowners") if f.path in ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS",
                                                               ".gitlab/CODEOWNERS")]
    return findings(ID, [loc for loc in file_locations(owners, "code owners") if raw.text(loc.path).strip()])
