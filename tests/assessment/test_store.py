"""The answers folder has one owner (`assessment.store`) and every reader of a team gets a TeamRecord."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlops_workbook.assessment.answers import Answer, Answers, Context, dumps, loads
from mlops_workbook.assessment.record import TeamRecord
from mlops_workbook.assessment.rubric import load_rubric
from mlops_workbook.assessment.session import AssessmentSession
from mlops_workbook.assessment.store import AnswersStore, answers_path, history_folder, merge_save, read_team, save_answers
from mlops_workbook.cli import main
from mlops_workbook.errors import AnswersError, WorkbookError

from ..conftest import ROOT, SAMPLES

RUBRIC = load_rubric("quick-check")
IDS = sorted(RUBRIC.criteria)
VALUES = st.sampled_from(["yes", "partial", "no", "n/a", None])  # None: the session cleared it


# --------------------------------------------------------------------------- merge-save


@settings(max_examples=40, deadline=None)
@given(base=st.dictionaries(st.sampled_from(IDS), st.sampled_from(["yes", "partial", "no", "n/a"])),
       one=st.dictionaries(st.sampled_from(IDS), VALUES), two=st.dictionaries(st.sampled_from(IDS), VALUES))
def test_two_sessions_never_lose_an_answer_either_changed(base, one, two):
    """Both open the team, each changes some criteria, one saves, then the other: every criterion ends
    with the later saver's change, else the earlier's, else what was saved before."""
    with tempfile.TemporaryDirectory() as folder:
        save_answers(Answers("Pair", RUBRIC.id, {c: Answer(v) for c, v in base.items()}), answers_path(folder, "Pair", RUBRIC.id))
        first, second = (AssessmentSession(folder, RUBRIC, team="Pair") for _ in range(2))
        for session, changes in ((first, one), (second, two)):
            for cid, value in changes.items():
                session.set_answer(cid, value)
        first.save()
        second.save()
        expected = dict(base)
        for changes in (one, two):
            for cid, value in changes.items():
                if value is None:
                    expected.pop(cid, None)
                else:
                    expected[cid] = value
        saved = json.loads(Path(second.path).read_text(encoding="utf-8"))["answers"]
        assert saved == expected
        assert first.set_team("Pair") == len(expected)  # a third look sees the same file


def test_a_save_reads_the_team_file_once(tmp_path, monkeypatch):
    path = answers_path(tmp_path, "Once")
    save_answers(Answers("Once", "mlops-maturity", {"gov-1-owner": Answer("yes")}, date="2026-08-03"), path)
    reads: list[str] = []
    for name in ("read_text", "read_bytes"):
        original = getattr(Path, name)

        def counting(self, *args, _original=original, _name=name, **kwargs):
            if self.resolve() == path.resolve():
                reads.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Path, name, counting)
    merged = merge_save(path, Answers("Once", "mlops-maturity", {"data-1-versioning": Answer("no")},
                                      date="2026-11-21"), changed={"data-1-versioning"})
    assert len(reads) == 1, reads
    assert set(merged.answers) == {"gov-1-owner", "data-1-versioning"}
    assert (history_folder(path) / "2026-08-03.json").is_file()  # the earlier copy is still kept


# --------------------------------------------------------------------------- the text form


answer = st.builds(Answer, st.sampled_from(["yes", "partial", "no", "n/a"]),
                   st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20).map(str.strip),
                   st.sampled_from(["", "scan"]))


@settings(max_examples=60, deadline=None)
@given(answers=st.dictionaries(st.sampled_from(IDS), answer), team=st.text(min_size=1, max_size=12).filter(str.strip),
       size=st.one_of(st.none(), st.integers(0, 500)), notes=st.text(max_size=20))
def test_dumps_then_loads_gives_the_same_answers(answers, team, size, notes):
    """What a download or a save writes reads back as the same answers: nothing a user entered is lost."""
    original = Answers(team.strip(), RUBRIC.id, answers, Context(team_size=size), date="2026-11-21", notes=notes)
    again = loads(dumps(original), source="x.json")
    assert (again.team, again.answers, again.context, again.date, again.notes) == (
        original.team, answers, original.context, original.date, notes)


def test_one_parser_for_files_and_uploads(tmp_path):
    from mlops_workbook.assessment.intake import parse_answers_bytes
    from mlops_workbook.assessment.store import read_answers

    text = "\ufeff" + json.dumps({"team": "Bom", "rubric": "quick-check", "answers": {"qc-build-1": "yes"}})
    (tmp_path / "bom.json").write_text(text, encoding="utf-8")
    assert read_answers(tmp_path / "bom.json").answers == parse_answers_bytes("bom.json", text.encode())[0].answers
    with pytest.raises(AnswersError, match="^x.json: not UTF-8 text$"):
        loads(b"\xff\xfe{", source="x.json")
    with pytest.raises(AnswersError, match="^a.yaml: invalid YAML"):
        loads("team: [", source="a.yaml")


# --------------------------------------------------------------------------- TeamRecord


def test_every_reader_of_a_team_shows_the_same_numbers(tmp_path, capsys):
    """The CLI's JSON, the batch's index summary and the room's CSV round a mean one way."""
    from mlops_workbook.assessment.room import summarize_room
    from mlops_workbook.report.batch import plan_jobs

    path = SAMPLES / "falcon-payments.json"  # mean progress 3.5833...: 3.58 and 3.583 differ
    record = read_team(path)
    assert isinstance(record, TeamRecord) and record.team == "Falcon Payments" and record.file == path.name
    assert main(["score", str(path), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli == json.loads(json.dumps(record.to_dict())) and cli["mean_progress"] == 3.583
    assert all(cli[key] == value for key, value in record.assessment.overview().items())
    jobs, failures = plan_jobs([path])
    assert not failures and jobs[0].summary == record.summary() and jobs[0].summary["mean_progress"] == 3.583
    (tmp_path / path.name).write_bytes(path.read_bytes())
    assert summarize_room(tmp_path).teams.mean_progress.tolist() == [3.583]


def test_team_file_by_name(tmp_path):
    store = AnswersStore(tmp_path)
    with pytest.raises(WorkbookError) as none:
        store.team_file("Blue")
    assert none.value.field == "team"
    quick = store.path("Blue", "quick-check")
    save_answers(Answers("Blue", "quick-check", {"qc-build-1": Answer("yes")}), quick)
    assert store.team_file("Blue") == quick  # the one rubric it answered
    save_answers(Answers("Blue", "mlops-maturity", {}), store.path("Blue"))
    assert store.team_file("Blue") == store.path("Blue")  # the default rubric's first
    store.path("Blue").unlink()
    save_answers(Answers("Blue", "other", {}), store.path("Blue", "other"))
    with pytest.raises(WorkbookError, match="several rubrics") as several:
        store.team_file("Blue")
    assert several.value.field == "rubric"
    assert store.team_file("Blue", "quick-check") == quick
    room = store.records()
    assert [r.team for r in room.records] == ["Blue"] and [name for name, _ in room.unreadable] == [
        store.path("Blue", "other").name]  # its rubric is not one there is


# --------------------------------------------------------------------------- structure


def _imports(path: Path, package: str) -> set[str]:
    """Every module of `package` that `path` imports, function-level imports included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 1:
            found.update(alias.name for alias in node.names)
    return {name for name in found if (ROOT / "mlops_workbook" / package / f"{name}.py").is_file()}


def test_the_assessment_package_has_no_import_cycle():
    folder = ROOT / "mlops_workbook" / "assessment"
    graph = {p.stem: _imports(p, "assessment") for p in folder.glob("*.py")}
    assert len(graph) >= 10
    done: set[str] = set()

    def visit(node: str, stack: tuple[str, ...]) -> None:
        assert node not in stack, f"import cycle: {' -> '.join(stack + (node,))}"
        if node in done:
            return
        for child in graph.get(node, ()):
            visit(child, stack + (node,))
        done.add(node)

    for module in graph:
        visit(module, ())


def test_only_the_store_touches_the_answers_folder():
    """No other assessment module reads or writes files (the rubric reads rubric files, not answers)."""
    for path in (ROOT / "mlops_workbook" / "assessment").glob("*.py"):
        if path.stem in ("store", "rubric"):
            continue
        text = path.read_text(encoding="utf-8")
        for call in ("read_text(", "read_bytes(", "iterdir(", "glob(", "atomic_write", "locked("):
            assert call not in text, f"{path.name} calls {call}"


def test_loading_a_rubric_needs_no_scan():
    code = ("import sys\nfrom mlops_workbook.assessment.rubric import load_rubric\n"
            "r = load_rubric('mlops-maturity')\nassert any(c.evidence for c in r.iter_criteria())\n"
            "print(sorted(m for m in sys.modules if m.startswith('mlops_workbook.scan')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_rubric_validate_checks_probe_ids(tmp_path, capsys):
    import yaml

    data = yaml.safe_load((ROOT / "rubrics" / "quick-check.yaml").read_text(encoding="utf-8"))
    data["dimensions"][1]["levels"][0]["criteria"][0]["evidence"] = ["data-versioning", "dvcc"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["rubric", "validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{bad.resolve()}: dimensions[1].levels[0].criteria[0].evidence[1]: " \
                                      "unknown probe 'dvcc'" in err
    assert main(["rubric", "validate", str(ROOT / "rubrics" / "mlops-maturity.yaml")]) == 0
