"""A room served the way a facilitator serves it: `serve --token ... --max-participants 2`, on 127.0.0.1.

The grace period is short here (GRACE): a killed browser's place must come back within it and a few seconds.

Real servers (the participants' and the facilitator's), real Chromium (Debian's, through Playwright),
plain HTTP requests for the URLs a browser does not show. Screenshots in test-output/.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import time
from urllib.parse import urlsplit

import pytest

from .._servers import (
    ARGS,
    CHROMIUM,
    OUTPUT,
    SAVED,
    free_port,
    require_chromium,
    start_serve,
    wait_until_up,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TOKEN = "room-token-for-the-tests-0123"
GRACE = 10


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    require_chromium()
    root = tmp_path_factory.mktemp("room")
    # `serve` links the reports folder into the root it serves: a report there is a `voila/files/reports/` URL
    served = root / "reports" / "room-test.html"
    served.parent.mkdir()
    served.write_text("<html><body>the blue team's report</body></html>")
    with start_serve(root, "--max-participants", "2", "--pool", "1", "--grace", str(GRACE), "--no-report-worker",
                     token=TOKEN) as serving:
        dashboard = serving.facilitator
        yield {"base": serving.base, "facilitator": dashboard,
               "status": dashboard.replace("voila/render/04_workshop_dashboard.ipynb", "mlops-workbook/room.json"),
               "report": f"reports/{served.name}", "log": serving.log, "printed": serving.printed}


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
    for path in ("/mlops-workbook/start", "/voila/render/01_assessment.ipynb?team=x",
                 f"/voila/files/{room['report']}", "/voila/tree", "/"):
        status, location, _ = get(base + path)
        assert status == 302 and "/login" in location, path
    status, _, _ = get(f"{base}/api/kernels/0b8e1f8e-8a8b-4f7a-9d5e-4a0c2b1f0a11")
    assert status == 403
    status, _, _ = get(f"{base}/voila/render/01_assessment.ipynb?token=wrong-token-wrong-token")
    assert status == 302
    status, _, body = get(f"{base}/voila/files/{room['report']}?token={TOKEN}")
    assert status == 200 and "the blue team's report" in body
    status, _, body = get(f"{base}/voila/files/{room['report']}", headers={"Authorization": f"token {TOKEN}"})
    assert status == 200
    status, location, _ = get(f"{base}/?token={TOKEN}")
    assert status == 302 and location.endswith(f"/mlops-workbook/start?token={TOKEN}")


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
    for path in ("01_assessment.ipynb?team=full-a", "02_drift_gating_lab.ipynb"):
        page = new_page()
        page.goto(f"{room['base']}/voila/render/{path}&token={TOKEN}" if "?" in path
                  else f"{room['base']}/voila/render/{path}?token={TOKEN}")
        page.locator(".widget-html, .widget-text").first.wait_for()
        pages.append(page)
    third = new_page()
    response = third.goto(f"{room['base']}/voila/render/01_assessment.ipynb?team=full-c&token={TOKEN}")
    assert response.status == 503
    third.get_by_text("The room is full").wait_for()
    assert third.get_by_text("tries again by itself").count() == 1
    pages[1].close(run_before_unload=True)  # someone leaves: Voila's page shuts its kernel down
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = third.goto(f"{room['base']}/voila/render/01_assessment.ipynb?team=full-c&token={TOKEN}")
        if response.status == 200:
            break
        time.sleep(1)
    assert response.status == 200
    third.locator("input[placeholder=\"your team's name\"]").wait_for()


def test_join_url_opens_the_landing_page_and_the_token_carries_on(room, new_page):
    page = new_page()
    page.goto(f"{room['base']}/voila/render/01_assessment.ipynb")
    assert "/login" in page.url  # no token: the login page, nothing of the workbook
    page.get_by_text("Ask the facilitator for the join link").wait_for()
    assert page.get_by_text("Setup a Password").count() == 0
    page.goto(f"{room['base']}/?token={TOKEN}")
    page.get_by_role("link", name="Assess your team").wait_for()
    assert "/mlops-workbook/start" in page.url
    assert page.locator('a[href*="04_workshop_dashboard"]').count() == 0  # the facilitator's page is not here
    link = page.get_by_role("link", name="Drift-and-gating lab")
    assert link.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline"  # looks like a link
    deadline = time.monotonic() + GRACE + 30  # the earlier tests' pages are gone by then, however they closed
    while _room(room)["taken"] and time.monotonic() < deadline:
        time.sleep(0.5)
    page.reload()
    page.get_by_role("link", name="Assess your team").wait_for()
    assert _room(room)["taken"] == 0  # the landing page holds no place
    page.get_by_role("link", name="Assess your team").click()  # the login cookie carries the token on
    page.locator("input[placeholder=\"your team's name\"]").wait_for()
    assert _room(room)["taken"] == 1
    page.close(run_before_unload=True)  # frees its place in the room


def _room(room) -> dict:
    return json.loads(get(room["status"])[2])


def test_a_killed_browser_frees_its_place_and_the_others_stay(room, new_page, browser, tmp_path):
    other = new_page()
    other.goto(f"{room['base']}/voila/render/01_assessment.ipynb?team=stays&token={TOKEN}")
    other.locator("input[placeholder=\"your team's name\"]").wait_for()
    port = free_port()
    doomed = subprocess.Popen([CHROMIUM, *ARGS, f"--remote-debugging-port={port}", f"--user-data-dir={tmp_path}",
                               "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/json/version", doomed, tmp_path / "none", what="chromium")
        remote = browser.browser_type.connect_over_cdp(f"http://127.0.0.1:{port}")
        page = remote.contexts[0].new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            ("http://127.0.0.1", "data:", "blob:")) else route.abort())
        page.set_default_timeout(90_000)
        page.goto(f"{room['base']}/voila/render/01_assessment.ipynb?team=killed&token={TOKEN}")
        page.locator("input[placeholder=\"your team's name\"]").wait_for()
        deadline = time.monotonic() + 30
        while _room(room)["connected"] < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        before = _room(room)
        assert before["connected"] == 2 and before["taken"] == 2
        os.killpg(doomed.pid, signal.SIGKILL)  # the browser dies: no unload, no beacon
        killed = time.monotonic()
    finally:
        if doomed.poll() is None:
            os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait()
    while _room(room)["taken"] > 1 and time.monotonic() - killed < GRACE + 30:
        time.sleep(0.5)
    freed = time.monotonic() - killed
    after = _room(room)
    assert after["taken"] == 1 and freed < GRACE + 15, (after, freed)
    time.sleep(2)
    assert _room(room)["connected"] == 1  # the other participant's page still has its kernel
    other.locator(".criterion-data-1-versioning .widget-toggle-button:text-is('yes')").click()
    other.get_by_text(SAVED).first.wait_for()  # and it still works
