"""Batch reports: real papermill execution in worker processes, real nbconvert export."""

from __future__ import annotations

import json
import re
import shutil
from html import escape

import nbformat
import pytest

from mlops_workbook.assessment.store import load_answers, team_file_stem
from mlops_workbook.cli import main
from mlops_workbook.assessment.scoring import score
from mlops_workbook.style import level_label

from ..conftest import SAMPLES, sample_files

pytestmark = pytest.mark.slow

def stem_of(path) -> str:
    """The report file's stem: one per team and rubric (the answers files' naming rule)."""
    answers, _, _ = load_answers(path)
    return team_file_stem(answers.team, answers.rubric)


EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One run over the samples plus the awkward cases, shared by the tests below."""
    inputs = tmp_path_factory.mktemp("inputs")
    for path in sample_files():
        shutil.copy(path, inputs / path.name)
    (inputs / "zz-corrupt.json").write_text('{"team": "broken", "rubric": ')
    (inputs / "zz-unknown-rubric.json").write_text(json.dumps({"team": "nowhere", "rubric": "no-such-rubric"}))
    hostile = {"team": "<script>alert(1)</script>", "rubric": "quick-check", "answers": {"qc-build-1": "yes"}}
    (inputs / "zz-hostile.json").write_text(json.dumps(hostile))
    (inputs / "zz-traversal.json").write_text(json.dumps({"team": "../../escape", "rubric": "quick-check"}))
    out = tmp_path_factory.mktemp("reports")
    code = main(["report", str(inputs), "--out", str(out), "--jobs", "2", "--keep-ipynb", "--quiet"])
    return code, inputs, out


def test_exit_code_one_when_some_fail(batch):
    code, _, _ = batch
    assert code == 1


def test_each_report_shows_the_levels_scoring_computes(batch):
    _, _, out = batch
    for path in sample_files():
        answers, rubric, _ = load_answers(path)
        result = score(rubric, answers)
        page = (out / f"{stem_of(path)}.html").read_text()
        assert f"MLOps maturity report: {escape(answers.team)}" in page
        assert f'Overall: <span class="mw-level mw-l{result.overall_level}">Level {result.overall_level}' in page
        for dim in result.dimensions:
            badge = escape(level_label(dim.level, rubric))  # "Level 2 (Automated Pipeline)": one name per level
            assert (f'<td>{escape(dim.name)}</td><td><span class="mw-level mw-l{dim.level}">{badge}</span>'
                    in page), (path.name, dim.name)


def test_index_lists_reports_and_failures(batch):
    _, _, out = batch
    index = (out / "index.html").read_text()
    for path in sample_files():
        assert f'href="{stem_of(path)}.html"' in index
    assert "zz-corrupt.json: line 1: invalid JSON" in index
    assert "zz-unknown-rubric.json: rubric: unknown rubric &#39;no-such-rubric&#39;" in index
    data = json.loads((out / "index.json").read_text())
    assert sum(row["status"] == "failed" for row in data) == 2


def test_hostile_team_name_is_text_and_a_safe_file(batch):
    _, _, out = batch
    page = (out / f"{team_file_stem('<script>alert(1)</script>', 'quick-check')}.html").read_text()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in (out / "index.html").read_text()


def test_team_names_cannot_escape_the_folder(batch):
    _, _, out = batch
    name = f"{team_file_stem('../../escape', 'quick-check')}.html"
    assert (out / name).is_file() and "/" not in name
    assert not (out.parent / name).exists() and not (out.parent.parent / name).exists()
    assert all(p.parent == out for p in out.rglob("*"))


def test_pages_are_offline(batch):
    _, _, out = batch
    pages = sorted(out.glob("*.html"))
    assert len(pages) >= len(sample_files()) + 2
    for page in pages:
        text = page.read_text()
        assert not EXTERNAL.search(text), page.name
        assert "<script" not in text.lower(), page.name
        assert "cdn." not in text and "mathjax" not in text.lower() and "require.js" not in text, page.name


def test_executed_notebooks_record_papermill_parameters(batch):
    _, inputs, out = batch
    nb = nbformat.read(out / f"{stem_of(inputs / 'heron-analytics.json')}.ipynb", as_version=4)
    params = nb.metadata["papermill"]["parameters"]
    assert params["answers_path"] == str((inputs / "heron-analytics.json").resolve())
    assert params["scenario"] == "" and params["costs"] == "" and params["replay"] == ""  # "": from the context
    html = (out / f"{stem_of(inputs / 'heron-analytics.json')}.html").read_text()
    assert "You said your data changes slowly, so this simulates gradual-drift" in html  # Heron's data_change
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert ["parameters"] in tags and ["injected-parameters"] in tags
    assert all(c.get("outputs") is not None for c in nb.cells if c.cell_type == "code")


def test_rerun_overwrites_cleanly(batch, tmp_path):
    _, inputs, out = batch
    before = {p.name for p in out.iterdir()}
    code = main(["report", str(inputs / "otter-retail.json"), "--out", str(out), "--quiet", "--no-simulation"])
    assert code == 0
    after = {p.name for p in out.iterdir()}
    assert after <= before | {"index.html", "index.json"}
    assert not [name for name in after if name.startswith(".") or name.endswith(".tmp")]
    index = (out / "index.html").read_text()
    assert "Otter Retail" in index and "Heron Analytics" not in index  # the index describes the last run


def test_bad_input_for_whole_batch(tmp_path, capsys):
    assert main(["report", str(SAMPLES / "heron-analytics.json"), "--out", str(tmp_path), "--rubric", "nope"]) == 2
    assert "unknown rubric 'nope'" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "nothing-here-*.json"), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert not (tmp_path / "o").exists()  # bad input: nothing written
    assert "no answers files found" in capsys.readouterr().err


def test_index_links_html_and_pdf_and_shows_the_previous_level(tmp_path):
    from mlops_workbook.report.batch import ReportOutcome
    from mlops_workbook.report.index import write_index

    levels = {"Data": 2, "Ops": 1}
    outcomes = [
        ReportOutcome("a.json", "A & <b>", "ok", html="a-b.html", pdf="a-b.pdf",
                      summary={"overall_level": 1, "target_level": 2, "dimension_levels": levels,
                               "previous": {"date": "2026-05-01", "overall_level": 0, "dimension_levels": {}}}),
        ReportOutcome("c.json", "C", "ok", html="c.html", summary={"overall_level": 1, "dimension_levels": levels}),
        ReportOutcome("d.json", "D", "failed", html="d.html", error="d.json: PDF failed: boom",
                      summary={"overall_level": 0, "dimension_levels": levels}),
    ]
    index = write_index(outcomes, tmp_path).read_text()
    assert '<a href="a-b.html">A &amp; &lt;b&gt;</a> <a class="pdf" href="a-b.pdf">PDF</a>' in index
    assert '<a href="c.html">C</a></td>' in index and 'href="c.pdf"' not in index  # no PDF printed: no link
    assert 'href="d.html"' not in index and "PDF failed: boom" in index
    assert "<th>Previous</th>" in index and "<td>Level 0 on 2026-05-01</td>" in index
    records = json.loads((tmp_path / "index.json").read_text())
    assert [(r["html"], r["pdf"]) for r in records] == [("a-b.html", "a-b.pdf"), ("c.html", None), ("d.html", None)]
