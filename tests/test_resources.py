"""The package's own files live inside it, are shipped as package data, and are named in one module."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib

from mlops_workbook import resources

from .conftest import ROOT
from .test_html import _strings

PACKAGE = ROOT / "mlops_workbook"
NOTEBOOK_NAME = re.compile(r"\b0\d_[a-z_]+\.ipynb\b")


def test_every_bundled_file_is_there():
    assert resources.missing() == []
    assert len(resources.sample_answer_files()) >= 7
    assert {p.stem for p in resources.RUBRICS.glob("*.yaml")} >= {"mlops-maturity", "quick-check"}
    assert sorted(p.name for p in resources.NOTEBOOKS.glob("*.ipynb")) == sorted(resources.ALL_NOTEBOOKS)


def test_every_bundled_file_is_package_data():
    """What `resources` names is matched by pyproject's package-data (else `pip install .` leaves it out)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["mlops_workbook"]
    shipped = {p for pattern in patterns for p in resources.PACKAGE.glob(pattern)}
    needed = [resources.VOILA_CONFIG, resources.COSTS, resources.schema("rubric.schema.json"),
              *(resources.notebook(n) for n in resources.ALL_NOTEBOOKS), *resources.RUBRICS.glob("*.yaml"),
              *resources.sample_answer_files(), *resources.TEMPLATES.rglob("*.j2")]
    assert [p for p in needed if p not in shipped] == []


def test_the_repository_paths_are_symlinks_into_the_package():
    for top, inside in (("notebooks", "mlops_workbook/notebooks"), ("rubrics", "mlops_workbook/rubrics"),
                        ("voila.json", "mlops_workbook/voila.json"),
                        ("data/sample_answers", "mlops_workbook/sample_answers")):
        assert (ROOT / top).is_symlink(), top
        assert (ROOT / top).resolve() == (ROOT / inside).resolve(), top
    # Binder's and the Hub's URL voila/render/notebooks/01_assessment.ipynb resolves from the repository root
    assert (ROOT / "notebooks" / resources.ASSESSMENT_NOTEBOOK).is_file()


def _code_strings(path):
    """String constants of a module that are not docstrings (test_html's reader, values only)."""
    return [value for _, value in _strings(path)]


def test_notebook_file_names_are_written_only_in_resources():
    holders = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
                     if any(NOTEBOOK_NAME.search(s) for s in _code_strings(p)))
    assert holders == ["resources.py"]


def test_unknown_notebook_is_refused():
    import pytest

    with pytest.raises(KeyError, match="not a bundled notebook"):
        resources.notebook("99_missing.ipynb")


def test_nbval_collects_each_notebook_once():
    """The notebooks are reachable as notebooks/ (a symlink) and mlops_workbook/notebooks/: one collection."""
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           str(ROOT)], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    collected = [line for line in proc.stdout.splitlines() if ".ipynb::" in line]
    assert collected, proc.stdout[-2000:] + proc.stderr[-2000:]
    for name in resources.ALL_NOTEBOOKS:
        items = [line for line in collected if f"{name}::" in line]
        assert items and len(items) == len({line.split("::", 1)[1] for line in items}), items  # each cell once
