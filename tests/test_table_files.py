"""Reading a user's CSV or Parquet table: the formats, the frame it gives, and every bad file as one line."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlops_workbook.errors import DataError
from mlops_workbook.table_files import check_table_file, read_table, read_table_bytes, table_format


def one_line(read, *args) -> str:
    with pytest.raises(DataError) as info:
        read(*args)
    message = str(info.value)
    assert "\n" not in message
    return message


def sample() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({"x": rng.normal(size=50) / 3, "n": np.arange(50), "c": list("ab") * 25})


def test_the_format_is_told_by_the_name():
    assert [table_format(n) for n in ("a.csv", "A.CSV", "a.csv.gz", "a.parquet", "a.pq")] == \
        ["CSV", "CSV", "CSV", "Parquet", "Parquet"]
    for name in ("a.xlsx", "a.json.gz", "a.txt", "a"):
        assert one_line(table_format, name) == \
            f"{name}: not a CSV or Parquet file (.csv, .csv.gz, .parquet or .pq)"


def test_csv_gzip_and_parquet_copies_read_the_same(tmp_path: Path):
    frame = sample()
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_csv(tmp_path / "t.csv.gz", index=False)
    frame.to_parquet(tmp_path / "t.parquet")
    read = {name: read_table(tmp_path / name) for name in ("t.csv", "t.csv.gz", "t.parquet")}
    for got in read.values():
        pd.testing.assert_frame_equal(got, frame)  # floats to the last bit: CSV parsed round-trip
    from_bytes = read_table_bytes("t.csv.gz", (tmp_path / "t.csv.gz").read_bytes())
    pd.testing.assert_frame_equal(from_bytes, frame)
    pd.testing.assert_frame_equal(read_table_bytes("t.parquet", (tmp_path / "t.parquet").read_bytes()), frame)


def test_column_names_are_text_and_a_stored_index_stays_the_index(tmp_path: Path):
    frame = pd.DataFrame({1: [1.0, 2.0], "b": ["u", "v"]}, index=pd.Index([10, 20], name="id"))
    frame.columns = [str(c) for c in frame.columns]
    frame.to_parquet(tmp_path / "t.parquet")
    got = read_table(tmp_path / "t.parquet")
    assert list(got.columns) == ["1", "b"] and list(got.index) == [10, 20]
    frame.to_csv(tmp_path / "t.csv")  # the index written as a column, kept as one
    assert list(read_table(tmp_path / "t.csv").columns) == ["id", "1", "b"]


def test_bad_files_are_one_line_naming_the_file(tmp_path: Path):
    missing = tmp_path / "missing.csv"
    assert one_line(read_table, missing) == f"{missing}: no such file"
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert one_line(read_table, folder) == f"{folder}: not a file"
    cases = {"empty.csv": b"", "blank.csv": b"\n\n", "header.csv": b"a,b\n", "junk.parquet": b"not parquet",
             "binary.csv": b"\xff\xfe\x00\x81" * 100, "cut.csv.gz": gzip.compress(bytes(range(256)) * 40)[:200]}
    expected = {"empty.csv": "the file is empty", "blank.csv": "the file is empty",
                "header.csv": "the file has a header but no rows", "junk.parquet": "cannot be read as Parquet: ",
                "binary.csv": "cannot be read as CSV: ", "cut.csv.gz": "cannot be read as CSV: "}
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert one_line(read_table, path).startswith(f"{path}: {expected[name]}"), name
        assert one_line(read_table_bytes, name, data).startswith(f"{name}: {expected[name]}"), name
    assert one_line(read_table, tmp_path / "h.xlsx").startswith(f"{tmp_path / 'h.xlsx'}: not a CSV or Parquet")


def test_a_parquet_file_with_rows_but_no_columns(tmp_path: Path):
    pd.DataFrame(index=[10, 20, 30]).to_parquet(tmp_path / "none.parquet")  # only a stored index
    assert one_line(read_table, tmp_path / "none.parquet").endswith(": the file has no columns")


def test_check_table_file_looks_before_reading(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_text("not, really: a table\n")  # the check does not parse
    assert check_table_file(path) == "CSV"
    with pytest.raises(DataError, match="no such file"):
        check_table_file(tmp_path / "other.pq")


def test_every_name_a_file_picker_accepts_is_read():
    from mlops_workbook.table_files import ACCEPT

    assert [table_format(f"t{suffix}") for suffix in ACCEPT.split(",")] == ["CSV", "CSV", "Parquet", "Parquet"]
