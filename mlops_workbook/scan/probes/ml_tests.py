"""Tests of ML code: test files that exercise data, features, training or model code."""

from __future__ import annotations

import ast
import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings, is_test_file, retired_folder

ID = "ml-tests"
SHORT = ("pytest/unittest files (`test_*.py`, `*_test.py`, `*_tests.py`; placeholder stubs ignored) that import ML libraries or the project's "
         "model, training, feature or data code; tests of other code are partial (a template's demonstration test and a "
         "`test_*.py` script run with argparse are ignored)")
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


def _placeholder(source: str) -> bool:
    """True when every test function only passes, asserts a constant (or constants compared) or is `...`: a template's stub
    (cookiecutter's `def test_code_is_tested(): assert False`) is no test of the ML code."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    tests = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
             and n.name.startswith("test")]
    if not tests:
        return False

    def constant(node: ast.expr) -> bool:
        if isinstance(node, ast.Compare):
            return all(isinstance(part, ast.Constant) for part in (node.left, *node.comparators))
        return isinstance(node, ast.Constant)

    def trivial(stmt: ast.stmt) -> bool:
        if isinstance(stmt, ast.Pass):
            return True
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            return True  # a docstring or `...`
        if isinstance(stmt, ast.Assert) and constant(stmt.test):
            return True  # `assert True`, `assert 1 == 1`
        if (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
                and isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr.startswith("assert")
                and stmt.value.args and all(constant(arg) for arg in stmt.value.args)):
            return True  # `self.assertEqual(1, 1)`, `self.assertTrue(True)`
        if isinstance(stmt, ast.Raise) and stmt.exc is not None and "NotImplementedError" in ast.unparse(stmt.exc):
            return True
        return False

    return all(all(trivial(stmt) for stmt in t.body) for t in tests)


_TEST_DEF = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(test\w*)", re.MULTILINE)
# Test names by what they exercise: training first, then the model's behaviour, then its data and features.
_ML_TIERS = (re.compile(r"train|fit", re.IGNORECASE),
             re.compile(r"model|predict|evaluat|infer|scor|classif|regress", re.IGNORECASE),
             re.compile(r"preprocess|feature|transform|drift|metric|data|pipeline|split", re.IGNORECASE))
_ML_CALL = re.compile(r"\.(?:evaluate|predict|predict_proba|score|fit)\s*\(")


def _test_site(source: str, found: Location) -> tuple[int, Location]:
    """Where a test file tests the ML code: its first test function about the model or the data (else its
    first test, else a model's evaluate/predict call in a script-style test), not the import that told us."""
    tests = list(_TEST_DEF.finditer(source))
    tiers = [[m for m in tests if tier.search(m.group(1))] for tier in _ML_TIERS]
    tier, chosen = next(((n, hits[0]) for n, hits in enumerate(tiers) if hits), (len(tiers), tests[0] if tests else None))
    if chosen is None:
        chosen = _ML_CALL.search(source)
        if chosen is None:
            return len(_ML_TIERS) + 1, found
        label = "test calls the model: " + " ".join(chosen.group(0).split())
    else:
        label = f"test of ML code: {chosen.group(1)}" if tier < len(tiers) else f"test: {chosen.group(1)}"
    line = source.count("\n", 0, chosen.start()) + 1
    return tier, Location(found.path, line, f"{label} ({found.detail.removeprefix('test ')})")


def _file_order(path: str, tier: int) -> tuple[int, bool, str]:
    """Test files whose cited test trains, then tests the model, then its data, first; then those in a tests folder."""
    in_tests = any(part.lower() in ("tests", "test") for part in path.split("/")[:-1])
    return (tier, not in_tests, path)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first; computed once per scan
    (ci-tests asks for it too)."""
    return list(raw.derived(_run))


def _run(raw: RawResults) -> tuple[Finding, ...]:
    tests = [f.path for f in raw.files if is_test_file(f.path) and not retired_folder(f.path)]
    test_set = set(tests)
    positive: list[Location] = []
    by_file: dict[str, Location] = {}
    for loc in raw.grep(_PROJECT_ML, tests):  # the project's own model/data code first: the telling import
        by_file[loc.path] = Location(loc.path, loc.line, f"test imports project code: {loc.detail}")
    for module in sorted(ML_MODULES):
        for loc in raw.imports.get(module, ()):
            if loc.path in test_set and loc.path not in by_file:
                by_file[loc.path] = Location(loc.path, loc.line, f"test imports {module}")
    stubs = {p for p in by_file if _placeholder(raw.text(p))}
    cited = {p: _test_site(raw.text(p), by_file[p]) for p in by_file if p not in stubs}
    positive = [loc for p, (_tier, loc) in sorted(cited.items(), key=lambda item: _file_order(item[0], item[1][0]))]
    # Tests of other code (helpers, infrastructure) are unit tests, not of the ML code: partial. A template's
    # demonstration test marked for replacement, and a script named test_* that runs by itself (argparse under
    # `__main__`: a smoke check of a deployed endpoint), are no tests of anything the team wrote.
    others = [p for p in tests if p not in by_file and _TEST_DEF.search(raw.text(p)) and not _placeholder(raw.text(p))
              and not _TEMPLATE_NOTE.search(raw.text(p)) and not _script(raw.text(p))]
    weak = []
    for path in others:
        tier, loc = _test_site(raw.text(path), Location(path, 1, "test"))
        weak.append((tier, Location(path, loc.line, f"{loc.detail.split(' (', 1)[0]} (tests other code than the ML code)")))
    weak.sort(key=lambda item: item[0])  # the test most about the model or its data first
    return tuple(findings(ID, positive, [loc for _tier, loc in weak], aside_is_evidence=True))  # tests are where ML tests live


_TEMPLATE_NOTE = re.compile(r"#[^\n]*\bshould be replaced\b", re.IGNORECASE)
_MAIN = re.compile(r"^if\s+__name__\s*==\s*['\"]__main__['\"]", re.MULTILINE)


def _script(source: str) -> bool:
    return bool(_MAIN.search(source)) and "argparse" in source
