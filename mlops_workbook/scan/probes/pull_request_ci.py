"""Changes that go through pull requests: CI that runs on each pull or merge request."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._ci import ci_files
from ._util import findings

ID = "pull-request-ci"
SHORT = ("CI triggered by pull or merge requests: GitHub Actions `on: pull_request`, Azure Pipelines `pr:`, GitLab "
         "`merge_request_event` / `only: merge_requests`, Bitbucket `pull-requests:`; partial, since a review rule "
         "(CODEOWNERS, required reviewers) is what makes people review each other's changes")
CRITERIA = {"people-1-shared-repo": "partial"}
REMEDIATION = ("Work in one repository where every change is a pull request that CI checks and a teammate reviews "
               "(CODEOWNERS, a required review).")
EFFORT = "low"

_GITHUB = re.compile(r"^[ \t]*(?:on[ \t]*:[ \t]*\[?[^\n]*\bpull_request(?:_target)?\b|-?[ \t]*pull_request(?:_target)?[ \t]*:)",
                     re.MULTILINE)
_AZURE = re.compile(r"^pr[ \t]*:(?![ \t]*['\"]?none\b)", re.MULTILINE)  # `pr: none` turns PR builds off
_GITLAB = re.compile(r"\bmerge_request_event\b|^[ \t]*-[ \t]*merge_requests\b", re.MULTILINE)
_PUSH = re.compile(r"^trigger[ \t]*:(?![ \t]*['\"]?none\b)|^[ \t]*push[ \t]*:|^on[ \t]*:[^\n]*\bpush\b", re.MULTILINE)
_BITBUCKET = re.compile(r"^[ \t]*pull-requests[ \t]*:", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    found: list[Location] = []
    for f in ci_files(raw):
        if f.path.startswith(".github/workflows/"):
            pattern, system = _GITHUB, "GitHub Actions"
        elif f.name.endswith(".gitlab-ci.yml") or f.name.endswith(".gitlab-ci.yaml") or f.path.startswith(".gitlab/"):
            pattern, system = _GITLAB, "GitLab CI"
        elif f.name.startswith("bitbucket-pipelines"):
            pattern, system = _BITBUCKET, "Bitbucket Pipelines"
        elif f.suffix in (".yml", ".yaml"):
            pattern, system = _AZURE, "Azure Pipelines"
        else:
            continue
        found += raw.grep(pattern, [f], detail=f"{system} runs on pull requests")
    # A pipeline that runs on pull requests only (the review build) before one that also runs on pushes.
    found.sort(key=lambda loc: bool(_PUSH.search(raw.text(loc.path))))
    return findings(ID, found)
