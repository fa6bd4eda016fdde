"""Blind review of the scan's evidence lines: the second measure of "evidence at the practice".

Why: the labels list the lines a labeller happened to cite for a practice (one to four, when a
practice often has more call sites), so "the scan's line is one of the label's lines" under-counts a
scan that cites another call of the same practice, and over-counts a line that sits within three
lines of a labelled one but is an import. The issue's own count was a reader's judgement of each
line. So a reviewer who never sees the labels, the scan's reasons, or whether a line matched, reads
each cited line in its file and says what it is:

- ``practice``: the line carries the practice out (the call, the CI step, the config entry, the doc
  sentence that does it); a partial practice counts when the line is where that partial practice is
  (a README describing the model without its metrics, a mostly pinned requirements file);
- ``near``: an import, a dependency line, a constructor or set-up line before the working call, a
  heading or mention next to the practice, a line in the right file that is not itself the practice;
- ``unsupported``: it does not support the claim.

These are the issue's three classes (at the line that carries the practice / at an import, a
dependency line or a constructor near it / at something that does not support the claim). Round 7
re-judged every cited first line under this wording (reviewers R7a-R7i; the rounds before had said
"practice" without the partial-practice sentence, and some reviewers had counted a partial practice
as "near"), so one rule text stands behind every verdict; a second reviewer judged 60 random lines
again (``scan_corpus/review_agreement.json``).

The reviewer sees the criterion, not the scan's answer, so a line cited for a `partial` answer is judged
against the whole practice. A second pass shows the claim (round 9): for each first line of a `partial`
answer the reviewer is told "the scan claims part of this practice" (never its reason, the labels, or
the first verdict) and judges whether the line carries that part out. Those verdicts live apart
(``<labels>/../reviews_claimed/``) and decide a `partial` line where they exist; a `yes` line keeps the
first verdict, since its claim is the whole criterion the first reviewer judged against.

Reviews are kept per repository beside the labels (``<labels>/../reviews/<owner>__<name>.json``),
keyed by criterion, path and line, so a line the scan still cites after a probe change keeps its
verdict and a new line waits for a reviewer (until then the label match decides, and the benchmark
prints how many lines that was).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

VERDICTS = ("practice", "near", "unsupported")
HOW = ("blind review: the reviewer saw the criterion's text and the cited line in its file, never the labels, the "
       "scan's reason or whether the line matched a label (benchmarks/_evidence_review.py)")
HOW_CLAIMED = ("blind review with the claim shown: the reviewer saw the criterion's text, the scan's answer (partial) "
               "and the cited line in its file, never the labels, the scan's reason, the first verdict or whether the "
               "line matched a label (benchmarks/_evidence_review.py)")
CONTEXT = 6  # lines shown either side of the cited line


class ReviewError(Exception):
    pass


@dataclass(frozen=True)
class Verdict:
    verdict: str
    why: str
    by: str


CLAIM_TEXT = {"partial": "The scan answers `partial` for this criterion: it claims part of the practice is there "
                         "(or declared or configured, not yet used or enforced), not the whole of it."}


def key(criterion: str, path: str, line: int | None, claim: str | None = None) -> str:
    """One cited line's identity: what a verdict is about (and, for a claim-shown verdict, the claim)."""
    name = f"{criterion}@{path}:{'' if line is None else line}"
    return f"{name}|claimed {claim}" if claim else name


def review_dir(labels: Path, claimed: bool = False) -> Path:
    return labels.resolve().parent / ("reviews_claimed" if claimed else "reviews")


def review_file(labels: Path, repo: str, claimed: bool = False) -> Path:
    return review_dir(labels, claimed) / f"{repo.replace('/', '__')}.json"


