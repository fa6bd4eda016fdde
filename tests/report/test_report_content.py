from __future__ import annotations

import json

import pytest
from markupsafe import escape

from mlops_workbook.errors import WorkbookError
from mlops_workbook.report.content import ReportFailure, ReportParameters, TeamReport, build_report, resolve_parameters

from ..conftest import SAMPLES


@pytest.fixture
def answers_dir(tmp_path):
    (tmp_path / "blue.json").write_text(json.dumps({
        "team": "Blue <b>", "rubric": "quick-check",
        "answers": {"qc-build-1": {"answer": "yes", "evidence": "<script>alert(1)</script>"}},
        "notes": "O'Brien & co"}))
    return tmp_path


def test_no_query_string_keeps_papermill_values():
    params = resolve_parameters(answers_path="a.json", scenario="none", seed=3)
    assert params == ReportParameters("a.json", "", None, "none", 3, True)


def test_query_string_overrides_and_team_resolves_in_folder(answers_dir):
    params = resolve_parameters(answers_path="ignored.json", query_string="team=blue&target_level=3&seed=7"
                                "&include_simulation=false&scenario=none", answers_dir=answers_dir)
    assert params.answers_path == str((answers_dir / "blue.json").resolve())
    assert (params.target_level, params.seed, params.include_simulation, params.scenario) == (3, 7, False, "none")


@pytest.mark.parametrize("team", ["../../etc/passwd", "/etc/passwd", "..%2F..%2Fetc%2Fpasswd"])
def test_team_from_url_never_becomes_a_path(answers_dir, team):
    with pytest.raises(WorkbookError, match="no answers saved for team"):
        resolve_parameters(answers_path="x", query_string=f"team={team}", answers_dir=answers_dir)


def test_a_path_like_team_name_never_reaches_another_teams_file(answers_dir):
    with pytest.raises(WorkbookError, match="no answers saved for team"):  # "../../blue" is not "blue"
        resolve_parameters(answers_path="x", query_string="team=..%2F..%2Fblue", answers_dir=answers_dir)


def test_team_with_another_rubric_is_found_by_its_exact_name(answers_dir):
    from mlops_workbook.assessment.answers import Answers
    from mlops_workbook.assessment.store import answers_path, save_answers

    path = save_answers(Answers(team="Команда", rubric="quick-check"), answers_path(answers_dir, "Команда", "quick-check"))
    params = resolve_parameters(answers_path="x", query_string="team=%D0%9A%D0%BE%D0%BC%D0%B0%D0%BD%D0%B4%D0%B0",
                                answers_dir=answers_dir)
    assert params.answers_path == str(path)
    with pytest.raises(WorkbookError, match="no answers saved"):
        resolve_parameters(answers_path="x", query_string="team=Команда&rubric=mlops-maturity", answers_dir=answers_dir)


@pytest.mark.parametrize("query", ["seed=-1", "seed=-5&team=blue"])
def test_negative_seed_from_the_url_is_a_message(answers_dir, query):
    with pytest.raises(WorkbookError, match="seed: expected a whole number >= 0"):
        resolve_parameters(answers_path="x", query_string=query, answers_dir=answers_dir)


def test_answers_path_is_not_taken_from_the_url(answers_dir):
    params = resolve_parameters(answers_path="fixed.json", query_string="answers_path=/etc/passwd",
                                answers_dir=answers_dir)
    assert params.answers_path == "fixed.json"


@pytest.mark.parametrize(("query", "field"), [("target_level=9", "target_level"), ("seed=abc", "seed"),
                                               ("rubric=..%2F..%2Fetc%2Fpasswd", "rubric"),
                                               ("include_simulation=maybe", "include_simulation")])
def test_bad_query_values(answers_dir, query, field):
    with pytest.raises(WorkbookError) as info:
        resolve_parameters(answers_path="x", query_string=query, answers_dir=answers_dir)
    assert info.value.field == field


def test_in_voila_errors_become_a_message(answers_dir, monkeypatch):
    monkeypatch.setenv("MLOPS_WORKBOOK_ANSWERS_DIR", str(answers_dir))
    report = build_report(answers_path="x", query_string="team=<nobody>")
    assert isinstance(report, ReportFailure)
    html = report.summary_html()
    assert f"no answers saved for team {escape(repr('<nobody>'))}" in html and "<nobody>" not in html
    assert report.roadmap_html() == "" and report.levels_chart() is None
    with pytest.raises(WorkbookError):
        build_report(answers_path=str(answers_dir / "missing.json"))  # under papermill: raise


