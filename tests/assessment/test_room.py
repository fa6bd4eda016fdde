from __future__ import annotations

import shutil

from mlops_workbook.assessment.room import summarize_room

from ..conftest import sample_files


def test_room_over_samples_with_a_corrupt_and_a_temp_file(tmp_path):
    for path in sample_files():
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "broken.json").write_text('{"team": ')
    (tmp_path / ".half-written.json.tmp").write_text('{"team": "x"')
    (tmp_path / "notes.txt").write_text("not answers")
    summary = summarize_room(tmp_path)
    assert len(summary.assessments) == len(sample_files())
    assert [name for name, _ in summary.unreadable] == ["broken.json"]
    assert "invalid JSON" in summary.unreadable[0][1]
    assert summary.distribution.teams.sum() == len(sample_files())
    assert set(summary.levels.columns) == {"team", "rubric", "dimension", "level"}
    shares = summary.shares
    assert (shares.groupby("dimension").share.sum().round(6) == 1).all()
    gaps = summary.common_gaps(5)
    assert len(gaps) == 5 and gaps.teams.is_monotonic_decreasing
    csv = summary.to_csv()
    assert csv.splitlines()[0].startswith("team,file,rubric,overall_level")
    assert len(csv.splitlines()) == len(sample_files()) + 1


def test_missing_folder_is_an_empty_room(tmp_path):
    summary = summarize_room(tmp_path / "nope")
    assert summary.assessments == [] and summary.teams.empty


def test_quick_check_and_full_rubric_teams_get_their_own_aligned_tables(tmp_path):
    import html
    import re

    import ipywidgets as widgets

    from mlops_workbook.assessment.answers import Answer, Answers
    from mlops_workbook.assessment.store import save_answers
    from mlops_workbook.assessment.rubric import load_rubric
    from mlops_workbook.ui import WorkshopDashboard

    for path in sample_files()[:2]:
        shutil.copy(path, tmp_path / path.name)
    save_answers(Answers(team="Quick One", rubric="quick-check", answers={"qc-build-1": Answer("yes")}),
                 tmp_path / "quick-one.json")
    summary = summarize_room(tmp_path)
    groups = summary.by_rubric()
    assert set(groups) == {"mlops-maturity", "quick-check"} and [a.team for a in groups["quick-check"]] == ["Quick One"]
    board = WorkshopDashboard(folder=tmp_path)
    tables = re.findall(r"<table.*?</table>", board.teams_html, flags=re.DOTALL)
    assert len(tables) == 2
    for table, rubric in zip(tables, groups):
        dims = [html.escape(d.name) for d in load_rubric(rubric).dimensions]
        header = re.findall(r"<th>(.*?)</th>", table)
        assert header == ["Team", "Rubric", "Overall", "Target", *dims, "Answered", "Report"]
        for row in re.findall(r"<tr><td>.*?</tr>", table):
            assert row.count("<td>") == len(header)  # every row as wide as its header
    assert "Rubric quick-check: 1 team" in board.teams_html
    # the answers folder is fixed by the server: no text box in the page can change it
    texts = [w for w in _walk(board) if isinstance(w, widgets.Text)]
    assert texts == [] and board.folder == tmp_path


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_room_shows_movement_and_evidence(tmp_path):
    from mlops_workbook.assessment.answers import Answer, Answers
    from mlops_workbook.assessment.store import answers_path, save_answers
    from mlops_workbook.ui.dashboard import WorkshopDashboard

    path = answers_path(tmp_path, "Blue", "quick-check")
    save_answers(Answers(team="Blue", rubric="quick-check", date="2026-08-01", answers={"qc-build-1": Answer("no")}),
                 path)
    save_answers(Answers(team="Blue", rubric="quick-check", date="2026-11-20",
                         answers={"qc-build-1": Answer("yes", "found in dvc.yaml", origin="scan"),
                                  "qc-build-2": Answer("yes")}), path)
    board = WorkshopDashboard(folder=tmp_path)
    summary = board.summary
    assert [m.team for m in summary.movement()] == ["Blue"]
    assert "Blue" in board.movement and "since 2026-08-01" in board.movement
    table = summary.evidence()
    assert table["evidence"].sum() == 1 and table["opinion"].sum() == 1
    assert "On evidence" in board.evidence
    assert len(board.summary.assessments) == 1  # history/ is not a team


def _two_rubric_room(folder):
    from mlops_workbook.assessment.answers import Answer, Answers, Context
    from mlops_workbook.assessment.store import answers_path, save_answers

    for team, level_answer in (("Blue", "yes"), ("Red", "no")):
        save_answers(Answers(team=team, rubric="mlops-maturity", context=Context(models_in_production=2),
                             answers={"data-1-versioning": Answer(level_answer)}), answers_path(folder, team))
        save_answers(Answers(team=team, rubric="quick-check", answers={"qc-build-1": Answer("yes")}),
                     answers_path(folder, team, "quick-check"))


def test_rubrics_are_not_counted_as_teams(tmp_path):
    _two_rubric_room(tmp_path)
    summary = summarize_room(tmp_path)
    assert len(summary.records) == 4 and summary.team_count == 2 and summary.team_names == ["Blue", "Red"]
    assert summary.distribution.teams.sum() == 2  # each team once, by its full assessment
    assert [r.answers.rubric for r in summary.primary] == ["mlops-maturity", "mlops-maturity"]
    assert summary.shares.groupby("dimension").teams.sum().max() == 2
    # one row per team and rubric, each naming its own file
    from mlops_workbook.assessment.store import answers_path

    rows = summary.teams[["team", "rubric", "file"]].values.tolist()
    expected = [[t, r, answers_path(tmp_path, t, r).name] for t in ("Blue", "Red") for r in ("mlops-maturity", "quick-check")]
    assert sorted(rows) == expected and len({f for _, _, f in rows}) == 4
    assert summary.sources[("Blue", "quick-check")] == answers_path(tmp_path, "Blue", "quick-check").name
    assert summary.sources[("Blue", "mlops-maturity")] == answers_path(tmp_path, "Blue").name
    labels = summary.levels.drop_duplicates(["team", "rubric"])[["team", "rubric"]]
    assert labels.team.is_unique and "Blue (quick-check)" in set(labels.team)  # never two rows under one label
    assert summary.answered_count == 2


def test_charts_have_text_alternatives_in_words(tmp_path):
    _two_rubric_room(tmp_path)
    summary = summarize_room(tmp_path)
    assert summary.describe_distribution().startswith("Teams per overall level (2 teams): level 0: ")
    assert "Blue (quick-check): " in summary.describe_levels() and "Red: " in summary.describe_levels()
    dimension = summary.shares.dimension.iloc[0]
    assert f"{dimension}: level " in summary.describe_shares()
    empty = summarize_room(tmp_path / "none")
    assert empty.describe_levels() == "No teams yet." and empty.describe_shares() == "No teams yet."
