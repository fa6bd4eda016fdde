"""What a team's context answers set in the simulation its report shows, and how the report says so.

One table (`CONTEXT_RULES`), one reader (`team_simulation`): each rule names the context question it
reads, the simulation setting it sets (a `SimulationConfig` field, or the loan book's `models` in
`Costs`), the value each answer gives, and the sentence the report prints. An answer the team did not
give leaves the setting at its default, and the report says that it is a default. A report parameter
(`scenario=`) given explicitly wins over the context, and the report says that too.

Why here: these are simulation settings, and the simulation sits above the assessment (its `Context`),
so the report, the batch that plans one simulation per distinct setting and any other caller read the
same table.

| question | setting | answers |
| --- | --- | --- |
| data_change | scenario | slow: gradual-drift; moderate: seasonal; fast: concept-drift; not given: concept-drift |
| retraining_frequency | retrain_every | yearly 52, quarterly 13, monthly 4, weekly/daily/continuous 1 week; never, not given: the levels' own |
| models_in_production | models (costs) | the number given (0 counts as the first model); not given: 1 |
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from ..assessment.answers import Context
from .config import SimulationConfig
from .costs import Costs
from .policies import CAPABILITIES
from .scenarios import get_scenario

DEFAULT_SCENARIO = "concept-drift"  # separates the levels most clearly; the report's scenario without a context


def _schedules() -> str:
    """The capability table's schedules in words: "every 13 weeks at Level 1, every 4 weeks from Level 2"."""
    seen: dict[int, int] = {}
    for level, cap in sorted(CAPABILITIES.items()):
        if cap.schedule_weeks is not None and cap.schedule_weeks not in seen:
            seen[cap.schedule_weeks] = level
    parts = [f"every {weeks} weeks {'at' if i == 0 else 'from'} Level {level}"
             for i, (weeks, level) in enumerate(seen.items())]
    return ", ".join(parts)


@dataclass(frozen=True)
class ContextRule:
    """One context question and the simulation setting it decides."""

    question: str  # the `Context` field read
    setting: str  # the `SimulationConfig` field set, or "models" (the loan book's models in `Costs`)
    value: Callable[[Any], Any]  # answer -> the setting's value (None: the answer leaves the default)
    said: Callable[[Any, Any], str]  # (answer, value) -> what the report says
    default: Any  # the setting without an answer
    unsaid: str  # what the report says when the question was not answered (or left the default)


DATA_CHANGE_SCENARIOS: Mapping[str, tuple[str, str]] = {
    "slow": ("gradual-drift", "the customer base shifts a little every week over twenty weeks"),
    "moderate": ("seasonal", "holiday borrowing changes who applies and who defaults every quarter, then settles"),
    "fast": ("concept-drift", "what predicts a default changes at once while the inputs look the same"),
}
RETRAINING_WEEKS: Mapping[str, int | None] = {
    "never": None, "yearly": 52, "quarterly": 13, "monthly": 4, "weekly": 1, "daily": 1, "continuous": 1,
}
_ADVERB = {"slow": "slowly", "moderate": "moderately", "fast": "fast"}


def _weeks(n: int) -> str:
    return "every week" if n == 1 else f"every {n} weeks"


def _retrain_said(answer: str, weeks: int | None) -> str:
    if weeks is None:
        return (f"You said you never retrain; the levels compared keep their own schedules ({_schedules()}), "
                f"since how a level retrains is what the comparison is about.")
    finer = " (the simulation's shortest step: its data arrives weekly)" if answer in ("daily", "continuous") else ""
    how = "continuously" if answer == "continuous" else answer  # "you retrain continuous" read as a typo
    return (f"You said you retrain {how}, so every level that retrains on a schedule (Level 1 and up) does so "
            f"{_weeks(weeks)}{finer}, instead of the defaults ({_schedules()}).")


CONTEXT_RULES: tuple[ContextRule, ...] = (
    ContextRule(
        "data_change", "scenario",
        value=lambda answer: DATA_CHANGE_SCENARIOS[answer][0],
        said=lambda answer, scenario: (f"You said your data changes {_ADVERB[answer]}, so this simulates "
                                       f"{scenario}: {DATA_CHANGE_SCENARIOS[answer][1]}."),
        default=DEFAULT_SCENARIO,
        unsaid=(f"You did not say how fast your data changes, so this simulates {DEFAULT_SCENARIO}, the default: "
                f"{DATA_CHANGE_SCENARIOS['fast'][1]}."),
    ),
    ContextRule(
        "retraining_frequency", "retrain_every",
        value=lambda answer: RETRAINING_WEEKS[answer],
        said=_retrain_said,
        default=None,
        unsaid=f"You did not say how often you retrain, so the levels keep their default schedules ({_schedules()}).",
    ),
    ContextRule(
        "models_in_production", "models",
        value=lambda answer: float(max(answer, 1)),
        said=lambda answer, models: (
            f"You said you run {answer} models in production, so the money is for {answer} models, each deciding a "
            f"book like the simulated one." if answer > 1 else
            "You said you run 1 model in production, so the money is for that one model." if answer == 1
            else "You said you run no model in production yet, so the money is for your first one."),
        default=1.0,
        unsaid="You did not say how many models you run in production, so the money is for one model, the default.",
    ),
)
_CONFIG_FIELDS = {f.name for f in fields(SimulationConfig)}


