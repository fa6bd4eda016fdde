from __future__ import annotations

import numpy as np
import pandas as pd

from mlops_workbook.drift.table import ReferenceProfile
from mlops_workbook.gating import (
    Decision,
    GateMode,
    GateResult,
    MetricThreshold,
    ModelRegistry,
    champion_challenger_gate,
    data_validation_gate,
    decide,
    paired_bootstrap_auc,
    threshold_gate,
)


def test_metric_threshold_kinds_like_mlflow():
    rule = MetricThreshold(threshold=0.8, min_absolute_change=0.01, min_relative_change=0.02)
    assert rule.check("auc", 0.85, baseline=0.80)[0]
    ok, why = rule.check("auc", 0.79)
    assert not ok and "bound >= 0.800" in why
    ok, why = rule.check("auc", 0.805, baseline=0.80)
    assert not ok and "less than +0.010" in why
    ok, why = MetricThreshold(min_relative_change=0.05).check("auc", 0.83, baseline=0.80)
    assert not ok and "relative change" in why
    lower = MetricThreshold(threshold=0.2, greater_is_better=False)
    assert lower.check("log_loss", 0.1)[0] and not lower.check("log_loss", 0.3)[0]
    assert not rule.check("auc", float("nan"))[0]


def test_threshold_gate_and_modes():
    gate = threshold_gate({"auc": 0.65}, {"auc": MetricThreshold(threshold=0.7)})
    assert not gate.passed and gate.blocking
    dry = threshold_gate({"auc": 0.65}, {"auc": MetricThreshold(threshold=0.7)}, mode=GateMode.DRY_RUN)
    assert not dry.passed and not dry.blocking
    ok, reason = decide([dry])
    assert ok and reason.startswith("dry run, would have blocked")
    ok, reason = decide([gate])
    assert not ok and "threshold" in reason
    assert decide([]) == (True, "no gates")


def test_bootstrap_is_seeded_and_paired():
    rng = np.random.default_rng(0)
    y = rng.random(2000) < 0.2
    champion = rng.normal(size=2000) + y
    challenger = champion + rng.normal(0, 0.2, 2000)
    a = paired_bootstrap_auc(y, champion, challenger, seed=3)
    b = paired_bootstrap_auc(y, champion, challenger, seed=3)
    assert (a.difference, a.low, a.high) == (b.difference, b.low, b.high)  # same seed, same interval
    c = paired_bootstrap_auc(y, champion, challenger, seed=4)
    assert c.difference == a.difference and (c.low, c.high) != (a.low, a.high)  # the seed moves only the resamples
    assert a.low < a.difference < a.high
    same = paired_bootstrap_auc(y, champion, champion, seed=1)
    assert same.low == same.high == same.difference == 0  # paired: identical models never differ


def test_champion_challenger_blocks_a_worse_model():
    rng = np.random.default_rng(1)
    y = rng.random(3000) < 0.2
    champion = rng.normal(size=3000) + 1.2 * y
    better = champion + 0.3 * y
    worse = rng.normal(size=3000) + 0.5 * y
    assert champion_challenger_gate(y, champion, better, seed=0).passed
    gate = champion_challenger_gate(y, champion, worse, seed=0)
    assert not gate.passed and "reaches below -0.020" in gate.reason
    assert gate.details["high"] < 0


def test_data_validation_gate():
    rng = np.random.default_rng(2)
    ref = pd.DataFrame({"income": rng.lognormal(10.9, 0.5, 5000), "score": rng.normal(690, 55, 5000)})
    profile = ReferenceProfile.from_frame(ref)
    fresh = pd.DataFrame({"income": rng.lognormal(10.9, 0.5, 2000), "score": rng.normal(690, 55, 2000)})
    assert data_validation_gate(fresh, profile).passed
    units = fresh.assign(income=fresh.income / 1000)
    gate = data_validation_gate(units, profile)
    assert not gate.passed and "income: 100% of values outside" in gate.reason
    nulls = fresh.copy()
    nulls.loc[:600, "score"] = np.nan
    gate = data_validation_gate(nulls, profile)
    assert not gate.passed and "score: 30% missing (reference 0%)" in gate.reason
    gate = data_validation_gate(fresh.drop(columns="score"), profile)
    assert gate.reason == "score: column missing"
    gate = data_validation_gate(fresh.assign(score="x"), profile)
    assert "expected numbers" in gate.reason


def test_registry_table():
    registry = ModelRegistry()
    registry.add(Decision(4, "v1", (0, 4), {"auc": 0.81}, (GateResult("threshold", True, "ok"),), "promoted", "fine"))
    registry.add(Decision(8, "v2", (4, 8), {"auc": 0.6}, (GateResult("threshold", False, "low"),), "blocked", "low"))
    table = registry.to_frame()
    assert list(table.decision) == ["promoted", "blocked"]
    assert table.loc[1, "gates"] == "threshold FAIL" and table.loc[0, "trained on"] == "weeks 0 to 3"
    assert registry.records[1].to_dict()["gates"][0]["mode"] == "enabled"
