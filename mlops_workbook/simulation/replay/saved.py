"""A saved `replay --json` result read back: what a report shows of a team's own history.

`ReplayResult.to_dict` writes the file; this is its one reader. It checks the fields a reader needs
(bad input: one line naming the file and the field) and answers the question the report asks of any
two replayed levels: the paired difference over the same periods, from the saved per-period outcomes
by the same moving-block bootstrap (`block_bootstrap.paired_block_bootstrap`, the run's block and
seed), so a pair the replay printed gets the replay's own figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import DataError
from ..block_bootstrap import default_block, paired_block_bootstrap
from ..uncertainty import Comparison

KPI_FIELDS = ("level", "name", "value", "errors", "accuracy", "retrains", "deployments", "blocked", "alerts",
              "rolled_back", "people_days", "run_cost")
PERIOD_FIELDS = ("period", "level", "value", "errors")


@dataclass(frozen=True)
class SavedReplay:
    """A replay result as saved: its KPIs with intervals, its per-period outcomes and how it was made."""

    path: str  # the JSON file read
    history_source: str  # the history the replay ran on
    replayed_periods: int
    period: str
    model: str
    value_source: str
    unit: str  # "errors", or the currency the outcomes are valued in
    currency: str  # of the run cost (people and compute)
    interval_note: str
    kpis: pd.DataFrame  # one row per level; `<kpi>_low` / `<kpi>_high` beside each interval
    per_period: pd.DataFrame
    block: int

    @property
    def counts_errors(self) -> bool:
        """True when the outcomes are a count of errors, not money."""
        return self.unit == "errors"

    @property
    def levels(self) -> tuple[int, ...]:
        """The levels replayed."""
        return tuple(int(lv) for lv in self.kpis.level)

    def gain(self, low: int, high: int) -> Comparison:
        """What `high` is worth over `low` across the replayed periods (value of high - value of low, paired,
        total over the periods): fewer errors when the outcomes count errors."""
        table = self.per_period.pivot(index="period", columns="level", values="value")
        paired = paired_block_bootstrap(table[high].to_numpy(), table[low].to_numpy(), statistic="total",
                                        block=self.block, seed=0)
        return Comparison("value", high, low, paired.difference, paired.low, paired.high)


def _fail(path: str, field: str, message: str) -> DataError:
    return DataError(message, source=path, field=field)


def load_saved_replay(path: str | Path) -> SavedReplay:
    """Read a `replay --json` file; a missing file, bad JSON or a missing field is one line naming it."""
    where = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(where, "replay", "no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(where, "replay", f"not a replay --json file ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise _fail(where, "replay", "not a replay --json file (expected an object)")
    for key in ("kpis", "per_period", "history", "value"):
        if not isinstance(data.get(key), (list, dict)) or not data.get(key):
            raise _fail(where, key, "missing (save the output of `mlops-workbook replay ... --json`)")
    rows = []
    for i, entry in enumerate(data["kpis"]):
        missing = [k for k in KPI_FIELDS if not isinstance(entry, dict) or k not in entry]
        if missing:
            raise _fail(where, f"kpis[{i}].{missing[0]}", "missing")
        row = {k: entry[k] for k in entry if k != "intervals"}
        for kpi, bounds in (entry.get("intervals") or {}).items():
            row[f"{kpi}_low"], row[f"{kpi}_high"] = bounds
        rows.append(row)
    per_period = pd.DataFrame(data["per_period"])
    missing = [k for k in PERIOD_FIELDS if k not in per_period.columns]
    if missing:
        raise _fail(where, f"per_period[0].{missing[0]}", "missing")
    kpis = pd.DataFrame(rows).sort_values("level").reset_index(drop=True)
    if set(per_period.level) != set(kpis.level):
        raise _fail(where, "per_period", "its levels differ from the kpis' levels")
    history: dict[str, Any] = data["history"]
    periods = int(per_period.period.nunique())
    return SavedReplay(
        path=where, history_source=str(data.get("source", "")), replayed_periods=periods,
        period=str(history.get("period", "")), model=str(data.get("model", "")),
        value_source=str(data["value"].get("source", "")), unit=str(data["value"].get("unit", "errors")),
        currency=str(data.get("currency", "EUR")), interval_note=str(data.get("intervals", "")),
        kpis=kpis, per_period=per_period, block=int(data.get("block") or default_block(periods)),
    )


__all__ = ["SavedReplay", "load_saved_replay"]
