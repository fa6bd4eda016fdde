"""The Binder environment, built from binder/ alone in a fresh venv, runs the notebooks and Voila."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
import venv

import pytest

from .conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]  # a fresh venv takes long on a busy machine


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory):
    target = tmp_path_factory.mktemp("binder") / "venv"
    venv.EnvBuilder(with_pip=True).create(target)
    bin_dir = target / "bin"
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", VIRTUAL_ENV=str(target))
    env.pop("PYTHONPATH", None)
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "-r",
                    str(ROOT / "binder" / "requirements.txt")], check=True, env=env, cwd=ROOT, timeout=1200)
    subprocess.run(["bash", str(ROOT / "binder" / "postBuild")], check=True, env=env, cwd=ROOT, timeout=1200)
    return bin_dir, env


def test_runtime_is_pinned_and_postbuild_is_executable():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post = ROOT / "binder" / "postBuild"
    assert os.access(post, os.X_OK) and post.read_text().startswith("#!/bin/bash")


@pytest.mark.parametrize("name", ["00_start", "01_assessment", "02_drift_gating_lab", "03_report",
                                  "04_workshop_dashboard"])
def test_notebooks_run_in_the_binder_env(binder_env, tmp_path, name):
    bin_dir, env = binder_env
    out = tmp_path / f"{name}.ipynb"
    subprocess.run([str(bin_dir / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                    "--ExecutePreprocessor.timeout=600", f"--output={out}",
                    str(ROOT / "notebooks" / f"{name}.ipynb")], check=True, env=env, cwd=ROOT / "notebooks",
                   timeout=900, capture_output=True)
    assert out.is_file()


def test_voila_renders_in_the_binder_env(binder_env):
    """Under a prefix, as Binder serves it; voila.json (read from the repository) loads the workbook's
    identity provider, so this also proves binder/ installs what the prefix-safe code imports."""
    bin_dir, env = binder_env
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([str(bin_dir / "voila"), str(ROOT / "notebooks" / "01_assessment.ipynb"), "--no-browser",
                             f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.base_url=/user/x/"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/user/x/", timeout=120)
                page = response.read().decode()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("voila from the Binder env did not serve the assessment")
                time.sleep(1)
        assert "application/vnd.jupyter.widget-view+json" in page
        assert "Traceback" not in page
        assert any(c.startswith("_xsrf=") for c in response.headers.get_all("Set-Cookie") or [])
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
