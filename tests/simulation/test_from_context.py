"""A team's context answers set its simulation through one table: every answer is mapped, a missing
one leaves the default and says so, an explicit scenario wins, and the cadence reaches the policies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlops_workbook.assessment.answers import DATA_CHANGE, RETRAINING_FREQUENCIES, Context
from mlops_workbook.errors import DataError
from mlops_workbook.simulation import SimulationConfig, load_costs, simulate
from mlops_workbook.simulation.from_context import (
    CONTEXT_RULES,
    DATA_CHANGE_SCENARIOS,
    DEFAULT_SCENARIO,
    RETRAINING_WEEKS,
    possible_simulations,
    team_simulation,
)
from mlops_workbook.simulation.scenarios import SCENARIOS


def test_every_answer_the_assessment_offers_is_in_the_table():
    assert set(DATA_CHANGE_SCENARIOS) == set(DATA_CHANGE)
    assert set(RETRAINING_WEEKS) == set(RETRAINING_FREQUENCIES)
    assert all(scenario in SCENARIOS for scenario, _ in DATA_CHANGE_SCENARIOS.values())
    assert {rule.question for rule in CONTEXT_RULES} <= set(Context.__dataclass_fields__)


def test_two_contexts_give_different_settings():
    slow = team_simulation(Context(models_in_production=1, retraining_frequency="quarterly", data_change="slow"))
    fast = team_simulation(Context(models_in_production=28, retraining_frequency="daily", data_change="fast"))
    assert (slow.scenario, slow.overrides) == ("gradual-drift", (("retrain_every", 13),))
    assert (fast.scenario, fast.overrides) == ("concept-drift", (("retrain_every", 1),))
    costs = load_costs()
    assert (slow.costs(costs).models, fast.costs(costs).models) == (1.0, 28.0)
    assert fast.config().retrain_every == 1 and fast.config().scenario == "concept-drift"
    assert "You said you retrain daily" in " ".join(fast.sentences())
    assert "shortest step" in " ".join(fast.sentences())  # daily is weekly here, and it says why


def test_no_context_is_every_default_and_says_so():
    settings = team_simulation(None)
    assert settings.all_defaults and settings.scenario == DEFAULT_SCENARIO and settings.overrides == ()
    assert all(s.sentence.startswith("You did not say") for s in settings.settings)
    assert settings.costs(load_costs()) == load_costs()


def test_never_retraining_keeps_the_levels_schedules_and_no_models_is_the_first_model():
    settings = team_simulation(Context(models_in_production=0, retraining_frequency="never"))
    assert settings.overrides == () and not settings.all_defaults
    text = " ".join(settings.sentences())
    assert "You said you never retrain" in text and "no model in production yet" in text
    assert settings.costs(load_costs()).models == 1.0


def test_an_explicit_scenario_wins_and_names_what_the_context_gave():
    settings = team_simulation(Context(data_change="moderate"), scenario="prior-shift")
    assert settings.scenario == "prior-shift"
    assert "your context alone would give seasonal" in settings.sentences()[0]
    with pytest.raises(DataError) as err:
        team_simulation(None, scenario="no-such")
    assert err.value.field == "scenario"


def test_the_cadence_reaches_every_scheduled_level_and_not_level_0():
    base = SimulationConfig(scenario="none", weeks=12, rows_per_week=300, levels=(0, 1, 2), train_weeks=6,
                            min_weeks_after_change=2)
    default = simulate(base, drift=False).kpis.set_index("level").retrains
    weekly = simulate(base, retrain_every=2, drift=False).kpis.set_index("level").retrains
    assert default.loc[1] == 0 and default.loc[2] == 3  # L1 every 13 weeks, L2 every 4, over 12 weeks
    assert weekly.loc[1] == 6 and weekly.loc[2] == 6 and weekly.loc[0] == default.loc[0]


@pytest.mark.parametrize("every", [0, 53])
def test_a_cadence_outside_the_run_is_one_error_naming_the_field(every):
    with pytest.raises(DataError) as err:
        SimulationConfig(retrain_every=every).validate()
    assert err.value.field == "retrain_every"


@given(change=st.sampled_from((None, *DATA_CHANGE)), cadence=st.sampled_from((None, *RETRAINING_FREQUENCIES)),
       models=st.one_of(st.none(), st.integers(0, 500)), team_size=st.one_of(st.none(), st.integers(1, 200)))
def test_every_context_simulates_one_of_the_settings_the_room_simulates_ahead(change, cadence, models, team_size):
    team = team_simulation(Context(data_change=change, retraining_frequency=cadence, models_in_production=models,
                                   team_size=team_size))
    assert (team.scenario, team.overrides) in possible_simulations()


def test_the_settings_simulated_ahead_are_distinct_and_start_with_the_default():
    settings = possible_simulations()
    assert len(set(settings)) == len(settings)
    assert settings[0] == (team_simulation(None).scenario, team_simulation(None).overrides)
    assert {scenario for scenario, _ in settings[:len(DATA_CHANGE_SCENARIOS) + 1]} == (
        {DEFAULT_SCENARIO} | {scenario for scenario, _ in DATA_CHANGE_SCENARIOS.values()})
