"""What a report says when the team passed its own replay result (`replay --json`, parameter `replay`):
the headline, whether the history backs the target, and the KPI table, from the team's own history
instead of the simulated loan book.

Why apart from `content`: the loan book's story (`MoneyStory`) speaks of seeds and a book; this one of
periods of one history, with moving-block bootstrap intervals, and says so wherever it shows one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..assessment.rubric import Rubric
from ..assessment.scoring import Assessment
from ..errors import WorkbookError
from ..formatting import interval
from ..simulation.replay.saved import SavedReplay
from ..simulation.uncertainty import Comparison
from ..style import level_label

# (label, KPI column, format): columns with an interval in the file show it
ROWS: tuple[tuple[str, str, str], ...] = (
    ("Errors over the history", "errors", "{:,.0f}"),
    ("Accuracy (mean per period)", "accuracy", "{:.1%}"),
    ("Retrains", "retrains", "{:,.0f}"),
    ("Releases", "deployments", "{:,.0f}"),
    ("Deployments blocked", "blocked", "{:,.0f}"),
    ("Alerts", "alerts", "{:,.0f}"),
    ("Rolled back", "rolled_back", "{:,.0f}"),
    ("People days", "people_days", "{:,.1f}"),
)


@dataclass(frozen=True)
class ReplayStory:
    """The report's money section on the team's own history."""

    replay: SavedReplay
    assessment: Assessment
    rubric: Rubric
    compared_levels: tuple[int, ...]

    @classmethod
    def build(cls, replay: SavedReplay, assessment: Assessment, rubric: Rubric,
              compared_levels: tuple[int, ...]) -> ReplayStory:
        """The story, or one line naming the file when it did not replay a level the report compares."""
        needed = sorted({*compared_levels, assessment.target.level} - set(replay.levels))
        if needed:
            raise WorkbookError(f"the replay ran levels {', '.join(map(str, replay.levels))}; this report compares "
                                f"level {' and '.join(map(str, needed))} too (run replay with --levels 0,1,2,3,4)",
                                source=replay.path, field="kpis")
        return cls(replay, assessment, rubric, compared_levels)

    def _label(self, level: int) -> str:
        return level_label(level, self.rubric)

    @property
    def where(self) -> str:
        """The history in words, with how its intervals were made."""
        r = self.replay
        return (f"on your own history ({r.history_source or 'the replayed file'}, {r.replayed_periods} periods of "
                f"{r.period}; 90% interval from a moving-block bootstrap over the periods)")

    def _worth(self, c: Comparison) -> str:
        """`c` is high - low in value: "worth EUR X" or "N fewer errors", with its interval."""
        r = self.replay
        low, high = sorted((abs(c.low), abs(c.high)))
        spread = f"(90% interval {low:,.0f} to {high:,.0f})"
        if not c.measurable:
            return (f"no measurable difference in {'errors' if r.counts_errors else 'value'} "
                    f"(90% interval {c.low:,.0f} to {c.high:,.0f})")
        if r.counts_errors:
            return f"{abs(c.mean):,.0f} {'fewer' if c.mean > 0 else 'more'} errors {spread}"
        return f"{'worth' if c.mean > 0 else 'a loss of'} {r.unit} {abs(c.mean):,.0f} {spread}"

    def book_sentence(self) -> str:
        """Where the money comes from, in one sentence (the summary's line under the headline)."""
        r = self.replay
        return (f"The money is from your own history, not the simulated loan book: {r.history_source or r.path}, "
                f"{r.replayed_periods} periods of {r.period} replayed at each level with {r.model or 'your model'}; "
                f"outcomes valued as {r.value_source or r.unit}. Saved replay: {r.path.rsplit('/', 1)[-1]}.")

    def headline(self) -> str:
        """The one sentence at the top, on the team's history."""
        now, target = self.assessment.overall_level, self.assessment.target.level
        if now == target:
            below = self.compared_levels[0]
            return (f"Staying at {self._label(now)}, the target, rather than {self._label(below)} means "
                    f"{self._worth(self.replay.gain(below, now))} {self.where}.")
        verb = "means" if self.replay.counts_errors else "is"
        return (f"Moving from {self._label(now)} to {self._label(target)} {verb} "
                f"{self._worth(self.replay.gain(now, target))} {self.where}.")

    def target(self) -> str:
        """Does the history back the target? Either no replayed level does measurably better, or this names
        the one that does, by how much, and why the target stands."""
        a = self.assessment
        target = a.target.level
        better = [(lv, self.replay.gain(target, lv)) for lv in self.replay.levels if lv != target]
        better = [(lv, c) for lv, c in better if c.measurable and c.mean > 0]
        if not better:
            return (f"Your history agrees: no replayed level does measurably better than {self._label(target)} on it.")
        level, c = max(better, key=lambda item: item[1].mean)
        why = ("it is the target you chose" if a.target.chosen else
               "it follows from your context; the replay prices outcomes on this history only, not the other models "
               "or the changes your data has not shown yet")
        return (f"Your history does not back {self._label(target)}: {self._label(level)} does better on it, "
                f"{self._worth(c)}. {self._label(target)} stays the target because {why}.")

    def rows(self) -> list[dict[str, Any]]:
        """The KPI table's rows: one cell per compared level, with its interval where the file has one."""
        kpis = self.replay.kpis.set_index("level")
        out = []
        rows = list(ROWS)
        if not self.replay.counts_errors:
            rows.insert(0, (f"Value of the outcomes ({self.replay.unit})", "value", "{:,.0f}"))
        rows.append((f"Run cost, people and compute ({self.replay.currency})", "run_cost", "{:,.0f}"))
        for label, column, fmt in rows:
            cells = []
            for lv in self.compared_levels:
                value = kpis.loc[lv, column]
                low, high = kpis.loc[lv].get(f"{column}_low"), kpis.loc[lv].get(f"{column}_high")
                known = low is not None and high is not None and not (math.isnan(low) or math.isnan(high))
                spread = interval(low, high, fmt) if known else ""
                cells.append({"value": fmt.format(value), "interval": spread})
            out.append({"label": label, "cells": cells})
        return out

    def verdicts(self) -> list[str]:
        """Each compared level against the one below it, on the history."""
        levels = self.compared_levels
        return [f"{self._label(high)} against {self._label(low)}: {self._worth(self.replay.gain(low, high))}."
                for low, high in zip(levels, levels[1:])]


__all__ = ["ROWS", "ReplayStory"]
