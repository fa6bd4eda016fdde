"""One implementation per statistic: for every registered test, the drift table's row, the array-level
function the simulation's vectorised code calls, and SciPy agree on the statistic and the verdict; the
simulation's drift matrix equals the drift table's on the same inputs (it used log base 2 once: 1.2x)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial import distance

from mlops_workbook.drift import STATTESTS, drift_table
from mlops_workbook.drift.stattests import (
    bin_counts,
    chi2_statistic,
    js_distance,
    ks_statistic,
    normed_wasserstein,
    psi_value,
    quantile_edges,
)
from mlops_workbook.simulation.scenarios import CATEGORICAL_FEATURES, CATEGORIES, NUMERIC_FEATURES
from mlops_workbook.simulation.stream import CATEGORICAL_TEST, NUMERIC_TEST, Profile, drift_matrix, drift_verdicts

SEEDS = range(12)


def pair(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A reference and a current frame, sizes on both sides of the 1,000-row rule, some drifting."""
    rng = np.random.default_rng(seed)
    n1, n2 = int(rng.integers(300, 3000)), int(rng.integers(300, 3000))
    shift, tilt = rng.choice([0.0, 0.05, 0.3]), rng.choice([0.0, 0.1, 0.5])
    ref = pd.DataFrame({"x": rng.normal(0, 1, n1), "c": rng.choice(list("abcd"), n1, p=[0.4, 0.3, 0.2, 0.1])})
    p = np.array([0.4 - tilt * 0.3, 0.3, 0.2, 0.1 + tilt * 0.3])
    cur = pd.DataFrame({"x": rng.normal(shift, 1 + shift, n2), "c": rng.choice(list("abcd"), n2, p=p / p.sum())})
    return ref, cur


