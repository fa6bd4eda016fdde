"""Tests of ML code: test files that exercise data, features, training or model code."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings

ID = "ml-tests"
SHORT = ("pytest/unittest files (`test_*.py`, `*_test.py`) that import ML libraries or the project's "
         "model, training, feature or data code")
CRITERIA = {"model-1-unit-tests": "yes"}
REMEDIATION = "Test feature code, preprocessing and the training entry point with pytest, and run them on every change."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

ML_MODULES = frozenset({
    "sklearn", "torch", "tensorflow", "keras", "xgboost", "lightgbm", "catboost", "transformers", "pandas",
    "numpy", "jax", "statsmodels", "pyspark", "polars", "mlflow", "datasets", "scipy",
})
_PROJECT_ML = re.compile(
    r"^[ \t]*(?:from|import)[ \t]+[\w.]*\b(?:model|models|train|training|trainer|features?|preprocess\w*|"
    r"pipeline|predict\w*|inference|data|dataset|etl|transform\w*|evaluate|evaluation|drift|metrics|scoring)\b",
    re.MULTILINE)


def _is_test_file(path: str, name: str) -> bool:
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def run(raw: RawResults) -> list[Finding]:
    tests = [f.path for f in raw.files if _is_test_file(f.path, f.name)]
    test_set = set(tests)
    positive: list[Location] = []
    by_file: dict[str, Location] = {}
    for loc in raw.grep(_PROJECT_ML, tests):  # the project's own model/data code first: the telling import
        by_file[loc.path] = Location(loc.path, loc.line, f"test imports project code: {loc.detail}")
    for module in sorted(ML_MODULES):
        for loc in raw.imports.get(module, ()):
            if loc.path in test_set and loc.path not in by_file:
                by_file[loc.path] = Location(loc.path, loc.line, f"test imports {module}")
    positive = [by_file[p] for p in sorted(by_file)]
    weak = [Location(p, None, "test file (no ML code seen)") for p in tests if p not in by_file]
    return findings(ID, positive, weak)
