"""The Voila application `serve` runs: Voila itself, with the room's rules added where Voila leaves gaps.

Run as `python -m mlops_workbook.server.room_server NOTEBOOKS_DIR [voila options]`; `serve` builds the command.

What this adds to Voila 0.5 (and why each is needed; the token itself is Voila's own `--token`, checked
by jupyter-server's identity provider, which also sets the login cookie):

- `/` redirects to the landing page (Voila shows its file tree there), keeping the query string, so a
  join URL `http://host:port/?token=...` works.
- Voila registers `/voila/files/` (exported reports) as a plain tornado file handler that never asks
  for the token: here it is served by a handler that requires the login like every page.
- `/voila/query/<kernel id>` (a pre-heated kernel fetching its page's query string) has no login
  either, because the kernel connects without one: here only this machine may connect.
- `RoomVoila.notebooks`: when set, only these notebooks render (the participants' server does not
  serve the facilitator's dashboard), and the file tree and contents API are not served.
- Voila's pages shut their kernel down when closed, with a request that must carry the `_xsrf` cookie
  once a token is set, and Voila never sets that cookie: the page handler here does.
- Capacity: `RoomVoila.max_participants` page kernels at most; one more page gets a "room is full"
  page (HTTP 503, retrying by itself) instead of a hang, and the pre-heated pool is only refilled
  while there is room, so a burst never makes more kernels than the room allows.
"""

from __future__ import annotations

import asyncio
import contextvars
import ipaddress
import time
from pathlib import Path
from dataclasses import dataclass
from typing import Any, ClassVar

import voila.app as voila_app
from jupyter_server.base.handlers import JupyterHandler
from tornado import web
from traitlets import Float, Integer, List, Unicode
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.static_file_handler import AllowListFileHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from ..html import render
from ..resources import LANDING_NOTEBOOK

LANDING = f"voila/render/{LANDING_NOTEBOOK}"


# --------------------------------------------------------------------------- capacity


@dataclass
class _Admission:
    """One page request holding a place in the room until its kernel exists."""

    consumed: bool = False


_admission: contextvars.ContextVar[_Admission | None] = contextvars.ContextVar("room_admission", default=None)


class RoomCapacity:
    """Bookkeeping mixed into Voila's kernel manager: which kernels serve pages, how many may.

    A page kernel is one started for a page request, or a pre-heated kernel a page took from the
    pool; pool kernels waiting for a page are not participants. A request holds an admission from
    the capacity check until its kernel is recorded (a context variable follows the request's task
    into `start_kernel` / `get_rendered_notebook`), so a burst of requests cannot all pass the check
    before any kernel exists.
    """

    max_kernels: int = 0  # 0: unlimited
    pool_limit: dict[str, int]

    def _room_init(self) -> None:
        if not hasattr(self, "_page_kernels"):
            self._page_kernels: set[str] = set()
            self._admitting = 0
            self.pool_limit = {}

    def page_kernels(self) -> int:
        """Kernels that pages hold now (kernels that stopped are forgotten here)."""
        self._room_init()
        running = set(self.list_kernel_ids())  # type: ignore[attr-defined]
        self._page_kernels &= running
        return len(self._page_kernels)

    def pooled(self) -> int:
        """Pre-heated kernels waiting in the pools, ready or not."""
        return sum(len(pool) for pool in getattr(self, "_pools", {}).values())

    def room_left(self) -> int | None:
        """Places left for pages (None: no limit), counting pages being admitted."""
        self._room_init()
        if not self.max_kernels:
            return None
        return self.max_kernels - self.page_kernels() - self._admitting

    def admit(self) -> _Admission | None:
        """Take a place for this request until its kernel exists; None when the room is full."""
        left = self.room_left()
        if left is not None and left <= 0:
            return None
        admission = _Admission()
        self._admitting += 1
        _admission.set(admission)
        return admission

    def release(self, admission: _Admission) -> None:
        """Give the place back (once): the kernel exists now, or the request ended without one."""
        if not admission.consumed:
            admission.consumed = True
            self._admitting -= 1

    def _record_page_kernel(self, kernel_id: str) -> None:
        self._room_init()
        self._page_kernels.add(kernel_id)
        admission = _admission.get()
        if admission is not None:
            self.release(admission)

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
            pool.sort(key=lambda task: not _ready(task))  # Voila takes the first one
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
            return
        # Voila reads the pool size from its config; hand it the smaller size for this one fill.
        self.kernel_pools_config = {**pools, str(notebook_name): {**config, "pool_size": wanted}}
        try:
            super().fill_if_needed(delay, notebook_name, **kwargs)  # type: ignore[misc]
        finally:
            self.kernel_pools_config = pools

    async def shutdown_all(self, *args: Any, **kwargs: Any) -> None:
        """Stop every kernel; no pool refills start while the server stops."""
        self._closing = True  # no refills while the server stops
        await super().shutdown_all(*args, **kwargs)  # type: ignore[misc]

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        """A page closed or was culled: its place may go back to the pool."""
        await super().shutdown_kernel(kernel_id, *args, **kwargs)  # type: ignore[misc]
        self._room_init()
        self._page_kernels.discard(kernel_id)
        if hasattr(self, "_pools") and not getattr(self, "_closing", False):
            for name in list(self.pool_limit):
                self.fill_if_needed(delay=None, notebook_name=name)


