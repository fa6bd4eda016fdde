"""HTML tables the lab shows: money per level with intervals, the other KPIs, any frame (escaped)."""

from __future__ import annotations

import pandas as pd

from ..simulation import LEVEL_NAMES, MultiSeedResult
from ._common import esc

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
    head = "".join(f"<th>{label} ({esc(currency)}/year)</th>" for _, label in MONEY_COLUMNS)
    rows = []
    for row in summary.to_dict("records"):
        cells = "".join(f"<td>{row[c]:,.0f}<br><small>[{row[c + '_low']:,.0f} to {row[c + '_high']:,.0f}]</small></td>"
                        for c, _ in MONEY_COLUMNS)
        rows.append(f"<tr><th>{esc(row['name'])}</th>{cells}</tr>")
    levels = list(summary.level)
    notes = []
    for low, high in zip(levels, levels[1:]):
        c = multi.compare(high, low)
        notes.append(f"<li>{esc(LEVEL_NAMES[high])} vs {esc(LEVEL_NAMES[low])}: net cost "
                     f"{esc(c.wording(currency + ' '))}</li>")
    style = "border-collapse:collapse;font-size:.9em"
    return (f'<table style="{style}" border="1" cellpadding="4"><thead><tr><th>level</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"<p>Means over {len(multi.seeds)} seeds with 90% intervals. Paired comparisons (same streams):</p>"
            f"<ul>{''.join(notes)}</ul>")


def kpi_table_html(kpis: pd.DataFrame) -> str:
    head = "".join(f"<th>{label}</th>" for _, label, _ in KPI_COLUMNS)
    rows = []
    for row in kpis.to_dict("records"):
        cells = []
        for column, _, fmt in KPI_COLUMNS:
            value = row[column]
            cells.append("never" if column == "weeks_to_detect" and value != value else fmt.format(value))
        rows.append(f"<tr><th>{esc(row['name'])}</th>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    style = "border-collapse:collapse;font-size:.9em"
    return (f'<table style="{style}" border="1" cellpadding="4"><thead><tr><th>level</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def frame_html(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, escape=True, border=1, na_rep="")
