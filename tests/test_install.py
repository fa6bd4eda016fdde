"""A non-editable install works from any folder: `report` and `serve` find their notebooks, rubrics and
voila.json inside the installed package, and write only under the folder they run in.

Before, the package reached into the checkout (`Path(__file__).parent.parent`): from an empty folder
`report` failed with "unknown rubric 'mlops-maturity' (known: none found)" and `serve` exited.

Offline and quick: the wheel is built from a copy of the sources, installed without dependencies into a
fresh venv (before anything else can be seen from it), and only then does the venv see the shared venv's
dependencies, through a .pth line and JUPYTER_PATH (Voila's and nbconvert's templates). The checkout is
never on the path: the test asserts that `mlops_workbook` imports from the fresh venv.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
from pathlib import Path

import pytest

from ._servers import foreign_references, free_port, stop
from .conftest import ROOT, SAMPLES

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("install")
    src = base / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "mlops_workbook", src / "mlops_workbook", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", "answers", "reports", ".ipynb_checkpoints"))
    # the caller's PYTHONPATH (a worktree's checkout) must not reach pip or the fresh venv
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "MLOPS_WORKBOOK_"))}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(base / "dist"), str(src)],
                   check=True, timeout=600, capture_output=True, env=clean)
    wheel = next((base / "dist").glob("mlops_workbook-*.whl"))
    target = base / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    # installed while the fresh venv sees nothing else, so pip never touches another environment
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                    "--quiet", str(wheel)], check=True, timeout=600, capture_output=True, env=clean)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "shared-venv-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = dict(clean)
    env.update(PATH=f"{target / 'bin'}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}", VIRTUAL_ENV=str(target),
               JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"))
    return {"bin": target / "bin", "site": Path(site), "env": env}


def _first_answer(url: str, proc: subprocess.Popen, log_path: Path, what: str,
                  seconds: float = 300) -> tuple[int, str]:
    """Poll `url` until the server started as `proc` answers (status, page); fail with its log's tail
    if it exits or does not answer within `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                return response.status, response.read().decode()
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not answer: {log_path.read_text()[-3000:]}")
            time.sleep(1)


def _empty(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def test_the_package_comes_from_the_wheel(installed, tmp_path):
    out = subprocess.run([str(installed["bin"] / "python"), "-c",
                          "import mlops_workbook.resources as r; print(r.PACKAGE); print(r.missing())"],
                         check=True, capture_output=True, text=True, env=installed["env"], cwd=_empty(tmp_path))
    package, missing = out.stdout.splitlines()
    assert Path(package) == installed["site"] / "mlops_workbook"
    assert missing == "[]"


def test_report_from_an_empty_folder(installed, tmp_path):
    cwd = _empty(tmp_path)
    proc = subprocess.run([str(installed["bin"] / "mlops-workbook"), "report", str(SAMPLES / "heron-analytics.json"),
                           "--out", "X", "--jobs", "1"], capture_output=True, text=True, env=installed["env"], cwd=cwd,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (cwd / "X" / "index.html").is_file()
    reports = [p for p in (cwd / "X").glob("*.html") if p.name != "index.html"]
    assert len(reports) == 1 and "MLOps maturity report: Heron Analytics" in reports[0].read_text(encoding="utf-8")
    assert sorted(p.name for p in cwd.iterdir()) == ["X"]  # nothing else written where it ran


def test_serve_from_an_empty_folder(installed, tmp_path):
    cwd = _empty(tmp_path)
    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([str(installed["bin"] / "mlops-workbook"), "serve", "--port", str(port), "--pool", "0"],
                                env=installed["env"], cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            # `/` is the static landing page now (no kernel): the assessment proves the notebooks
            status, page = _first_answer(f"http://127.0.0.1:{port}/voila/render/01_assessment.ipynb", proc,
                                         log_path, "serve")
        finally:
            stop(proc)  # the server and the kernels it started
    assert status == 200 and "application/vnd.jupyter.widget-view+json" in page, log_path.read_text()[-3000:]
    assert "Traceback" not in page
    # what serve writes goes under the folder it started in, never into the installed package
    assert (cwd / "answers").is_dir() and (cwd / "reports").is_dir()
    assert not any((installed["site"] / "mlops_workbook" / "notebooks").glob("*/"))


def test_voila_in_jupyter_server_uses_the_workbook_template(installed, tmp_path):
    """What Binder's `urlpath=voila/render/...` and a hub's single-user server run: Voila as a
    jupyter-server extension, which reads no `serve` config. The install's {prefix}/etc/jupyter/voila.json
    and {prefix}/share/jupyter template make its pages the workbook's: no CDN stylesheet, our ARIA script."""
    prefix = installed["bin"].parent
    assert (prefix / "etc" / "jupyter" / "voila.json").is_file()
    assert (prefix / "share" / "jupyter" / "voila" / "templates" / "mlops" / "index.html.j2").is_file()
    # the shared venv (where the stock templates come from) has no workbook template: ours is the wheel's
    assert not (Path(sys.prefix) / "share" / "jupyter" / "voila" / "templates" / "mlops").exists()
    root, home = _empty(tmp_path), tmp_path / "home"
    home.mkdir()
    shutil.copy(installed["site"] / "mlops_workbook" / "notebooks" / "01_assessment.ipynb", root)
    port, token = free_port(), "install-test-token-0123456789"
    env = {**installed["env"], "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "MLOPS_WORKBOOK_ANSWERS_DIR": str(tmp_path / "answers")}
    command = [str(installed["bin"] / "python"), "-m", "jupyter_server", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--ServerApp.jpserver_extensions=voila=True"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log_path = tmp_path / "jupyter-server.log"
    base = f"http://127.0.0.1:{port}/"
    with log_path.open("w") as log:
        proc = subprocess.Popen(command, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            _, page = _first_answer(f"{base}voila/render/01_assessment.ipynb?token={token}", proc, log_path,
                                    "jupyter server")
            aria = re.search(r'src="(/voila/templates/mlops/static/aria\.js[^"]*)"', page)
            assert aria, page[:3000]
            with urllib.request.urlopen(f"{base}{aria.group(1).lstrip('/')}&token={token}", timeout=60) as response:
                assert response.status == 200 and b"aria" in response.read()
        finally:
            stop(proc)
    assert "application/vnd.jupyter.widget-view+json" in page and "Traceback" not in page
    assert "/voila/templates/mlops/static/workbook.css" in page
    assert foreign_references(page, base) == [], foreign_references(page, base)
    # both null: Voila's page script then typesets with the MathJax 3 it bundles, not MathJax 2 from a CDN
    assert '"fullMathjaxUrl": null' in page and '"mathjaxConfig": null' in page