def test_user_text_is_escaped(answers_dir):
    report = TeamReport.build(ReportParameters(str(answers_dir / "blue.json"), include_simulation=False))
    everything = "".join([report.summary_html(), report.dimensions_html(), report.appendix_html(),
                          report.roadmap_html(), report.flags_html(), report.kpis_html()])
    assert "<script>alert(1)</script>" not in everything and "&lt;script&gt;alert(1)&lt;/script&gt;" in everything
    assert "Blue &lt;b&gt;" in everything and "Blue <b>" not in everything
    assert escape("O'Brien & co") in everything


def test_report_sections_and_simulation():
    report = TeamReport.build(ReportParameters(str(SAMPLES / "heron-analytics.json"), scenario="concept-drift"))
    assert report.compared_levels == (1, 2)
    html = report.simulation_html()
    assert "Level 1 (DevOps for ML)" in html and "Level 2 (Automated ML)" in html and "Accuracy-weeks lost" in html
    assert "L1 scripted" not in html  # one name per level: the rubric's, as on the badges
    assert "Heron Analytics is at Level 1 (DevOps for ML) overall" in report.headline()
    assert report.levels_chart().to_dict()["layer"]
    assert report.simulation_chart() is not None


# --------------------------------------------------------------------------- templates, escaping, "Since"

HOSTILE = "<script>alert('x')</script> & Co"


def _hostile_history(tmp_path):
    """A team whose name, evidence, notes and context are hostile, assessed twice."""
    from mlops_workbook.assessment.answers import Answer, Answers
    from mlops_workbook.assessment.store import save_answers

    path = tmp_path / "team.json"
    first = {"qc-build-1": Answer("yes", HOSTILE), "qc-ship-1": Answer("yes", HOSTILE)}
    save_answers(Answers(HOSTILE, "quick-check", first, date="2026-08-03", notes=HOSTILE), path)
    later = {"qc-build-1": Answer("yes", HOSTILE), "qc-build-2": Answer("yes", HOSTILE), "qc-ship-1": Answer("no")}
    save_answers(Answers(HOSTILE, "quick-check", later, date="2026-11-21", notes=HOSTILE), path)
    return path


SECTIONS = ["summary_html", "since_html", "dimensions_html", "flags_html", "roadmap_html", "kpis_html",
            "appendix_html"]


@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_escapes_user_text(tmp_path, section):
    report = TeamReport.build(ReportParameters(str(_hostile_history(tmp_path)), include_simulation=False))
    html = getattr(report, section)()
    assert html.strip(), section
    assert "<script>" not in html and "& Co" not in html
    if section in ("summary_html", "dimensions_html", "appendix_html"):
        assert str(escape(HOSTILE)) in html  # the text is there, as text


def test_failure_message_is_escaped():
    html = ReportFailure(HOSTILE).summary_html()
    assert str(escape(HOSTILE)) in html and "<script>" not in html


def test_since_section_shows_levels_then_and_now_and_criteria_gained_and_lost(tmp_path):
    from mlops_workbook.assessment.rubric import load_rubric

    report = TeamReport.build(ReportParameters(str(_hostile_history(tmp_path)), include_simulation=False))
    p = report.progress
    assert p is not None and p.date == "2026-08-03"
    html = report.since_html()
    assert "<h2>Since 2026-08-03</h2>" in html
    assert f'<span class="mw-level mw-l{p.previous.overall_level}">Level {p.previous.overall_level}</span> on 2026-08-03' in html
    assert f'<span class="mw-level mw-l{p.current.overall_level}">Level {p.current.overall_level}</span> now (2026-11-21)' in html
    rubric = load_rubric("quick-check")
    gained, lost = html.split("Criteria lost")
    assert "Criteria gained (1)" in gained and str(escape(rubric.criteria["qc-build-2"].text)) in gained
    assert "(1)" in lost and str(escape(rubric.criteria["qc-ship-1"].text)) in lost
    assert str(escape(rubric.criteria["qc-build-1"].text)) not in html  # unchanged: not listed
    for _before, after in zip(p.previous.dimensions, p.current.dimensions):
        assert f"<tr><td>{escape(after.name)}</td>" in html
    assert "Since 2026-08-03" in report.headline()
    assert report.progress is not None and report.progress.date == "2026-08-03"


def test_no_since_section_without_history():
    report = TeamReport.build(ReportParameters(str(SAMPLES / "heron-analytics.json"), include_simulation=False))
    assert report.progress is None and report.since_html() == ""


