"""What each maturity level does, written once as data, and the one runner that reads it.

Each level keeps what the level below does and adds to it (the rubric's gating):

| level | scheduled retrain | gates | serving-error log | monitoring, input guard, rollback, window choice | an unscheduled retrain is started by |
| --- | --- | --- | --- | --- | --- |
| L0 manual | never | no | no | no | a person, after the business complains (4 weeks) |
| L1 scripted | every 13 weeks | no | yes | no | a person running the scripts (2 weeks) |
| L2 automated | every 4 weeks | yes | yes | no | a person triggering the pipeline (1 week) |
| L3 monitored | every 4 weeks | yes | yes | yes | a person reading an alert (1 week) |
| L4 optimized | every 4 weeks | yes | yes | yes | the alert itself, at once |

`SimulationConfig.retrain_every` replaces the scheduled column's 13 and 4 weeks with one cadence (a
team's own, from its context) for every level that has a schedule; L0 still has none.

Every retrain trains on the last `train_weeks` labelled weeks (a quarter: one whole business cycle).
Levels without performance monitoring learn of a problem when the business complains (realised
profit well below launch for several weeks). Policies see only inputs, labels once they are due,
and their own signals; they never see the scenario or the true default probabilities.

`LevelRun` reads its world through a narrow set of questions (labelled weeks, train, scores, measured,
drift, validation, volume), so the same runner serves the simulated loan book (`world.World`) and a
team's own history (`replay.world.HistoryWorld`, thresholds calibrated on that history).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..gating import ModelRegistry
from .config import SimulationConfig
from .deployer import Deployer
from .ledger import Event, Ledger
from .monitor import Monitor
from .pipeline import Pipeline
from .stream import Trained
from .world import World


@dataclass(frozen=True)
class Capabilities:
    """What one maturity level does, as data: the one table the monitor, pipeline and deployer read."""
    schedule_weeks: int | None  # retrain on a fixed schedule
    gates: bool  # data validation, minimum AUC, champion/challenger on the evaluation week's log-loss
    error_log: bool  # serving errors logged and looked at
    monitoring: bool  # drift, performance on delayed labels, input guard, rollback, window choice
    react_weeks: int  # weeks from a signal (complaint or alert) to the retrain it asks for
    react_cost: str  # the costs.yaml field pricing the person who starts that retrain ("" = nobody)
    scheduled_cost: str  # the people cost of a scheduled retrain ("" = none: the pipeline does it)
    alert_cost: str  # the people cost of reading an alert ("" = nobody reads it)


CAPABILITIES: dict[int, Capabilities] = {
    0: Capabilities(None, False, False, False, 4, "manual_retrain_days", "", ""),
    1: Capabilities(13, False, True, False, 2, "scripted_retrain_days", "scripted_retrain_days", ""),
    2: Capabilities(4, True, True, False, 1, "pipeline_trigger_days", "", ""),
    3: Capabilities(4, True, True, True, 1, "approval_days", "", "alert_triage_days"),
    4: Capabilities(4, True, True, True, 0, "", "", ""),
}


def _levels(levels: list[int]) -> str:
    if len(levels) == 1:
        return f"Level {levels[0]}"
    return f"Levels {levels[0]} {'and' if len(levels) == 2 else 'to'} {levels[-1]}"


def detection_rule(config: SimulationConfig, onset: int, years: int = 1) -> str:
    """What "weeks to detect the drift" counts, in words (plain text), as `ledger.level_kpis` computes it: the
    first alert or complaint about a data week on which the drift is on, counted from the onset."""
    watched = [lv for lv, c in CAPABILITIES.items() if c.monitoring]
    blind = [lv for lv, c in CAPABILITIES.items() if not c.monitoring]
    logged = [lv for lv in blind if CAPABILITIES[lv].error_log]
    delay = config.label_delay
    return (f"Weeks to detect the drift: the weeks from the drift's onset (week {onset}) to the first week the level "
            f"noticed it while the drift was on. With monitoring ({_levels(watched)}) that is an alert (data drift, "
            f"prediction drift, or performance on the labels). Without it ({_levels(blind)}) it is the business "
            f"complaining once realised profit has fallen for {config.complaint_weeks} labelled weeks in a row "
            f"(labels arrive {delay} week{'' if delay == 1 else 's'} late, so at least "
            f"{config.complaint_weeks - 1 + delay} weeks after the change), or a serving-error alert "
            f"({_levels(logged)}). A scheduled retrain that happens to repair the model is not counted as noticing. "
            + (f"The figure is the mean over those of the {years} simulated years in which the level noticed the drift "
               f"(the cell says in how many); \"never\" when it noticed it in none." if years > 1 else
               "\"Never\": the level did not notice it in the simulated year."))


class LevelRun:
    """One level over the stream: its monitor raises signals, its pipeline retrains and gates, its deployer serves."""

    def __init__(self, level: int, world: World, initial: Trained, ledger: Ledger):
        self.level, self.world, self.ledger = level, world, ledger
        self.cap = CAPABILITIES[level]
        self.deployer = Deployer(initial, self.measured(initial, initial.key[-1] + 1))
        self.monitor = Monitor(self)
        self.pipeline = Pipeline(self)

    @property
    def config(self) -> SimulationConfig:
        """The run's settings."""
        return self.world.config

    @property
    def registry(self) -> ModelRegistry:
        """The level's decision records."""
        return self.deployer.registry

    def week(self, week: int) -> np.ndarray:
        """Serve a week, run the monitor's checks and the pipeline's retrains; returns the scores served."""
        served = self.scores(self.deployer.champion, week)
        self.monitor.check(week, served)
        self.pipeline.step(week)
        return served

    @property
    def schedule_weeks(self) -> int | None:
        """Weeks between this level's scheduled retrains: the table's, or the run's `retrain_every` (a team's own
        cadence) for every level that retrains on a schedule; None for a level without one (L0)."""
        if self.cap.schedule_weeks is None:
            return None
        return self.config.retrain_every or self.cap.schedule_weeks

    def scores(self, trained: Trained, week: int) -> np.ndarray:
        """Monitoring levels serve behind the input guard (a broken feed is imputed, not extrapolated)."""
        return self.world.scores(trained, week, guarded=self.cap.monitoring)

    def measured(self, trained: Trained, week: int) -> dict[str, float]:
        """What the team measures on a labelled week (through the input guard when the level has one)."""
        return self.world.measured(trained, week, guarded=self.cap.monitoring)

    def volume(self, week: int) -> float:
        """The scale for 'profit fell by x%' (the loan book: the week's potential margin; a replay: the
        spread of its stable periods), as the world defines it."""
        return self.world.volume(week)

    def log(self, week: int, kind: str, detail: str, **extra) -> None:  # noqa: ANN003
        """Record an event for this level."""
        self.ledger.add(Event(week, self.level, kind, detail, **extra))

    def days(self, field_name: str) -> float:
        """People days the named cost field says an action takes (0 when the level has no such step)."""
        return float(getattr(self.world.costs, field_name)) if field_name else 0.0
