"""A real Voila server (`mlops-workbook serve`) driven by a real Chromium through Playwright.

Run alone with `pytest -m browser`. Chromium is Debian's (/usr/bin/chromium, installed by
`make test`); Playwright never downloads a browser. Every request outside 127.0.0.1 is blocked, so
the pages are also checked to work offline. Each test leaves a screenshot in test-output/.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from mlops_workbook.assessment.answers import Answer, Answers, Context
from mlops_workbook.assessment.store import answers_path, save_answers

from .._servers import OUTPUT, SAVED, require_chromium, start_serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    # reports in a folder of their own, outside the package's notebooks, as `serve` has them by default:
    # the served root links them, so the report button's link still opens
    with start_serve(tmp_path_factory.mktemp("served")) as served:
        yield {"base": served.base, "answers": served.answers, "reports": served.reports, "log": served.log}


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    outside: list[str] = []

    def only_loopback(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", only_loopback)
    page.set_default_timeout(90_000)
    page.outside_requests = outside
    yield page
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{request.node.name}.png"), full_page=True)
    context.close()


def visible(page, selector: str):
    return page.locator(f"{selector} >> visible=true")


def test_landing_page_links_the_dashboards(server, page):
    page.goto(f"{server['base']}/voila/render/00_start.ipynb")  # the static landing page: no kernel
    assert page.url == f"{server['base']}/mlops-workbook/start"
    for name in ("01_assessment.ipynb", "02_drift_gating_lab.ipynb", "04_workshop_dashboard.ipynb"):
        assert page.locator(f'a[href="/voila/render/{name}"]').count() == 1  # alone: the dashboard is here
    page.get_by_text("No team has answered yet").wait_for()


def test_assessment_answers_save_and_restore(server, page):
    url = f"{server['base']}/voila/render/01_assessment.ipynb?team=browser-blue&rubric=quick-check"
    page.goto(url)
    page.get_by_text("Overall: Level 0").wait_for()
    bars_before = page.locator(".mw-level-bars").first.inner_html()
    for tab in ("Data & Training", "Deployment", "Monitoring & Governance"):
        page.locator(".lm-TabBar-tab", has_text=tab).click()
        visible(page, ".widget-toggle-button:text-is('yes')").first.click()
    page.get_by_text("Overall: Level 1").wait_for()
    assert page.locator(".mw-level-bars").first.inner_html() != bars_before
    saved = server["answers"] / "browser-blue.quick-check.json"
    data = wait_for_answers(saved, 3)
    assert data["team"] == "browser-blue" and data["rubric"] == "quick-check"
    assert data["answers"] == {"qc-build-1": "yes", "qc-ship-1": "yes", "qc-operate-1": "yes"}
    assert "context" not in data  # clicking answers invents no context

    page.reload()
    page.get_by_text("Overall: Level 1").wait_for()
    page.get_by_text("Resumed 3 answers").wait_for()
    assert visible(page, ".widget-toggle-button.mod-active:text-is('yes')").count() >= 1
    assert page.outside_requests == [] or all("fontawesome" in u for u in page.outside_requests)


def wait_for_answers(path: Path, count: int, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.is_file() and len(json.loads(path.read_text(encoding="utf-8"))["answers"]) >= count:
            break
        time.sleep(0.3)
    return json.loads(path.read_text(encoding="utf-8"))


def type_team(page, name: str) -> None:
    box = page.locator(".team-name input")
    box.fill(name)
    box.press("Enter")


def choose_rubric(page, rubric_id: str) -> None:
    """ipywidgets' Dropdown options carry the label ("Quick check (quick-check)"), not the id."""
    select = page.locator(".widget-dropdown select").first
    label = select.locator("option", has_text=f"({rubric_id})").first.text_content()
    select.select_option(label=label)


def click(page, criterion: str, value: str) -> None:
    page.locator(f".criterion-{criterion} .widget-toggle-button:text-is('{value}')").click()


def test_rubric_switch_keeps_every_rubrics_answers(server, page):
    page.goto(f"{server['base']}/voila/render/01_assessment.ipynb")
    page.get_by_text("Overall: Level 0").wait_for()
    type_team(page, "Switcher")
    page.get_by_text("will be saved to").wait_for()
    click(page, "data-1-versioning", "yes")
    full = answers_path(server["answers"], "Switcher")
    assert wait_for_answers(full, 1)["answers"] == {"data-1-versioning": "yes"}
    choose_rubric(page, "quick-check")
    page.locator(".criterion-qc-build-1").wait_for()
    click(page, "qc-build-1", "partial")
    quick = answers_path(server["answers"], "Switcher", "quick-check")
    assert wait_for_answers(quick, 1)["answers"] == {"qc-build-1": "partial"}
    choose_rubric(page, "mlops-maturity")
    page.locator(".criterion-data-1-versioning .mod-active:text-is('yes')").wait_for()
    assert json.loads(full.read_text())["answers"] == {"data-1-versioning": "yes"}  # never overwritten
    choose_rubric(page, "quick-check")
    page.locator(".criterion-qc-build-1 .mod-active:text-is('partial')").wait_for()


