"""One browser's assessment of one team: the answers per rubric, what this session changed, load and
merge-save. No widgets here (the view in `ui/assessment.py` drives it), so every rule is testable.

Why a session and not just an `Answers`: a team keeps one file per rubric, so switching the rubric
switches the view and never the data; and two browsers on one team each save only what they
changed (`store.merge_save`), so neither erases the other's work. Only what somebody entered is
ever saved: an untouched context field stays unset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .._files import exact_name
from ..errors import AnswersError, WorkbookError
from .answers import ANSWER_VALUES, Answer, Answers, Context, check_team_name, dumps
from .rubric import Rubric
from .store import answers_path, merge_save, read_owned

CONTEXT_FIELDS = tuple(Context.__dataclass_fields__)


@dataclass
class _RubricState:
    """One rubric's answers as this session knows them, and what it changed since its last save."""

    answers: dict[str, Answer] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    loaded: bool = False
    date: str | None = None  # the saved file's date: a download keeps it (a re-upload is the same assessment)


class AssessmentSession:
    """The model behind the assessment page: one team, any number of rubrics, saved by merging."""

    def __init__(self, folder: str | Path, rubric: Rubric, *, team: str = "") -> None:
        self.folder = Path(folder)
        self.rubrics: dict[str, Rubric] = {rubric.id: rubric}
        self.rubric = rubric
        self.team = ""
        self._states: dict[str, _RubricState] = {}
        self._context: dict[str, object] = {}
        self._context_changed: set[str] = set()
        self.warning = ""  # why the team's file cannot be used, if it cannot
        if team:
            self.set_team(team)

    # ------------------------------------------------------------------ reading

    @property
    def path(self) -> Path | None:
        """The team's file for the current rubric (None until a team is named)."""
        return answers_path(self.folder, self.team, self.rubric.id) if self.team else None

    @property
    def context(self) -> Context:
        """The context as entered or resumed (unset fields stay unset)."""
        return Context(**{k: v for k, v in self._context.items() if v is not None})  # type: ignore[arg-type]

    @property
    def answers(self) -> Answers:
        """The current rubric's answers (what the page shows and scores)."""
        return Answers(team=self.team or "unnamed team", rubric=self.rubric.id,
                       answers=dict(self._state().answers), context=self.context,
                       rubric_version=self.rubric.version, date=self._state().date)

    def value(self, criterion_id: str) -> tuple[str | None, str]:
        """(value or None, evidence) of one criterion of the current rubric, as the page shows it."""
        answer = self._state().answers.get(criterion_id)
        return (answer.value, answer.evidence) if answer else (None, "")

    @property
    def unsaved(self) -> bool:
        """True while some answer or context field changed since the last save."""
        return bool(self._context_changed or any(s.changed for s in self._states.values()))

    # ------------------------------------------------------------------ changing

    def set_team(self, name: str) -> int:
        """Open a team: its saved answers (every rubric, lazily) replace the shown ones; answers given
        before any name was typed are kept and saved into it. Returns the answers resumed."""
        self.team = check_team_name(exact_name(name))
        kept = {rid: _RubricState({c: s.answers[c] for c in s.changed if c in s.answers}, set(s.changed))
                for rid, s in self._states.items() if s.changed}
        context = {k: self._context[k] for k in self._context_changed if k in self._context}
        self._states, self._context, self.warning = kept, {}, ""
        resumed = self._load(self.rubric.id)
        self._context.update(context)
        return resumed

    def select_rubric(self, rubric: Rubric) -> int:
        """Show another rubric: nothing is saved or dropped; its own answers come from its own file."""
        self.rubrics.setdefault(rubric.id, rubric)
        self.rubric = self.rubrics[rubric.id]
        return self._load(rubric.id) if not self._state().loaded else len(self._state().answers)

    def set_answer(self, criterion_id: str, value: str | None, evidence: str | None = None, *,
                   origin: str = "") -> None:
        """Answer one criterion of the current rubric as a click would (None clears the answer).

        `origin` is "" for what the team says, "scan" for a pre-filled answer resting on repository
        evidence (kept until somebody changes it: then it is the team's word)."""
        if criterion_id not in self.rubric.criteria:
            raise WorkbookError(f"unknown criterion {criterion_id!r} for rubric {self.rubric.id!r}", field="answers")
        if value is not None and value not in ANSWER_VALUES:
            raise WorkbookError(f"expected one of {', '.join(ANSWER_VALUES)}, got {value!r}",
                                field=f"answers.{criterion_id}")
        state = self._state()
        current = state.answers.get(criterion_id)
        text = (current.evidence if current else "") if evidence is None else evidence.strip()
        if value is None:
            state.answers.pop(criterion_id, None)
        else:
            state.answers[criterion_id] = Answer(value, text, origin)
        state.changed.add(criterion_id)

    def set_context(self, name: str, value: object) -> None:
        """Set one context field as the form would (None clears it); unknown fields are an error."""
        if name not in CONTEXT_FIELDS:
            raise WorkbookError(f"unknown context field {name!r}", field="context")
        self._context[name] = value
        self._context_changed.add(name)

    def merge(self, uploaded: Answers) -> int:
        """Take an uploaded `Answers` (its rubric must be known to this session): each of its answers
        (with its own origin) and context fields counts as entered here. Returns how many it brought."""
        rubric = self.rubrics.get(uploaded.rubric)
        if rubric is None:
            raise AnswersError(f"answers are for rubric {uploaded.rubric!r}, not one of {', '.join(self.rubrics)}",
                               source=uploaded.source, field="rubric")
        unknown = sorted(set(uploaded.answers) - set(rubric.criteria))
        if unknown:
            raise AnswersError(f"unknown criterion ids for {rubric.id!r}: {', '.join(unknown)}",
                               source=uploaded.source, field="answers")
        shown = self.rubric
        self.rubric = rubric
        try:
            self._state()
            for cid, answer in uploaded.answers.items():
                self.set_answer(cid, answer.value, answer.evidence, origin=answer.origin)
        finally:
            self.rubric = shown
        for name, value in uploaded.context.to_dict().items():
            self.set_context(name, value)
        return len(uploaded.answers)

    def export_json(self) -> bytes:
        """`export()` as the bytes of an answers file."""
        return dumps(self.answers).encode("utf-8")

    # ------------------------------------------------------------------ disk

    def save(self) -> Path | None:
        """Merge this session's changes into the team's file for the current rubric (None: no team)."""
        path = self.path
        if path is None:
            return None
        state = self._state()
        merged = merge_save(path, self.answers, changed=state.changed, context_changed=self._context_changed)
        state.answers, state.changed, state.loaded, state.date = dict(merged.answers), set(), True, merged.date
        self._context = merged.context.to_dict()
        self._context_changed = set()
        return path

    def _state(self) -> _RubricState:
        return self._states.setdefault(self.rubric.id, _RubricState())

    def _load(self, rubric_id: str) -> int:
        state = self._states.setdefault(rubric_id, _RubricState())
        state.loaded = True
        if not self.team:
            return 0
        path = answers_path(self.folder, self.team, rubric_id)
        try:
            saved = read_owned(path, self.team, rubric_id)
        except AnswersError as exc:
            self.warning = str(exc)
            return 0
        if saved is None:
            return 0
        rubric = self.rubrics[rubric_id]
        state.date = saved.date
        from_disk = {cid: a for cid, a in saved.answers.items() if cid in rubric.criteria}
        state.answers = from_disk | {c: state.answers[c] for c in state.changed if c in state.answers}
        for name, value in saved.context.to_dict().items():
            if name not in self._context_changed:
                self._context[name] = value
        return len(saved.answers)
