"""What a stakeholder read in the sample reports: one number per thing, terms defined where they are shown,
one wording of a scenario, tools that are the criterion's own, one name per level."""

from __future__ import annotations

import json
import re
from functools import cache

from markupsafe import escape

from mlops_workbook.report.content import ReportParameters, TeamReport
from mlops_workbook.style import level_label

from ..conftest import ROOT, SAMPLES


@cache
def _report(team: str, simulation: bool = True) -> TeamReport:
    return TeamReport.build(ReportParameters(str(SAMPLES / f"{team}.json"), include_simulation=simulation))


def _table_cell(html: str, label: str, column: int) -> str:
    """The text of one cell of the simulation table: the row whose label starts with `label`."""
    row = next(r for r in html.split("<tr>") if r.startswith(f"<td>{label}"))
    cells = re.findall(r"<td>(.*?)</td>", row, flags=re.S)
    return re.sub(r"<[^>]+>", " ", cells[column + 1]).split()[0]


def test_the_kpi_sentence_uses_the_tables_means_not_one_seed():
    """Falcon at Level 3: the table said 7.4 weeks and 2.2 manual interventions, the sentence under it
    "never" and 4 (seed 0 alone)."""
    report = _report("falcon-payments")
    level, seeds = report.assessment.overall_level, report.simulation.seeds
    row = seeds.summary().set_index("level").loc[level]
    column = report.compared_levels.index(level)
    table, kpis = report.simulation_html(), report.kpis_html()
    manual = _table_cell(table, "Manual interventions", column)
    assert manual == f"{row['manual_interventions']:.1f}"
    assert f"{manual} manual intervention" in kpis, kpis
    assert f"{_table_cell(table, 'Weeks to detect', column)} weeks after it began" in kpis, kpis
    noticed = int(seeds.per_seed.loc[seeds.per_seed.level == level, "weeks_to_detect"].notna().sum())
    assert f"noticed in {noticed} of the {len(seeds.seeds)} years" in kpis and f"means over {len(seeds.seeds)} simulated years" in kpis


def test_weeks_to_detect_is_defined_beside_the_table():
    report = _report("falcon-payments")
    html = report.simulation_html()
    assert "Weeks to detect the drift: the weeks from the drift&#39;s onset (week" in html
    assert "Without it (Levels 0 to 2) it is the business complaining" in html
    assert "A scheduled retrain that happens to repair the model is not counted" in html
    assert re.search(r"noticed in \d+ of 20 years", html)


def test_the_scenario_has_one_wording_in_headline_target_and_table():
    for team, scenario in (("heron-analytics", "gradual-drift"), ("falcon-payments", "concept-drift")):
        report = _report(team)
        words = f"the {scenario} scenario"
        text = report.summary_html() + report.simulation_html()
        assert words in report.story.headline() and "drift drift" not in text
        assert f"({scenario})" not in report.story.target(), report.story.target()
        assert f"<b>{words}</b>" in report.simulation_html()
    assert "in the gradual-drift scenario, which your answers describe" in _report("heron-analytics").story.target()


def test_roadmap_tools_are_the_criterions_own_or_a_dash():
    report = _report("falcon-payments", simulation=False)
    html = report.roadmap_html()
    items = [i for phase in report.assessment.roadmap for i in phase.items]
    assert items
    for item in items:
        row = next(r for r in html.split("<tr>") if str(escape(item.text)) in r)
        tools = re.findall(r"<td>(.*?)</td>", row, flags=re.S)[3]
        own = report.rubric.criteria[item.criterion].tools
        assert tools == (str(escape(", ".join(own))) if own else "–"), (item.criterion, tools)
    for category in report.rubric.tools_for_level(4):  # the level's kinds of tool, once, under the phase
        assert html.count(str(escape(f"{category.name} ({', '.join(category.examples[:3])})"))) == 1


def test_counts_are_singular_for_one_and_match_their_value():
    """"1 retrains" read in the sample reports."""
    for team in ("badger-insights", "magpie-ai", "lemur-labs", "falcon-payments"):
        kpis = _report(team).kpis_html()
        found = re.findall(r"([\d.]+) (retrains?|manual interventions?)\b", kpis)
        assert len(found) == 2, kpis
        for number, word in found:
            assert word.endswith("s") == (float(number) != 1), (team, number, word)


def test_break_even_says_why_it_names_level_2_when_the_table_does_not_show_it():
    report = _report("falcon-payments")
    assert 2 not in report.compared_levels
    text = report.story.break_even_text()
    assert "against Level 2 (Automated ML)" in text and "is not in the table above" in text


def test_progress_and_the_highest_level_are_explained_under_the_table():
    html = _report("badger-insights", simulation=False).summary_html()
    assert "Ceiling" not in html and "Highest level with a practice" in html
    assert "Progress: the dimension's level plus the share of its next level's criteria met" in html


def test_every_level_has_one_name_in_the_report_and_the_assessments_table():
    report = _report("falcon-payments")
    html = "".join(getattr(report, f"{s}_html")() for s in ("summary", "roadmap", "simulation", "kpis", "dimensions"))
    for short in ("L0 manual", "L1 scripted", "L2 automated", "L3 monitored", "L4 optimized"):
        assert short not in html
    for alias in {lv.alias for lv in report.rubric.levels if lv.alias}:
        assert f"({alias})" not in html
    for lv in range(5):  # a bare "Level 3" badge, without the rubric's name, is gone
        assert f">Level {lv}</span>" not in html and f"<td>L{lv}</td>" not in html
    chart = json.dumps(report.simulation_chart().to_dict())
    assert level_label(3, report.rubric) in chart and "L3 monitored" not in chart
    notebook = json.loads((ROOT / "notebooks" / "01_assessment.ipynb").read_text())
    table = "".join(notebook["cells"][0]["source"])
    for lv in range(5):
        assert f"| {lv} | {level_label(lv, report.rubric)} |" in table
    assert "(Optimized)" not in table and "AI-First (" not in table
