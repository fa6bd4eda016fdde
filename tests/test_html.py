"""One way to write HTML, style and number formats once: the rules of issue 16, checked over the package."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from markupsafe import escape

from mlops_workbook import charts, formatting, html, style

PACKAGE = Path(html.__file__).resolve().parent
TAGS = ("div", "span", "td", "th", "tr", "table", "thead", "tbody", "p", "a", "b", "i", "em", "strong", "small", "code",
        "pre", "ul", "ol", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "html", "head", "body", "meta", "title",
        "style")
TAG = re.compile(r"</?(?:" + "|".join(TAGS) + r")(?=[\s>/])", re.IGNORECASE)
COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b")


def _python_files() -> list[Path]:
    files = sorted(p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "html.py")
    assert len(files) > 50, files  # guard: a wrong root would check nothing
    return files


def _strings(path: Path) -> list[tuple[int, str]]:
    """Every string literal of a module (f-string parts included), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_no_html_in_python_strings_outside_the_environment():
    found = [f"{path.relative_to(PACKAGE)}:{line}: {text[:60]!r}"
             for path in _python_files() for line, text in _strings(path) if TAG.search(text)]
    assert not found, "write HTML in templates/, render with mlops_workbook.html:\n" + "\n".join(found)


def test_the_grep_catches_an_f_string_tag(tmp_path):
    """The rule above can fail: a module with f-string HTML is caught, its docstring is not."""
    module = tmp_path / "m.py"
    module.write_text('"""A <b>docstring</b> may show markup."""\nname = "x"\nx = f"<td>{name}</td>"\n')
    assert [text for _, text in _strings(module) if TAG.search(text)] == ["<td>", "</td>"]


def test_every_template_is_rendered_with_autoescape():
    env = html.environment()
    assert env.autoescape is True and html.environment() is env  # one environment per process
    templates = sorted(p.relative_to(html.TEMPLATES).as_posix() for p in html.TEMPLATES.rglob("*.html.j2"))
    assert {"report/summary.html.j2", "report/index.html.j2", "ui/common.html.j2", "ui/landing.html.j2",
            "server/page.html.j2"} <= set(templates)
    for name in templates:
        env.get_template(name)  # every template compiles


HOSTILE = "<script>alert('x')</script> & Co"


@pytest.mark.parametrize(("macro", "args"), [("status", (HOSTILE, "error")), ("para", (HOSTILE,)),
                                              ("heading", (HOSTILE,)), ("note", (HOSTILE,)),
                                              ("error", (HOSTILE,)), ("download", ("data:,x", HOSTILE, HOSTILE))])
def test_widget_fragments_escape_user_text(macro, args):
    out = html.fragment("ui/common.html.j2", macro, *args)
    assert "<script>" not in out and str(escape(HOSTILE)) in out


def test_trusted_html_is_not_escaped_twice():
    inner = html.fragment("ui/common.html.j2", "note", "a < b")
    outer = html.fragment("ui/lab.html.j2", "dataset", "drift", 0.5, 4, html.trusted(inner))
    assert "<p><i>a &lt; b</i></p>" in outer and "&amp;lt;" not in outer and "50% of 4 features" in outer


def test_level_colours_and_names_are_defined_once():
    """style.py is the only Python module that spells a level colour; charts and CSS take them from it."""
    colours = set(style.LEVEL_COLOURS)
    assert len(colours) == 5
    spelled = [f"{path.relative_to(PACKAGE)}:{line}" for path in _python_files() if path.name != "style.py"
               for line, text in _strings(path) if colours & set(COLOUR.findall(text))]
    assert not spelled, spelled
    templates = [p.relative_to(html.TEMPLATES).as_posix() for p in html.TEMPLATES.rglob("*.j2")
                 if colours & set(COLOUR.findall(p.read_text()))]
    assert not templates, templates
    assert charts.LEVEL_COLORS == list(style.LEVEL_COLOURS)
    assert charts.LEVEL_DOMAIN == [style.LEVEL_SHORT_NAMES[lv] for lv in range(5)]
    css = html.render("report/_style.html.j2")
    for level, colour in enumerate(style.LEVEL_COLOURS):
        assert f".mw-l{level} {{ background: {colour}; color: {style.text_on(colour)}; }}" in css


