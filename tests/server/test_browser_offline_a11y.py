"""Every served page asks only our server for anything, and axe-core finds no serious or critical
accessibility violation on it; the quick check can be completed with the keyboard alone.

axe-core comes inside the axe-playwright-python wheel (axe.min.js, injected into the page), so the
audit itself needs no network either. Each audit leaves a screenshot and the violations it found
(all impacts, as JSON) in test-output/.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from mlops_workbook.assessment.answers import Answer, Answers
from mlops_workbook.assessment.store import answers_path, save_answers

from .._servers import OUTPUT, SAVED
from .test_browser import server, wait_for_answers  # noqa: F401 - the served workbook, shared fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BLOCKING = ("serious", "critical")


@pytest.fixture
def page(browser, server):  # noqa: F811 - the fixture imported above
    """A page that records every request it makes; anything not for our server is recorded and refused
    (so a test never waits on a network this machine does not have)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    ours = urlsplit(server["base"]).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    def route(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == ours:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", route)
    page.set_default_timeout(120_000)
    page.requested = requested
    yield page
    context.close()


def foreign(page, base: str) -> list[str]:
    """Requests for any host but our server (data: and blob: URLs are the page's own)."""
    ours = urlsplit(base).netloc
    return [u for u in page.requested if not u.startswith(("data:", "blob:")) and urlsplit(u).netloc != ours]


def audit(page, name: str) -> list[dict]:
    """Run axe-core on the page; save a screenshot and every violation; return the serious and critical ones."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_timeout(500)  # let the widgets' last layout settle
    results = Axe().run(page)
    violations = results.response["violations"]
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"a11y-{name}.png"), full_page=True)
    (OUTPUT / f"a11y-{name}.json").write_text(json.dumps(
        [{"id": v["id"], "impact": v["impact"], "help": v["help"],
          "nodes": [n["html"][:300] for n in v["nodes"]]} for v in violations], indent=2), encoding="utf-8")
    return [v for v in violations if v["impact"] in BLOCKING]


def described(violations: list[dict]) -> str:
    return "; ".join(f"{v['impact']} {v['id']} ({v['help']}): {v['nodes'][0]['html'][:200]}" for v in violations)


def report_team(server) -> str:  # noqa: F811
    team = "A11y Team"
    save_answers(Answers(team=team, rubric="quick-check", answers={"qc-build-1": Answer("yes")}),
                 answers_path(server["answers"], team, "quick-check"))
    return team


# page, query, a text that shows the page's widgets are there
PAGES = [
    ("00_start", "", "Assess your team"),  # redirected to the static landing page (no kernel)
    ("01_assessment", "", "Overall: Level 0"),
    ("02_drift_gating_lab", "", "KPIs per level"),
    ("03_report", "?team=A11y%20Team&include_simulation=false", "MLOps maturity report: A11y Team"),
    ("04_workshop_dashboard", "", "A11y Team"),
]


@pytest.mark.parametrize(("name", "query", "ready"), PAGES, ids=[p[0] for p in PAGES])
def test_page_asks_only_our_server_and_has_no_serious_violation(server, page, name, query, ready):  # noqa: F811
    report_team(server)
    page.goto(f"{server['base']}/voila/render/{name}.ipynb{query}")
    page.get_by_text(ready).first.wait_for()
    page.wait_for_load_state("networkidle")
    blocking = audit(page, name)
    assert foreign(page, server["base"]) == []
    # the recorder saw the page's own requests (the static landing page is one document, nothing else)
    assert len(page.requested) > (1 if name == "00_start" else 3)
    assert blocking == [], described(blocking)


def test_assessment_with_a_tab_and_an_accordion_open(server, page):  # noqa: F811
    page.goto(f"{server['base']}/voila/render/01_assessment.ipynb?team=a11y-tabs")
    page.get_by_text("Overall: Level 0").wait_for()
    page.locator(".lm-TabBar-tab").nth(2).click()
    page.locator(".mw-answer-group >> visible=true").first.wait_for()
    page.get_by_text("Download or load my answers").click()
    page.get_by_text("Download my answers").first.wait_for()
    blocking = audit(page, "01_assessment-opened")
    assert blocking == [], described(blocking)
    assert foreign(page, server["base"]) == []


def test_lab_after_a_move(server, page):  # noqa: F811
    page.goto(f"{server['base']}/voila/render/02_drift_gating_lab.ipynb")
    page.get_by_text("KPIs per level").wait_for()
    status = page.get_by_text(re.compile(r"levels x \d+ weeks")).first
    before = status.text_content()
    handle = page.get_by_role("slider", name="Onset week")
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function("before => ![...document.querySelectorAll('.widget-html-content')]"
                           ".some(e => e.textContent === before)", arg=before)
    blocking = audit(page, "02_drift_gating_lab-moved")
    assert blocking == [], described(blocking)
    assert foreign(page, server["base"]) == []


def test_quick_check_with_the_keyboard_alone(server, page):  # noqa: F811
    """Tab to the team box, type, then per dimension: Tab to its tab, Enter, and answer every
    criterion: Tab into the answer group, arrow keys to the answer; nothing is clicked."""
    page.goto(f"{server['base']}/voila/render/01_assessment.ipynb?rubric=quick-check")
    page.get_by_text("Overall: Level 0").wait_for()
    page.keyboard.press("Tab")
    focused = page.evaluate_handle("document.activeElement")
    assert focused.evaluate("e => e.closest('.team-name') !== null")
    page.keyboard.type("Keys Only")
    page.keyboard.press("Enter")
    page.get_by_text("will be saved to").wait_for()
    tabs = page.get_by_role("tab")
    names = [t.text_content() for t in tabs.all()]
    assert len(names) >= 3
    answered = 0
    for index, name in enumerate(names):
        if index:  # the tab bar: one stop, arrow keys between tabs, Enter shows the panel
            move_focus_to(page, "[role=tab][aria-selected=true]")
            page.keyboard.press("ArrowRight")
            page.keyboard.press("Enter")
            page.get_by_role("tab", name=name, selected=True).wait_for()
        groups = page.locator("[role=radiogroup] >> visible=true")
        groups.first.wait_for()
        for g in range(groups.count()):
            move_focus_to(page, f"[role=radiogroup] >> visible=true >> nth={g}")
            page.keyboard.press("ArrowRight")  # yes -> partial: arrows move and choose
            answered += 1
            group = groups.nth(g)
            group.locator("[role=radio][aria-checked=true]", has_text="partial").wait_for()
    page.get_by_text(SAVED).wait_for()
    saved = answers_path(server["answers"], "Keys Only", "quick-check")
    data = wait_for_answers(saved, answered)
    assert data["team"] == "Keys Only" and data["rubric"] == "quick-check"
    assert len(data["answers"]) == answered >= 14
    assert set(data["answers"].values()) == {"partial"}
    page.screenshot(path=str(OUTPUT / "a11y-keyboard-quick-check.png"), full_page=True)


def move_focus_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab (no mouse) until the focus is inside `selector`."""
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("e => e.contains(document.activeElement)"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector}")
