from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mlops_workbook.cli import main

from .conftest import ROOT, SAMPLES


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_score_table(capsys):
    code, out, err = run(capsys, "score", str(SAMPLES / "heron-analytics.json"))
    assert code == 0 and err == ""
    assert "Overall level: Level 1: DevOps for ML (Scripted)" in out
    assert "Target level:  Level 2" in out and "Roadmap" in out


def test_score_json(capsys):
    code, out, _ = run(capsys, "score", str(SAMPLES / "otter-retail.json"), "--json")
    data = json.loads(out)
    assert code == 0
    assert data["overall_level"] == 2 and data["target_level"] == 3
    assert set(data["dimension_levels"]) == {"Data Management", "Model Development", "Deployment", "Monitoring",
                                             "Governance", "People & Process"}
    assert isinstance(data["roadmap"], list) and isinstance(data["flags"], list)


def test_score_target_override(capsys):
    code, out, _ = run(capsys, "score", str(SAMPLES / "heron-analytics.json"), "--json", "--target", "4")
    assert json.loads(out)["target_level"] == 4


def test_rubric_list_show_validate(capsys):
    code, out, _ = run(capsys, "rubric", "list")
    assert code == 0 and "mlops-maturity" in out and "quick-check" in out
    code, out, _ = run(capsys, "rubric", "show", "quick-check", "--json")
    data = json.loads(out)
    assert data["id"] == "quick-check" and [lv["level"] for lv in data["levels"]] == [0, 1, 2, 3, 4]
    assert all([b["level"] for b in d["levels"]] == [1, 2, 3, 4] for d in data["dimensions"])
    code, out, _ = run(capsys, "rubric", "validate", str(ROOT / "rubrics" / "mlops-maturity.yaml"))
    assert code == 0 and ": ok (" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["score", "missing.json"], "missing.json: file not found"),
        (["rubric", "show", "nope"], "rubric: unknown rubric 'nope'"),
        (["score"], "the following arguments are required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exit_2_one_line(capsys, argv, needle):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_help_exits_0(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "score" in out


def test_bad_rubric_file_validate(tmp_path, capsys):
    bad = tmp_path / "x.yaml"
    doc = (ROOT / "rubrics" / "quick-check.yaml").read_text().replace("- {id: qc-ship-4, ", "- {")
    bad.write_text(doc)
    code, _, err = run(capsys, "rubric", "validate", str(bad))
    assert code == 2
    assert err.strip() == f"error: {bad}: dimensions[1].levels[3].criteria[0]: missing 'id'"


def test_bad_answers_exit_2(tmp_path, capsys):
    bad = tmp_path / "a.json"
    bad.write_text(json.dumps({"team": "a", "rubric": "mlops-maturity", "answers": {"gov-1-owner": "perhaps"}}))
    code, _, err = run(capsys, "score", str(bad))
    assert code == 2 and err.strip() == (
        f"error: {bad}: answers.gov-1-owner: expected one of yes, partial, no, n/a, got 'perhaps'")


def test_console_script_runs():
    proc = subprocess.run([sys.executable, "-m", "mlops_workbook", "rubric", "list"], capture_output=True, text=True)
    assert proc.returncode == 0 and "mlops-maturity" in proc.stdout


HEAVY = ("scipy", "pandas", "altair", "mlops_workbook.simulation", "mlops_workbook.drift.table")


@pytest.mark.parametrize("argv", [["--help"], ["score", str(SAMPLES / "heron-analytics.json")],
                                  ["score", "--json", str(SAMPLES / "heron-analytics.json")], ["simulate", "--help"]])
def test_help_and_score_do_not_import_scipy_or_pandas(argv):
    code = ("import sys\nfrom mlops_workbook.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    heavy = proc.stderr.strip().splitlines()[-1]
    if argv == ["simulate", "--help"]:  # its help lists the scenarios: importing them there is fine
        assert "concept-drift" in proc.stdout
    else:
        assert heavy == "[]", f"{argv} imported {heavy}"


def test_lazy_choices_are_the_real_ones():
    from mlops_workbook.cli import _Lazy
    from mlops_workbook.drift.table import TESTS
    from mlops_workbook.simulation.scenarios import SCENARIOS

    assert list(_Lazy(".simulation.scenarios", "SCENARIOS")) == list(SCENARIOS) and "seasonal" in _Lazy(".simulation.scenarios", "SCENARIOS")
    assert list(_Lazy(".drift.table", "TESTS")) == list(TESTS)


@pytest.mark.parametrize("argv", [["simulate", "--seed", "-1"], ["report", "x.json", "--out", "o", "--seed", "-1"],
                                  ["simulate", "--scenario", "nope"], ["drift", "a.csv", "b.csv", "--test", "nope"]])
def test_bad_seed_and_choices_are_one_line(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_custom_rubric_by_path_in_table_mode(tmp_path, capsys):
    import yaml

    data = yaml.safe_load((ROOT / "rubrics" / "quick-check.yaml").read_text(encoding="utf-8"))
    data["id"] = "our-own-check"  # not its file name, not a bundled id
    custom = tmp_path / "whatever.yaml"
    custom.write_text(yaml.safe_dump(data))
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"team": "Own", "rubric": "our-own-check", "answers": {"qc-build-1": "yes"}}))
    code, out, err = run(capsys, "score", str(answers), "--rubric", str(custom))
    assert code == 0, err
    assert "Team: Own" in out and "rubric our-own-check" in out


