"""The workbook served under a URL prefix, as JupyterHub and Binder serve it (`serve --base-url /user/x/`).

Every link of the landing page resolves under the prefix (no 404), the assessment's "Create my
report" gives a link that opens the report, and leaving a page shuts its kernel down (Voila's
unload call carries the `_xsrf` cookie the server now sets, instead of a 403).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from urllib.parse import urljoin

import pytest

from mlops_workbook.assessment.answers import Answer, Answers
from mlops_workbook.assessment.store import answers_path, save_answers, team_file_stem

from .._servers import OUTPUT, SAVED, require_chromium, start_serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PREFIX = "/user/x/"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    require_chromium()
    root = tmp_path_factory.mktemp("prefix")
    # reports in a folder of their own, as `serve` has them by default (it links them into what it serves)
    answers, reports = root / "answers", root / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    # a team's exported report, which the landing page links under the team's name
    exported = reports / f"{team_file_stem('Prefix Live Team', 'quick-check')}.html"
    exported.write_text("<html><body><h1>Exported report of the prefix test</h1></body></html>")
    save_answers(Answers(team="Prefix Live Team", rubric="quick-check", answers={"qc-build-1": Answer("yes")}),
                 answers_path(answers, "Prefix Live Team", "quick-check"))
    with start_serve(root, base_url=PREFIX) as serving:
        yield {"base": serving.base, "origin": serving.origin, "log": serving.log, "answers": answers,
               "workdir": serving.workdir}


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(180_000)
    yield page
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"prefix-{request.node.name}.png"), full_page=True)
    context.close()


def status_of(url: str) -> int:
    """The HTTP status of a link; a notebook page streams, so only its status line is waited for."""
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_report_link_from_the_assessment_opens_the_report(served, page):
    """First, while no other page's kernel competes with the report's papermill run."""
    page.goto(f"{served['base']}voila/render/01_assessment.ipynb?team=Prefix%20Team&rubric=quick-check")
    page.get_by_text("Overall: Level 0").wait_for()
    page.locator(".widget-toggle-button:text-is('yes') >> visible=true").first.click()
    page.get_by_text(SAVED).wait_for()
    page.get_by_role("button", name="Create my report").click()
    page.get_by_text("Your report is ready").wait_for(timeout=300_000)
    name = f"{team_file_stem('Prefix Team', 'quick-check')}.html"
    link = page.locator("a.report-link")
    assert link.get_attribute("href") == f"{PREFIX}voila/files/reports/{name}"
    report = page.context.new_page()
    report.goto(urljoin(page.url, link.get_attribute("href")))
    report.get_by_text("MLOps maturity report: Prefix Team").first.wait_for()
    report.screenshot(path=str(OUTPUT / "prefix-report.png"))
    report.close()
    page.goto(f"{served['base']}voila/render/00_start.ipynb")  # leaving the page shuts its kernel down
    page.get_by_text("Prefix Live Team").first.wait_for()  # the static landing page (no kernel)
    deadline = time.monotonic() + 20  # well within the grace period: the unload beacon did it
    while time.monotonic() < deadline and room(served)["taken"]:
        time.sleep(0.5)
    assert room(served)["taken"] == 0
    assert "_xsrf" not in (served["workdir"] / "alone.log").read_text()


def room(served) -> dict:
    with urllib.request.urlopen(f"{served['base']}mlops-workbook/room.json", timeout=30) as response:
        return json.loads(response.read())


def test_every_landing_link_resolves_under_the_prefix(served, page):
    started = time.monotonic()
    page.goto(f"{served['base']}voila/render/00_start.ipynb")  # the static landing page
    page.get_by_text("Prefix Live Team").wait_for()
    assert page.url == f"{served['base']}mlops-workbook/start"
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.href)")  # resolved by the browser
    ours = [h for h in hrefs if h.startswith(served["origin"])]
    assert len(ours) >= 5, hrefs  # three dashboards, one exported report, one live report
    for href in ours:
        assert href.startswith(served["base"]), f"{href} leaves the prefix {PREFIX}"
        assert status_of(href) == 200, href
    exported = next(h for h in ours if h.endswith(".html"))
    name = team_file_stem("Prefix Live Team", "quick-check")
    assert exported == f"{served['base']}voila/files/reports/{name}.html"
    report = page.context.new_page()
    report.goto(exported)
    report.get_by_text("Exported report of the prefix test").wait_for()
    print(f"landing links checked in {time.monotonic() - started:.0f} s")