@dataclass(frozen=True)
class Setting:
    """One simulation setting of a team's report: its value, where it came from, the sentence saying so."""

    name: str
    value: Any
    source: str  # "context", "parameter" or "default"
    sentence: str


@dataclass(frozen=True)
class TeamSimulation:
    """The settings a team's report simulates with, each with where it came from."""

    settings: tuple[Setting, ...]

    def _get(self, name: str) -> Setting:
        return next(s for s in self.settings if s.name == name)

    @property
    def scenario(self) -> str:
        """The scenario simulated."""
        return str(self._get("scenario").value)

    @property
    def overrides(self) -> tuple[tuple[str, Any], ...]:
        """The config fields other than the scenario that differ from their defaults, sorted (hashable: a
        cache key, and the `simulate` keyword arguments)."""
        return tuple(sorted((s.name, s.value) for s in self.settings
                            if s.name in _CONFIG_FIELDS and s.name != "scenario" and s.source != "default"))

    @property
    def all_defaults(self) -> bool:
        """True when nothing came from the context or a parameter: the report says it shows the defaults."""
        return all(s.source == "default" for s in self.settings)

    def config(self, base: SimulationConfig | None = None) -> SimulationConfig:
        """`base` (default: the default config) with this team's scenario and overrides."""
        return replace(base or SimulationConfig(), scenario=self.scenario, **dict(self.overrides))

    def costs(self, base: Costs) -> Costs:
        """`base` with the team's models in production (when its context gave them)."""
        models = self._get("models")
        return base if models.source == "default" else replace(base, models=float(models.value))

    def sentences(self) -> list[str]:
        """What the report says about each setting, in the table's order."""
        return [s.sentence for s in self.settings]


def team_simulation(context: Context | None, *, scenario: str = "") -> TeamSimulation:
    """The settings `context` gives (a missing answer: the default, said to be one); `scenario`, when given
    (a report parameter), replaces the context's scenario, and the sentence says both."""
    context = context or Context()
    settings = []
    for rule in CONTEXT_RULES:
        answer = getattr(context, rule.question)
        value = rule.value(answer) if answer is not None else None
        if value is None:
            setting = Setting(rule.setting, rule.default, "default",
                              rule.unsaid if answer is None else rule.said(answer, value))
        else:
            setting = Setting(rule.setting, value, "context", rule.said(answer, value))
        if rule.setting == "scenario" and scenario:
            spec = get_scenario(scenario)  # unknown: one line naming the field
            would = (f"; your context alone would give {setting.value}" if setting.source == "context"
                     and setting.value != scenario else "")
            setting = Setting("scenario", spec.name, "parameter",
                              f"The scenario {spec.name} was chosen for this report (parameter scenario){would}: "
                              f"{spec.description}")
        settings.append(setting)
    return TeamSimulation(tuple(settings))


def possible_simulations() -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    """Every (scenario, overrides) a team's context can give, the default first, then each scenario with
    the default schedules, then every cadence: what the room's report worker simulates ahead, so that a
    team's "Create my report" never waits for its simulation. Read through `team_simulation`, the one
    reader of the table, so a new rule or answer shows up here by itself."""
    changes = (None, *DATA_CHANGE_SCENARIOS)
    cadences = (None, *RETRAINING_WEEKS)
    seen: dict[tuple[str, tuple[tuple[str, Any], ...]], None] = {}
    for cadence_first in (False, True):
        for change in changes:
            for cadence in cadences if cadence_first else (None,):
                team = team_simulation(Context(data_change=change, retraining_frequency=cadence))
                seen.setdefault((team.scenario, team.overrides), None)
    return tuple(seen)


__all__ = ["CONTEXT_RULES", "DATA_CHANGE_SCENARIOS", "DEFAULT_SCENARIO", "RETRAINING_WEEKS", "ContextRule", "Setting",
           "TeamSimulation", "possible_simulations", "team_simulation"]
