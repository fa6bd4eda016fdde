"""A room at once: N participants as protocol-level clients against `mlops-workbook serve`, and the naive way.

    python benchmarks/bench_room.py room [--participants 20 40] [--pool N] [--busy] [--naive]
    python benchmarks/bench_room.py threads [--busy]
    python benchmarks/bench_room.py release [--participants 40] [--kill 20] [--grace 60] [--silent] [--busy]
    python benchmarks/bench_room.py landing [--visitors 10] [--busy]
    python benchmarks/bench_room.py pages [--pool 1] [--repeat 3] [--busy]
    python benchmarks/bench_room.py issue19 [--busy]     # pages, then room 20 (serve's pool), then release 40 kill 20

"First usable widget" (every mode): from the page's GET until its widget states have come over the
kernel websocket (ipywidgets' control comm), the moment a browser can draw the widgets and take a click;
the page's HTML having its first widget output is printed beside it. `--busy` keeps the other core
busy (`python -c 'while 1: pass'`) for the whole run.

`room`: `serve --max-participants N` with `--pool` only when given (else serve's default: the room
pre-heated). The join burst starts once `serve` has printed "room warm" (its pools ready, when a
facilitator shares the join link) and the machine has settled; printed: how long after start `serve`
said so. Each participant is what a browser does on the wire, without a browser laying out the page
on the server's own two cores: HTTP GET of the assessment page with `?team=...` (the token in the
query, the login cookie after), then the kernel websocket `/api/kernels/<id>/channels`, the widget
states through ipywidgets' control comm, and 10 clicks as widget `update` messages on the
ToggleButtons whose DOM class is `criterion-<criterion id>`. Each click waits until its answer is in
the team's file (the answers folder is polled). Printed per run: time to first widget (p50, p95,
worst), click-to-saved (p50, p95), peak kernels, RSS per kernel (median, psutil over the server's
children), answers lost (clicked but not in the file at the end; must be 0), pages refused.
`--naive` adds plain `voila notebooks/` with Voila's default configuration (no pool, no limits, no
thread limits) on the same clients.

`release`: N participants open the assessment and hold their kernel websocket (widget states received);
then K of them vanish with no goodbye (the TCP connection aborted, no close frame, no unload beacon:
what a killed browser or a lost network leaves). Printed: first-widget times, how long until the
facilitator's `room.json` shows their places free (the grace period plus the shutdown), and whether
the N-K others kept theirs. `--silent`: the K stop reading instead (a network gone: no pong, no
close); the server notices by its websocket pings (`serve` sets 10 s: closed after 30 s), then the grace.

`landing`: V visitors open the landing page at once: `serve`'s static page, and the 00_start notebook
as plain `voila notebooks/` renders it (what the landing was: a kernel per visit). Printed: time to
the whole page (p50, worst) and the kernels it left running.

`pages`: one participant opens the assessment, then the lab, and the facilitator the dashboard, one at a
time, each run on a fresh `serve` room with its pool settled: the first usable widget per page (median of
the runs). `room` prints the peak kernel count against participants + pool, which it must not exceed.

`threads`: `simulate()` in a fresh process with OpenBLAS/OpenMP's default threads and with one.

Everything binds 127.0.0.1 and is stopped at the end; loops are bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

from _load import other_core_busy  # benchmarks/ is on sys.path when a benchmark runs

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-room-token-0123456789"
CLICKS = 10
CHOICES = ["yes", "partial", "no", "n/a"]
PAGE_TIMEOUT = 300.0
SAVE_TIMEOUT = 60.0
PARTICIPANT_TIMEOUT = 600.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]




# --------------------------------------------------------------------------- server


@dataclass
class Started:
    proc: subprocess.Popen
    base: str
    answers: Path
    token: str | None
    began: float = 0.0  # time.perf_counter() when the server process started


LAB_POOL = 1  # serve's default: one lab kernel pre-heated beside the assessment's pool


def start_server(kind: str, tmp: Path, participants: int, pool: int | None,
                 extra: tuple[str, ...] = ()) -> Started:
    answers = tmp / "answers"
    answers.mkdir()
    port = free_port()
    log = open(tmp / f"{kind}.log", "w")  # noqa: SIM115 - the server writes it until stopped
    env = dict(os.environ, PYTHONPATH=str(ROOT), MLOPS_WORKBOOK_ANSWERS_DIR=str(answers),
               MLOPS_WORKBOOK_REPORTS_DIR=str(tmp / "reports"))
    if kind == "ours":
        command = [sys.executable, "-m", "mlops_workbook", "serve", "--port", str(port), "--token", TOKEN,
                   "--facilitator-port", str(free_port()), *(("--pool", str(pool)) if pool is not None else ()),
                   "--lab-pool", str(LAB_POOL), "--max-participants", str(participants), "--cull-idle", "0",
                   "--answers-dir", str(answers), *extra]
        token = TOKEN
    else:  # plain Voila, default configuration (started in an empty folder: no voila.json)
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.pop(name, None)
        cwd = tmp / "naive"
        cwd.mkdir()
        command = [sys.executable, "-m", "voila", str(ROOT / "notebooks"), "--no-browser", f"--port={port}",
                   "--Voila.ip=127.0.0.1"]
        token = None
    began = time.perf_counter()
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
                            cwd=str(tmp / "naive") if kind == "naive" else None)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/voila/static/voila.js", timeout=5)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((tmp / f"{kind}.log").read_text()[-2000:]) from None
            time.sleep(0.5)
    if kind == "ours" and not report_worker_ready(tmp / "reports"):
        print("note: the report worker was not warm within 300 s; measuring anyway", flush=True)
    return Started(proc, base, answers, token, began)


def stop_server(started: Started) -> None:
    try:
        os.killpg(started.proc.pid, signal.SIGTERM)
        started.proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(started.proc.pid, signal.SIGKILL)
        started.proc.wait()
    except ProcessLookupError:
        pass


def kernels_of(pid: int) -> list:
    """The participants' page kernels under `pid`: its descendant ipykernels, without the report
    worker's (`serve` starts the report queue's worker, whose warm kernels are no page's and take no
    place) and without the facilitator's server's."""
    import psutil

    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []
    from mlops_workbook.server.serve import ROLE_ENV

    reports: set[int] = set()
    for proc in children:
        command = " ".join(_cmdline(proc))
        try:
            # the report worker's kernels, and the facilitator's server's (its pre-heated dashboard):
            # no participant's page, no place in the room
            if "mlops_workbook.report.queue" in command or (
                    "room_server" in command and proc.environ().get(ROLE_ENV) == "facilitator"):
                reports.update(p.pid for p in proc.children(recursive=True))
        except psutil.Error:
            pass
    return [p for p in children if p.pid not in reports and "ipykernel_launcher" in " ".join(_cmdline(p))]


def report_worker_ready(reports: Path, seconds: float = 300) -> bool:
    """Wait until the report worker `serve` started is warm, as it is when a room starts joining
    minutes after `serve` (its start-up would otherwise compete with the first pages)."""
    from mlops_workbook import settings
    from mlops_workbook.report.queue import ReportQueue

    queue = ReportQueue(settings.report_queue_dir(reports))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if queue.worker().get("state") == "ready":
            return True
        time.sleep(0.5)
    return False


def _cmdline(proc) -> list[str]:
    try:
        return proc.cmdline()
    except Exception:  # noqa: BLE001 - a process gone between listing and reading
        return []


WARM = re.compile(r"room warm: (\d+) pre-heated kernels? ready (\d+) s after start")


def wait_warm(log: Path, seconds: float = 600) -> tuple[int, float] | None:
    """Wait for the line `serve` prints when its pools are warm (when a facilitator shares the join
    link): (pre-heated kernels, seconds after `serve` started), None if it never came."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        match = WARM.search(log.read_text(errors="replace"))
        if match:
            return int(match.group(1)), float(match.group(2))
        time.sleep(0.5)
    return None


