"""Block-bootstrap intervals: coverage on a series with a known mean, width under dependence, invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlops_workbook.errors import DataError
from mlops_workbook.simulation.block_bootstrap import (
    Interval,
    block_bootstrap_interval,
    default_block,
    paired_block_bootstrap,
)


def ar1(rng: np.random.Generator, n: int, phi: float, mean: float) -> np.ndarray:
    """A stationary AR(1) series (started from its stationary law) around a known mean."""
    noise = rng.normal(size=n)
    x = np.empty(n)
    x[0] = noise[0] / np.sqrt(1 - phi**2)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + noise[t]
    return mean + x


def test_the_90_percent_interval_covers_the_true_mean_of_an_ar1_series():
    # 208 periods (four years of weeks), phi = 0.3; measured 0.86 over 300 replications
    rng = np.random.default_rng(20)
    hits = 0
    for rep in range(200):
        iv = block_bootstrap_interval(ar1(rng, 208, 0.3, 3.0), resamples=500, seed=rep)
        hits += iv.low <= 3.0 <= iv.high
    assert 0.80 <= hits / 200 <= 0.97


def test_blocks_give_a_wider_interval_than_the_iid_bootstrap_on_autocorrelated_data():
    x = ar1(np.random.default_rng(3), 200, 0.8, 0.0)
    blocks = block_bootstrap_interval(x, seed=1)
    iid = block_bootstrap_interval(x, block=1, seed=1)
    assert blocks.block == default_block(200) == 6
    assert blocks.width > 1.5 * iid.width  # theory for large blocks: sqrt((1 + phi) / (1 - phi)) = 3


def test_on_independent_data_blocks_and_iid_agree_roughly():
    x = np.random.default_rng(4).normal(size=300)
    ratio = block_bootstrap_interval(x, seed=2).width / block_bootstrap_interval(x, block=1, seed=2).width
    assert 0.8 < ratio < 1.25


def test_a_constant_series_has_a_zero_width_interval():
    iv = block_bootstrap_interval([0.1] * 40)
    assert iv.low == iv.high == iv.mean
    assert iv.width == 0.0


def test_same_seed_same_interval_other_seed_other_interval():
    x = ar1(np.random.default_rng(5), 60, 0.5, 1.0)
    assert block_bootstrap_interval(x, seed=7) == block_bootstrap_interval(x, seed=7)
    assert block_bootstrap_interval(x, seed=7) != block_bootstrap_interval(x, seed=8)


def test_default_block_rule():
    assert [default_block(n) for n in (2, 3, 8, 27, 52, 125, 1000)] == [2, 2, 2, 3, 4, 5, 10]


def test_paired_difference_is_measurable_only_when_the_levels_differ():
    rng = np.random.default_rng(6)
    shared = ar1(rng, 104, 0.6, 10.0)  # what both levels share: a hard month is hard for both
    a = shared + rng.normal(scale=0.2, size=104)
    b = shared + rng.normal(scale=0.2, size=104)
    same = paired_block_bootstrap(a, b, seed=1)
    better = paired_block_bootstrap(a + 0.3, b, seed=1)
    assert not same.measurable and same.low < 0 < same.high
    assert better.measurable and better.low > 0
    # unpaired, the shared swings hide the same 0.3 difference
    alone = block_bootstrap_interval(a + 0.3, seed=1), block_bootstrap_interval(b, seed=1)
    assert alone[0].low < alone[1].high


def test_paired_total_is_the_mean_times_the_periods():
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=50), rng.normal(size=50)
    mean = paired_block_bootstrap(a, b, seed=3)
    total = paired_block_bootstrap(a, b, statistic="total", seed=3)
    assert total.difference == pytest.approx(50 * mean.difference)
    assert (total.low, total.high) == pytest.approx((50 * mean.low, 50 * mean.high))
    assert total.measurable == mean.measurable


@pytest.mark.parametrize(
    ("values", "message"),
    [([1.0], "at least 2"), ([1.0, np.nan, 2.0], "period 1 is nan"), ([[1.0, 2.0]], "one number per period"),
     (["a", "b"], "must be numbers")],
)
def test_bad_series_raise_a_data_error(values, message):
    with pytest.raises(DataError, match=message):
        block_bootstrap_interval(values)


def test_bad_options_raise():
    with pytest.raises(DataError, match="pair the same periods"):
        paired_block_bootstrap([1, 2, 3], [1, 2])
    for kwargs in ({"block": 0}, {"block": 11}, {"level": 1.0}, {"resamples": 0}):
        with pytest.raises(ValueError):
            block_bootstrap_interval(np.arange(10.0), **kwargs)
    with pytest.raises(ValueError, match="statistic"):
        paired_block_bootstrap([1, 2], [1, 2], statistic="median")


series = st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=80)


@settings(max_examples=60, deadline=None)
@given(series, st.floats(-1e3, 1e3), st.integers(0, 2**16))
def test_shifting_the_series_shifts_the_interval(values, shift, seed):
    x = np.array(values)
    base = block_bootstrap_interval(x, resamples=200, seed=seed)
    moved = block_bootstrap_interval(x + shift, resamples=200, seed=seed)
    tol = 1e-9 * (1 + np.abs(x).max() + abs(shift))
    assert moved.mean == pytest.approx(base.mean + shift, abs=tol)
    assert moved.low == pytest.approx(base.low + shift, abs=tol)
    assert moved.high == pytest.approx(base.high + shift, abs=tol)


@settings(max_examples=60, deadline=None)
@given(series, st.integers(0, 2**16))
def test_low_le_high_and_a_higher_level_nests_the_lower(values, seed):
    x = np.array(values)
    narrow = block_bootstrap_interval(x, resamples=200, level=0.5, seed=seed)
    wide = block_bootstrap_interval(x, resamples=200, level=0.95, seed=seed)
    assert isinstance(wide, Interval)
    assert wide.low <= narrow.low <= narrow.high <= wide.high
    slack = 1e-12 * (1 + np.abs(x).max())  # a mean of n equal values may be off by an ulp
    assert x.min() - slack <= wide.low and wide.high <= x.max() + slack


@settings(max_examples=40, deadline=None)
@given(series, st.integers(0, 2**16))
def test_a_paired_difference_with_itself_is_zero_and_not_measurable(values, seed):
    d = paired_block_bootstrap(values, values, resamples=100, seed=seed)
    assert (d.difference, d.low, d.high, d.measurable) == (0.0, 0.0, 0.0, False)
