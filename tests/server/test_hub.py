"""A real JupyterHub (deploy/jupyterhub/jupyterhub_config.py) with two participants and a facilitator.

configurable-http-proxy comes from npm (`make hub-deps`), the single-user servers are local
processes, logins use the room's shared password. Two participants log in in Chromium, each lands
on the Voila assessment under its own prefix (/user/<name>/), answers one criterion; both answers
files appear in the ONE shared folder, and the facilitator, the Hub's admin, lands on the dashboard
that lists both teams. Everything binds 127.0.0.1 on free ports, lives in a tmp folder, and is
stopped at the end. Run alone with `pytest -m hub`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import ROOT
from .._servers import OUTPUT, SAVED, foreign_references, free_port, require_chromium, stop, wait_until_up

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
USER_PASSWORD = "room-password-for-the-test"
ADMIN_PASSWORD = "facilitator-password-for-the-test-0123456789"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    for tool in ("configurable-http-proxy", "jupyterhub"):
        if not shutil.which(tool, path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"):
            pytest.fail(f"{tool} is missing: `make hub-deps` installs it")
    require_chromium()
    root = tmp_path_factory.mktemp("hub")
    port = free_port()
    env = dict(os.environ,
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
               MLOPS_WORKBOOK_ANSWERS_DIR=str(root / "answers"),
               MLOPS_WORKBOOK_HUB_PASSWORD=USER_PASSWORD,
               MLOPS_WORKBOOK_HUB_ADMIN_PASSWORD=ADMIN_PASSWORD,
               MLOPS_WORKBOOK_HUB_URL=f"http://127.0.0.1:{port}",
               MLOPS_WORKBOOK_HUB_INTERNAL_URL=f"http://127.0.0.1:{free_port()}",
               MLOPS_WORKBOOK_PROXY_API_URL=f"http://127.0.0.1:{free_port()}",
               MLOPS_WORKBOOK_HUB_HOMES=str(root / "homes"),
               MLOPS_WORKBOOK_HUB_SPAWNER="simple")
    log = (root / "hub.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], cwd=root, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/hub/login", proc, root / "hub.log", seconds=90, what="jupyterhub")
        yield {"base": base, "answers": root / "answers", "log": root / "hub.log"}
    finally:
        stop(proc, timeout=60)  # the Hub stops the proxy and the servers it spawned (cleanup_servers)
        log.close()


def log_in(browser, base: str, user: str, password: str):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(180_000)
    page.goto(f"{base}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    return page


def test_two_participants_and_the_facilitator(hub, browser):
    pages = {team: log_in(browser, hub["base"], user, USER_PASSWORD)
             for user, team in (("alice", "Hub Team Alice"), ("bob", "Hub Team Bob"))}
    for (team, page), user in zip(pages.items(), ("alice", "bob"), strict=True):
        page.wait_for_url(f"**/user/{user}/voila/render/notebooks/01_assessment.ipynb")
        page.get_by_text("Overall: Level 0").wait_for()
        # the single-user server's Voila renders with the workbook's template: no CDN stylesheet, our ARIA
        html = page.content()
        assert f"/user/{user}/voila/templates/mlops/static/aria.js" in html
        assert foreign_references(html, hub["base"]) == []
        team_box = page.get_by_placeholder("your team's name")
        team_box.fill(team)
        team_box.press("Enter")
        page.get_by_text("will be saved to").wait_for()
        page.locator(".widget-toggle-button:text-is('yes') >> visible=true").first.click()
        page.get_by_text(SAVED).wait_for()
    files = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(files) < 2:
        files = {p.name: json.loads(p.read_text()) for p in hub["answers"].glob("*.json")}
        time.sleep(0.5)
    from mlops_workbook.assessment.store import answers_path

    assert sorted(files) == sorted(answers_path(hub["answers"], team).name for team in ("Hub Team Alice", "Hub Team Bob"))
    assert {f["team"] for f in files.values()} == {"Hub Team Alice", "Hub Team Bob"}
    assert all(len(f["answers"]) == 1 and set(f["answers"].values()) == {"yes"} for f in files.values())

    board = log_in(browser, hub["base"], "facilitator", ADMIN_PASSWORD)
    board.wait_for_url("**/user/facilitator/voila/render/notebooks/04_workshop_dashboard.ipynb")
    board.get_by_text("Hub Team Alice").first.wait_for()
    board.get_by_text("Hub Team Bob").first.wait_for()
    OUTPUT.mkdir(exist_ok=True)
    board.screenshot(path=str(OUTPUT / "hub-dashboard.png"), full_page=True)
    pages["Hub Team Alice"].screenshot(path=str(OUTPUT / "hub-assessment.png"), full_page=True)
    alice = pages["Hub Team Alice"]  # leaving a page shuts its kernel down: JupyterHub sets the _xsrf cookie
    alice.goto(f"{hub['base']}/user/alice/voila/render/notebooks/00_start.ipynb")
    alice.get_by_text("Reports").first.wait_for()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "Kernel shutdown" not in hub["log"].read_text():
        time.sleep(0.5)
    assert "Kernel shutdown" in hub["log"].read_text()
    assert "'_xsrf' argument missing" not in hub["log"].read_text()
    wrong = log_in(browser, hub["base"], "mallory", "not-the-room-password")
    wrong.get_by_text("Invalid username or password").wait_for(timeout=30_000)
