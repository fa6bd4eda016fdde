"""Small helpers shared by the widget apps."""

from __future__ import annotations

import functools
import os
import posixpath
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote

import ipywidgets as widgets
from IPython.display import display

from .. import settings
from ..errors import WorkbookError
from ..html import fragment

COMMON = "ui/common.html.j2"  # the widgets' shared fragments (status lines, headings, notes, errors)
ASSESSMENT = "ui/assessment.html.j2"  # the assessment page's fragments (its parts, the pre-fill, the sources)
FORM_STYLE = {"description_width": "120px"}  # the assessment page's label column: team, rubric, context line up

answers_dir = settings.answers_dir
reports_dir = settings.reports_dir


def query_parameters() -> dict[str, str]:
    """The Voila page's query string as a dict (empty in JupyterLab or under nbval)."""
    if settings.preheated():  # a preheated kernel gets the query only once a page asks
        from voila.utils import wait_for_request

        wait_for_request()
    query = settings.query_string()  # not via report_content: it imports pandas and SciPy
    return {k: v[-1] for k, v in parse_qs(query.lstrip("?")).items()}


def reporting(out: widgets.HTML) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run a callback so that its errors show in `out` as one friendly line, not a vanished traceback
    (set MLOPS_WORKBOOK_DEBUG=1 to see the traceback too)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except WorkbookError as exc:
                show_error(out, str(exc))
            except Exception as exc:  # noqa: BLE001 - the page must keep working
                show_error(out, f"{type(exc).__name__}: {exc}")
                if settings.debug():
                    out.value += fragment(COMMON, "trace", traceback.format_exc())
            return None

        return wrapper

    return decorate


def show_error(out: widgets.HTML, message: str) -> None:
    """A message area is an HTML widget: its value is the page's state, testable without a kernel."""
    out.value = fragment(COMMON, "error", message)


def show(out: widgets.Output, *objects: Any) -> None:
    """Replace an Output's content (wait=True avoids a flicker of empty space)."""
    out.clear_output(wait=True)
    with out:
        for obj in objects:
            display(obj)


def in_voila() -> bool:
    return settings.in_voila()


def base_url() -> str:
    """The server's URL prefix (`/user/x/` under JupyterHub and Binder, `/` on a laptop).

    Voila hands it to every kernel it starts, preheated or not, in VOILA_BASE_URL.
    """
    return settings.base_url()


def voila_files_url(page_path: str, relative: str, *, prefix: str = "/") -> str:
    """The absolute URL of `relative` (a path from the notebook's folder) under Voila's file handler.

    `page_path` is the URL path of the page (`/user/x/voila/render/notebooks/01_assessment.ipynb`):
    the file handler serves the same folders under `<prefix>voila/files/`, so a link built from it
    is right at any prefix and any notebook depth, where a relative `../files/` is right for one.
    A single-notebook Voila serves its page at the prefix itself and its folder as the root.
    """
    marker = f"{prefix.rstrip('/')}/voila/render/"
    if page_path.startswith(marker):
        folder = unquote(posixpath.dirname(page_path[len(marker):]))
    else:
        folder = ""
    target = posixpath.join(folder, relative) if folder else relative
    return f"{prefix.rstrip('/')}/voila/files/{quote(target)}"


def page_link(path: Path) -> str | None:
    """A link the page can follow to a generated file, or None when it cannot reach it.

    In Voila, allow-listed files are served under `<base URL>voila/files/`, relative to the server's
    root folder: the link is absolute, built from the page's own URL path (SCRIPT_NAME, which Voila
    gives the kernel with the request), so it holds under a prefix (JupyterHub, Binder) and for
    notebooks in subfolders. In JupyterLab a path relative to the notebook opens the file.
    """
    # Not resolved: `serve` links the reports folder into the served root, and the link is the way in.
    try:
        relative = Path(os.path.abspath(path)).relative_to(os.path.abspath(Path.cwd())).as_posix()
    except ValueError:
        return None
    if not in_voila():
        return quote(relative)
    page_path = settings.page_path()
    if not page_path:  # a preheated kernel before its page was requested: relative to /voila/render/<nb>
        return f"../files/{quote(relative)}"
    return voila_files_url(page_path, relative, prefix=base_url())


def served_url(link: str) -> str:
    """`link` (a path on this server, from `page_link`) as the full URL on the page's own server, for
    the facilitator to read, copy or open on the projector: `http://` + the host and port the page was
    requested at + `link`. Only under `serve` (plain HTTP; its servers set the role) after the page
    request; otherwise `link` unchanged, which a browser resolves against the page's own server (under
    a hub, its scheme and prefix)."""
    host = settings.page_host()
    if not link.startswith("/") or link.startswith("//") or not host or not settings.is_set(settings.ROLE):
        return link
    return f"http://{host}{link}"


def status(text: str, tone: str = "muted") -> str:
    """A status line in one of `style.TONES` (ok, error, muted): the text is escaped by the template."""
    return fragment(COMMON, "status", text, tone)


def heading(text: str, level: int = 3) -> widgets.HTML:
    """A section heading as a widget (the apps' `<h3>` titles), rendered through the one environment."""
    return widgets.HTML(fragment(COMMON, "heading", text, level))


def in_background(work: Callable[[], Any], then: Callable[[Any, BaseException | None], None]) -> Future:
    """Run `work()` on a thread of its own and hand its result (or its error) to `then(value, error)` on
    the kernel's event loop, where every widget callback runs, so widgets are only ever changed from
    one thread. Outside a kernel (tests, scripts) `then` runs on the work's thread. The returned
    future is done once `then` has run (its result is `then`'s)."""
    import asyncio
    import threading

    try:
        loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    finished: Future = Future()

    def hand_over(value: Any, error: BaseException | None) -> None:
        try:
            finished.set_result(then(value, error))
        except BaseException as exc:  # noqa: BLE001 - kept for whoever waits on the future
            finished.set_exception(exc)

    def body() -> None:
        try:
            value, error = work(), None
        except BaseException as exc:  # noqa: BLE001 - handed to `then`, which decides what the page says
            value, error = None, exc
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(hand_over, value, error)
        else:
            hand_over(value, error)

    threading.Thread(target=body, daemon=True, name="mlops-workbook-background").start()
    return finished
