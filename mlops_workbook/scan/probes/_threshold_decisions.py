"""Where a metric threshold decides a model's release without failing the run.

Why: a gate need not raise. Real pipelines route the decision instead: an `if` on a metric that sets
`decision = "DEPLOY"` (an Airflow branch picks it up), `stage = "Production" if auc >= bar else
"Staging"` handed to the registry, or a small predicate (`def model_passes(...): return mae < max_mae`,
a ZenML `deployment_trigger` step) whose answer alone lets the model be promoted or deployed. Each is
an automated validation; a predicate nobody acts on, or a decision that only prints, is not.
"""

from __future__ import annotations

import re

from ..findings import Location

METRIC = r"(?:auc|accuracy|acc|f1|precision|recall|rmse|mae|mse|r2|score|metric\w*|loss)"
# A metric is a name, its start or its end: `auc`, `test_acc`, `auc_improvement`, `self.model_mae`.
METRIC_NAME = rf"\b(?:\w+_)?{METRIC}(?:_\w+)?\b"
# A metric compared with something: `new_auc >= bar`, `self.model_mae < self.max_mae`, `f1_score >= config.min_f1`.
_COMPARISON = re.compile(rf"{METRIC_NAME}[^\n<>=]*[<>]=?|[<>]=?[^\n<>=]*{METRIC_NAME}", re.IGNORECASE)
# What acting on the decision looks like: registering, promoting or deploying the model.
RELEASE = re.compile(r"\b(?:register_model|create_model_version|transition_model_version_stage|"
                     r"set_registered_model_alias|add_version_aliases)\s*\(|\bModel\.(?:register|upload)\s*\(|"
                     r"\b\w*(?:promote|deploy)\w*\s*\(", re.IGNORECASE)
# A decision kept as a word: `decision = "DEPLOY"`, `stage = "Production"`, `return 'deploy_model'` (a branch's task).
DECISION_WORD = re.compile(r"""^\s*(?:[\w.\[\]'"]+\s*=|return)\s*[rfb]?["'][^"'\n]*"""
                           r"""(?:deploy|promot|production|champion)""", re.IGNORECASE)
_TERNARY = re.compile(r"^[ \t]*(\w+)[ \t]*=[ \t]*(?P<yes>[^\n]+?)[ \t]+if[ \t]+(?P<test>[^\n]+?)[ \t]+else[ \t]+"
                      r"(?P<no>[^\n]+)$")
_DEF = re.compile(r"^([ \t]*)def[ \t]+(\w+)[ \t]*\(")
_RETURN = re.compile(r"^[ \t]*return[ \t]+(.+)$")
PREDICATE_LINES = 60  # how far a predicate's body is read
USE_LINES = 12  # how far below a decision its release is looked for, and how far an `if`'s branches are read


def ternary_decisions(lines: list[str], path: str) -> list[Location]:
    """`stage = "Production" if auc >= bar else "Staging"`, its name handed to a release call below."""
    found = []
    for row, line in enumerate(lines):
        match = _TERNARY.match(line)
        if not match or not _COMPARISON.search(match["test"]):
            continue
        name, sides = match.group(1), match["yes"] + " " + match["no"]
        handed = any(RELEASE.search(below) and re.search(rf"\b{name}\b", below)
                     for below in lines[row + 1: row + 1 + USE_LINES])
        if handed or re.search(r"deploy|promot|production|champion", sides, re.IGNORECASE):
            found.append(Location(path, row + 1, f"a threshold picks the model's stage: {line.strip()[:60]}"))
    return found


def predicate_gates(lines: list[str], path: str) -> list[Location]:
    """A function or property that answers a metric comparison, whose answer someone releases on: an `if`
    on it (directly, or kept in a name) with a release in its branch, or its result handed to a deployer."""
    found = []
    for row, name, comparison in _predicates(lines):
        if _released_on(lines, name, row):
            found.append(Location(path, comparison + 1, f"a threshold decides the release ({name}): "
                                                        f"{lines[comparison].strip()[:60]}"))
    return found


