"""A room served the way a facilitator serves it: `serve --token ... --max-participants 2`, on 127.0.0.1.

Real servers (the participants' and the facilitator's), real Chromium (Debian's, through Playwright),
plain HTTP requests for the URLs a browser does not show. Screenshots in test-output/.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest

from .._servers import OUTPUT, free_port, require_chromium, stop, wait_until_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TOKEN = "room-token-for-the-tests-0123"


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    require_chromium()
    root = tmp_path_factory.mktemp("room")
    answers, reports = root / "answers", root / "reports"
    # serve links the reports folder into the root Voila serves: a report written there is served
    served = reports / f"room-test-{os.getpid()}.html"
    served.parent.mkdir(parents=True, exist_ok=True)
    served.write_text("<html><body>the blue team's report</body></html>")
    port, facilitator = free_port(), free_port()
    log_path = root / "serve.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlops_workbook", "serve", "--port", str(port), "--token", TOKEN,
         "--facilitator-port", str(facilitator), "--max-participants", "2", "--pool", "1",
         "--answers-dir", str(answers), "--reports-dir", str(reports)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/login", proc, log_path)
        wait_until_up(f"http://127.0.0.1:{facilitator}/login", proc, log_path)
        printed = log_path.read_text()
        dashboard = next(line.strip() for line in printed.splitlines() if "04_workshop_dashboard" in line)
        yield {"base": f"http://127.0.0.1:{port}", "facilitator": dashboard, "report": f"reports/{served.name}",
               "log": log_path, "printed": printed}
    finally:
        served.unlink()
        stop(proc)  # serve stops both servers and their kernels
        log.close()


@pytest.fixture
def new_page(browser, request):
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            ("http://127.0.0.1", "data:", "blob:")) else route.abort())
        page.set_default_timeout(90_000)
        return page

    yield make
    OUTPUT.mkdir(exist_ok=True)
    for i, context in enumerate(contexts):
        for page in context.pages:
            if page.is_closed():
                continue
            try:
                page.screenshot(path=str(OUTPUT / f"{request.node.name}-{i}.png"), full_page=True)
                page.close(run_before_unload=True)  # as a closing tab does: Voila shuts its kernel down
            except Exception:  # noqa: BLE001, S110 - a page the test was closing
                pass
        time.sleep(0.5)  # let the beacons go before the context goes
        context.close()


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Status, Location header and body of one request, redirects not followed."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheader("Location") or "", response.read().decode(errors="replace")
    finally:
        conn.close()


def test_every_url_needs_the_token(room):
    base = room["base"]
    assert f"{base}/?token={TOKEN}" in room["printed"]  # the join URL, printed for the facilitator
    for path in ("/voila/render/00_start.ipynb", "/voila/render/01_assessment.ipynb?team=x",
                 f"/voila/files/{room['report']}", "/voila/tree", "/"):
        status, location, _ = get(base + path)
        assert status == 302 and "/login" in location, path
    status, _, _ = get(f"{base}/api/kernels/0b8e1f8e-8a8b-4f7a-9d5e-4a0c2b1f0a11")
    assert status == 403
    status, _, _ = get(f"{base}/voila/render/00_start.ipynb?token=wrong-token-wrong-token")
    assert status == 302
    status, _, body = get(f"{base}/voila/files/{room['report']}?token={TOKEN}")
    assert status == 200 and "the blue team's report" in body
    status, _, body = get(f"{base}/voila/files/{room['report']}", headers={"Authorization": f"token {TOKEN}"})
    assert status == 200
    status, location, _ = get(f"{base}/?token={TOKEN}")
    assert status == 302 and location.endswith(f"/voila/render/00_start.ipynb?token={TOKEN}")


def test_dashboard_is_only_on_the_facilitator_server(room, new_page):
    status, _, body = get(f"{room['base']}/voila/render/04_workshop_dashboard.ipynb?token={TOKEN}")
    assert status == 404 and "Not served here" in body
    facilitator = urlsplit(room["facilitator"])
    assert facilitator.hostname == "127.0.0.1" and TOKEN not in room["facilitator"]
    status, location, _ = get(f"http://127.0.0.1:{facilitator.port}{facilitator.path}?token={TOKEN}")
    assert status == 302 and "/login" in location  # the participants' token does not open it
    page = new_page()
    page.goto(room["facilitator"])
    page.get_by_text("Auto-refresh").wait_for()
    page.get_by_text("0 teams").wait_for()
    assert page.locator("input[type=text], textarea").count() == 0  # the folder is the server's, not a box
    page.close(run_before_unload=True)


def test_room_full_page_when_over_capacity(room, new_page):
    pages = []
    for path in ("01_assessment.ipynb?team=full-a", "00_start.ipynb"):
        page = new_page()
        page.goto(f"{room['base']}/voila/render/{path}&token={TOKEN}" if "?" in path
                  else f"{room['base']}/voila/render/{path}?token={TOKEN}")
        page.locator(".widget-html, .widget-text").first.wait_for()
        pages.append(page)
    third = new_page()
    response = third.goto(f"{room['base']}/voila/render/02_drift_gating_lab.ipynb?token={TOKEN}")
    assert response.status == 503
    third.get_by_text("The room is full").wait_for()
    assert third.get_by_text("tries again by itself").count() == 1
    pages[1].close(run_before_unload=True)  # someone leaves: Voila's page shuts its kernel down
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = third.goto(f"{room['base']}/voila/render/00_start.ipynb?token={TOKEN}")
        if response.status == 200:
            break
        time.sleep(1)
    assert response.status == 200
    third.get_by_text("Assess your team").wait_for()


def test_join_url_opens_the_landing_page_and_the_token_carries_on(room, new_page):
    page = new_page()
    page.goto(f"{room['base']}/voila/render/00_start.ipynb")
    assert "/login" in page.url  # no token: the login page, nothing of the workbook
    page.goto(f"{room['base']}/?token={TOKEN}")
    page.get_by_text("Assess your team").wait_for()
    assert "/voila/render/00_start.ipynb" in page.url
    page.get_by_text("No exported reports yet").or_(page.get_by_text("Exported HTML reports")).first.wait_for()
    page.locator('a[href="04_workshop_dashboard.ipynb"]').click()  # the facilitator's page is not here
    page.get_by_text("Not served here").wait_for()
    page.go_back()
    page.get_by_text("Assess your team").wait_for()
    page.locator('a[href="01_assessment.ipynb"]').click()  # the login cookie carries the token on
    page.locator("input[placeholder=\"your team's name\"]").wait_for()
    page.close(run_before_unload=True)  # frees its place in the room
