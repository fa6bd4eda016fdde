"""What one run's policies may look at, and the truth they may not.

`World` is one run's view of a seed's `Stream` (shared data and models) with the run's settings
and costs: labels once due, scores, drift signals, what a team measures on labelled weeks. The
ground truth (true default probabilities, the scenario) is kept apart in `Truth` and only read by
the ledger after the run.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..drift.stattests import normed_wasserstein
from .scenarios import Scenario
from .config import SimulationConfig
from .costs import Costs
from .stream import (
    Prepared,
    Stream,
    Trained,
    drift_statistics,
    drift_verdicts,
    score_quantiles,
    stream_for,
    validation_window,
)

__all__ = ["Truth", "World", "drift_statistics"]


class World:
    """One seed's stream seen with one run's settings and costs; what depends on costs is cached here."""

    def __init__(self, config: SimulationConfig, costs: Costs, *, cached: bool = True):
        self.config, self.costs = config, costs
        self.scenario: Scenario = config.scenario_spec
        first_week = -(config.train_weeks + 1 + config.label_delay)
        settings = (self.scenario, config.seed, config.rows_per_week, config.weeks, first_week)
        # the launch model is every later fit's warm start: runs share a stream only with the same one
        self.stream: Stream = stream_for(*settings, launch_weeks=config.train_weeks) if cached else Stream(*settings)
        self.first_week = first_week
        self.weeks, self.amount, self.profiles = self.stream.weeks, self.stream.amount, self.stream.profiles
        self.reference = self.stream.reference
        self._measured: dict[tuple[tuple[int, ...], int, bool], dict[str, float]] = {}

    def labelled(self, week: int) -> range:
        """The weeks whose labels have arrived by `week`."""
        return range(self.first_week, week - self.config.label_delay + 1)

    def looks_like(self, week: int, live: int) -> bool:
        """Whether a past week's inputs look like week `live`'s (mean drift statistic under the threshold)."""
        return bool(self.stream.distances(live)[week - self.first_week] < self.config.drift_threshold)

    def alike(self, weeks: Iterable[int], live: int) -> list[int]:
        """The weeks whose inputs look like week `live`'s (`looks_like` for many weeks at once)."""
        close = self.stream.distances(live) < self.config.drift_threshold
        return [w for w in weeks if close[w - self.first_week]]

    def train(self, weeks: Iterable[int]) -> Trained:
        """A model trained on these weeks (shared by every level through the stream's cache)."""
        return self.stream.train(weeks)

    def scores(self, trained: Trained, week: int, *, guarded: bool = False) -> np.ndarray:
        """A model's scores on a week."""
        return self.stream.scores(trained, week, guarded=guarded)

    def guarded(self, week: int) -> Prepared:
        """A week's rows after the serving-side input guard."""
        return self.stream.guarded(week)

    def error_rate(self, week: int) -> float:
        """Share of a week's requests the endpoint could not score as sent."""
        return self.stream.error_rate(week)

    def data_drift(self, trained: Trained, week: int) -> np.ndarray:
        """Per-feature drift statistics of week `week`'s inputs against the model's training data."""
        return self.stream.data_drift(trained, week)

    def drifted(self, trained: Trained, week: int) -> np.ndarray:
        """Which features drifted against the model's training data, by the registered tests' verdicts."""
        return drift_verdicts(self.stream.data_drift(trained, week), self.config.drift_threshold)

    def validation_failures(self, weeks: Iterable[int], champion: Trained) -> list[str]:
        """Data validation problems of these weeks against the serving `champion`'s training data (its
        weeks and the training window ending at its newest), in words: each promotion moves the ranges,
        as in a replay (`stream.validation_problems`, one verdict for both). Ranges fixed at launch blocked
        most retrains on a real stream whose ranges move (NOAA rainfall: 20-21 of 24)."""
        window = validation_window(champion.key, self.config.train_weeks, self.first_week)
        return self.stream.validation_failures(weeks, window)

    def measured(self, trained: Trained, week: int, *, guarded: bool = False) -> dict[str, float]:
        """What a team measures once a week's labels are in: AUC, accuracy and realised profit."""
        key = (trained.key, week, guarded)
        if key not in self._measured:
            scores = self.scores(trained, week, guarded=guarded)
            self._measured[key] = {**self.stream.metrics(trained, week, guarded=guarded),
                                   "profit": self.realised_profit(scores, week)}
        return self._measured[key]

    def volume(self, week: int) -> float:
        """The week's potential margin (every loan repaid): the scale for 'profit fell by x%'."""
        return float(self.amount[week].sum() * self.costs.margin)

    def realised_profit(self, scores: np.ndarray, week: int) -> float:
        """Profit the approved loans made on the week's actual labels."""
        return self.costs.profit(scores < self.costs.approval_cutoff, self.weeks[week].y.astype(float),
                                 self.amount[week])

    def prediction_drift(self, trained: Trained, scores: np.ndarray) -> float:
        """Wasserstein distance between live and training scores, normed by the training scores' std."""
        return float(normed_wasserstein(trained.score_quantiles, score_quantiles(scores), trained.score_std))


class Truth:
    """Ground truth for the yardstick, read after the run: never handed to a policy."""

    def __init__(self, world: World):
        self.scenario = world.scenario
        self.weeks = world.weeks
        self.amount = world.amount
        self.costs = world.costs

    def expected_profit(self, scores: np.ndarray, week: int) -> float:
        """Expected profit of these scores' approvals under the true default probabilities."""
        return self.costs.profit(scores < self.costs.approval_cutoff, self.weeks[week].p, self.amount[week])

    def oracle_profit(self, week: int) -> float:
        """Expected profit of approving exactly the loans whose true default probability is under break-even."""
        p = self.weeks[week].p
        return self.costs.profit(p < self.costs.break_even, p, self.amount[week])

    def active(self, week: int) -> bool:
        """Whether the scenario acts in that week (for false alerts and weeks to detect)."""
        return self.scenario.active(week)