def _predicates(lines: list[str]) -> list[tuple[int, str, int]]:
    """(def row, name, row of its comparison) for each function whose return is a metric comparison, or
    the answer of such a function (`return all([self._model_has_ok_mae(), ...])`, one level)."""
    bodies = []
    for row, line in enumerate(lines):
        match = _DEF.match(line)
        if not match:
            continue
        indent, body = len(match.group(1)), []
        start = _statement_rows(lines, row)[-1] + 1  # below a signature over several lines
        for below in range(start, min(start + PREDICATE_LINES, len(lines))):
            text = lines[below]
            if text.strip() and len(text) - len(text.lstrip()) <= indent:
                break
            body.append(below)
        bodies.append((row, match.group(2), body))
    out = [(row, name, hit) for row, name, body in bodies
           if (hit := _returned_comparison(lines, body)) is not None]
    for row, name, body in bodies:
        returns = " ".join(lines[s] for r in body if _RETURN.match(lines[r]) for s in _statement_rows(lines, r))
        inner = next((hit for _, other, hit in out if other != name and re.search(rf"\b{other}\b", returns)), None)
        if inner is not None and all(name != known for _, known, _ in out):
            out.append((row, name, inner))
    return out


def _returned_comparison(lines: list[str], body: list[int]) -> int | None:
    """The row of the metric comparison a body returns: in the `return` itself, or in the name it returns."""
    for row in body:
        match = _RETURN.match(lines[row])
        if not match:
            continue
        value = match.group(1).strip()
        hit = next((r for r in _statement_rows(lines, row) if _COMPARISON.search(lines[r])), None)
        if hit is not None:
            return hit
        if re.fullmatch(r"\w+", value):  # `return decision`, the comparison kept above
            for kept in body:
                if kept < row and re.match(rf"^\s*{value}\s*=(?!=)", lines[kept]):
                    rows = _statement_rows(lines, kept)
                    hit = next((r for r in rows if _COMPARISON.search(lines[r])), None)
                    if hit is not None:
                        return hit
    return None


def _released_on(lines: list[str], name: str, defined: int) -> bool:
    """Does the file release the model on `name`'s answer?"""
    use = re.compile(rf"\b{name}\b")
    for row, line in enumerate(lines):
        if row == defined or not use.search(line) or _DEF.match(line):
            continue
        stripped = line.strip()
        if stripped.startswith(("if ", "elif ")) and any(RELEASE.search(b) for b in branches(lines, row)):
            return True
        kept = re.match(r"^\s*(\w+)\s*=(?!=)", line)
        if kept:
            holder = kept.group(1)
            for below in range(row + 1, min(row + 1 + USE_LINES, len(lines))):
                text = lines[below]
                if re.match(rf"^\s*(?:el)?if\b[^\n]*\b{holder}\b", text) and any(RELEASE.search(b)
                                                                               for b in branches(lines, below)):
                    return True
                if RELEASE.search(text) and re.search(rf"\(\s*{holder}\b|\b\w+\s*=\s*{holder}\b", text):
                    return True
    return False


def branches(lines: list[str], row: int) -> list[str]:
    """The lines of the `if` at `row` and of its `elif`/`else` branches (up to USE_LINES): what runs on
    either side of the threshold."""
    indent = len(lines[row]) - len(lines[row].lstrip())
    body = []
    for line in lines[row + 1: row + 1 + USE_LINES]:
        stripped = line.strip()
        if stripped and len(line) - len(line.lstrip()) <= indent and not re.match(r"(?:elif\b|else\s*:)", stripped):
            break
        body.append(line)
    return body


def _statement_rows(lines: list[str], row: int) -> list[int]:
    """The rows of the statement starting at `row`, over its open brackets (at most USE_LINES)."""
    rows, depth = [], 0
    for below in range(row, min(row + USE_LINES, len(lines))):
        rows.append(below)
        depth += sum(lines[below].count(c) for c in "([{") - sum(lines[below].count(c) for c in ")]}")
        if depth <= 0:
            break
    return rows
