"""A documented path from experiment to production, read from Markdown."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._markdown import Block, blocks, docs, heading_text, outside_code_blocks, sections, under_heading
from ._util import findings

ID = "workflow-docs"
SHORT = ("Markdown describing the model lifecycle: a section on the ML workflow, release or promotion process or the "
         "path to production; numbered steps (or bullets under a workflow / process / how-it-works heading) that go through "
         "at least three stages from a change or training to production (pull request, train, evaluate, register or "
         "approve, deploy); a sentence saying the document walks from a change to production; weaker, one document whose "
         "headings go from training to deployment")
CRITERIA = {"people-2-standard-workflow": "partial"}
REMEDIATION = "Write down the standard workflow from experiment to production: branches, reviews, validation, promotion, who approves."
EFFORT = "low"

_SECTION = re.compile(r"^#{1,4}\s*[^\n]*\b(?:(?:ml|mlops|model|development|release|promotion)\s+(?:workflow|process|lifecycle)|"
                      r"path to production|model lifecycle|release process|promotion process)\b",
                      re.IGNORECASE | re.MULTILINE)


_TRAIN = re.compile(r"^#{1,4}\s*[^\n]*\b(?:train\w*|experiment\w*)\b", re.IGNORECASE | re.MULTILINE)
_SHIP = re.compile(r"^#{1,4}\s*[^\n]*\b(?:deploy\w*|serv(?:e|ing)|ci/cd|production|release)\b", re.IGNORECASE | re.MULTILINE)
# The stages a model passes on its way to production, as a list of steps names them.
_STAGES = {
    "change": re.compile(r"\b(?:pull requests?|PRs?|merge[sd]?|branch(?:es)?|commits?|code changes?)\b"),
    "train": re.compile(r"\b(?:train(?:s|ed|ing)?|experiments?|retrain\w*)\b", re.IGNORECASE),
    "check": re.compile(r"\b(?:evaluat\w*|validat\w*|tests?|compar\w*|review\w*)\b", re.IGNORECASE),
    "promote": re.compile(r"\b(?:regist(?:er|ers|ered|ry)|approv\w*|promot\w*|staging|champion)\b", re.IGNORECASE),
    "ship": re.compile(r"\b(?:deploy\w*|serv(?:e|es|ing)|production|prod|release[sd]?|endpoints?)\b", re.IGNORECASE),
}
_PROCESS_HEADING = re.compile(r"\b(?:workflow|process|steps?|step by step|how (?:it|this) works|what this does|ci/cd|"
                              r"lifecycle|walkthrough|end[- ]to[- ]end)\b", re.IGNORECASE)
# "This document describes the full process from making a change ... to having the code running in production."
_FROM_TO = re.compile(r"\b(?:process|workflow|path|steps?|journey|lifecycle)\b[^.\n]{0,100}\bfrom\b[^.\n]{0,120}\bto\b"
                      r"[^.\n]{0,60}\b(?:production|deploy\w*)\b", re.IGNORECASE)


def _stage_walks(document: list[Block]) -> list[Location]:
    """Sections whose list of steps walks through at least three stages, one of them reaching
    production and one making or training the change: cited at the first step."""
    found = []
    for heading, body in sections(document).items():
        title = heading_text(document, heading)
        kinds = ("step", "item") if _PROCESS_HEADING.search(title) else ("step",)  # bullets only under a process heading
        steps = [b.text for b in body if b.kind in kinds]
        if len(steps) < 3:
            continue
        stages = {name for name, pattern in _STAGES.items() if any(pattern.search(step) for step in steps)}
        if len(stages) >= 3 and "ship" in stages and stages & {"change", "train"}:
            line = next(b.line for b in body if b.kind in kinds)  # the first step: where the walk is written down
            found.append(Location(document[0].path, line, f"steps from change to production{f': {title}' if title else ''}"))
    return found


def _at_first_step(raw: RawResults, heading: Location) -> Location:
    """A workflow heading's first step or bullet (in its section or subsections): a workflow is documented
    by its steps; the sentence that introduces them only mentions it. A section without a list keeps its
    heading (moved to its text by `_util.at_the_work`)."""
    line = under_heading(raw, heading.path, heading.line, kinds=("step", "item")) if heading.line else heading.line
    return heading if line == heading.line else Location(heading.path, line, heading.detail)


def run(raw: RawResults) -> list[Finding]:
    """A workflow section, a list of steps that walks from a change to production, a sentence that
    says the document does; or one document that walks from training to deployment in its headings."""
    paths = docs(raw)
    sections_found = outside_code_blocks(raw, raw.grep(_SECTION, paths, detail="workflow section", first_only=False))
    first_sections: dict[str, Location] = {}
    for loc in sections_found:  # the first workflow section of each document, in path order
        first_sections.setdefault(loc.path, loc)
    positive = [_at_first_step(raw, loc) for loc in first_sections.values()]
    for path in paths:
        document = blocks(raw, path)
        positive += [Location(b.path, b.line, "describes the path to production") for b in document
                     if b.kind == "text" and _FROM_TO.search(b.text)]
        positive += _stage_walks(document)
    weak = []
    for path in paths:
        train = outside_code_blocks(raw, raw.grep(_TRAIN, [path], first_only=False))
        ship = outside_code_blocks(raw, raw.grep(_SHIP, [path], first_only=False))
        if train and ship:
            sections_ = [loc for loc in ship if loc.line != 1] or ship  # a document's title is not its section
            weak.append(_at_first_step(raw, Location(path, sections_[0].line, "documents the path from training to deployment")))
    # The root README (what a newcomer reads) first, then docs/, then the rest.
    def order(loc: Location) -> tuple[bool, bool]:
        return loc.path.lower() != "readme.md", not loc.path.lower().startswith("docs/")
    return findings(ID, sorted(positive, key=order), sorted(weak, key=order),
                    aside_is_evidence=True)  # docs/ is where documentation lives
