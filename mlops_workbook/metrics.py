"""Classification metrics the gates and the simulation need, fast and checked against scikit-learn."""

from __future__ import annotations

import numpy as np


def roc_auc(y: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney with midranks for ties); NaN when only one class is present."""
    y = np.asarray(y).astype(bool)
    scores = np.asarray(scores, dtype=float)
    order = np.argsort(scores, kind="stable")
    ordered = scores[order]
    if np.any(ordered[1:] == ordered[:-1]):  # ties need midranks
        return float(weighted_roc_auc(y, scores, np.ones((1, len(y))))[0])
    positive = y[order]
    n_pos = int(positive.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    rank_sum = float(np.flatnonzero(positive).sum()) + n_pos  # 1-based ranks of the positives
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def weighted_roc_auc(y: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """AUC for each row of `weights` (B x n multiplicities), sorting the scores once.

    A bootstrap resample is a vector of multiplicities, so B resamples cost one sort plus a few
    cumulative sums over a B x n matrix instead of B sorts.
    """
    y = np.asarray(y).astype(bool)
    scores = np.asarray(scores, dtype=float)
    order = np.argsort(scores, kind="stable")
    sorted_scores = scores[order]
    w = np.atleast_2d(weights)[:, order]
    pos = np.where(y[order], w, 0.0)
    neg = w - pos
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    if starts.size == scores.size:  # no ties: every score is its own group
        pos_g, neg_g = pos, neg
    else:
        pos_g = np.add.reduceat(pos, starts, axis=1)
        neg_g = np.add.reduceat(neg, starts, axis=1)
    neg_below = np.cumsum(neg_g, axis=1) - neg_g
    total_pos, total_neg = pos_g.sum(axis=1), neg_g.sum(axis=1)
    wins = (pos_g * (neg_below + 0.5 * neg_g)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((total_pos > 0) & (total_neg > 0), wins / (total_pos * total_neg), np.nan)


def accuracy(y: np.ndarray, scores: np.ndarray, threshold: float = 0.5) -> float:
    """Share of rows whose score falls on the label's side of `threshold` (a reading aid; the gates use AUC and log-
    loss)."""
    return float(np.mean((np.asarray(scores) >= threshold) == np.asarray(y).astype(bool)))
