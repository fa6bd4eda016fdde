"""Who trained what, from which code: the git commit and the author recorded with each run or release."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._ci import ci_files
from ._util import findings

ID = "audit-trail"
SHORT = ("Runs and releases recorded with their code version: `mlflow.source.git.commit` or a `git_sha`/`commit` tag "
         "logged, `git rev-parse HEAD` written into run metadata, model version descriptions naming the commit, a metadata "
         "or labels mapping naming the pipeline job, build or commit, a record naming who promoted, approved or deployed "
         "a model (`\"promoted_by\": user`, a `deployed_by` column); partial: "
         "registry promotions, CI deployments to an environment or approval gates, names built from the git SHA")
CRITERIA = {"gov-2-audit-trail": "partial"}
REMEDIATION = "Record the git commit, the data version and who approved with every registered model version."
EFFORT = "low"

_TAG = re.compile(r"\bset_tags?\s*\([^)\n]*(?:git|commit|sha|build)|\blog_param\w*\s*\([^)\n]*(?:git_?commit|git_?sha|commit_?sha)|"
                  r"mlflow\.source\.git\.commit|\bgit\s+rev-parse\s+(?:--short\s+)?HEAD\b[^\n]*(?:tag|log|param|label|>)|"
                  r"\btags?\s*=\s*\{[^}\n]*(?:git|commit|sha|build_?id|BuildId|run_?id)|"
                  r"\$\{bundle\.git\.commit\}|"
                  r"\b(?:GITHUB_SHA|CI_COMMIT_SHA|BUILD_BUILDID|BUILD_SOURCEVERSION|CIRCLE_SHA1|GIT_COMMIT|BUILD_ID)\b[^\n]*(?:tag|label|description|param)",
                  re.IGNORECASE)


_TAG_WRITE = re.compile(r"\b\w*tags?\w*\s*\[\s*[\"'](?:BuildId|BuildUri|build_?id|build_?number|git_?commit|git_?sha|"
                        r"commit_?sha|commit|source_?commit|pipeline_?run_?id)[\"']\s*\]\s*=(?!=)", re.IGNORECASE)
NEEDLES = ("set_tag", "bundle.git", "log_param", "mlflow.source", "rev-parse", "tags", "tag=", "SHA", "BUILD", "COMMIT", "Build")


# What the platforms record by themselves, each a partial trail: a registry keeps who moved which version
# to which stage or alias and when; a CI/CD system keeps each deployment to a named environment and who
# approved a manual gate; a name or tag built from the git SHA ties an artifact to its commit.
_PROMOTION = re.compile(r"\b(?:transition_model_version_stage|set_registered_model_alias|update_model_package)\s*\(|"
                        r"\.set_stage\s*\(|\bModelApprovalStatus\s*=|\bapproval_status\s*=")
_CI_RECORDS = re.compile(r"^\s*environment\s*:\s*(?:\S|$)|^\s*type\s*:\s*approval\b|^\s*when\s*:\s*manual\s*$",
                         re.MULTILINE)
_GIT_SHA = re.compile(r"\bgit_?sha\s*=\s*\w", re.IGNORECASE)


# A record written with the model or its evaluation (a metadata, labels or tags mapping over several lines) that
# names the pipeline job, the build or the commit that made it: `"metadata": {"pipeline_job_id": ...}`.
_RECORD = re.compile(r"[\"']?\b(?:metadata|labels|tags|properties)[\"']?\s*[=:]\s*(?:dict\(|\{)\s*$", re.MULTILINE)
_RUN_KEY = re.compile(r"^\s*[\"'](?:pipeline_(?:job_)?(?:run_)?id|pipeline_job_name|pipeline_run|build_?id|git_?(?:sha|commit)|"
                      r"commit(?:_?sha)?|source_?commit)[\"']\s*:", re.IGNORECASE)
RECORD_LINES = 12


# A record that names who acted on a model version: `{"promoted_by": user, ...}`, a `deployed_by TEXT` column.
_ACTOR = re.compile(r"""["'](?:promoted|approved|deployed|rolled_back)_by["']\s*:|"""
                    r"""^\s*(?:promoted|approved|deployed|rolled_back)_by\s+(?:TEXT|VARCHAR|STRING|CHAR)\b""",
                    re.IGNORECASE | re.MULTILINE)


def run_records(raw: RawResults, code: list[str]) -> list[Location]:
    """Metadata, labels or tags mappings written with a model or an evaluation that name the pipeline run."""
    found = []
    for loc in raw.grep(_RECORD, code, first_only=False, needles=("metadata", "labels", "tags", "properties")):
        lines = raw.text(loc.path).split("\n")
        for number in range(loc.line, min(loc.line + RECORD_LINES, len(lines))):
            if lines[number].strip().startswith(("}", ")")):
                break
            if _RUN_KEY.match(lines[number]):
                found.append(Location(loc.path, number + 1, f"recorded with the pipeline run that made it: "
                                                              f"{lines[number].strip()[:60]}"))
                break
    return found


def run(raw: RawResults) -> list[Finding]:
    """Runs and releases tagged with their commit first; then names built from the commit, then what a
    registry or CI records by itself."""
    files = [f.path for f in raw.with_suffix(".py", ".ipynb", ".sh", ".yml", ".yaml")] + [f.path for f in raw.named("makefile")]
    code = [f.path for f in raw.with_suffix(".py", ".ipynb")]
    # A tag written into a tags mapping (`tags["BuildId"] = build_id`) before a line that only reads one.
    positive = [Location(loc.path, loc.line, f"the build or commit is written into the tags: {loc.detail}")
                for loc in raw.grep(_TAG_WRITE, code, first_only=False,
                                    needles=("uild", "UILD", "ommit", "OMMIT", "sha", "SHA", "ipeline", "IPELINE"))]
    positive += raw.grep(_TAG, files, needles=NEEDLES)
    positive += run_records(raw, [p for p in code if p.endswith(".py")])
    positive += raw.grep(_ACTOR, [*code, *(f.path for f in raw.with_suffix(".sql"))], first_only=False, needles=("_by", "_BY"),
                         detail="records who acted on the model")
    weak = [Location(loc.path, loc.line, f"named after the git commit: {loc.detail}")
            for loc in raw.grep(_GIT_SHA, code, needles=("sha", "SHA"))]
    weak += [Location(loc.path, loc.line, f"the registry records this promotion: {loc.detail}")
            for loc in raw.grep(_PROMOTION, code, first_only=False,
                                needles=("transition_model_version_stage", "set_registered_model_alias", "set_stage",
                                         "update_model_package", "pproval"))]
    weak += [Location(loc.path, loc.line, f"CI/CD records deployments and approvals: {loc.detail}")
             for loc in raw.grep(_CI_RECORDS, ci_files(raw))]
    return findings(ID, positive, weak)
