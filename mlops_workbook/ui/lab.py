"""The drift-and-gating lab: move a slider, see what each maturity level catches and loses.

The inputs are `LabControls`, the runs and their cache an `Explorer` (no widgets), the tables and the
headline `tables.py`, "use my data" an `OwnDataPanel`, "replay my data" a `ReplayPanel`; this view
wires them and draws.

A move to new data answers in two steps. The status says "Simulating…" and the inputs are disabled
while the lab's own stream runs here (the other seeds already sent to the kept worker processes);
its timeline, KPI table, heatmap and gate log are drawn, then the status says so and the inputs come
back. The money chart, its headline and table follow when the other seeds are back, and the status
line is written last, after them. A move made before the seeds are back wins: the earlier move's
seeds are cancelled where no worker has started them, and their answer is never drawn.
"""

from __future__ import annotations

import time
from concurrent.futures import CancelledError, Future
from typing import Any

import ipywidgets as widgets

from ..html import fragment
from ..simulation import MultiSeedResult, SimulationConfig, SimulationResult
from ..simulation.explorer import Explored, Explorer
from ..style import LEVEL_SHORT_NAMES
from ._common import heading, in_background, reporting, show_error
from .lab_controls import LabControls
from .own_data import OwnDataPanel
from .replay_panel import ReplayPanel
from .tables import frame_html, kpi_table_html, money_headline, money_table_html

LAB = "ui/lab.html.j2"
LAB_ROWS_PER_WEEK = 500  # a quarter of the CLI's volume: a move that keeps the data answers in about a second
LAB_SEEDS = 8  # seeds behind each mean and interval in the lab (the CLI and the README use 20); the lab's own
# stream (seed 0) runs in the kernel while kept worker processes run the other seven


