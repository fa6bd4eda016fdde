"""The drift-and-gating lab: move a slider, see what each maturity level catches and loses.

The inputs are `LabControls`, the runs and their cache an `Explorer` (no widgets), the tables
`tables.py`, "use my data" an `OwnDataPanel`; this view wires them and draws.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..simulation import MultiSeedResult, SimulationConfig, SimulationResult
from ..simulation.explorer import Explorer
from ..style import LEVEL_SHORT_NAMES
from ._common import heading, reporting, show, status
from .lab_controls import LabControls
from .own_data import OwnDataPanel
from .tables import frame_html, kpi_table_html, money_table_html

LAB_ROWS_PER_WEEK = 500  # a quarter of the CLI's volume: a move that keeps the data answers in about a second
LAB_SEEDS = 8  # seeds behind each mean and interval in the lab (the CLI and the README use 20); the lab's own
# stream (seed 0) runs in the kernel while kept worker processes run the other seven


class DriftLab(widgets.VBox):
    """Scenario, onset, magnitude, label delay and thresholds in; timeline, heatmap, KPIs and the gate log out."""

    def __init__(self, *, scenario: str = "sudden-covariate-shift", levels: tuple[int, ...] = (0, 1, 2, 3, 4),
                 seed: int = 0, rows_per_week: int = LAB_ROWS_PER_WEEK, **kwargs: Any):
        super().__init__(**kwargs)
        self.seed, self.rows_per_week = seed, rows_per_week
        self.result: SimulationResult | None = None
        self.multi: MultiSeedResult | None = None
        self.explorer = Explorer(LAB_SEEDS)
        self.seconds = 0.0
        self.controls = LabControls(scenario=scenario, levels=levels)
        self.own = OwnDataPanel()
        style = {"description_width": "150px"}
        self._metric = widgets.ToggleButtons(options=[("cumulative loss", "cumulative_loss"), ("accuracy", "accuracy"),
                                                      ("AUC", "auc")], value="cumulative_loss",
                                            description="Chart shows", style={"description_width": "150px"})
        self._log_level = widgets.Dropdown(description="Gate log for", options=[(LEVEL_SHORT_NAMES[lv], lv) for lv in levels],
                                           value=max(levels), style=style)
        self._status, self._money, self._kpis, self._gate_log, self._messages = (widgets.HTML() for _ in range(5))
        self._money_chart, self._timeline, self._heatmap = (widgets.Output() for _ in range(3))
        self.children = [
            self.controls, self._status,
            heading("What each level costs, in money"), self._money_chart, self._money,
            heading(f"One stream, week by week (seed {seed})"), self._metric, self._timeline,
            heading("KPIs per level (this seed)"), self._kpis,
            heading("Drift per feature and week"), self._heatmap,
            heading("Gate decisions"), self._log_level, self._gate_log,
            self.own, self._messages,
        ]
        report = reporting(self._messages)
        self.controls.observe_changes(self.recompute, report)
        self._metric.observe(report(lambda change: self._draw()), names="value")
        self._log_level.observe(report(lambda change: self._draw_log()), names="value")
        self.recompute()

    @property
    def config(self) -> SimulationConfig:
        """The simulation the controls describe, at the lab's seed and volume."""
        return self.controls.config(seed=self.seed, rows_per_week=self.rows_per_week)

    def recompute(self) -> SimulationResult:
        """Run (or take from the kept runs) the simulation the controls describe and redraw the charts and tables."""
        config, costs = self.config, self.controls.costs
        explored = self.explorer.run(config, costs)
        self.result, self.multi, self.seconds = explored.result, explored.multi, explored.seconds
        levels = list(self.result.kpis.level)
        self._log_level.options = [(LEVEL_SHORT_NAMES[lv], lv) for lv in levels]
        if self._log_level.value not in levels:
            self._log_level.value = levels[-1]
        how = f"simulated for {LAB_SEEDS} seeds in {self.seconds:.2f} s" if explored.simulated else \
            f"for {LAB_SEEDS} seeds, kept from an earlier run of this setting" + (" (costs repriced)" if explored.repriced else "")
        self._status.value = status(f"{len(levels)} levels x {self.result.config.weeks} weeks x "
                                    f"{self.rows_per_week} rows {how}")
        self._draw()
        return self.result

    def _draw(self) -> None:
        from ..charts import drift_heatmap, enable_offline_rendering, net_cost_chart, timeline_chart

        result = self.result
        if result is None:
            return
        enable_offline_rendering()
        metric = self._metric.value
        label = {"cumulative_loss": f"business loss so far (thousand {result.costs.currency})"}.get(metric, metric)
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
