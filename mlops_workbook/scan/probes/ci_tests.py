"""CI that runs the tests on every change, on any CI system, and whether a failing test fails the job."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._ci import ci_commands, located
from ._util import findings

ID = "ci-tests"
SHORT = ("A CI step (GitHub Actions, GitLab CI, Azure Pipelines, Cloud Build, CircleCI, Jenkins, Buildkite, ...) "
         "that runs tests (`pytest`, `tox`, `nox`, `unittest`, `make test`), directly or through the make target "
         "or script it calls; a step that cannot fail the job (`|| true`, `continue-on-error`) counts as partial")
CRITERIA = {"deploy-1-basic-cicd": "yes", "model-1-unit-tests": "enforced"}
REMEDIATION = "Add a CI workflow that installs the project and runs pytest on every push and pull request, and let a failure fail the job."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

TESTS = re.compile(r"\b(?:pytest|py\.test|tox|nox|python3?\s+-m\s+unittest|hatch\s+(?:run\s+)?test|"
                   r"poetry\s+run\s+pytest|npm\s+test|go\s+test)\b")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive, weak = [], []
    for command in ci_commands(raw):
        if command.text.startswith(("pip ", "pip3 ", "uv pip", "uv add", "conda ", "python -m pip", "python3 -m pip", "poetry add")) \
                or not TESTS.search(command.text):
            continue  # installing pytest is not running it
        (positive if command.can_fail else weak).append(located(command, "CI runs tests"))

    def checks_a_deployment(loc) -> bool:
        """A step that tests a deployed model or endpoint (its command or the arguments below it say so):
        not the unit tests of the ML code, so after those."""
        window = " ".join(raw.line(loc.path, n) for n in range(loc.line or 1, (loc.line or 1) + 3)) if loc.line else ""
        return bool(_DEPLOYED.search(window))

    return findings(ID, (), sorted(weak, key=checks_a_deployment), enforced=sorted(positive, key=checks_a_deployment))


_DEPLOYED = re.compile(r"deploy|endpoint|smoke|integration|e2e|artifact|serving", re.IGNORECASE)
