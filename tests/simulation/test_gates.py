"""The simulation gates with gating's own functions: its decisions equal gating.decide on the same gate
results (dry-run wording included), and each gate equals gating's gate on the same numbers."""

from __future__ import annotations

import pytest

from mlops_workbook.gating import (
    GateMode,
    MetricThreshold,
    champion_metric_gate,
    decide,
    threshold_gate,
    validation_gate,
)
from mlops_workbook.simulation import simulate


@pytest.fixture(scope="module", params=["dry_run", "enabled"])
def decisions(request):
    result = simulate(scenario="data-quality-bug", rows_per_week=400, weeks=36, levels=(2, 3), seed=1,
                      gate_mode=request.param, drift=False)
    return request.param, [d for registry in result.decisions.values() for d in registry.records]


def test_simulation_decisions_are_gating_decide(decisions):
    mode, records = decisions
    gated = [d for d in records if d.gates]
    assert gated, "the levels with gates should have retrained"
    for d in gated:
        promote, reason = decide(d.gates)
        assert d.reason == reason
        assert (d.decision == "blocked") == (not promote)
        assert all(g.mode is GateMode(mode) for g in d.gates)
    failed = [d for d in gated if not all(g.passed for g in d.gates)]
    assert failed, "the data-quality bug should fail a gate at least once"
    if mode == "dry_run":
        assert all(d.decision == "promoted" and d.reason.startswith("dry run, would have blocked: ") for d in failed)
    else:
        assert all(d.decision == "blocked" for d in failed)


def test_simulation_gates_are_gatings_gates(decisions):
    mode, records = decisions
    for d in (d for d in records if d.gates):
        validation, threshold, versus = d.gates
        assert validation == validation_gate(validation.details["problems"], mode=GateMode(mode))
        bound = MetricThreshold(threshold=0.70)
        assert threshold == threshold_gate(threshold.details["metrics"], {"auc": bound}, mode=GateMode(mode))
        week = versus.reason.split()[1]
        assert versus == champion_metric_gate(versus.details["challenger"], versus.details["champion"],
                                              where=f"week {week} ", mode=GateMode(mode))


def test_champion_metric_gate_is_a_metric_threshold():
    """Worse by at most delta passes, by more fails; greater-is-better flips the direction."""
    ok = champion_metric_gate({"log_loss": 0.40}, {"log_loss": 0.39}, delta=0.02)
    bad = champion_metric_gate({"log_loss": 0.42}, {"log_loss": 0.39}, delta=0.02)
    assert ok.passed and not bad.passed and "above it by more than 0.02" in bad.reason
    assert not champion_metric_gate({"auc": 0.70}, {"auc": 0.75}, metric="auc", greater_is_better=True).passed
    assert not champion_metric_gate({"log_loss": float("nan")}, {"log_loss": 0.3}).passed


def test_validation_gate_names_the_first_problems_and_counts_the_rest():
    problems = [f"x{i}: 20% missing" for i in range(6)]
    gate = validation_gate(problems)
    assert not gate.passed and gate.reason.endswith("; and 2 more") and gate.details["problems"] == problems
    assert validation_gate([]).passed and validation_gate([]).reason == "schema, nulls and ranges within limits"