@pytest.mark.slow
def test_demo_reports_every_sample_team_cleanly(tmp_path):
    """`make demo`, the README's first command: every bundled team's report, the index path printed,
    and nothing else on stderr (worker processes once printed KeyboardInterrupt tracebacks there)."""
    from mlops_workbook.report.demo import sample_answer_files

    out = tmp_path / "demo"
    done = subprocess.run([sys.executable, "-m", "mlops_workbook.cli", "demo", "--out", str(out), "--jobs", "2"],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"Open the room overview: {(out / 'index.html').resolve()}" in done.stdout
    assert len(list(out.glob("*.html"))) == len(sample_answer_files()) + 1  # the reports and the index
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr[-3000:]


def test_report_on_a_missing_or_empty_folder_is_one_line_exit_2_nothing_written(tmp_path, capsys):
    from mlops_workbook.cli import main as cli_main

    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "missing", tmp_path / "empty"):
        out = tmp_path / f"out-{folder.name}"
        assert cli_main(["report", str(folder), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err == f"error: {folder}: no answers files found (a missing folder, an empty one, or a pattern that " \
                      "matches nothing)\n"
        assert not out.exists()


def test_report_costs_with_a_bad_field_is_one_line_naming_the_file_and_field_exit_2(tmp_path, capsys):
    costs = tmp_path / "our-costs.yaml"
    costs.write_text("people:\n  day_rate: lots\n")
    out = tmp_path / "out"
    code, _, err = run(capsys, "report", str(ROOT / "data" / "sample_answers" / "heron-analytics.json"), "--out",
                       str(out), "--costs", str(costs))
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert str(costs) in err and "day_rate" in err and "Traceback" not in err
    assert not (out / "index.html").exists()  # no kernel ran, no index written


def test_report_replay_that_is_not_a_replay_is_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "not-a-replay.json"
    bad.write_text(json.dumps({"kpis": []}))
    code, _, err = run(capsys, "report", str(ROOT / "data" / "sample_answers" / "heron-analytics.json"), "--out",
                       str(tmp_path / "out"), "--replay", str(bad))
    assert code == 2 and len(err.strip().splitlines()) == 1 and str(bad) in err and "kpis" in err, err


def test_report_help_names_costs_replay_and_the_context_scenario(capsys):
    code, out, _ = run(capsys, "report", "--help")
    assert code == 0
    assert "--costs FILE" in out and "--replay FILE" in out and "context" in out


@pytest.mark.slow
def test_report_with_a_teams_costs_and_replay_runs_papermill_and_shows_them(tmp_path):
    """The README's examples, through the real CLI: papermill executes the report with the costs file
    and the saved replay as parameters; the HTML shows the team's own history and its intervals."""
    cli = [sys.executable, "-m", "mlops_workbook.cli"]
    history = tmp_path / "history.csv"
    from .simulation.test_replay import stream

    stream(0, flip_at=30).to_csv(history, index=False)
    saved = tmp_path / "replay.json"
    done = subprocess.run([*cli, "replay", str(history), "--time", "batch", "--label", "y", "--period", "index",
                           "--json"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    saved.write_text(done.stdout)
    costs = tmp_path / "our-costs.yaml"
    costs.write_text("people:\n  day_rate: 1600\n")
    answers = ROOT / "data" / "sample_answers"
    for extra, out in ((["--replay", str(saved)], tmp_path / "replayed"), (["--costs", str(costs)], tmp_path / "costed")):
        done = subprocess.run([*cli, "report", str(answers / "magpie-ai.json"), str(answers / "heron-analytics.json"),
                               "--out", str(out), "--jobs", "2", "--quiet", "--keep-ipynb", *extra],
                              capture_output=True, text=True, timeout=600, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-3000:]
    magpie = _only((tmp_path / "replayed").glob("magpie-ai*.html")).read_text()
    assert "on your own history" in magpie and "moving-block bootstrap" in magpie and "replay.json" in magpie
    assert "loan applications a week" not in magpie
    heron = _only((tmp_path / "costed").glob("heron-analytics*.html")).read_text()
    assert "priced with the costs file our-costs.yaml" in heron
    assert "You said your data changes slowly, so this simulates gradual-drift" in heron
    params = json.loads(_only((tmp_path / "costed").glob("heron-analytics*.ipynb")).read_text())["metadata"]["papermill"]["parameters"]
    assert params["costs"] == str(costs.resolve()) and params["scenario"] == "" and params["replay"] == ""
    magpie_costed = _only((tmp_path / "costed").glob("magpie-ai*.html")).read_text()
    assert "You said your data changes moderately, so this simulates seasonal" in magpie_costed


def _only(paths):
    found = list(paths)
    assert len(found) == 1, found
    return found[0]


def test_report_on_an_invalid_answers_file_is_one_line_naming_file_and_field_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"team": "Blue", "rubric": "quick-check", "answers": {"qc-build-1": "perhaps"}}))
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "report", str(bad), "--out", str(out))
    assert code == 2 and stdout == "", (code, err)
    assert err.startswith(f"error: {bad}: answers.qc-build-1: ") and err.count("\n") == 1, err
    assert not out.exists()  # validated first: nothing written


@pytest.mark.parametrize("argv, line", [
    (["simulate", "--seed", "-1"], "error: --seed: expected a whole number >= 0, got '-1'\n"),
    (["report", "x.json", "--out", "o", "--seed", "x"], "error: --seed: expected a whole number >= 0, got 'x'\n"),
    (["simulate", "--levels", "9"], "error: --levels: levels must be among 0-4, got '9'\n"),
    (["simulate", "--bogus"], "error: unrecognized arguments: --bogus\n"),
    (["simulate", "--seeds", "0"], "error: --seeds: must be at least 1\n"),  # the command's own check: the same form
])
def test_bad_options_are_one_line_error_naming_the_option_exit_2(capsys, argv, line):
    code, out, err = run(capsys, *argv)
    assert (code, out, err) == (2, "", line)
