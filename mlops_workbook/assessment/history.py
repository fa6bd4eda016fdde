"""Progress over time, as pure functions: what changed between an earlier assessment and now.

A team that reassesses next quarter saves over its answers file; before that save replaces a copy with
a different date, `store` keeps the saved copy as `history/<file stem>/<its date>.json` (a save with
the same date overwrites: the same assessment, continued). Reading those copies is the store's
(`AnswersStore.progress`); everything here compares answers and assessments and touches no file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date as _date
from typing import Any

from .answers import Answers
from .rubric import Rubric
from .scoring import Assessment, score


def parse_date(text: str | None) -> _date | None:
    """An answers file's date (ISO `YYYY-MM-DD`, a time after it is ignored); None if absent or not a date."""
    if not text:
        return None
    try:
        return _date.fromisoformat(str(text).strip()[:10])
    except ValueError:
        return None


# --------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class Change:
    """One criterion whose answer differs between the earlier assessment and now (None: unanswered)."""

    criterion: str
    text: str
    dimension: str
    before: str | None
    after: str | None

    @property
    def gained(self) -> bool:
        """Met now and not before."""
        return self.after == "yes" and self.before != "yes"

    @property
    def lost(self) -> bool:
        """Met before and not now."""
        return self.before == "yes" and self.after != "yes"

    def to_dict(self) -> dict[str, Any]:
        """One entry of `score --json`'s `changes`."""
        return {"id": self.criterion, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Progress:
    """What changed between the latest earlier assessment of a team and its current one."""

    date: str
    previous: Assessment
    current: Assessment
    changes: tuple[Change, ...]

    @property
    def gained(self) -> tuple[Change, ...]:
        """The criteria met since the earlier assessment."""
        return tuple(c for c in self.changes if c.gained)

    @property
    def lost(self) -> tuple[Change, ...]:
        """The criteria no longer met."""
        return tuple(c for c in self.changes if c.lost)

    def to_dict(self) -> dict[str, Any]:
        """The `previous` and `changes` keys of `score --json`."""
        return {
            "previous": {"date": self.date, "overall_level": self.previous.overall_level,
                         "dimension_levels": self.previous.dimension_levels},
            "changes": [c.to_dict() for c in self.changes],
        }


def answer_changes(rubric: Rubric, before: Answers, after: Answers) -> tuple[Change, ...]:
    """Criteria whose answer differs, in rubric order (evidence-only edits are not a change)."""
    changes = []
    for dim in rubric.dimensions:
        for crit in dim.criteria:
            old, new = before.value(crit.id), after.value(crit.id)
            if old != new:
                changes.append(Change(crit.id, crit.text, dim.name, old, new))
    return tuple(changes)


def compare(rubric: Rubric, before: Answers, after: Answers, *, current: Assessment | None = None,
            target_level: int | None = None) -> Progress:
    """Score the earlier answers with the same rubric and list what changed (pure)."""
    previous = score(rubric, before, target_level=target_level)
    now = current if current is not None else score(rubric, after, target_level=target_level)
    return Progress(before.date or "", previous, now, answer_changes(rubric, before, after))


# --------------------------------------------------------------------------- the room


@dataclass(frozen=True)
class Movement:
    """One team's move between its previous and its current assessment (the dashboard's row)."""

    team: str
    previous_date: str
    previous_level: int
    current_date: str
    current_level: int

    @property
    def delta(self) -> int:
        """Levels climbed (negative: fell)."""
        return self.current_level - self.previous_level

    @property
    def label(self) -> str:
        """`L1 -> L2 since 2026-08-03`, plain text (escape before putting it in HTML)."""
        return f"L{self.previous_level} -> L{self.current_level} since {self.previous_date}"


def room_movement(progress: Iterable[tuple[str, str, Progress | None]]) -> list[Movement]:
    """Pure: (team, current date, progress or None) per team -> the teams that have an earlier assessment,
    biggest climb first, then by name."""
    moves = [Movement(team, p.date, p.previous.overall_level, current_date, p.current.overall_level)
             for team, current_date, p in progress if p is not None]
    return sorted(moves, key=lambda m: (-m.delta, m.team.lower()))