def settle(pid: int, want: int, seconds: float = 300) -> None:
    """Wait for the pool's kernels and their pre-execution to finish (CPU quiet)."""
    import psutil

    deadline = time.monotonic() + seconds
    while len(kernels_of(pid)) < want and time.monotonic() < deadline:
        time.sleep(1)
    quiet = 0
    while quiet < 3 and time.monotonic() < deadline:
        busy = 0.0
        for proc in kernels_of(pid):
            try:
                busy += proc.cpu_percent(interval=None)
            except psutil.Error:
                pass
        time.sleep(1)
        quiet = quiet + 1 if busy < 10 else 0


# --------------------------------------------------------------------------- one participant


@dataclass
class Result:
    team: str
    first_widget: float | None = None  # the page's HTML has its first widget output
    usable: float | None = None  # ... and the widget states came over the kernel's websocket
    refused: bool = False
    error: str = ""
    clicks: dict[str, str] = field(default_factory=dict)  # criterion -> answer clicked
    saved: list[float] = field(default_factory=list)  # click-to-saved seconds


class AnswersWatcher:
    """Polls the answers folder; remembers when each (team, criterion, answer) first appeared."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.seen: dict[tuple[str, str, str], float] = {}
        self._mtimes: dict[Path, float] = {}

    def scan(self) -> None:
        for path in self.folder.glob("*.json"):
            try:
                mtime = path.stat().st_mtime
                if self._mtimes.get(path) == mtime:
                    continue
                data = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            self._mtimes[path] = mtime
            now = time.perf_counter()
            for cid, answer in _answers_in(data):
                self.seen.setdefault((str(data.get("team")), cid, answer), now)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.scan()
            await asyncio.sleep(0.05)


def _answers_in(data) -> list[tuple[str, str]]:
    """(criterion, answer) pairs wherever the file keeps them (one or several rubrics' answers)."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and value in CHOICES:
                found.append((key, value))
            elif isinstance(value, dict) and isinstance(value.get("answer"), str):
                found.append((key, value["answer"]))
            else:
                found += _answers_in(value)
    elif isinstance(data, list):
        for item in data:
            found += _answers_in(item)
    return found


def _fetch_page(url: str, jar: CookieJar) -> tuple[int, float | None, str, float]:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    start = time.perf_counter()
    first = None
    body = b""
    try:
        with opener.open(url, timeout=PAGE_TIMEOUT) as response:
            status = response.status
            while chunk := response.read(65536):
                body += chunk
                if first is None and b"application/vnd.jupyter.widget-view+json" in body:
                    first = time.perf_counter() - start
    except urllib.error.HTTPError as exc:
        return exc.code, None, exc.read().decode(errors="replace"), time.perf_counter() - start
    return status, first, body.decode(errors="replace"), time.perf_counter() - start


def _message(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> str:
    return json.dumps({"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session,
                                  "username": "bench", "date": "", "version": "5.3"},
                       "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell",
                       "buffers": []})


def _decode(raw) -> dict | None:
    if isinstance(raw, str):
        return json.loads(raw)
    n = int.from_bytes(raw[:4], "big")  # legacy binary frame: count, offsets, JSON, buffers
    offsets = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(n)]
    end = offsets[1] if n > 1 else len(raw)
    return json.loads(raw[offsets[0]:end])


