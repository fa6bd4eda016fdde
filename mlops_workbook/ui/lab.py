"""The drift-and-gating lab: move a slider, see what each maturity level catches and loses."""

from __future__ import annotations

import io
import time
from dataclasses import replace
from typing import Any

import ipywidgets as widgets
import pandas as pd

from ..drift import drift_table
from ..errors import DataError
from ..sample_data import SCENARIOS
from ..simulation import LEVEL_NAMES, MultiSeedResult, SimulationConfig, SimulationResult, load_costs, simulate
from ..simulation.uncertainty import repriced, simulate_seeds
from ._common import esc, reporting, show

LAB_ROWS_PER_WEEK = 500  # a quarter of the CLI's volume: a move that keeps the data answers in about a second
LAB_SEEDS = 8  # seeds behind each mean and interval in the lab (the CLI and the README use 20); the lab's own
# stream (seed 0) runs in the kernel while a kept process pool runs the other seven
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


class DriftLab(widgets.VBox):
    """Scenario, onset, magnitude, label delay and thresholds in; timeline, heatmap, KPIs and the gate log out."""

    def __init__(self, *, scenario: str = "sudden-covariate-shift", levels: tuple[int, ...] = (0, 1, 2, 3, 4),
                 seed: int = 0, rows_per_week: int = LAB_ROWS_PER_WEEK, **kwargs: Any):
        super().__init__(**kwargs)
        self.seed, self.rows_per_week = seed, rows_per_week
        self.result: SimulationResult | None = None
        self._runs: dict[tuple, tuple[SimulationResult, MultiSeedResult]] = {}
        self.seconds = 0.0
        self._updating = False
        style = {"description_width": "150px"}
        spec = SCENARIOS[scenario]
        self._scenario = widgets.Dropdown(description="Drift scenario", options=list(SCENARIOS), value=scenario,
                                          style=style)
        self._scenario_help = widgets.HTML()
        self._onset = widgets.IntSlider(description="Onset week", min=1, max=45, value=spec.onset, style=style,
                                        continuous_update=False)
        self._magnitude = widgets.FloatSlider(description="Magnitude", min=0.0, max=2.0, step=0.1, value=spec.magnitude,
                                              style=style, continuous_update=False)
        self._duration = widgets.IntSlider(description="Duration (weeks)", min=0, max=26, value=spec.duration,
                                           style=style, continuous_update=False)
        self._delay = widgets.IntSlider(description="Label delay (weeks)", min=0, max=6, value=2, style=style,
                                        continuous_update=False)
        self._auc_gate = widgets.FloatSlider(description="Gate: min AUC", min=0.5, max=0.9, step=0.01, value=0.70,
                                             style=style, continuous_update=False)
        self._drift_threshold = widgets.FloatSlider(description="Drift threshold", min=0.02, max=0.5, step=0.01,
                                                    value=0.1, style=style, continuous_update=False)
        self._levels = widgets.SelectMultiple(description="Levels", options=[(LEVEL_NAMES[lv], lv) for lv in LEVEL_NAMES],
                                              value=tuple(levels), rows=5, style=style)
        costs = load_costs()
        self._margin = widgets.BoundedFloatText(description="Margin (repaid loan)", min=0.001, max=1, step=0.01,
                                                value=costs.margin, style=style)
        self._lgd = widgets.BoundedFloatText(description="Loss given default", min=0.01, max=1, step=0.05,
                                             value=costs.loss_given_default, style=style)
        self._day_rate = widgets.BoundedFloatText(description="Day rate", min=0, max=10_000, step=50,
                                                  value=costs.day_rate, style=style)
        self._metric = widgets.ToggleButtons(options=[("cumulative loss", "cumulative_loss"), ("accuracy", "accuracy"),
                                                      ("AUC", "auc")], value="cumulative_loss")
        self._money = widgets.HTML()
        self._money_chart = widgets.Output()
        self.multi: MultiSeedResult | None = None
        self._log_level = widgets.Dropdown(description="Gate log for", options=[(LEVEL_NAMES[lv], lv) for lv in levels],
                                           value=max(levels), style=style)
        self._status = widgets.HTML()
        self._timeline = widgets.Output()
        self._heatmap = widgets.Output()
        self._kpis = widgets.HTML()
        self._gate_log = widgets.HTML()
        self._messages = widgets.HTML()

        self._reference = widgets.FileUpload(accept=".csv,.parquet", multiple=False, description="Reference")
        self._current = widgets.FileUpload(accept=".csv,.parquet", multiple=False, description="Current")
        self._compare_button = widgets.Button(description="Compare my data", icon="search")
        self._own_out = widgets.HTML()
        self._own_chart = widgets.Output()

        column = widgets.Layout(width="440px", margin="0 16px 8px 0")  # fixed columns: no readout is cut off
        self._scenario_help.layout = widgets.Layout(max_width="420px")
        for control in (self._scenario, self._onset, self._magnitude, self._duration, self._delay, self._auc_gate,
                        self._drift_threshold):
            control.layout = widgets.Layout(width="410px")  # the default leaves a slider a 50-pixel track
        controls = widgets.HBox([
            widgets.VBox([self._scenario, self._scenario_help, self._onset, self._magnitude, self._duration],
                         layout=column),
            widgets.VBox([self._delay, self._auc_gate, self._drift_threshold, self._levels], layout=column),
            widgets.VBox([widgets.HTML(f"<b>Costs</b>: margin and loss as shares of the amount lent, "
                                       f"day rate in {esc(costs.currency)}"),
                          self._margin, self._lgd, self._day_rate], layout=column),
        ], layout=widgets.Layout(flex_flow="row wrap"))
        own = widgets.VBox([
            widgets.HTML("<h3>Use my data</h3><p>Upload a reference and a current CSV or Parquet file with the "
                         "same columns: each feature gets the test Evidently would pick, with its statistic.</p>"),
            widgets.HBox([self._reference, self._current, self._compare_button]), self._own_out, self._own_chart,
        ])
        self.children = [
            controls, self._status,
            widgets.HTML("<h3>What each level costs, in money</h3>"), self._money_chart, self._money,
            widgets.HTML(f"<h3>One stream, week by week (seed {seed})</h3>"), self._metric, self._timeline,
            widgets.HTML("<h3>KPIs per level (this seed)</h3>"), self._kpis,
            widgets.HTML("<h3>Drift per feature and week</h3>"), self._heatmap,
            widgets.HTML("<h3>Gate decisions</h3>"), self._log_level, self._gate_log,
            own, self._messages,
        ]
        run = reporting(self._messages)(self._changed)
        for control in (self._onset, self._magnitude, self._duration, self._delay, self._auc_gate,
                        self._drift_threshold, self._levels, self._margin, self._lgd, self._day_rate):
            control.observe(run, names="value")
        self._scenario.observe(reporting(self._messages)(self._scenario_changed), names="value")
        self._metric.observe(reporting(self._messages)(lambda change: self._draw()), names="value")
        self._log_level.observe(reporting(self._messages)(lambda change: self._draw_log()), names="value")
        self._compare_button.on_click(reporting(self._own_out)(self._compare_uploads))
        self._scenario_help.value = f"<i>{esc(spec.description)}</i>"
        self.recompute()

    # ------------------------------------------------------------------ simulation

    @property
    def config(self) -> SimulationConfig:
        return SimulationConfig(
            scenario=self._scenario.value, seed=self.seed, rows_per_week=self.rows_per_week,
            onset=self._onset.value, magnitude=self._magnitude.value, duration=self._duration.value,
            levels=tuple(sorted(self._levels.value)) or (0,), label_delay=self._delay.value,
            auc_threshold=self._auc_gate.value, drift_threshold=self._drift_threshold.value,
        )

    @property
    def costs(self):  # noqa: ANN201
        return load_costs(margin=self._margin.value, loss_given_default=self._lgd.value, day_rate=self._day_rate.value)

    def _scenario_changed(self, change: dict[str, Any]) -> None:
        spec = SCENARIOS[change["new"]]
        self._updating = True
        try:
            self._onset.value, self._magnitude.value, self._duration.value = spec.onset, spec.magnitude, spec.duration
        finally:
            self._updating = False
        self._scenario_help.value = f"<i>{esc(spec.description)}</i>"
        self.recompute()

    def _changed(self, change: dict[str, Any]) -> None:
        if not self._updating:
            self.recompute()

    def recompute(self) -> SimulationResult:
        start = time.perf_counter()
        config, costs = self.config, self.costs
        key = (config, replace(costs, day_rate=0.0))  # the day rate changes no decision: it is repriced
        if key not in self._runs:
            runs: dict[str, SimulationResult] = {}
            multi = simulate_seeds(config, seeds=LAB_SEEDS, costs=costs,
                                   alongside=lambda: runs.setdefault("first", simulate(config, costs=costs)))
            self._runs[key] = (runs["first"], multi)
            while len(self._runs) > 16:
                self._runs.pop(next(iter(self._runs)))
        result, multi = self._runs[key]
        if multi.costs != costs:
            result = replace(result, kpis=repriced(result.kpis, costs, config.weeks), costs=costs)
            multi = replace(multi, per_seed=repriced(multi.per_seed, costs, config.weeks), costs=costs)
        self.result, self.multi = result, multi
        self.seconds = time.perf_counter() - start
        levels = list(self.result.kpis.level)
        self._log_level.options = [(LEVEL_NAMES[lv], lv) for lv in levels]
        if self._log_level.value not in levels:
            self._log_level.value = levels[-1]
        self._status.value = (f'<span style="color:#5c6b7a">{len(levels)} levels x {self.result.config.weeks} weeks x '
                              f"{self.rows_per_week} rows simulated for {LAB_SEEDS} seeds in {self.seconds:.2f} s</span>")
        self._draw()
        return self.result

    def _draw(self) -> None:
        from ..charts import drift_heatmap, enable_offline_rendering, net_cost_chart, timeline_chart

        result = self.result
        if result is None:
            return
        enable_offline_rendering()
        metric = self._metric.value
        label = {"cumulative_loss": f"business loss so far (thousand {self.costs.currency})"}.get(metric, metric)
        show(self._timeline, timeline_chart(result.timeline, result.events, metric=metric,
                                            onset=result.scenario.onset if result.scenario.name != "none" else None,
                                            title=f"{label} per week (dashed: drift onset)"))
        if self.multi is not None:
            show(self._money_chart, net_cost_chart(self.multi.summary(), currency=self.multi.costs.currency))
            self._money.value = money_table_html(self.multi)
        self._kpis.value = kpi_table_html(result.kpis)
        show(self._heatmap, drift_heatmap(result.drift))
        self._draw_log()

    def _draw_log(self) -> None:
        if self.result is None or self._log_level.value not in self.result.decisions:
            return
        self._gate_log.value = frame_html(self.result.decisions[self._log_level.value].to_frame())

    # ------------------------------------------------------------------ own data

    def _compare_uploads(self, button: widgets.Button | None = None) -> None:
        self._own_chart.clear_output()
        reference = _read_upload(self._reference, "reference")
        current = _read_upload(self._current, "current")
        report = drift_table(reference, current, names=(reference.attrs["name"], current.attrs["name"]))
        self.own_report = report
        frame = report.to_frame()
        verdict = "drift" if report.dataset_drift else "no drift"
        from ..charts import enable_offline_rendering
        import altair as alt

        enable_offline_rendering()
        chart = alt.Chart(frame).mark_bar().encode(
            x=alt.X("statistic:Q"), y=alt.Y("feature:N", sort="-x"),
            color=alt.Color("drifted:N", scale=alt.Scale(domain=[False, True], range=["#9ec5e8", "#b0413e"])),
            tooltip=["feature", "test", "statistic", "p_value"],
        ).properties(width=420, height=18 * len(frame), title="Drift statistic per feature")
        self._own_out.value = (f"<p><b>Dataset: {verdict}</b> ({report.share_drifted:.0%} of "
                               f"{len(report.features)} features drifted)</p>{frame_html(frame)}")
        show(self._own_chart, chart)


def _read_upload(upload: widgets.FileUpload, side: str) -> pd.DataFrame:
    if not upload.value:
        raise DataError(f"choose a {side} file first", field=side)
    item = upload.value[0]
    name = str(item["name"])
    data = bytes(item["content"])
    try:
        frame = pd.read_parquet(io.BytesIO(data)) if name.lower().endswith((".parquet", ".pq")) \
            else pd.read_csv(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any parser error is a one-line message naming the file
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"cannot read this file ({reason})", source=name) from None
    if frame.empty or frame.shape[1] == 0:
        raise DataError("no rows or no columns", source=name)
    frame.attrs["name"] = name
    return frame

