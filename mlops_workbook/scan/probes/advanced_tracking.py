"""Advanced experiment tracking: runs linked to the data they used, to each other and to the pipeline run or
commit that made them, not only metrics and parameters recorded."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings

ID = "advanced-tracking"
SHORT = ("Tracked runs linked to what made them: the input dataset (`mlflow.log_input`, W&B `use_artifact`, Azure ML "
         "`run.input_datasets` / `Model.register(datasets=)`, Databricks `log_model(training_set=)`), other runs "
         "(`start_run(nested=True)`, `parent_run_id=`, a tag set to a run's id) or the pipeline run / commit (Metaflow "
         "`current.pathspec`, a CI build or commit variable); one kind of link is partial, two are yes")
CRITERIA = {"model-3-advanced-tracking": "yes"}
REMEDIATION = ("Link each run to its input dataset (mlflow.log_input), to the pipeline run and commit that made it "
               "(tags), and to the model version it produced.")
EFFORT = "low"

_TRACKERS = ("mlflow", "wandb", "comet_ml", "neptune", "azureml", "databricks")
# A tag (or Comet's tag / other field) whose value names what made the run: a Metaflow task, the CI build and
# commit (the CI systems' own variables), or the git commit.
_PIPELINE_REF = (r"\bcurrent\.(?:pathspec|run_id)\b|GITHUB_SHA|GITHUB_RUN_ID|CI_PIPELINE_ID|CI_COMMIT_SHA|BUILD_BUILDID|"
                 r"BUILD_SOURCEVERSION|CIRCLE_BUILD_NUM|CIRCLE_SHA1|mlflow\.source\.git\.commit")
_TAG = r"\b(?:set_tags?|add_tags?|log_other)\s*\([^)\n]*"
# Each kind of link, as the patterns that show it, the first that matches cited (a tag naming the chosen run
# before the nested runs it was chosen from).
LINKS = {
    "other runs": (re.compile(_TAG + r"\.info\.run_id\b"),
                   re.compile(r"\bstart_run\s*\([^)\n]*\bnested\s*=\s*True|\bparent_run_id\s*=")),
    "pipeline run or commit": (re.compile(_TAG + "(?:" + _PIPELINE_REF + ")"),),
    "input data": (re.compile(r"\bmlflow\.log_input\s*\(|\buse_artifact\s*\(|\.input_datasets\s*\[[^\]\n]+\]\s*=|"
                              r"\bModel\.register\s*\([^)]*\bdatasets\s*=|"
                              r"\.log_model\s*\([^()]*(?:\([^()]*\)[^()]*)*\btraining_set\s*=", re.DOTALL),),
}
KINDS_FOR_YES = 2


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    files = raw.importing_files(*_TRACKERS)
    seen: dict[str, Location] = {}
    for kind, patterns in LINKS.items():
        for pattern in patterns:
            hits = raw.grep(pattern, files, needles=("tag", "other", "log_input", "use_artifact", "input_datasets",
                                                     "datasets", "training_set", "nested", "parent_run_id"))
            if hits:
                seen[kind] = hits[0]
                break
    kinds = ", ".join(seen)
    located = [Location(loc.path, loc.line, f"runs linked to their {kinds}: {loc.detail}") for loc in seen.values()]
    if len(seen) >= KINDS_FOR_YES:
        return findings(ID, located)
    return findings(ID, [], [Location(loc.path, loc.line, f"{loc.detail} (one kind of link)") for loc in located])
