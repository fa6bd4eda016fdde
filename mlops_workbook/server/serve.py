"""`mlops-workbook serve`: real Voila servers over the bundled notebooks, configured from the package's voila.json.

Two ways to serve, chosen by whether a room token is in use:

- alone (loopback, no token; the default): one server on 127.0.0.1 with every notebook, for the
  person at this machine (nobody else can connect to 127.0.0.1).
- a room (any other address, or `--token`): the participants' server requires the room token
  (Voila's own `--token`, checked by jupyter-server's identity provider) on every page, kernel, API
  and file URL and renders only the participants' notebooks; the facilitator's dashboard is a second
  server on 127.0.0.1 only, with its own token. A non-loopback bind without `--token` gets a
  generated one.

Voila reads `voila.json` from the folder it starts in: each server gets a private folder with the
command line's choices applied (pool, culling, `--dev`). The answers and reports folders reach the
kernels through environment variables fixed here (never typed in a page), as do the BLAS/OpenMP
thread limits (one thread per kernel: several kernels share the cores).

How many kernels are pre-heated: `--pool` when given; with `--max-participants N` and no `--pool`, the
room's size (the places `--lab-pool` leaves, so both pools fit in the room whichever fills first),
held to half the memory available at start (`default_pool`); else 1. A room joins at once: 20
participants with a pool of 5 waited a median 15.7 s for their page's widgets (fifteen fresh kernels
each running the assessment on two cores), with a room-sized pool 1.2 s (benchmarks/RESULTS.md). The
terminal says when the pools are warm, which is when to share the join link.

The report queue's worker (`report.queue`: warm report kernels and the shared simulation) starts with
the servers, in the background, so the first "Create my report" does not wait for it (for 4 teams at
once, measured before: 22.7 s from cold, 3.0 s warm); `serve` stops it with the servers.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from .. import resources, settings
from ..errors import WorkbookError
from ..report.queue import ReportQueue
from ..settings import THREAD_LIMITS, thread_limits  # noqa: F401 - THREAD_LIMITS: also read from here by the benchmarks
from .capacity import read_status
from .landing import REPORTS_LINK

NOTEBOOKS = resources.NOTEBOOKS
CONFIG = resources.VOILA_CONFIG
DASHBOARD = f"voila/render/{resources.DASHBOARD_NOTEBOOK}"
PARTICIPANT_NOTEBOOKS = resources.PARTICIPANT_NOTEBOOKS
ROLE_ENV = settings.ROLE  # "participants", "facilitator" or "alone": the server a kernel runs under
MIN_TOKEN = 16
STATUS_FILE = "room.json"
PING_INTERVAL_MS = 10_000
KERNEL_MIB = 105  # a pre-heated assessment kernel's RSS, measured (benchmarks/RESULTS.md, bench_room.py room)
POOL_MEMORY_SHARE = 0.5  # a default pool takes at most this share of the memory available when `serve` starts


@dataclass(frozen=True)
class Server:
    """One Voila process: what it runs, where, and the URL to open (with its token, if any)."""

    role: str
    command: list[str]
    env: dict[str, str]
    cwd: Path
    base: str  # http://host:port/
    token: str | None = None

    @property
    def url(self) -> str:
        """The join URL: `/` redirects to the landing page, keeping the token."""
        return self.page("")

    def page(self, path: str) -> str:
        """The URL of `path` on this server, with its token when it has one."""
        return self.base + path + (f"?token={quote(self.token, safe='')}" if self.token else "")


@dataclass(frozen=True)
class ServePlan:
    """Everything `serve` will start, decided before anything starts (so it can be tested and printed)."""

    servers: list[Server]
    answers: Path
    reports: Path
    token: str | None = None
    token_generated: bool = False
    notes: list[str] = field(default_factory=list)
    workdir: Path | None = None  # the servers' private folder: their logs and the room's status file
    grace: float = 60.0
    report_worker: bool = True  # start the report queue's worker with the servers (warm before the first click)
    pools: dict[str, int] = field(default_factory=dict)  # the participants' server's pre-heated kernels per notebook

    @property
    def preheated(self) -> int:
        """Kernels the participants' (or the only) server pre-heats, every pool together."""
        return sum(self.pools.values())

    @property
    def status_file(self) -> Path | None:
        """Where the participants' (or the only) server writes connected / places."""
        return self.workdir / STATUS_FILE if self.workdir is not None else None

    @property
    def report_spool(self) -> Path:
        """The report queue's folder, as the pages' kernels name it (they write reports through the
        served root's link to the reports folder): the worker `serve` starts is the one they find."""
        return settings.report_queue_dir(self.servers[0].env[settings.REPORTS_DIR])

    @property
    def join_url(self) -> str:
        """Where participants (or the person alone) go first."""
        return self.servers[0].url

    @property
    def facilitator_url(self) -> str:
        """The dashboard's URL on the last server (the facilitator's, or the only one)."""
        return self.servers[-1].page(DASHBOARD)


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host` (decides whether a token is required)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def room_token(host: str, token: str | None) -> tuple[str | None, bool]:
    """The token to serve with and whether it was generated. Loopback may stay tokenless."""
    if token is not None:
        if len(token) < MIN_TOKEN:
            raise WorkbookError(f"the room token must have at least {MIN_TOKEN} characters, got {len(token)}",
                                field="token")
        if any(ch.isspace() or not ch.isprintable() for ch in token):
            raise WorkbookError("the room token must not contain spaces or control characters", field="token")
        return token, False
    if is_loopback(host):
        return None, False
    return secrets.token_urlsafe(MIN_TOKEN), True


def voila_config(*, pools: dict[str, int] | None = None, dev: bool = False, cull_idle: int = 0, token: str | None = None,
                 notebooks: tuple[str, ...] = (), max_participants: int = 0, grace: float = 60.0,
                 status_file: str = "", room_status_from: str = "") -> dict[str, Any]:
    """The repo's voila.json with this server's choices; the token goes here, not on a command line
    other users of the machine could read. `pools` maps a notebook to its pre-heated kernels (default:
    one for the assessment): Voila runs a pooled kernel's notebook before anyone asks, so the page's
    widgets are there when it opens (the lab's first simulation took 17 s without one)."""
    config: dict[str, Any] = json.loads(CONFIG.read_text(encoding="utf-8"))
    config["RoomVoila"] = {"notebooks": list(notebooks), "max_participants": max_participants, "grace": grace,
                           "status_file": status_file, "room_status_from": room_status_from}
    config["VoilaConfiguration"]["template"] = resources.VOILA_TEMPLATE  # found through JUPYTER_PATH (prepare)
    # Voila's startup lines (its second address among them) would bury the join URL `serve` prints
    # last; warnings still go to the server's log
    config.setdefault("Voila", {})["log_level"] = "WARN"
    # a page whose network went away answers no ping: jupyter-server closes its socket after
    # max(3 pings, 30 s), and the grace period starts (with its default 30 s pings: 90 s)
    config["Voila"]["tornado_settings"] = {"ws_ping_interval": PING_INTERVAL_MS}
    if token:
        config.setdefault("Voila", {})["token"] = token
    sizes = {resources.ASSESSMENT_NOTEBOOK: 1} if pools is None else pools
    manager = config.setdefault("VoilaKernelManager", {})
    # this server's pools only: the repo's file pre-heats the assessment for a plain `voila` run
    configured = manager["kernel_pools_config"] = {"default": {"pool_size": 0}}
    for notebook, size in sizes.items():
        for key in (notebook, f"notebooks/{notebook}"):
            configured[key] = {"pool_size": max(size, 0)}
    if not any(size > 0 for size in sizes.values()):
        config["VoilaConfiguration"]["preheat_kernel"] = False
    if dev:
        config["VoilaConfiguration"].update({"show_tracebacks": True, "strip_sources": False})
    if cull_idle > 0:
        # answers are saved as they are given, so an idle page's kernel can go; its page then needs a
        # reload, which resumes from the saved answers
        config["MappingKernelManager"] = {"cull_idle_timeout": cull_idle, "cull_connected": True,
                                          "cull_interval": max(5, min(60, cull_idle // 2))}
    return config


def normalize_base_url(prefix: str) -> str:
    """`user/x` -> `/user/x/`: Voila (like jupyter-server) wants a base URL with both slashes."""
    text = str(prefix).strip()
    if any(c in text for c in "?#\\ ") or ".." in text.split("/"):
        raise WorkbookError(f"not a URL path prefix: {prefix!r}", field="base_url")
    return "/" + "/".join(part for part in text.split("/") if part) + "/" if text.strip("/") else "/"




def served_root(workdir: Path, reports: Path) -> Path:
    """The folder Voila serves: copies of the bundled notebooks and a `reports` link to the reports folder.

    Voila serves pages and files from one root. The notebooks live inside the package (site-packages
    after a plain install) and the reports where the facilitator keeps them, so the root is composed:
    the pages are copied (a few kilobytes), and the reports folder is linked, never copied, so a report
    a page writes is at once in the facilitator's folder and linkable as `voila/files/reports/...`.
    """
    root = workdir / "root"
    root.mkdir()
    for name in resources.ALL_NOTEBOOKS:
        shutil.copyfile(resources.notebook(name), root / name)
    (root / REPORTS_LINK).symlink_to(reports, target_is_directory=True)
    return root


def voila_command(*, host: str, port: int, base_url: str = "/", root: Path = NOTEBOOKS) -> list[str]:
    """The command line of one room server over `root` (no token here: it is in voila.json)."""
    return [sys.executable, "-m", "mlops_workbook.server.room_server", str(root), "--no-browser", f"--port={port}",
            f"--Voila.ip={host}", "--Voila.port_retries=0", f"--Voila.base_url={normalize_base_url(base_url)}"]


def display_host(host: str) -> str:
    """The address participants type: this machine's LAN address when bound to every interface."""
    if host not in ("0.0.0.0", "::", ""):
        return f"[{host}]" if ":" in host else host
    try:  # a UDP "connect" picks the outgoing interface without sending anything
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("10.255.255.255", 1))
            return sock.getsockname()[0]
    except OSError:
        return socket.gethostname()


def available_memory_mib() -> float | None:
    """Memory the system can give new processes without swapping (Linux's MemAvailable), None when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def default_pool(pool: int | None, *, max_participants: int, lab_pool: int,
                 available_mib: float | None) -> tuple[int, str]:
    """The assessment's pool and why (a note for the terminal, "" when nothing to say).

    `--pool` given: that. A room size N and no `--pool`: the places the lab's pool leaves (N - lab
    pool, at least 1), so the whole room gets pre-heated kernels when it joins at once, held to
    POOL_MEMORY_SHARE of `available_mib` at KERNEL_MIB a kernel (lab pool included). Neither: 1.
    """
    if pool is not None:
        return pool, ""
    if max_participants <= 0:
        return 1, ""
    want = max(max_participants - lab_pool, 1)
    if available_mib is not None:
        fits = max(int(available_mib * POOL_MEMORY_SHARE // KERNEL_MIB) - lab_pool, 1)
        if fits < want:
            return fits, (f"the assessment pre-heats {fits} kernels, not {want}: about {KERNEL_MIB} MiB each, "
                          f"{available_mib:.0f} MiB available (give --pool to choose)")
    return want, ""


def prepare(*, host: str = "127.0.0.1", port: int = 8866, answers_dir: str | None = None,
            reports_dir: str | None = None, pool: int | None = None, lab_pool: int = 1, dev: bool = False, token: str | None = None,
            max_participants: int = 0, cull_idle: int = 3600, facilitator_port: int | None = None,
            base_url: str = "/", grace: float | None = None, report_worker: bool = True) -> ServePlan:
    """The servers `serve` runs (commands, environments, folders, URLs); nothing is started here.
    `pool` None: the room's size with `max_participants`, else 1 (`default_pool`)."""
    prefix = normalize_base_url(base_url)  # refused before anything is created
    grace = settings.grace() if grace is None else grace
    if not grace >= 0:
        raise WorkbookError(f"must be 0 or more seconds, got {grace}", field="grace")
    for name, value in (("port", port), ("facilitator-port", facilitator_port)):
        if value is not None and not 0 < value < 65536:
            raise WorkbookError(f"must be 1-65535, got {value}", field=name)
    for name, value in (("pool", pool), ("lab-pool", lab_pool), ("max-participants", max_participants),
                        ("cull-idle", cull_idle)):
        if value is not None and value < 0:
            raise WorkbookError(f"must be 0 or more, got {value}", field=name)
    pool, pool_note = default_pool(pool, max_participants=max_participants, lab_pool=lab_pool,
                                   available_mib=available_memory_mib() if pool is None else None)
    if dev and not is_loopback(host):
        raise WorkbookError("--dev shows sources and tracebacks: only on 127.0.0.1", field="dev")
    room, generated = room_token(host, token)
    # under the current folder unless given (or set): never inside the package, which may be site-packages
    answers = settings.answers_dir(answers_dir).resolve()
    reports = settings.reports_dir(reports_dir).resolve()
    for folder in (answers, reports):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkbookError(f"cannot create the folder ({exc.strerror})", source=folder) from None
    workdir = Path(tempfile.mkdtemp(prefix="mlops-workbook-voila-"))
    root = served_root(workdir, reports)
    env = thread_limits()
    # pages write reports through the link inside the served root, so their links stay inside it
    env.update({settings.ANSWERS_DIR: str(answers), settings.REPORTS_DIR: str(root / REPORTS_LINK)})
    # the workbook's Voila template (no CDN stylesheets, ARIA for the widgets) lives in the package
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(resources.JUPYTER_DATA), env.get("JUPYTER_PATH", "")) if p)
    if host not in ("0.0.0.0", "::", "") and not is_loopback(host):
        env["VOILA_APP_IP"] = host  # where a pre-heated kernel asks for its page's query string

    status = str(workdir / STATUS_FILE)

    def server(role: str, *, bind: str, at: int, key: str | None, notebooks: tuple[str, ...],
               pools: dict[str, int], limit: int, cull: int) -> Server:
        cwd = workdir / role
        cwd.mkdir()
        config = voila_config(pools=pools, dev=dev, cull_idle=cull, token=key, notebooks=notebooks,
                              max_participants=limit, grace=grace,
                              status_file=status if role != "facilitator" else "",
                              room_status_from=status if role == "facilitator" else "")
        path = cwd / "voila.json"
        path.touch(mode=0o600)
        path.write_text(json.dumps(config, indent=2), encoding="utf-8")
        return Server(role, voila_command(host=bind, port=at, base_url=prefix, root=root), {**env, ROLE_ENV: role}, cwd,
                      f"http://{display_host(bind)}:{at}{prefix}", key)

    participant_pools = {resources.ASSESSMENT_NOTEBOOK: pool, resources.LAB_NOTEBOOK: lab_pool}
    if room is None:
        servers = [server("alone", bind=host, at=port, key=None, notebooks=(), pools=participant_pools,
                          limit=max_participants, cull=cull_idle)]
    else:
        facilitator = facilitator_port or port + 1
        if facilitator == port:
            raise WorkbookError(f"must differ from --port {port}", field="facilitator-port")
        servers = [server("participants", bind=host, at=port, key=room, notebooks=PARTICIPANT_NOTEBOOKS,
                          pools=participant_pools, limit=max_participants, cull=cull_idle),
                   # the facilitator's dashboard is pre-heated too: it opens at the start of the workshop
                   server("facilitator", bind="127.0.0.1", at=facilitator, key=secrets.token_urlsafe(MIN_TOKEN),
                          notebooks=(), pools={resources.DASHBOARD_NOTEBOOK: 1}, limit=0, cull=0)]
    for s in servers:  # the dashboard and the projector show the join URL again
        s.env[settings.JOIN_URL] = servers[0].url
    return ServePlan(servers, answers, reports, room, generated, notes=[pool_note] if pool_note else [],
                     workdir=workdir, grace=grace, report_worker=report_worker, pools=participant_pools)


# --------------------------------------------------------------------------- running


def qr_text(url: str) -> str:
    """The join URL as a QR code for the terminal (empty if segno is missing)."""
    try:
        import segno
    except ImportError:  # pragma: no cover - segno is a dependency; the URL is printed anyway
        return ""
    import io

    out = io.StringIO()
    segno.make(url, error="l").terminal(out=out, compact=True)
    return out.getvalue()


def describe(plan: ServePlan) -> str:
    """What `serve` prints once the servers answer: the folders, the facilitator's side, and the join
    URL with its QR code last, so it is what the terminal shows."""
    lines = [f"  answers: {plan.answers}", f"  reports: {plan.reports}",
             f"  a closed page's place frees {plan.grace:g} s after its last connection",
             *(f"  {note}" for note in plan.notes)]
    if plan.preheated:
        lines.append(f"  {preheat_line(plan)}")
    if len(plan.servers) == 1:
        only = plan.servers[0]
        lines += [f"Facilitator's dashboard: {only.page(DASHBOARD)}",
                  f"Serving the workbook on {only.url} (this machine only, no token)"]
        return "\n".join(lines)
    participants, facilitator = plan.servers
    token = "generated" if plan.token_generated else "given with --token"
    lines += ["Facilitator's dashboard (this machine only, its own token):", f"  {facilitator.page(DASHBOARD)}",
              f"Participants join at (room token {token}):", f"  {participants.url}",
              qr_text(participants.url).rstrip("\n")]
    return "\n".join(line for line in lines if line)


def preheat_line(plan: ServePlan) -> str:
    """What the terminal says before the pools are warm: how many kernels, for which pages, what memory."""
    names = {resources.ASSESSMENT_NOTEBOOK: "assessment", resources.LAB_NOTEBOOK: "lab"}
    parts = ", ".join(f"{size} {names.get(notebook, notebook)}" for notebook, size in plan.pools.items() if size)
    total = plan.preheated
    return (f"pre-heating {total} kernel{'s' if total != 1 else ''} ({parts}; about {total * KERNEL_MIB} MiB): "
            "share the join link once this terminal says the room is warm")


def room_line(status: dict[str, Any]) -> str:
    """One terminal line for the room's status file: the pools warming, pages connected and places."""
    places = status.get("places")
    pool, ready = status.get("pool", 0), status.get("pool_ready", 0)
    warming = f"warming up {ready} of {pool} kernels; " if ready < pool else ""
    return f"room: {warming}{status.get('connected', 0)} connected, " + (
        f"{status.get('taken', 0)} of {places} places taken" if places else f"{status.get('taken', 0)} pages open")


def warm_line(status: dict[str, Any], seconds: float) -> str:
    """The one line that says the room is warm ("" while it is not, or when nothing is pre-heated)."""
    pool, ready = status.get("pool", 0), status.get("pool_ready", 0)
    if not pool or ready < pool:
        return ""
    return f"room warm: {ready} pre-heated kernel{'s' if ready != 1 else ''} ready {seconds:.0f} s after start; " \
           "share the join link now"


def report_queue(plan: ServePlan, owner: int) -> ReportQueue:
    """The queue "Create my report" uses, with the worker `serve` starts: owned by the pages' server
    `owner` (it leaves with it), never idle-exiting (a room answers for longer than a worker's idle
    time before its first report), started from the pages' environment (their thread limits)."""
    return ReportQueue(plan.report_spool, owner=owner, idle_exit=float("inf"), env=plan.servers[0].env)


def start_report_worker(queue: ReportQueue) -> threading.Thread:
    """Start the queue's worker in the background: its warm kernels take some 20 s to start, which
    neither the join URL nor the first page waits for. A worker that will not start is reported on
    stderr; the first click starts one again (and says why it cannot)."""

    def start() -> None:
        try:
            queue.ensure_worker()
        except OSError as exc:
            print(f"the report worker did not start ({exc}); the first report starts one", file=sys.stderr)

    thread = threading.Thread(target=start, name="report-worker", daemon=True)
    thread.start()
    return thread


class _Stop(Exception):
    """Ctrl-C or SIGTERM: stop the servers, no traceback."""


def _raise_stop(signum: int, frame: Any) -> None:
    raise _Stop


def _answering(server: Server) -> bool:
    parts = urlsplit(server.base)
    host = "127.0.0.1" if server.role == "facilitator" else (parts.hostname or "127.0.0.1")
    try:
        with socket.create_connection((host, parts.port or 80), timeout=1):
            return True
    except OSError:
        return False


def serve(**options: Any) -> int:  # pragma: no cover - exercised through the browser tests
    """Start the servers (their output to logs in their private folder), print where to go once they
    answer, show the room's count as it changes, and stop them all when one stops, on Ctrl-C or SIGTERM."""
    plan = prepare(**options)
    assert plan.workdir is not None
    logs = {s.role: plan.workdir / f"{s.role}.log" for s in plan.servers}
    procs: list[subprocess.Popen[bytes]] = []
    queue: ReportQueue | None = None
    warming: threading.Thread | None = None
    previous = {signum: signal.signal(signum, _raise_stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    code = 0
    began = time.monotonic()
    try:
        for s in plan.servers:
            with logs[s.role].open("wb") as out:  # the child keeps its own descriptor
                # a session of its own: Ctrl-C reaches `serve` only, which stops the servers in order
                procs.append(subprocess.Popen(s.command, env=s.env, cwd=s.cwd, stdout=out,
                                              stderr=subprocess.STDOUT, start_new_session=True))
        if plan.report_worker:
            queue = report_queue(plan, procs[0].pid)
            warming = start_report_worker(queue)
        waiting = list(plan.servers)
        while waiting:
            failed = next((p for p in procs if p.poll() is not None), None)
            if failed is not None:
                role = plan.servers[procs.index(failed)].role
                tail = logs[role].read_text(errors="replace").strip().splitlines()[-15:]
                print(f"the {role} server stopped while starting (log: {logs[role]}):", *tail, sep="\n",
                      file=sys.stderr)
                return 1
            waiting = [s for s in waiting if not _answering(s)]
            time.sleep(0.2)
        print(f"  server logs: {plan.workdir}", describe(plan), sep="\n", flush=True)
        shown, warm = "", not plan.preheated
        while all(p.poll() is None for p in procs):
            time.sleep(1)
            status = plan.status_file
            if status is not None and status.exists():
                now = read_status(status)
                line = room_line(now)
                if line != shown:
                    print(line, flush=True)
                    shown = line
                if not warm and (said := warm_line(now, time.monotonic() - began)):
                    print(said, flush=True)
                    warm = True
        code = next(p.returncode for p in procs if p.returncode is not None)
        print(f"a server stopped (exit {code}); log: {plan.workdir}", file=sys.stderr)
    except _Stop:
        pass
    finally:
        for signum in previous:
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C does not interrupt the stopping
        for p in procs:
            if p.poll() is None:
                p.terminate()  # Voila stops its kernels on SIGTERM
        if queue is not None:  # the worker (whoever started it) and its kernels, while the servers stop
            if warming is not None:
                warming.join(timeout=60)
            queue.stop_worker()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print("Stopped the workbook's servers.", flush=True)
    return code