def test_charts_use_the_level_colours():
    import pandas as pd

    spec = charts.room_heatmap(pd.DataFrame({"team": ["a"], "dimension": ["d"], "level": [2]})).to_dict()
    assert spec["layer"][0]["encoding"]["color"]["scale"]["range"] == list(style.LEVEL_COLOURS)
    timeline = pd.DataFrame({"week": [0], "level": [2], "level_name": [style.level_name(2)], "accuracy": [0.9]})
    spec = charts.timeline_chart(timeline).to_dict()
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["range"][scale["domain"].index("L2 automated")] == style.level_colour(2) == "#c9a227"


def test_one_name_per_level():
    from mlops_workbook.assessment.rubric import load_rubric

    rubric = load_rubric("mlops-maturity")
    assert style.level_label(3, rubric) == "Level 3 (Mature MLOps)"  # the rubric's name wins
    assert style.level_label(3) == "Level 3" and style.level_name(3) == "L3 monitored"  # no rubric at hand
    badge = html.environment().get_template("report/_macros.html.j2").module.badge(3, rubric)
    assert ">Level 3 (Mature MLOps)</span>" in str(badge)


def test_simulation_level_names_come_from_style():
    from mlops_workbook.simulation import LEVEL_NAMES

    assert LEVEL_NAMES == style.LEVEL_SHORT_NAMES


@pytest.mark.parametrize(("value", "text"), [(float("nan"), "never"), (None, "never"), (3.0, "3 weeks"),
                                              (1.0, "1 week")])
def test_detection_is_formatted_once(value, text):
    assert formatting.detection(value) == text


def test_number_formats():
    assert formatting.money(12345.6) == "12,346" and formatting.money(-5, "EUR") == "EUR -5"
    assert formatting.interval(1200, 3400.4) == "1,200 to 3,400"
    assert formatting.weeks(52) == "52 weeks" and formatting.weeks(2.5, digits=1) == "2.5 weeks"
    assert formatting.never_or(float("nan")) == "never" and formatting.never_or(2.25, "{:.2f}") == "2.25"
    assert formatting.percent(0.125) == "12%" and formatting.percent(0.125, digits=1) == "12.5%"
    assert formatting.plural(1, "team") == "1 team" and formatting.plural(3, "team") == "3 teams"


def test_index_and_server_pages_escape_user_text(tmp_path):
    from mlops_workbook.report.batch import ReportOutcome, write_index

    outcomes = [ReportOutcome("a.json", HOSTILE, "failed", error=HOSTILE, summary={"overall_level": 2,
                                                                                    "dimension_levels": {HOSTILE: 2}})]
    index = write_index(outcomes, tmp_path, scenario=HOSTILE).read_text()
    assert "<script>" not in index and index.count(str(escape(HOSTILE))) == 4  # team, dimension, error, scenario
    assert f".lv2 {{ background: {style.level_colour(2)}; color: {style.text_on(style.level_colour(2))}; }}" in index
    page = html.render("server/page.html.j2", title=HOSTILE, kind="not-served", refresh=0, path=HOSTILE, start="/")
    assert "<script>" not in page and str(escape(HOSTILE)) in page


def test_code_spans_escape_and_mark_backticks():
    assert str(html.code_spans("Run `dvc add <x>` & push")) == "Run <code>dvc add &lt;x&gt;</code> &amp; push"
    assert str(html.code_spans("one ` stray <b>")) == "one ` stray &lt;b&gt;"


def test_level_badges_have_readable_text():
    """Every level's badge text reaches WCAG AA (4.5:1) on its colour: white on orange, yellow and
    green did not (axe-core: serious colour-contrast in the report)."""
    import re

    from mlops_workbook import style

    css = style.level_css("mw-l")
    for s in style.LEVELS:
        rule = re.search(rf"\.mw-l{s.level} {{ background: (#\w+); color: (#\w+); }}", css)
        assert rule and style.contrast(rule.group(2), rule.group(1)) >= 4.5
    assert round(style.contrast("#ffffff", "#000000"), 1) == 21.0