def numeric_arrays(ref: pd.DataFrame, cur: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = np.sort(ref.x.to_numpy()), np.sort(cur.x.to_numpy())
    return a, b, quantile_edges(a)


def counts(ref: pd.DataFrame, cur: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    cats = sorted(set(ref.c) | set(cur.c))
    return (np.array([(ref.c == k).sum() for k in cats]), np.array([(cur.c == k).sum() for k in cats]))


def by_array(name: str, ref: pd.DataFrame, cur: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """(value the verdict reads, statistic) per kind by the array-level functions alone."""
    a, b, edges = numeric_arrays(ref, cur)
    rc, cc = counts(ref, cur)
    if name == "ks":
        return {"x": (stats.ks_2samp(a, b).pvalue, ks_statistic(a, b))}  # the p-value itself is checked in test_stattests
    if name == "wasserstein":
        return {"x": (normed_wasserstein(a, b, a.std()),) * 2}
    if name == "psi":
        return {"x": (psi_value(bin_counts(a, edges), bin_counts(b, edges)),) * 2, "c": (psi_value(rc, cc),) * 2}
    if name == "js":
        return {"x": (js_distance(bin_counts(a, edges), bin_counts(b, edges)),) * 2, "c": (js_distance(rc, cc),) * 2}
    if name == "chi2":
        num = chi2_statistic(bin_counts(a, edges), bin_counts(b, edges))[0]
        cat = chi2_statistic(rc, cc)[0]
        return {"x": (stats.chi2.sf(num, len(edges)), num), "c": (stats.chi2.sf(cat, len(rc) - 1), cat)}
    raise AssertionError(f"registered test {name!r} has no array-level check here: add one")


def by_scipy(name: str, ref: pd.DataFrame, cur: pd.DataFrame) -> dict[str, float]:
    """The statistic by SciPy (or by its textbook formula where SciPy has none: PSI)."""
    a, b, edges = numeric_arrays(ref, cur)
    rc, cc = counts(ref, cur)
    bins_a, bins_b = bin_counts(a, edges), bin_counts(b, edges)
    if name == "ks":
        return {"x": stats.ks_2samp(a, b).statistic}
    if name == "wasserstein":
        return {"x": stats.wasserstein_distance(a, b) / a.std()}
    if name == "js":
        return {"x": distance.jensenshannon(bins_a, bins_b), "c": distance.jensenshannon(rc, cc)}
    if name == "chi2":
        return {"x": stats.chi2_contingency(np.vstack([bins_a, bins_b]), correction=False).statistic,
                "c": stats.chi2_contingency(np.vstack([rc, cc]), correction=False).statistic}
    if name == "psi":
        def psi(p: np.ndarray, q: np.ndarray) -> float:
            p, q = np.maximum(p / p.sum(), 1e-4), np.maximum(q / q.sum(), 1e-4)
            return float(np.sum((q - p) * np.log(q / p)))
        return {"x": psi(bins_a, bins_b), "c": psi(rc, cc)}
    raise AssertionError(f"registered test {name!r} has no SciPy reference here: add one")


def test_every_registered_test_is_checked():
    assert set(STATTESTS) == {"ks", "wasserstein", "psi", "js", "chi2"}, "a new test needs its parity checks below"


@pytest.mark.parametrize("name", list(STATTESTS))
def test_table_array_and_scipy_agree_for_every_registered_test(name):
    spec = STATTESTS[name]
    seen = set()
    for seed in SEEDS:
        ref, cur = pair(seed)
        rows = {f.feature: f for f in drift_table(ref, cur, test=name).features}
        arrays, scipy_values = by_array(name, ref, cur), by_scipy(name, ref, cur)
        for feature, (verdict_value, statistic) in arrays.items():
            row = rows[feature]
            assert row.statistic == pytest.approx(statistic, rel=1e-9, abs=1e-12), (name, seed, feature)
            assert row.statistic == pytest.approx(scipy_values[feature], rel=1e-9, abs=1e-12), (name, seed, feature)
            assert row.drifted == spec.drifted(verdict_value, spec.threshold), (name, seed, feature)
            seen.add(row.drifted)
    assert seen == {True, False}, f"{name}: the seeds should give both verdicts"


def sim_inputs(seed: int, shift: float) -> tuple[Profile, Profile, pd.DataFrame, pd.DataFrame]:
    """Two simulation profiles and, as frames, exactly what they summarise (quantile grids, shares)."""
    rng = np.random.default_rng(seed)
    frames, profiles = [], []
    for move in (0.0, shift):
        numeric = rng.normal(move, 1 + move, size=(2000, len(NUMERIC_FEATURES)))
        codes = np.column_stack([rng.choice(len(CATEGORIES[c]), 2000, p=_tilted(len(CATEGORIES[c]), move))
                                 for c in CATEGORICAL_FEATURES])
        profile = Profile.of(numeric, codes)
        grid = pd.DataFrame(profile.quantiles, columns=list(NUMERIC_FEATURES))
        profile.std = grid.to_numpy().std(axis=0)  # the table norms by its sample's std: give both the same
        frames.append((grid, codes))
        profiles.append(profile)
    return profiles[0], profiles[1], frames[0], frames[1]


def _tilted(k: int, move: float) -> np.ndarray:
    p = np.linspace(1, 1 + 3 * move, k)
    return p / p.sum()


@pytest.mark.parametrize("seed", SEEDS)
def test_simulation_drift_equals_the_drift_table(seed):
    """The simulation's vectorised path (many weeks at once) against drift_table on the same inputs:
    Wasserstein between the quantile grids and JS between the category counts, statistic and verdict."""
    shift = [0.0, 0.02, 0.1, 0.3][seed % 4]
    reference, current, (ref_grid, ref_codes), (cur_grid, cur_codes) = sim_inputs(seed, shift)
    sim = drift_matrix(reference, np.stack([current.quantiles, reference.quantiles]),
                       np.stack([current.shares, reference.shares]))
    assert sim[1] == pytest.approx(np.zeros(sim.shape[1]), abs=1e-12)  # a week against itself
    verdicts = drift_verdicts(sim, 0.1)[0]
    numeric = drift_table(ref_grid[list(NUMERIC_FEATURES)], cur_grid[list(NUMERIC_FEATURES)], test=NUMERIC_TEST.name)
    cats = {c: np.array(CATEGORIES[c], dtype=object) for c in CATEGORICAL_FEATURES}
    ref_cat = pd.DataFrame({c: cats[c][ref_codes[:, j]] for j, c in enumerate(CATEGORICAL_FEATURES)})
    cur_cat = pd.DataFrame({c: cats[c][cur_codes[:, j]] for j, c in enumerate(CATEGORICAL_FEATURES)})
    categorical = drift_table(ref_cat, cur_cat, test=CATEGORICAL_TEST.name)
    rows = {f.feature: f for f in numeric.features + categorical.features}
    for i, feature in enumerate(NUMERIC_FEATURES + CATEGORICAL_FEATURES):
        assert sim[0, i] == pytest.approx(rows[feature].statistic, rel=1e-9, abs=1e-12), feature
        assert bool(verdicts[i]) == rows[feature].drifted, feature
    a, b = np.asarray(ref_cat.channel.value_counts().sort_index()), np.asarray(cur_cat.channel.value_counts().sort_index())
    channel = len(NUMERIC_FEATURES) + CATEGORICAL_FEATURES.index("channel")
    assert sim[0, channel] == pytest.approx(distance.jensenshannon(a, b), rel=1e-9, abs=1e-12)  # natural log
    assert not math.isnan(sim[0].sum())
