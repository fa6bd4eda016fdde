"""Each statistic against SciPy on random data (and PSI against a hand-computed case)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.spatial import distance

from mlops_workbook.drift.stattests import chi2_test, jensen_shannon_categorical, ks_test, psi_categorical
from mlops_workbook.drift.stattests.ks import ks_statistic
from mlops_workbook.drift.stattests.psi import EPS, bin_counts, psi_value, quantile_edges
from mlops_workbook.drift.stattests.wasserstein import wasserstein_distance


@pytest.mark.parametrize(("n1", "n2"), [(50, 80), (1000, 1000), (2000, 8000), (9999, 7001), (12_000, 15_000)])
@pytest.mark.parametrize("shift", [0.0, 0.05, 0.3])
def test_ks_equals_scipy(n1, n2, shift):
    rng = np.random.default_rng(n1 + n2)
    a, b = rng.normal(size=n1), rng.normal(shift, 1, size=n2)
    ours = ks_test(np.sort(a), b)
    ref = stats.ks_2samp(a, b)
    assert ours.statistic == pytest.approx(ref.statistic, abs=1e-12)
    assert ours.p_value == pytest.approx(ref.pvalue, abs=1e-9, rel=1e-9)


@pytest.mark.filterwarnings("ignore:ks_2samp. Exact calculation unsuccessful")
@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=60), st.lists(st.integers(-5, 5), min_size=1, max_size=60))
def test_ks_with_ties_equals_scipy(a, b):
    a, b = np.array(a, dtype=float), np.array(b, dtype=float)
    ours = ks_test(np.sort(a), b)
    ref = stats.ks_2samp(a, b)
    assert ours.statistic == pytest.approx(ref.statistic, abs=1e-12)
    assert ours.p_value == pytest.approx(ref.pvalue, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=50), st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=50))
def test_wasserstein_equals_scipy(a, b):
    a, b = np.sort(np.array(a)), np.sort(np.array(b))
    assert wasserstein_distance(a, b) == pytest.approx(stats.wasserstein_distance(a, b), rel=1e-9, abs=1e-9)


def test_wasserstein_large_unequal():
    rng = np.random.default_rng(3)
    a, b = np.sort(rng.exponential(size=20_000)), np.sort(rng.normal(size=7_001))
    assert wasserstein_distance(a, b) == pytest.approx(stats.wasserstein_distance(a, b), rel=1e-9)


def test_psi_hand_computed():
    ref = np.array([50, 30, 20])
    cur = np.array([30, 30, 40])
    expected = (0.3 - 0.5) * np.log(0.3 / 0.5) + 0 + (0.4 - 0.2) * np.log(0.4 / 0.2)
    assert psi_value(ref, cur) == pytest.approx(expected, abs=1e-12)
    assert psi_categorical(ref, cur).drifted  # 0.2408 > 0.1


def test_psi_empty_bin_uses_epsilon():
    value = psi_value(np.array([100, 0]), np.array([90, 10]))
    expected = (0.9 - 1.0) * np.log(0.9 / 1.0) + (0.1 - EPS) * np.log(0.1 / EPS)
    assert value == pytest.approx(expected, abs=1e-12)


def test_quantile_bins_match_numpy():
    rng = np.random.default_rng(0)
    ref = np.sort(rng.normal(size=1001))
    edges = quantile_edges(ref, 10)
    np.testing.assert_allclose(edges, np.quantile(ref, np.linspace(0, 1, 11)[1:-1]), atol=1e-12)
    cur = rng.normal(size=500)
    counts = bin_counts(np.sort(cur), edges)
    assert counts.sum() == 500
    np.testing.assert_array_equal(counts, np.histogram(cur, np.r_[-np.inf, edges, np.inf])[0])


def test_js_equals_scipy():
    p, q = np.array([10, 20, 30, 0]), np.array([5, 25, 10, 10])
    assert jensen_shannon_categorical(p, q).statistic == pytest.approx(distance.jensenshannon(p, q), abs=1e-12)


def test_chi2_is_homogeneity_test():
    ref, cur = np.array([500, 300, 200]), np.array([45, 35, 20])
    ours = chi2_test(ref, cur)
    chi2, p, dof, _ = stats.chi2_contingency(np.vstack([ref, cur]), correction=False)
    assert ours.statistic == pytest.approx(chi2) and ours.p_value == pytest.approx(p)


def test_chi2_no_false_alarm_on_large_undrifted_samples():
    rng = np.random.default_rng(11)
    probs = [0.35, 0.2, 0.15, 0.12, 0.08, 0.1]
    alarms = 0
    for _ in range(40):
        ref = np.bincount(rng.choice(6, 100_000, p=probs), minlength=6)
        cur = np.bincount(rng.choice(6, 100_000, p=probs), minlength=6)
        alarms += chi2_test(ref, cur).drifted
    assert alarms <= 6  # about 5% expected; a goodness-of-fit test against exact proportions gives far more


def test_ks_statistic_location_independent_of_order():
    rng = np.random.default_rng(2)
    a, b = np.sort(rng.normal(size=300)), np.sort(rng.normal(0.2, 1, size=500))
    assert ks_statistic(a, b) == pytest.approx(ks_statistic(b, a))
