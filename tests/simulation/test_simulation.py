"""The simulation's claims, each over 20 seeds with its paired 90% interval (never one pinned seed)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from functools import cache

import numpy as np
import pandas as pd
import pytest

from mlops_workbook.cli import main
from mlops_workbook.errors import DataError
from mlops_workbook.simulation.scenarios import SCENARIOS
from mlops_workbook.simulation import (
    CAPABILITIES,
    SimulationConfig,
    load_costs,
    simulate,
    simulate_seeds,
)
from mlops_workbook.simulation.uncertainty import mean_interval

DRIFT_SCENARIOS = [name for name in SCENARIOS if name != "none"]
SEEDS = 20
ROWS = 2000  # the CLI's and the README's volume: the claims are tested where they are stated


@cache
def seeds(scenario: str):
    return simulate_seeds(scenario=scenario, seeds=SEEDS, rows_per_week=ROWS)


# --------------------------------------------------------------------------- shape and contracts (fast)


def test_result_shape_and_money():
    result = simulate(scenario="concept-drift", weeks=30, rows_per_week=500, seed=11)
    assert len(result.timeline) == 5 * 30
    assert {"week", "level", "accuracy", "auc", "profit", "oracle_profit", "business_loss", "cumulative_loss",
            "events", "model", "drift_onset"} <= set(result.timeline.columns)
    kpis = result.kpis.set_index("level")
    assert (kpis.net_cost - kpis.business_loss - kpis.run_cost).abs().max() < 1e-6
    assert (kpis.run_cost - kpis.compute_cost - kpis.people_cost - kpis.build_cost).abs().max() < 1e-6
    assert (result.timeline.business_loss >= -1e-6).all()  # nobody beats a lender who knows the true risk
    assert kpis.build_cost.is_monotonic_increasing and kpis.loc[0, "build_cost"] == 0
    assert set(result.drift.feature) and result.drift.week.nunique() == 30
    json.dumps(result.to_dict())
    assert not result.decisions[2].to_frame().empty


def test_same_seed_same_numbers():
    a = simulate(scenario="prior-shift", seed=3, levels=(0, 3), weeks=30, rows_per_week=500)
    b = simulate(scenario="prior-shift", seed=3, levels=(0, 3), weeks=30, rows_per_week=500)
    pd.testing.assert_frame_equal(a.timeline, b.timeline)
    pd.testing.assert_frame_equal(a.kpis, b.kpis)
    c = simulate(scenario="prior-shift", seed=4, levels=(0, 3), weeks=30, rows_per_week=500)
    assert not a.timeline["profit"].equals(c.timeline["profit"])


def test_a_cached_stream_gives_the_numbers_of_a_fresh_one():
    """Runs of the same data share a Stream (data, fits, scores); what another run trained into it
    before must not change a single number."""
    from mlops_workbook.simulation import stream

    config = SimulationConfig(scenario="seasonal", seed=8, weeks=30, rows_per_week=500)
    stream._STREAMS.clear()
    fresh = simulate(config, drift=False)
    simulate(config, drift=False, drift_threshold=0.05, auc_threshold=0.6)  # other fits and windows, same stream
    again = simulate(config, drift=False)
    pd.testing.assert_frame_equal(fresh.kpis, again.kpis)
    pd.testing.assert_frame_equal(fresh.events, again.events)


def test_runs_with_another_launch_window_do_not_share_warm_starts():
    """13 training weeks with a 2-week delay and 12 with 3 start history at the same week; a stream shared
    between them would warm-start every fit from the other's launch model (same optimum, other bits)."""
    from mlops_workbook.simulation import stream

    ours = SimulationConfig(scenario="gradual-drift", seed=4, weeks=30, rows_per_week=400)
    other = replace(ours, train_weeks=12, label_delay=3)

    def fits(config):
        """The coefficients of every model in the stream `config`'s run used (the one used last)."""
        simulate(config, drift=False)
        used = next(reversed(stream._STREAMS.values()))
        return {key: trained.model.coef for key, trained in used._models.items()}

    stream._STREAMS.clear()
    fresh = fits(ours)
    stream._STREAMS.clear()
    simulate(other, drift=False)
    after_other = fits(ours)
    assert len(fresh) > 3 and fresh.keys() <= after_other.keys()
    for key in fresh:
        np.testing.assert_array_equal(fresh[key], after_other[key], err_msg=str(key))


def test_a_retrain_after_a_change_must_be_able_to_wait_for_its_weeks():
    with pytest.raises(DataError) as error:
        SimulationConfig(min_weeks_after_change=13, train_weeks=13).validate()
    assert error.value.field == "min_weeks_after_change"


