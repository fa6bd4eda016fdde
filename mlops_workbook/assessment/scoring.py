"""Gated maturity scoring: pure functions from (rubric, answers) to an Assessment.

Gating follows the seeds' rule "move one level at a time, and make sure each level is solid":
a dimension is at level L when levels 1..L all reach the rubric's pass ratio and L+1 does not.
`yes` counts 1, `partial` 0.5, `no` and unanswered 0; `n/a` leaves the criterion out (a level
whose criteria are all `n/a` is met).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..style import level_label
from .answers import ANSWER_SCORES, Answers, Context
from .rubric import Dimension, Rubric

_EPS = 1e-9
FREQUENT_RETRAINING = ("monthly", "weekly", "daily", "continuous")
FAST_RETRAINING = ("daily", "continuous")
DOZENS_OF_MODELS = 12
DECIMALS = 3  # the one rounding of an assessment's means in every JSON, CSV and index


@dataclass(frozen=True)
class LevelScore:
    """How much of one level of one dimension is met."""

    level: int
    ratio: float
    met: bool
    criteria: int
    not_applicable: int
    unanswered: int


@dataclass(frozen=True)
class DimensionResult:
    """One dimension scored: its gated level, progress towards the next, the highest level touched."""

    id: str
    name: str
    level: int
    progress: float
    ceiling: int
    levels: tuple[LevelScore, ...]
    met: tuple[str, ...]
    unmet: tuple[str, ...]


@dataclass(frozen=True)
class Flag:
    """Something the team should look at (jumped levels, unanswered criteria, beyond its target)."""

    kind: str
    message: str
    dimension: str | None = None
    criteria: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """The level to aim for, why, and what the context alone recommends (`chosen`: overridden by the user)."""

    level: int
    reason: str
    recommended: int
    chosen: bool = False


@dataclass(frozen=True)
class RoadmapItem:
    """One unmet criterion on the way to the target, with its effort and the tools the criterion itself names
    (empty when it names none: the level's tool categories are the phase's, `Rubric.tools_for_level`)."""

    dimension: str
    dimension_name: str
    level: int
    criterion: str
    text: str
    status: str
    effort: str
    tools: tuple[str, ...]


@dataclass(frozen=True)
class RoadmapPhase:
    """The roadmap's items for one level, under the rubric's phase name and months."""

    id: str
    name: str
    months: str
    level: int
    items: tuple[RoadmapItem, ...]


@dataclass(frozen=True)
class KPIAdvice:
    """A KPI to track now (at the team's level) or next (once it reaches the next level)."""

    id: str
    name: str
    why: str
    from_level: int
    when: str  # "now" (at your level) or "next" (once you reach the next level)


@dataclass(frozen=True)
class Assessment:
    """A team's answers scored against a rubric: overall level (the weakest dimension), target, roadmap.

    A result, never changed after `score` built it; `to_dict` is its one JSON form, used by every reader
    (CLI, room, batch index), so a number is rounded one way everywhere.
    """

    team: str
    rubric: str
    rubric_version: str
    overall_level: int
    overall_name: str
    mean_level: float
    mean_progress: float
    ceiling: int
    dimensions: tuple[DimensionResult, ...]
    target: Target
    roadmap: tuple[RoadmapPhase, ...]
    kpis: tuple[KPIAdvice, ...]
    flags: tuple[Flag, ...]
    answered: int
    total: int
    context: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def dimension_levels(self) -> dict[str, int]:
        """Dimension name -> level, in rubric order."""
        return {d.name: d.level for d in self.dimensions}

    @property
    def roadmap_items(self) -> list[RoadmapItem]:
        """Every roadmap item, phase by phase."""
        return [item for phase in self.roadmap for item in phase.items]

    def overview(self) -> dict[str, Any]:
        """The scalar part of `to_dict` (levels, means, counts): the one place an assessment's numbers are
        rounded, cheap enough for a room's table on every refresh."""
        return {
            "team": self.team,
            "rubric": self.rubric,
            "rubric_version": self.rubric_version,
            "overall_level": self.overall_level,
            "overall_name": self.overall_name,
            "mean_level": round(self.mean_level, DECIMALS),
            "mean_progress": round(self.mean_progress, DECIMALS),
            "ceiling": self.ceiling,
            "dimension_levels": self.dimension_levels,
            "target_level": self.target.level,
            "answered": self.answered,
            "total": self.total,
        }

    def to_dict(self) -> dict[str, Any]:
        """Stable JSON form, documented in the README (`score --json`): `overview()` plus the details."""
        head = self.overview()
        return {
            **{k: head[k] for k in ("team", "rubric", "rubric_version", "overall_level", "overall_name",
                                    "mean_level", "mean_progress", "ceiling", "dimension_levels")},
            "dimensions": [asdict(d) for d in self.dimensions],
            "target_level": head["target_level"],
            "target": asdict(self.target),
            "flags": [asdict(f) for f in self.flags],
            "roadmap": [asdict(p) for p in self.roadmap],
            "kpis": [asdict(k) for k in self.kpis],
            "answered": head["answered"],
            "total": head["total"],
            "context": self.context,
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------- per dimension


def _is_met(value: str | None) -> bool:
    return value == "yes"


def score_dimension(dimension: Dimension, answers: Answers, pass_ratio: float = 1.0) -> DimensionResult:
    """Gate one dimension: level L when levels 1..L reach `pass_ratio` and L+1 does not."""
    level_scores = []
    for block in dimension.levels:
        total = 0.0
        counted = na = unanswered = 0
        for criterion in block.criteria:
            value = answers.value(criterion.id)
            if value == "n/a":
                na += 1
                continue
            counted += 1
            if value is None:
                unanswered += 1
            else:
                total += ANSWER_SCORES[value]
        ratio = total / counted if counted else 1.0
        level_scores.append(
            LevelScore(block.level, ratio, ratio + _EPS >= pass_ratio, len(block.criteria), na, unanswered)
        )
    level = 0
    for ls in level_scores:
        if not ls.met:
            break
        level = ls.level
    next_ratio = level_scores[level].ratio if level < len(level_scores) else 0.0
    progress = level + (next_ratio if level < 4 else 0.0)
    ceiling = 0
    for criterion in dimension.criteria:
        if answers.value(criterion.id) in ("yes", "partial"):
            ceiling = max(ceiling, criterion.level)
    met = tuple(c.id for c in dimension.criteria if _is_met(answers.value(c.id)))
    unmet = tuple(c.id for c in dimension.criteria if answers.value(c.id) not in ("yes", "n/a"))
    return DimensionResult(
        id=dimension.id,
        name=dimension.name,
        level=level,
        progress=round(progress, 4),
        ceiling=ceiling,
        levels=tuple(level_scores),
        met=met,
        unmet=unmet,
    )


# --------------------------------------------------------------------------- target level


def recommend_target(context: Context, rubric: Rubric | None = None) -> Target:
    """The seeds' rule of thumb: one model retrained quarterly or less -> 2; several or frequent -> 3;
    dozens of models, fast-changing data or a high cost of a stale model -> 4. The reason names the
    level as the rest of the page does (`style.level_label`: the rubric's name when given)."""
    def label(level: int) -> str:
        return level_label(level, rubric)

    if context.is_empty:
        return Target(3, f"No context given: {label(3)} is where most ML teams should aim to be.", 3)
    models = context.models_in_production
    freq = context.retraining_frequency
    level4 = []
    if models is not None and models >= DOZENS_OF_MODELS:
        level4.append(f"{models} models in production (dozens)")
    if context.data_change == "fast":
        level4.append("fast-changing data")
    if freq in FAST_RETRAINING:
        level4.append(f"{freq} retraining")
    if context.stale_model_cost == "high":
        level4.append("a high cost of a stale model")
    if level4:
        reason = (
            f"{label(4)} is recommended for " + _join(level4) + ": models retrain themselves when "
            "drift is detected, with automatic evaluation and promotion (the report says what it costs on your book)."
        )
        return Target(4, reason, 4)
    level3 = []
    if models is not None and models >= 2:
        level3.append(f"{models} models in production")
    if freq in FREQUENT_RETRAINING:
        level3.append(f"{freq} retraining")
    if level3:
        reason = (
            f"{label(3)}: " + _join(level3) + " call for drift and performance monitoring, so problems "
            "are caught before users notice them."
        )
        return Target(3, reason, 3)
    reason = (
        f"{label(2)} is plenty for what you told us ({_join(_given_facts(context))}): automated "
        "pipelines, a registry and quality gates. Save Level 3 and 4 investments for multiple models with "
        "frequent updates."
    )
    return Target(2, reason, 2)


def _given_facts(context: Context) -> list[str]:
    """Only what the team said: an unset field is never described (no invented "one model")."""
    facts = []
    if context.models_in_production is not None:
        n = context.models_in_production
        facts.append(f"{n} model{'' if n == 1 else 's'} in production")
    if context.retraining_frequency:
        facts.append(f"{context.retraining_frequency} retraining")
    if context.stale_model_cost:
        facts.append(f"a {context.stale_model_cost} cost of a stale model")
    if context.data_change:
        facts.append(f"{context.data_change}ly changing data" if context.data_change != "fast" else "fast data")
    if context.team_size is not None:
        facts.append(f"a team of {context.team_size}")
    return facts


def _count(n: int, noun: str) -> str:
    plural = "criteria" if noun == "criterion" else f"{noun}s"
    return f"{n} {noun if n == 1 else plural}"


def _span(low: int, high: int) -> str:
    return f"level {low}" if low == high else f"levels {low}-{high}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# --------------------------------------------------------------------------- the assessment


def score(
    rubric: Rubric,
    answers: Answers,
    *,
    target_level: int | None = None,
    context: Context | None = None,
    warnings: list[str] | tuple[str, ...] = (),
) -> Assessment:
    """Score answers against a rubric; `target_level` overrides the recommended target."""
    ctx = context if context is not None else answers.context
    dims = tuple(score_dimension(d, answers, rubric.pass_ratio) for d in rubric.dimensions)
    overall = min(d.level for d in dims)
    recommended = recommend_target(ctx, rubric)
    if target_level is not None:
        if not 0 <= int(target_level) <= 4:
            raise ValueError(f"target_level must be 0-4, got {target_level}")
        target = Target(
            int(target_level),
            f"Chosen target: Level {target_level}. Recommended from your context: Level {recommended.level}. "
            + recommended.reason,
            recommended.level,
            chosen=True,
        )
    else:
        target = recommended

    criteria = rubric.criteria
    answered = sum(1 for cid in criteria if answers.value(cid) is not None)
    flags = _flags(rubric, answers, dims, overall, target, len(criteria) - answered, len(criteria))
    return Assessment(
        team=answers.team,
        rubric=rubric.id,
        rubric_version=rubric.version,
        overall_level=overall,
        overall_name=rubric.level(overall).name,
        mean_level=sum(d.level for d in dims) / len(dims),
        mean_progress=sum(d.progress for d in dims) / len(dims),
        ceiling=max(d.ceiling for d in dims),
        dimensions=dims,
        target=target,
        roadmap=build_roadmap(rubric, answers, dims, target.level),
        kpis=kpis_for(rubric, overall),
        flags=tuple(flags),
        answered=answered,
        total=len(criteria),
        context=ctx.to_dict(),
        warnings=tuple(warnings),
    )


def _flags(
    rubric: Rubric,
    answers: Answers,
    dims: tuple[DimensionResult, ...],
    overall: int,
    target: Target,
    unanswered: int,
    total: int,
) -> list[Flag]:
    flags = []
    for dim_result, dimension in zip(dims, rubric.dimensions):
        jumped = tuple(
            c.id for c in dimension.criteria if c.level >= dim_result.level + 2 and _is_met(answers.value(c.id))
        )
        if jumped:
            jumped_levels = [rubric.criteria[c].level for c in jumped]
            flags.append(
                Flag(
                    "jumped-levels",
                    f"{dimension.name}: level {dim_result.level} reached, but {_count(len(jumped), 'criterion')} "
                    f"of {_span(min(jumped_levels), max(jumped_levels))} met. Don't jump levels: the foundations they rely "
                    f"on are missing, so make level {dim_result.level + 1} solid first.",
                    dimension.id,
                    jumped,
                )
            )
    if unanswered:
        flags.append(
            Flag(
                "unanswered",
                f"{unanswered} of {total} criteria are unanswered; they count as not met.",
                None,
                tuple(c for c in rubric.criteria if answers.value(c) is None),
            )
        )
    if overall > target.level:
        flags.append(
            Flag(
                "beyond-target",
                f"Overall level {overall} is above the target level {target.level}: don't over-invest in "
                "tooling your context does not need.",
            )
        )
    return flags


def build_roadmap(
    rubric: Rubric, answers: Answers, dims: tuple[DimensionResult, ...], target: int
) -> tuple[RoadmapPhase, ...]:
    """Unmet criteria from each dimension's next level up to the target, grouped into the seeds' phases."""
    by_level: dict[int, list[RoadmapItem]] = {lv: [] for lv in range(1, 5)}
    for dim_result, dimension in zip(dims, rubric.dimensions):
        for level in range(dim_result.level + 1, target + 1):
            info = rubric.level(level)
            for criterion in dimension.criteria_at(level):
                value = answers.value(criterion.id)
                if value in ("yes", "n/a"):
                    continue
                by_level[level].append(
                    RoadmapItem(
                        dimension=dimension.id,
                        dimension_name=dimension.name,
                        level=level,
                        criterion=criterion.id,
                        text=criterion.text,
                        status=value or "unanswered",
                        effort=info.effort,
                        tools=criterion.tools,
                    )
                )
    phases = []
    for level, items in by_level.items():
        if not items:
            continue
        phase = rubric.phase_for(level)
        phases.append(
            RoadmapPhase(
                id=phase.id if phase else f"level-{level}",
                name=phase.name if phase else f"Level {level}",
                months=phase.months if phase else "",
                level=level,
                items=tuple(items),
            )
        )
    return tuple(phases)


def kpis_for(rubric: Rubric, level: int) -> tuple[KPIAdvice, ...]:
    """KPIs to track at this level ("now") and the ones the next level adds ("next")."""
    advice = [KPIAdvice(k.id, k.name, k.why, k.from_level, "now") for k in rubric.kpis if k.from_level <= level]
    advice += [KPIAdvice(k.id, k.name, k.why, k.from_level, "next") for k in rubric.kpis if k.from_level == level + 1]
    return tuple(advice)
