"""What the tests that start a real server and drive Debian's Chromium share: ports, the browser's
flags, waiting for a server to answer and stopping it with everything it started."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
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
# the page config (`"fullMathjaxUrl": ...`) that JupyterLab's plugins load from
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