def test_sections_come_from_templates_with_autoescape():
    from mlops_workbook.html import TEMPLATES, environment, render

    names = sorted(p.name for p in (TEMPLATES / "report").glob("*.html.j2"))
    assert {"summary.html.j2", "since.html.j2", "dimensions.html.j2", "appendix.html.j2"} <= set(names)
    assert environment().autoescape is True
    assert render("report/flags.html.j2", flags=[type("F", (), {"message": "a<b"})()]).count("a&lt;b") == 1


def test_report_classes_stay_small():
    import inspect

    from mlops_workbook.report.content import ReportData

    for cls in (ReportData, TeamReport):
        assert len(inspect.getsource(cls).splitlines()) <= 150, cls.__name__


# --------------------------------------------------------------------------- issue 16: names, config, remediation


def test_simulation_text_takes_weeks_and_label_delay_from_the_run():
    """The templates said "52 weeks" and "2 weeks late" whatever the run; they read its config now."""
    from mlops_workbook.simulation import simulate

    report = TeamReport.build(ReportParameters(str(SAMPLES / "heron-analytics.json"), include_simulation=False))
    report.simulation = simulate(scenario="concept-drift", weeks=30, label_delay=3, rows_per_week=200,
                                 levels=report.compared_levels, drift=False)
    html = report.simulation_html()
    assert "The same 30 weeks of loan applications" in html and "Labels arrive 3 weeks late" in html
    assert "52 weeks" not in html and "2 weeks late" not in html
    assert "manual interventions in 30 weeks." in report.kpis_html()
    report.simulation = simulate(scenario="concept-drift", weeks=30, label_delay=0, rows_per_week=200,
                                 levels=report.compared_levels, drift=False)
    assert "Labels arrive the same week" in report.simulation_html()


def test_badge_and_text_name_a_level_the_same_way():
    report = TeamReport.build(ReportParameters(str(SAMPLES / "heron-analytics.json"), include_simulation=False))
    level = report.assessment.overall_level
    target = report.assessment.target.level
    name, target_name = (f"Level {lv} ({report.rubric.level(lv).name})" for lv in (level, target))
    assert f">{name}</span>" in report.summary_html() and name in report.headline()
    assert f">{target_name}</span>" in report.summary_html() and target_name in report.assessment.target.reason
    for alias in {lv.alias for lv in report.rubric.levels if lv.alias} - {lv.name for lv in report.rubric.levels}:
        assert f"({alias})" not in report.summary_html() + report.headline()  # the old second name


def test_roadmap_shows_the_remediation_of_the_probes_beside_their_criterion():
    from mlops_workbook.scan.probes import PROBE_INFO

    report = TeamReport.build(ReportParameters(str(SAMPLES / "heron-analytics.json"), include_simulation=False))
    html = report.roadmap_html()
    items = [i for phase in report.assessment.roadmap for i in phase.items]
    with_probes = [i for i in items if report.rubric.criteria[i.criterion].evidence]
    assert with_probes, "the sample's roadmap has no criterion with evidence probes"
    for item in with_probes:
        row = next(r for r in html.split("<tr>") if str(escape(item.text)) in r)
        for ref in report.rubric.criteria[item.criterion].evidence:
            info = PROBE_INFO[ref.partition(":")[0]]
            assert str(escape(info.remediation.replace("`", ""))) in row.replace("<code>", "").replace("</code>", "")
            assert f"effort {info.effort}" in row, (item.criterion, ref)
    without = [i for i in items if not report.rubric.criteria[i.criterion].evidence]
    for item in without:
        row = next(r for r in html.split("<tr>") if str(escape(item.text)) in r)
        assert "probe " not in row


# --------------------------------------------------------------------------- issue 18: the money survives a stakeholder


def _team_reports(**params):
    from mlops_workbook.resources import sample_answer_files

    files = sample_answer_files()
    assert files, "no sample answers"
    return [TeamReport.build(ReportParameters(str(f), **params)) for f in files]


