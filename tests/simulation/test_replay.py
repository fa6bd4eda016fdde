"""The level policies on a history: thresholds calibrated on the launch periods, validation that follows
the champion, outcome values, intervals and comparisons from the block bootstrap."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mlops_workbook.errors import DataError
from mlops_workbook.simulation.history_data import load_history
from mlops_workbook.simulation.replay import HistoryWorld, OutcomeValue, load_value, model_factory, replay, replay_file
from mlops_workbook.simulation.costs import load_costs

PERIODS, ROWS = 64, 250


def stream(seed: int, *, flip_at: int | None = None, shift_at: int | None = None) -> pd.DataFrame:
    """Three features, a logistic label; from `flip_at` the first feature's effect is reversed (a concept
    change only retraining fixes), from `shift_at` the second feature moves by 3 sd (a lasting input change)."""
    rng = np.random.default_rng(seed)
    n = PERIODS * ROWS
    period = np.repeat(np.arange(PERIODS), ROWS)
    x = rng.normal(size=(n, 3))
    if shift_at is not None:
        x[period >= shift_at, 1] += 3.0
    sign = np.where(period >= (PERIODS if flip_at is None else flip_at), -1.0, 1.0)
    logits = 2.0 * sign * x[:, 0] - 0.8 * x[:, 2]
    y = (rng.random(n) < 1 / (1 + np.exp(-logits))).astype(int)
    return pd.DataFrame({"batch": period, "a": x[:, 0], "b": x[:, 1], "c": x[:, 2],
                         "kind": rng.choice(["x", "y"], size=n), "y": y})


def history(tmp_path, frame: pd.DataFrame, **kwargs):
    path = tmp_path / "h.csv"
    frame.to_csv(path, index=False)
    return load_history(path, time="batch", label="y", period="index", **kwargs)


def saved_replay(folder, name: str = "replay.json"):
    """A replay of a stream whose label flips at period 30, and the file `replay --json` would write."""
    result = replay(history(folder, stream(0, flip_at=30)))
    path = folder / name
    path.write_text(json.dumps(result.to_dict()))
    return result, path


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_after_a_concept_change_retraining_levels_beat_the_never_retrained(tmp_path, seed):
    result = replay(history(tmp_path, stream(seed, flip_at=30)))
    by_level = result.kpis.set_index("level")
    for level in (2, 3, 4):
        c = result.comparison(level, 0)
        assert c.measurable and c.mean < 0, (level, c)  # fewer errors than L0, the interval says so
    assert by_level.loc[4, "errors"] < by_level.loc[1, "errors"]  # reacts within periods, not on a 13-period schedule
    after = result.per_period[result.per_period.period >= 40].groupby("level").accuracy.mean()
    assert after[4] > after[0] + 0.1


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_a_stable_stream_raises_few_alerts_and_no_level_is_measurably_different(tmp_path, seed):
    result = replay(history(tmp_path, stream(seed)), levels=(0, 3, 4))
    by_level = result.kpis.set_index("level")
    replayed = result.history["replayed_periods"]
    assert by_level.loc[3, "alerts"] <= 0.1 * replayed  # thresholds calibrated on the stream, not on the loan book
    blocked = result.events[result.events.event == "blocked"].detail
    assert not blocked.str.contains("data_validation").any()  # nothing in a stable stream is a broken feed
    assert not result.comparison(4, 0).measurable or abs(result.comparison(4, 0).mean) < 0.02 * by_level.loc[0, "errors"]


def test_a_lasting_input_change_is_not_blocked_forever(tmp_path):
    result = replay(history(tmp_path, stream(0, shift_at=24)), levels=(2,))
    events = result.events[result.events.period >= 24 + 13]  # windows wholly after the change
    assert not events[events.event == "blocked"].detail.str.contains("data_validation").any()
    assert (events.event == "promoted").sum() >= 2, result.events.to_string()


def test_validation_follows_the_champion_and_passes_what_every_week_shows(tmp_path):
    frame = stream(0)
    broken = frame.batch.isin([30, 31])
    frame.loc[broken, "b"] *= 1000  # a feed sent in other units for two periods
    world = HistoryWorld(history(tmp_path, frame), value=OutcomeValue(), costs=load_costs(), train_periods=13)
    champion = world.train(range(world.first_week, world.first_week + 13))
    weeks = [p - world.first_period for p in range(20, 33)]
    assert any(p.startswith("b:") for p in world.validation_failures(weeks, champion))
    only_broken = [p - world.first_period for p in (30, 31)]
    assert world.validation_failures(only_broken, champion) == []  # every week shows it: the stream as it now is
    clean = [p - world.first_period for p in range(14, 27)]
    assert world.validation_failures(clean, champion) == []


def test_kpis_carry_intervals_and_the_json_has_simulates_shape(tmp_path):
    result = replay(history(tmp_path, stream(1, flip_at=30)), levels=(0, 4))
    data = json.loads(json.dumps(result.to_dict()))
    assert {"kpis", "comparisons", "events", "per_period", "intervals", "calibration"} <= set(data)
    assert "moving-block bootstrap" in data["intervals"]
    for entry in data["kpis"]:
        for kpi in ("errors", "accuracy", "auc"):
            low, high = entry["intervals"][kpi]
            assert low <= entry[kpi] <= high
    words = {c["wording"] for c in data["comparisons"]}
    assert all(w == "no measurable difference" or "90% interval" in w for w in words)
    kinds = {e["event"] for e in data["events"]}
    assert {"retrain", "promoted"} <= kinds


def test_a_priced_replay_compares_money_and_decides_by_expected_value(tmp_path):
    frame = stream(2, flip_at=30)
    frame["amount"] = np.random.default_rng(0).uniform(100, 1000, len(frame))
    path = tmp_path / "value.yaml"
    path.write_text("currency: EUR\namount: amount\nfalse_negative: {per_amount: -1}\nfalse_positive: -50\n")
    h = history(tmp_path, frame)
    value = load_value(path, columns=h.features.columns)
    result = replay(h, value=value, levels=(0, 4))
    assert result.headline == "value" and result.unit("value") == "EUR "
    c = result.comparison(4, 0, "value")
    assert c.measurable and c.mean > 0  # the retrained level earns more
    assert "EUR" in c.wording(result.unit("value"))
    scores = np.array([0.1, 0.2])
    assert value.decide(scores, np.array([1000.0, 10.0])).tolist() == [True, False]  # 0.1 * 1000 > 0.9 * 50; 0.2 * 10 < 0.8 * 50


@pytest.mark.parametrize("text, field", [
    ("true_positive: 1\nbogus: 2\n", "bogus"),
    ("amount: nope\nfalse_negative: -1\n", "amount"),
    ("false_negative: {per_amount: -1}\n", "false_negative"),
    ("false_negative: cheap\n", "false_negative"),
    ("true_positive: 0\n", None),
])
def test_a_bad_value_file_is_one_error_naming_the_field(tmp_path, text, field):
    path = tmp_path / "v.yaml"
    path.write_text(text)
    with pytest.raises(DataError) as info:
        load_value(path, columns=["a", "amount"])
    assert info.value.field == field and str(path) in str(info.value)


def test_a_teams_estimator_runs_and_a_bad_one_is_refused(tmp_path):
    pytest.importorskip("sklearn")
    frame = stream(0, flip_at=30).drop(columns=["kind"])
    result = replay(history(tmp_path, frame), make_model=model_factory("sklearn.linear_model:LogisticRegression")[0],
                    model_name="sklearn", levels=(0, 2))
    assert result.comparison(2, 0).mean < 0
    for spec, word in [("nosuch.module:make", "cannot import"), ("collections:OrderedDict", "predict_proba"),
                       ("math:pi", "not callable"), ("sklearn", "MODULE:CALLABLE")]:
        with pytest.raises(DataError, match=word):
            model_factory(spec)


def test_too_few_periods_to_replay_is_one_error(tmp_path):
    frame = stream(0)
    frame = frame[frame.batch < 20]
    with pytest.raises(DataError, match="at least 8 needed") as info:
        replay(history(tmp_path, frame))
    assert info.value.field == "period"


def test_replay_file_reads_the_options(tmp_path):
    frame = stream(0, flip_at=30)
    frame["y"] = np.where(frame.y == 1, "late", "paid")
    path = tmp_path / "loans.csv"
    frame.to_csv(path, index=False)
    result = replay_file(path, time="batch", label="y", positive="late", period="index", levels=(0, 1), label_delay=1)
    assert result.history["label_delay"] == 1 and result.history["first_replayed_period"] == 15