@dataclass
class Opened:
    """A page as a browser opens it: the HTML (its first widget output), then the kernel websocket and
    the widget states over ipywidgets' control comm. `usable`: seconds from the request until the
    states arrived, the moment a browser can draw the widgets and take a click (first usable widget)."""

    status: int
    first_widget: float | None = None
    usable: float | None = None
    error: str = ""
    session: str = ""
    ws: object = None
    states: dict = field(default_factory=dict)


async def open_page(base: str, token: str | None, path: str, query: str = "") -> Opened:
    """GET `path` (a /voila/render/ page), connect its kernel, receive its widget states; the socket
    stays open in the result (the caller closes it, or aborts it as a killed browser would)."""
    import websockets

    jar = CookieJar()
    query = "&".join(q for q in (query, f"token={token}" if token else "") if q)
    began = time.perf_counter()
    status, first, body, _ = await asyncio.to_thread(_fetch_page, f"{base}{path}" + (f"?{query}" if query else ""), jar)
    opened = Opened(status, first)
    if status != 200:
        opened.error = f"HTTP {status}"
        return opened
    kernel_id = _kernel_id(body)
    if not kernel_id:
        opened.error = f"no kernel id in the page (HTTP {status})"
        return opened
    opened.session = session = uuid.uuid4().hex
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    ws_url = base.replace("http", "ws") + f"/api/kernels/{kernel_id}/channels?session_id={session}"
    if token:
        ws_url += f"&token={token}"
    opened.ws = ws = await websockets.connect(ws_url, additional_headers={"Cookie": cookies}, max_size=2**26,
                                              open_timeout=60)
    control = uuid.uuid4().hex
    await ws.send(_message("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control",
                                         "data": {}}, session, {"version": "1.0.0"}))
    await ws.send(_message("comm_msg", {"comm_id": control, "data": {"method": "request_states"}}, session))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        msg = _decode(await asyncio.wait_for(ws.recv(), timeout=120))
        if msg and msg.get("msg_type") == "comm_msg" and msg["content"].get("comm_id") == control:
            data = msg["content"]["data"]
            if data.get("method") == "update_states":
                opened.states = data["states"]
                opened.usable = time.perf_counter() - began
                return opened
    opened.error = "no widget states"
    return opened