def test_every_sample_teams_money_headline_and_target_agree():
    """The headline states what the move to the target is worth on the team's own book; the target either
    is backed by the money (no level costs measurably less) or the report names the cheaper level and why."""
    from mlops_workbook.style import level_label

    books = set()
    for report in _team_reports():
        a, money = report.assessment, report.story.money
        label = level_label(a.target.level, report.rubric)
        head, note = report.story.headline(), report.story.target()
        assert label in head and "a year (90% interval" in head and "on this book" in head, head
        cheaper = [lv for lv in money.levels if lv != a.target.level
                   and money.compare(a.target.level, lv).measurable and money.compare(a.target.level, lv).mean > 0]
        if cheaper:
            assert note.startswith(f"The money does not back {label}") and "stays the target because" in note, note
            assert any(level_label(lv, report.rubric) in note for lv in cheaper)
        else:
            assert note.startswith("The money agrees"), note
        html = report.summary_html()
        assert str(escape(head)) in html and str(escape(note)) in html
        assert html.index(str(escape(head))) < html.index("Recommended target")  # near the top
        books.add(round(report.story.book.applications_per_year))
        assert report.story.book.costs.models == (report.answers.context.models_in_production or 1)
    assert len(books) > 1, "every team is simulated on the same book"


def test_falcon_is_told_what_level_4_costs_against_level_3(tmp_path):
    """Without its daily retraining (the levels then keep their own schedules), Falcon's level 4 costs more
    than level 3 for the same loss on concept drift, and the report says so under the target."""
    data = json.loads((SAMPLES / "falcon-payments.json").read_text())
    del data["context"]["retraining_frequency"]
    path = tmp_path / "falcon.json"
    path.write_text(json.dumps(data))
    falcon = TeamReport.build(ReportParameters(str(path)))
    assert falcon.assessment.target.level == 4 and falcon.story.book.simulation.overrides == ()
    note = falcon.story.target()
    assert "Level 3 (" in note and "a year more than" in note and "for the same loss" in note, note


def _context_file(tmp_path, name: str, context: dict | None) -> str:
    data = json.loads((SAMPLES / "otter-retail.json").read_text())
    data["team"] = name
    if context is None:
        data.pop("context", None)
    else:
        data["context"] = context
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_two_contexts_give_two_simulations_and_the_report_says_which_answer_set_what(tmp_path):
    slow = TeamReport.build(ReportParameters(_context_file(tmp_path, "slow", {
        "models_in_production": 3, "retraining_frequency": "quarterly", "data_change": "slow"})))
    fast = TeamReport.build(ReportParameters(_context_file(tmp_path, "fast", {
        "models_in_production": 3, "retraining_frequency": "weekly", "data_change": "fast"})))
    assert slow.assessment.overall_level == fast.assessment.overall_level
    assert (slow.simulation.scenario.name, slow.simulation.config.retrain_every) == ("gradual-drift", 13)
    assert (fast.simulation.scenario.name, fast.simulation.config.retrain_every) == ("concept-drift", 1)
    assert not slow.story.money.summary().net_cost.equals(fast.story.money.summary().net_cost)
    html = slow.simulation_html()
    assert "You said your data changes slowly, so this simulates gradual-drift" in html
    assert "You said you retrain quarterly, so every level that retrains on a schedule (Level 1 and up) does so every 13 weeks" in html
    assert "You said you run 3 models in production, so the money is for 3 models" in html
    assert "gradual-drift scenario" in slow.story.headline()
    # the retrains the table shows are the cadence's: weekly from Level 1 up
    retrains = fast.story.money.summary().set_index("level").retrains
    assert all(retrains.loc[lv] >= fast.simulation.config.weeks - 1 for lv in fast.compared_levels if lv >= 1)


def test_a_team_without_context_gets_the_defaults_and_is_told_so(tmp_path):
    report = TeamReport.build(ReportParameters(_context_file(tmp_path, "quiet", None)))
    assert report.story.book.simulation.all_defaults
    assert report.simulation.scenario.name == "concept-drift" and report.simulation.config.retrain_every is None
    html = report.simulation_html()
    assert "gives no context the simulation can use, so every setting below is the default" in html
    assert "You did not say how fast your data changes, so this simulates concept-drift, the default" in html
    assert "You did not say how many models you run in production, so the money is for one model" in html


def test_a_scenario_parameter_wins_over_the_context_and_says_so(tmp_path):
    path = _context_file(tmp_path, "moderate", {"data_change": "moderate"})
    report = TeamReport.build(ReportParameters(path, scenario="prior-shift"))
    assert report.simulation.scenario.name == "prior-shift"
    assert "chosen for this report (parameter scenario); your context alone would give seasonal" in report.simulation_html()