def test_a_day_rate_change_is_repriced_exactly():
    from mlops_workbook.simulation.uncertainty import repriced

    config = SimulationConfig(scenario="concept-drift", seed=2, weeks=30, rows_per_week=500)
    costs = load_costs(day_rate=1300)
    direct = simulate(config, costs=costs, drift=False).kpis
    moved = repriced(simulate(config, drift=False).kpis, costs, config.weeks)
    pd.testing.assert_frame_equal(direct, moved, check_exact=False, rtol=1e-12)


class _Regimes:
    """A stand-in world whose weeks 'look alike' when they share a regime label."""

    def __init__(self, regime):
        self.regime = regime

    def looks_like(self, week, live):
        return self.regime(week) == self.regime(live)


@pytest.mark.parametrize(("regime", "since", "live", "returned"), [
    (lambda w: (w - 8) % 13 < 6 and w >= 8, 34, 36, True),  # the next season: seen, left, back
    (lambda w: (w - 8) % 13 < 6 and w >= 8, 8, 10, False),  # the first season: new
    (lambda w: w >= 20, 20, 24, False),  # a sudden shift: new
    (lambda w: 0, 20, 24, False),  # concept drift: the inputs never change
    (lambda w: min(max(w - 10, 0) // 3, 5), 22, 24, False),  # gradual drift: never back to the past
])
def test_a_return_is_told_from_a_new_regime(regime, since, live, returned):
    from types import SimpleNamespace

    from mlops_workbook.simulation.pipeline import Pipeline

    world = _Regimes(regime)
    pipeline = Pipeline(SimpleNamespace(world=world))
    pipeline.change_since = since
    alike = [w for w in range(-10, live - 1) if world.looks_like(w, live)]
    assert pipeline.returned(live, alike) is returned


def test_policies_never_read_the_scenario():
    """A shift whose onset lies after the last week produces exactly the 'none' stream: every level must
    then do exactly the same things, whatever the scenario is called."""
    none = simulate(scenario="none", weeks=20, rows_per_week=500, seed=5, drift=False)
    later = simulate(scenario="sudden-covariate-shift", onset=200, weeks=20, rows_per_week=500, seed=5, drift=False)
    pd.testing.assert_frame_equal(none.events, later.events)
    pd.testing.assert_series_equal(none.timeline.profit, later.timeline.profit)


@pytest.mark.parametrize("delay", [0, 3])
def test_policies_use_labels_only_once_they_arrive(monkeypatch, delay):
    """No fit and no measured metric may use a week whose labels are not in yet (`label_delay` weeks
    late), from the launch model on."""
    from mlops_workbook.simulation import policies, world

    now, early = {"week": 0}, []
    week, measured, train = policies.LevelRun.week, policies.LevelRun.measured, world.World.train

    def watched_week(run, w):
        now["week"] = w
        return week(run, w)

    def watched_measured(run, trained, w):
        if w > now["week"] - run.config.label_delay:
            early.append(("measured", now["week"], w))
        return measured(run, trained, w)

    def watched_train(self, weeks):
        weeks = list(weeks)
        if max(weeks) > now["week"] - self.config.label_delay:
            early.append(("trained", now["week"], max(weeks)))
        return train(self, weeks)

    monkeypatch.setattr(policies.LevelRun, "week", watched_week)
    monkeypatch.setattr(policies.LevelRun, "measured", watched_measured)
    monkeypatch.setattr(world.World, "train", watched_train)
    for scenario in ("sudden-covariate-shift", "seasonal", "concept-drift", "data-quality-bug"):
        for seed in range(3):
            now["week"] = 0
            simulate(scenario=scenario, seed=seed, weeks=40, rows_per_week=300, label_delay=delay, drift=False)
    assert not early, early[:5]


def test_a_challenger_is_never_judged_on_a_week_the_champion_trained_on(monkeypatch):
    """Judged on its own training data the champion looks better than it is, and good challengers are blocked."""
    from mlops_workbook.simulation import pipeline

    gates, unfair = pipeline.Pipeline.gates, []

    def watched(self, challenger, evaluation, mode):
        champion = self.run.deployer.champion
        if evaluation in champion.key or evaluation in challenger.key:
            unfair.append((self.run.level, evaluation, champion.key[0], champion.key[-1]))
        return gates(self, challenger, evaluation, mode)

    monkeypatch.setattr(pipeline.Pipeline, "gates", watched)
    for scenario in ("seasonal", "sudden-covariate-shift", "data-quality-bug"):
        for seed in range(3):
            simulate(scenario=scenario, seed=seed, rows_per_week=300, drift=False)
    assert not unfair, unfair[:5]


def test_capability_table_is_cumulative():
    """Each level keeps what the level below does: checks only get added going up."""
    for low, high in zip(range(4), range(1, 5)):
        a, b = CAPABILITIES[low], CAPABILITIES[high]
        for check in ("gates", "error_log", "monitoring"):
            assert getattr(b, check) >= getattr(a, check), (low, high, check)
        if a.schedule_weeks:
            assert b.schedule_weeks and b.schedule_weeks <= a.schedule_weeks
        assert b.react_weeks <= a.react_weeks


def test_levels_subset_and_validation():
    result = simulate(scenario="prior-shift", levels=(0, 4), weeks=30, seed=1, rows_per_week=500)
    assert sorted(result.kpis.level) == [0, 4]
    with pytest.raises(DataError, match="levels must be among 0-4"):
        simulate(levels=(5,))
    with pytest.raises(DataError, match="unknown scenario"):
        simulate(scenario="meteor")
    with pytest.raises(DataError, match="weeks must be between"):
        simulate(weeks=2)
    assert SimulationConfig().scenario_spec.name == "sudden-covariate-shift"


def test_costs_defaults_and_errors(tmp_path):
    costs = load_costs()
    assert costs.approval_cutoff == pytest.approx(costs.margin / (costs.margin + costs.loss_given_default))
    assert costs.build_weeks() == (0, 1, 4, 10, 20.5)  # the rubric's effort_weeks midpoints, summed
    good = tmp_path / "costs.yaml"
    good.write_text("currency: CHF\nloan_book: {margin: 0.1}\npeople: {day_rate: 1000}\n")
    mine = load_costs(good)
    assert (mine.currency, mine.margin, mine.day_rate, mine.loss_given_default) == ("CHF", 0.1, 1000, 0.6)
    for text, field in [("loan_book: {margin: -1}", "loan_book.margin"), ("people: {day_rat: 3}", "people.day_rat"),
                        ("loan_book: {cutoff: 2}", "loan_book.cutoff"), ("compute: {gate_evaluation: x}",
                                                                          "compute.gate_evaluation"),
                        ("weather: {}", "weather"), ("loan_book: [1", None)]:
        bad = tmp_path / "bad.yaml"
        bad.write_text(text)
        with pytest.raises(DataError) as info:
            load_costs(bad)
        assert str(bad) in str(info.value) and (field is None or field in str(info.value))
        assert "\n" not in str(info.value)


def test_cli_simulate_costs_error_is_one_line(tmp_path, capsys):
    bad = tmp_path / "costs.yaml"
    bad.write_text("people: {day_rate: -5}\n")
    assert main(["simulate", "--costs", str(bad), "--weeks", "10"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(bad) in err and "people.day_rate" in err


def test_cli_simulate_seeds_json(capsys):
    code = main(["simulate", "--scenario", "gradual-drift", "--levels", "0,4", "--weeks", "20", "--rows-per-week",
                 "300", "--seeds", "3", "--seed", "7", "--jobs", "1", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["seeds"] == [7, 8, 9] and data["confidence"] == 0.9
    assert [k["level"] for k in data["kpis"]] == [0, 4]
    low, high = data["kpis"][0]["intervals"]["net_cost"]
    assert low <= data["kpis"][0]["net_cost"] <= high
    assert {"seed", "level", "business_loss", "run_cost", "net_cost", "build_cost", "people_cost", "compute_cost", "accuracy_weeks_lost", "weeks_to_detect",
            "bad_models_shipped"} == set(data["per_seed"][0])
    assert len(data["per_seed"]) == 6 and data["comparisons"][0]["a"] == 4


def test_cli_simulate_single_seed_json(capsys):
    code = main(["simulate", "--scenario", "gradual-drift", "--levels", "0,4", "--weeks", "20", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and [k["level"] for k in data["kpis"]] == [0, 4]
    assert {"business_loss", "run_cost", "net_cost", "mean_auc", "weeks_to_detect"} <= set(data["kpis"][0])


def test_worker_processes_hold_no_pipe_and_rerun_no_script_of_their_caller(tmp_path):
    """`report --pdf` hung for 10 minutes: seed workers forked while Playwright ran kept its driver's pipe
    open, so closing it never reached the driver. A child reading our pipe must see EOF once we close it.
    And a user's script without a `__main__` guard runs once: workers do not re-run it."""
    script = tmp_path / "my_study.py"
    script.write_text("""
import subprocess, sys
from mlops_workbook.simulation import simulate_seeds
print("study starts")
reader = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
multi = simulate_seeds(scenario="sudden-covariate-shift", seeds=3, jobs=2, weeks=12, rows_per_week=200)
reader.stdin.close()
try:
    reader.wait(timeout=20)
except subprocess.TimeoutExpired:
    reader.kill()
    sys.exit("a seed worker kept the pipe open")
print("seeds", list(multi.seeds))
""")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["study starts", "seeds [0, 1, 2]"]


def test_a_dead_worker_is_replaced():
    """A worker killed (out of memory, by hand) must not break every later run until the kernel restarts."""
    import os
    import signal
    import time

    from mlops_workbook.simulation import uncertainty

    first = simulate_seeds(scenario="prior-shift", seeds=3, jobs=2, weeks=12, rows_per_week=200)
    victim = uncertainty._LANES[0].submit(os.getpid).result()
    os.kill(victim, signal.SIGKILL)
    time.sleep(0.5)
    again = simulate_seeds(scenario="prior-shift", seeds=3, jobs=2, weeks=12, rows_per_week=200)
    pd.testing.assert_frame_equal(first.per_seed, again.per_seed)
    assert victim not in {lane.submit(os.getpid).result() for lane in uncertainty._LANES}


def test_mean_interval_matches_scipy():
    from scipy import stats

    values = [3.0, 5.0, 4.0, 8.0, 6.0]
    mean, low, high = mean_interval(values)
    ref = stats.t.interval(0.9, 4, loc=5.2, scale=stats.sem(values))
    assert mean == pytest.approx(5.2) and (low, high) == pytest.approx(ref)


def test_cli_drift_json(capsys, tmp_path):
    from ..conftest import ROOT

    code = main(["drift", str(ROOT / "data" / "reference.csv"), str(ROOT / "data" / "current.csv"), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and "dataset_drift" in data
    assert {"feature", "test", "statistic", "p_value", "drifted"} <= set(data["features"][0])
    bad = tmp_path / "other.csv"
    bad.write_text("zzz\n1\n")
    code = main(["drift", str(ROOT / "data" / "reference.csv"), str(bad)])
    assert code == 2 and "no columns in common" in capsys.readouterr().err


# --------------------------------------------------------------------------- claims over 20 seeds (slow)


@pytest.mark.slow
@pytest.mark.parametrize("scenario", DRIFT_SCENARIOS)
def test_drift_costs_a_stale_model_money(scenario):
    """Against the same seeds without drift, a never-retrained model (L0) loses measurably more."""
    drift, calm = seeds(scenario).per_seed, seeds("none").per_seed
    l0 = drift[drift.level == 0].set_index("seed").business_loss - calm[calm.level == 0].set_index("seed").business_loss
    mean, low, high = mean_interval(l0)
    assert low > 0, f"{scenario}: L0 loses {mean:,.0f} more, 90% interval [{low:,.0f}, {high:,.0f}]"


@pytest.mark.slow
def test_top_level_does_not_pay_for_itself_on_stable_data():
    c = seeds("none").compare(4, 2, "net_cost")
    assert c.measurable and c.mean > 0, c


@pytest.mark.slow
@pytest.mark.parametrize("scenario", DRIFT_SCENARIOS)
def test_monitoring_pays_for_itself_when_data_change(scenario):
    """The best monitored level (L3 or L4) has a measurably lower net cost than L2."""
    multi = seeds(scenario)
    best = min((multi.compare(level, 2, "net_cost") for level in (3, 4)), key=lambda c: c.high)
    assert best.measurable and best.mean < 0, best


@pytest.mark.slow
@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("level", [2, 3, 4])
def test_a_level_is_not_measurably_worse_than_the_one_below(scenario, level):
    """From L1 up each level keeps what the one below does; its business loss must not be measurably higher
    (L1 against L0 is the seeds' warning: retraining with no gate can ship a bad model)."""
    c = seeds(scenario).compare(level, level - 1, "business_loss")
    assert not (c.measurable and c.mean > 0), c


@pytest.mark.slow
def test_automation_pays_where_a_retrain_need_not_wait_for_labels():
    """A season seen before is recognised from its inputs: L4 retrains at once, L3 a week later."""
    c = seeds("seasonal").compare(4, 3, "business_loss")
    assert c.measurable and c.mean < 0, c


@pytest.mark.slow
def test_data_quality_bug_gates_block_what_scripts_ship():
    multi = seeds("data-quality-bug")
    per_seed = multi.per_seed.set_index(["level", "seed"])
    bad = per_seed.bad_models_shipped
    mean, low, _ = mean_interval(bad.loc[1] - bad.loc[2])
    assert low > 0  # L1 ships models trained on broken data, L2's validation gate blocks them
    assert per_seed.blocked.loc[2].mean() > 0
