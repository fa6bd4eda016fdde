"""Answers: the model (Answer, Answers, Context) and its one text form, `loads` / `dumps`.

No file is read or written here: `store` owns the answers folder and calls `loads` / `dumps`, and so
do uploads (`intake`) and downloads (`ui.transfer`), so there is one parser of answers text.

Format (JSON, or YAML with the same keys)::

    {"team": "blue", "rubric": "mlops-maturity", "rubric_version": "1.0", "date": "2026-11-21",
     "context": {"models_in_production": 3, "retraining_frequency": "monthly",
                 "stale_model_cost": "medium", "team_size": 6, "data_change": "moderate"},
     "answers": {"data-1-versioning": "yes",
                 "model-1-experiment-tracking": {"answer": "partial", "evidence": "MLflow for 1 of 3 models"}}}
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import AnswersError
from .rubric import Rubric

ANSWER_VALUES = ("yes", "partial", "no", "n/a")
ANSWER_SCORES = {"yes": 1.0, "partial": 0.5, "no": 0.0}
RETRAINING_FREQUENCIES = ("never", "yearly", "quarterly", "monthly", "weekly", "daily", "continuous")
STALE_MODEL_COSTS = ("low", "medium", "high")
DATA_CHANGE = ("slow", "moderate", "fast")
ANSWER_ORIGINS = ("", "scan")
YAML_SUFFIXES = (".yaml", ".yml")
_TOP_LEVEL_KEYS = {"team", "rubric", "rubric_version", "date", "context", "answers", "notes"}
MAX_TEAM_NAME = 80  # characters: a team name heads charts, tables and report titles; longer ran off the page


@dataclass(frozen=True)
class Answer:
    """One criterion's answer: the value, the team's evidence note, and where it came from."""

    value: str
    evidence: str = ""
    origin: str = ""  # "" = given by the team; "scan" = pre-filled from repository evidence, to confirm

    def to_json(self) -> str | dict[str, str]:
        """The file form: a bare value when there is nothing else to say (files stay readable by hand)."""
        if not self.evidence and not self.origin:
            return self.value
        data = {"answer": self.value, "evidence": self.evidence}
        if self.origin:
            data["origin"] = self.origin
        return data


@dataclass(frozen=True)
class Context:
    """What the team runs; drives the recommended target level."""

    models_in_production: int | None = None
    retraining_frequency: str | None = None
    stale_model_cost: str | None = None
    team_size: int | None = None
    data_change: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Only the fields somebody gave: an unset field is never written (nothing invented)."""
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @property
    def is_empty(self) -> bool:
        """True when the team said nothing about its context (the target then falls back to Level 3)."""
        return not self.to_dict()


@dataclass
class Answers:
    """A team's answers to one rubric, as saved in its file: what the scoring reads and the store writes.

    Mutable on purpose: the session builds one up click by click; `source` names the file or upload it
    came from, so every error about it can say where.
    """

    team: str
    rubric: str
    answers: dict[str, Answer] = field(default_factory=dict)
    context: Context = field(default_factory=Context)
    rubric_version: str | None = None
    date: str | None = None
    notes: str = ""
    source: str | None = None

    def value(self, criterion_id: str) -> str | None:
        """The answer's value for a criterion, None when unanswered."""
        answer = self.answers.get(criterion_id)
        return answer.value if answer else None

    def to_dict(self) -> dict[str, Any]:
        """The document `dumps` writes (absent optional fields are left out)."""
        data: dict[str, Any] = {"team": self.team, "rubric": self.rubric}
        if self.rubric_version is not None:
            data["rubric_version"] = self.rubric_version
        if self.date is not None:
            data["date"] = self.date
        if not self.context.is_empty:
            data["context"] = self.context.to_dict()
        if self.notes:
            data["notes"] = self.notes
        data["answers"] = {cid: a.to_json() for cid, a in self.answers.items()}
        return data


# --------------------------------------------------------------------------- parsing


def _fail(source: str, where: str | None, message: str) -> AnswersError:
    return AnswersError(message, source=source, field=where)


def check_team_name(name: str, *, source: str | None = None) -> str:
    """The exact name (surrounding spaces dropped) if it has at most `MAX_TEAM_NAME` characters, else one
    line naming the field: every way a name arrives (a file, an upload, the page's box) goes through here."""
    text = name.strip()
    if len(text) > MAX_TEAM_NAME:
        raise AnswersError(f"at most {MAX_TEAM_NAME} characters, got {len(text)}", source=source, field="team")
    return text


