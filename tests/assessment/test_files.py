"""Safe, distinct file names from any team name, and the lock and atomic writes every writer uses."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlops_workbook._files import exact_name, inside, locked, unique_stem
from mlops_workbook.assessment.store import answers_path, team_file_stem

BAD_NAMES = [
    "Команда", "команда", "数据团队", "データチーム", "فريق البيانات", "צוות", "टीम", "ทีม", "🚀", "🚀🚀", "team 🚀",
    "..", ".", "...", "../../etc/passwd", "a/b", "a\\b", "C:\\x", "\x00", "con", "index", "Data Team", "data-team",
    "data team", "DATA-TEAM", "data--team", "data_team", "data.team", "x" * 400, "x" * 401, "y" * 61,
    "blue--0123456789", "blue.quick-check", "Café", "team", "Team", " ",
]


def test_every_bad_name_has_its_own_file_inside_the_folder(tmp_path):
    names = [exact_name(n) for n in BAD_NAMES if exact_name(n)]
    paths = {answers_path(tmp_path, n) for n in names}
    assert len(paths) == len(set(names))
    for path in paths:
        assert path.parent == tmp_path.resolve() and path.suffix == ".json"
        assert len(path.name.encode()) < 160 and not path.name.startswith(".")
        assert path.name.count(".") == 1  # "<stem>.json": no way to read a rubric into it


def test_names_stay_readable():
    assert unique_stem("data-team") == "data-team"  # already a plain slug: itself
    assert unique_stem("Data Team").startswith("data-team--")
    assert unique_stem("Команда").startswith("team--") and unique_stem("数据团队").startswith("team--")
    assert unique_stem("Café").startswith("cafe--")
    assert unique_stem("..").startswith("team--")
    assert len(unique_stem("x" * 400)) <= 60 + 2 + 10
    assert unique_stem("  Data Team ") == unique_stem("Data Team")  # surrounding spaces are not a new team
    assert unique_stem("Cafe\u0301") == unique_stem("Café")  # one "é", typed two ways


def test_per_rubric_files_never_meet():
    assert team_file_stem("blue") == "blue" and team_file_stem("blue", "mlops-maturity") == "blue"
    assert team_file_stem("blue", "quick-check") == "blue.quick-check"
    assert team_file_stem("blue.quick-check") != team_file_stem("blue", "quick-check")


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=120), st.text(max_size=120))
def test_distinct_exact_names_give_distinct_files_inside_the_folder(a, b):
    for name in (a, b):
        stem = unique_stem(name)
        assert stem and "/" not in stem and "\\" not in stem and "." not in stem and not stem.startswith("-")
    if exact_name(a) != exact_name(b):
        assert unique_stem(a) != unique_stem(b)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=80), st.sampled_from([None, "mlops-maturity", "quick-check", "Наш рубрик"]))
def test_answers_path_is_always_inside(tmp_path_factory, team, rubric):
    folder = tmp_path_factory.getbasetemp() / "answers"
    path = answers_path(folder, team, rubric)
    assert path.parent == folder.resolve()


def test_inside_refuses_to_leave():
    with pytest.raises(ValueError):
        inside("/tmp/x", "../y.json")


def test_lock_is_exclusive(tmp_path):
    target = tmp_path / "a.json"
    order: list[str] = []
    with locked(target):
        def second() -> None:
            with locked(target):
                order.append("second")

        worker = threading.Thread(target=second)
        worker.start()
        worker.join(0.3)
        order.append("first")
    worker.join(5)
    assert order == ["first", "second"]
    assert (tmp_path / ".a.json.lock").is_file()
