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
    assert set(summary.levels.columns) == {"team", "dimension", "level"}
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
        assert header == ["Team", "Overall", "Target", *dims, "Answered", "Report"]
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
