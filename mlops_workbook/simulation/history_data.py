"""A team's own labelled history, read from one CSV or Parquet file and cut into periods.

A replay trains on what was known at each period and is scored on what came next, so the reader
does three things a plain `read_csv` does not: it orders and groups the rows by period, it says from
which period each period's labels are visible (labels arrive `label_delay` periods late), and it
types every feature the same way whichever format the file came in (a CSV of integer codes and the
same table saved as Parquet categories must not be tested differently).

Periods (`period=`):
- "day", "week" (Monday to Sunday), "month": calendar periods of a date column (`time`); a period
  holds however many rows fall in it, and calendar periods with no rows are skipped, but the label
  delay counts calendar periods (a delay of 1 week makes week 5 visible from the first non-empty
  week on or after week 6).
- "index": an integer column (a year, a batch number) whose distinct values are the periods; the
  delay counts in the column's units.
- "rows:N": blocks of N consecutive rows, for a stream with only a row order. With `time=None`
  the file's order is kept; with a time column the rows are first sorted by it (stably), and a block
  may span two time values. The last block may be shorter.
A history needs at least `MIN_PERIODS` (8) periods whose labels become visible within the file.

Rows without a time or a label are left out and counted. Features are every other column, typed
by one rule applied after reading from either format:
1. Parquet categories are decoded to their values (integer codes become integers);
2. text whose every value reads as a number becomes that number, as a CSV reader does (so "16"
   stored as a Parquet category or string and 16 read from a CSV agree); integers become int64,
   floats float64; booleans, other text and other dates become text ("string"); a column with no
   values at all is float NaN (as a CSV reads it);
3. a feature is "numeric" when it is a number with more than `DISCRETE_MAX` (5) distinct values,
   else "categorical" (the drift table's rule: a 0/1 flag or a 1-5 rating is a category).
A CSV's unnamed first column holding 0..n-1 is the index pandas writes by default and is dropped.

The label becomes 0/1: with `positive` given, rows equal to it are 1 (a label with more values is
read one-against-the-rest); without it the label must have at most two values and exactly one of
them must read as 1, true or yes (case-insensitive), else the error asks for `positive`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ..drift.profiles import DISCRETE_MAX
from ..errors import DataError
from ..table_files import check_table_file, read_table, table_format

CALENDAR = ("day", "week", "month")
MIN_PERIODS = 8  # periods whose labels become visible within the file: fewer cannot train and then test
POSITIVE_WORDS = ("1", "1.0", "true", "yes")
_ROWS = re.compile(r"rows:(\d+)")
_MAX_LISTED = 12


@dataclass(frozen=True, eq=False)
class History:
    """Rows in time order, their 0/1 labels, and where each period starts and when its labels arrive.

    Period `p` holds rows `offsets[p]:offsets[p + 1]`; its labels are known from period
    `visible_from[p]` on (`n_periods` means not within the file).
    """

    source: str
    time: str | None
    label: str
    positive: str  # the label value read as 1, as text
    period: str
    label_delay: int
    features: pd.DataFrame
    kinds: Mapping[str, str]  # feature -> "numeric" | "categorical"
    y: np.ndarray  # int8, one per row
    starts: tuple[Any, ...]  # per period: its first day (calendar), its value (index) or its first row (rows)
    offsets: np.ndarray
    visible_from: np.ndarray
    dropped_no_time: int = 0
    dropped_no_label: int = 0

    @property
    def n_rows(self) -> int:
        """Rows kept (those with a time and a label)."""
        return int(self.y.size)

    @property
    def n_periods(self) -> int:
        """How many periods the rows fall into."""
        return int(self.offsets.size - 1)

    @property
    def sizes(self) -> np.ndarray:
        """Rows per period."""
        return np.diff(self.offsets)

    @property
    def categorical(self) -> tuple[str, ...]:
        """Features typed categorical: pass to `ReferenceProfile.from_frame(categorical=...)`."""
        return tuple(c for c, k in self.kinds.items() if k == "categorical")

    @property
    def period_of_row(self) -> np.ndarray:
        """Each row's period index (0-based, in time order), for grouping row-level arrays."""
        return np.repeat(np.arange(self.n_periods), self.sizes)

    def rows(self, p: int) -> slice:
        """Row positions of period `p` in `features` and `y`."""
        return slice(int(self.offsets[p]), int(self.offsets[p + 1]))

    def labelled_at(self, p: int) -> np.ndarray:
        """Periods whose labels are known when period `p` starts (what a model retrained then can use)."""
        return np.flatnonzero(self.visible_from <= p)

    def positive_rate(self) -> np.ndarray:
        """Share of positive labels per period."""
        return np.add.reduceat(self.y.astype(np.float64), self.offsets[:-1]) / self.sizes


