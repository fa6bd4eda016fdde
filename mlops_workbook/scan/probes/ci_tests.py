"""CI that runs the tests on every change, on any CI system, and whether a failing test fails the job."""

from __future__ import annotations

import re
from dataclasses import replace

from ..collector import RawResults
from ..findings import Finding
from . import ml_tests
from ._ci import ci_commands, located
from ._util import findings

ID = "ci-tests"
SHORT = ("A CI step (GitHub Actions, GitLab CI, Azure Pipelines, Cloud Build, CircleCI, Jenkins, Buildkite, ...) "
         "that runs tests (`pytest`, `tox`, `nox`, `unittest`, `make test`), directly or through the make target "
         "or script it calls; a step that cannot fail the job (`|| true`, `continue-on-error`) counts as partial; it speaks "
         "for the ML code's unit tests only when `ml-tests` finds tests of the ML code (not placeholders) to run")
CRITERIA = {"deploy-1-basic-cicd": "yes", "model-1-unit-tests": "enforced"}
REMEDIATION = "Add a CI workflow that installs the project and runs pytest on every push and pull request, and let a failure fail the job."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

TESTS = re.compile(r"\b(?:pytest|py\.test|tox|nox|python3?\s+-m\s+unittest|hatch\s+(?:run\s+)?test|"
                   r"poetry\s+run\s+pytest|npm\s+test|go\s+test)\b(?!-)")  # not `tox-travis`, `pytest-cov`
# Installing a test runner is not running it, whether the line is a bare command or a key's value
# (Travis `install: pip install -U tox-travis`).
_INSTALL = re.compile(r"^(?:[\w-]+:\s*)?(?:pip3?\s|uv\s+(?:pip|add)\b|conda\s|python3?\s+-m\s+pip\b|poetry\s+add\b)")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive, weak = [], []
    for command in ci_commands(raw):
        if _INSTALL.match(command.text) or not TESTS.search(command.text):
            continue  # installing pytest is not running it
        (positive if command.can_fail else weak).append(located(command, "CI runs tests"))

    def checks_a_deployment(loc) -> bool:
        """A step that tests a deployed model or endpoint (its command or the arguments below it say so):
        not the unit tests of the ML code, so after those."""
        window = " ".join(raw.line(loc.path, n) for n in range(loc.line or 1, (loc.line or 1) + 3)) if loc.line else ""
        return bool(_DEPLOYED.search(window))

    found = findings(ID, (), sorted(weak, key=checks_a_deployment), enforced=sorted(positive, key=checks_a_deployment))
    # CI that runs tests is unit testing of the ML code only when there are such tests to run: with only
    # placeholders or tests of other code, the same step says the pipeline tests, not that the model code is.
    if not any(f.outcome == "positive" for f in ml_tests.run(raw)):
        found = [replace(f, criterion="deploy-1-basic-cicd") for f in found]
    return found


_DEPLOYED = re.compile(r"deploy|endpoint|smoke|integration|e2e|artifact|serving", re.IGNORECASE)
