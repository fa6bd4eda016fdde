from __future__ import annotations

import json
from functools import cache

import pandas as pd
import pytest

from mlops_workbook.cli import main
from mlops_workbook.errors import DataError
from mlops_workbook.sample_data import SCENARIOS
from mlops_workbook.simulation import SimulationConfig, simulate

DRIFT_SCENARIOS = [name for name in SCENARIOS if name != "none"]


@cache
def run(scenario: str, seed: int = 0, levels: tuple[int, ...] = (0, 1, 2, 3, 4)):
    return simulate(scenario=scenario, seed=seed, levels=levels)


def test_result_shape():
    result = run("sudden-covariate-shift")
    assert len(result.timeline) == 5 * 52
    assert {"week", "level", "accuracy", "auc", "oracle_accuracy", "events", "model", "drift_onset"} <= set(
        result.timeline.columns)
    assert {"level", "mean_auc", "accuracy_weeks_lost", "weeks_to_detect", "retrains", "blocked",
            "bad_models_shipped", "manual_interventions", "compute_cost"} <= set(result.kpis.columns)
    assert set(result.drift.feature) and result.drift.week.nunique() == 52
    json.dumps(result.to_dict())
    assert not result.decisions[2].to_frame().empty


def test_same_seed_same_numbers():
    a = simulate(scenario="concept-drift", seed=3, levels=(0, 3), weeks=30)
    b = simulate(scenario="concept-drift", seed=3, levels=(0, 3), weeks=30)
    pd.testing.assert_frame_equal(a.timeline, b.timeline)
    pd.testing.assert_frame_equal(a.kpis, b.kpis)
    c = simulate(scenario="concept-drift", seed=4, levels=(0, 3), weeks=30)
    assert not a.timeline["accuracy"].equals(c.timeline["accuracy"])


def test_no_drift_is_quiet_for_most_seeds():
    quiet = 0
    for seed in range(5):
        result = run("none", seed, (3, 4))
        quiet += all(result.kpi(level, "alerts") <= 1 for level in (3, 4))
    assert quiet >= 4


def test_l3_alerts_within_two_weeks_of_sudden_shift():
    result = run("sudden-covariate-shift")
    onset = result.scenario.onset
    alerts = result.events[(result.events.level == 3) & (result.events.event == "alert")]
    assert alerts.week.min() - onset <= 2 and alerts.week.min() >= onset
    assert result.kpi(3, "weeks_to_detect") <= 2


def test_data_quality_bug_gates_block_what_scripts_ship():
    result = run("data-quality-bug")
    assert result.kpi(1, "bad_models_shipped") >= 1
    assert result.kpi(2, "bad_models_shipped") == 0
    blocked = result.decisions[2].to_frame()
    blocked = blocked[blocked.decision == "blocked"]
    assert not blocked.empty and blocked.gates.str.contains("data_validation FAIL").any()
    shipped = result.decisions[1].to_frame()
    assert (shipped.decision == "shipped unchecked").any()
    l1_alerts = result.events[(result.events.level == 1) & (result.events.event == "alert")]
    assert l1_alerts.detail.str.startswith("serving errors").any()


@pytest.mark.parametrize("scenario", DRIFT_SCENARIOS)
def test_l4_loses_less_than_l0(scenario):
    result = run(scenario)
    assert result.kpi(4, "accuracy_weeks_lost") < result.kpi(0, "accuracy_weeks_lost")
    assert result.kpi(4, "weeks_to_detect") < result.kpi(0, "weeks_to_detect")


def test_concept_drift_is_caught_by_performance_not_data_drift():
    result = run("concept-drift")
    l3 = result.events[(result.events.level == 3) & (result.events.event == "alert")]
    assert not l3.detail.str.startswith("data drift").any()
    assert not l3.detail.str.startswith("prediction drift").any()
    performance = l3[l3.detail.str.startswith("performance")]
    onset, delay = result.scenario.onset, result.config.label_delay
    assert not performance.empty and onset + delay <= performance.week.min() <= onset + delay + 2


def test_levels_subset_and_validation():
    result = simulate(scenario="prior-shift", levels=(0, 4), weeks=30, seed=1)
    assert sorted(result.kpis.level) == [0, 4]
    with pytest.raises(DataError, match="levels must be among 0-4"):
        simulate(levels=(5,))
    with pytest.raises(DataError, match="unknown scenario"):
        simulate(scenario="meteor")
    with pytest.raises(DataError, match="weeks must be between"):
        simulate(weeks=2)
    assert SimulationConfig().scenario_spec.name == "sudden-covariate-shift"


def test_cli_simulate_json(capsys):
    code = main(["simulate", "--scenario", "gradual-drift", "--levels", "0,4", "--weeks", "30", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [k["level"] for k in data["kpis"]] == [0, 4]
    assert {"level", "mean_auc", "accuracy_weeks_lost", "weeks_to_detect", "retrains", "blocked",
            "bad_models_shipped"} <= set(data["kpis"][0])


def test_cli_drift_json(capsys, tmp_path):
    from .conftest import ROOT

    code = main(["drift", str(ROOT / "data" / "reference.csv"), str(ROOT / "data" / "current.csv"), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and "dataset_drift" in data
    assert {"feature", "test", "statistic", "p_value", "drifted"} <= set(data["features"][0])
    bad = tmp_path / "other.csv"
    bad.write_text("zzz\n1\n")
    code = main(["drift", str(ROOT / "data" / "reference.csv"), str(bad)])
    assert code == 2 and "no columns in common" in capsys.readouterr().err
