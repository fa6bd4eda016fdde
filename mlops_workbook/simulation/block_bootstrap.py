"""Intervals for a KPI measured once per period of one real history, where periods are not independent.

A replay has one history, not many seeds: the spread has to come from the periods themselves. Weekly
KPIs are autocorrelated (a bad month is several bad weeks), so resampling single periods (the iid
bootstrap) understates the spread. Resampling blocks of consecutive periods keeps the short-range
dependence inside each block.

The scheme is the moving-block bootstrap with blocks that wrap around the end (the circular block
bootstrap, Politis & Romano 1992): ceil(n / block) blocks of `block` consecutive periods start at
uniformly drawn periods, are joined and cut to n; the interval is the percentile interval of the
resampled means. Wrapping makes every period equally likely to be drawn, so the resampled means centre
on the sample mean (the plain moving-block scheme draws the first and last periods less often).

Block length by default: round(n ** (1/3)), at least 2 and at most n. n ** (1/3) is the rate that
balances the bias and the variance of the block bootstrap's estimate of the variance of a mean (Hall,
Horowitz and Jing 1995). Pass `block=1` for the iid bootstrap.

How good the 90% intervals are, measured on AR(1) series with a known mean (300 replications each):
they covered the mean 86% of the time at 208 periods with phi = 0.3, 85% at phi = 0.5 and 71% at
phi = 0.8. At 52 periods the figures were 82%, 77% and 57%; the iid bootstrap got 61% at 120
periods with phi = 0.5. So the intervals run somewhat narrow on short, strongly dependent series, and
a `measurable` difference near the edge deserves a second look.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import DataError

RESAMPLES = 2000
LEVEL = 0.90
STATISTICS = ("mean", "total")
_CHUNK_CELLS = 4_000_000  # resamples x periods gathered at once: about 32 MB of float64


@dataclass(frozen=True)
class Interval:
    """The statistic over the observed periods and its block-bootstrap percentile interval."""

    mean: float
    low: float
    high: float
    block: int
    n: int
    level: float = LEVEL
    resamples: int = RESAMPLES

    @property
    def width(self) -> float:
        """High minus low: how much the history leaves open."""
        return self.high - self.low


@dataclass(frozen=True)
class PairedInterval:
    """a - b over the same periods: its mean (or total) and interval; measurable when 0 is outside it."""

    difference: float
    low: float
    high: float
    block: int
    n: int
    statistic: str = "mean"
    level: float = LEVEL
    resamples: int = RESAMPLES

    @property
    def measurable(self) -> bool:
        """Whether the interval excludes 0: a difference the history supports, either way."""
        return self.low > 0 or self.high < 0


def default_block(n: int) -> int:
    """round(n ** (1/3)), at least 2, at most n."""
    return max(1, min(n, max(2, round(n ** (1 / 3)))))


def block_bootstrap_interval(
    values: Sequence[float] | np.ndarray,
    *,
    block: int | None = None,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
    seed: int = 0,
    name: str = "values",
) -> Interval:
    """Mean of a per-period series and its circular block-bootstrap interval (deterministic by seed)."""
    x = _series(values, name)
    size = _block(block, x.size)
    means = _resampled_means(x, size, resamples=_resamples(resamples), level=level, seed=seed)
    low, high = _percentiles(means, level)
    return Interval(float(x.mean()), low, high, size, int(x.size), level=level, resamples=resamples)


def paired_block_bootstrap(
    a: Sequence[float] | np.ndarray,
    b: Sequence[float] | np.ndarray,
    *,
    statistic: str = "mean",
    block: int | None = None,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
    seed: int = 0,
) -> PairedInterval:
    """a - b period by period, resampled in the same blocks: the interval of its mean or total.

    Pairing is what makes a small difference between two levels visible: both ran on the same periods,
    so what the periods share (a hard month) cancels in the difference.
    """
    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be one of {STATISTICS}, got {statistic!r}")
    xa, xb = _series(a, "a"), _series(b, "b")
    if xa.size != xb.size:
        raise DataError(f"a has {xa.size} periods and b {xb.size}: pair the same periods", field="b")
    d = xa - xb
    size = _block(block, d.size)
    means = _resampled_means(d, size, resamples=_resamples(resamples), level=level, seed=seed)
    low, high = _percentiles(means, level)
    scale = float(d.size) if statistic == "total" else 1.0
    return PairedInterval(float(d.mean()) * scale, low * scale, high * scale, size, int(d.size),
                          statistic=statistic, level=level, resamples=resamples)


def _series(values: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    try:
        x = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError("must be numbers, one per period", field=name) from None
    if x.ndim != 1:
        raise DataError(f"must be one number per period, got shape {x.shape}", field=name)
    if x.size < 2:
        raise DataError(f"{x.size} period(s): at least 2 needed for an interval", field=name)
    bad = np.flatnonzero(~np.isfinite(x))
    if bad.size:
        raise DataError(f"period {int(bad[0])} is {x[bad[0]]}: every period needs a finite value", field=name)
    return x


def _block(block: int | None, n: int) -> int:
    if block is None:
        return default_block(n)
    if isinstance(block, bool) or not isinstance(block, (int, np.integer)) or not 1 <= block <= n:
        raise ValueError(f"block must be a whole number from 1 to {n} (the periods), got {block!r}")
    return int(block)


def _resamples(resamples: int) -> int:
    if isinstance(resamples, bool) or not isinstance(resamples, (int, np.integer)) or resamples < 1:
        raise ValueError(f"resamples must be a whole number >= 1, got {resamples!r}")
    return int(resamples)


def _resampled_means(x: np.ndarray, block: int, *, resamples: int, level: float, seed: int) -> np.ndarray:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    n = x.size
    k = math.ceil(n / block)
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n, size=(resamples, k))  # all starts drawn first: chunking cannot change them
    offsets = np.arange(block)
    means = np.empty(resamples)
    step = max(1, _CHUNK_CELLS // (k * block))
    for lo in range(0, resamples, step):
        chunk = starts[lo:lo + step]
        index = ((chunk[:, :, None] + offsets) % n).reshape(chunk.shape[0], k * block)[:, :n]
        means[lo:lo + step] = x[index].mean(axis=1)
    return means


def _percentiles(means: np.ndarray, level: float) -> tuple[float, float]:
    low, high = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)
