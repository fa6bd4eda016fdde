"""Answers files that arrive as bytes (a browser upload): read, validate, and file them in a folder.

Used by the assessment's "Load answers" (one file, the team's own) and by the facilitator's
dashboard (several participants' files at once). Each file is checked on its own and gets one
outcome, so one bad file never stops the others. What is checked, and why:

- the text is UTF-8 JSON or YAML (by file suffix) and follows the answers format (`answers.parse_answers`);
- its rubric is a bundled rubric id (never a path from an uploaded file) and every criterion id
  belongs to it (`answers.check_against_rubric`);
- it is saved through `answers.save_answers` (atomic) under `answers.answers_path`, so a team name
  such as `../../x` stays inside the folder;
- it goes to the team's file for its rubric (`answers.answers_path(folder, team, rubric)`), never
  replaces a file holding another team (a hand-made file, an older naming rule), nor newer answers
  of the same team with older ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .._files import exact_name
from .answers import Answers, answers_path, check_against_rubric, parse_answers, read_answers, save_answers
from ..errors import AnswersError, WorkbookError
from .rubric import Rubric, available_rubrics, load_rubric

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
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnswersError("not UTF-8 text", source=source) from None
    try:
        raw = yaml.safe_load(text) if source.lower().endswith((".yaml", ".yml")) else json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnswersError(f"invalid JSON ({exc.msg})", source=source, field=f"line {exc.lineno}") from None
    except yaml.YAMLError as exc:
        raise AnswersError(f"invalid YAML ({str(exc).splitlines()[0]})", source=source) from None
    answers = parse_answers(raw, source=source)
    known = available_rubrics()
    if answers.rubric not in known:
        raise AnswersError(f"unknown rubric {answers.rubric!r} (known: {', '.join(known)})", source=source,
                           field="rubric")
    rubric = load_rubric(answers.rubric)
    warnings = check_against_rubric(answers, rubric)
    return answers, rubric, warnings


def _refusal_to_replace(answers: Answers, target: Path) -> str | None:
    """Why the file at `target` must not be replaced by `answers`, or None when it may."""
    if not target.exists():
        return None
    try:
        saved = read_answers(target)
    except WorkbookError:
        return f"{target.name} exists and cannot be read: not replaced"
    if saved.team != exact_name(answers.team) or saved.rubric != answers.rubric:
        return f"team {answers.team!r} would replace team {saved.team!r} ({target.name}): rename the team"
    if saved.date and answers.date and answers.date < saved.date:
        return f"answers dated {answers.date} are older than the saved ones ({saved.date}): not replaced"
    return None


def import_answers_file(filename: str, data: bytes, folder: str | Path) -> Outcome:
    """Validate and save one file; every failure becomes a one-line outcome, never an exception."""
    name = Path(filename).name or "upload"
    try:
        answers, _rubric, warnings = parse_answers_bytes(name, data)
        target = answers_path(folder, answers.team, answers.rubric)
        refusal = _refusal_to_replace(answers, target)
        if refusal:
            return Outcome(name, False, f"{name}: {refusal}", team=answers.team)
        answers.source = None
        path = save_answers(answers, target)
    except WorkbookError as exc:
        return Outcome(name, False, str(exc))
    except OSError as exc:
        return Outcome(name, False, f"{name}: cannot save ({exc.strerror})")
    return Outcome(name, True, f"{name}: saved {len(answers.answers)} answers of team {answers.team!r} "
                               f"as {path.name}", team=answers.team, path=path, warnings=tuple(warnings))


def import_answers_files(files: Iterable[tuple[str, bytes]], folder: str | Path) -> list[Outcome]:
    """Import several uploaded files into the answers folder, one outcome each, in the given order."""
    return [import_answers_file(filename, data, folder) for filename, data in files]
