"""The simulation's settings (what a user can change) and the level names."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import DataError
from ..gating import GateMode
from ..style import LEVEL_SHORT_NAMES
from .scenarios import Scenario, get_scenario

LEVEL_NAMES = dict(LEVEL_SHORT_NAMES)  # the short names, defined once in style.py


@dataclass(frozen=True)
class SimulationConfig:
    """What a user can change about a run (scenario, volume, gates, monitoring thresholds, people); frozen so it can
    key the caches."""
    scenario: str = "sudden-covariate-shift"
    weeks: int = 52
    rows_per_week: int = 2000
    seed: int = 0
    onset: int | None = None
    magnitude: float | None = None
    duration: int | None = None
    levels: tuple[int, ...] = (0, 1, 2, 3, 4)
    label_delay: int = 2
    train_weeks: int = 13  # a quarter: one whole business cycle in every training window
    retrain_every: int | None = None  # weeks between scheduled retrains of every level that has a schedule (L1 and up);
    # None: the capability table's own (13 weeks at L1, 4 from L2)
    # gates
    gate_mode: str = "enabled"
    auc_threshold: float = 0.70
    champion_delta: float = 0.0  # a challenger's holdout log-loss may exceed the champion's by this much
    # monitoring
    drift_threshold: float = 0.1
    drift_share: float = 0.25
    prediction_drift_threshold: float = 0.1
    performance_drop: float = 0.05  # AUC points
    profit_drop: float = 0.10  # share of the week's potential margin (about 3 weekly standard deviations)
    serving_error_rate: float = 0.01
    # people
    complaint_weeks: int = 3
    min_weeks_after_change: int = 2

    def validate(self) -> None:
        """Raise DataError naming the field when a setting is out of range (the CLI turns it into one line, exit 2)."""
        if self.weeks < 4 or self.weeks > 520:
            raise DataError("weeks must be between 4 and 520", field="weeks")
        if self.rows_per_week < 200:
            raise DataError("rows_per_week must be at least 200", field="rows_per_week")
        if not self.levels or any(lv not in LEVEL_NAMES for lv in self.levels):
            raise DataError(f"levels must be among 0-4, got {list(self.levels)}", field="levels")
        if self.label_delay < 0 or self.train_weeks < 1:
            raise DataError("label_delay must be >= 0 and train_weeks >= 1", field="label_delay")
        if self.retrain_every is not None and not 1 <= self.retrain_every <= self.weeks:
            raise DataError(f"retrain_every must be between 1 and weeks ({self.weeks}), got {self.retrain_every}",
                            field="retrain_every")
        if not 1 <= self.min_weeks_after_change < self.train_weeks:
            raise DataError("min_weeks_after_change must be at least 1 and under train_weeks (a retrain after a change "
                            "waits for that many labelled weeks of it)", field="min_weeks_after_change")
        if self.gate_mode not in {m.value for m in GateMode}:
            raise DataError(f"gate_mode must be one of {', '.join(m.value for m in GateMode)}", field="gate_mode")
        get_scenario(self.scenario)

    @property
    def scenario_spec(self) -> Scenario:
        """The registered scenario with this config's onset, magnitude and duration applied."""
        return get_scenario(self.scenario, onset=self.onset, magnitude=self.magnitude, duration=self.duration)
