"""The Voila application `serve` runs: Voila itself, with the room's rules added where Voila leaves gaps.

Run as `python -m mlops_workbook.server.room_server NOTEBOOKS_DIR [voila options]`; `serve` builds the command.

What this adds to Voila 0.5 (and why each is needed; the token itself is Voila's own `--token`, checked
by jupyter-server's identity provider, which also sets the login cookie):

- `/` redirects to the landing page (Voila shows its file tree there), keeping the query string, so a
  join URL `http://host:port/?token=...` works. The landing page is static (`landing`, at
  `mlops-workbook/start`): no kernel, no place; the 00_start notebook's URL redirects there too.
- The login page is the workbook's (`login`): no password form, password changes off.
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
  while there is room, so a burst never makes more kernels than the room allows. A place frees itself
  `RoomVoila.grace` seconds after its page's last kernel connection closes (`capacity`).
- `mlops-workbook/room.json` on a server that is not the participants': pages connected and places,
  read from the status file the participants' server writes (`RoomVoila.room_status_from`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import time
from pathlib import Path
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

from .. import settings
from ..html import render
from ..resources import DASHBOARD_NOTEBOOK, LANDING_NOTEBOOK
from .capacity import DEFAULT_GRACE, read_status, room_kernel_manager
from .landing import LANDING, landing_page

ROOM_STATUS = "mlops-workbook/room.json"  # connected / places, on the facilitator's side


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
        if path == LANDING_NOTEBOOK:  # the notebook's role is the static page's here: no kernel, no place
            self.redirect(_with_query(self.base_url.rstrip("/") + "/" + LANDING, self.request.query))
            return
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
            km.page_served(admission)  # a page whose browser never connects frees its place after the grace


def _with_query(target: str, query: str) -> str:
    return f"{target}?{query}" if query else target


class LandingRedirectHandler(PlainErrors, JupyterHandler):
    """`/` -> the landing page, query string kept (the join URL carries the token)."""

    def get(self) -> None:
        """Redirect to the landing page, keeping the query string (the token)."""
        self.redirect(_with_query(self.base_url.rstrip("/") + "/" + LANDING, self.request.query))


class LandingHandler(PlainErrors, JupyterHandler):
    """The static landing page (server/landing.py): rendered per request, no kernel, no place taken."""

    def initialize(self, dashboard: bool = False) -> None:
        """Whether this server serves the dashboard (only then is it linked)."""
        self.dashboard = dashboard

    @web.authenticated
    def get(self) -> None:
        """The landing page, for logged-in users."""
        self.set_header("Cache-Control", "no-store")  # the team list changes as answers arrive
        self.finish(landing_page(base_url=self.base_url, answers=settings.answers_dir(),
                                 reports=settings.reports_dir(), dashboard=self.dashboard))


class RoomStatusHandler(PlainErrors, JupyterHandler):
    """`room.json`: pages connected and places, from this server or from the participants' status file."""

    def initialize(self, source: str = "") -> None:
        """`source`: the status file the participants' server writes ("": this server's own room)."""
        self.source = source

    @web.authenticated
    def get(self) -> None:
        """`{"connected": n, "places": m, ...}` (places is null without a limit)."""
        km = self.kernel_manager
        if self.source:
            body = read_status(self.source)
        elif hasattr(km, "status"):
            body = km.status().as_json()
        else:  # pragma: no cover - the room server always has its kernel manager
            body = {"connected": 0, "places": None}
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


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

    def open(self, kernel_id: str) -> None:  # type: ignore[override]
        """A pre-heated kernel waits for its page here: its notebook has run as far as it can (warm)."""
        super().open(kernel_id)
        km = self.application.settings.get("kernel_manager")
        if hasattr(km, "page_waiting"):
            km.page_waiting(kernel_id)


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
    grace = Float(DEFAULT_GRACE, help="Seconds a page kernel outlives its page's last connection").tag(config=True)
    status_file = Unicode("", help="Where this server writes its room's status on every change").tag(config=True)
    room_status_from = Unicode("", help="The participants' status file room.json reports (facilitator)"
                               ).tag(config=True)

    def init_settings(self) -> dict[str, Any]:
        """Voila's settings, with its kernel manager class extended by the room's capacity."""
        # Voila builds its kernel manager class inside init_settings from a module-level factory;
        # wrapping that factory for this one call is the only way to add to the class it builds.
        factory = voila_app.voila_kernel_manager_factory
        limit, grace, status = self.max_participants, self.grace, self.status_file

        def room_factory(*args: Any, **kwargs: Any) -> type:
            return room_kernel_manager(factory(*args, **kwargs), limit, grace=grace, status_file=status)

        voila_app.voila_kernel_manager_factory = room_factory
        try:
            return super().init_settings()
        finally:
            voila_app.voila_kernel_manager_factory = factory

    def init_handlers(self) -> list[Any]:
        """Voila's handlers, with the room's replacements (landing redirect, login on files, local query)."""
        LocalQueryHandler.local_addresses = {self.ip} if self.ip else set()
        if hasattr(self.kernel_manager, "publish_status"):
            self.kernel_manager.publish_status()  # the facilitator sees the room's places from the start
        restricted = bool(self.notebooks)
        prefix = self.server_url.rstrip("/") + "/"
        dashboard = not restricted or DASHBOARD_NOTEBOOK in self.notebooks
        handlers: list[Any] = [(prefix + LANDING, LandingHandler, {"dashboard": dashboard})]
        if not restricted:  # the facilitator's side (or the person alone): the room's count
            handlers.append((prefix + ROOM_STATUS, RoomStatusHandler, {"source": self.room_status_from}))
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
