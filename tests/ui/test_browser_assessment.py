"""The assessment page's layout in a real Chromium at laptop widths: the four answer buttons on one line,
the saved mark beside the answer clicked, a team name the page cannot use refused under its box.

Run alone with `pytest -m browser tests/ui/test_browser_assessment.py`.
"""

from __future__ import annotations

import pytest

from mlops_workbook.assessment.answers import MAX_TEAM_NAME
from mlops_workbook.assessment.store import answers_path

from .._servers import OUTPUT, require_chromium, start_serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CRITERION = ".criterion-data-1-versioning"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    with start_serve(tmp_path_factory.mktemp("served")) as served:
        yield served


def open_page(browser, server, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("http://127.0.0.1", "data:", "blob:")) else route.abort())
    page.set_default_timeout(90_000)
    page.goto(f"{server.base}/voila/render/01_assessment.ipynb")
    page.get_by_text("Overall: Level 0").wait_for()
    page.locator(CRITERION).wait_for()
    return context, page


def boxes(page, selector: str) -> list[dict]:
    return page.locator(selector).evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,"
        " cut: e.scrollWidth > e.clientWidth, disabled: e.disabled}; })")


def type_team(page, name: str) -> None:
    box = page.locator(".team-name input")
    box.fill(name)
    box.press("Enter")


@pytest.mark.parametrize("width", [1280, 1024])
def test_answer_buttons_fit_and_the_saved_mark_is_beside_the_click(browser, server, width):
    context, page = open_page(browser, server, width)
    try:
        groups = page.locator(".mw-answer-group >> visible=true")
        for i in range(groups.count()):
            buttons = boxes(groups.nth(i), ".widget-toggle-button")
            assert len(buttons) == 4 and len({round(b["top"]) for b in buttons}) == 1, \
                f"answer buttons of criterion {i} wrap at {width} px: {buttons}"
            assert not any(b["cut"] for b in buttons), f"a button's text is cut at {width} px"
        type_team(page, f"layout-{width}")
        page.get_by_text("will be saved to").wait_for()
        page.locator(f"{CRITERION} .widget-toggle-button:text-is('n/a')").click()
        row = page.locator(".widget-hbox", has=page.locator(CRITERION)).last
        mark = row.locator(".saved-mark")
        mark.get_by_text(f"Saved for layout-{width}").wait_for()
        OUTPUT.mkdir(exist_ok=True)
        row.screenshot(path=str(OUTPUT / f"assessment-row-{width}.png"))
        button, saved = boxes(page, f"{CRITERION} .widget-toggle-button")[3], boxes(row, ".saved-mark")[0]
        assert saved["top"] < button["bottom"] and button["top"] < saved["bottom"], "the mark is not beside the click"
        assert saved["right"] <= width, "the saved mark is off the page"
        assert answers_path(server.answers, f"layout-{width}").is_file()

        long_name = "x" * (MAX_TEAM_NAME + 20)
        type_team(page, long_name)
        error = page.get_by_text(f"at most {MAX_TEAM_NAME} characters, got {len(long_name)}")
        error.wait_for()
        team_box = page.locator(".team-name input").bounding_box()
        assert error.bounding_box()["y"] - team_box["y"] < 150, "the team name's error is far from its box"
        page.wait_for_function(f"document.querySelector('{CRITERION} .widget-toggle-button').disabled")
        assert all(b["disabled"] for b in boxes(page, f"{CRITERION} .widget-toggle-button"))
    finally:
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / f"assessment-layout-{width}.png"), full_page=False)
        context.close()
