"""The room's places: how many page kernels may run, and when a page's kernel and place come back.

Mixed into Voila's kernel manager by `room_server` (`room_kernel_manager`). Three rules:

- At most `max_kernels` page kernels (0: no limit). A page kernel is one started for a page request,
  or a pre-heated kernel a page took from the pool; pool kernels waiting for a page are not
  participants, and the pools (the assessment's, the lab's) are refilled only while the room has
  places for them, so kernels never exceed participants + the pools' sizes.
- A place frees itself: when the last kernel websocket of a page kernel closes, however it went (tab
  closed, window closed, browser killed, network lost: jupyter-server calls `notify_disconnect` for
  all of them, the last one after its ping timeout), the kernel is shut down `grace` seconds later
  unless a connection comes back in between (a page that reconnects keeps its kernel). Voila's own
  unload beacon only covers a tab closed in a live browser; before this, a room of two filled up
  with nobody in it and places came back only with culling, an hour later.
- A page whose kernel was rendered but never connected (the browser died while loading) gets the
  same grace period from the moment its page was served.

`status()` is what the terminal and the facilitator's `room.json` show: pages connected, places,
and how far the pools are warm, so the facilitator knows when to share the join link (a room that
joins before its pool is warm waits for kernels). A pre-heated kernel is warm once its notebook has
run as far as it runs before a page asks: to the end (the lab, the dashboard), or until it waits for
its page's query string (the assessment builds its app first, then waits: `room_server` reports the
kernel's query socket opening, `page_waiting`). Voila's own pool counts a kernel ready once it has
started, seconds before its notebook has run.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import os
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_GRACE = 60.0


@dataclass
class Admission:
    """One page request holding a place in the room until its kernel exists."""

    consumed: bool = False
    kernel_id: str | None = None


@dataclass(frozen=True)
class RoomStatus:
    """What the room looks like now: pages with a live connection, places, kernels held, the pools."""

    connected: int
    places: int | None  # None: no limit
    taken: int  # page kernels, connected or within their grace period
    kernels: int  # every kernel, pool included
    pool: int = 0  # pre-heated kernels waiting in the pools, warming or ready (failed ones not counted)
    pool_ready: int = 0  # ... of which ready: their notebook has run, a page gets its widgets at once

    @property
    def warm(self) -> bool:
        """Every pre-heated kernel is ready (a room without a pool is warm)."""
        return self.pool_ready >= self.pool

    def as_json(self) -> dict[str, Any]:
        """The `room.json` body (the dashboard reads `connected`, `places`, `pool` and `pool_ready`)."""
        return {"connected": self.connected, "places": self.places, "taken": self.taken, "kernels": self.kernels,
                "pool": self.pool, "pool_ready": self.pool_ready}


_admission: contextvars.ContextVar[Admission | None] = contextvars.ContextVar("room_admission", default=None)


def write_status(path: str | Path, status: RoomStatus) -> None:
    """Replace the status file in one step (a reader never sees half a file)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".room-", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(status.as_json(), out)
    os.replace(tmp, target)


