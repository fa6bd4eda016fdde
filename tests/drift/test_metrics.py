from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from mlops_workbook.metrics import accuracy, roc_auc, weighted_roc_auc


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 6)), min_size=2, max_size=80))
def test_auc_equals_sklearn_with_ties(pairs):
    y = np.array([p[0] for p in pairs])
    s = np.array([p[1] for p in pairs], dtype=float)
    if y.all() or not y.any():
        assert np.isnan(roc_auc(y, s))
    else:
        assert roc_auc(y, s) == pytest.approx(roc_auc_score(y, s), abs=1e-12)


def test_weighted_auc_equals_resampled_auc():
    rng = np.random.default_rng(0)
    y = rng.random(300) < 0.3
    s = rng.normal(size=300) + y
    idx = rng.integers(0, 300, 300)
    weights = np.bincount(idx, minlength=300)[None, :]
    assert weighted_roc_auc(y, s, weights)[0] == pytest.approx(roc_auc_score(y[idx], s[idx]), abs=1e-12)


def test_accuracy():
    assert accuracy(np.array([1, 0, 1]), np.array([0.9, 0.2, 0.4])) == pytest.approx(2 / 3)
