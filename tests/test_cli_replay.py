"""`mlops-workbook replay`: text and JSON output, one line and exit 2 on bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mlops_workbook.cli import main


@pytest.fixture(scope="module")
def history_file(tmp_path_factory):
    rng = np.random.default_rng(7)
    periods, rows = 40, 150
    batch = np.repeat(np.arange(periods), rows)
    x = rng.normal(size=(periods * rows, 2))
    sign = np.where(batch >= 24, -1.0, 1.0)
    y = rng.random(len(batch)) < 1 / (1 + np.exp(-2 * sign * x[:, 0] + x[:, 1]))
    path = tmp_path_factory.mktemp("replay") / "h.csv"
    pd.DataFrame({"day": batch, "a": x[:, 0], "b": x[:, 1], "status": np.where(y, "late", "paid"),
                  "grade": rng.choice(["A", "B", "C"], len(batch))}).to_csv(path, index=False)
    return path


def test_replay_json_has_kpis_with_intervals_comparisons_and_events(history_file, capsys):
    code = main(["replay", str(history_file), "--time", "day", "--period", "index", "--label", "status",
                 "--positive", "late", "--levels", "0,4", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert [k["level"] for k in data["kpis"]] == [0, 4]
    assert set(data["kpis"][0]["intervals"]) >= {"errors", "accuracy", "auc"}
    assert data["comparisons"][0]["a"] == 4 and "measurable" in data["comparisons"][0]
    assert any(e["event"] == "retrain" and e["level"] == 4 for e in data["events"])
    assert "moving-block bootstrap" in data["intervals"]


def test_replay_text_says_how_the_intervals_were_made(history_file, capsys):
    assert main(["replay", str(history_file), "--time", "day", "--period", "index", "--label", "status",
                 "--positive", "late", "--levels", "0,2"]) == 0
    out = capsys.readouterr().out
    assert "moving-block bootstrap" in out and "L2 vs L0: errors" in out


@pytest.mark.parametrize("extra, words", [
    (["--label", "nope"], "no column 'nope'"),
    (["--label", "grade"], "positive"),
    (["--label", "status", "--positive", "late", "--period", "rows:1000"], "period"),
    (["--label", "status", "--positive", "late", "--model", "no_such_module:make"], "--model"),
    (["--label", "status", "--positive", "late", "--model", "collections:OrderedDict"], "predict_proba"),
    (["--label", "status", "--positive", "late", "--value", "missing.yaml"], "no such file"),
])
def test_replay_bad_input_is_one_line_exit_2(history_file, capsys, extra, words):
    period = [] if "--period" in extra else ["--period", "index"]
    code = main(["replay", str(history_file), "--time", "day", *period, *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and words in err and "Traceback" not in err


@pytest.mark.parametrize("name, words", [
    ("nonexistent.csv", "no such file"),
    ("history.json", "not a CSV or Parquet file"),
])
def test_replay_names_a_missing_or_other_format_file_before_any_column(tmp_path, capsys, name, words):
    path = tmp_path / name
    if path.suffix == ".json":
        path.write_text('{"rain": [1, 0]}', encoding="utf-8")
    code = main(["replay", str(path), "--label", "rain"])  # no --time: the file comes first, not the time column
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and str(path) in err and words in err
    assert "time" not in err.replace(str(path), "")
