"""The answers folder: the only module that lists, reads, locks and writes its files.

The folder is the only shared state between participants, the facilitator's dashboard and the reports.
A team keeps one file per rubric, `<team stem>.json` for the default rubric and
`<team stem>.<rubric stem>.json` for any other (`team_file_stem`); earlier assessments are kept as
`history/<file stem>/<date>.json` beside it. Every write is atomic (temp file + rename), so a reader sees a
whole file or none; temporary and hidden files are skipped, and `history/` never counts as a team.

Readers get a `TeamRecord` (answers, rubric, assessment, progress, warnings): `read_team` for one file,
`AnswersStore.records` for a whole room.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date as _date
from datetime import datetime
from pathlib import Path

from .._files import atomic_write_text, exact_name, inside, locked, unique_stem
from ..errors import AnswersError, RubricError, WorkbookError
from .answers import Answers, Context, check_against_rubric, dumps, loads
from .history import Progress, compare, parse_date
from .record import TeamRecord
from .rubric import DEFAULT_RUBRIC, Rubric, load_rubric
from .scoring import Assessment, score

ANSWERS_SUFFIXES = (".json", ".yaml", ".yml")
HISTORY_FOLDER = "history"
_UNREAD = object()  # keep_previous: "read the saved copy yourself"


# --------------------------------------------------------------------------- naming


def team_file_stem(team: str, rubric: str | None = None) -> str:
    """The stem shared by a team's answers file and its exported report (one per team and rubric)."""
    stem = unique_stem(team)
    return f"{stem}.{unique_stem(rubric)}" if rubric and rubric != DEFAULT_RUBRIC else stem


def answers_path(folder: str | Path, team: str, rubric: str | None = None) -> Path:
    """Where a team's answers to one rubric live (so switching rubric never overwrites).

    Distinct exact team names give distinct files (see `_files.unique_stem`), always inside `folder`.
    """
    return inside(folder, f"{team_file_stem(team, rubric)}.json")


def answers_files(folder: str | Path) -> list[Path]:
    """The answers files in a folder, sorted; hidden and temporary files (a save in progress) are skipped."""
    root = Path(folder)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir()
                  if not p.name.startswith(".") and p.suffix.lower() in ANSWERS_SUFFIXES and p.is_file())


def history_folder(answers_path: str | Path) -> Path:
    """`<answers folder>/history/<file stem>/`: where earlier copies of this file are kept."""
    path = Path(answers_path)
    return path.parent / HISTORY_FOLDER / path.stem


# --------------------------------------------------------------------------- reading