def test_distinct_names_in_any_script_get_distinct_files(server, page):
    names = ["Команда", "数据团队"]
    for i, name in enumerate(names):
        page.goto(f"{server['base']}/voila/render/01_assessment.ipynb")
        page.get_by_text("Overall: Level 0").wait_for()
        type_team(page, name)
        page.get_by_text(f"New: {name}'s answers").wait_for()  # the second never resumes the first
        click(page, "data-1-versioning", ["yes", "no"][i])
        page.get_by_text(SAVED).wait_for()
    teams = {}
    for path in server["answers"].glob("team--*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        teams[data["team"]] = data["answers"]
    assert teams == {"Команда": {"data-1-versioning": "yes"}, "数据团队": {"data-1-versioning": "no"}}


def test_report_button_in_voila_gives_a_link_that_opens(server, page):
    page.goto(f"{server['base']}/voila/render/01_assessment.ipynb?team=Other%20Team")
    page.get_by_text("Overall: Level 0").wait_for()
    type_team(page, "Отчёт Team")  # typed, unlike the URL's team: the report must be this one
    page.get_by_text("will be saved to").wait_for()
    click(page, "data-1-versioning", "yes")
    page.get_by_text(SAVED).wait_for()
    page.get_by_text("Create my report").click()
    page.get_by_text(re.compile(r"Starting the report workers|Making your report now|Waiting: ")).wait_for()
    click(page, "data-1-scripted-prep", "partial")  # the page stays responsive meanwhile
    page.get_by_text("Your report is ready", exact=False).wait_for(timeout=300_000)
    link = page.locator("a.report-link")
    href = link.get_attribute("href")
    assert href and href.startswith("/voila/files/reports/")
    with page.context.expect_page() as opened:
        link.click()
    report = opened.value
    report.wait_for_load_state()
    assert "MLOps maturity report: Отчёт Team" in report.content()
    OUTPUT.mkdir(exist_ok=True)
    report.screenshot(path=str(OUTPUT / "report_opened_from_voila.png"), full_page=True)


def test_unknown_rubric_in_url_is_a_message(server, page):
    page.goto(f"{server['base']}/voila/render/01_assessment.ipynb?team=x&rubric=..%2F..%2Fetc%2Fpasswd")
    page.get_by_text("unknown rubric").wait_for()
    assert "Traceback" not in page.content()


def test_lab_slider_changes_the_chart(server, page):
    page.goto(f"{server['base']}/voila/render/02_drift_gating_lab.ipynb")
    page.get_by_text("KPIs per level").wait_for()
    status = page.locator("text=/simulated/").first
    status.wait_for()
    chart = page.locator(".jp-OutputArea-output img, .jp-OutputArea-output svg").first
    before = chart.evaluate("node => node.outerHTML")
    slider = page.locator(".widget-slider", has_text="Onset week")
    readout = slider.locator(".widget-readout")
    readout.click()
    readout.press("Control+A")
    readout.type("8")
    readout.press("Enter")
    page.wait_for_function(
        "before => { const n = document.querySelector('.jp-OutputArea-output img, .jp-OutputArea-output svg');"
        " return n && n.outerHTML !== before; }", arg=before, timeout=60_000)


def test_dashboard_shows_teams_as_they_arrive(server, page):
    for team in ("Room Team A", "Room Team B"):
        answers = Answers(team=team, rubric="mlops-maturity", context=Context(models_in_production=3),
                          answers={"data-1-versioning": Answer("yes"), "gov-1-owner": Answer("partial")})
        save_answers(answers, answers_path(server["answers"], team))
    page.goto(f"{server['base']}/voila/render/04_workshop_dashboard.ipynb")
    page.get_by_text("Room Team A").first.wait_for()
    page.get_by_text("Room Team B").first.wait_for()
    assert page.locator('a[href="03_report.ipynb?team=Room%20Team%20A"]').count() == 1


def test_live_report_from_the_query_string(server, page):
    answers = Answers(team="Live Team", rubric="quick-check", answers={"qc-build-1": Answer("yes")})
    save_answers(answers, answers_path(server["answers"], "Live Team", "quick-check"))
    page.goto(f"{server['base']}/voila/render/03_report.ipynb?team=Live%20Team&include_simulation=false")
    page.get_by_text("MLOps maturity report: Live Team").wait_for()
    page.get_by_text("Roadmap").first.wait_for()
    page.goto(f"{server['base']}/voila/render/03_report.ipynb?team=..%2F..%2Fetc%2Fpasswd")
    page.get_by_text("This report cannot be shown").wait_for()
