"""Every environment variable the workbook reads, declared once: name, type, default and meaning.

Why one module: the answers folder was read in three places (twice as a constant, once as a literal),
and nobody could list what the package reacts to. Here each variable is a `Setting` in `SETTINGS`;
the package reads it only through the accessor functions below, and the README's table is generated
from the same declarations (`python -m mlops_workbook.settings --markdown`; a test keeps them equal).

Two kinds: `ours` (a person or `serve` sets them) and `voila` (Voila puts them in a page kernel's
environment; we read them, never set them). Code that starts child processes still builds their
environments from `os.environ`; that is passing an environment on, not reading a setting.

Core layer: imports only `errors`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import WorkbookError

ANSWERS_DIR = "MLOPS_WORKBOOK_ANSWERS_DIR"
REPORTS_DIR = "MLOPS_WORKBOOK_REPORTS_DIR"
RUBRICS = "MLOPS_WORKBOOK_RUBRICS"
ROLE = "MLOPS_WORKBOOK_ROLE"
REPORT_TIMEOUT = "MLOPS_WORKBOOK_REPORT_TIMEOUT"
REPORT_QUEUE = "MLOPS_WORKBOOK_REPORT_QUEUE"
SIMULATION_CACHE = "MLOPS_WORKBOOK_SIMULATION_CACHE"
CHROMIUM = "MLOPS_WORKBOOK_CHROMIUM"
DEBUG = "MLOPS_WORKBOOK_DEBUG"
JOIN_URL = "MLOPS_WORKBOOK_JOIN_URL"
GRACE = "MLOPS_WORKBOOK_GRACE"
VOILA_PREHEAT = "VOILA_PREHEAT"
VOILA_KERNEL_ID = "VOILA_KERNEL_ID"
VOILA_BASE_URL = "VOILA_BASE_URL"
VOILA_APP_PORT = "VOILA_APP_PORT"
QUERY_STRING = "QUERY_STRING"
SCRIPT_NAME = "SCRIPT_NAME"
SERVER_NAME = "SERVER_NAME"
SERVER_PORT = "SERVER_PORT"
MLFLOW_TOKEN = "MLFLOW_TRACKING_TOKEN"
MLFLOW_USERNAME = "MLFLOW_TRACKING_USERNAME"
MLFLOW_PASSWORD = "MLFLOW_TRACKING_PASSWORD"

ROLES = ("alone", "participants", "facilitator")
DEFAULT_CHROMIUM = "/usr/bin/chromium"


@dataclass(frozen=True)
class Setting:
    """One environment variable: what it is called, what type it holds, its default, why it exists."""

    name: str
    type: str  # "path", "paths" (os.pathsep list), "text", "seconds", "flag"
    default: str
    meaning: str
    source: str = "ours"  # "ours": set by a person or by `serve`; "voila": set by Voila for a page kernel;
    # "mlflow": MLflow's own client variables, read the same way by `scan --mlflow`


SETTINGS: tuple[Setting, ...] = (
    Setting(ANSWERS_DIR, "path", "`answers` under the current folder (`~/mlops-workbook/answers` if that is in site-packages)",
            "The answers folder: where the assessment saves and the dashboard, landing page and live report "
            "read. `serve` sets it for its kernels from `--answers-dir`."),
    Setting(REPORTS_DIR, "path", "`reports` under the current folder (`~/mlops-workbook/reports` if that is in site-packages)",
            "Where \"Create my report\" writes a team's exported report. `serve` sets it from `--reports-dir`."),
    Setting(RUBRICS, "paths", "(none)",
            "Extra folders of rubric files (`os.pathsep`-separated), looked up before the bundled rubrics."),
    Setting(ROLE, "text", "(unset: like alone)",
            "The server a kernel runs under: `alone`, `participants` or `facilitator`. Set by `serve`; "
            "under `participants` the assessment scans no server folders (uploads only)."),
    Setting(REPORT_TIMEOUT, "seconds", "300",
            "The longest one cell of a \"Create my report\" report may run in the report worker before it is "
            "stopped; the page gives up on a report running this long beyond its estimate."),
    Setting(REPORT_QUEUE, "path", "`.queue` inside the reports folder",
            "The spool folder of the report queue every participant's kernel on the machine submits \"Create my "
            "report\" to (job files, results, the recent reports' times, the worker's lock). One folder per "
            "machine and reports folder; must be local (the worker's lock is an `flock`)."),
    Setting(SIMULATION_CACHE, "path", "(none)",
            "A folder private to one `report` batch where the parent leaves the simulation for every report "
            "kernel. Set by the batch for its workers; not meant to be set by hand."),
    Setting(CHROMIUM, "path", DEFAULT_CHROMIUM,
            "The chromium binary `report --pdf` prints with (Debian's; never a downloaded browser)."),
    Setting(GRACE, "seconds", "60",
            "How long `serve` keeps a participant's kernel and place after the page's last connection closed "
            "(tab, window, browser or network gone); a page that reconnects sooner keeps its kernel. "
            "`serve --grace` overrides it."),
    Setting(DEBUG, "flag", "(unset)",
            "Any non-empty value: a widget callback's error shows its traceback under the friendly line."),
    Setting(JOIN_URL, "text", "(unset: \"not known\")",
            "The participants' join URL (with the room token), shown again with its QR code on the "
            "facilitator's dashboard and projector view. `serve` sets it for the facilitator's kernels."),
    Setting(VOILA_PREHEAT, "flag", "(unset)",
            "Set by Voila in a pre-heated kernel: wait for the page request before reading the query.", "voila"),
    Setting(VOILA_KERNEL_ID, "text", "(unset)", "Set by Voila in every page kernel: the code runs in Voila.",
            "voila"),
    Setting(VOILA_BASE_URL, "text", "/", "Set by Voila: the server's URL prefix (`/user/x/` under a hub).",
            "voila"),
    Setting(VOILA_APP_PORT, "text", "(unset)",
            "Set by Voila: the port of the server this kernel's page came from (the dashboard asks it "
            "how many are connected).", "voila"),
    Setting(QUERY_STRING, "text", "(empty)", "Set by Voila: the page's query string (`team=...`).", "voila"),
    Setting(SCRIPT_NAME, "text", "(unset)", "Set by Voila: the page's URL path, to build links to files.",
            "voila"),
    Setting(SERVER_NAME, "text", "(unset)",
            "Set by Voila: the host the page was requested at (the dashboard's full link to the room's index, "
            "on that same server).", "voila"),
    Setting(SERVER_PORT, "text", "(unset)", "Set by Voila: the port the page was requested at (with SERVER_NAME).",
            "voila"),
    Setting(MLFLOW_TOKEN, "text", "(unset)",
            "`scan --mlflow http(s)://...` sends it as a bearer token, as MLflow's own client does.", "mlflow"),
    Setting(MLFLOW_USERNAME, "text", "(unset)",
            "With the password: basic authentication for `scan --mlflow` on a tracking server.", "mlflow"),
    Setting(MLFLOW_PASSWORD, "text", "(unset)", "With the user name: basic authentication for `scan --mlflow`.",
            "mlflow"),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def _raw(name: str, env: Mapping[str, str] | None = None) -> str:
    """The variable's text ('' when unset); only declared names may be read."""
    if name not in _BY_NAME:
        raise KeyError(f"{name} is not a declared setting (add it to SETTINGS)")
    return (os.environ if env is None else env).get(name, "")


