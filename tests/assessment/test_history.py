"""Progress over time: earlier copies kept under history/, compared with the current answers."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlops_workbook.assessment.answers import Answer, Answers
from mlops_workbook.assessment.store import answers_files, load_answers, save_answers
from mlops_workbook.cli import main
from mlops_workbook.assessment.history import answer_changes, compare, room_movement
from mlops_workbook.assessment.room import folder_movement
from mlops_workbook.assessment.store import find_progress, history_entries, history_folder, keep_previous
from mlops_workbook.assessment.rubric import load_rubric
from mlops_workbook.assessment.scoring import score

QC = load_rubric("quick-check")
IDS = list(QC.criteria)


def team(date: str | None, **values: str) -> Answers:
    return Answers("Blue & <Co>", "quick-check", {k.replace("_", "-"): Answer(v) for k, v in values.items()},
                   date=date)


def test_a_later_save_keeps_the_earlier_copy(tmp_path):
    path = tmp_path / "blue.json"
    save_answers(team("2026-08-03", qc_build_1="no"), path)
    save_answers(team("2026-11-21", qc_build_1="yes"), path)
    kept = history_folder(path) / "2026-08-03.json"
    assert kept.is_file() and kept.parent == tmp_path / "history" / "blue"
    assert json.loads(kept.read_text())["answers"] == {"qc-build-1": "no"}
    assert json.loads(path.read_text())["answers"] == {"qc-build-1": "yes"}
    assert [p.name for p in answers_files(tmp_path)] == ["blue.json"]  # history/ is not a team
    assert not [p for p in kept.parent.iterdir() if p.name.startswith(".")]  # no temp file left


def test_the_same_date_overwrites(tmp_path):
    path = tmp_path / "blue.json"
    save_answers(team("2026-11-21", qc_build_1="no"), path)
    save_answers(team("2026-11-21", qc_build_1="yes"), path)
    assert not (tmp_path / "history").exists()
    assert history_entries(path) == []


def test_nothing_saved_yet_or_no_new_date_keeps_nothing(tmp_path):
    path = tmp_path / "blue.json"
    assert keep_previous(path, team("2026-11-21")) is None
    save_answers(team("2026-11-21"), path)
    assert keep_previous(path, team(None)) is None
    path.write_text("{not json")
    assert keep_previous(path, team("2026-12-01")) is None  # unreadable: replaced as before


def test_an_earlier_dated_save_does_not_lose_the_later_copy(tmp_path):
    path = tmp_path / "blue.json"
    save_answers(team("2026-11-21", qc_build_1="yes"), path)
    save_answers(team("2026-08-03", qc_build_1="no"), path)
    assert [d.isoformat() for d, _ in history_entries(path)] == ["2026-11-21"]
    answers, rubric, _ = load_answers(path)
    assert find_progress(path, answers, rubric) is None  # only earlier dates count as "previous"


def test_a_saved_copy_without_a_date_is_kept_under_its_file_date(tmp_path):
    path = tmp_path / "blue.json"
    path.write_text(json.dumps({"team": "Blue", "rubric": "quick-check", "answers": {"qc-build-1": "no"}}))
    written = keep_previous(path, team("2999-01-01"))
    assert written is not None and written.parent == history_folder(path)
    assert json.loads(written.read_text())["date"] == written.stem


def test_progress_lists_previous_levels_and_changes(tmp_path):
    path = tmp_path / "blue.json"
    first = {cid: "yes" for cid in IDS[:2]}
    save_answers(Answers("Blue", "quick-check", {c: Answer(v) for c, v in first.items()}, date="2026-08-03"), path)
    later = {IDS[0]: "yes", IDS[1]: "partial", IDS[2]: "yes", IDS[3]: "yes"}
    save_answers(Answers("Blue", "quick-check", {c: Answer(v) for c, v in later.items()}, date="2026-11-21"), path)
    answers, rubric, _ = load_answers(path)
    progress = find_progress(path, answers, rubric)
    assert progress is not None and progress.date == "2026-08-03"
    before = score(rubric, load_answers(history_folder(path) / "2026-08-03.json")[0])
    assert progress.previous.dimension_levels == before.dimension_levels
    assert [c.to_dict() for c in progress.changes] == [
        {"id": IDS[1], "before": "yes", "after": "partial"},
        {"id": IDS[2], "before": None, "after": "yes"},
        {"id": IDS[3], "before": None, "after": "yes"},
    ]
    assert [c.criterion for c in progress.gained] == IDS[2:4]
    assert [c.criterion for c in progress.lost] == [IDS[1]]


def test_the_latest_earlier_copy_is_the_previous_one(tmp_path):
    path = tmp_path / "blue.json"
    for day, value in (("2026-02-01", "no"), ("2026-05-01", "partial"), ("2026-08-01", "yes")):
        save_answers(team(day, qc_build_1=value), path)
    answers, rubric, _ = load_answers(path)
    progress = find_progress(path, answers, rubric)
    assert progress is not None and progress.date == "2026-05-01"
    assert [c.to_dict() for c in progress.changes] == [{"id": "qc-build-1", "before": "partial", "after": "yes"}]


def test_a_kept_copy_that_no_longer_matches_the_rubric_is_skipped(tmp_path):
    path = tmp_path / "blue.json"
    save_answers(team("2026-11-21"), path)
    old = history_folder(path)
    old.mkdir(parents=True)
    (old / "2026-08-01.json").write_text(json.dumps({"team": "Blue", "rubric": "quick-check",
                                                     "answers": {"qc-renamed": "yes"}}))
    (old / ".2026-09-01.json.tmp").write_text("half a file")
    answers, rubric, _ = load_answers(path)
    assert find_progress(path, answers, rubric) is None


def test_score_json_adds_previous_and_changes(tmp_path, capsys):
    path = tmp_path / "blue.json"
    save_answers(team("2026-08-03", qc_build_1="no"), path)
    assert main(["score", str(path), "--json"]) == 0
    assert "previous" not in json.loads(capsys.readouterr().out)
    save_answers(team("2026-11-21", qc_build_1="yes"), path)
    assert main(["score", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    before = score(QC, team("2026-08-03", qc_build_1="no"))
    assert data["previous"] == {"date": "2026-08-03", "overall_level": before.overall_level,
                                "dimension_levels": before.dimension_levels}
    assert data["changes"] == [{"id": "qc-build-1", "before": "no", "after": "yes"}]
    assert data["team"] == "Blue & <Co>" and data["overall_level"] == score(QC, team("x", qc_build_1="yes")).overall_level


def test_room_movement(tmp_path):
    (tmp_path / "red.json").write_text(json.dumps({"team": "Red", "rubric": "quick-check", "date": "2026-11-21"}))
    path = tmp_path / "blue.json"
    save_answers(team("2026-08-03"), path)
    save_answers(Answers("Blue & <Co>", "quick-check", {c: Answer("yes") for c in IDS}, date="2026-11-21"), path)
    moves = folder_movement(tmp_path)
    assert len(moves) == 1
    move = moves[0]
    assert (move.team, move.previous_date, move.current_date) == ("Blue & <Co>", "2026-08-03", "2026-11-21")
    assert (move.previous_level, move.current_level) == (0, score(QC, load_answers(path)[0]).overall_level)
    assert move.delta == move.current_level and move.label == f"L0 -> L{move.current_level} since 2026-08-03"


def test_room_movement_orders_biggest_climb_first():
    a = compare(QC, team("2026-01-01"), Answers("A", "quick-check", {c: Answer("yes") for c in IDS}, date="2026-02-01"))
    b = compare(QC, team("2026-01-01"), team("2026-02-01"))
    moves = room_movement([("b", "2026-02-01", b), ("a", "2026-02-01", a), ("c", "2026-02-01", None)])
    assert [m.team for m in moves] == ["a", "b"] and moves[1].delta == 0


values = st.sampled_from(["yes", "partial", "no", "n/a", None])


@settings(max_examples=60, deadline=None)
@given(st.lists(values, min_size=len(IDS), max_size=len(IDS)), st.lists(values, min_size=len(IDS), max_size=len(IDS)))
def test_changes_are_exactly_the_differing_answers(before_values, after_values):
    def build(vals: list[str | None]) -> Answers:
        return Answers("t", "quick-check", {c: Answer(v) for c, v in zip(IDS, vals) if v is not None})

    before, after = build(before_values), build(after_values)
    changes = answer_changes(QC, before, after)
    assert {c.criterion for c in changes} == {c for c, b, a in zip(IDS, before_values, after_values) if b != a}
    assert all((c.before, c.after) == (before.value(c.criterion), after.value(c.criterion)) for c in changes)
    assert not answer_changes(QC, after, after)
    # met now = met before + gained - lost
    met_before = {c for c in IDS if before.value(c) == "yes"}
    met_after = {c for c in IDS if after.value(c) == "yes"}
    gained = {c.criterion for c in changes if c.gained}
    lost = {c.criterion for c in changes if c.lost}
    assert met_after == (met_before | gained) - lost


@settings(max_examples=25, deadline=None)
@given(st.lists(st.dates().map(lambda d: d.isoformat()), min_size=1, max_size=6))
def test_every_distinct_earlier_date_is_kept_once(tmp_path_factory, dates):
    folder = tmp_path_factory.mktemp("h")
    path = folder / "blue.json"
    for day in dates:
        save_answers(team(day), path)
    kept = {d.isoformat() for d, _ in history_entries(path)}
    # every date that was replaced by a differently dated save is kept; the current one is not
    replaced = {dates[i] for i in range(len(dates) - 1) if dates[i] != dates[i + 1]}
    assert kept >= replaced and json.loads(path.read_text())["date"] == dates[-1]
    assert kept <= set(dates)


@pytest.mark.parametrize("name", ["history", ".blue.json.tmp", ".hidden.json"])
def test_only_team_files_are_listed(tmp_path, name):
    (tmp_path / name).mkdir() if name == "history" else (tmp_path / name).write_text("{}")
    (tmp_path / "blue.json").write_text("{}")
    assert [p.name for p in answers_files(tmp_path)] == ["blue.json"]
