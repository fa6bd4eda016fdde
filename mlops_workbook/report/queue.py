"""The report queue: "Create my report" from every participant's kernel on a machine, made by one worker
that keeps warm report kernels and one shared simulation, as the batch does.

Why: each click used to start a child process, a fresh kernel and the report's imports, and simulate
again; four teams clicking together waited 91-96 s while the CLI's batch writes 8 reports in 34 s. A
participant's kernel now writes a job file and polls; one worker per spool folder (started by the
first kernel that submits, restarted by any kernel that finds it dead) makes the reports with
`batch`'s warm kernels, and keeps the last reports' times so the page can say how long it will take.

The spool folder (`settings.report_queue_dir`) holds:

    queue/<id>.json     waiting jobs; <id> starts with the submission time in ns: name order is arrival order
    running/<id>.json   jobs a worker slot is making (with the time it started)
    done/<id>.json      results: the report's file name or one line saying why it failed
    times.json          the last reports' run times and the worker's start-up time (the estimates)
    simulation/<digest> the report's simulation, made by the first worker, kept for the next (the key is a
                        digest of the package's code: a changed package simulates again)
    worker.json         the live worker: pid, slots, "starting" or "ready"
    worker.lock         held (flock) by the live worker for its whole life: a free lock means no worker
    start.lock          held by a kernel while it starts a worker, so only one starts

Every file appears complete (temp file + rename), and a job only moves forward (queue -> running ->
done), except that a worker starting up puts the jobs a dead worker left in `running/` back in line
(once: a job that was running when two workers died fails with one line).

Light on import (the standard library and `_files`): the participant's kernel loads neither papermill nor the
kernels' client; the worker's side loads in the worker process only.
"""

from __future__ import annotations

import argparse
import dataclasses
import heapq
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .._files import atomic_write_text

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no shared queue, see `ReportQueue.worker_alive`
    fcntl = None  # type: ignore[assignment]

MAX_SLOTS = 4  # reports made at once; more kernels than cores only makes each report slower
KEPT_TIMES = 20  # run times kept in times.json
TYPICAL_OF = 8  # the estimate is the median of this many last run times
IDLE_EXIT = 15 * 60.0  # an idle worker exits (its kernels hold ~250 MiB each); the next click starts one again
DONE_KEPT = 3600.0  # results nobody collected are removed after this long
WORKER_START_WAIT = 30.0  # how long a kernel waits for the worker it started to take the lock
ATTEMPTS = 2  # a job that was running when this many workers died fails


def _now() -> float:
    return time.time()


def _read_json(path: Path) -> dict[str, Any] | None:
    """A spool file's content, or None when it is gone (moved on) or not readable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    atomic_write_text(path, json.dumps(data))


def _lock_is_free(path: Path) -> bool:
    """Whether nobody holds an flock on `path` (tried and released at once)."""
    assert fcntl is not None
    path.touch(exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


# --------------------------------------------------------------------------- estimates


@dataclass(frozen=True)
class RecentTimes:
    """What the queue kept of the last reports: their run times (oldest first) and the worker's start-up."""

    durations: tuple[float, ...] = ()
    startup: float | None = None

    @property
    def typical(self) -> float | None:
        """The median of the last few run times (None before the first report on this spool)."""
        if not self.durations:
            return None
        return float(statistics.median(self.durations[-TYPICAL_OF:]))


def estimate_seconds(*, typical: float, running_elapsed: Sequence[float], ahead: int, slots: int,
                     startup_left: float = 0.0) -> float:
    """Seconds until a waiting report is ready: the running reports end when a typical report would,
    each of the `ahead` waiting ones takes the slot that frees first, then this one does.

    Why a model of the slots rather than `(ahead + 1) * typical / slots`: with two slots and two
    reports just started, the next one waits for a whole report, not half of one.
    """
    free = sorted(max(typical - e, 0.0) for e in running_elapsed)[:slots]
    free += [startup_left] * (max(slots, 1) - len(free))
    heapq.heapify(free)
    for _ in range(ahead):
        heapq.heappush(free, heapq.heappop(free) + typical)
    return heapq.heappop(free) + typical


# --------------------------------------------------------------------------- a job's state


