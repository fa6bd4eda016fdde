"""Changes that go through reviewed pull requests: a pull request template or a document that asks
for a teammate's review, and CI that runs on each pull or merge request.

Why the review lines first: the criterion is that people review each other's changes; a CI trigger
on pull requests shows the changes go through pull requests, a template's "assign a reviewer" or a
guide's "get your pull request reviewed by a teammate" shows they are reviewed."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._ci import ci_files
from ._markdown import blocks, docs, link_only
from ._util import findings

ID = "pull-request-ci"
SHORT = ("Reviewed pull requests: a pull / merge request template, or a line in the docs asking for a pull "
         "request's review or approval (\"get your pull request reviewed by a teammate\"); CI triggered by pull or merge "
         "requests: GitHub Actions `on: pull_request`, Azure Pipelines `pr:`, GitLab `merge_request_event` / "
         "`only: merge_requests`, Bitbucket `pull-requests:`; partial, since a review rule (CODEOWNERS, required "
         "reviewers) is what makes people review each other's changes")
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


_TEMPLATE = re.compile(r"(?:^|/)(?:\.github/|docs/|\.azuredevops/)?(?:pull_request_template(?:\.md)?|"
                       r"PULL_REQUEST_TEMPLATE(?:\.md)?)(?:/|$)|^\.gitlab/merge_request_templates/", re.IGNORECASE)
_REQUEST = re.compile(r"\b(?:pull requests?|merge requests?|PRs?)\b", re.IGNORECASE)
_REVIEW = re.compile(r"\b(?:review(?:s|ed|er|ers|ing)?|approv(?:e|es|ed|al))\b", re.IGNORECASE)


def _review_lines(raw: RawResults) -> list[Location]:
    """A pull request template (cited at its line on review, else its first line) and doc lines that
    ask for a pull request to be reviewed or approved."""
    found = []
    for path in docs(raw):
        document = blocks(raw, path)
        if _TEMPLATE.search(path):
            line = next((b.line for b in document if _REVIEW.search(b.text)), document[0].line if document else 1)
            found.append(Location(path, line, "pull request template asks for a review"))
            continue
        found += [Location(path, b.line, "the docs ask for each pull request to be reviewed") for b in document
                  if b.kind != "heading" and _REQUEST.search(b.text) and _REVIEW.search(b.text)][:1]
    return found


def _contributing_requests(raw: RawResults, reviewed: list[Location]) -> list[Location]:
    """A contributing guide that asks for changes as pull requests, without saying they are reviewed: a
    shared-repository process, weaker than review."""
    if reviewed:
        return []
    return [Location(b.path, b.line, "the contributing guide asks for changes as pull requests") for path in docs(raw)
            if path.rsplit("/", 1)[-1].lower().startswith("contributing")
            for b in blocks(raw, path) if b.kind != "heading" and _REQUEST.search(b.text) and not link_only(b.text)][:1]


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    found: list[Location] = _review_lines(raw)
    triggers: list[Location] = []
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
        triggers += raw.grep(pattern, [f], detail=f"{system} runs on pull requests")
    # A pipeline that runs on pull requests only (the review build) before one that also runs on pushes.
    triggers.sort(key=lambda loc: bool(_PUSH.search(raw.text(loc.path))))
    return findings(ID, [*found, *triggers], _contributing_requests(raw, found),
                    aside_is_evidence=True)  # a review guide lives in docs/
