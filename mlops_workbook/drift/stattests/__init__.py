"""Statistical drift tests, one small module each, all working on a reference profile.

Each test takes the reference side in profiled form (sorted values, bin edges, category counts:
computed once) and the current side as a NumPy array, and returns a `TestResult`. The numbers
match SciPy's (`ks_2samp`, `wasserstein_distance`, `jensenshannon`, `chi2_contingency`), which
the tests check.
"""

from __future__ import annotations

from ._base import TestResult
from .chi2 import chi2_test
from .jensen_shannon import jensen_shannon_categorical, jensen_shannon_numeric
from .ks import ks_test
from .psi import psi_categorical, psi_numeric
from .wasserstein import wasserstein_test

__all__ = [
    "TestResult",
    "chi2_test",
    "jensen_shannon_categorical",
    "jensen_shannon_numeric",
    "ks_test",
    "psi_categorical",
    "psi_numeric",
    "wasserstein_test",
]