class DriftLab(widgets.VBox):
    """Scenario, onset, magnitude, label delay and thresholds in; timeline, heatmap, KPIs, the gate log
    and the money over several seeds out; below, "use my data" and "replay my data"."""

    def __init__(self, *, scenario: str = "sudden-covariate-shift", levels: tuple[int, ...] = (0, 1, 2, 3, 4),
                 seed: int = 0, rows_per_week: int = LAB_ROWS_PER_WEEK, **kwargs: Any):
        super().__init__(**kwargs)
        self.seed, self.rows_per_week = seed, rows_per_week
        self.result: SimulationResult | None = None
        self.multi: MultiSeedResult | None = None
        self.explorer = Explorer(LAB_SEEDS)
        self.seconds = 0.0  # the last move's answer, the seeds included
        self.own_seconds = 0.0  # until its one-stream charts were drawn
        self.controls = LabControls(scenario=scenario, levels=levels)
        self.own = OwnDataPanel()
        self.replay = ReplayPanel()
        style = {"description_width": "150px"}
        self._metric = widgets.ToggleButtons(options=[("cumulative loss", "cumulative_loss"), ("accuracy", "accuracy"),
                                                      ("AUC", "auc")], value="cumulative_loss",
                                            description="Chart shows", style={"description_width": "150px"})
        self._log_level = widgets.Dropdown(description="Gate log for", options=[(LEVEL_SHORT_NAMES[lv], lv) for lv in levels],
                                           value=max(levels), style=style)
        (self._status, self._headline, self._money, self._kpis, self._gate_log, self._messages,
         self._money_chart, self._timeline, self._heatmap) = (widgets.HTML() for _ in range(9))
        self._generation = 0  # the newest move; an older move's seeds coming back are not drawn
        self._pending: Future | None = None
        self.children = [
            self.controls, self._status,
            heading("What each level costs, in money"), self._headline, self._money_chart, self._money,
            heading(f"One stream, week by week (seed {seed})"), self._metric, self._timeline,
            heading("KPIs per level (this seed)"), self._kpis,
            heading("Drift per feature and week"), self._heatmap,
            heading("Gate decisions"), self._log_level, self._gate_log,
            self.own, self.replay, self._messages,
        ]
        report = reporting(self._messages)
        self.controls.observe_changes(self.recompute, report)
        self._metric.observe(report(lambda change: self._draw_timeline()), names="value")
        self._log_level.observe(report(lambda change: self._draw_log()), names="value")
        self.recompute(wait=True)

    @property
    def config(self) -> SimulationConfig:
        """The simulation the controls describe, at the lab's seed and volume."""
        return self.controls.config(seed=self.seed, rows_per_week=self.rows_per_week)

    @property
    def status(self) -> str:
        """The status line's HTML (what the page says about the last move)."""
        return self._status.value

    def recompute(self, *, wait: bool = False) -> SimulationResult:
        """Run (or take from the kept runs) the setting the controls describe: draw its own stream at once,
        the money when every seed is back (here when `wait` or when kept; else on a background thread)."""
        start = time.perf_counter()
        self._generation += 1
        token = self._generation
        self._status.value = fragment(LAB, "live_status", f"Simulating {LAB_SEEDS} seeds of this setting…", busy=True)
        self.controls.hold(True)
        try:
            exploration = self.explorer.begin(self.config, self.controls.costs)
            self.result = exploration.result
            levels = list(self.result.kpis.level)
            self._log_level.options = [(LEVEL_SHORT_NAMES[lv], lv) for lv in levels]
            if self._log_level.value not in levels:
                self._log_level.value = levels[-1]
            self._draw_stream()
        except Exception:
            self._status.value = fragment(LAB, "live_status", "This setting could not be simulated: see the message below.",
                                          tone="error")
            raise
        finally:
            self.controls.hold(False)
        exploration.release()  # this kernel's core is free again: the last worker starts its seeds
        self.own_seconds = time.perf_counter() - start
        if wait or exploration.ready():
            self._pending = None
            self._money_back(token, exploration.wait(), None)
        else:
            self._headline.value = fragment(LAB, "headline", f"Money: waiting for the other {LAB_SEEDS - 1} seeds…",
                                            waiting=True)
            self._status.value = fragment(LAB, "live_status", f"{self._size} levels x {self.result.config.weeks} weeks: "
                                          f"this stream drawn in {self.own_seconds:.2f} s; simulating {LAB_SEEDS - 1} "
                                          "more seeds for the money chart…", busy=True)
            back = reporting(self._messages)(lambda explored, error: self._money_back(token, explored, error))
            self._pending = in_background(exploration.wait, back)  # errors drawing the money: one line below
        return self.result

    def wait(self, timeout: float | None = 120) -> MultiSeedResult | None:
        """Block until the last move's money is drawn (for scripts, benchmarks and tests)."""
        if self._pending is not None:
            self._pending.result(timeout)
        return self.multi

    @property
    def _size(self) -> int:
        return len(self.result.kpis) if self.result is not None else 0

    def _money_back(self, token: int, explored: Explored | None, error: BaseException | None) -> None:
        """The seeds are back: money chart, headline and table, then the status line (last)."""
        if token != self._generation or isinstance(error, CancelledError):
            return  # a later move is being answered
        if error is not None:
            show_error(self._messages, f"{type(error).__name__}: {error}")
            self._status.value = fragment(LAB, "live_status", "The money could not be simulated: see the message below.",
                                          tone="error")
            return
        assert explored is not None
        self.multi, self.seconds = explored.multi, explored.seconds
        self._draw_money()
        how = f"simulated for {LAB_SEEDS} seeds in {self.seconds:.2f} s" if explored.simulated else \
            f"for {LAB_SEEDS} seeds, kept from an earlier run of this setting" + (" (costs repriced)" if explored.repriced else "")
        self._status.value = fragment(LAB, "live_status", f"{self._size} levels x {explored.result.config.weeks} weeks x "
                                      f"{self.rows_per_week} rows {how}", tone="muted")

    def _draw_stream(self) -> None:
        """The lab's own stream: timeline, KPI table, heatmap, gate log."""
        from ..charts import chart_html, drift_heatmap

        assert self.result is not None
        self._draw_timeline()
        self._kpis.value = kpi_table_html(self.result.kpis)
        self._heatmap.value = chart_html(drift_heatmap(self.result.drift))
        self._draw_log()

    def _draw_timeline(self) -> None:
        from ..charts import chart_html, timeline_chart

        result = self.result
        if result is None:
            return
        metric = self._metric.value
        label = {"cumulative_loss": f"business loss so far (thousand {result.costs.currency})"}.get(metric, metric)
        self._timeline.value = chart_html(timeline_chart(
            result.timeline, result.events, metric=metric,
            onset=result.scenario.onset if result.scenario.name != "none" else None,
            title=f"{label} per week (dashed: drift onset)"))

    def _draw_money(self) -> None:
        from ..charts import chart_html, net_cost_chart

        if self.multi is None:
            return
        summary = self.multi.summary()
        self._money_chart.value = chart_html(net_cost_chart(summary, currency=self.multi.costs.currency))
        self._money.value = money_table_html(self.multi, summary)
        self._headline.value = fragment(LAB, "headline", money_headline(self.multi, summary))

    def _draw_log(self) -> None:
        if self.result is None or self._log_level.value not in self.result.decisions:
            return
        self._gate_log.value = frame_html(self.result.decisions[self._log_level.value].to_frame())