def read_answers(path: str | Path) -> Answers:
    """Read and structurally check an answers file (JSON, or YAML for .yaml/.yml)."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise AnswersError("file not found", source=source) from None
    except OSError as exc:
        raise AnswersError(f"cannot read ({exc.strerror})", source=source) from None
    return loads(data, source=source)


def load_answers(path: str | Path, rubric: Rubric | None = None) -> tuple[Answers, Rubric, list[str]]:
    """Read an answers file, load its rubric (unless given) and validate; returns warnings too."""
    answers = read_answers(path)
    rub = _rubric_of(answers, rubric, path)
    return answers, rub, check_against_rubric(answers, rub)


def _rubric_of(answers: Answers, rubric: Rubric | None, path: str | Path) -> Rubric:
    if rubric is not None:
        return rubric
    try:
        return load_rubric(answers.rubric)
    except RubricError as exc:
        raise AnswersError(exc.reason, source=str(path), field="rubric") from None


def read_team(path: str | Path, rubric: Rubric | None = None, *, target_level: int | None = None,
              progress: bool = True) -> TeamRecord:
    """One team's file, validated, scored and (unless `progress=False`) compared with its history.

    The one way to get "a team's assessment": everything that shows a team (CLI, room, reports) calls this.
    The context is the team's, not the file's: fields this file lacks come from the team's other rubric
    files beside it (see `team_context`).
    """
    return _record(Path(path), read_answers(path), rubric, target_level=target_level, progress=progress)


def _record(file: Path, answers: Answers, rubric: Rubric | None, *, target_level: int | None, progress: bool,
            siblings: Iterable[Answers] | None = None) -> TeamRecord:
    rub = _rubric_of(answers, rubric, file)
    warnings = check_against_rubric(answers, rub)
    answers.context = team_context(answers, file, siblings)
    assessment = score(rub, answers, target_level=target_level, warnings=warnings)
    found = find_progress(file, answers, rub, current=assessment, target_level=target_level) if progress else None
    return TeamRecord(answers.team, rub, file, answers, assessment, found, tuple(warnings))


def team_files(folder: str | Path, team: str) -> list[Path]:
    """Every answers file saved under this team's stem (one per rubric), the default rubric's first."""
    stem = team_file_stem(team)
    root = Path(folder)
    default = root / f"{stem}.json"
    others = sorted(p for p in answers_files(root) if p.suffix == ".json" and p.stem.startswith(f"{stem}.")
                    and "." not in p.stem[len(stem) + 1:])
    return ([default] if default.is_file() else []) + others


def team_context(answers: Answers, path: str | Path | None = None,
                 siblings: Iterable[Answers] | None = None) -> Context:
    """The team's context: this file's fields, then those only its other rubric files give.

    A team states what it runs once, usually in the full assessment; its quick-check (a file of its own)
    is scored and reported with the same facts. `siblings` are the team's other files already read (a
    room reads each file once); without them they are read from beside `path`. A sibling that cannot
    be read, or holds another team, brings nothing; the default rubric's file wins over other rubrics'.
    """
    if siblings is None:
        siblings = []
        if path is not None:
            for other in team_files(Path(path).parent, answers.team):
                if other.resolve() == Path(path).resolve():
                    continue
                try:
                    siblings.append(read_answers(other))
                except WorkbookError:
                    continue
    ordered = sorted((s for s in siblings if s.team == answers.team and s.rubric != answers.rubric),
                     key=lambda s: (s.rubric != DEFAULT_RUBRIC, s.rubric))
    values: dict[str, object] = {}
    for sibling in reversed(ordered):
        values.update(sibling.context.to_dict())
    values.update(answers.context.to_dict())
    return Context(**values)  # type: ignore[arg-type]


def read_owned(path: str | Path, team: str, rubric: str) -> Answers | None:
    """The answers saved at `path` for exactly this team and rubric; None when there is no file.

    A file there that holds another team or rubric (an older naming rule, a hand-made file) is an
    error, never silently resumed or overwritten.
    """
    file = Path(path)
    if not file.is_file():
        return None
    saved = read_answers(file)
    if saved.team != exact_name(team) or saved.rubric != rubric:
        raise AnswersError(f"this file holds team {saved.team!r} ({saved.rubric}); it is left untouched: "
                           "choose another team name", source=str(file), field="team")
    return saved


# --------------------------------------------------------------------------- history


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


def keep_previous(path: str | Path, new_answers: Answers, saved: Answers | None | object = _UNREAD) -> Path | None:
    """Before `new_answers` replaces the file at `path`: keep the saved copy if its date differs.

    `saved` is the copy on disk when the caller has read it already (under its lock), so a save reads
    the file once. Returns the history file written, or None (nothing saved yet, same date, an unreadable
    saved copy or a new save without a date). A saved copy dated later than the new save is kept too:
    nothing a user entered is lost; `find_progress` only compares with dates before the current one.
    """
    file = Path(path)
    new_date = parse_date(new_answers.date)
    if new_date is None or not file.is_file():
        return None
    if saved is _UNREAD:
        try:
            saved = read_answers(file)
        except WorkbookError:
            return None  # not an answers file we can date; the save replaces it as it always did
    if not isinstance(saved, Answers):
        return None
    saved_date = parse_date(saved.date) or datetime.fromtimestamp(file.stat().st_mtime).date()
    if saved_date == new_date:
        return None
    kept = replace(saved, date=saved.date or saved_date.isoformat())
    return atomic_write_text(history_folder(file) / f"{saved_date.isoformat()}.json", dumps(kept))


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


# --------------------------------------------------------------------------- writing


def _write(path: Path, answers: Answers, saved: Answers | None | object = _UNREAD) -> Path:
    if answers.date is None:
        answers.date = _date.today().isoformat()
    keep_previous(path, answers, saved)  # a dated re-assessment keeps the earlier copy in history/
    return atomic_write_text(path, dumps(answers))


def save_answers(answers: Answers, path: str | Path) -> Path:
    """Write atomically (temp file + rename), dated today unless dated; a copy with another date goes to history/."""
    return _write(Path(path), answers)


def merge_save(path: str | Path, mine: Answers, *, changed: Iterable[str],
               context_changed: Iterable[str] = ()) -> Answers:
    """Save what this session changed on top of what is on disk now, under a file lock.

    Two browsers on one team: each applies only the criteria (and context fields) it changed since
    its last save, so neither erases the other's answers; on the same criterion the later save
    wins. The file is read once, under the lock. Returns the merged answers as written.
    """
    file = Path(path)
    with locked(file):
        base = read_owned(file, mine.team, mine.rubric)
        merged = merge(base, mine, changed=changed, context_changed=context_changed)
        _write(file, merged, base)
    return merged


def merge(base: Answers | None, mine: Answers, *, changed: Iterable[str],
          context_changed: Iterable[str] = ()) -> Answers:
    """Pure: `base` (what is saved, None for nothing) with this session's changed criteria and context applied."""
    merged = Answers(team=mine.team, rubric=mine.rubric, rubric_version=mine.rubric_version,
                     answers=dict(base.answers) if base else {},
                     context=base.context if base else Context(), notes=base.notes if base else mine.notes)
    for cid in changed:
        if cid in mine.answers:
            merged.answers[cid] = mine.answers[cid]
        else:
            merged.answers.pop(cid, None)
    fields = set(context_changed)
    if fields:
        values = merged.context.to_dict() | {k: getattr(mine.context, k) for k in fields}
        merged.context = Context(**values)
    return merged


