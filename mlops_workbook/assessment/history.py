"""Progress over time: earlier assessments of a team, kept beside its answers file.

A team that reassesses next quarter saves over its answers file. Before that save replaces a copy
with a different date, the saved copy is kept as `history/<file stem>/<its date>.json` in the same
folder (atomically, like every write), so the report and `score --json` can say what changed since.
A save with the same date overwrites (the same assessment, continued). `answers_files` lists only the
files directly in the folder, so `history/` never counts as a team.

Everything that compares (previous, changes, gained, lost, the room's movement) is a pure function
of answers and assessments; only `keep_previous`, `history_entries` and `find_progress` touch files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date as _date
from datetime import datetime
from pathlib import Path
from typing import Any

from .._files import atomic_write_text
from .answers import Answers, check_against_rubric, read_answers
from ..errors import WorkbookError
from .rubric import Rubric
from .scoring import Assessment, score

HISTORY_FOLDER = "history"


def history_folder(answers_path: str | Path) -> Path:
    """`<answers folder>/history/<file stem>/`: where earlier copies of this file are kept."""
    path = Path(answers_path)
    return path.parent / HISTORY_FOLDER / path.stem


def parse_date(text: str | None) -> _date | None:
    """An answers file's date (ISO `YYYY-MM-DD`, a time after it is ignored); None if absent or not a date."""
    if not text:
        return None
    try:
        return _date.fromisoformat(str(text).strip()[:10])
    except ValueError:
        return None


def _saved_date(saved: Answers, path: Path) -> _date:
    """The saved copy's own date; a copy without one is dated by its file (it must not be lost either)."""
    return parse_date(saved.date) or datetime.fromtimestamp(path.stat().st_mtime).date()


def keep_previous(path: str | Path, new_answers: Answers) -> Path | None:
    """Before `new_answers` replaces the file at `path`: keep the saved copy if its date differs.

    Returns the history file written, or None (nothing saved yet, same date, an unreadable saved copy
    or a new save without a date). A saved copy dated later than the new save is kept too: nothing a
    user entered is lost; `find_progress` only ever compares with dates before the current one.
    """
    file = Path(path)
    new_date = parse_date(new_answers.date)
    if new_date is None or not file.is_file():
        return None
    try:
        saved = read_answers(file)
    except WorkbookError:
        return None  # not an answers file we can date; the save replaces it as it always did
    saved_date = _saved_date(saved, file)
    if saved_date == new_date:
        return None
    target = history_folder(file) / f"{saved_date.isoformat()}.json"
    data = saved.to_dict()
    data.setdefault("date", saved_date.isoformat())
    return atomic_write_text(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def history_entries(answers_path: str | Path) -> list[tuple[_date, Path]]:
    """The kept copies of one answers file, oldest first (hidden and temporary files skipped)."""
    folder = history_folder(answers_path)
    if not folder.is_dir():
        return []
    entries = []
    for path in folder.iterdir():
        when = parse_date(path.stem)
        if when is not None and path.suffix == ".json" and not path.name.startswith(".") and path.is_file():
            entries.append((when, path))
    return sorted(entries)


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
        return self.after == "yes" and self.before != "yes"

    @property
    def lost(self) -> bool:
        return self.before == "yes" and self.after != "yes"

    def to_dict(self) -> dict[str, Any]:
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
        return tuple(c for c in self.changes if c.gained)

    @property
    def lost(self) -> tuple[Change, ...]:
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


def find_progress(answers_path: str | Path, answers: Answers, rubric: Rubric, *,
                  current: Assessment | None = None, target_level: int | None = None) -> Progress | None:
    """Progress since the latest kept copy dated before `answers` (None without one).

    A kept copy that no longer matches the rubric (criteria renamed since) is skipped for an older one.
    """
    now = parse_date(answers.date)
    if now is None:
        return None
    for when, path in reversed(history_entries(answers_path)):
        if when >= now:
            continue
        try:
            before = read_answers(path)
            check_against_rubric(before, rubric)
        except WorkbookError:
            continue
        before.date = when.isoformat()
        return compare(rubric, before, answers, current=current, target_level=target_level)
    return None


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


def folder_movement(folder: str | Path, *, rubric: str | None = None) -> list[Movement]:
    """The room's movement for an answers folder: reads each team's file and its kept copies."""
    from .answers import answers_files, load_answers
    from .rubric import load_rubric

    fixed = load_rubric(rubric) if rubric else None
    rows: list[tuple[str, str, Progress | None]] = []
    for path in answers_files(folder):
        try:
            answers, rub, _ = load_answers(path, fixed)
        except (WorkbookError, OSError):
            continue  # the dashboard lists unreadable files already
        rows.append((answers.team, answers.date or "", find_progress(path, answers, rub)))
    return room_movement(rows)