def test_a_cheaper_level_above_the_target_on_the_teams_own_drift_is_named_as_worth_aiming_for():
    """Otter (moderate data change: seasonal, monthly retraining) is at target 3; on its own drift L4 costs
    less. The note says so in its context's terms, not as "a stop on the way" to a lower target."""
    otter = TeamReport.build(ReportParameters(str(SAMPLES / "otter-retail.json")))
    note, target = otter.story.target(), otter.assessment.target.level
    cheaper = [lv for lv in otter.story.money.levels if lv != target
               and otter.story.money.compare(target, lv).measurable and otter.story.money.compare(target, lv).mean > 0]
    if not cheaper:
        assert note.startswith("The money agrees"), note
        return
    if max(cheaper) > target:
        assert "in the seasonal scenario, which your answers describe" in note and "aim for it if you can" in note, note
        assert "cheaper stop on the way" not in note and "may be more than your data sees" not in note, note


def test_a_team_costs_file_is_a_report_parameter(tmp_path):
    from mlops_workbook.report.params import PARAMETER_NAMES

    assert "costs" in PARAMETER_NAMES
    path = tmp_path / "our-costs.yaml"
    path.write_text("people:\n  day_rate: 1600\n")
    ours = TeamReport.build(ReportParameters(str(SAMPLES / "otter-retail.json"), costs=str(path)))
    shipped = TeamReport.build(ReportParameters(str(SAMPLES / "otter-retail.json")))
    assert "our-costs.yaml" in ours.story.book.sentence() and ours.story.book.costs.day_rate == 1600
    ours_cost = ours.story.money.summary().set_index("level").people_cost
    assert (ours_cost > shipped.story.money.summary().set_index("level").people_cost).all()
    html = ours.simulation_html()
    assert "of which build" in html and "A bad model shipped is a release" in html and "applications a year" in html


def _roadmap_rows(report):
    html = report.roadmap_html()
    items = [i for phase in report.assessment.roadmap for i in phase.items]
    return {i.criterion: next(r for r in html.split("<tr>") if str(escape(i.text)) in r) for i in items}


def _shows_remediation(row, criterion):
    from mlops_workbook.scan.table import criterion_remediation

    plain = row.replace("<code>", "").replace("</code>", "")
    return all(str(escape(info.remediation.replace("`", ""))) in plain and f"probe {info.id}" in row
               for info in criterion_remediation(criterion)) and bool(criterion_remediation(criterion))


def test_roadmap_of_a_scanned_team_shows_the_remediation_beside_each_criterion(tmp_path):
    """A team whose answers the scan pre-filled: the criteria it found partial and those it did not find
    both show, in their roadmap row, what the probes would count as evidence; an unscanned team (the same
    team answering by hand) sees the same remediation as the way to evidence each criterion."""
    from mlops_workbook.assessment.answers import Answers
    from mlops_workbook.assessment.rubric import load_rubric
    from mlops_workbook.assessment.store import save_answers
    from mlops_workbook.scan import scan, to_answers
    from tests.scan.test_probes import write_tree

    rubric = load_rubric("mlops-maturity")
    repo = write_tree(tmp_path / "repo", {"tests/test_train.py": "import mlflow\nmlflow.log_metric('auc', 1.0)\n"})
    scanned_file = save_answers(to_answers(scan(repo, rubric), "Scanned", rubric), tmp_path / "scanned.json")
    scanned = TeamReport.build(ReportParameters(str(scanned_file), include_simulation=False))
    assert scanned.answers.answers["model-1-experiment-tracking"].origin == "scan"
    rows = _roadmap_rows(scanned)
    partial = rows["model-1-experiment-tracking"]  # found in tests only: partial, on the roadmap
    assert "partly met<br>" in partial and "scan: found in tests/test_train.py:2" in partial  # where it found it
    assert _shows_remediation(partial, rubric.criteria["model-1-experiment-tracking"])
    assert "probe mlflow-store" in partial  # the tracking store counts too
    missing = rows["data-1-versioning"]  # not found by the scan
    assert _shows_remediation(missing, rubric.criteria["data-1-versioning"])
    by_hand = save_answers(Answers(team="By hand", rubric=rubric.id), tmp_path / "by-hand.json")
    unscanned_rows = _roadmap_rows(TeamReport.build(ReportParameters(str(by_hand), include_simulation=False)))
    for cid in ("model-1-experiment-tracking", "data-1-versioning", "gov-2-audit-trail"):
        assert _shows_remediation(unscanned_rows[cid], rubric.criteria[cid]), cid
    no_probe = next(cid for cid in unscanned_rows if not rubric.criteria[cid].evidence)
    assert "probe " not in unscanned_rows[no_probe]
    assert "scan: " not in "".join(unscanned_rows.values())  # nothing claimed for a team nobody scanned
