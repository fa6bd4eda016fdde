"""The money questions a stakeholder asks of many seeds: what a move between levels is worth, and at
what loan volume monitoring pays for itself.

Why apart from `uncertainty`: these are statements about a book, not about seeds. They take the per-seed
KPIs (already priced for the team's book by `costs.price`) and answer in the book's terms, with the
seeds' paired 90% intervals, so the report, the README's claims and the tests compute them one way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .costs import Costs
from .uncertainty import Comparison, compare_levels


@dataclass(frozen=True)
class BreakEven:
    """The applications a week (per model) at which `high`'s net cost equals `low`'s, scaling the book.

    Net cost at k times the book is k x business loss + run cost (the run cost does not grow with the
    book), so the break-even multiple is the run-cost difference over the business-loss saving. `low`
    and `high` bound it with the saving's paired 90% interval; `volume` is None when the saving is not
    measurably above 0 (no volume makes `high` pay), and 0 when `high` is no dearer to run.
    """
    low_level: int
    high_level: int
    applications_per_week: float  # the simulated book's, per model
    run_cost_difference: float  # high - low, per year
    saving: Comparison  # business loss low - high, paired
    volume: float | None
    low: float | None
    high: float | None

    @property
    def pays_at_this_book(self) -> bool:
        """True when the simulated book is at or above the break-even volume's upper bound."""
        return self.high is not None and self.applications_per_week >= self.high


def break_even_volume(per_seed: pd.DataFrame, costs: Costs, low: int = 2, high: int = 3) -> BreakEven:
    """Break-even volume of moving from `low` to `high`, over the seeds in `per_seed` (priced at `costs`)."""
    saving = compare_levels(per_seed, low, high, "business_loss")
    table = per_seed.pivot(index="seed", columns="level", values="run_cost")
    extra = float((table[high] - table[low]).mean())
    apps = costs.applications_per_week
    if extra <= 0:
        return BreakEven(low, high, apps, extra, saving, 0.0, 0.0, 0.0)
    if not saving.measurable or saving.mean <= 0 or saving.low <= 0 or math.isnan(saving.low):
        return BreakEven(low, high, apps, extra, saving, None, None, None)
    return BreakEven(low, high, apps, extra, saving, apps * extra / saving.mean, apps * extra / saving.high,
                     apps * extra / saving.low)
