"""The loan book's data-validation gate holds a candidate to the serving champion's training data, as a
replay does (one verdict, `stream.validation_problems`): a shift the champion was trained on passes, the
same weeks against the launch model's data do not, and a feed broken for some weeks is still refused."""

from __future__ import annotations

import numpy as np

from mlops_workbook.simulation import SimulationConfig, load_costs
from mlops_workbook.simulation.stream import validation_problems, validation_window
from mlops_workbook.simulation.world import World


def test_the_ranges_follow_the_champion_not_the_launch():
    world = World(SimulationConfig(scenario="sudden-covariate-shift", magnitude=5.0, rows_per_week=400, weeks=40,
                                   onset=10), load_costs(), cached=False)
    launch = world.train(range(world.first_week, world.first_week + 13))
    checked = list(range(6, 20))  # a window and its evaluation week across the shift (not every week shifted)
    flagged = world.validation_failures(checked, launch)
    assert any(p.startswith("income:") and "out of range" in p for p in flagged), flagged
    # the champion that was trained across the shift has moved the ranges: the same weeks pass
    moved = world.train(range(4, 17))
    assert world.validation_failures(checked, moved) == []
    assert validation_window(moved.key, 13, world.first_week) == list(range(4, 17))
    assert validation_window((15, 16), 13, world.first_week) == list(range(4, 17))  # a whole window, not 2 weeks


def test_a_feed_broken_for_some_weeks_is_refused_whoever_serves():
    world = World(SimulationConfig(scenario="data-quality-bug", rows_per_week=400, weeks=30), load_costs(),
                  cached=False)
    champion = world.train(range(world.first_week, world.first_week + 13))
    onset, duration = world.scenario.onset, world.scenario.duration
    window = list(range(onset - 8, onset + 6))  # 8 good weeks, then the broken ones
    problems = world.validation_failures(window, champion)
    assert any(p.startswith("income:") for p in problems), problems
    assert world.validation_failures(list(range(onset - 14, onset)), champion) == []  # before the bug: clean
    assert duration == 6


def test_a_problem_in_every_week_is_the_stream_as_it_is_one_in_some_is_a_fault():
    bad, good = np.array([0.5, 0.0]), np.array([0.0, 0.0])
    names = ("a", "b")
    assert validation_problems([bad, good, good], [good] * 3, [100, 100, 100], names) == ["a: 17% out of range"]
    assert validation_problems([bad, bad], [good, good], [100, 100], names) == []
    assert validation_problems([good, good], [np.array([0.0, 0.2])] * 1 + [good], [100, 100], names) == \
        ["b: 10% more missing"]


def test_the_loan_book_takes_a_problem_as_lasting_only_over_a_whole_window():
    """A retrain on the few weeks since the feed broke (all broken) is refused on the loan book: the bug is
    fixed weeks later. The same weeks in a replay pass (`lasting_after=1`: a real stream's new sensor)."""
    world = World(SimulationConfig(scenario="data-quality-bug", rows_per_week=400, weeks=30), load_costs(),
                  cached=False)
    champion = world.train(range(world.first_week, world.first_week + 13))
    onset = world.scenario.onset
    since = list(range(onset, onset + 4))  # every week broken
    assert any(p.startswith("income:") for p in world.validation_failures(since, champion))
    bad, names = np.array([0.5]), ("a",)
    assert validation_problems([bad] * 4, [np.zeros(1)] * 4, [1] * 4, names) == []
    assert validation_problems([bad] * 4, [np.zeros(1)] * 4, [1] * 4, names, lasting_after=13) == ["a: 50% out of range"]
