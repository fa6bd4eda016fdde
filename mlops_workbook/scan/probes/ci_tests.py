"""CI that runs the tests on every change: GitHub Actions, GitLab CI, Jenkins, Azure, CircleCI and others."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._ci import ci_files
from ._util import file_locations, findings

ID = "ci-tests"
SHORT = ("CI configuration (`.github/workflows/*.yml`, `.gitlab-ci.yml`, `Jenkinsfile`, `azure-pipelines.yml`, "
         "CircleCI) with a step that runs tests (`pytest`, `tox`, `nox`, `unittest`, `make test`)")
CRITERIA = {"deploy-1-basic-cicd": "yes", "model-1-unit-tests": "partial"}
REMEDIATION = "Add a CI workflow that installs the project and runs pytest on every push and pull request."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

_TESTS = re.compile(r"\b(?:pytest|py\.test|tox|nox|unittest|make\s+test\w*|hatch\s+(?:run\s+)?test|"
                    r"poetry\s+run\s+pytest|npm\s+test)\b")


def run(raw: RawResults) -> list[Finding]:
    files = ci_files(raw)
    positive = raw.grep(_TESTS, files)
    ran = {loc.path for loc in positive}
    return findings(ID, positive, file_locations([f for f in files if f.path not in ran], "CI without a test step"))