def is_set(name: str, env: Mapping[str, str] | None = None) -> bool:
    """Whether a declared variable is present at all (Voila's flags are set to any value, even empty)."""
    _raw(name, env)
    return name in (os.environ if env is None else env)


def text(name: str, default: str = "", env: Mapping[str, str] | None = None) -> str:
    """A declared text variable, or `default` when unset or empty."""
    return _raw(name, env) or default


INSTALLED_HOME = "mlops-workbook"  # under the home folder: where a kernel started inside site-packages writes


def writable_default(name: str) -> Path:
    """`name` under the current folder, unless that folder is inside an installed package (a kernel
    started in site-packages' notebooks folder by a plain `voila` or JupyterLab): then `~/mlops-workbook/name`.
    What a user writes must never land in site-packages, where an upgrade deletes it."""
    here = Path.cwd().resolve()
    if any(part in ("site-packages", "dist-packages") for part in here.parts):
        return Path.home() / INSTALLED_HOME / name
    return Path(name)


def answers_dir(given: str | os.PathLike[str] | None = None) -> Path:
    """The answers folder: `given`, else $MLOPS_WORKBOOK_ANSWERS_DIR, else `answers` under the current
    folder (see `writable_default`)."""
    return Path(given or _raw(ANSWERS_DIR) or writable_default("answers"))


def reports_dir(given: str | os.PathLike[str] | None = None) -> Path:
    """The reports folder: `given`, else $MLOPS_WORKBOOK_REPORTS_DIR, else `reports` under the current
    folder (see `writable_default`)."""
    return Path(given or _raw(REPORTS_DIR) or writable_default("reports"))


def rubric_dirs() -> list[Path]:
    """The extra rubric folders from $MLOPS_WORKBOOK_RUBRICS, in order."""
    return [Path(p) for p in _raw(RUBRICS).split(os.pathsep) if p]


def role() -> str:
    """The server this kernel runs under (`alone` when no `serve` set it)."""
    return _raw(ROLE) or "alone"


