"""Notebooks are committed clean, thin, and the report notebook is papermill-ready."""

from __future__ import annotations

import nbformat
import pytest

from .conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 1  # a glob over zero notebooks would pass every test below silently


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: strip outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_thin(path):
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert sum(len(src.splitlines()) for src in code) <= 30, "logic belongs in mlops_workbook"
    assert any("mlops_workbook" in src for src in code)


def test_report_notebook_has_one_parameters_cell():
    nb = nbformat.read(ROOT / "notebooks" / "03_report.ipynb", as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code is tagged[0]
    names = [line.split("=")[0].strip() for line in tagged[0].source.splitlines() if "=" in line]
    from mlops_workbook.report.params import PARAMETER_NAMES

    assert names == list(PARAMETER_NAMES) and names[-2:] == ["costs", "replay"]


def test_papermill_sees_the_parameters():
    from papermill.inspection import inspect_notebook

    params = inspect_notebook(str(ROOT / "notebooks" / "03_report.ipynb"))
    assert set(params) == {"answers_path", "rubric", "target_level", "scenario", "seed", "include_simulation", "costs",
                           "replay"}
    assert params["scenario"]["default"] == "\"\"" and params["replay"]["default"] == "\"\""  # "": the context, the loan book
    assert params["target_level"]["default"] == "None"
