"""`mlops-workbook serve`: a real Voila server over the notebooks, configured from the repo's voila.json.

Voila reads `voila.json` from the folder it starts in; this module copies the repo's file into a
private folder with the command line's choices applied (kernel pool size, `--dev`), points the
kernels at the answers and reports folders through environment variables, and replaces itself
with Voila (so stopping this process stops the server).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from .errors import WorkbookError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CONFIG = ROOT / "voila.json"
LANDING = "voila/render/00_start.ipynb"


def voila_config(*, pool: int = 1, dev: bool = False) -> dict[str, Any]:
    config: dict[str, Any] = json.loads(CONFIG.read_text(encoding="utf-8"))
    pools = config.setdefault("VoilaKernelManager", {}).setdefault("kernel_pools_config", {})
    for key in ("01_assessment.ipynb", "notebooks/01_assessment.ipynb"):
        pools[key] = {"pool_size": max(pool, 0)}
    if pool <= 0:
        config["VoilaConfiguration"]["preheat_kernel"] = False
    if dev:
        config["VoilaConfiguration"].update({"show_tracebacks": True, "strip_sources": False})
    return config


def normalize_base_url(prefix: str) -> str:
    """`user/x` -> `/user/x/`: Voila (like jupyter-server) wants a base URL with both slashes."""
    text = str(prefix).strip()
    if any(c in text for c in "?#\\ ") or ".." in text.split("/"):
        raise WorkbookError(f"not a URL path prefix: {prefix!r}", field="base_url")
    return "/" + "/".join(part for part in text.split("/") if part) + "/" if text.strip("/") else "/"


def voila_command(*, host: str, port: int, base_url: str = "/") -> list[str]:
    return [sys.executable, "-m", "voila", str(NOTEBOOKS), "--no-browser", f"--port={port}", f"--Voila.ip={host}",
            "--Voila.port_retries=0", f"--Voila.base_url={normalize_base_url(base_url)}"]


def prepare(*, host: str = "127.0.0.1", port: int = 8866, answers_dir: str | None = None,
            reports_dir: str | None = None, pool: int = 1, dev: bool = False,
            base_url: str = "/") -> tuple[list[str], dict[str, str], Path]:
    """The command, environment and working folder that `serve` runs Voila with."""
    if not 0 < port < 65536:
        raise WorkbookError(f"port must be 1-65535, got {port}", field="port")
    base_url = normalize_base_url(base_url)  # refused before anything is created
    answers = Path(answers_dir or NOTEBOOKS / "answers").resolve()
    reports = Path(reports_dir or NOTEBOOKS / "reports").resolve()
    for folder in (answers, reports):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkbookError(f"cannot create the folder ({exc.strerror})", source=folder) from None
    workdir = Path(tempfile.mkdtemp(prefix="mlops-workbook-voila-"))
    (workdir / "voila.json").write_text(json.dumps(voila_config(pool=pool, dev=dev), indent=2), encoding="utf-8")
    env = dict(os.environ, MLOPS_WORKBOOK_ANSWERS_DIR=str(answers), MLOPS_WORKBOOK_REPORTS_DIR=str(reports))
    return voila_command(host=host, port=port, base_url=base_url), env, workdir


def serve(**options: Any) -> int:  # pragma: no cover - exercised through the browser tests
    command, env, workdir = prepare(**options)
    host, port = options.get("host", "127.0.0.1"), options.get("port", 8866)
    prefix = normalize_base_url(options.get("base_url", "/"))
    print(f"Serving the workbook on http://{host}:{port}{prefix}{LANDING}", flush=True)
    print(f"  answers: {env['MLOPS_WORKBOOK_ANSWERS_DIR']}\n  reports: {env['MLOPS_WORKBOOK_REPORTS_DIR']}", flush=True)
    os.chdir(workdir)
    os.execve(command[0], command, env)
    return 0
