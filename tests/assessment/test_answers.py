from __future__ import annotations

import json
import os
import threading

import pytest

from mlops_workbook.assessment.answers import Answer, Answers, Context, check_against_rubric
from mlops_workbook.assessment.store import answers_path, load_answers, read_answers, save_answers
from mlops_workbook.errors import AnswersError

from ..conftest import sample_files


def test_minimal_file(write_json, rubric):
    path = write_json("blue.json", {"team": "blue", "rubric": "mlops-maturity", "answers": {"data-1-versioning": "yes"}})
    answers, rub, warnings = load_answers(path)
    assert answers.team == "blue" and rub.id == "mlops-maturity" and warnings == []
    assert answers.value("data-1-versioning") == "yes"
    assert answers.value("data-1-scripted-prep") is None  # unanswered, not guessed


def test_full_file_with_evidence_and_yaml(tmp_path):
    path = tmp_path / "green.yaml"
    path.write_text(
        "team: green\nrubric: quick-check\nrubric_version: '0.9'\n"
        "context: {models_in_production: 3, retraining_frequency: Monthly, stale_model_cost: high, team_size: 5}\n"
        "answers:\n  qc-build-1: {answer: partial, evidence: DVC for one dataset}\n  qc-ship-1: N/A\n"
    )
    answers, rub, warnings = load_answers(path)
    assert answers.answers["qc-build-1"] == Answer("partial", "DVC for one dataset")
    assert answers.value("qc-ship-1") == "n/a"
    assert answers.context.retraining_frequency == "monthly"
    assert len(warnings) == 1 and "rubric_version" in warnings[0] and "0.9" in warnings[0]


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"rubric": "mlops-maturity"}, "x.json: team: missing 'team'"),
        ({"team": "", "rubric": "mlops-maturity"}, "x.json: team: expected non-empty text"),
        ({"team": "a", "rubric": "mlops-maturity", "answers": {"data-1-versioning": "maybe"}},
         "x.json: answers.data-1-versioning: expected one of yes, partial, no, n/a, got 'maybe'"),
        ({"team": "a", "rubric": "mlops-maturity", "answers": {"data-1-versioning": {"evidence": "x"}}},
         "x.json: answers.data-1-versioning: missing 'answer'"),
        ({"team": "a", "rubric": "mlops-maturity", "context": {"team_size": -3}},
         "x.json: context.team_size: expected a whole number >= 0, got -3"),
        ({"team": "a", "rubric": "mlops-maturity", "context": {"stale_model_cost": "huge"}},
         "x.json: context.stale_model_cost: expected one of low, medium, high, got 'huge'"),
        ({"team": "a", "rubric": "mlops-maturity", "colour": 1}, "x.json: unknown field 'colour'"),
        ({"team": "a", "rubric": "no-such-rubric"}, "x.json: rubric: unknown rubric 'no-such-rubric'"),
        ([1, 2], "x.json: an answers file must be a mapping at the top level"),
    ],
)
def test_bad_answers_give_one_line(write_json, doc, expected):
    path = write_json("x.json", doc)
    with pytest.raises(AnswersError) as info:
        load_answers(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.replace(str(path), "x.json").startswith(expected)


def test_unknown_ids_listed_with_hint(write_json):
    path = write_json("x.json", {"team": "a", "rubric": "mlops-maturity",
                                 "answers": {"data-1-versioninq": "yes", "zzz": "no"}})
    with pytest.raises(AnswersError) as info:
        load_answers(path)
    assert "unknown criterion ids" in str(info.value)
    assert "'data-1-versioninq' (did you mean 'data-1-versioning'?)" in str(info.value)
    assert "'zzz'" in str(info.value)


def test_invalid_json_names_line(write_json):
    path = write_json("x.json", '{"team": "a",\n "rubric": }')
    with pytest.raises(AnswersError, match=r"x.json: line 2: invalid JSON"):
        read_answers(path)


def test_save_round_trip_and_atomic(tmp_path, rubric):
    answers = Answers(team="Blue", rubric="mlops-maturity",
                      answers={"data-1-versioning": Answer("yes", "DVC <tags>"), "gov-1-owner": Answer("n/a")})
    path = save_answers(answers, answers_path(tmp_path, "blue"))
    assert path == tmp_path / "blue.json"
    again, _, _ = load_answers(path)
    assert again.answers == answers.answers and again.date
    assert [p.name for p in tmp_path.iterdir()] == ["blue.json"]  # no temp file left behind
    check_against_rubric(again, rubric)


def test_save_never_leaves_half_a_file(tmp_path, monkeypatch):
    path = tmp_path / "t.json"
    save_answers(Answers(team="t", rubric="mlops-maturity"), path)
    before = path.read_text()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        save_answers(Answers(team="t", rubric="mlops-maturity", answers={"gov-1-owner": Answer("yes")}), path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]


def test_concurrent_readers_see_whole_files(tmp_path):
    path = tmp_path / "t.json"
    save_answers(Answers(team="t", rubric="mlops-maturity"), path)
    stop = threading.Event()
    errors: list[Exception] = []

    def reader():
        while not stop.is_set():
            try:
                json.loads(path.read_text())
            except Exception as exc:  # noqa: BLE001 - the test collects any failure
                errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    for i in range(200):
        save_answers(Answers(team="t", rubric="mlops-maturity", notes="x" * (i * 50)), path)
    stop.set()
    thread.join()
    assert errors == []


@pytest.mark.parametrize("team", ["../../etc/passwd", "/abs/path", "..", "a/b\\c", "<script>", "", "  "])
def test_team_names_cannot_escape(tmp_path, team):
    path = answers_path(tmp_path, team)
    assert path.parent == tmp_path.resolve()
    assert path.suffix == ".json" and not path.name.startswith(".")


def test_samples_are_valid():
    teams = set()
    for path in sample_files():
        answers, rub, warnings = load_answers(path)
        assert warnings == []
        teams.add(answers.team)
    assert len(teams) >= 6


def test_answers_files_skip_hidden_and_temporary_files(tmp_path):
    from mlops_workbook.assessment.store import answers_files
    from mlops_workbook.report.batch import expand_inputs

    for name in ("b.json", "a.yaml", ".hidden.json", ".a.json.123.tmp", "notes.txt"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in answers_files(tmp_path)] == ["a.yaml", "b.json"]
    assert answers_files(tmp_path / "missing") == []
    found, missing = expand_inputs([tmp_path, tmp_path / "b.json", str(tmp_path / "*.json"), tmp_path / "none-*"])
    assert [p.name for p in found] == ["a.yaml", "b.json"]  # each file once, in the order first seen
    assert len(missing) == 1 and "no answers files found" in missing[0].error


def _answers(team: str, **given: str) -> Answers:
    return Answers(team=team, rubric="mlops-maturity", answers={k.replace("_", "-"): Answer(v) for k, v in given.items()})


def test_merge_save_applies_only_what_changed(tmp_path):
    from mlops_workbook.assessment.store import merge_save

    path = answers_path(tmp_path, "Pair")
    merge_save(path, _answers("Pair", data_1_versioning="yes"), changed={"data-1-versioning"})
    mine = _answers("Pair", gov_1_owner="partial", data_1_versioning="no")  # a stale view of the first answer
    merged = merge_save(path, mine, changed={"gov-1-owner"})
    assert {k: a.value for k, a in merged.answers.items()} == {"data-1-versioning": "yes", "gov-1-owner": "partial"}
    cleared = merge_save(path, _answers("Pair"), changed={"gov-1-owner"})  # an answer taken back
    assert set(cleared.answers) == {"data-1-versioning"}
    with_context = Answers(team="Pair", rubric="mlops-maturity", context=Context(models_in_production=2, team_size=4))
    saved = merge_save(path, with_context, changed=(), context_changed={"team_size"})
    assert saved.context == Context(team_size=4)  # models_in_production was not entered here: not saved


def test_merge_save_never_overwrites_another_teams_file(tmp_path):
    from mlops_workbook.assessment.store import merge_save

    path = tmp_path / "team.json"
    save_answers(_answers("Команда", gov_1_owner="yes"), path)
    with pytest.raises(AnswersError, match="holds team 'Команда'"):
        merge_save(path, _answers("team", gov_1_owner="no"), changed={"gov-1-owner"})
    assert read_answers(path).answers["gov-1-owner"].value == "yes"


def test_concurrent_merge_saves_lose_nothing(tmp_path, rubric):
    from concurrent.futures import ThreadPoolExecutor

    from mlops_workbook.assessment.store import merge_save

    path = answers_path(tmp_path, "Crowd")
    ids = list(rubric.criteria)[:40]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda cid: merge_save(path, Answers(team="Crowd", rubric="mlops-maturity",
                                                           answers={cid: Answer("yes")}), changed={cid}), ids))
    assert set(read_answers(path).answers) == set(ids)