def _ready(task: asyncio.Future[Any]) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None


def room_kernel_manager(voila_class: type, max_kernels: int) -> type:
    """Voila's kernel manager class (pooled or not) with the room's bookkeeping on top."""
    return type("RoomKernelManager", (RoomCapacity, voila_class), {"max_kernels": max_kernels})


# --------------------------------------------------------------------------- handlers


RETRY = 20


def _page(title: str, kind: str = "", *, refresh: int = 0, **fields: Any) -> str:
    """One of the server's plain pages (templates/server/page.html.j2): every field is escaped."""
    return render("server/page.html.j2", title=title, kind=kind, refresh=refresh, **fields)


class PlainErrors:
    """jupyter-server's error pages need static files Voila does not serve; a plain page instead."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A plain error page that needs no static files."""
        reason = getattr(self, "_reason", "") or "Error"
        self.set_header("Content-Type", "text/html; charset=UTF-8")  # type: ignore[attr-defined]
        self.finish(_page(f"{status_code}: {reason}", ""))  # type: ignore[attr-defined]


class RoomRenderHandler(PlainErrors, TornadoVoilaHandler):
    """Voila's notebook page, limited to the served notebooks and to the room's capacity."""

    def initialize(self, **kwargs: Any) -> None:
        """Take the room's options (served notebooks, wait for a place) before Voila's own."""
        self.allowed: list[str] = kwargs.pop("allowed", [])
        self.wait_for_place: float = kwargs.pop("wait_for_place", 5.0)
        super().initialize(**kwargs)

    @web.authenticated
    async def get(self, path: str | None = None) -> None:
        """Render the page if it is served here and the room has a place; else 404 or 'room is full' (503)."""
        if self.allowed and path not in self.allowed:
            self.set_status(404)
            self.finish(_page("Not served here", "not-served", path=path or "", start=self.base_url))
            return
        # The page's unload beacon (shut my kernel down) sends the `_xsrf` cookie, which Voila never
        # sets: with a token the server then refuses the beacon and closed pages keep their kernels.
        _ = self.xsrf_token
        km = self.kernel_manager
        if not hasattr(km, "admit") or not (path or "").endswith(".ipynb"):
            await super().get(path=path)
            return
        admission = km.admit()
        deadline = time.monotonic() + self.wait_for_place
        while admission is None and time.monotonic() < deadline:
            await asyncio.sleep(0.25)  # someone leaving a page frees a place within a moment
            admission = km.admit()
        if admission is None:
            self.log.warning("room is full (%s page kernels): refused %s", km.max_kernels, self.request.path)
            self.set_status(503)
            self.set_header("Retry-After", str(RETRY))
            self.set_header("Cache-Control", "no-store")
            self.finish(_page("The room is full", "full", refresh=RETRY, places=km.max_kernels,
                              url=self.request.uri or ""))
            return
        try:
            await super().get(path=path)
        finally:
            km.release(admission)


class LandingRedirectHandler(PlainErrors, JupyterHandler):
    """`/` -> the landing page, query string kept (the join URL carries the token)."""

    def get(self) -> None:
        """Redirect to the landing page, keeping the query string (the token)."""
        query = self.request.query
        target = self.base_url.rstrip("/") + "/" + LANDING
        self.redirect(f"{target}?{query}" if query else target)


