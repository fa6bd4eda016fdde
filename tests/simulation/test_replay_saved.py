"""A saved `replay --json` read back: the same KPIs and the same paired figures the replay printed, and a
bad file is one error naming the field."""

from __future__ import annotations

import json

import pytest

from mlops_workbook.errors import DataError
from mlops_workbook.simulation.replay import load_saved_replay

from .test_replay import saved_replay


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    return saved_replay(tmp_path_factory.mktemp("replay"))


def test_a_saved_replay_reads_back_with_the_replays_own_figures(saved):
    result, path = saved
    back = load_saved_replay(path)
    assert back.levels == result.levels and back.block == result.block and back.counts_errors
    assert back.replayed_periods == result.history["replayed_periods"]
    assert back.interval_note == result.interval_note and "moving-block bootstrap" in back.interval_note
    for low, high in ((0, 1), (0, 4), (1, 3)):
        fewer = back.gain(low, high)  # value = -errors: the gain is the errors saved
        if any((c.a, c.b) == (high, low) for c in result.comparisons):
            errors = result.comparison(high, low, "errors")
            assert (fewer.mean, fewer.low, fewer.high) == pytest.approx((-errors.mean, -errors.high, -errors.low))
    assert back.gain(0, 4).measurable and back.gain(0, 4).mean > 0  # retraining after the flip makes fewer errors
    row = back.kpis.set_index("level").loc[4]
    assert row.errors_low <= row.errors <= row.errors_high


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d.pop("kpis"), "kpis"),
    (lambda d: d["kpis"][1].pop("errors"), "kpis[1].errors"),
    (lambda d: [r.pop("value") for r in d["per_period"]], "per_period[0].value"),
])
def test_a_bad_saved_replay_is_one_error_naming_the_field(saved, tmp_path, change, field):
    data = json.loads(saved[1].read_text())
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(DataError) as err:
        load_saved_replay(path)
    assert err.value.field == field and str(path) in str(err.value)


def test_not_a_replay_file_is_one_error(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("[1, 2")
    with pytest.raises(DataError) as err:
        load_saved_replay(path)
    assert err.value.field == "replay"
    with pytest.raises(DataError):
        load_saved_replay(tmp_path / "missing.json")
