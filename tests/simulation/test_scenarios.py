"""Scenarios are a table, each with its own random stream: the base population is shared, so a week where
no scenario acts is the same in every scenario, and adding a scenario changes no other one's data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlops_workbook.errors import DataError
from mlops_workbook.simulation import scenarios
from mlops_workbook.simulation.scenarios import (
    NUMERIC_FEATURES,
    SCENARIOS,
    Scenario,
    generate_week,
    get_scenario,
    register_scenario,
    register_transform,
)

WEEKS = range(-3, 40)


def frames(names: list[str], n: int = 200, seed: int = 4) -> dict[tuple[str, int], pd.DataFrame]:
    return {(name, w): generate_week(w, n, SCENARIOS[name], seed) for name in names for w in WEEKS}


def test_adding_a_scenario_changes_no_other_scenario(monkeypatch):
    names = list(SCENARIOS)
    before = frames(names)
    monkeypatch.setattr(scenarios, "SCENARIOS", dict(SCENARIOS))
    monkeypatch.setattr(scenarios, "TRANSFORMS", dict(scenarios.TRANSFORMS))

    @register_transform("test-jitter")
    def jitter(week, strength, rng, draw):  # draws from the new scenario's stream only
        extra = draw(rng, len(week))
        return type(week)(week.week, week.numeric + strength * rng.normal(size=week.numeric.shape), extra.codes,
                          week.y, week.p)

    added = register_scenario(Scenario("test-jitter", onset=2, shape="ramp", duration=5, drives=("shift", "concept"),
                                       transform="test-jitter"))
    after = {(name, w): generate_week(w, 200, scenarios.SCENARIOS[name], 4) for name in names for w in WEEKS}
    for key, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[key], obj=str(key))
    assert not generate_week(10, 200, added, 4).equals(generate_week(10, 200, SCENARIOS["none"], 4))


@pytest.mark.parametrize("name", [n for n in SCENARIOS if n != "none"])
def test_none_is_every_scenario_where_it_does_not_act(name):
    scenario = SCENARIOS[name]
    quiet = [w for w in WEEKS if not scenario.active(w)]
    assert [w for w in quiet if w < scenario.onset] == [w for w in WEEKS if w < scenario.onset]
    for week in quiet:
        pd.testing.assert_frame_equal(generate_week(week, 300, scenario, 9), generate_week(week, 300, SCENARIOS["none"], 9),
                                      obj=f"{name} week {week}")


def test_a_scenario_draws_its_own_randomness_apart_from_the_base():
    """The feed bug's missing values come from its own stream: every other column, and the labels, are
    exactly the base population's."""
    bug, calm = generate_week(20, 500, SCENARIOS["data-quality-bug"], 2), generate_week(20, 500, SCENARIOS["none"], 2)
    untouched = [c for c in calm.columns if c not in ("income", "credit_score")]
    pd.testing.assert_frame_equal(bug[untouched], calm[untouched])
    assert bug.credit_score.isna().mean() == pytest.approx(0.4, abs=0.07)
    assert np.allclose(bug.income, (calm.income / 1000).round(1))


def test_the_table_holds_data_not_branches():
    assert {s.shape for s in SCENARIOS.values()} <= set(scenarios.SHAPES)
    assert get_scenario("gradual-drift", duration=4).strength(15 + 1) == pytest.approx(0.5)
    assert [get_scenario("seasonal").active(w) for w in (7, 8, 13, 14, 21, 22)] == [False, True, True, False, True, True]
    with pytest.raises(DataError, match="unknown shape"):
        register_scenario(Scenario("bad", shape="zigzag"))
    with pytest.raises(DataError):
        register_scenario(Scenario("bad", drives=("weather",)))
    assert "bad" not in SCENARIOS and len(NUMERIC_FEATURES) == 9