async def participant(base: str, token: str | None, i: int, watcher: AnswersWatcher, result: Result) -> Result:
    """One participant; fills `result` as it goes, so a participant cut off by the time limit keeps its
    measurements so far."""
    team = result.team
    opened = await open_page(base, token, "/voila/render/01_assessment.ipynb", f"team={team}")
    if opened.status == 503:
        result.refused = True
        return result
    result.first_widget, result.usable = opened.first_widget, opened.usable
    if opened.ws is None or opened.usable is None:
        result.error = opened.error
        if opened.ws is not None:
            await opened.ws.close()
        return result
    ws, session, states = opened.ws, opened.session, opened.states
    async with ws:
        toggles = {}
        for model_id, entry in states.items():
            state = entry.get("state", entry)
            for cls in state.get("_dom_classes", []):
                if cls.startswith("criterion-") and state.get("_model_name") == "ToggleButtonsModel":
                    toggles[cls.removeprefix("criterion-")] = (model_id, state.get("_options_labels", CHOICES))
        if len(toggles) < CLICKS:
            result.error = f"{len(toggles)} criteria found, need {CLICKS}"
            return result
        drain = asyncio.create_task(_drain(ws))
        try:
            for k, (cid, (model_id, labels)) in enumerate(sorted(toggles.items())[:CLICKS]):
                answer = CHOICES[k % 3]
                result.clicks[cid] = answer
                clicked = time.perf_counter()
                await ws.send(_message("comm_msg", {"comm_id": model_id, "data": {
                    "method": "update", "state": {"index": list(labels).index(answer)}, "buffer_paths": []}}, session, {"version": "2.1.0"}))
                while (team, cid, answer) not in watcher.seen and time.perf_counter() - clicked < SAVE_TIMEOUT:
                    await asyncio.sleep(0.02)
                seen = watcher.seen.get((team, cid, answer))
                if seen is not None:
                    result.saved.append(max(0.0, seen - clicked))
        finally:
            drain.cancel()
    return result


def _kernel_id(body: str) -> str | None:
    match = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', body) or re.search(
        r"kernel[_-]?[iI]d[\"']?\s*[:=]\s*[\"']([0-9a-f-]{36})", body)
    return match.group(1) if match else None


async def _drain(ws) -> None:
    try:
        async for _ in ws:
            pass
    except Exception:  # noqa: BLE001, S110 - closed at the end
        pass


def answers_lost(results: list[Result], folder: Path) -> int:
    final: dict[str, dict[str, str]] = {}
    for path in folder.glob("*.json"):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        final.setdefault(str(data.get("team")), {}).update(dict(_answers_in(data)))
    return sum(1 for r in results for cid, answer in r.clicks.items() if final.get(r.team, {}).get(cid) != answer)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else float("nan")


