"""Exported reports printed to PDF by Debian's chromium, through Playwright, fully offline.

nbconvert's webpdf exporter launches only Playwright's own downloaded browser, so we drive Playwright
directly: one chromium for a whole batch (a browser start costs about a second; a page about a tenth),
one page per report, every request routed. Only the report file itself (and data: URIs, which never
reach the network) may load; anything else is aborted and counted, so a PDF never fetches a font, a
script or a tracking pixel, and the count says if a report tried.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import settings
from .._files import atomic_write_bytes
from ..errors import ReportError

CHROMIUM = settings.DEFAULT_CHROMIUM
CHROMIUM_ENV = settings.CHROMIUM  # another chromium binary (never a downloaded one)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGE_TIMEOUT_MS = 60_000


def chromium_path() -> Path:
    """Debian's chromium (or $MLOPS_WORKBOOK_CHROMIUM); a clear one-line error when it is missing."""
    path = settings.chromium()
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise ReportError(f"--pdf needs Debian's chromium at {path} (install it: apt-get install chromium)",
                          field="pdf")
    return path


@dataclass(frozen=True)
class PrintedPdf:
    """One printed report: its file, its page count, and how many outside requests were refused."""

    path: Path
    pages: int
    blocked_requests: int  # requests the report tried to make off the machine, aborted


class PdfPrinter:
    """One chromium, kept open for a batch: `with PdfPrinter() as printer: printer.print(html, pdf)`."""

    def __init__(self, executable: str | os.PathLike[str] | None = None):
        self.executable = Path(executable) if executable else chromium_path()
        self._playwright: Any = None
        self._browser: Any = None

    def __enter__(self) -> PdfPrinter:
        if not (self.executable.is_file() and os.access(self.executable, os.X_OK)):
            raise ReportError(f"--pdf needs Debian's chromium at {self.executable} "
                              "(install it: apt-get install chromium)", field="pdf")
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:  # pragma: no cover - a dependency of the test extra
            raise ReportError("--pdf needs playwright (pip install playwright; no browser download)",
                              field="pdf") from None
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(executable_path=str(self.executable),
                                                             args=CHROMIUM_ARGS, headless=True)
        except Exception as exc:
            self._playwright.stop()
            raise ReportError(f"chromium at {self.executable} did not start: {str(exc).splitlines()[0]}",
                              field="pdf") from None
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            if self._playwright is not None:
                self._playwright.stop()
            self._browser = self._playwright = None

    def print(self, html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str]) -> PrintedPdf:
        """Print one exported page to A4 PDF (backgrounds on: the level colours), written atomically."""
        if self._browser is None:
            raise RuntimeError("use PdfPrinter as a context manager")
        source = Path(html_path).resolve()
        url = source.as_uri()
        blocked = 0

        def route(request_route: Any) -> None:
            nonlocal blocked
            requested = request_route.request.url
            if requested.split("#", 1)[0] == url or requested.startswith("data:"):
                request_route.continue_()
            else:
                blocked += 1
                request_route.abort("blockedbyclient")

        context = self._browser.new_context(offline=True, java_script_enabled=False)
        try:
            context.route("**/*", route)
            page = context.new_page()
            page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
            page.emulate_media(media="print")
            data = page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                            margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"})
        finally:
            context.close()
        target = atomic_write_bytes(pdf_path, data)
        return PrintedPdf(target, data.count(b"/Type /Page") - data.count(b"/Type /Pages"), blocked)


def print_pdfs(pairs: list[tuple[Path, Path]], *, executable: str | None = None) -> list[PrintedPdf | str]:
    """Print several pages with one browser; a failing page is its error text, the others go on."""
    results: list[PrintedPdf | str] = []
    with PdfPrinter(executable) as printer:
        for html_path, pdf_path in pairs:
            try:
                results.append(printer.print(html_path, pdf_path))
            except Exception as exc:  # noqa: BLE001 - one page's failure is that page's outcome
                results.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    return results
