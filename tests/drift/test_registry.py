"""Drift tests register themselves; the drift table finds them by name (a new one needs no change to it)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mlops_workbook.drift.table as table_module
from mlops_workbook.drift import STATTESTS, TESTS, StatTest, TestResult, drift_table, get_stattest, register
from mlops_workbook.errors import DataError


def test_every_module_registered_its_test():
    assert set(STATTESTS) == {"ks", "psi", "wasserstein", "js", "chi2"}
    assert TESTS == ("auto", *STATTESTS) == ("auto", "ks", "psi", "wasserstein", "js", "chi2")  # as before the registry
    assert {STATTESTS[n].on_p_value for n in ("ks", "chi2")} == {True}
    assert not any(STATTESTS[n].on_p_value for n in ("psi", "wasserstein", "js"))
    with pytest.raises(KeyError, match="registered: ks"):
        get_stattest("nope")


def test_the_old_module_path_and_the_package_are_the_same_api():
    assert table_module.drift_table is drift_table


def test_a_test_registered_later_is_used_by_name(monkeypatch):
    def mean_gap(ref, cur_sorted, threshold):
        value = abs(float(cur_sorted.mean()) - float(ref.sorted_values.mean()))
        return TestResult("mean gap", value, float("nan"), threshold, value > threshold)

    monkeypatch.setitem(STATTESTS, "mean-gap", StatTest("mean-gap", "mean gap", 0.5, on_p_value=False, numeric=mean_gap))
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"x": rng.normal(0, 1, 500), "c": rng.choice(list("ab"), 500)})
    cur = pd.DataFrame({"x": rng.normal(1, 1, 500), "c": rng.choice(list("ab"), 500)})
    rows = {f.feature: f for f in drift_table(ref, cur, test="mean-gap").features}
    assert rows["x"].test == "mean gap" and rows["x"].drifted and rows["x"].threshold == 0.5
    assert rows["c"].test == "chi2" and "mean-gap does not apply" in rows["c"].note  # its fallback
    assert drift_table(ref, cur, test="mean-gap", thresholds={"mean-gap": 2.0}).features[0].drifted is False


def test_unknown_test_names_the_registered_ones():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(DataError, match="choose from auto, ks"):
        drift_table(frame, frame, test="magic")


def test_register_replaces_a_name(monkeypatch):
    monkeypatch.setitem(STATTESTS, "js", STATTESTS["js"])
    strict = register(StatTest("js", "jensenshannon", 0.0, on_p_value=False, numeric=STATTESTS["js"].numeric,
                               categorical=STATTESTS["js"].categorical))
    assert STATTESTS["js"] is strict and strict.drifted(0.01) and not strict.drifted(0.01, 0.1)
