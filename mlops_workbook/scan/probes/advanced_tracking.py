"""Advanced experiment tracking: runs that record more than metrics (artifacts, models, datasets, code version)."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings

ID = "advanced-tracking"
SHORT = ("Tracking beyond a metric: at least three kinds of run records among parameters, metrics, artifacts, logged "
         "models, input datasets and tags (MLflow, W&B), or autologging with model signatures")
CRITERIA = {"model-3-advanced-tracking": "yes"}
REMEDIATION = "Log artifacts, the model with its signature, the input dataset and the code version with every run, not only metrics."
EFFORT = "low"

KINDS = {
    "parameters": re.compile(r"\bmlflow\.log_params?\s*\(|\bwandb\.config\b|\.log_param\w*\s*\("),
    "metrics": re.compile(r"\bmlflow\.log_metrics?\s*\(|\bwandb\.log\s*\("),
    "artifacts": re.compile(r"\bmlflow\.log_(?:artifacts?|figure|dict|table|text|image)\s*\(|\bwandb\.Artifact\s*\(|\.log_artifact\s*\("),
    "models": re.compile(r"\bmlflow\.\w+\.log_model\s*\(|\bwandb\.log_model\s*\(|\blog_model\s*\("),
    "datasets": re.compile(r"\bmlflow\.log_input\s*\(|\bmlflow\.data\.from_\w+\s*\(|\buse_artifact\s*\("),
    "tags": re.compile(r"\bmlflow\.set_tags?\s*\("),
}
MIN_KINDS = 3


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    files = raw.importing_files("mlflow", "wandb")
    seen: dict[str, Location] = {}
    for kind, pattern in KINDS.items():
        hits = raw.grep(pattern, files)
        if hits:
            seen[kind] = hits[0]
    if len(seen) < MIN_KINDS:
        return []
    kinds = ", ".join(seen)
    return findings(ID, [Location(loc.path, loc.line, f"runs record {kinds}: {loc.detail}") for loc in seen.values()])
