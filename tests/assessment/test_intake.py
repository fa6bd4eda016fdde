"""Uploaded answers files: each validated on its own, saved atomically inside the folder, one line per bad file."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
import yaml

from mlops_workbook.assessment.answers import Answer, Answers
from mlops_workbook.assessment.store import answers_path, read_answers, save_answers
from mlops_workbook.assessment.intake import import_answers_file, import_answers_files, parse_answers_bytes
from mlops_workbook.ui.upload import AnswersUpload

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)  # what a browser's upload carries


def answers_bytes(team="Blue", rubric="quick-check", answers=None, **extra) -> bytes:
    data = {"team": team, "rubric": rubric, "answers": answers or {"qc-build-1": "yes"}, **extra}
    return json.dumps(data).encode()


def test_good_file_is_saved_under_the_team_name(tmp_path):
    outcome = import_answers_file("blue.json", answers_bytes("Blue Team"), tmp_path)
    assert outcome.ok, outcome.message
    assert outcome.path == answers_path(tmp_path, "Blue Team", "quick-check")
    saved = read_answers(outcome.path)
    assert saved.team == "Blue Team" and saved.answers == {"qc-build-1": Answer("yes")}
    # no temp file left behind; the import took the file's lock (a hidden .lock beside it)
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".lock"] == [outcome.path.name]


def test_yaml_file(tmp_path):
    text = yaml.safe_dump({"team": "Green", "rubric": "quick-check",
                           "answers": {"qc-ship-1": {"answer": "partial", "evidence": "one model"}}})
    outcome = import_answers_file("green.yaml", text.encode(), tmp_path)
    assert outcome.ok, outcome.message
    assert read_answers(outcome.path).answers["qc-ship-1"] == Answer("partial", "one model")


@pytest.mark.parametrize(("data", "expected"), [
    (b'{"team": "Blue", "rubric": ', "bad.json: line 1: invalid JSON"),
    (b"\xff\xfe\x00", "bad.json: not UTF-8 text"),
    (answers_bytes(rubric="no-such-rubric"), "bad.json: rubric: unknown rubric 'no-such-rubric'"),
    (answers_bytes(rubric="../../rubrics/quick-check.yaml"), "bad.json: rubric: unknown rubric"),
    (answers_bytes(answers={"qc-build-9": "yes"}), "bad.json: answers: unknown criterion id for rubric"),
    (answers_bytes(answers={"qc-build-1": "maybe"}), "bad.json: answers.qc-build-1: expected one of"),
    (b"[1, 2]", "bad.json: an answers file must be a mapping"),
])
def test_bad_files_are_one_line_naming_file_and_field(tmp_path, data, expected):
    outcome = import_answers_file("some/dir/bad.json", data, tmp_path)
    assert not outcome.ok
    assert outcome.message.startswith(expected), outcome.message
    assert "\n" not in outcome.message
    assert list(tmp_path.iterdir()) == []


def test_team_name_cannot_leave_the_folder(tmp_path):
    folder = tmp_path / "answers"
    outcome = import_answers_file("evil.json", answers_bytes("../../x"), folder)
    assert outcome.ok, outcome.message
    assert outcome.path.parent == folder.resolve()
    assert not (tmp_path / "x.json").exists() and not (tmp_path.parent / "x.json").exists()


def test_never_replaces_another_teams_file(tmp_path):
    target = answers_path(tmp_path, "BLUE team!", "quick-check")  # a hand-made file at that team's place
    save_answers(Answers(team="Blue Team", rubric="quick-check", answers={"qc-ship-1": Answer("no")}), target)
    outcome = import_answers_file("other.json", answers_bytes("BLUE team!"), tmp_path)
    assert not outcome.ok and "would replace team 'Blue Team'" in outcome.message
    assert read_answers(target).answers == {"qc-ship-1": Answer("no")}


def test_same_team_newer_answers_replace_older_but_not_the_reverse(tmp_path):
    blue = answers_path(tmp_path, "Blue", "quick-check")
    save_answers(Answers(team="Blue", rubric="quick-check", answers={"qc-ship-1": Answer("no")}, date="2026-06-01"),
                 blue)
    older = import_answers_file("old.json", answers_bytes("Blue", date="2026-01-01"), tmp_path)
    assert not older.ok and "older than the saved ones (2026-06-01)" in older.message
    newer = import_answers_file("new.json", answers_bytes("Blue", date="2026-09-01"), tmp_path)
    assert newer.ok and read_answers(blue).answers == {"qc-build-1": Answer("yes")}


def test_several_at_once_with_one_bad(tmp_path):
    files = [("a.json", answers_bytes("Team A")), ("broken.json", b"{nope"), ("b.json", answers_bytes("Team B"))]
    outcomes = import_answers_files(files, tmp_path)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].message.startswith("broken.json: line 1: invalid JSON")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".lock") == sorted(
        answers_path(tmp_path, team, "quick-check").name for team in ("Team A", "Team B"))


def test_parse_rejects_a_huge_upload():
    with pytest.raises(Exception, match="too large"):
        parse_answers_bytes("big.json", b" " * 2_000_000)


def test_upload_widget_imports_and_reports_each_file(tmp_path):
    seen = []
    upload = AnswersUpload(tmp_path, on_imported=seen.append)
    assert upload.upload_control.multiple
    upload.upload_control.value = ({"name": "a.json", "type": "application/json", "size": 10, "last_modified": NOW,
                             "content": memoryview(answers_bytes("Team A"))},
                            {"name": "bad.json", "type": "application/json", "size": 3, "last_modified": NOW,
                             "content": memoryview(b"{x")})
    assert "1 of 2 files imported" in upload.result
    assert "bad.json: line 1: invalid JSON" in upload.result
    assert answers_path(tmp_path, "Team A", "quick-check").is_file()
    assert len(seen) == 1 and [o.ok for o in seen[0]] == [True, False]
    assert upload.upload_control.value == ()  # ready for the next batch
