"""The report batch's simulation cache: one module owns its key, writer, reader and setting."""

from __future__ import annotations

import subprocess
import sys

from mlops_workbook import settings
from mlops_workbook.report import simcache

from ..conftest import ROOT


def test_written_once_read_by_key(tmp_path):
    result = {"stand-in": "any picklable result"}
    path = simcache.write(tmp_path, "concept-drift", 3, result)
    assert path == simcache.cache_file(tmp_path, "concept-drift", 3)
    assert simcache.read("concept-drift", 3, tmp_path) == result
    assert simcache.read("concept-drift", 4, tmp_path) is None  # another seed is another key
    assert simcache.read("none", 3, tmp_path) is None  # another scenario too
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp file left behind


def test_read_finds_the_folder_through_the_setting(tmp_path, monkeypatch):
    simcache.write(tmp_path, "none", 0, [1, 2])
    monkeypatch.delenv(settings.SIMULATION_CACHE, raising=False)
    assert simcache.read("none", 0) is None  # not under a batch: the report simulates itself
    monkeypatch.setenv(settings.SIMULATION_CACHE, str(tmp_path))
    assert simcache.read("none", 0) == [1, 2]


def test_a_child_environment_carries_the_folder(tmp_path):
    simcache.write(tmp_path, "none", 1, "from the parent")
    code = "from mlops_workbook.report import simcache; print(simcache.read('none', 1))"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **simcache.environment(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "from the parent"


def test_importing_the_cache_loads_no_simulation():
    code = ("import sys, mlops_workbook.report.simcache, mlops_workbook.report.params\n"
            "print(sorted(m for m in ('pandas', 'numpy', 'mlops_workbook.simulation') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]"


def test_the_report_notebook_declares_the_parameters_params_names():
    from papermill.inspection import inspect_notebook

    from mlops_workbook import resources
    from mlops_workbook.report.params import PARAMETER_NAMES, REPORT_SCENARIO

    params = inspect_notebook(str(resources.notebook(resources.REPORT_NOTEBOOK)))
    assert tuple(params) == PARAMETER_NAMES
    assert params["scenario"]["default"].strip("'\"") == REPORT_SCENARIO


def test_the_report_side_imports_nothing_from_the_server():
    """thread_limits lived in server.serve and the batch imported it: report sits below server."""
    import ast

    for path in sorted((ROOT / "mlops_workbook" / "report").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = ("." * node.level) + (node.module or "")
                assert "server" not in module.split("."), f"{path.name}:{node.lineno} imports {module}"
            elif isinstance(node, ast.Import):
                assert not any(".server" in a.name for a in node.names), f"{path.name}:{node.lineno}"
