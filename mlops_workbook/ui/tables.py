"""HTML tables the lab shows: money per level with intervals, the other KPIs, any frame (escaped)."""

from __future__ import annotations

import pandas as pd

from ..formatting import never_or
from ..html import fragment
from ..simulation import MultiSeedResult
from ..style import level_name

LAB = "ui/lab.html.j2"
MONEY_COLUMNS = [("net_cost", "Net cost"), ("business_loss", "Business loss"), ("run_cost", "Run cost")]
KPI_COLUMNS = [("mean_auc", "Mean AUC", "{:.3f}"), ("mean_accuracy", "Mean accuracy", "{:.1%}"),
               ("accuracy_weeks_lost", "Accuracy-weeks lost", "{:.2f}"), ("weeks_to_detect", "Weeks to detect", "{:.0f}"),
               ("alerts", "Alerts", "{}"), ("false_alerts", "False alerts", "{}"), ("retrains", "Retrains", "{}"),
               ("blocked", "Blocked", "{}"), ("rolled_back", "Rolled back", "{}"),
               ("bad_models_shipped", "Bad models shipped", "{}"), ("manual_interventions", "Manual interventions", "{}"),
               ("compute_cost", "Compute cost", "{:,.0f}")]


def money_table_html(multi: MultiSeedResult) -> str:
    """Mean and 90% interval per level over seeds, then each level against the one below (paired)."""
    summary, currency = multi.summary(), multi.costs.currency
    levels = list(summary.level)
    notes = [f"{level_name(high)} vs {level_name(low)}: net cost {multi.compare(high, low).wording(currency + ' ')}"
             for low, high in zip(levels, levels[1:])]
    return fragment(LAB, "money_table", summary.to_dict("records"), MONEY_COLUMNS, currency, notes, len(multi.seeds))


def kpi_table_html(kpis: pd.DataFrame) -> str:
    """One row per level, the KPIs the lab shows; a drift never detected reads "never"."""
    rows = [(row["name"], [never_or(row[column], fmt) for column, _, fmt in KPI_COLUMNS])
            for row in kpis.to_dict("records")]
    return fragment(LAB, "kpi_table", rows, [label for _, label, _ in KPI_COLUMNS])


def frame_html(frame: pd.DataFrame) -> str:
    """Any frame as a table; pandas escapes the cells (`escape=True`), so its HTML is trusted as is."""
    return frame.to_html(index=False, escape=True, border=1, na_rep="")