@dataclass(frozen=True)
class JobStatus:
    """Where one submitted report stands, as the page shows it."""

    job: str
    state: str  # "queued", "running", "done" (the report is there) or "failed"
    ahead: int = 0  # reports that start before this one (waiting ones submitted earlier, plus running ones)
    slots: int = 1  # reports the worker makes at once
    estimate: float | None = None  # seconds until ready, from the last reports' times; None: nothing to go on
    elapsed: float = 0.0  # seconds since it was submitted
    running_for: float = 0.0  # seconds since the worker started it (0 until it runs)
    starting: bool = False  # the worker is still starting its kernels
    html: str | None = None  # the report's file name in the output folder (when done)
    team: str = ""
    error: str | None = None  # one line (when failed)

    @property
    def finished(self) -> bool:
        """Whether the job is over (done or failed): the page stops polling."""
        return self.state in ("done", "failed")


class ReportQueue:
    """The participant's side of the queue (and the facilitator's: `stop_worker`): submit, ask, wait.

    `worker_command` is what starts a worker (default: this Python running this module on the spool);
    tests name a runner that makes reports without kernels. `owner`: the process the worker leaves with
    (default: this process's parent, the server a participant's kernel runs under); `idle_exit`: how long
    an idle worker waits for reports; `env`: the environment the worker starts from (default: this
    process's). `serve` starts the worker before anyone clicks, owned by the participants' server and
    never idle-exiting, so the first "Create my report" finds warm kernels.
    """

    def __init__(self, spool: str | os.PathLike[str], *, worker_command: Sequence[str] | None = None,
                 owner: int | None = None, idle_exit: float | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        self.spool = Path(spool).absolute()
        # The owner is this kernel's parent: the Jupyter or Voila server every participant's kernel shares.
        # The worker leaves with it (a stopped `serve` leaves no kernels behind), not with this kernel.
        if owner is None:
            owner = os.getppid() if os.getppid() > 1 else 0
        self.worker_command = list(worker_command) if worker_command else [
            sys.executable, "-m", "mlops_workbook.report.queue", "--spool", str(self.spool), "--owner", str(owner),
            *(["--idle-exit", str(idle_exit)] if idle_exit is not None else [])]
        self.env = dict(env) if env is not None else None
        self._started: list[subprocess.Popen[bytes]] = []

    def _folder(self, name: str) -> Path:
        folder = self.spool / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    # ------------------------------------------------------------------ submitting

    def submit(self, answers: str | os.PathLike[str], out_dir: str | os.PathLike[str], *, rubric: str | None = None,
               team: str = "", timeout: float | None = None) -> str:
        """Put one report in line (the answers file the session saved, its rubric, where the HTML goes)
        and make sure a worker runs; returns the job's id."""
        job = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        _write_json(self._folder("queue") / f"{job}.json", {
            "id": job, "answers": str(Path(answers).absolute()), "out": str(Path(out_dir).absolute()),
            "rubric": rubric or "", "team": team, "timeout": timeout, "submitted": _now(), "attempts": 0,
        })
        self.ensure_worker()
        return job

    def cancel(self, job: str) -> bool:
        """Take a job out of line if it has not started (True if it was removed)."""
        try:
            (self.spool / "queue" / f"{job}.json").unlink()
            return True
        except FileNotFoundError:
            return False

    # ------------------------------------------------------------------ the worker

    def worker_alive(self) -> bool:
        """Whether a worker holds the spool's lock (the OS frees it when the worker dies, however it dies)."""
        if fcntl is None:  # pragma: no cover
            return False
        return not _lock_is_free(self._folder("") / "worker.lock")

    def worker(self) -> dict[str, Any]:
        """The live worker's pid, slots and state ("starting", "ready"); {} when none runs."""
        if not self.worker_alive():
            return {}
        return _read_json(self.spool / "worker.json") or {}

    def ensure_worker(self) -> bool:
        """Start a worker unless one runs; True if this call started it. Only one kernel starts it at a
        time (start.lock), and it waits until the worker holds its lock, so the next kernel sees it."""
        if fcntl is None:  # pragma: no cover
            raise OSError("the report queue needs flock (Linux or macOS)")
        for proc in self._started:
            proc.poll()  # reap a worker that exited (no zombie left in the participant's kernel)
        if self.worker_alive():
            return False
        with (self._folder("") / "start.lock").open("a") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            if self.worker_alive():
                return False
            from .batch import clean_environment

            env = clean_environment(self.env)
            package_parent = str(Path(__file__).resolve().parents[2])
            paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
            if package_parent not in paths:  # a kernel that imported the package from its folder
                env["PYTHONPATH"] = os.pathsep.join([package_parent, *paths])
            with (self.spool / "worker.log").open("ab") as log:
                proc = subprocess.Popen(self.worker_command, env=env, cwd=str(self.spool), stdin=subprocess.DEVNULL,
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            self._started.append(proc)
            deadline = time.monotonic() + WORKER_START_WAIT
            while proc.poll() is None and time.monotonic() < deadline:  # until it says who it is
                if self.worker_alive() and (_read_json(self.spool / "worker.json") or {}).get("pid") == proc.pid:
                    break
                time.sleep(0.05)
            return True

    def stop_worker(self, *, timeout: float = 30.0) -> bool:
        """Stop the live worker and what it started (its process group); True if one was running."""
        info = self.worker()
        pid = info.get("pid")
        if not pid:
            return False
        try:
            os.killpg(int(pid), signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            return False
        deadline = time.monotonic() + timeout
        while self.worker_alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.worker_alive():
            os.killpg(int(pid), signal.SIGKILL)
        for proc in self._started:
            proc.poll()
        return True

    def worker_log_tail(self) -> str:
        """The last line the worker wrote (why it would not start), '' when none."""
        try:
            lines = (self.spool / "worker.log").read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1] if lines else ""

    # ------------------------------------------------------------------ asking

    def times(self) -> RecentTimes:
        """The last reports' run times and the worker's start-up time, as the worker kept them."""
        data = _read_json(self.spool / "times.json") or {}
        startup = data.get("startup")
        return RecentTimes(tuple(float(d) for d in data.get("durations", ())),
                           float(startup) if startup is not None else None)

    def _jobs(self, name: str) -> list[tuple[str, dict[str, Any]]]:
        folder = self.spool / name
        found = []
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            data = _read_json(path)
            if data is not None:
                found.append((path.stem, data))
        return found

    def status(self, job: str) -> JobStatus:
        """Where `job` stands. Files are checked in the order a job moves (queue, running, done), so a
        job that moves while it is looked at is still found."""
        for _ in range(3):
            queued = _read_json(self.spool / "queue" / f"{job}.json")
            if queued is not None:
                return self._queued(job, queued)
            running = _read_json(self.spool / "running" / f"{job}.json")
            if running is not None:
                return self._running(job, running)
            done = _read_json(self.spool / "done" / f"{job}.json")
            if done is not None:
                ok = done.get("status") == "ok" and bool(done.get("html"))
                return JobStatus(job, "done" if ok else "failed", elapsed=_now() - float(done.get("submitted", _now())),
                                 html=done.get("html") if ok else None, team=str(done.get("team") or ""),
                                 error=None if ok else str(done.get("error") or "the report failed"))
            time.sleep(0.02)  # a worker starting up may be putting it back in line
        return JobStatus(job, "failed", error="the report queue has no such report (its folder was cleared)")

    def _context(self) -> tuple[int, bool, float, list[float], RecentTimes]:
        info = self.worker()
        slots = max(1, int(info.get("slots") or 1))
        times = self.times()
        starting = info.get("state") != "ready"
        startup_left = 0.0
        if starting:
            began = float(info.get("started") or _now())
            startup_left = max((times.startup or 0.0) - (_now() - began), 0.0)
        running = [_now() - float(data.get("started", _now())) for _, data in self._jobs("running")]
        return slots, starting, startup_left, running, times

    def _queued(self, job: str, data: dict[str, Any]) -> JobStatus:
        slots, starting, startup_left, running, times = self._context()
        before = sum(1 for other in sorted(p.stem for p in (self.spool / "queue").glob("*.json")) if other < job)
        typical = times.typical
        estimate = None
        if typical is not None and (not starting or times.startup is not None):
            estimate = estimate_seconds(typical=typical, running_elapsed=running, ahead=before, slots=slots,
                                        startup_left=startup_left)
        return JobStatus(job, "queued", ahead=before + len(running), slots=slots, estimate=estimate,
                         elapsed=_now() - float(data.get("submitted", _now())), starting=starting,
                         team=str(data.get("team") or ""))

    def _running(self, job: str, data: dict[str, Any]) -> JobStatus:
        typical = self.times().typical
        running_for = _now() - float(data.get("started", _now()))
        info = self.worker()
        return JobStatus(job, "running", slots=max(1, int(info.get("slots") or 1)),
                         estimate=None if typical is None else max(typical - running_for, 0.0),
                         elapsed=_now() - float(data.get("submitted", _now())), running_for=running_for,
                         team=str(data.get("team") or ""))

    def wait(self, job: str, *, timeout: float, poll: float = 0.5,
             on_status: Callable[[JobStatus], None] | None = None) -> JobStatus:
        """Poll until the job is over; a dead worker is restarted (its jobs go back in line), a report
        running longer than `timeout` or a worker that will not start ends the wait with one line."""
        failed_starts = 0
        while True:
            current = self.status(job)
            if current.finished:
                break
            if current.state == "running" and current.running_for > timeout:
                current = dataclasses.replace(current, state="failed",
                                              error=f"the report took longer than {timeout:.0f} s")
                break
            if not self.worker_alive():
                self.ensure_worker()
                if not self.worker_alive():
                    failed_starts += 1
                    if failed_starts >= 3:
                        self.cancel(job)
                        why = self.worker_log_tail() or "no output"
                        current = dataclasses.replace(current, state="failed",
                                                      error=f"the report worker does not start: {why}")
                        break
            if on_status is not None:
                on_status(current)
            time.sleep(poll)
        (self.spool / "done" / f"{job}.json").unlink(missing_ok=True)  # collected
        if on_status is not None:
            on_status(current)
        return current


# --------------------------------------------------------------------------- the worker


class Runner(Protocol):
    """What makes the reports inside the worker: `slots` at once, each job a dict from its job file;
    the future's result has the fields of `jobs.ReportOutcome` (status, html, team, error)."""

    slots: int

    def submit(self, job: Mapping[str, Any]) -> Future[Any]:
        """Start one report."""

    def close(self) -> None:
        """Stop the kernels."""


def code_digest() -> str:
    """A short digest of the package's source files (names, sizes, modification times): the key of the
    simulation a worker keeps in its spool, so an edited or upgraded package never reuses an old one."""
    import hashlib

    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


class WarmReports:
    """The batch's machinery kept running: worker processes with a warm kernel each (`kernel_pool._worker_init`,
    `kernel_pool._execute`), and the default simulation made once and kept in the spool (`simulation/<code
    digest>/`), so a worker started again after an idle exit or a crash does not simulate again."""

    def __init__(self, slots: int, spool: str | os.PathLike[str]) -> None:
        import shutil

        from ..simulation.from_context import team_simulation
        from . import batch, kernel_pool, prewarm, simcache

        self.slots = slots
        self._batch, self._pool_side, self._prewarm_module = batch, kernel_pool, prewarm
        kept = Path(spool) / "simulation"
        self._cache = str(kept / code_digest())
        for old in kept.glob("*") if kept.is_dir() else ():
            if old.name != Path(self._cache).name:
                shutil.rmtree(old, ignore_errors=True)  # another version's
        Path(self._cache).mkdir(parents=True, exist_ok=True)
        self._pool, warming = self._start_pool()
        default = team_simulation(None)  # a team without context; the others' are kept by the first kernel to run one
        if not simcache.cache_file(self._cache, default.scenario, 0, default.overrides).is_file():
            batch._share_simulation(self._cache, default.scenario, 0, default.overrides)  # the kernels warm up meanwhile
        self._prewarm = self._simulate_ahead()
        for future in warming:  # ready means warm: the start-up the page estimates, not the first report's
            future.result(timeout=300)

    def _simulate_ahead(self) -> Any:
        """Start `report.prewarm` on the spool (every other setting a context can give, under nice)."""
        from .. import settings

        return subprocess.Popen([sys.executable, "-m", "mlops_workbook.report.prewarm", self._cache],
                                env=settings.thread_limits(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _start_pool(self) -> Any:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=self.slots, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=self._pool_side._worker_init, initargs=(self._cache,))
        # start every process and its kernel now (one warm-up each: a process busy warming takes no other)
        return pool, [pool.submit(_warm_up) for _ in range(self.slots)]

    def submit(self, job: Mapping[str, Any]) -> Future[Any]:
        """Validate and score the answers file here (a bad one fails at once), then run it in a warm kernel."""
        from concurrent.futures.process import BrokenProcessPool

        planned, failures = self._batch.plan_jobs([Path(job["answers"])], rubric=job.get("rubric") or None)
        if failures:
            future: Future[Any] = Future()
            future.set_result(failures[0])
            return future
        Path(job["out"]).mkdir(parents=True, exist_ok=True)
        self._prewarm_module.ensure(self._cache, planned[0].simulation)  # once, on every core, not in the kernel
        args = (self._pool_side._execute, planned[0], job["out"], False, job.get("timeout"))
        try:
            return self._pool.submit(*args)
        except BrokenProcessPool:  # a process died (out of memory?): its report failed, start them again
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool, _ = self._start_pool()
            return self._pool.submit(*args)

    def close(self) -> None:
        """Stop the processes (each stops its kernel) and the simulating ahead; what was simulated stays for
        the next worker."""
        if self._prewarm.poll() is None:
            self._prewarm.terminate()
            self._prewarm.wait(timeout=30)
        self._pool.shutdown(wait=True, cancel_futures=True)


def _warm_up() -> int:
    """In a report process: wait until its kernel ran the report's imports."""
    from . import kernel_pool

    if kernel_pool._KERNEL is not None:
        kernel_pool._KERNEL.wait_warm()
    return os.getpid()


def _owner_gone(owner: int) -> bool:
    if not owner:
        return False
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _outcome_fields(result: Any) -> dict[str, Any]:
    fields = dataclasses.asdict(result) if dataclasses.is_dataclass(result) else dict(result)
    return {k: fields.get(k) for k in ("status", "html", "team", "error")}


def _one_line(error: str | None, source: str) -> str | None:
    """The batch's error without the answers file's path in front (the page knows whose report it is)."""
    if not error:
        return None
    line = error.strip().splitlines()[0] if error.strip() else "the report failed"
    return line[len(source) + 2:] if line.startswith(f"{source}: ") else line


def _requeue_left_over(spool: Path) -> None:
    """Jobs a dead worker was making go back in line under their own id (so in their old place), once."""
    for path in sorted((spool / "running").glob("*.json")):
        data = _read_json(path)
        if data is None:
            continue
        queued = spool / "queue" / path.name
        attempts = int(data.get("attempts", 0)) + 1
        if queued.exists():  # it died between writing running/ and removing queue/
            path.unlink(missing_ok=True)
        elif attempts >= ATTEMPTS:
            _write_json(spool / "done" / path.name, {**data, "status": "failed", "finished": _now(),
                                                     "error": "the report worker stopped twice while making this report"})
            path.unlink(missing_ok=True)
        else:
            data.pop("started", None)
            _write_json(queued, {**data, "attempts": attempts})
            path.unlink(missing_ok=True)


def _record_time(spool: Path, *, duration: float | None = None, startup: float | None = None) -> None:
    data = _read_json(spool / "times.json") or {}
    if duration is not None:
        data["durations"] = [*data.get("durations", []), round(duration, 3)][-KEPT_TIMES:]
    if startup is not None:
        data["startup"] = round(startup, 3)
    _write_json(spool / "times.json", data)


def _prune_done(spool: Path) -> None:
    for path in (spool / "done").glob("*.json"):
        try:
            if _now() - path.stat().st_mtime > DONE_KEPT:
                path.unlink()
        except OSError:
            pass


def run_worker(spool: str | os.PathLike[str], *, slots: int | None = None,
               runner_factory: Callable[[int], Runner] | None = None, idle_exit: float = IDLE_EXIT,
               poll: float = 0.1, owner: int = 0) -> int:
    """The worker's loop: take the spool's lock (or return at once: another worker has it), start the
    runner, then move jobs queue -> running -> done in arrival order, `slots` at a time, until idle
    for `idle_exit` seconds or until the `owner` process (the server) is gone. Returns 0; a job's failure is its result, never the worker's. A runner that
    cannot start fails the waiting jobs with its reason and returns 1."""
    assert fcntl is not None, "the report queue needs flock"
    root = Path(spool).absolute()
    for name in ("queue", "running", "done"):
        (root / name).mkdir(parents=True, exist_ok=True)
    lock = (root / "worker.lock").open("a")
    for _attempt in range(20):  # a page checking whether a worker runs holds the lock for an instant
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            time.sleep(0.025)
    else:
        lock.close()
        return 0  # another worker has it
    started = _now()
    slots = slots or max(1, min(os.cpu_count() or 1, MAX_SLOTS))
    info = {"pid": os.getpid(), "slots": slots, "state": "starting", "started": started}
    runner: Runner | None = None
    try:
        _write_json(root / "worker.json", info)
        _requeue_left_over(root)
        try:
            runner = runner_factory(slots) if runner_factory else WarmReports(slots, root)
        except Exception as exc:  # noqa: BLE001 - the waiting pages get the reason, not an endless restart
            why = f"the report worker could not start: {type(exc).__name__}: {exc}".splitlines()[0]
            for queued in sorted((root / "queue").glob("*.json")):
                data = _read_json(queued)
                if data is not None:
                    _write_json(root / "done" / queued.name, {**data, "status": "failed", "error": why})
                    queued.unlink(missing_ok=True)
            print(why, file=sys.stderr, flush=True)
            return 1
        _record_time(root, startup=_now() - started)
        _write_json(root / "worker.json", {**info, "state": "ready"})
        inflight: dict[Future[Any], tuple[Path, dict[str, Any]]] = {}
        idle_since = time.monotonic()
        while not _owner_gone(owner):
            for queued in sorted((root / "queue").glob("*.json")):
                if len(inflight) >= slots:
                    break
                data = _read_json(queued)
                if data is None:
                    continue  # cancelled meanwhile
                data["started"] = _now()
                running = root / "running" / queued.name
                _write_json(running, data)
                try:
                    queued.unlink()
                except FileNotFoundError:  # cancelled while it was being taken
                    running.unlink(missing_ok=True)
                    continue
                try:
                    future = runner.submit(data)
                except Exception as exc:  # noqa: BLE001 - a job that cannot start fails alone
                    future = Future()
                    future.set_exception(exc)
                inflight[future] = (running, data)
            if inflight:
                finished, _ = wait(list(inflight), timeout=poll, return_when=FIRST_COMPLETED)
                for future in finished:
                    running, data = inflight.pop(future)
                    try:
                        fields = _outcome_fields(future.result())
                    except Exception as exc:  # noqa: BLE001 - a crashed process fails its report only
                        fields = {"status": "failed", "error": f"report failed: {type(exc).__name__}: {exc}"}
                    fields["error"] = _one_line(fields.get("error"), data["answers"])
                    _record_time(root, duration=_now() - float(data["started"]))  # before a page sees it done
                    _write_json(root / "done" / running.name, {**data, **fields, "finished": _now()})
                    running.unlink(missing_ok=True)
                idle_since = time.monotonic()
            else:
                if time.monotonic() - idle_since > idle_exit:
                    break
                _prune_done(root)
                time.sleep(poll)
    finally:
        try:
            if runner is not None:
                runner.close()
        finally:
            (root / "worker.json").unlink(missing_ok=True)
            lock.close()  # releases the lock
    return 0


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(0)  # so `run_worker`'s finally stops the kernels


def main(argv: list[str] | None = None) -> int:
    """`python -m mlops_workbook.report.queue --spool DIR [--slots N] [--owner PID] [--runner MODULE:CALLABLE]`:
    a worker."""
    import importlib

    parser = argparse.ArgumentParser(prog="python -m mlops_workbook.report.queue", description=main.__doc__)
    parser.add_argument("--spool", required=True)
    parser.add_argument("--slots", type=int, default=None)
    parser.add_argument("--idle-exit", type=float, default=IDLE_EXIT)
    parser.add_argument("--owner", type=int, default=0, help="exit when this process (the server) is gone")
    parser.add_argument("--runner", default="", help="MODULE:CALLABLE taking the slots, returning a Runner")
    args = parser.parse_args(argv)
    factory = None
    if args.runner:
        module, _, name = args.runner.partition(":")
        factory = getattr(importlib.import_module(module), name)
    signal.signal(signal.SIGTERM, _terminate)
    return run_worker(args.spool, slots=args.slots, runner_factory=factory, idle_exit=args.idle_exit,
                      owner=args.owner)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
