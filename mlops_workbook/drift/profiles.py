"""What the drift tests need of a reference column, computed once: sorted values, std, quantile bin
edges and counts for a numeric column, category counts for a categorical one.

Numeric columns with at most `DISCRETE_MAX` distinct values are profiled as categorical, as
Evidently's preset does (a 0/1 flag or a 1-5 rating is a category, not a distribution).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .stattests import bin_counts, quantile_edges

DISCRETE_MAX = 5  # numeric columns with at most this many distinct values get the categorical tests


@dataclass(frozen=True)
class ColumnProfile:
    """What a test needs of one reference column, computed once."""

    name: str
    kind: str  # "numeric" or "categorical"
    n: int
    null_share: float
    sorted_values: np.ndarray | None = None
    std: float = 0.0
    edges: np.ndarray | None = None
    bin_counts: np.ndarray | None = None
    categories: tuple[str, ...] = ()
    counts: np.ndarray | None = None
    quantiles: tuple[float, float] = (math.nan, math.nan)  # 0.1% and 99.9%, for range checks


# --------------------------------------------------------------------------- column helpers


def is_numeric(series: pd.Series) -> bool:
    """Numbers, not booleans (a flag is a category)."""
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def numeric_values(series: pd.Series) -> tuple[np.ndarray, float]:
    """The column's present values as float64, and its share of missing ones."""
    if series.dtype == np.float64:
        values = series.to_numpy()
    else:
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    mask = np.isnan(values)
    n_null = int(mask.sum())
    share = n_null / values.size if values.size else 0.0
    return (values[~mask] if n_null else values), share


def category_counts(series: pd.Series) -> tuple[dict[str, int], float]:
    """Count of each category (as text), and the share of missing values."""
    n = len(series)
    if not (pd.api.types.is_object_dtype(series) or isinstance(series.dtype, (pd.StringDtype, pd.CategoricalDtype))):
        series = series.astype("string")
    counts = series.value_counts(dropna=True, sort=False)
    n_valid = int(counts.sum())
    return {str(k): int(v) for k, v in counts.items()}, (1 - n_valid / n) if n else 0.0


def sorted_quantile(ordered: np.ndarray, q: float) -> float:
    """np.quantile's default (linear) on an already sorted array, without another partition pass."""
    if ordered.size == 0:
        return math.nan
    pos = q * (ordered.size - 1)
    low = int(math.floor(pos))
    high = min(low + 1, ordered.size - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (pos - low))


def profile_column(series: pd.Series, *, name: str | None = None, kind: str | None = None, bins: int = 10) -> ColumnProfile:
    """Profile one reference column once (its kind guessed unless given), so many windows compare cheaply."""
    name = str(name if name is not None else series.name)
    if kind is None:
        kind = "numeric" if is_numeric(series) else "categorical"
        if kind == "numeric" and 0 < series.nunique(dropna=True) <= DISCRETE_MAX:
            kind = "categorical"  # as Evidently's preset: a number with a handful of values is a category
    if kind == "numeric":
        values, null_share = numeric_values(series)
        ordered = np.sort(values)
        edges = quantile_edges(ordered, bins)
        quantiles = (sorted_quantile(ordered, 0.001), sorted_quantile(ordered, 0.999))
        return ColumnProfile(
            name, "numeric", ordered.size, null_share, sorted_values=ordered,
            std=float(ordered.std()) if ordered.size else 0.0, edges=edges,
            bin_counts=bin_counts(ordered, edges), quantiles=quantiles,
        )
    counts, null_share = category_counts(series)
    categories = tuple(sorted(counts))
    return ColumnProfile(
        name, "categorical", sum(counts.values()), null_share, categories=categories,
        counts=np.array([counts[c] for c in categories], dtype=np.int64),
    )
