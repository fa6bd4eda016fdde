"""Every environment variable is declared once in `settings`, read only through it, and documented from it."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import pytest

from mlops_workbook import settings
from mlops_workbook.errors import WorkbookError

from .conftest import ROOT

PACKAGE = ROOT / "mlops_workbook"
# Functions that build a child's environment from this process's: passing it on, not reading a setting.
PASSES_ENVIRONMENTS = {("report/kernel_pool.py", "__init__"), ("report/batch.py", "clean_environment"),
                       ("settings.py", "_raw"), ("settings.py", "is_set"), ("settings.py", "thread_limits")}


def _environ_uses() -> list[tuple[str, str, int]]:
    """(module, enclosing function, line) of every `os.environ` / `os.getenv` / `environ` in the package."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(PACKAGE).as_posix()

        def visit(node: ast.AST, func: str, rel: str = rel) -> None:
            for child in ast.iter_child_nodes(node):
                name = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else func
                if isinstance(child, ast.Attribute) and child.attr in ("environ", "getenv", "environb"):
                    found.append((rel, func, child.lineno))
                if isinstance(child, ast.ImportFrom) and child.module == "os" and any(
                        a.name in ("environ", "getenv") for a in child.names):
                    found.append((rel, func, child.lineno))
                visit(child, name, rel)

        visit(tree, "<module>")
    return found


def test_only_settings_reads_the_environment():
    uses = _environ_uses()
    assert uses, "the scan found no use at all: it is not looking"
    readers = [u for u in uses if (u[0], u[1]) not in PASSES_ENVIRONMENTS]
    assert readers == [], "read environment variables through mlops_workbook.settings"


def test_every_declared_variable_is_named_once_in_the_package():
    """A variable's name appears as a literal only in settings.py (the answers folder's was in three modules)."""
    for s in settings.SETTINGS:
        if s.source != "ours":
            continue
        holders = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
                   if f'"{s.name}"' in p.read_text(encoding="utf-8")]
        assert holders == ["settings.py"], (s.name, holders)


def test_declarations_are_complete():
    names = [s.name for s in settings.SETTINGS]
    assert len(names) == len(set(names))
    for s in settings.SETTINGS:
        assert s.type in ("path", "paths", "text", "seconds", "flag") and s.meaning and s.default
        assert s.source in ("ours", "voila", "mlflow")
        assert s.name.startswith("MLOPS_WORKBOOK_") == (s.source == "ours")
        assert s.name.startswith("MLFLOW_") == (s.source == "mlflow")


def test_readme_settings_table_is_generated():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings.markdown_table() in readme, "regenerate: python -m mlops_workbook.settings --markdown"


def test_markdown_entry_point():
    out = subprocess.run([sys.executable, "-m", "mlops_workbook.settings", "--markdown"], capture_output=True,
                         text=True, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    assert out.strip() == settings.markdown_table()


def test_folders_default_under_the_current_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(settings.ANSWERS_DIR, raising=False)
    monkeypatch.delenv(settings.REPORTS_DIR, raising=False)
    monkeypatch.chdir(tmp_path)
    assert settings.answers_dir().resolve() == tmp_path / "answers"
    assert settings.reports_dir().resolve() == tmp_path / "reports"
    monkeypatch.setenv(settings.ANSWERS_DIR, str(tmp_path / "shared"))
    assert settings.answers_dir() == tmp_path / "shared"
    assert settings.answers_dir(tmp_path / "given") == tmp_path / "given"  # an explicit folder wins


def test_folders_never_default_into_site_packages(monkeypatch, tmp_path):
    """A kernel started in an installed package's notebooks folder writes under the home folder instead."""
    monkeypatch.delenv(settings.ANSWERS_DIR, raising=False)
    monkeypatch.delenv(settings.REPORTS_DIR, raising=False)
    inside = tmp_path / "venv" / "lib" / "python3.11" / "site-packages" / "mlops_workbook" / "notebooks"
    inside.mkdir(parents=True)
    monkeypatch.chdir(inside)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert settings.answers_dir() == tmp_path / "home" / "mlops-workbook" / "answers"
    assert settings.reports_dir() == tmp_path / "home" / "mlops-workbook" / "reports"


def test_typed_accessors(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.RUBRICS, os.pathsep.join([str(tmp_path / "a"), "", str(tmp_path / "b")]))
    assert settings.rubric_dirs() == [tmp_path / "a", tmp_path / "b"]
    monkeypatch.setenv(settings.REPORT_TIMEOUT, "12.5")
    assert settings.report_timeout() == 12.5
    monkeypatch.delenv(settings.ROLE, raising=False)
    assert settings.role() == "alone"
    monkeypatch.setenv(settings.VOILA_BASE_URL, "/user/x")
    assert settings.base_url() == "/user/x/"
    monkeypatch.delenv(settings.VOILA_KERNEL_ID, raising=False)
    monkeypatch.setenv(settings.VOILA_PREHEAT, "")  # Voila's flag counts when present, even empty
    assert settings.in_voila() and settings.preheated()


@pytest.mark.parametrize("value", ["soon", "0", "-3"])
def test_a_bad_timeout_names_the_variable(monkeypatch, value):
    monkeypatch.setenv(settings.REPORT_TIMEOUT, value)
    with pytest.raises(WorkbookError, match=f"^{settings.REPORT_TIMEOUT}: expected a positive number"):
        settings.report_timeout()


def test_undeclared_names_cannot_be_read():
    with pytest.raises(KeyError, match="not a declared setting"):
        settings.text("MLOPS_WORKBOOK_SOMETHING_NEW")


def test_thread_limits_keep_explicit_values():
    env = settings.thread_limits({"OMP_NUM_THREADS": "4"})
    assert env["OMP_NUM_THREADS"] == "4" and env["OPENBLAS_NUM_THREADS"] == "1"
    assert set(settings.THREAD_LIMITS) <= set(env)


def test_no_module_reaches_outside_the_package():
    """No `Path(__file__).parent.parent...` (a checkout is not an install): files are found through `resources`.
    The scenarios module's `__main__` is the exception: it regenerates the checkout's data/ on purpose."""
    offenders = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
                 if ".parent.parent" in p.read_text(encoding="utf-8") and "__file__" in p.read_text(encoding="utf-8")]
    assert offenders == ["simulation/scenarios.py"]

