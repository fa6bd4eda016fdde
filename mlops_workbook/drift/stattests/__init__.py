"""Statistical drift tests, one small module each, each registering itself in `STATTESTS`.

Each test takes the reference side in profiled form (sorted values, bin edges, category counts:
computed once) and the current side as a NumPy array, and returns a `TestResult`. The numbers
match SciPy's (`ks_2samp`, `wasserstein_distance`, `jensenshannon`, `chi2_contingency`), which
the tests check. The array-level functions (`js_distance`, `normed_wasserstein`, `psi_value`,
`chi2_statistic`, `ks_statistic`) are the only implementation of each statistic: the drift table
and the simulation both call them.
"""

from __future__ import annotations

# isort: off  (import order is registration order, which `--test` lists: ks, psi, wasserstein, js, chi2)
from ._base import STATTESTS, NumericReference, StatTest, TestResult, get_stattest, register
from .ks import ks_statistic, ks_test
from .psi import bin_counts, psi_categorical, psi_numeric, psi_value, quantile_edges
from .wasserstein import normed_wasserstein, wasserstein_distance, wasserstein_test
from .jensen_shannon import jensen_shannon_categorical, jensen_shannon_numeric, js_distance
from .chi2 import chi2_statistic, chi2_test
# isort: on

__all__ = [
    "STATTESTS",
    "NumericReference",
    "StatTest",
    "TestResult",
    "bin_counts",
    "chi2_statistic",
    "chi2_test",
    "get_stattest",
    "jensen_shannon_categorical",
    "jensen_shannon_numeric",
    "js_distance",
    "ks_statistic",
    "ks_test",
    "normed_wasserstein",
    "psi_categorical",
    "psi_numeric",
    "psi_value",
    "quantile_edges",
    "register",
    "wasserstein_distance",
    "wasserstein_test",
]