async def run_room(kind: str, participants: int, pool: int | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-room-") as tmp_name:
        tmp = Path(tmp_name)
        started = start_server(kind, tmp, participants, pool)
        peak = 0
        try:
            warm, preheated, settled = float("nan"), pool, float("nan")
            if kind == "ours":
                # the join burst starts once `serve` says the room is warm, as a facilitator shares the
                # link then; then the machine settles (the pools' notebooks and the report worker done)
                said = wait_warm(tmp / "ours.log")
                if said is None:
                    print("note: serve never said the room is warm within 600 s; measuring anyway", flush=True)
                else:
                    preheated, warm = said
                settle(started.proc.pid, preheated or 0)
                settled = time.perf_counter() - started.began
            watcher = AnswersWatcher(started.answers)
            stop = asyncio.Event()
            watching = asyncio.create_task(watcher.run(stop))

            async def count_kernels() -> None:
                nonlocal peak
                while not stop.is_set():
                    peak = max(peak, len(await asyncio.to_thread(kernels_of, started.proc.pid)))
                    await asyncio.sleep(0.5)

            counting = asyncio.create_task(count_kernels())
            began = time.perf_counter()
            results = [Result(f"bench-{i:02d}") for i in range(participants)]

            async def bounded(i: int) -> None:
                try:
                    await asyncio.wait_for(participant(started.base, started.token, i, watcher, results[i]),
                                           timeout=PARTICIPANT_TIMEOUT)
                except Exception as exc:  # noqa: BLE001 - recorded, the others go on
                    results[i].error = results[i].error or f"{type(exc).__name__} {exc}"[:120]

            await asyncio.gather(*(bounded(i) for i in range(participants)))
            wall = time.perf_counter() - began
            await asyncio.sleep(1)
            watcher.scan()
            rss = sorted(p.memory_info().rss / 2**20 for p in kernels_of(started.proc.pid))
            stop.set()
            await asyncio.gather(watching, counting)
        finally:
            stop_server(started)
        done = results
        firsts = [r.first_widget for r in done if r.first_widget is not None]
        usable = [r.usable for r in done if r.usable is not None]
        saved = [s for r in done for s in r.saved]
        return {"kind": kind, "participants": participants, "preheated": preheated if kind == "ours" else 0,
                "pool": ("default" if pool is None else pool) if kind == "ours" else 0,
                "served": len(firsts), "refused": sum(r.refused for r in done),
                "errors": [r.error for r in done if r.error],
                "first_p50": pct(firsts, .5), "first_p95": pct(firsts, .95), "first_max": max(firsts or [float("nan")]),
                "usable_p50": pct(usable, .5), "usable_p95": pct(usable, .95),
                "usable_max": max(usable or [float("nan")]),
                "saved_p50": pct(saved, .5), "saved_p95": pct(saved, .95), "clicks": len(saved),
                "peak_kernels": peak, "rss_median": statistics.median(rss) if rss else float("nan"),
                "lost": answers_lost(done, started.answers), "wall": wall, "warm": warm, "settled": settled}


def print_row(r: dict, busy: bool) -> None:
    # kernels never above participants + the pools (ours): as given, or serve's default (the room's size)
    bound = r["participants"] + (r["pool"] + LAB_POOL if isinstance(r["pool"], int) else (r["preheated"] or 0))
    kernels = (f"peak kernels {r['peak_kernels']} ({'within' if r['peak_kernels'] <= bound else 'ABOVE'} "
               f"participants + pools = {bound})") if r["kind"] == "ours" else f"peak kernels {r['peak_kernels']}"
    print(f"{r['kind']:<6} N={r['participants']:<3} pool={r['pool']!s:<3} other core {'busy' if busy else 'idle'}: "
          f"served {r['served']}, refused {r['refused']}; first usable widget p50 {r['usable_p50']:.1f} s, "
          f"p95 {r['usable_p95']:.1f} s, worst {r['usable_max']:.1f} s (first widget in the HTML p50 "
          f"{r['first_p50']:.1f} s, p95 {r['first_p95']:.1f} s); click-to-saved p50 {r['saved_p50']:.2f} s, "
          f"p95 {r['saved_p95']:.2f} s ({r['clicks']} clicks); {kernels}; "
          f"RSS/kernel {r['rss_median']:.0f} MiB; answers lost {r['lost']}; wall {r['wall']:.0f} s; "
          f"serve said 'room warm' ({r['preheated']} pre-heated) {r['warm']:.0f} s after start, machine "
          f"settled at {r['settled']:.0f} s; the burst began then"
          + (f"; errors: {r['errors'][:3]}" if r["errors"] else ""), flush=True)


# --------------------------------------------------------------------------- places that free themselves


async def hold(base: str, token: str, team: str) -> tuple[float | None, object]:
    """One participant who opens the assessment and keeps its kernel websocket open (widget states
    received, as a page does); returns the first-usable-widget time and the open socket."""
    opened = await open_page(base, token, "/voila/render/01_assessment.ipynb", f"team={team}")
    if opened.usable is None:
        if opened.ws is not None:
            await opened.ws.close()
        raise RuntimeError(opened.error)
    return opened.usable, opened.ws


def room_status(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


async def run_release(participants: int, kill: int, grace: float, pool: int, silent: bool = False) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-release-") as tmp_name:
        tmp = Path(tmp_name)
        started = start_server("ours", tmp, participants, pool, ("--grace", str(grace)))
        try:
            settle(started.proc.pid, pool)
            deadline = time.monotonic() + 60
            log = tmp / "ours.log"
            while "04_workshop_dashboard" not in log.read_text() and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            dashboard = next(w for w in log.read_text().split() if "04_workshop_dashboard" in w)
            status_url = dashboard.replace("voila/render/04_workshop_dashboard.ipynb", "mlops-workbook/room.json")
            began = time.perf_counter()
            held = await asyncio.gather(*(hold(started.base, TOKEN, f"release-{i:02d}")
                                          for i in range(participants)), return_exceptions=True)
            opened = time.perf_counter() - began
            sockets = [h[1] for h in held if not isinstance(h, BaseException)]
            errors = [str(h)[:80] for h in held if isinstance(h, BaseException)]
            firsts = [h[0] for h in held if not isinstance(h, BaseException) and h[0] is not None]
            await asyncio.sleep(1)
            before = room_status(status_url)
            killed = time.perf_counter()
            for ws in sockets[:kill]:
                if silent:
                    ws.transport.pause_reading()  # the network is gone: no pong, no close, no beacon
                else:
                    ws.transport.abort()  # no close frame, no beacon: the browser is gone
            freed = None
            want = before["taken"] - min(kill, len(sockets))
            while time.perf_counter() - killed < grace + 120:
                now = await asyncio.to_thread(room_status, status_url)
                if now["taken"] <= want:
                    freed = time.perf_counter() - killed
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(5)
            after = room_status(status_url)
            kernels_after = len(kernels_of(started.proc.pid))
            for ws in sockets[kill:]:
                await ws.close()
        finally:
            stop_server(started)
        return {"participants": participants, "kill": kill, "grace": grace, "opened": len(sockets),
                "errors": errors, "open_wall": opened, "first_p50": pct(firsts, .5), "first_p95": pct(firsts, .95),
                "first_max": max(firsts or [float("nan")]), "before": before, "after": after, "freed": freed,
                "kernels_after": kernels_after, "pool": pool, "how": "silent" if silent else "aborted"}


def print_release(r: dict, busy: bool) -> None:
    freed = f"{r['freed']:.1f} s" if r["freed"] is not None else "not within grace + 120 s"
    print(f"release N={r['participants']} {r['how']} {r['kill']} grace {r['grace']:g} s pool {r['pool']} other core "
          f"{'busy' if busy else 'idle'}: {r['opened']} opened in {r['open_wall']:.0f} s, first usable widget p50 "
          f"{r['first_p50']:.1f} s, p95 {r['first_p95']:.1f} s, worst {r['first_max']:.1f} s; places free "
          f"after {freed}; before {r['before']}, 5 s after {r['after']}; kernels left {r['kernels_after']}"
          + (f"; errors: {r['errors'][:3]}" if r["errors"] else ""), flush=True)


async def run_landing(kind: str, visitors: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-landing-") as tmp_name:
        tmp = Path(tmp_name)
        started = start_server(kind, tmp, 0, 0)
        try:
            path = "/mlops-workbook/start" if kind == "ours" else "/voila/render/00_start.ipynb"
            url = started.base + path + (f"?token={started.token}" if started.token else "")
            pages = await asyncio.gather(*(asyncio.to_thread(_fetch_page, url, CookieJar()) for _ in range(visitors)))
            await asyncio.sleep(1)
            kernels = len(kernels_of(started.proc.pid))
        finally:
            stop_server(started)
    times = [p[3] for p in pages if p[0] == 200]
    return {"kind": kind, "visitors": visitors, "ok": len(times), "p50": pct(times, .5),
            "worst": max(times or [float("nan")]), "kernels": kernels}


# --------------------------------------------------------------------------- one participant's pages


PAGES = (("assessment", "participants", "/voila/render/01_assessment.ipynb", "team=bench-one"),
         ("lab", "participants", "/voila/render/02_drift_gating_lab.ipynb", ""),
         ("dashboard", "facilitator", "/voila/render/04_workshop_dashboard.ipynb", ""))


def facilitator_of(log: Path, seconds: float = 60) -> tuple[str, str]:
    """The facilitator's server (base URL, token) from the dashboard URL `serve` printed."""
    from urllib.parse import parse_qs, urlsplit

    deadline = time.monotonic() + seconds
    while "04_workshop_dashboard" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    url = urlsplit(next(w for w in log.read_text().split() if "04_workshop_dashboard" in w))
    return f"{url.scheme}://{url.netloc}", parse_qs(url.query)["token"][0]


async def run_pages(pool: int) -> dict:
    """One participant opens the assessment, then the lab, and the facilitator the dashboard, one at a
    time, on a fresh `serve` (a room: token, its pool settled, so the assessment gets a pre-heated kernel
    as the first participant of a room does). Seconds to the first usable widget per page."""
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp_name:
        tmp = Path(tmp_name)
        started = start_server("ours", tmp, 0, pool)
        try:
            settle(started.proc.pid, pool)
            servers = {"participants": (started.base, started.token), "facilitator": facilitator_of(tmp / "ours.log")}
            out = {}
            for name, side, path, query in PAGES:
                base, token = servers[side]
                opened = await open_page(base, token, path, query)
                if opened.ws is not None:
                    await opened.ws.close()
                out[name] = {"usable": opened.usable, "first": opened.first_widget, "error": opened.error}
            out["kernels"] = len(kernels_of(started.proc.pid))
        finally:
            stop_server(started)
    return out


def print_pages(runs: list[dict], pool: int, busy: bool) -> None:
    """Per page: the median first usable widget over the runs (each run a fresh server), and each run's."""
    for name, *_ in PAGES:
        usable = [r[name]["usable"] for r in runs if r[name]["usable"] is not None]
        firsts = [r[name]["first"] for r in runs if r[name]["first"] is not None]
        errors = [r[name]["error"] for r in runs if r[name]["error"]]
        print(f"pages {name:<10} one participant, pool {pool}, other core {'busy' if busy else 'idle'}: first usable "
              f"widget median {statistics.median(usable) if usable else float('nan'):.2f} s (runs "
              f"{', '.join(f'{u:.2f}' for u in usable)}); first widget in the HTML median "
              f"{statistics.median(firsts) if firsts else float('nan'):.2f} s"
              + (f"; errors: {errors[:3]}" if errors else ""), flush=True)
    print(f"pages: kernels left after the three pages {[r['kernels'] for r in runs]}", flush=True)


# --------------------------------------------------------------------------- threads


SIMULATE = ("import time; from mlops_workbook.simulation import simulate; t = time.perf_counter(); simulate(seed=1); "
            "print(time.perf_counter() - t)")
SIMULATE_TIMEOUT = 300


def time_simulate(one_thread: bool) -> float:
    """`simulate()` once, after the imports, in a fresh process; inf when over SIMULATE_TIMEOUT."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                                "MKL_NUM_THREADS")}
    env["PYTHONPATH"] = str(ROOT)
    if one_thread:
        from mlops_workbook.server.serve import thread_limits

        env = thread_limits(env)
    try:
        out = subprocess.run([sys.executable, "-c", SIMULATE], env=env, capture_output=True, text=True,
                             timeout=SIMULATE_TIMEOUT, check=True)
    except subprocess.TimeoutExpired:
        return float("inf")
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    room = sub.add_parser("room")
    room.add_argument("--participants", type=int, nargs="+", default=[20, 40])
    room.add_argument("--pool", type=int, default=None,
                      help="serve --pool (default: not given, serve's own default: the room pre-heated)")
    room.add_argument("--busy", action="store_true", help="keep the other core busy")
    room.add_argument("--naive", action="store_true", help="also plain voila with its default configuration")
    release = sub.add_parser("release")
    release.add_argument("--participants", type=int, default=40)
    release.add_argument("--kill", type=int, default=20)
    release.add_argument("--grace", type=float, default=60)
    release.add_argument("--pool", type=int, default=2)
    release.add_argument("--silent", action="store_true", help="the K stop reading instead of aborting")
    release.add_argument("--busy", action="store_true")
    landing = sub.add_parser("landing")
    landing.add_argument("--visitors", type=int, default=10)
    landing.add_argument("--busy", action="store_true")
    pages = sub.add_parser("pages", help="one participant: first usable widget of the assessment, the lab, "
                                         "the dashboard")
    pages.add_argument("--pool", type=int, default=1)
    pages.add_argument("--repeat", type=int, default=3, help="runs, each on a fresh server")
    pages.add_argument("--busy", action="store_true", help="keep the other core busy")
    everything = sub.add_parser("issue19", help="the figures issue 19 asks for, in one go: pages, 20 joining "
                                                "at once, 20 of 40 killed (add --busy for the other core busy)")
    everything.add_argument("--busy", action="store_true", help="keep the other core busy")
    everything.add_argument("--repeat", type=int, default=3)
    threads = sub.add_parser("threads")
    threads.add_argument("--busy", action="store_true")
    threads.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.what == "pages":
        with other_core_busy(args.busy):
            print_pages([asyncio.run(run_pages(args.pool)) for _ in range(args.repeat)], args.pool, args.busy)
        return
    if args.what == "issue19":
        with other_core_busy(args.busy):
            print_pages([asyncio.run(run_pages(1)) for _ in range(args.repeat)], 1, args.busy)
            print_row(asyncio.run(run_room("ours", 20, None)), args.busy)
            print_release(asyncio.run(run_release(40, 20, 60, 2)), args.busy)
        return
    if args.what == "release":
        with other_core_busy(args.busy):
            print_release(asyncio.run(run_release(args.participants, args.kill, args.grace, args.pool,
                                                  args.silent)), args.busy)
        return
    if args.what == "landing":
        with other_core_busy(args.busy):
            for kind in ("ours", "naive"):
                r = asyncio.run(run_landing(kind, args.visitors))
                print(f"landing {r['kind']:<6} {r['visitors']} visitors at once, other core "
                      f"{'busy' if args.busy else 'idle'}: {r['ok']} pages, whole page p50 {r['p50']:.2f} s, "
                      f"worst {r['worst']:.2f} s; kernels left running {r['kernels']}", flush=True)
        return
    if args.what == "threads":
        with other_core_busy(args.busy):
            for one in (True, False):
                times = [time_simulate(one) for _ in range(args.repeat)]
                print(f"simulate() with {'1 thread' if one else 'default threads'}, other core "
                      f"{'busy' if args.busy else 'idle'}: median {statistics.median(times):.2f} s "
                      f"(runs {', '.join(f'{t:.2f}' for t in times)})", flush=True)
        return
    with other_core_busy(args.busy):
        for n in args.participants:
            for kind in (["ours", "naive"] if args.naive else ["ours"]):
                print_row(asyncio.run(run_room(kind, n, args.pool)), args.busy)


if __name__ == "__main__":
    main()
