"""What the tests that start a real server and drive Debian's Chromium share: ports, the browser's
flags, waiting for a server to answer and stopping it with everything it started."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
OUTPUT = ROOT / "test-output"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
# The assessment's status after a save ("Saved for <team> at <time>"), as a case-sensitive regex: a plain
# string matches case-insensitively, and a wait that matched other text returned before the save.
SAVED = re.compile(r"\bSaved for .* at \d")


# what makes a browser fetch something: src/href attributes, CSS url(...) and @import, and the URLs of
# the page config (`"fullMathjaxUrl": ...`) that JupyterLab's plugins load from (Voila's page script
# also loads MathJax from a CDN when that URL is null but `mathjaxConfig` is not: a test of a page's
# HTML checks both are null; in a browser the script it adds is in the DOM)
_LOADS = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']|url\(\s*["']?|@import\s+["']|"\w*Url"\s*:\s*")([^"')\s]+)""",
                    re.IGNORECASE)


def foreign_references(html: str, base: str) -> list[str]:
    """The URLs a page would fetch from any host but `base`'s (relative and data: URLs are ours).

    Only what a browser loads counts: an XML namespace (`http://www.w3.org/2000/svg`) is text."""
    ours = urlsplit(base).netloc
    return [url for url in _LOADS.findall(html)
            if (url.startswith("//") or urlsplit(url).scheme in ("http", "https")) and urlsplit(url).netloc != ours]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, *, seconds: float = 120, what: str = "server") -> None:
    """Poll `url` until it answers; fail with the end of the log if the process dies or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the {what} did not start: {log.read_text()[-3000:]}")
            time.sleep(0.5)


def stop(proc: subprocess.Popen, *, timeout: float = 30) -> None:
    """SIGTERM the process group (the server and the kernels or proxies it started), SIGKILL if it lingers."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@dataclass(frozen=True)
class Served:
    """A running `mlops-workbook serve`: where it listens and what it printed.

    `base`: the participants' (or the only) server with its prefix, no trailing slash unless the
    prefix has one; `facilitator`: the dashboard URL serve printed (with its token) in a room."""

    base: str
    origin: str
    port: int
    answers: Path
    reports: Path
    log: Path
    printed: str
    proc: subprocess.Popen
    token: str | None = None
    facilitator: str = ""
    facilitator_port: int | None = None

    @property
    def workdir(self) -> Path:
        """serve's private folder (its servers' logs, the room's status file), as it printed it."""
        return Path(self.printed.split("server logs: ")[1].split()[0])

    @property
    def spool(self) -> Path:
        """The report queue's folder, as the served pages' kernels name it."""
        from mlops_workbook import settings

        return settings.report_queue_dir(self.reports)


READY = ("Serving the workbook on", "Participants join at")  # the last thing serve prints, alone or as a room


@contextmanager
def start_serve(root: Path, *options: str, token: str | None = None, base_url: str = "",
                env: dict[str, str] | None = None, cwd: Path | None = None,
                seconds: float = 180) -> Iterator[Served]:
    """`mlops-workbook serve` on free 127.0.0.1 ports, answers and reports under `root`, until it has
    printed where to go (every server answers then). On leaving: serve is stopped with its servers,
    kernels and report worker, and the reports folder loses what the run added (reports, the queue's spool).

    `token`: a room (the facilitator's server on a second free port); `options`: any other serve option."""
    answers, reports = root / "answers", root / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    before = set(reports.iterdir())
    port = free_port()
    command = [sys.executable, "-m", "mlops_workbook", "serve", "--port", str(port), "--answers-dir", str(answers),
               "--reports-dir", str(reports)]
    facilitator_port = None
    if token:
        facilitator_port = free_port()
        command += ["--token", token, "--facilitator-port", str(facilitator_port)]
    if base_url:
        command += ["--base-url", base_url]
    log_path = root / "serve.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([*command, *options], stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                env=env, cwd=cwd)
    try:
        deadline = time.monotonic() + seconds
        while not any(line in log_path.read_text() for line in READY):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"serve did not start: {log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        time.sleep(0.2)  # the rest of that one print (the join URL, its QR code)
        printed = log_path.read_text()
        dashboard = next((w for w in printed.split() if "04_workshop_dashboard" in w), "")
        origin = f"http://127.0.0.1:{port}"
        yield Served(base=origin + base_url, origin=origin, port=port, answers=answers, reports=reports,
                     log=log_path, printed=printed, proc=proc, token=token, facilitator=dashboard,
                     facilitator_port=facilitator_port)
    finally:
        if proc.poll() is None:
            stop(proc, timeout=60)  # serve stops its servers (they stop their kernels) and the report worker
        for created in set(reports.iterdir()) - before:  # reports, and the report queue's spool folder
            shutil.rmtree(created, ignore_errors=True) if created.is_dir() else created.unlink(missing_ok=True)
