"""Automated validation that can block a release: a metric threshold that fails the run, enforced when CI runs it."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._ci import Command, ci_callers, located, tests_run_by_ci
from ._threshold_decisions import (DECISION_WORD, METRIC, METRIC_NAME, RELEASE, branches, predicate_gates,
                                   ternary_decisions)
from ._util import findings, is_test_code

ID = "quality-gate"
SHORT = ("A metric threshold that fails the step: `raise`/`sys.exit`/`assert`/`run.parent.cancel()` when a metric is "
         "below its threshold, or a threshold (or a comparison kept in a name and tested, a stage picked by it, a metric "
         "predicate such as a ZenML `deployment_trigger`, a `decision = \"DEPLOY\"` branch) that alone lets the model be "
         "registered, promoted or deployed, "
         "`mlflow.evaluate(validation_thresholds=...)`, TFMA `value_threshold`, a SageMaker `ConditionStep` with a "
         "`FailStep`, a test that asserts a metric clears a bar (or a Deepchecks check's `passed_conditions()`) run by "
         "CI; `enforced` when a CI step that can fail the job runs it")
CRITERIA = {"deploy-2-automated-validation": "enforced"}
REMEDIATION = "Fail the pipeline when the candidate's metrics fall below agreed thresholds, in the CI step that deploys."
EFFORT = "medium"

_IF_BELOW = re.compile(rf"^[ \t]*if\b[^\n]*{METRIC_NAME}[^\n]*[<>]=?[^\n]*:[ \t\r]*(?:#[^\n]*)?$",
                       re.IGNORECASE | re.MULTILINE)
# What stops the run: an exception, a non-zero exit, an assertion, or cancelling the pipeline run
# (Azure ML's `Run.cancel()`, as `run.parent.cancel()` from a pipeline step).
_FAIL = re.compile(r"^\s*(?:raise\b|sys\.exit\(\s*[1-9]|exit\(\s*[1-9]|assert\b|\w*run\w*(?:\.parent)?\.cancel\(\s*\))")
# What a threshold can guard instead of failing: registering, promoting or deploying the model (MLflow,
# Azure ML, SageMaker, Vertex, a project's own `promote_to_prod()`), so that only a model above the bar ships.
_REGISTER = RELEASE
# A comparison kept in a name, then tested: `wins = (m_new < m_champ)` ... `if wins:` before the registration.
_KEPT = re.compile(r"^[ \t]*(\w+)[ \t]*=(?!=)[ \t]*([^\n]*[<>][^\n]*|\()[ \t]*$", re.MULTILINE)
_COMPARES = re.compile(r"\b\w+\s*[<>]=?\s*\w")
KEPT_LINES = 6  # how far below the comparison its `if` is looked for
_DECLARED = re.compile(r"\bvalidation_thresholds\s*=|\bvalue_threshold\s*=|\bGenericValueThreshold\s*\(|\bFailStep\s*\(|"
                       r"\bConditionStep\s*\(")
_METRIC_NAME = re.compile(rf"\b(?:\w+_)?{METRIC}\b|\bm_\w+|\beval\w*", re.IGNORECASE)
_ASSERT_METRIC = re.compile(rf"^\s*assert\b[^\n]*\b{METRIC}\b[^\n]*[<>]=?", re.IGNORECASE | re.MULTILINE)


_DECLARED_NEEDLES = ("threshold", "FailStep", "ConditionStep")
_FAIL_NEEDLES = ("raise", "exit(", "assert", ".cancel(", "register", "create_model_version", "transition_model_version_stage",
                 "Model.upload", "add_version_aliases", "set_registered_model_alias", "romot", "eploy", "roduction",
                 "hampion", "PROMOT", "DEPLOY")


def _gates(raw: RawResults, path: str) -> list[Location]:
    """The places in one file where a metric threshold can stop the run."""
    text = raw.text(path)
    found = raw.grep(_DECLARED, [path], detail="validation threshold", needles=_DECLARED_NEEDLES)
    if not any(needle in text for needle in _FAIL_NEEDLES):
        return found
    found += [loc for loc in raw.grep(_ASSERT_METRIC, [path], first_only=False, needles=("assert",))
              if "/test" not in f"/{path}"]
    lines = text.split("\n")
    for loc in raw.grep(_KEPT, [path], first_only=False, needles=("<", ">")):
        name = _KEPT.match(lines[loc.line - 1])
        value = name.group(2) if name else ""
        for extra in lines[loc.line: loc.line + 3]:  # a parenthesised value over a few lines
            if value.count("(") <= value.count(")"):
                break
            value += " " + extra.strip()
        if not name or not _COMPARES.search(value) or not _METRIC_NAME.search(value):
            continue
        for row in range(loc.line, min(loc.line + KEPT_LINES, len(lines))):
            if re.match(rf"^\s*if\s+\(?\s*{re.escape(name.group(1))}\s*\)?\s*:", lines[row]):
                if any(_REGISTER.search(line) for line in branches(lines, row)):
                    found.append(Location(path, loc.line, f"promotes the model only past a comparison: "
                                                          f"{lines[loc.line - 1].strip()[:60]}"))
                break
    for loc in raw.grep(_IF_BELOW, [path], first_only=False, needles=("if ",)):
        body = branches(lines, loc.line - 1)
        if any(_FAIL.match(line) for line in body):
            found.append(Location(path, loc.line, f"fails below a threshold: {loc.detail}"))
        elif any(_REGISTER.search(line) for line in body):
            found.append(Location(path, loc.line, f"registers the model only past a threshold: {loc.detail}"))
        elif any(DECISION_WORD.match(line) for line in body):
            found.append(Location(path, loc.line, f"a threshold decides the release: {loc.detail}"))
    return found + ternary_decisions(lines, path) + predicate_gates(lines, path)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    callers = ci_callers(raw)
    enforced, positive = [], []
    for f in raw.with_suffix(".py"):
        if is_test_code(f.path):
            continue
        for gate in _gates(raw, f.path):
            command = callers.get(f.path)
            if command is not None and command.can_fail:
                enforced.append(located(Command(gate, command.text, True, via=command.location.ref()),
                                        "CI runs a quality gate"))
            else:
                positive.append(gate)
    for path, command in tests_run_by_ci(raw).items():  # a test that fails below a metric bar, run by CI
        gates = raw.grep(_TEST_GATE, [path], first_only=False, needles=("assert",))
        if "add_condition_" not in raw.text(path):  # a Deepchecks check with no condition always passes them
            gates = [g for g in gates if "passed_conditions" not in raw.line(g.path, g.line)]
        for gate in sorted(gates, key=lambda loc: not _QUALITY_TEST.search(_test_name(raw, loc))):
            gate = Location(gate.path, gate.line, f"a test fails below a threshold: {gate.detail}")
            if command.can_fail:
                enforced.append(located(Command(gate, command.text, True, via=command.location.ref()),
                                        "CI runs a model-quality test"))
            else:
                positive.append(gate)
    return findings(ID, sorted(positive, key=_rank), enforced=sorted(enforced, key=_rank))


# In a test file: an assertion that a model's metric clears a bar (`assert accuracy >= 0.9`), or that a
# Deepchecks model check passed its conditions (`assert result.passed_conditions()`, where the file adds some:
# a check built without `add_condition_...` has none, and passes them whatever the model).
_TEST_GATE = re.compile(rf"^\s*assert\b[^\n]*(?:\b(?:\w+_)?{METRIC}\b[^\n]*[<>]=?\s*(?:\d|[A-Za-z_])|"
                        r"\.passed_conditions\s*\(\s*\))", re.IGNORECASE | re.MULTILINE)
# The tests about the model's quality first (not its inference time or its file size).
_QUALITY_TEST = re.compile(r"perform|accura|auc|f1|score|metric|compar|baseline|precision|recall|error|loss", re.IGNORECASE)
_TEST_DEF = re.compile(r"^\s*def\s+(test\w*)")


def _test_name(raw: RawResults, loc: Location) -> str:
    """The name of the test function an assertion sits in ("" at module level)."""
    for number in range(loc.line or 0, 0, -1):
        match = _TEST_DEF.match(raw.line(loc.path, number))
        if match:
            return match.group(1)
    return ""


_BAR = re.compile(r"[<>]=?\s*(?:\d|[A-Z][A-Z0-9_]*\b)")


def _rank(gate: Location) -> tuple[bool, bool]:
    """A fixed bar (a number or a constant) before a comparison between two models, and a threshold that
    fails the run before one that only decides registration: the first is the validation itself."""
    return not _BAR.search(gate.detail), "registers the model" in gate.detail