def linked_folders(root: Path) -> list[str]:
    """The served root and the folders its own top-level links point to (`serve` links the reports
    folder there): tornado serves no file through a link that leaves the root unless told where to."""
    folders = [str(root)]
    for entry in sorted(root.iterdir()) if root.is_dir() else []:
        if entry.is_symlink() and entry.is_dir():
            folders.append(str(entry.resolve()))
    return folders


class LoginFileHandler(PlainErrors, JupyterHandler, AllowListFileHandler):
    """Voila's allow-listed files (exported reports), behind the same login as the pages."""

    @web.authenticated
    def head(self, path: str) -> Any:
        """HEAD of an allow-listed file, for logged-in users only."""
        return AllowListFileHandler.head(self, path)

    @web.authenticated
    def get(self, path: str, include_body: bool = True) -> Any:
        """An allow-listed file, for logged-in users only."""
        return AllowListFileHandler.get(self, path, include_body)


class LocalQueryHandler(RequestInfoSocketHandler):
    """The pre-heated kernel's query-string socket: kernels run on this machine, nobody else needs it."""

    local_addresses: ClassVar[set[str]] = set()

    def get(self, *args: Any, **kwargs: Any) -> Any:
        """Open the socket for a kernel on this machine; 403 for any other address."""
        remote = self.request.remote_ip or ""
        try:
            local = ipaddress.ip_address(remote).is_loopback or remote in self.local_addresses
        except ValueError:
            local = False
        if not local:
            raise web.HTTPError(403)
        return super().get(*args, **kwargs)


class NotServedHandler(PlainErrors, JupyterHandler):
    """The file tree and contents API of a server limited to some notebooks: the landing page instead."""

    def get(self, *args: Any, **kwargs: Any) -> None:
        """Redirect to the landing page."""
        self.redirect(self.base_url.rstrip("/") + "/" + LANDING)


# --------------------------------------------------------------------------- the application


class RoomVoila(Voila):
    """Voila with the room's rules (see the module docstring); every Voila option still applies."""

    notebooks = List(Unicode(), config=True,
                     help="Notebooks that render (relative to the root); empty: every notebook").tag(config=True)
    max_participants = Integer(0, help="Page kernels at most (0: unlimited)").tag(config=True)
    wait_for_place = Float(5.0, help="Seconds a page waits for a place before 'room is full'").tag(config=True)

    def init_settings(self) -> dict[str, Any]:
        """Voila's settings, with its kernel manager class extended by the room's capacity."""
        # Voila builds its kernel manager class inside init_settings from a module-level factory;
        # wrapping that factory for this one call is the only way to add to the class it builds.
        factory = voila_app.voila_kernel_manager_factory
        limit = self.max_participants

        def room_factory(*args: Any, **kwargs: Any) -> type:
            return room_kernel_manager(factory(*args, **kwargs), limit)

        voila_app.voila_kernel_manager_factory = room_factory
        try:
            return super().init_settings()
        finally:
            voila_app.voila_kernel_manager_factory = factory

    def init_handlers(self) -> list[Any]:
        """Voila's handlers, with the room's replacements (landing redirect, login on files, local query)."""
        LocalQueryHandler.local_addresses = {self.ip} if self.ip else set()
        restricted = bool(self.notebooks)
        handlers = []
        for handler in super().init_handlers():
            pattern, cls, *rest = handler
            options = rest[0] if rest else {}
            if cls is TornadoVoilaTreeHandler:
                if pattern.rstrip("/") == self.server_url.rstrip("/"):
                    handlers.append((pattern, LandingRedirectHandler))
                elif restricted:
                    handlers.append((pattern, NotServedHandler))
                else:
                    handlers.append(handler)
            elif cls is VoilaContentsHandler and restricted:
                continue
            elif cls is TornadoVoilaHandler:
                handlers.append((pattern, RoomRenderHandler,
                                 {**options, "allowed": list(self.notebooks), "wait_for_place": self.wait_for_place}))
            elif cls is AllowListFileHandler:
                handlers.append((pattern, LoginFileHandler, {**options, "allowed_symlink_directory": linked_folders(
                    Path(options.get("path", self.root_dir)))}))
            elif cls is RequestInfoSocketHandler:
                handlers.append((pattern, LocalQueryHandler, *rest))
            else:
                handlers.append(handler)
        return handlers


main = RoomVoila.launch_instance

if __name__ == "__main__":
    main()