def load(file: Path, commit: str) -> dict[str, Verdict]:
    """One repository's verdicts; raise ReviewError('<field>: <why>') on the first problem."""
    if not file.is_file():
        return {}
    try:
        data = json.loads(file.read_text())
    except (OSError, ValueError) as err:
        raise ReviewError(f"(file): not readable JSON ({err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("lines"), dict):
        raise ReviewError("lines: must be an object keyed by 'criterion@path:line'")
    if data.get("commit") != commit:
        raise ReviewError(f"commit: {data.get('commit')!r} is not the labelled commit {commit}")
    out = {}
    for name, entry in data["lines"].items():
        if not isinstance(entry, dict) or entry.get("verdict") not in VERDICTS:
            raise ReviewError(f"lines.{name}.verdict: must be one of {', '.join(VERDICTS)}")
        if not str(entry.get("by", "")).strip():
            raise ReviewError(f"lines.{name}.by: says who reviewed it")
        out[name] = Verdict(entry["verdict"], str(entry.get("why", "")), str(entry["by"]))
    return out


def snippet(tree: Path, path: str, line: int | None) -> str:
    """The cited line with its neighbours, numbered like `cat -n`, the cited one marked with '>'."""
    try:
        lines = (tree / path).read_text(errors="replace").splitlines()
    except OSError:
        return "(file not readable)"
    if line is None:
        return "\n".join(f"  {n:>5}  {text[:160]}" for n, text in enumerate(lines[:2 * CONTEXT], 1))
    start, end = max(1, line - CONTEXT), min(len(lines), line + CONTEXT)
    return "\n".join(f"{'>' if n == line else ' '} {n:>5}  {lines[n - 1][:160]}" for n in range(start, end + 1))


def sheet_items(repo: str, commit: str, tree: Path, cited: dict[str, tuple[str, int | None]],
                reviewed: dict[str, Verdict], criteria: dict[str, str]) -> list[dict]:
    """What a reviewer still has to judge for one repository: blind (no label, no scan reason)."""
    items = []
    for criterion, (path, line) in sorted(cited.items()):
        name = key(criterion, path, line)
        if name in reviewed:
            continue
        items.append({"id": f"{repo}#{name}", "repo": repo, "commit": commit, "criterion": criterion,
                      "criterion_text": criteria.get(criterion, ""), "path": path, "line": line,
                      "context": snippet(tree, path, line)})
    return items


def claimed_sheet_items(repo: str, commit: str, tree: Path, cited: dict[str, tuple[str, int | None]],
                        answers: dict[str, str], reviewed: dict[str, Verdict], criteria: dict[str, str]) -> list[dict]:
    """The claim-shown pass: every first line of a `partial` answer not yet judged with its claim,
    blind to the labels, the scan's reason and the first verdict."""
    items = []
    for criterion, (path, line) in sorted(cited.items()):
        claim = answers.get(criterion)
        name = key(criterion, path, line, claim)
        if claim not in CLAIM_TEXT or name in reviewed:
            continue
        items.append({"id": f"{repo}#{name}", "repo": repo, "commit": commit, "criterion": criterion,
                      "criterion_text": criteria.get(criterion, ""), "claimed": claim, "claim_text": CLAIM_TEXT[claim],
                      "path": path, "line": line, "context": snippet(tree, path, line)})
    return items


def practice(criterion: str, location: tuple[str, int | None], claim: str,
             first: dict[str, Verdict], claimed: dict[str, Verdict]) -> bool | None:
    """Is a first line at the practice by review (None: no reviewer judged it)? A claim-shown verdict
    decides a `partial` line where there is one; otherwise the first reviewer's verdict does."""
    shown = claimed.get(key(criterion, *location, claim)) if claim in CLAIM_TEXT else None
    verdict = shown or first.get(key(criterion, *location))
    return None if verdict is None else verdict.verdict == "practice"


def add_verdicts(labels: Path, commits: dict[str, str], incoming: Path, claimed: bool = False) -> int:
    """Merge a reviewer's file (a JSON list of {id, verdict, why, by}) into the per-repository files
    (the claim-shown ones when `claimed`)."""
    try:
        entries = json.loads(incoming.read_text())
    except (OSError, ValueError) as err:
        raise ReviewError(f"{incoming}: (file): not readable JSON ({err})") from None
    if not isinstance(entries, list):
        raise ReviewError(f"{incoming}: (file): must be a JSON list")
    grouped: dict[str, dict[str, dict]] = {}
    for n, entry in enumerate(entries):
        ident = entry.get("id", "") if isinstance(entry, dict) else ""
        repo, sep, name = str(ident).partition("#")
        if not sep or repo not in commits:
            raise ReviewError(f"{incoming}: [{n}].id: {ident!r} names no labelled repository")
        if entry.get("verdict") not in VERDICTS:
            raise ReviewError(f"{incoming}: [{n}].verdict: must be one of {', '.join(VERDICTS)}")
        if not str(entry.get("by", "")).strip():
            raise ReviewError(f"{incoming}: [{n}].by: says who reviewed it")
        grouped.setdefault(repo, {})[name] = {"verdict": entry["verdict"], "why": str(entry.get("why", "")),
                                              "by": str(entry["by"])}
    for repo, lines in grouped.items():
        file = review_file(labels, repo, claimed)
        data = json.loads(file.read_text()) if file.is_file() else {
            "repo": repo, "commit": commits[repo], "how": HOW_CLAIMED if claimed else HOW, "lines": {}}
        data["lines"].update(lines)
        data["lines"] = dict(sorted(data["lines"].items()))
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return sum(len(lines) for lines in grouped.values())


@dataclass(frozen=True)
class Agreement:
    lines: int
    same_verdict: int
    same_practice: int  # both said "practice" or both did not
    kappa: float | None  # Cohen's kappa on practice / not practice


def agreement(file: Path, first: dict[str, Verdict]) -> Agreement | None:
    """How far a second blind reviewer's verdicts (`file`: {"lines": [{id, verdict, ...}]}) agree with
    the first ones (`first`: id -> verdict, ids as in a sheet): the reader's check that the reviewed
    measure is a judgement two people share, not one reviewer's taste."""
    if not file.is_file():
        return None
    pairs = [(first[e["id"]].verdict, e["verdict"]) for e in json.loads(file.read_text())["lines"] if e["id"] in first]
    if not pairs:
        return None
    n = len(pairs)
    same = sum(a == b for a, b in pairs)
    both = [(a == "practice", b == "practice") for a, b in pairs]
    observed = sum(a == b for a, b in both) / n
    p1, p2 = sum(a for a, _ in both) / n, sum(b for _, b in both) / n
    chance = p1 * p2 + (1 - p1) * (1 - p2)
    kappa = None if chance == 1 else round((observed - chance) / (1 - chance), 3)
    return Agreement(n, same, sum(a == b for a, b in both), kappa)
