"""The README's and the rubric's money claims, measured where the other tests do not look (slow).

Seeds 5000-5019 (no other test uses them), 500 rows a week so the whole file stays within about three
minutes, at label delays and drift magnitudes other than the defaults, and with a training window that is
not 13 weeks (the launch window, L1's schedule and the season were all 13 weeks: a claim that held only
by that coincidence would break here). Where the model says a claim does not hold, the case is marked
xfail strict with the reason: it must keep failing, or the README must change.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from mlops_workbook.simulation import SimulationConfig, load_costs, simulate_seeds
from mlops_workbook.simulation.money import break_even_volume

FIRST_SEED, SEEDS, ROWS = 5000, 20, 500
DRIFT = ["sudden-covariate-shift", "gradual-drift", "seasonal", "concept-drift", "prior-shift", "data-quality-bug"]


@lru_cache(maxsize=None)
def measured(scenario: str, **settings):  # noqa: ANN003
    """20 seeds of one setting, kept for every test of this file."""
    config = SimulationConfig(scenario=scenario, rows_per_week=ROWS, seed=FIRST_SEED, **settings)
    return simulate_seeds(config, seeds=SEEDS, costs=load_costs())


def _ratio(multi, low: int) -> float:
    """Net saving of moving from `low` to `low + 1` per euro of extra run cost (the step's return)."""
    saving = multi.compare(low, low + 1, "net_cost").mean
    extra = multi.compare(low + 1, low, "run_cost").mean
    return saving / extra if extra > 0 else float("inf")


@pytest.mark.slow
def test_no_single_step_is_the_highest_roi_everywhere():
    """The seeds said "L1 to L2 is the highest-ROI step". Measured: the cheap first step (L0 to L1) has
    the best return per euro in most scenarios, and the largest saving moves between steps by scenario."""
    best_ratio = {s: max(range(4), key=lambda low: _ratio(measured(s), low)) for s in ["none", *DRIFT]}
    best_saving = {s: max(range(4), key=lambda low: measured(s).compare(low, low + 1, "net_cost").mean)
                   for s in ["none", *DRIFT]}
    assert sum(step == 0 for step in best_ratio.values()) >= 4, best_ratio
    assert sum(step == 1 for step in best_ratio.values()) <= 3, best_ratio
    assert len(set(best_saving.values())) >= 2, best_saving  # no one step saves the most everywhere


# (scenario, settings): from L2 up, no level loses measurably more than L2 (business loss, paired).
HOLDS = [
    ("seasonal", {"label_delay": 1}),
    ("concept-drift", {"label_delay": 8}),
    ("prior-shift", {"label_delay": 4}),
    ("data-quality-bug", {"label_delay": 8}),
    ("sudden-covariate-shift", {"magnitude": 0.5}),
    ("gradual-drift", {"magnitude": 2.0}),
    ("concept-drift", {"train_weeks": 8}),
]
BROKEN = [
    pytest.param("seasonal", {"label_delay": 4}, marks=pytest.mark.xfail(strict=True, reason=(
        "labels 4 weeks late, seasonal: measured L3 +2.9M [2.3M, 3.6M] and L4 +0.8M [0.5M, 1.0M] against L2. "
        "A season lasts 6 weeks; a monitored level's retrain after its alert waits for labelled weeks of the "
        "change, which arrive when the season is nearly over, and it then serves a holiday specialist"))),
    pytest.param("seasonal", {"label_delay": 8}, marks=pytest.mark.xfail(strict=True, reason=(
        "labels 8 weeks late, seasonal: measured L3 +3.5M [2.9M, 4.2M] and L4 +1.6M [1.2M, 2.0M] against L2: "
        "the delay is longer than a season, so a retrain on the change's weeks always arrives after it ended"))),
    pytest.param("none", {}, marks=pytest.mark.xfail(strict=True, reason=(
        "no drift at 500 rows a week: measured L3 and L4 +155k [74k, 237k] against L2. On small weeks the "
        "monitors raise false alerts and the retrains they start on few recent weeks serve worse models; at "
        "2,000 rows a week (the README's table) the difference is not measurable"))),
]


@pytest.mark.slow
@pytest.mark.parametrize(("scenario", "settings"), HOLDS + BROKEN)
def test_from_level_2_up_no_level_loses_measurably_more(scenario, settings):
    multi = measured(scenario, **settings)
    for level in (3, 4):
        c = multi.compare(level, 2, "business_loss")
        assert not (c.measurable and c.mean > 0), (level, c)


@pytest.mark.slow
def test_break_even_volume_is_where_the_net_costs_meet():
    """Computed, not asserted: scaling the book to the break-even volume makes L3's net cost equal L2's."""
    multi = measured("concept-drift", train_weeks=8)
    costs = multi.costs
    b = break_even_volume(multi.per_seed, costs, 2, 3)
    assert b.volume is not None and b.low <= b.volume <= b.high
    k = b.volume / costs.applications_per_week
    table = multi.per_seed.pivot(index="seed", columns="level", values="business_loss")
    runs = multi.per_seed.pivot(index="seed", columns="level", values="run_cost")
    at_break_even = (k * table[3] + runs[3]).mean() - (k * table[2] + runs[2]).mean()
    assert abs(at_break_even) < 1.0  # euros
