"""HTML tables the lab shows: money per level with intervals, the other KPIs, a replay's KPIs, any
frame (escaped); and the one-sentence headline above the money chart (which level wins, by how much)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from ..formatting import never_or
from ..html import fragment
from ..simulation import MultiSeedResult
from ..simulation.replay import ReplayResult
from ..simulation.uncertainty import Comparison
from ..style import level_label

LAB = "ui/lab.html.j2"
MONEY_COLUMNS = [("net_cost", "Net cost"), ("business_loss", "Business loss"), ("run_cost", "Run cost")]
KPI_COLUMNS = [("mean_auc", "Mean AUC", "{:.3f}"), ("mean_accuracy", "Mean accuracy", "{:.1%}"),
               ("accuracy_weeks_lost", "Accuracy-weeks lost", "{:.2f}"), ("weeks_to_detect", "Weeks to detect", "{:.0f}"),
               ("alerts", "Alerts", "{}"), ("false_alerts", "False alerts", "{}"), ("retrains", "Retrains", "{}"),
               ("blocked", "Blocked", "{}"), ("rolled_back", "Rolled back", "{}"),
               ("bad_models_shipped", "Bad models shipped", "{}"), ("manual_interventions", "Manual interventions", "{}"),
               ("compute_cost", "Compute cost", "{:,.0f}")]
# a replay's KPIs: (column, label, format, with its interval)
REPLAY_COLUMNS = [("errors", "Errors", "{:,.0f}", True), ("accuracy", "Accuracy", "{:.3f}", True),
                  ("auc", "AUC", "{:.3f}", True), ("retrains", "Retrains", "{}", False),
                  ("blocked", "Blocked", "{}", False), ("deployments", "Promoted", "{}", False),
                  ("rolled_back", "Rolled back", "{}", False), ("alerts", "Alerts", "{}", False),
                  ("people_days", "People days", "{:g}", False)]


def money_table_html(multi: MultiSeedResult, summary: pd.DataFrame | None = None) -> str:
    """Mean and 90% interval per level over seeds, then each level against the one below (paired).
    `summary`: `multi.summary()` when the caller has it already."""
    summary = multi.summary() if summary is None else summary
    currency = multi.costs.currency
    levels = list(summary.level)
    notes = [f"{level_label(high)} vs {level_label(low)}: net cost {multi.compare(high, low).wording(currency + ' ')}"
             for low, high in zip(levels, levels[1:])]
    return fragment(LAB, "money_table", summary.to_dict("records"), MONEY_COLUMNS, currency, notes, len(multi.seeds))


def winner_sentence(means: Mapping[int, float], compare: Callable[[int, int], Comparison], *, unit: str,
                    least: str, less: str, basis: str, per: str = "") -> str:
    """Which level has the lowest mean of a cost and by how much, against the lowest level run (or,
    when the lowest level wins, the next best), with the paired 90% interval; "no measurable
    difference" when that interval includes 0, and the other levels it cannot be told apart from. `least` says what winning is ("loses least"), `less`
    how the amount reads ("less"), `per` what it is per (" a year"), `basis` what the interval is over."""
    levels = sorted(means)
    if len(levels) < 2:
        return f"Only {level_label(levels[0])} was run: nothing to compare it with." if levels else ""
    ranked = sorted(levels, key=lambda lv: (means[lv], lv))
    best = ranked[0]
    other = levels[0] if best != levels[0] else ranked[1]
    c = compare(best, other)
    low, high = sorted((abs(c.low), abs(c.high)))
    if c.measurable:
        text = (f"{level_label(best)} {least} here: {unit}{abs(c.mean):,.0f} {less} than {level_label(other)}{per} "
                f"(90% interval {unit}{low:,.0f} to {unit}{high:,.0f}), {basis}")
    else:
        text = (f"{level_label(best)} has the lowest mean here, {unit}{abs(c.mean):,.0f} {less} than "
                f"{level_label(other)}{per}, but the 90% interval ({unit}{c.low:,.0f} to {unit}{c.high:,.0f}) includes 0: "
                f"no measurable difference, {basis}")
    ties = []
    for level in ranked[1:]:
        if level == other:
            continue
        try:
            if not compare(best, level).measurable:
                ties.append(level_label(level))
        except KeyError:  # a pair the source did not compare
            continue
    if ties:
        text += f"; against {' or '.join(ties)}, no measurable difference"
    return text + "."


def money_headline(multi: MultiSeedResult, summary: pd.DataFrame | None = None) -> str:
    """The lab's headline: which level's net cost is lowest over the seeds, and by how much."""
    summary = multi.summary() if summary is None else summary
    currency = multi.costs.currency
    return winner_sentence(dict(zip(summary.level, summary.net_cost)), multi.compare, unit=f"{currency} ",
                           least="loses least", less="less", per=" a year",
                           basis=f"paired over {len(multi.seeds)} simulated years")


def replay_comparison(result: ReplayResult, a: int, b: int) -> Comparison:
    """Level a against level b on the replay's headline KPI, whichever way round the replay paired them."""
    kpi = result.headline
    for c in result.comparisons:
        if c.kpi == kpi and (c.a, c.b) == (a, b):
            return c
        if c.kpi == kpi and (c.a, c.b) == (b, a):
            return Comparison(kpi, a, b, -c.mean, -c.high, -c.low)
    raise KeyError(f"no comparison of level {a} with level {b}")


