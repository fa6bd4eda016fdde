"""PDF reports: Debian's chromium through Playwright, offline, one browser per batch.

Run with `pytest -m browser tests/report/test_pdf.py`. The PDF text is read back with poppler's `pdftotext`
(`make chromium` installs poppler-utils with chromium); the first page is rendered to PNG with
`pdftoppm` into test-output/pdf/ for a person to look at.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mlops_workbook.assessment.answers import Answer, Answers
from mlops_workbook.assessment.store import load_answers, save_answers, team_file_stem
from mlops_workbook.style import level_label
from mlops_workbook.cli import main
from mlops_workbook.report.pdf import CHROMIUM, PdfPrinter, print_pdfs
from mlops_workbook.report.content import ReportParameters, TeamReport
from mlops_workbook.report.index import page
from mlops_workbook.assessment.scoring import score

from ..conftest import ROOT, SAMPLES

OUTPUT = ROOT / "test-output" / "pdf"
browser = pytest.mark.browser


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: `make chromium` installs poppler-utils (apt-get install poppler-utils)")
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())  # line wraps are layout, not content


def first_page_png(pdf: Path, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    stem = OUTPUT / name
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                   check=True)
    png = stem.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000  # not a blank page
    return png


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make chromium` installs it (apt-get install chromium)")


@pytest.fixture
def report_page(tmp_path):
    """A real report (every section but the notebook's charts) for a team assessed twice."""
    path = tmp_path / "answers" / "kestrel.json"
    save_answers(Answers("Kestrel & <Sons>", "quick-check", {"qc-build-1": Answer("no")}, date="2026-08-03"), path)
    later = {"qc-build-1": Answer("yes", "DVC since <May>"), "qc-build-2": Answer("yes")}
    save_answers(Answers("Kestrel & <Sons>", "quick-check", later, date="2026-11-21"), path)
    report = TeamReport.build(ReportParameters(str(path), include_simulation=False))
    body = "".join([report.summary_html(), report.since_html(), report.flags_html(), report.roadmap_html(),
                    report.kpis_html(), report.dimensions_html(), report.appendix_html()])
    html = tmp_path / "kestrel.html"
    html.write_text(page(f"MLOps maturity report: {report.team}", body))
    return html, report


@browser
def test_pdf_has_the_team_its_level_and_since(chromium, report_page):
    html, report = report_page
    (printed,) = print_pdfs([(html, html.with_suffix(".pdf"))])
    assert printed.path == html.with_suffix(".pdf") and printed.blocked_requests == 0
    assert printed.path.read_bytes().startswith(b"%PDF-")
    text = pdf_text(printed.path)
    a = report.assessment
    assert "MLOps maturity report: Kestrel & <Sons>" in text  # the text, not its escaped form
    assert level_label(a.overall_level, report.rubric) in text  # one spelling of a level, on the badge too
    assert "Since 2026-08-03" in text and "DVC since <May>" in text
    first_page_png(printed.path, "kestrel")


@browser
def test_nothing_leaves_the_machine_and_blocked_requests_are_counted(chromium, tmp_path):
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        html = tmp_path / "leaky.html"
        html.write_text(f'<html><head><link rel="stylesheet" href="{base}/font.css"></head><body>'
                        f'<h1>Leaky team</h1><img src="{base}/pixel.png"><iframe src="{base}/frame"></iframe>'
                        '<img src="data:image/svg+xml;utf8,&lt;svg xmlns=%27http://www.w3.org/2000/svg%27/&gt;">'
                        f'<img src="file://{tmp_path}/other.png"></body></html>')
        (tmp_path / "other.png").write_bytes(b"not shown: only the report's own file may load")
        (printed,) = print_pdfs([(html, tmp_path / "leaky.pdf")])
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []  # the local server saw nothing: every request was aborted in the browser
    assert printed.blocked_requests == 4  # css, pixel, iframe, another local file
    assert "Leaky team" in pdf_text(printed.path)


@browser
def test_one_browser_prints_many_and_a_failure_is_that_page_only(chromium, report_page, tmp_path):
    html, _ = report_page
    missing = tmp_path / "missing.html"
    with PdfPrinter() as printer:
        browser_object = printer._browser
        first = printer.print(html, tmp_path / "a.pdf")
        with pytest.raises(Exception, match="ERR_FILE_NOT_FOUND"):
            printer.print(missing, tmp_path / "b.pdf")
        third = printer.print(html, tmp_path / "c.pdf")
        assert printer._browser is browser_object
    assert first.path.is_file() and third.path.is_file() and not (tmp_path / "b.pdf").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_missing_chromium_is_one_clear_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MLOPS_WORKBOOK_CHROMIUM", str(tmp_path / "no-chromium"))
    code = main(["report", str(SAMPLES / "heron-analytics.json"), "--out", str(tmp_path / "out"), "--pdf",
                 "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "chromium" in err and str(tmp_path / "no-chromium") in err and "Traceback" not in err
    assert not (tmp_path / "out" / "heron-analytics.html").exists()  # failed before any kernel ran


@browser
@pytest.mark.slow
def test_report_pdf_batch(chromium, tmp_path, capsys, monkeypatch):
    """`report --pdf`: one browser for the batch, a PDF beside each HTML, a failing PDF fails its report only."""
    import mlops_workbook.report.pdf as pdf_module

    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("heron-analytics.json", "otter-retail.json", "lemur-labs.json"):
        shutil.copy(SAMPLES / name, inputs / name)
    # Heron reassessed: its earlier copy kept in history/, the index and report show the move
    heron, _, _ = load_answers(inputs / "heron-analytics.json")
    earlier = Answers(heron.team, heron.rubric, {}, context=heron.context, date="2026-05-01")
    (inputs / "history" / "heron-analytics").mkdir(parents=True)
    (inputs / "history" / "heron-analytics" / "2026-05-01.json").write_text(json.dumps(earlier.to_dict()))

    launches = []
    real_enter, real_print = pdf_module.PdfPrinter.__enter__, pdf_module.PdfPrinter.print

    def counting_enter(self):
        launches.append(1)
        return real_enter(self)

    def failing_print(self, html_path, pdf_path):
        if Path(html_path).stem == team_file_stem("Lemur Labs"):
            raise RuntimeError("printer jammed")
        return real_print(self, html_path, pdf_path)

    monkeypatch.setattr(pdf_module.PdfPrinter, "__enter__", counting_enter)
    monkeypatch.setattr(pdf_module.PdfPrinter, "print", failing_print)
    out = tmp_path / "out"
    (out).mkdir()
    stems = {name: team_file_stem(load_answers(inputs / f"{name}.json")[0].team)
             for name in ("heron-analytics", "otter-retail", "lemur-labs")}
    (out / f"{stems['lemur-labs']}.pdf").write_bytes(b"%PDF- stale from an earlier run")
    code = main(["report", str(inputs), "--out", str(out), "--pdf", "--jobs", "2", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and launches == [1]
    assert "lemur-labs.json: PDF failed: RuntimeError: printer jammed" in err
    assert not (out / f"{stems['lemur-labs']}.pdf").exists()  # no stale PDF beside a failed report

    records = {r["team"]: r for r in json.loads((out / "index.json").read_text())}
    index = (out / "index.html").read_text()
    for name in ("heron-analytics", "otter-retail"):
        answers, rubric, _ = load_answers(inputs / f"{name}.json")
        record = records[answers.team]
        name = stems[name]
        assert record["status"] == "ok" and record["pdf"] == f"{name}.pdf" and record["html"] == f"{name}.html"
        assert record["pdf_blocked_requests"] == 0  # the exported page needs nothing from outside
        assert f'href="{name}.html"' in index and f'href="{name}.pdf"' in index
        text = pdf_text(out / f"{name}.pdf")
        level = score(rubric, answers).overall_level
        assert answers.team in text and f"Level {level} ({rubric.level(level).name})" in text
    assert records["Lemur Labs"]["status"] == "failed" and records["Lemur Labs"]["pdf"] is None
    assert f'href="{stems["lemur-labs"]}.pdf"' not in index
    heron_summary = records["Heron Analytics"]["summary"]
    assert heron_summary["previous"] == {"date": "2026-05-01", "overall_level": 0,
                                         "dimension_levels": {d: 0 for d in heron_summary["dimension_levels"]}}
    assert "<td>Level 0 on 2026-05-01</td>" in index
    heron_text = pdf_text(out / f"{stems['heron-analytics']}.pdf")
    assert "Since 2026-05-01" in heron_text and "Criteria gained" in heron_text
    first_page_png(out / f"{stems['heron-analytics']}.pdf", "heron-analytics")
