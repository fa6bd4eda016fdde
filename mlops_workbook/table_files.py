"""A user's table, read from one CSV or Parquet file: the one reader behind `drift`, `replay` and the lab's uploads.

The format is told by the file's name: `.csv` and `.csv.gz` are CSV, `.parquet` and `.pq` are Parquet; any
other name is refused before the file is opened. Every failure is a `DataError` in one line naming the file:
not a CSV or Parquet file, no such file, not a file, the file is empty, cannot be read as CSV or Parquet (with
the parser's first line), the file has a header but no rows, the file has no columns.

The frame comes back as pandas reads it, with its column names as text: a Parquet file's stored index stays
the index and a CSV's written index stays a column ("Unnamed: 0"); a caller that wants either otherwise says
so itself. CSV floats are parsed round-trip, so a CSV and a Parquet copy of one table agree to the last bit.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from pyarrow import ArrowException

from .errors import DataError

FORMATS = {".csv": "CSV", ".gz": "CSV", ".parquet": "Parquet", ".pq": "Parquet"}  # by suffix (".gz": ".csv.gz")
ACCEPT = ".csv,.csv.gz,.parquet,.pq"  # the names read, as a file picker's `accept`
# pandas < 3 parses CSV floats to within an ulp unless asked for round_trip (then a CSV and a Parquet
# copy of one table differ in the last bit); pandas 3 parses exactly by default and deprecates the option
_ROUND_TRIP = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
# what the parsers raise on a bad file (ParserError, EmptyDataError and UnicodeError are ValueErrors;
# a truncated .csv.gz raises EOFError)
_UNREADABLE = (OSError, EOFError, ValueError, ArrowException)


def table_format(name: str | Path) -> str:
    """"CSV" or "Parquet", told by the file's name; any other name raises `DataError` naming the file."""
    text = str(name)
    suffix = Path(text).suffix.lower()
    kind = FORMATS.get(suffix)
    if kind is None or (suffix == ".gz" and not text.lower().endswith(".csv.gz")):
        raise DataError("not a CSV or Parquet file (.csv, .csv.gz, .parquet or .pq)", source=text)
    return kind


def check_table_file(path: str | Path) -> str:
    """The format of a table file that exists and is not empty; otherwise `DataError` naming the file."""
    source = Path(path)
    kind = table_format(path)
    if not source.is_file():
        raise DataError("no such file" if not source.exists() else "not a file", source=path)
    if source.stat().st_size == 0:
        raise DataError("the file is empty", source=path)
    return kind


def read_table(path: str | Path) -> pd.DataFrame:
    """The table in a CSV or Parquet file; bad input raises `DataError` in one line naming the file."""
    kind = check_table_file(path)
    return _parse(Path(path), kind, gzip=False, source=path)


def read_table_bytes(name: str, data: bytes) -> pd.DataFrame:
    """The table in an uploaded file's bytes, its format told by `name` (which every error names)."""
    kind = table_format(name)
    if not data:
        raise DataError("the file is empty", source=name)
    return _parse(io.BytesIO(data), kind, gzip=name.lower().endswith(".gz"), source=name)


def _parse(where: Path | io.BytesIO, kind: str, *, gzip: bool, source: str | Path) -> pd.DataFrame:
    try:
        if kind == "CSV":
            frame = pd.read_csv(where, low_memory=False, compression="gzip" if gzip else "infer", **_ROUND_TRIP)
        else:
            frame = pd.read_parquet(where)
    except pd.errors.EmptyDataError:
        raise DataError("the file is empty", source=source) from None
    except _UNREADABLE as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"cannot be read as {kind}: {reason}", source=source) from None
    if frame.shape[0] == 0:
        raise DataError("the file has a header but no rows", source=source)
    if frame.shape[1] == 0:
        raise DataError("the file has no columns", source=source)
    frame.columns = [str(c) for c in frame.columns]
    return frame
