from __future__ import annotations

import shutil

from mlops_workbook.room import summarize_room

from .conftest import sample_files


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
