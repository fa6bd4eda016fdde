"""The lab's inputs: the scenario and its drift, the levels' thresholds, the loan book's costs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..simulation.scenarios import SCENARIOS, Scenario
from ..simulation import LEVEL_NAMES, Costs, SimulationConfig, load_costs
from ..html import fragment

COMMON = "ui/common.html.j2"


class LabControls(widgets.HBox):
    """Three fixed-width columns of inputs; `config()` and `costs` read them. A scenario switch sets its
    own onset, magnitude and duration and tells `on_change` once, not once per slider."""

    def __init__(self, *, scenario: str, levels: tuple[int, ...], **kwargs: Any):
        super().__init__(**kwargs)
        style = {"description_width": "150px"}
        spec = SCENARIOS[scenario]

        def slider(kind: type, description: str, **options: Any) -> widgets.Widget:
            return kind(description=description, style=style, continuous_update=False,
                        layout=widgets.Layout(width="410px"), **options)  # the default leaves a 50-pixel track

        self.scenario = widgets.Dropdown(description="Drift scenario", options=list(SCENARIOS), value=scenario,
                                         style=style, layout=widgets.Layout(width="410px"))
        self.scenario_help = widgets.HTML(fragment(COMMON, "italic", spec.description), layout=widgets.Layout(max_width="420px"))
        self.onset = slider(widgets.IntSlider, "Onset week", min=1, max=45, value=spec.onset)
        self.magnitude = slider(widgets.FloatSlider, "Magnitude", min=0.0, max=2.0, step=0.1, value=spec.magnitude)
        self.duration = slider(widgets.IntSlider, "Duration (weeks)", min=0, max=26, value=spec.duration)
        self.delay = slider(widgets.IntSlider, "Label delay (weeks)", min=0, max=6, value=2)
        self.auc_gate = slider(widgets.FloatSlider, "Gate: min AUC", min=0.5, max=0.9, step=0.01, value=0.70)
        self.drift_threshold = slider(widgets.FloatSlider, "Drift threshold", min=0.02, max=0.5, step=0.01, value=0.1)
        self.levels = widgets.SelectMultiple(description="Levels", options=[(LEVEL_NAMES[lv], lv) for lv in LEVEL_NAMES],
                                             value=tuple(levels), rows=5, style=style)
        costs = load_costs()
        self.margin = widgets.BoundedFloatText(description="Margin (repaid loan)", min=0.001, max=1, step=0.01,
                                               value=costs.margin, style=style)
        self.lgd = widgets.BoundedFloatText(description="Loss given default", min=0.01, max=1, step=0.05,
                                            value=costs.loss_given_default, style=style)
        self.day_rate = widgets.BoundedFloatText(description="Day rate", min=0, max=10_000, step=50,
                                                 value=costs.day_rate, style=style)
        column = widgets.Layout(width="440px", margin="0 16px 8px 0")  # fixed columns: no readout is cut off
        self.children = [
            widgets.VBox([self.scenario, self.scenario_help, self.onset, self.magnitude, self.duration], layout=column),
            widgets.VBox([self.delay, self.auc_gate, self.drift_threshold, self.levels], layout=column),
            widgets.VBox([widgets.HTML(fragment(COMMON, "intro", "Costs", "margin and loss as shares of the amount lent, "
                                                f"day rate in {costs.currency}")),
                          self.margin, self.lgd, self.day_rate], layout=column),
        ]
        self.layout = widgets.Layout(flex_flow="row wrap")
        self._switching = False

    def observe_changes(self, on_change: Callable[[], None], wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
        """`on_change()` after any input moves; `wrap` turns errors into the page's one-line message."""
        def moved(change: dict[str, Any]) -> None:
            if not self._switching:
                on_change()

        def switched(change: dict[str, Any]) -> None:
            self.apply(SCENARIOS[change["new"]])
            on_change()

        for control in self.inputs[1:]:
            control.observe(wrap(moved), names="value")
        self.scenario.observe(wrap(switched), names="value")

    @property
    def inputs(self) -> tuple[widgets.Widget, ...]:
        """Every input, the scenario first."""
        return (self.scenario, self.onset, self.magnitude, self.duration, self.delay, self.auc_gate,
                self.drift_threshold, self.levels, self.margin, self.lgd, self.day_rate)

    def hold(self, busy: bool) -> None:
        """Disable every input while a move is simulated (the page shows it is busy), enable them after."""
        for control in self.inputs:
            control.disabled = busy

    def apply(self, spec: Scenario) -> None:
        """A scenario's own onset, magnitude and duration, set without a run per slider."""
        self._switching = True
        try:
            self.onset.value, self.magnitude.value, self.duration.value = spec.onset, spec.magnitude, spec.duration
        finally:
            self._switching = False
        self.scenario_help.value = fragment(COMMON, "italic", spec.description)

    def config(self, *, seed: int, rows_per_week: int) -> SimulationConfig:
        """The simulation the sliders and choices describe, for this seed and volume."""
        return SimulationConfig(
            scenario=self.scenario.value, seed=seed, rows_per_week=rows_per_week,
            onset=self.onset.value, magnitude=self.magnitude.value, duration=self.duration.value,
            levels=tuple(sorted(self.levels.value)) or (0,), label_delay=self.delay.value,
            auc_threshold=self.auc_gate.value, drift_threshold=self.drift_threshold.value,
        )

    @property
    def costs(self) -> Costs:
        """The loan book's economics as the cost inputs set them (margin, loss given default, day rate)."""
        return load_costs(margin=self.margin.value, loss_given_default=self.lgd.value, day_rate=self.day_rate.value)
