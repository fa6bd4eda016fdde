"""Answers files that arrive as bytes (a browser upload): read, validate, and file them in a folder.

Used by the assessment's "Load answers" (one file, the team's own) and by the facilitator's
dashboard (several participants' files at once). Each file is checked on its own and gets one
outcome, so one bad file never stops the others. What is checked, and why:

- the text is UTF-8 JSON or YAML (by file suffix) and follows the answers format (`answers.loads`, the
  one parser of answers text);
- its rubric is a bundled rubric id (never a path from an uploaded file) and every criterion id
  belongs to it (`answers.check_against_rubric`);
- it is saved through the store (`store.save_checked`: atomic, under the file's lock, the saved copy
  read once) at `store.answers_path`, so a team name such as `../../x` stays inside the folder;
- it goes to the team's file for its rubric (`store.answers_path(folder, team, rubric)`), never
  replaces a file holding another team (a hand-made file, an older naming rule), nor newer answers
  of the same team with older ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .._files import exact_name
from ..errors import AnswersError, WorkbookError
from .answers import Answers, check_against_rubric, loads
from .rubric import Rubric, available_rubrics, load_rubric
from .store import answers_path, save_checked

MAX_BYTES = 1_000_000  # an answers file is a few kilobytes; a bigger upload is a wrong file


@dataclass(frozen=True)
class Outcome:
    """What became of one uploaded file: saved to `path`, or refused with a one-line `message`."""

    filename: str
    ok: bool
    message: str
    team: str | None = None
    path: Path | None = None
    warnings: tuple[str, ...] = field(default=())


def parse_answers_bytes(filename: str, data: bytes) -> tuple[Answers, Rubric, list[str]]:
    """Validate one uploaded answers file against its (bundled) rubric; raise AnswersError in one line."""
    source = Path(filename).name or "upload"
    if len(data) > MAX_BYTES:
        raise AnswersError(f"too large for an answers file ({len(data):,} bytes)", source=source)
    answers = loads(data, source=source)
    known = available_rubrics()
    if answers.rubric not in known:
        raise AnswersError(f"unknown rubric {answers.rubric!r} (known: {', '.join(known)})", source=source,
                           field="rubric")
    rubric = load_rubric(answers.rubric)
    warnings = check_against_rubric(answers, rubric)
    return answers, rubric, warnings


def refusal_to_replace(answers: Answers, saved: Answers | None, name: str) -> str | None:
    """Why the saved copy (None: no file) in file `name` must not be replaced by `answers`, or None when it may."""
    if saved is None:
        return None
    if saved.team != exact_name(answers.team) or saved.rubric != answers.rubric:
        return f"team {answers.team!r} would replace team {saved.team!r} ({name}): rename the team"
    if saved.date and answers.date and answers.date < saved.date:
        return f"answers dated {answers.date} are older than the saved ones ({saved.date}): not replaced"
    return None


def import_answers_file(filename: str, data: bytes, folder: str | Path) -> Outcome:
    """Validate and save one file; every failure becomes a one-line outcome, never an exception."""
    name = Path(filename).name or "upload"
    try:
        answers, _rubric, warnings = parse_answers_bytes(name, data)
        path = answers_path(folder, answers.team, answers.rubric)
        answers.source = None
        refusal = save_checked(path, answers, lambda saved: refusal_to_replace(answers, saved, path.name))
        if refusal:
            return Outcome(name, False, f"{name}: {refusal}", team=answers.team)
    except WorkbookError as exc:
        return Outcome(name, False, str(exc))
    except OSError as exc:
        return Outcome(name, False, f"{name}: cannot save ({exc.strerror})")
    return Outcome(name, True, f"{name}: saved {len(answers.answers)} answers of team {answers.team!r} "
                               f"as {path.name}", team=answers.team, path=path, warnings=tuple(warnings))


def import_answers_files(files: Iterable[tuple[str, bytes]], folder: str | Path) -> list[Outcome]:
    """Import several uploaded files into the answers folder, one outcome each, in the given order."""
    return [import_answers_file(filename, data, folder) for filename, data in files]
