from __future__ import annotations

import pandas as pd
import pytest

from mlops_workbook.errors import DataError
from mlops_workbook.simulation.scenarios import (
    CATEGORICAL_FEATURES,
    FEATURES,
    NUMERIC_FEATURES,
    SCENARIOS,
    generate_stream,
    generate_week,
    get_scenario,
)

from ..conftest import ROOT


def test_shape_and_imbalance():
    stream = generate_stream("none", weeks=10, rows_per_week=1000, seed=1)
    assert 8 <= len(FEATURES) <= 15 and len(CATEGORICAL_FEATURES) >= 2
    assert set(FEATURES) | {"week", "default"} == set(stream.columns)
    assert 0.08 < stream["default"].mean() < 0.25
    assert stream.week.min() == -4 and stream.week.max() == 9


def test_same_seed_same_rows():
    a = generate_week(5, 300, SCENARIOS["seasonal"], 7)
    b = generate_week(5, 300, SCENARIOS["seasonal"], 7)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(generate_week(5, 300, SCENARIOS["seasonal"], 8))


@pytest.mark.parametrize("name", [n for n in SCENARIOS if n != "none"])
def test_every_scenario_changes_something_after_onset(name):
    scenario = SCENARIOS[name]
    before = generate_week(scenario.onset - 1, 4000, scenario, 0)
    # a week where the scenario is fully on: the end of a ramp, inside a season or a bug
    full = scenario.onset + (scenario.duration if name == "gradual-drift" else 1)
    after = generate_week(full, 4000, scenario, 0)
    changed = any(abs(after[c].mean() - before[c].mean()) / before[c].std() > 0.2 for c in NUMERIC_FEATURES)
    changed |= abs(after["default"].mean() - before["default"].mean()) > 0.05
    assert changed, name


def test_concept_drift_keeps_inputs():
    scenario = SCENARIOS["concept-drift"]
    before = generate_week(scenario.onset - 1, 5000, scenario, 0)
    after = generate_week(scenario.onset + 1, 5000, scenario, 0)
    for column in NUMERIC_FEATURES:
        assert abs(after[column].mean() - before[column].mean()) / before[column].std() < 0.1
    assert after["default"].mean() - before["default"].mean() > 0.05


def test_data_quality_bug_is_fixed_after_duration():
    scenario = SCENARIOS["data-quality-bug"]
    during = generate_week(scenario.onset, 2000, scenario, 0)
    after = generate_week(scenario.onset + scenario.duration, 2000, scenario, 0)
    assert during.credit_score.isna().mean() > 0.3 and during.income.median() < 1000
    assert after.credit_score.isna().mean() == 0 and after.income.median() > 10_000


def test_seasonal_recurs():
    scenario = SCENARIOS["seasonal"]
    active = [w for w in range(52) if scenario.active(w)]
    assert active[:2] == [scenario.onset, scenario.onset + 1] and scenario.onset + 13 in active


def test_unknown_scenario_and_bad_parameters():
    with pytest.raises(DataError, match="unknown scenario 'nope'"):
        get_scenario("nope")
    with pytest.raises(DataError, match="magnitude must be >= 0"):
        get_scenario("seasonal", magnitude=-1)
    assert get_scenario("seasonal", onset=3).onset == 3


def test_shipped_snapshot_is_current():
    path = ROOT / "data" / "loan_stream_sample.csv"
    assert path.stat().st_size < 5_000_000
    shipped = pd.read_csv(path)
    fresh = generate_stream("sudden-covariate-shift", weeks=52, rows_per_week=500, seed=0)
    assert list(shipped.columns) == list(fresh.columns) and len(shipped) == len(fresh)
    pd.testing.assert_series_equal(shipped["default"], fresh["default"].astype(shipped["default"].dtype))
