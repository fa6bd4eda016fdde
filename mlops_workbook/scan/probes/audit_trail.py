"""Who trained what, from which code: the git commit and the author recorded with each run or release."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import findings

ID = "audit-trail"
SHORT = ("Runs and releases recorded with their code version: `mlflow.source.git.commit` or a `git_sha`/`commit` tag "
         "logged, `git rev-parse HEAD` written into run metadata, model version descriptions naming the commit")
CRITERIA = {"gov-2-audit-trail": "partial"}
REMEDIATION = "Record the git commit, the data version and who approved with every registered model version."
EFFORT = "low"

_TAG = re.compile(r"\bset_tags?\s*\([^)\n]*(?:git|commit|sha|build)|\blog_param\w*\s*\([^)\n]*(?:git_?commit|git_?sha|commit_?sha)|"
                  r"mlflow\.source\.git\.commit|\bgit\s+rev-parse\s+(?:--short\s+)?HEAD\b[^\n]*(?:tag|log|param|label|>)|"
                  r"\btags?\s*=\s*\{[^}\n]*(?:git|commit|sha|build_?id|BuildId|run_?id)|"
                  r"\b(?:GITHUB_SHA|CI_COMMIT_SHA|BUILD_BUILDID|BUILD_SOURCEVERSION|CIRCLE_SHA1|GIT_COMMIT|BUILD_ID)\b[^\n]*(?:tag|label|description|param)",
                  re.IGNORECASE)


NEEDLES = ("set_tag", "log_param", "mlflow.source", "rev-parse", "tags", "tag=", "SHA", "BUILD", "COMMIT", "Build")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    files = [f.path for f in raw.with_suffix(".py", ".ipynb", ".sh", ".yml", ".yaml")] + [f.path for f in raw.named("makefile")]
    return findings(ID, raw.grep(_TAG, files, needles=NEEDLES))