def read_status(path: str | Path) -> dict[str, Any]:
    """The status another server wrote; an empty room when it has written nothing yet."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return RoomStatus(0, None, 0, 0).as_json()
    return data if isinstance(data, dict) else RoomStatus(0, None, 0, 0).as_json()


class RoomCapacity:
    """Bookkeeping mixed into Voila's kernel manager: which kernels serve pages, how many may, and
    when an abandoned page's kernel goes (see the module docstring).

    A request holds an admission from the capacity check until its kernel is recorded (a context
    variable follows the request's task into `start_kernel` / `get_rendered_notebook`), so a burst of
    requests cannot all pass the check before any kernel exists.
    """

    max_kernels: int = 0  # 0: unlimited
    grace: float = DEFAULT_GRACE
    status_file: str = ""  # where status() is written on every change ("" : nowhere)
    pool_limit: dict[str, int]

    def _room_init(self) -> None:
        if not hasattr(self, "_page_kernels"):
            self._page_kernels: set[str] = set()
            self._admitting = 0
            self._connections: dict[str, int] = {}
            self._ever_connected: set[str] = set()
            self._timers: dict[str, asyncio.TimerHandle] = {}
            self.pool_limit = {}
            self._watched: weakref.WeakSet[asyncio.Future[Any]] = weakref.WeakSet()
            self._warm: set[str] = set()  # pooled kernels whose notebook ran as far as it runs before a page

    # ----- places

    def page_kernels(self) -> int:
        """Kernels that pages hold now (kernels that stopped are forgotten here)."""
        self._room_init()
        running = set(self.list_kernel_ids())  # type: ignore[attr-defined]
        self._page_kernels &= running
        return len(self._page_kernels)

    def pooled(self) -> int:
        """Pre-heated kernels waiting in the pools, ready or not."""
        return sum(len(pool) for pool in getattr(self, "_pools", {}).values())

    def pool_warmth(self) -> tuple[int, int]:
        """(kernels in the pools that did not fail, of which warm): "warming up warm of total"."""
        self._room_init()
        tasks = [task for pool in getattr(self, "_pools", {}).values() for task in pool]
        alive = [task for task in tasks if not (task.done() and (task.cancelled() or task.exception() is not None))]
        return len(alive), sum(1 for task in alive if self._is_warm(task))

    def _is_warm(self, task: asyncio.Future[Any]) -> bool:
        return _ready(task) and _kernel_of(task) in self._warm

    def page_waiting(self, kernel_id: str) -> None:
        """A pre-heated kernel's notebook waits for its page's query string: it is warm."""
        self._notebook_ran(kernel_id)

    def _notebook_ran(self, kernel_id: str | None) -> None:
        self._room_init()
        if kernel_id and kernel_id not in self._warm and kernel_id in set(self.list_kernel_ids()):  # type: ignore[attr-defined]
            self._warm.add(kernel_id)
            self._status_changed()

    def room_left(self) -> int | None:
        """Places left for pages (None: no limit), counting pages being admitted."""
        self._room_init()
        if not self.max_kernels:
            return None
        return self.max_kernels - self.page_kernels() - self._admitting

    def admit(self) -> Admission | None:
        """Take a place for this request until its kernel exists; None when the room is full."""
        left = self.room_left()
        if left is not None and left <= 0:
            return None
        admission = Admission()
        self._admitting += 1
        _admission.set(admission)
        return admission

    def release(self, admission: Admission) -> None:
        """Give the place back (once): the kernel exists now, or the request ended without one."""
        if not admission.consumed:
            admission.consumed = True
            self._admitting -= 1

    def page_served(self, admission: Admission) -> None:
        """The page request is over: if its browser never connects, the place frees after the grace."""
        self.release(admission)
        kernel_id = admission.kernel_id
        if kernel_id and kernel_id in self._page_kernels and not self._connections.get(kernel_id):
            self._schedule_release(kernel_id)

    def status(self) -> RoomStatus:
        """Pages connected now, the room's size, the places taken and all kernels."""
        taken = self.page_kernels()
        connected = sum(1 for kid in self._page_kernels if self._connections.get(kid, 0) > 0)
        pool, ready = self.pool_warmth()
        return RoomStatus(connected, self.max_kernels or None, taken, len(self.list_kernel_ids()),  # type: ignore[attr-defined]
                          pool, ready)

    def publish_status(self) -> None:
        """Write the status file now (the server calls it at start, so the facilitator sees the places)."""
        self._room_init()
        self._status_changed()

    def _status_changed(self) -> None:
        if self.status_file:
            try:
                write_status(self.status_file, self.status())
            except OSError as exc:  # the room goes on; the facilitator's count is stale
                self.log.warning("cannot write the room's status to %s: %s", self.status_file, exc)  # type: ignore[attr-defined]

    def _record_page_kernel(self, kernel_id: str) -> None:
        self._room_init()
        self._page_kernels.add(kernel_id)
        admission = _admission.get()
        if admission is not None:
            admission.kernel_id = kernel_id
            self.release(admission)
        self._status_changed()

    # ----- connections and the grace period

    def notify_connect(self, kernel_id: str) -> None:
        """A kernel websocket opened: a pending release of this kernel is cancelled."""
        super().notify_connect(kernel_id)  # type: ignore[misc]
        self._room_init()
        self._connections[kernel_id] = self._connections.get(kernel_id, 0) + 1
        self._ever_connected.add(kernel_id)
        timer = self._timers.pop(kernel_id, None)
        if timer is not None:
            timer.cancel()
        self._status_changed()

    def notify_disconnect(self, kernel_id: str) -> None:
        """A kernel websocket closed, cleanly or not: after the last one, the grace period starts."""
        super().notify_disconnect(kernel_id)  # type: ignore[misc]
        self._room_init()
        left = max(0, self._connections.get(kernel_id, 0) - 1)
        self._connections[kernel_id] = left
        if left == 0 and kernel_id in self._page_kernels:
            self._schedule_release(kernel_id)
        self._status_changed()

    def _schedule_release(self, kernel_id: str) -> None:
        old = self._timers.pop(kernel_id, None)
        if old is not None:
            old.cancel()
        if getattr(self, "_closing", False):
            return
        loop = asyncio.get_running_loop()  # jupyter-server calls in from its event loop
        self._timers[kernel_id] = loop.call_later(max(self.grace, 0.0), self._release_due, kernel_id)

    def _release_due(self, kernel_id: str) -> None:
        self._timers.pop(kernel_id, None)
        if self._connections.get(kernel_id, 0) > 0 or kernel_id not in self._page_kernels:
            return
        if kernel_id not in set(self.list_kernel_ids()):  # type: ignore[attr-defined]
            self._forget(kernel_id)
            return
        why = "its page's last connection closed" if kernel_id in self._ever_connected else "its page never connected"
        self.log.info("freeing the place of kernel %s: %s %ss ago", kernel_id, why, self.grace)  # type: ignore[attr-defined]
        asyncio.ensure_future(self.shutdown_kernel(kernel_id))

    def _forget(self, kernel_id: str) -> None:
        self._page_kernels.discard(kernel_id)
        self._warm.discard(kernel_id)
        self._connections.pop(kernel_id, None)
        self._ever_connected.discard(kernel_id)
        timer = self._timers.pop(kernel_id, None)
        if timer is not None:
            timer.cancel()

    # ----- hooks into Voila's kernel manager

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        """Kernels for page requests come through here (pool kernels do not)."""
        self._room_init()
        kernel_id = await super().start_kernel(*args, **kwargs)  # type: ignore[misc]
        self._record_page_kernel(kernel_id)
        return kernel_id

    def get_pool_size(self, notebook_name: str) -> int:
        """Only kernels that are ready: Voila counts a refill still waiting out `fill_delay`, and a
        page given that one waits for it (a minute) where a fresh kernel takes seconds."""
        return sum(1 for task in getattr(self, "_pools", {}).get(notebook_name, []) if _ready(task))

    async def get_rendered_notebook(self, notebook_name: str, *args: Any, **kwargs: Any) -> Any:
        """A pooled kernel for a page, a ready one first; it counts as the page's from now on."""
        pool = getattr(self, "_pools", {}).get(notebook_name)
        if pool:
            self._room_init()
            pool.sort(key=lambda task: (not _ready(task), not self._is_warm(task)))  # Voila takes the first one
        result = await super().get_rendered_notebook(notebook_name, *args, **kwargs)  # type: ignore[misc]
        self._record_page_kernel(result[2])
        return result

    def fill_if_needed(self, delay: float | None = None, notebook_name: str | None = None, **kwargs: Any) -> None:
        """Refill the pool only while the room has places for it (never beyond the room's size)."""
        self._room_init()
        pools = self.kernel_pools_config  # type: ignore[attr-defined]
        default = pools.get("default", {})
        config = dict(pools.get(notebook_name, default))
        wanted = config.get("pool_size", default.get("pool_size", 1))
        self.pool_limit.setdefault(str(notebook_name), wanted)
        left = self.room_left()
        if left is not None:
            have = len(getattr(self, "_pools", {}).get(notebook_name, []))
            others = self.pooled() - have
            wanted = max(0, min(wanted, left - others))
        if wanted == config.get("pool_size"):
            super().fill_if_needed(delay, notebook_name, **kwargs)  # type: ignore[misc]
        else:
            # Voila reads the pool size from its config; hand it the smaller size for this one fill.
            self.kernel_pools_config = {**pools, str(notebook_name): {**config, "pool_size": wanted}}
            try:
                super().fill_if_needed(delay, notebook_name, **kwargs)  # type: ignore[misc]
            finally:
                self.kernel_pools_config = pools
        self._watch_pool(notebook_name)

    def _watch_pool(self, notebook_name: str | None) -> None:
        """Follow each new pre-heated kernel of this pool: started (or failed), then its notebook run."""
        for task in getattr(self, "_pools", {}).get(notebook_name, []):
            if task not in self._watched:
                self._watched.add(task)
                task.add_done_callback(self._kernel_started)
        self._status_changed()

    def _kernel_started(self, task: asyncio.Future[Any]) -> None:
        if _ready(task):
            content = task.result()
            render = content.get("task") if isinstance(content, dict) else None
            if isinstance(render, asyncio.Future):  # Voila's rendering of the notebook in this kernel
                kernel_id = _kernel_of(task)
                render.add_done_callback(lambda _render: self._notebook_ran(kernel_id))
        self._status_changed()

    async def shutdown_all(self, *args: Any, **kwargs: Any) -> None:
        """Stop every kernel; no pool refills or releases start while the server stops."""
        self._room_init()
        self._closing = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        await super().shutdown_all(*args, **kwargs)  # type: ignore[misc]

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        """A page closed, was abandoned or was culled: its place may go back to the pool."""
        await super().shutdown_kernel(kernel_id, *args, **kwargs)  # type: ignore[misc]
        self._room_init()
        self._forget(kernel_id)
        self._status_changed()
        if hasattr(self, "_pools") and not getattr(self, "_closing", False):
            for name in list(self.pool_limit):
                self.fill_if_needed(delay=None, notebook_name=name)


def _ready(task: asyncio.Future[Any]) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None


def _kernel_of(task: asyncio.Future[Any]) -> str | None:
    """The kernel id a finished pool task started (None when it did not)."""
    if not _ready(task):
        return None
    content = task.result()
    return content.get("kernel_id") if isinstance(content, dict) else None


def room_kernel_manager(voila_class: type, max_kernels: int, *, grace: float = DEFAULT_GRACE,
                        status_file: str = "") -> type:
    """Voila's kernel manager class (pooled or not) with the room's bookkeeping on top."""
    return type("RoomKernelManager", (RoomCapacity, voila_class),
                {"max_kernels": max_kernels, "grace": grace, "status_file": status_file})
