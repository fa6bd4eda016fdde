from __future__ import annotations

import subprocess
import sys

import mlops_workbook


def test_all_is_sorted_and_importable():
    assert mlops_workbook.__all__ == sorted(mlops_workbook.__all__)
    for name in mlops_workbook.__all__:
        assert getattr(mlops_workbook, name) is not None, name


def test_import_is_light():
    code = "import sys, mlops_workbook; print('pandas' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_logic_modules_import_no_widgets():
    code = ("import sys; import mlops_workbook.assessment.scoring, mlops_workbook.simulation, mlops_workbook.drift.table, "
            "mlops_workbook.gating; print('ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