def replay_headline(result: ReplayResult) -> str:
    """Which level made the fewest errors (or lost least value) over the replayed periods, and by how much."""
    kpi = result.headline
    sign = -1.0 if kpi == "value" else 1.0  # value: higher is better; rank by its negative
    means = {int(r["level"]): sign * float(r[kpi]) for r in result.kpis.to_dict("records")}

    def compare(a: int, b: int) -> Comparison:
        c = replay_comparison(result, a, b)
        return Comparison(c.kpi, a, b, sign * c.mean, *sorted((sign * c.low, sign * c.high)))

    periods = int(result.history["replayed_periods"])
    basis = f"paired over the {periods} replayed periods (moving-block bootstrap)"
    if kpi == "value":
        return winner_sentence(means, compare, unit=result.unit(kpi), least="loses least", less="less lost",
                               basis=basis)
    return winner_sentence(means, compare, unit="", least="makes the fewest errors", less="fewer errors",
                           basis=basis)


def replay_table_html(result: ReplayResult) -> str:
    """One row per level: errors, accuracy and AUC with their block-bootstrap intervals, then the
    counts of what each level did; the interval note and the paired comparisons below."""
    columns = ([("value", f"Value ({result.value.unit})", "{:,.0f}", True)] if result.headline == "value" else []) \
        + REPLAY_COLUMNS
    rows = []
    for row in result.kpis.to_dict("records"):
        cells = []
        for column, _, fmt, ranged in columns:
            low = never_or(row.get(f"{column}_low"), fmt) if ranged else ""
            high = never_or(row.get(f"{column}_high"), fmt) if ranged else ""
            cells.append((never_or(row[column], fmt), f"{low} to {high}" if ranged else ""))
        rows.append((level_label(int(row["level"])), cells))
    notes = [f"{level_label(c.a)} vs {level_label(c.b)}: {c.kpi} {c.wording(result.unit(c.kpi))}"
             for c in result.comparisons]
    return fragment(LAB, "replay_table", rows, [label for _, label, _, _ in columns], result.interval_note, notes)


def kpi_table_html(kpis: pd.DataFrame) -> str:
    """One row per level, the KPIs the lab shows; a drift never detected reads "never"."""
    rows = [(row["name"], [never_or(row[column], fmt) for column, _, fmt in KPI_COLUMNS])
            for row in kpis.to_dict("records")]
    return fragment(LAB, "kpi_table", rows, [label for _, label, _ in KPI_COLUMNS])


def frame_html(frame: pd.DataFrame) -> str:
    """Any frame as a table; pandas escapes the cells (`escape=True`), so its HTML is trusted as is."""
    return frame.to_html(index=False, escape=True, border=1, na_rep="")
