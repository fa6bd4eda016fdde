"""Small helpers shared by the widget apps."""

from __future__ import annotations

import functools
import html
import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import ipywidgets as widgets
from IPython.display import display

from ..errors import WorkbookError

ANSWERS_DIR_ENV = "MLOPS_WORKBOOK_ANSWERS_DIR"
REPORTS_DIR_ENV = "MLOPS_WORKBOOK_REPORTS_DIR"


def answers_dir(default: str | os.PathLike[str] | None = None) -> Path:
    return Path(default or os.environ.get(ANSWERS_DIR_ENV, "answers"))


def reports_dir(default: str | os.PathLike[str] | None = None) -> Path:
    return Path(default or os.environ.get(REPORTS_DIR_ENV, "reports"))


def query_parameters() -> dict[str, str]:
    """The Voila page's query string as a dict (empty in JupyterLab or under nbval)."""
    if "VOILA_PREHEAT" in os.environ:  # a preheated kernel gets the query only once a page asks
        from voila.utils import wait_for_request

        wait_for_request()
    query = os.environ.get("QUERY_STRING") or ""  # not via report_content: it imports pandas and SciPy
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
                if os.environ.get("MLOPS_WORKBOOK_DEBUG"):
                    out.value += f"<pre>{html.escape(traceback.format_exc())}</pre>"
            return None

        return wrapper

    return decorate


def show_error(out: widgets.HTML, message: str) -> None:
    """A message area is an HTML widget: its value is the page's state, testable without a kernel."""
    out.value = (f'<div style="background:#fdecea;border-left:4px solid #b0413e;padding:.5em 1em">'
                 f"{html.escape(message)}</div>")


def show(out: widgets.Output, *objects: Any) -> None:
    """Replace an Output's content (wait=True avoids a flicker of empty space)."""
    out.clear_output(wait=True)
    with out:
        for obj in objects:
            display(obj)


def in_voila() -> bool:
    return "VOILA_PREHEAT" in os.environ or "VOILA_KERNEL_ID" in os.environ


def page_link(path: Path) -> str | None:
    """A link the page can follow to a generated file, or None when it cannot reach it.

    In Voila, allow-listed files are served under /voila/files/ beside /voila/render/, relative to the
    notebooks folder (the kernel's working directory); in JupyterLab a path relative to the notebook
    opens the file.
    """
    try:
        relative = Path(path).resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return None
    return f"../files/{quote(str(relative))}" if in_voila() else quote(str(relative))


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)