def report_timeout() -> float:
    """Seconds "Create my report" may take; a value that is not a positive number is refused by name."""
    value = _raw(REPORT_TIMEOUT) or "300"
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise WorkbookError(f"expected a positive number of seconds, got {value!r}", field=REPORT_TIMEOUT)
    return seconds


def grace() -> float:
    """Seconds a page's kernel outlives its last connection; a negative or non-number is refused by name."""
    value = _raw(GRACE) or "60"
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise WorkbookError(f"expected 0 or more seconds, got {value!r}", field=GRACE)
    return seconds


def report_queue_dir(reports: str | os.PathLike[str]) -> Path:
    """The report queue's spool folder: $MLOPS_WORKBOOK_REPORT_QUEUE, else `.queue` inside `reports`
    (hidden, so neither Voila's file handler nor the reports index shows it)."""
    return Path(_raw(REPORT_QUEUE) or Path(reports) / ".queue")


def simulation_cache() -> Path | None:
    """The batch's simulation cache folder, if this process runs under a batch."""
    value = _raw(SIMULATION_CACHE)
    return Path(value) if value else None


def chromium() -> Path:
    """The chromium binary to print PDFs with."""
    return Path(_raw(CHROMIUM) or DEFAULT_CHROMIUM)


def debug() -> bool:
    """Whether to show tracebacks under a widget's friendly error line."""
    return bool(_raw(DEBUG))


def in_voila() -> bool:
    """Whether this kernel was started by Voila for a page (pre-heated or not)."""
    return is_set(VOILA_PREHEAT) or is_set(VOILA_KERNEL_ID)


def preheated() -> bool:
    """Whether this is a pre-heated Voila kernel (its query string arrives only with the page request)."""
    return is_set(VOILA_PREHEAT)


def join_url() -> str:
    """The participants' join URL ('' when nobody set it: the pages then say it is not known)."""
    return _raw(JOIN_URL).strip()


def app_port() -> int | None:
    """The port of the Voila server this page kernel runs under (None outside Voila or when unreadable)."""
    value = _raw(VOILA_APP_PORT)
    return int(value) if value.isdigit() else None


def query_string() -> str:
    """The Voila page's query string ('' outside Voila)."""
    return _raw(QUERY_STRING)


def base_url() -> str:
    """The server's URL prefix, always ending in a slash."""
    prefix = _raw(VOILA_BASE_URL) or "/"
    return prefix if prefix.endswith("/") else prefix + "/"


def page_path() -> str:
    """The URL path of the Voila page this kernel serves ('' before the page request)."""
    return _raw(SCRIPT_NAME)


def page_host() -> str:
    """`host[:port]` the Voila page was requested at ('' before the page request or when not a plain
    host name or address: nothing but a name, digits, dots, dashes and an IPv6 address's brackets)."""
    name, port = _raw(SERVER_NAME).strip(), _raw(SERVER_PORT).strip()
    if not re.fullmatch(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*", name or "-!"):
        return ""
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"
    return name + (f":{port}" if port.isdigit() else "")


# --------------------------------------------------------------------------- limits for child processes

THREAD_LIMITS = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                         "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")}


def mlflow_credentials(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """MLflow's client variables that are set (token, user name, password), for a tracking server's requests."""
    return {name: _raw(name, env) for name in (MLFLOW_TOKEN, MLFLOW_USERNAME, MLFLOW_PASSWORD) if _raw(name, env)}


def thread_limits(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """`env` (default: this process's) with BLAS/OpenMP pools of one thread unless set explicitly.

    For the environments of child kernels (Voila's, a report batch's): several kernels share the
    cores, and default-sized pools made a lab move 20x slower.
    """
    out = dict(os.environ if env is None else env)
    for name, value in THREAD_LIMITS.items():
        out.setdefault(name, value)
    return out


# --------------------------------------------------------------------------- the README's table


def markdown_table() -> str:
    """The README's table of settings, generated from `SETTINGS` (the test compares them)."""
    rows = ["| Variable | Type | Default | Set by | Meaning |", "|---|---|---|---|---|"]
    for s in SETTINGS:
        by = "Voila (read only)" if s.source == "voila" else "you or `serve`"
        rows.append(f"| `{s.name}` | {s.type} | {s.default} | {by} | {s.meaning} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """`python -m mlops_workbook.settings [--markdown]`: the settings as a table, or one per line."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--markdown"]:
        print(markdown_table())
        return 0
    if args:
        print("usage: python -m mlops_workbook.settings [--markdown]", file=sys.stderr)
        return 2
    for s in SETTINGS:
        print(f"{s.name}={_raw(s.name)!r}  ({s.type}, default {s.default})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