def _optional_int(value: Any, source: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(source, where, f"expected a whole number >= 0, got {value!r}")
    return value


def _optional_choice(value: Any, choices: tuple[str, ...], source: str, where: str) -> str | None:
    if value is None:
        return None
    text = str(value).strip().lower()
    if text not in choices:
        raise _fail(source, where, f"expected one of {', '.join(choices)}, got {value!r}")
    return text




def _parse_answer(raw: Any, source: str, where: str) -> Answer:
    evidence, origin = "", ""
    if isinstance(raw, dict):
        unknown = set(raw) - {"answer", "evidence", "origin"}
        if unknown:
            raise _fail(source, where, f"unknown field {', '.join(sorted(map(repr, unknown)))}")
        if "answer" not in raw:
            raise _fail(source, where, "missing 'answer'")
        evidence = raw.get("evidence") or ""
        if not isinstance(evidence, str):
            raise _fail(source, f"{where}.evidence", "expected text")
        origin = raw.get("origin") or ""
        if origin not in ANSWER_ORIGINS:
            raise _fail(source, f"{where}.origin", f"expected {' or '.join(map(repr, ANSWER_ORIGINS[1:]))}, got {origin!r}")
        raw = raw["answer"]
    if not isinstance(raw, str) or raw.strip().lower() not in ANSWER_VALUES:
        raise _fail(source, where, f"expected one of {', '.join(ANSWER_VALUES)}, got {raw!r}")
    return Answer(raw.strip().lower(), evidence.strip(), origin)


def parse_answers(data: Any, *, source: str = "<answers>") -> Answers:
    """Check the structure of an answers document (not yet against a rubric)."""
    if not isinstance(data, dict):
        raise _fail(source, None, "an answers file must be a mapping at the top level")
    unknown = set(data) - _TOP_LEVEL_KEYS
    if unknown:
        raise _fail(source, None, f"unknown field {', '.join(sorted(map(repr, unknown)))}")
    for key in ("team", "rubric"):
        if key not in data:
            raise _fail(source, key, f"missing {key!r}")
        if not isinstance(data[key], str) or not data[key].strip():
            raise _fail(source, key, "expected non-empty text")
    check_team_name(data["team"], source=source)
    raw_answers = data.get("answers", {})
    if raw_answers is None:
        raw_answers = {}
    if not isinstance(raw_answers, dict):
        raise _fail(source, "answers", "expected a mapping of criterion id to answer")
    answers = {str(cid): _parse_answer(raw, source, f"answers.{cid}") for cid, raw in raw_answers.items()}

    raw_context = data.get("context") or {}
    if not isinstance(raw_context, dict):
        raise _fail(source, "context", "expected a mapping")
    extra = set(raw_context) - set(Context.__dataclass_fields__)
    if extra:
        raise _fail(source, "context", f"unknown field {', '.join(sorted(map(repr, extra)))}")
    context = Context(
        models_in_production=_optional_int(raw_context.get("models_in_production"), source, "context.models_in_production"),
        retraining_frequency=_optional_choice(
            raw_context.get("retraining_frequency"), RETRAINING_FREQUENCIES, source, "context.retraining_frequency"
        ),
        stale_model_cost=_optional_choice(
            raw_context.get("stale_model_cost"), STALE_MODEL_COSTS, source, "context.stale_model_cost"
        ),
        team_size=_optional_int(raw_context.get("team_size"), source, "context.team_size"),
        data_change=_optional_choice(raw_context.get("data_change"), DATA_CHANGE, source, "context.data_change"),
    )
    version = data.get("rubric_version")
    when = data.get("date")
    return Answers(
        team=data["team"].strip(),
        rubric=data["rubric"].strip(),
        answers=answers,
        context=context,
        rubric_version=None if version is None else str(version),
        date=None if when is None else str(when),
        notes=str(data.get("notes") or ""),
        source=source,
    )


def check_against_rubric(answers: Answers, rubric: Rubric) -> list[str]:
    """Raise on unknown criterion ids (with the closest known id); return warnings (version mismatch)."""
    source = answers.source or "<answers>"
    known = rubric.criteria
    unknown = [cid for cid in answers.answers if cid not in known]
    if unknown:
        hints = []
        for cid in unknown:
            close = difflib.get_close_matches(cid, list(known), n=1, cutoff=0.5)
            hints.append(f"{cid!r} (did you mean {close[0]!r}?)" if close else repr(cid))
        raise _fail(source, "answers", f"unknown criterion id{'s' if len(unknown) > 1 else ''} for rubric "
                    f"{rubric.id!r}: {', '.join(hints)}")
    warnings = []
    if answers.rubric_version is not None and answers.rubric_version != rubric.version:
        warnings.append(
            f"{source}: rubric_version: answers were given for version {answers.rubric_version}, "
            f"rubric {rubric.id!r} is version {rubric.version}"
        )
    return warnings




# --------------------------------------------------------------------------- text


def loads(data: str | bytes, *, source: str = "<answers>") -> Answers:
    """Parse answers text: YAML when `source` ends in .yaml/.yml, else JSON; raise AnswersError in one line.

    The one parser of answers text, for files, uploads and intake alike; bytes are UTF-8 (a BOM is allowed).
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _fail(source, None, "not UTF-8 text") from None
    else:
        text = data.removeprefix("\ufeff")
    try:
        raw = yaml.safe_load(text) if source.lower().endswith(YAML_SUFFIXES) else json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(source, f"line {exc.lineno}", f"invalid JSON ({exc.msg})") from None
    except yaml.YAMLError as exc:
        raise _fail(source, None, f"invalid YAML ({str(exc).splitlines()[0]})") from None
    return parse_answers(raw, source=source)


def dumps(answers: Answers) -> str:
    """The JSON text of an answers file (what the store writes and a download holds)."""
    return json.dumps(answers.to_dict(), indent=2, ensure_ascii=False) + "\n"