def save_checked(path: str | Path, answers: Answers, refusal: Callable[[Answers | None], str | None]) -> str | None:
    """Save `answers` unless `refusal(saved copy or None)` gives a reason; returns that reason (None: saved).

    Under the file's lock, reading it once: an upload never replaces what another save just wrote. A
    file there that cannot be read is never replaced.
    """
    file = Path(path)
    with locked(file):
        saved: Answers | None = None
        if file.exists():
            try:
                saved = read_answers(file)
            except WorkbookError:
                return f"{file.name} exists and cannot be read: not replaced"
        reason = refusal(saved)
        if reason is None:
            _write(file, answers, saved)
        return reason


# --------------------------------------------------------------------------- a folder


@dataclass(frozen=True)
class Room:
    """What a folder holds: the teams read (in file order) and the files that could not be (name, reason)."""

    records: tuple[TeamRecord, ...] = ()
    unreadable: tuple[tuple[str, str], ...] = ()


class AnswersStore:
    """One answers folder: its teams' files, read as `TeamRecord`s, and the team file a name refers to."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def path(self, team: str, rubric: str | None = None) -> Path:
        """Where this team's answers to `rubric` are (or will be) saved."""
        return answers_path(self.folder, team, rubric)

    def files(self) -> list[Path]:
        """The teams' files (never history/, hidden or temporary files)."""
        return answers_files(self.folder)

    def team_file(self, team: str, rubric: str | None = None) -> Path:
        """A team's saved file by its exact name: for `rubric`, else the default rubric's, else the one
        rubric it answered (several: the rubric must be named). Raises with field "team" or "rubric"."""
        path = self.path(team, rubric)
        if path.is_file():
            return path
        if rubric:
            raise WorkbookError(f"no answers saved for team {team!r} and rubric {rubric!r}", field="team")
        stem = team_file_stem(team)
        owned = sorted(p for p in self.files() if p.suffix == ".json" and p.stem.startswith(f"{stem}.")
                       and "." not in p.stem[len(stem) + 1:])
        if len(owned) == 1:
            return owned[0]
        if owned:
            raise WorkbookError(f"team {team!r} answered several rubrics: add &rubric=<id> to the URL", field="rubric")
        raise WorkbookError(f"no answers saved for team {team!r}", field="team")

    def read(self, path: str | Path, rubric: Rubric | None = None, *, target_level: int | None = None,
             progress: bool = True) -> TeamRecord:
        """One file of this folder as a TeamRecord (see `read_team`)."""
        return read_team(path, rubric, target_level=target_level, progress=progress)

    def records(self, rubric: str | Rubric | None = None, *, progress: bool = True) -> Room:
        """Every team's file, scored; an unreadable file is listed with its reason, never fatal.

        Each file is read once; a team's files share its context (`team_context`)."""
        fixed = load_rubric(rubric) if isinstance(rubric, str) else rubric
        records: list[TeamRecord] = []
        unreadable: list[tuple[str, str]] = []
        read: list[tuple[Path, Answers]] = []
        for path in self.files():
            try:
                read.append((path, read_answers(path)))
            except WorkbookError as exc:
                unreadable.append((path.name, _reason(exc)))
            except OSError as exc:  # vanished between listing and reading
                unreadable.append((path.name, exc.strerror or str(exc)))
        by_team: dict[str, list[Answers]] = {}
        for _, answers in read:
            by_team.setdefault(answers.team, []).append(answers)
        for path, answers in read:
            siblings = [a for a in by_team[answers.team] if a is not answers]
            try:
                records.append(_record(path, answers, fixed, target_level=None, progress=progress, siblings=siblings))
            except WorkbookError as exc:
                unreadable.append((path.name, _reason(exc)))
            except OSError as exc:
                unreadable.append((path.name, exc.strerror or str(exc)))
        order = {p.name: i for i, p in enumerate(self.files())} if unreadable else {}
        unreadable.sort(key=lambda item: order.get(item[0], 0))
        return Room(tuple(records), tuple(unreadable))


def _reason(exc: WorkbookError) -> str:
    return exc.reason if exc.field is None else f"{exc.field}: {exc.reason}"
