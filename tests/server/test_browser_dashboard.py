"""The facilitator's pages in a real server and a real Chromium: the dashboard opened on an empty room
with auto-refresh on (how a workshop starts) draws its charts as teams arrive; the projector view shows
no team name, before or after Reveal, and the room's picture only after it. Screenshots in test-output/.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from mlops_workbook.assessment.answers import Answer, Answers, Context
from mlops_workbook.assessment.store import answers_path, save_answers

from .._servers import OUTPUT, require_chromium, start_serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TEAMS = ("Marmot Models", "Quokka Quants")
LATE = "Late Lynx"
CHARTS = "figure[role=img] svg"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    # serve gives its kernels the join URL (alone: its own), which the dashboard and the projector show
    with start_serve(tmp_path_factory.mktemp("facilitator"), "--pool", "0", "--no-report-worker") as served:
        yield {"base": served.base, "answers": served.answers}


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("http://127.0.0.1", "data:", "blob:")) else route.abort())
    page.set_default_timeout(90_000)
    yield page
    context.close()


def _save(folder: Path, team: str, rubric: str = "mlops-maturity") -> None:
    cid = "qc-build-1" if rubric == "quick-check" else "data-1-versioning"
    save_answers(Answers(team=team, rubric=rubric, context=Context(models_in_production=2),
                         answers={cid: Answer("yes"), **({"gov-1-owner": Answer("partial")} if cid != "qc-build-1" else {})}),
                 answers_path(folder, team, rubric))


def _axe(page, rules: list[str]) -> list[dict]:
    import axe_playwright_python

    page.add_script_tag(path=str(Path(axe_playwright_python.__file__).parent / "axe.min.js"))
    result = page.evaluate("rules => axe.run(document, {runOnly: {type: 'rule', values: rules}})", rules)
    return [{"id": v["id"], "nodes": [n["html"][:120] for n in v["nodes"]]} for v in result["violations"]]


def _shot(page, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def test_dashboard_draws_its_charts_as_teams_arrive(server, page):
    page.goto(f"{server['base']}/voila/render/04_workshop_dashboard.ipynb")
    page.get_by_text("No answers yet").first.wait_for()
    page.get_by_label("Auto-refresh").check()
    page.locator("input[type=number]").first.fill("1")
    page.locator("input[type=number]").first.press("Enter")
    assert page.locator(CHARTS).count() == 0
    time.sleep(1.5)  # at least one refresh of the empty room by the task (as it was when the charts never came)
    _save(server["answers"], TEAMS[0])
    _save(server["answers"], TEAMS[0], "quick-check")
    _save(server["answers"], TEAMS[1])
    page.wait_for_function(f"document.querySelectorAll('{CHARTS}').length === 4", timeout=60_000)
    page.get_by_text("2 teams").first.wait_for()  # teams, not files (three assessments)
    assert page.get_by_text("3 assessments").count() >= 1
    assert page.locator("th", has_text="Rubric").count() >= 1
    labels = page.locator("figure[role=img]").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert len(labels) == 4 and all(len(label) > 20 for label in labels)  # a heatmap per rubric
    assert page.locator('a[download="room-summary.csv"]').count() == 1  # one click saves the CSV
    page.get_by_text("Connected:").first.wait_for()
    # the server answers room.json: who is connected, and no limit without --max-participants
    places = page.locator("p", has_text="Connected:").first.inner_text()
    assert re.search(r"Connected: \d+ · places left: no limit", places), places
    page.get_by_role("button", name="Show join URL and QR").click()
    page.get_by_text("Join at").first.wait_for()
    assert page.locator('img[alt^="QR code of the join URL"]').count() == 1
    assert _axe(page, ["image-alt", "svg-img-alt", "role-img-alt"]) == []
    _shot(page, "dashboard-charts-from-an-empty-room")


def test_projector_reveals_the_room_without_names(server, page):
    for team in TEAMS:
        _save(server["answers"], team)
    page.goto(f"{server['base']}/voila/render/05_projector.ipynb")
    page.get_by_text("joined").first.wait_for()
    page.get_by_text("hidden until you press Reveal").wait_for()
    assert page.locator(CHARTS).count() == 0
    _save(server["answers"], LATE, "quick-check")  # a team arrives while the wall is up: the counts follow
    page.get_by_text("3 teams").first.wait_for(timeout=30_000)
    page.get_by_text("Join at").first.wait_for()
    body = page.locator("body").inner_html()
    assert not any(team in body for team in (*TEAMS, LATE))
    _shot(page, "projector-before-reveal")
    page.get_by_role("button", name="Reveal").click()
    page.wait_for_function(f"document.querySelectorAll('{CHARTS}').length === 2", timeout=60_000)
    page.get_by_text("What most teams lack next").wait_for()
    body = page.locator("body").inner_html()
    assert not any(team in body for team in (*TEAMS, LATE))
    assert _axe(page, ["image-alt", "svg-img-alt", "role-img-alt"]) == []
    _shot(page, "projector-after-reveal")
