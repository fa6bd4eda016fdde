from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mlops_workbook.drift.table import ReferenceProfile, drift_table, prediction_drift
from mlops_workbook.errors import DataError


@pytest.fixture
def frames():
    rng = np.random.default_rng(0)
    n = 3000
    ref = pd.DataFrame({"x": rng.normal(size=n), "y": rng.exponential(size=n),
                        "c": rng.choice(["a", "b", "c"], n), "k": np.ones(n)})
    cur = pd.DataFrame({"x": rng.normal(0.5, 1, size=n), "y": rng.exponential(size=n),
                        "c": rng.choice(["a", "b", "c", "d"], n, p=[0.2, 0.2, 0.2, 0.4]), "k": np.ones(n)})
    return ref, cur


def test_auto_tests_follow_evidently_defaults(frames):
    ref, cur = frames
    big = drift_table(ref, cur)
    assert {f.feature: f.test for f in big.features} == {"x": "wasserstein", "y": "wasserstein",
                                                          "c": "jensenshannon", "k": "jensenshannon"}
    small = drift_table(ref.head(800), cur.head(800))  # k, a constant number, is a category (<= 5 values)
    assert {f.feature: f.test for f in small.features} == {"x": "ks", "y": "ks", "c": "chi2", "k": "chi2"}
    assert big.drifted_features == ["x", "c"]
    x = next(f for f in big.features if f.feature == "x")
    assert x.statistic == pytest.approx(stats.wasserstein_distance(ref.x, cur.x) / ref.x.std(ddof=0))


def test_dataset_drift_share(frames):
    ref, cur = frames
    report = drift_table(ref, cur, drift_share=0.5)
    assert report.share_drifted == 0.5 and report.dataset_drift
    assert not drift_table(ref, cur, drift_share=0.75).dataset_drift


def test_ks_pvalues_match_scipy(frames):
    ref, cur = frames
    report = drift_table(ref, cur, test="ks")
    for f in report.features:
        if f.type == "numeric" and f.feature != "k":
            assert f.p_value == pytest.approx(stats.ks_2samp(ref[f.feature], cur[f.feature]).pvalue, abs=1e-9)


def test_profile_reused_for_many_windows(frames):
    ref, cur = frames
    profile = ReferenceProfile.from_frame(ref)
    one = profile.compare(cur)
    two = drift_table(ref, cur)
    assert [f.statistic for f in one.features] == [f.statistic for f in two.features]


def test_missing_values_are_dropped_and_reported(frames):
    ref, cur = frames
    cur = cur.copy()
    cur.loc[: len(cur) // 2, "y"] = np.nan
    report = drift_table(ref, cur, test="ks")
    y = next(f for f in report.features if f.feature == "y")
    assert y.null_share_cur == pytest.approx(0.5, abs=0.01)
    kept = cur.y.dropna()
    assert y.p_value == pytest.approx(stats.ks_2samp(ref.y, kept).pvalue, abs=1e-9)


def test_all_missing_column_flags_drift(frames):
    ref, cur = frames
    cur = cur.assign(y=np.nan)
    y = next(f for f in drift_table(ref, cur).features if f.feature == "y")
    assert y.drifted and "all values missing in current" in y.note and math.isnan(y.statistic)


def test_constant_columns(frames):
    ref, cur = frames
    k = next(f for f in drift_table(ref, cur).features if f.feature == "k")
    assert not k.drifted and k.statistic == 0
    shifted = next(f for f in drift_table(ref, cur.assign(k=3.0)).features if f.feature == "k")
    assert shifted.drifted and "new categories: 3.0" in shifted.note  # a constant number is a category


def test_column_on_one_side_is_skipped(frames):
    ref, cur = frames
    report = drift_table(ref.assign(only_ref=1.0), cur.assign(only_cur="z"))
    assert ("only_ref", "not in current") in report.skipped
    assert ("only_cur", "not in reference") in report.skipped
    assert "only_ref" not in [f.feature for f in report.features]


def test_type_mismatch_names_the_column(frames):
    ref, cur = frames
    with pytest.raises(DataError, match=r"current: column 'x': numeric in reference but .* in current"):
        drift_table(ref, cur.assign(x="text"))


def test_no_common_columns(frames):
    ref, _ = frames
    with pytest.raises(DataError, match="no columns in common"):
        drift_table(ref, pd.DataFrame({"zzz": [1, 2, 3]}))


def test_unknown_test(frames):
    ref, cur = frames
    with pytest.raises(DataError, match="unknown test 'magic'"):
        drift_table(ref, cur, test="magic")


def test_prediction_drift():
    rng = np.random.default_rng(1)
    scores = rng.beta(2, 8, size=5000)
    assert not prediction_drift(scores, rng.beta(2, 8, size=2000)).drifted
    assert prediction_drift(scores, rng.beta(4, 6, size=2000)).drifted


def test_large_frames_run_in_parallel_and_agree():
    rng = np.random.default_rng(5)
    ref = pd.DataFrame(rng.normal(size=(60_000, 8)), columns=list("abcdefgh"))
    cur = pd.DataFrame(rng.normal(size=(60_000, 8)), columns=list("abcdefgh"))
    serial = drift_table(ref, cur, test="ks", jobs=1)
    parallel = drift_table(ref, cur, test="ks", jobs=2)
    assert [f.p_value for f in serial.features] == [f.p_value for f in parallel.features]


def test_numeric_with_few_values_uses_the_categorical_tests():
    """As Evidently's preset: a numeric column with <= 5 distinct values is a category (chi2 / JS)."""
    import numpy as np
    import pandas as pd

    from mlops_workbook.drift.table import drift_table
    from mlops_workbook.drift.stattests import chi2_test, jensen_shannon_categorical

    rng = np.random.default_rng(0)
    for n, test in ((500, "chi2"), (3000, "js")):
        reference = pd.DataFrame({"rating": rng.integers(1, 6, n), "amount": rng.normal(size=n)})
        current = pd.DataFrame({"rating": rng.choice([1, 2, 3, 4, 5], n, p=[.1, .1, .2, .3, .3]),
                                "amount": rng.normal(size=n)})
        rows = {f.feature: f for f in drift_table(reference, current).features}
        assert rows["rating"].type == "categorical" and rows["rating"].test == {"js": "jensenshannon"}.get(test, test)
        assert rows["amount"].type == "numeric"
        ref_counts = np.bincount(reference.rating, minlength=6)[1:]
        cur_counts = np.bincount(current.rating, minlength=6)[1:]
        expected = (chi2_test(ref_counts, cur_counts) if test == "chi2"
                    else jensen_shannon_categorical(ref_counts, cur_counts))
        assert rows["rating"].statistic == pytest.approx(expected.statistic)
    six = pd.DataFrame({"x": np.arange(600) % 6})
    assert drift_table(six, six).features[0].type == "numeric"  # six values: still a number
