"""Automated validation that can block a release: a metric threshold that fails the run, enforced when CI runs it."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._ci import Command, ci_callers, located
from ._util import findings

ID = "quality-gate"
SHORT = ("A metric threshold that fails the step: `raise`/`sys.exit`/`assert` when a metric is below its threshold, "
         "`mlflow.evaluate(validation_thresholds=...)`, TFMA `value_threshold`, a SageMaker `ConditionStep` with a "
         "`FailStep`; `enforced` when a CI step that can fail the job runs it")
CRITERIA = {"deploy-2-automated-validation": "enforced"}
REMEDIATION = "Fail the pipeline when the candidate's metrics fall below agreed thresholds, in the CI step that deploys."
EFFORT = "medium"

_METRIC = r"(?:auc|accuracy|acc|f1|precision|recall|rmse|mae|mse|r2|score|metric\w*|loss)"
_IF_BELOW = re.compile(rf"^\s*if\b[^\n]*\b{_METRIC}\b[^\n]*[<>]=?[^\n]*:\s*$", re.IGNORECASE | re.MULTILINE)
_FAIL = re.compile(r"^\s*(?:raise\b|sys\.exit\(\s*[1-9]|exit\(\s*[1-9]|assert\b)")
_DECLARED = re.compile(r"\bvalidation_thresholds\s*=|\bvalue_threshold\s*=|\bGenericValueThreshold\s*\(|\bFailStep\s*\(|"
                       r"\bConditionStep\s*\(")
_ASSERT_METRIC = re.compile(rf"^\s*assert\b[^\n]*\b{_METRIC}\b[^\n]*[<>]=?", re.IGNORECASE | re.MULTILINE)


_DECLARED_NEEDLES = ("threshold", "FailStep", "ConditionStep")
_FAIL_NEEDLES = ("raise", "exit(", "assert")


def _gates(raw: RawResults, path: str) -> list[Location]:
    """The places in one file where a metric threshold can stop the run."""
    text = raw.text(path)
    found = raw.grep(_DECLARED, [path], detail="validation threshold", needles=_DECLARED_NEEDLES)
    if not any(needle in text for needle in _FAIL_NEEDLES):
        return found
    found += [loc for loc in raw.grep(_ASSERT_METRIC, [path], first_only=False, needles=("assert",))
              if "/test" not in f"/{path}"]
    lines = text.split("\n")
    for loc in raw.grep(_IF_BELOW, [path], first_only=False, needles=("if ",)):
        body = lines[loc.line: loc.line + 4]
        if any(_FAIL.match(line) for line in body):
            found.append(Location(path, loc.line, f"fails below a threshold: {loc.detail}"))
    return found


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    callers = ci_callers(raw)
    enforced, positive = [], []
    for f in raw.with_suffix(".py"):
        if "/tests/" in f"/{f.path}" or f.name.startswith("test_"):
            continue
        for gate in _gates(raw, f.path):
            command = callers.get(f.path)
            if command is not None and command.can_fail:
                enforced.append(located(Command(gate, command.text, True, via=command.location.ref()),
                                        "CI runs a quality gate"))
            else:
                positive.append(gate)
    return findings(ID, positive, enforced=enforced)
