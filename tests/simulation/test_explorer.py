"""The lab's runs cache: a setting seen before answers from it, a day-rate change is repriced, not re-run."""

from __future__ import annotations

import pandas as pd

from mlops_workbook.simulation import SimulationConfig, load_costs, simulate_seeds
from mlops_workbook.simulation.explorer import Explorer


def test_a_day_rate_change_reprices_the_kept_runs_to_a_fresh_runs_numbers():
    config = SimulationConfig(scenario="prior-shift", seed=3, weeks=24, rows_per_week=300, levels=(0, 2, 3))
    explorer = Explorer(seeds=3, keep=2)
    first = explorer.run(config, load_costs())
    assert first.multi.seeds == (3, 4, 5) and first.result.config == config
    dearer = load_costs(day_rate=1500)
    moved = explorer.run(config, dearer)
    assert moved.result.events is first.result.events and first.simulated and not moved.simulated
    assert moved.repriced and not first.repriced
    fresh = simulate_seeds(config, seeds=3, costs=dearer, jobs=1)
    pd.testing.assert_frame_equal(moved.multi.per_seed, fresh.per_seed, check_exact=False, rtol=1e-12)
    assert explorer.run(config, load_costs()).result is first.result


def test_it_keeps_the_settings_used_last():
    explorer = Explorer(seeds=2, keep=2)
    configs = [SimulationConfig(scenario="sudden-covariate-shift", seed=0, weeks=12, rows_per_week=200, onset=o,
                                levels=(0, 4)) for o in (3, 4, 5)]
    runs = [explorer.run(c, load_costs()) for c in configs[:2]]
    assert explorer.run(configs[0], load_costs()).result is runs[0].result  # used again: now the newest
    explorer.run(configs[2], load_costs())  # one too many: the setting unused the longest goes
    assert explorer.run(configs[0], load_costs()).result is runs[0].result
    assert explorer.run(configs[1], load_costs()).result is not runs[1].result


def test_a_new_setting_is_answered_in_two_steps_and_cancels_the_last_ones_seeds():
    from concurrent.futures import CancelledError

    import pytest

    configs = [SimulationConfig(scenario="gradual-drift", seed=0, weeks=30, rows_per_week=300, magnitude=m,
                                levels=(0, 3)) for m in (0.8, 1.2)]
    explorer = Explorer(seeds=8, keep=4)
    first = explorer.begin(configs[0], load_costs())
    assert first.result.config == configs[0] and first.simulated  # the own stream, before the other seeds
    second = explorer.begin(configs[1], load_costs())  # before the first's seeds are back
    with pytest.raises(CancelledError):
        first.wait()
    explored = second.wait()
    assert explored.multi.seeds == tuple(range(8)) and explored.result is second.result
    fresh = simulate_seeds(configs[1], seeds=8, costs=load_costs(), jobs=1)
    pd.testing.assert_frame_equal(explored.multi.per_seed, fresh.per_seed)
    again = explorer.begin(configs[1], load_costs())  # kept now: ready at once
    assert again.ready() and not again.simulated and again.wait().multi is explored.multi
    redo = explorer.begin(configs[0], load_costs())
    assert redo.simulated and redo.wait().multi.seeds == tuple(range(8))  # the cancelled setting was not kept