def load_history(
    path: str | Path,
    *,
    time: str | None,
    label: str,
    positive: str | None = None,
    period: str = "week",
    label_delay: int = 0,
    categorical: Iterable[str] = (),
) -> History:
    """Read a labelled history; bad input raises `DataError` in one line naming the file and the field.

    `categorical` forces named features to be categorical (a code with many values, e.g. a region).
    """
    source = Path(path)
    check_table_file(source)  # the file itself first: a missing file or another format is not a column problem
    block = _parse_period(period, time, source)
    if isinstance(label_delay, bool) or not isinstance(label_delay, (int, np.integer)) or label_delay < 0:
        raise DataError(f"must be a whole number of periods >= 0, got {label_delay!r}", source=source, field="label_delay")
    frame = _columns(source, keep={time, label})
    for field, name in (("time", time), ("label", label)):
        if name is not None and name not in frame.columns:
            raise DataError(f"no column {name!r} (columns: {_listing(frame.columns)})", source=source, field=field)
    if time is not None and time == label:
        raise DataError(f"column {label!r} cannot be both the time and the label", source=source, field="label")
    forced = list(categorical)
    for name in forced:
        if name not in frame.columns or name in (time, label):
            raise DataError(f"no feature column {name!r} (columns: {_listing(frame.columns)})", source=source,
                            field="categorical")

    keep = frame[label].notna().to_numpy().copy()
    dropped_no_label = int((~keep).sum())
    dropped_no_time = 0
    if time is not None:
        has_time = frame[time].notna().to_numpy()
        dropped_no_time = int((~has_time).sum())
        keep &= has_time
        dropped_no_label = int((has_time & frame[label].isna().to_numpy()).sum())
    if not keep.all():
        frame = frame.loc[keep]
    if frame.empty:
        raise DataError("no row has both a time and a label", source=source, field="label")

    y, positive_text = _labels(frame[label], positive, source=source, name=label)
    key, ordinal, starts_of = _period_keys(frame, time=time, period=period, block=block, source=source)
    order = np.argsort(key, kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    ordinal, y = ordinal[order], y[order]
    if block is not None:  # row blocks are cut after sorting, in the new order
        ordinal = np.arange(len(frame), dtype=np.int64) // block
    ordinals, first = np.unique(ordinal, return_index=True)
    offsets = np.append(first, len(frame)).astype(np.int64)
    visible_from = np.searchsorted(ordinals, ordinals + label_delay, side="left").astype(np.int64)
    n_periods = ordinals.size
    n_visible = int((visible_from < n_periods).sum())
    if n_visible < MIN_PERIODS:
        raise DataError(
            f"{n_periods} period(s) of {period!r}, {n_visible} with labels visible within the file "
            f"(label delay {label_delay}); at least {MIN_PERIODS} needed: use a shorter period or rows:N",
            source=source, field="period",
        )

    features, kinds = _features(frame.drop(columns=[c for c in (time, label) if c is not None]), forced)
    for array in (y, offsets, visible_from):
        array.flags.writeable = False
    return History(
        source=str(source), time=time, label=label, positive=positive_text, period=period,
        label_delay=int(label_delay), features=features, kinds=MappingProxyType(kinds), y=y,
        starts=starts_of(ordinals, frame, offsets), offsets=offsets, visible_from=visible_from,
        dropped_no_time=dropped_no_time, dropped_no_label=dropped_no_label,
    )


def history_columns(path: str | Path) -> list[str]:
    """The columns `load_history` sees in a file (a CSV's written index left out): what a user picks
    the time and the label from. Bad input raises `DataError` naming the file."""
    return list(_columns(Path(path), keep=set()).columns)


# --------------------------------------------------------------------------- reading


def _columns(source: Path, *, keep: set[str | None]) -> pd.DataFrame:
    """The file's table with every column a history may use: a Parquet file's stored index becomes a column
    like any other, and a CSV's written index (an unnamed first column holding 0..n-1) is dropped."""
    frame = read_table(source)
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    return _drop_written_index(frame, keep=keep, csv=table_format(source) == "CSV")


def _drop_written_index(frame: pd.DataFrame, *, keep: set[str | None], csv: bool) -> pd.DataFrame:
    first = frame.columns[0]
    if not csv or first != "Unnamed: 0" or first in keep:
        return frame
    values = frame[first]
    if pd.api.types.is_integer_dtype(values) and np.array_equal(values.to_numpy(), np.arange(len(frame))):
        return frame.drop(columns=[first])
    return frame


def _listing(columns: Iterable[Any]) -> str:
    names = [str(c) for c in columns]
    shown = ", ".join(names[:_MAX_LISTED])
    return shown + (f", ... ({len(names)} in all)" if len(names) > _MAX_LISTED else "")


# --------------------------------------------------------------------------- periods


def _parse_period(period: str, time: str | None, source: Path) -> int | None:
    """Block size for "rows:N", None otherwise; unknown periods and a missing time are errors."""
    match = _ROWS.fullmatch(period) if isinstance(period, str) else None
    if match:
        size = int(match.group(1))
        if size < 1:
            raise DataError("rows:N needs N >= 1", source=source, field="period")
        return size
    if period not in (*CALENDAR, "index"):
        raise DataError(f"must be day, week, month, index or rows:N, got {period!r}", source=source, field="period")
    if time is None:
        raise DataError(f"period {period!r} needs a time column (or use period='rows:N')", source=source, field="time")
    return None


def _period_keys(frame: pd.DataFrame, *, time: str | None, period: str, block: int | None, source: Path):
    """(sort key per row, period ordinal per row, a function giving each period's start)."""
    n = len(frame)
    if time is None:
        return (np.arange(n), np.zeros(n, dtype=np.int64),
                lambda ordinals, _frame, _offsets: tuple(int(o) * block for o in ordinals))
    series = frame[time]
    if period == "index" or (block is not None and _is_number(series)):
        if not _is_number(series):
            raise DataError(f"column {time!r} is not a number; period 'index' needs an integer column",
                            source=source, field="time")
        values = series.to_numpy(dtype=np.float64)
        if block is None and not np.all(np.mod(values, 1) == 0):
            raise DataError(f"column {time!r} holds non-integer values; period 'index' needs integers",
                            source=source, field="time")
        key = values
        ordinal = values.astype(np.int64) if block is None else np.zeros(n, dtype=np.int64)
        if block is None:
            return key, ordinal, lambda ordinals, _f, _o: tuple(int(o) for o in ordinals)
        return key, ordinal, lambda ordinals, _f, offsets: tuple(int(o) for o in offsets[:-1])
    stamps = _dates(series, time=time, source=source)
    key = stamps.astype(np.int64)
    if block is not None:
        return key, np.zeros(n, dtype=np.int64), lambda ordinals, _f, offsets: tuple(int(o) for o in offsets[:-1])
    days = stamps.astype("datetime64[D]").astype(np.int64)
    if period == "day":
        ordinal = days
        start = lambda o: pd.Timestamp(np.datetime64(int(o), "D"))
    elif period == "week":
        ordinal = (days + 3) // 7  # 1970-01-01 was a Thursday: weeks run Monday to Sunday
        start = lambda o: pd.Timestamp(np.datetime64(int(o) * 7 - 3, "D"))
    else:
        ordinal = stamps.astype("datetime64[M]").astype(np.int64)
        start = lambda o: pd.Timestamp(np.datetime64(int(o), "M"))
    return key, ordinal, lambda ordinals, _f, _o: tuple(start(o) for o in ordinals)


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _dates(series: pd.Series, *, time: str, source: Path) -> np.ndarray:
    """datetime64[ns] values (UTC, no zone) of a date column, or a one-line error."""
    if _is_number(series):
        raise DataError(f"column {time!r} holds numbers, not dates: use period 'index' (each value a period) "
                        "or 'rows:N'", source=source, field="time")
    if not pd.api.types.is_datetime64_any_dtype(series):
        try:
            series = pd.to_datetime(series.astype("string"), utc=True)
        except (ValueError, TypeError, OverflowError):
            bad = _first_bad_date(series)
            raise DataError(f"column {time!r} holds {bad!r}, which is not a date", source=source, field="time") from None
    elif isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_convert("UTC")
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(None)
    return series.to_numpy(dtype="datetime64[ns]")


def _first_bad_date(series: pd.Series) -> str:
    for value in series.astype("string"):
        try:
            pd.Timestamp(value)
        except (ValueError, TypeError):
            return str(value)
    return str(series.iloc[0])


# --------------------------------------------------------------------------- label and features


def _same(value: Any, positive: str) -> bool:
    if str(value) == positive or str(value).lower() == positive.lower():
        return True
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        try:
            return float(value) == float(positive)
        except ValueError:
            return False
    return False


def _labels(series: pd.Series, positive: str | None, *, source: Path, name: str) -> tuple[np.ndarray, str]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    values = list(pd.unique(series))
    shown = ", ".join(repr(_plain(v)) for v in values[:_MAX_LISTED]) + (", ..." if len(values) > _MAX_LISTED else "")
    if positive is None:
        if len(values) > 2:
            raise DataError(f"column {name!r} has {len(values)} values ({shown}): name the positive one "
                            "(positive=VALUE, --positive)", source=source, field="label")
        matches = [v for v in values if str(_plain(v)).lower() in POSITIVE_WORDS]
        if len(matches) != 1:
            raise DataError(f"column {name!r} has values {shown} and none reads as 1, true or yes: name the "
                            "positive one (positive=VALUE, --positive)", source=source, field="label")
        chosen = matches
    else:
        positive = str(positive)
        chosen = [v for v in values if _same(_plain(v), positive)]
        if not chosen:
            raise DataError(f"value {positive!r} never occurs in column {name!r} (values: {shown})",
                            source=source, field="positive")
    y = series.isin(chosen).to_numpy().astype(np.int8)
    return y, str(_plain(chosen[0]))


def _plain(value: Any) -> Any:
    """1 for 1.0, so a label read as floats still prints and matches as the integer it is."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    return value.item() if isinstance(value, np.generic) else value


def _features(frame: pd.DataFrame, forced: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    columns: dict[str, pd.Series] = {}
    kinds: dict[str, str] = {}
    for name in frame.columns:
        series = _normalise(frame[name])
        numeric = _is_number(series)
        many = numeric and series.nunique(dropna=True) > DISCRETE_MAX
        columns[name] = series
        kinds[name] = "numeric" if many and name not in forced else "categorical"
    return pd.DataFrame(columns), kinds


def _normalise(series: pd.Series) -> pd.Series:
    """One dtype per kind of value, whichever format it was read from (rules 1 and 2 of the module doc)."""
    series = series.reset_index(drop=True)
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = _decode(series)
    if pd.api.types.is_bool_dtype(series):
        return series.astype(object).astype("string")
    if pd.api.types.is_integer_dtype(series):
        if series.isna().any():  # a nullable Int64 with gaps, as a CSV reads it
            return series.astype(np.float64)
        return series.astype(np.int64)
    if pd.api.types.is_float_dtype(series):
        return series.astype(np.float64)
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.astype("string")
    if not series.notna().any():  # no values at all: a CSV reads such a column as float NaN
        return pd.Series(np.full(len(series), np.nan), name=series.name)
    text = series.astype(object).where(series.notna(), None).astype("string")
    number = _as_number(text)
    return text if number is None else _normalise(number)


def _decode(series: pd.Series) -> pd.Series:
    """A category column as its values; categories that all read as numbers become numbers, as in a CSV."""
    categories = pd.Series(series.cat.categories)
    if not _is_number(categories):
        numbers = _as_number(categories.astype("string"))
        if numbers is None:
            return series.astype(object)
        categories = numbers
    codes = series.cat.codes.to_numpy()
    values = categories.to_numpy()[codes]
    if (codes < 0).any():
        values = values.astype(np.float64)
        values[codes < 0] = np.nan
    return pd.Series(values, name=series.name)


def _as_number(text: pd.Series) -> pd.Series | None:
    """The numbers a text column holds when every value reads as one (what a CSV reader infers), else None."""
    present = text.dropna()
    if present.empty:
        return None
    try:
        numbers = pd.to_numeric(text)
    except (ValueError, TypeError):
        return None
    return numbers if _is_number(numbers) else None
