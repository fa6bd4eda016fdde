"""What a team's report says, as HTML fragments and charts: the code `notebooks/03_report.ipynb` calls.

The same notebook runs under papermill (parameters injected) and live in Voila (parameters from
the page's query string, handed to the kernel in QUERY_STRING); `resolve_parameters` is the one
code path for both. The sections are Jinja2 templates (`templates/report/`) with autoescape, so
everything a user typed (team name, evidence, notes) is escaped by the template engine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Self
from urllib.parse import parse_qs

import pandas as pd

from .. import settings
from ..simulation.replay.saved import load_saved_replay
from ..assessment.answers import Answers
from ..assessment.history import Progress
from ..assessment.record import TeamRecord
from ..assessment.rubric import Rubric
from ..assessment.scoring import Assessment
from ..assessment.store import AnswersStore, read_team
from ..errors import WorkbookError
from ..formatting import detection, interval, money, never_or, plural
from ..html import render
from ..simulation import Costs, MultiSeedResult, SimulationResult, load_costs, simulate, simulate_seeds
from ..simulation.costs import repriced
from ..simulation.from_context import TeamSimulation, team_simulation
from ..simulation.money import BreakEven, break_even_volume
from ..simulation.policies import detection_rule
from ..simulation.uncertainty import Comparison
from ..style import level_label
from . import simcache
from .replay_story import ReplayStory

STATUS_LABELS = {"yes": "met", "partial": "partly met", "no": "not met", "n/a": "not applicable", None: "unanswered"}


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class ReportParameters:
    """The report notebook's parameters, checked: from papermill's injected cell or from a Voila page's query."""
    answers_path: str
    rubric: str = ""
    target_level: int | None = None
    scenario: str = ""  # a registered scenario; "": the one the team's context gives (`simulation.from_context`)
    seed: int = 0
    include_simulation: bool = True
    costs: str = ""  # a costs file (YAML, like simulation/costs.yaml); "": the shipped defaults
    replay: str = ""  # a saved `replay --json` result: the money from the team's own history instead of the loan book


def _parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise WorkbookError(f"expected true or false, got {text!r}", field="include_simulation")


def resolve_parameters(
    *,
    answers_path: str,
    rubric: str = "",
    target_level: int | None = None,
    scenario: str = "",
    seed: int = 0,
    include_simulation: bool = True,
    costs: str = "",
    replay: str = "",
    query_string: str | None = None,
    answers_dir: str | os.PathLike[str] | None = None,
) -> ReportParameters:
    """Papermill's injected values, overridden by a Voila query string when there is one.

    From the URL only names are taken, never paths: `team=blue` becomes `<answers dir>/blue.json`
    through the same safe-name rule the assessment saves with (so `costs` and `replay`, paths, are never read
    from it).
    """
    if int(seed) < 0:
        raise WorkbookError(f"expected a whole number >= 0, got {seed!r}", field="seed")
    params = ReportParameters(str(answers_path), rubric or "", target_level, scenario or "", int(seed),
                              bool(include_simulation), str(costs or ""), str(replay or ""))
    if not query_string:
        return params
    query = {k: v[-1] for k, v in parse_qs(query_string.lstrip("?"), keep_blank_values=True).items()}
    changes: dict[str, Any] = {}
    if query.get("rubric"):
        from ..assessment.rubric import available_rubrics

        known = available_rubrics()
        if query["rubric"] not in known:  # from a URL only a bundled rubric id, never a path
            raise WorkbookError(f"unknown rubric {query['rubric']!r} (known: {', '.join(known)})", field="rubric")
        changes["rubric"] = query["rubric"]
    if query.get("team"):
        folder = settings.answers_dir(answers_dir)
        changes["answers_path"] = str(AnswersStore(folder).team_file(query["team"], query.get("rubric")))
    if query.get("scenario"):
        changes["scenario"] = query["scenario"]
    for key in ("target_level", "seed"):
        if query.get(key):
            try:
                changes[key] = int(query[key])
            except ValueError:
                raise WorkbookError(f"expected a whole number, got {query[key]!r}", field=key) from None
    if changes.get("seed", 0) < 0:
        raise WorkbookError(f"expected a whole number >= 0, got {changes['seed']}", field="seed")
    if "target_level" in changes and not 0 <= changes["target_level"] <= 4:
        raise WorkbookError("expected a level from 0 to 4", field="target_level")
    if query.get("include_simulation"):
        changes["include_simulation"] = _parse_bool(query["include_simulation"])
    return replace(params, **changes)


def voila_query_string() -> str | None:
    """The page's query string when running in Voila, None under papermill or in JupyterLab.

    Voila hands it to the kernel in QUERY_STRING; a preheated kernel gets it only once a page
    request arrives, so wait for that first.
    """
    if settings.preheated():  # only inside Voila; returns at once unless preheated
        try:
            from voila.utils import wait_for_request

            wait_for_request()
        except ImportError:  # pragma: no cover - voila is a dependency
            pass
    return settings.query_string() or None


# --------------------------------------------------------------------------- simulation (cached per kernel)


REPORT_SEEDS = 20  # seeds behind the report's means and intervals
REPORT_ROWS_PER_WEEK = 1000  # money is scaled to the loan book, so half the rows keep the same units


def report_simulation(scenario: str, seed: int, costs: Costs | None = None,
                      overrides: tuple[tuple[str, Any], ...] = ()) -> SimulationResult:
    """Seed `seed` for the week-by-week chart, plus seeds seed..seed+19 for means and intervals;
    `overrides`: the team's other settings (`TeamSimulation.overrides`, e.g. its retraining cadence)."""
    result = simulate(scenario=scenario, seed=seed, rows_per_week=REPORT_ROWS_PER_WEEK, drift=False, costs=costs,
                      **dict(overrides))
    result.seeds = simulate_seeds(result.config, seeds=REPORT_SEEDS, costs=result.costs)
    return result


# The loan book's fields that change what a policy decides (its cut-off, its "profit fell" alarm) or the
# money per simulated row: a team's costs file that changes one of them is simulated again; any other
# field (people, upkeep, models) is repriced from the kept runs.
DECISION_FIELDS = ("applications_per_week", "margin", "loss_given_default", "cutoff")


def _decides_alike(costs: Costs, other: Costs) -> bool:
    return all(getattr(costs, f) == getattr(other, f) for f in DECISION_FIELDS)


def cached_simulation(scenario: str, seed: int, costs: Costs | None = None,
                      overrides: tuple[tuple[str, Any], ...] = ()) -> SimulationResult:
    """All five levels once per (scenario, seed, the loan book's decision fields): a kernel that renders
    many reports pays once, and a batch computes the default book once in the parent and hands it over
    through $MLOPS_WORKBOOK_SIMULATION_CACHE (a folder private to that batch). Teams that differ only in
    what is repriced (models, people, upkeep) share one run."""
    if costs is None or _decides_alike(costs, load_costs()):
        return _cached(scenario, seed, None, overrides)
    return _cached(scenario, seed, replace(load_costs(), **{f: getattr(costs, f) for f in DECISION_FIELDS}), overrides)


@lru_cache(maxsize=8)
def _cached(scenario: str, seed: int, costs: Costs | None, overrides: tuple[tuple[str, Any], ...]) -> SimulationResult:
    if costs is None:
        shared = simcache.read(scenario, seed, overrides=overrides)
        if shared is not None:
            return shared
        result = report_simulation(scenario, seed, overrides=overrides)
        folder = settings.simulation_cache()
        if folder is not None:  # under a batch or the room's queue: the next kernel with this key reads it
            simcache.write(folder, scenario, seed, result, overrides)
        return result
    return report_simulation(scenario, seed, costs, overrides)


@dataclass(frozen=True)
class TeamBook:
    """The book a team's money is about: the costs it is priced at (the team's file, its models in
    production from the context) and what that book is in applications and money a year."""
    costs: Costs
    source: str  # the costs file, or "the shipped costs"
    models_from_context: bool
    mean_amount: float  # the simulated stream's mean loan amount applied for
    simulation: TeamSimulation  # the scenario and settings simulated, and which context answers gave them

    @property
    def applications_per_year(self) -> float:
        """Every model's applications a year."""
        return self.costs.applications_per_week * 52 * self.costs.models

    @property
    def amount_per_year(self) -> float:
        """What those applications ask for a year."""
        return self.applications_per_year * self.mean_amount

    def sentence(self) -> str:
        """The book in one sentence (plain text)."""
        c = self.costs
        models = int(c.models) if float(c.models).is_integer() else c.models
        if models != 1:
            each = f"{models} models in production (from the team's context), each deciding"
        else:
            each = "1 model in production" + (" (from the team's context)" if self.models_from_context else "") + ", deciding"
        return (f"The book simulated: {each} {c.applications_per_week:,.0f} loan applications a week; "
                f"{self.applications_per_year:,.0f} applications a year asking for {c.currency} "
                f"{_large(self.amount_per_year)} (mean loan {money(self.mean_amount, c.currency)}); margin "
                f"{c.margin:.0%} on a repaid loan, {c.loss_given_default:.0%} lost on a default; priced with "
                f"{self.source}.")


def scenario_words(name: str) -> str:
    """The one way the report names a simulated scenario in a sentence: "the concept-drift scenario"."""
    return f"the {name} scenario"


def _large(value: float) -> str:
    """Money in words a stakeholder reads at a glance: 1.9 billion, 380 million."""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            return f"{value / size:,.1f} {word}"
    return f"{value:,.0f}"


@lru_cache(maxsize=1)
def mean_loan_amount() -> float:
    """The stream's mean amount applied for (every scenario draws the same population before week 0)."""
    from ..simulation.scenarios import get_scenario, generate_week

    return float(generate_week(-1, 20_000, get_scenario("none"), 0).loan_amount.mean())


def team_book(params: ReportParameters, context: Any) -> TeamBook:
    """The team's costs file (or the defaults) with what its context gives (`simulation.from_context`: the
    models in production, the scenario, the retraining cadence; an explicit `scenario` parameter wins)."""
    settings = team_simulation(context, scenario=params.scenario)
    costs = settings.costs(load_costs(params.costs or None))
    models = next(s for s in settings.settings if s.name == "models")
    return TeamBook(costs, f"the costs file {os.path.basename(params.costs)}" if params.costs else "the shipped costs",
                    models.source == "context", mean_loan_amount(), settings)


def _subset(result: SimulationResult, levels: tuple[int, ...]) -> SimulationResult:
    seeds = result.seeds
    if seeds is not None:
        seeds = replace(seeds, per_seed=seeds.per_seed[seeds.per_seed.level.isin(levels)].reset_index(drop=True))
    return replace(
        result,
        timeline=result.timeline[result.timeline.level.isin(levels)].reset_index(drop=True),
        kpis=result.kpis[result.kpis.level.isin(levels)].reset_index(drop=True),
        events=result.events[result.events.level.isin(levels)].reset_index(drop=True),
        decisions={lv: reg for lv, reg in result.decisions.items() if lv in levels},
        seeds=seeds,
    )


@dataclass(frozen=True)
class MoneyStory:
    """What the report says about money, for the team's book: the headline sentence, whether the money backs
    the target, and monitoring's break-even volume. Apart from `ReportData` so each stays small."""
    book: TeamBook
    money: MultiSeedResult  # every level's seeds priced at the team's book
    assessment: Assessment
    rubric: Rubric
    compared_levels: tuple[int, ...]
    scenario: str

    def _label(self, level: int) -> str:
        return level_label(level, self.rubric)

    def headline(self) -> str:
        """The one sentence at the top: what moving from the team's level to its target is worth a year on
        its book, with the seeds' paired 90% interval."""
        now, target = self.assessment.overall_level, self.assessment.target.level
        cur = self.book.costs.currency
        on = (f"on this book ({_large(self.book.applications_per_year)} applications a year, "
              f"{scenario_words(self.scenario)})")
        if now == target:
            below = self.compared_levels[0]
            c = self.money.compare(below, now)
            return (f"Staying at {self._label(now)}, the target, rather than {self._label(below)} is "
                    f"{_worth(c, cur)} {on}.")
        c = self.money.compare(now, target)
        return f"Moving from {self._label(now)} to {self._label(target)} is {_worth(c, cur)} {on}."

    def target(self) -> str:
        """Does the money back the recommended target? Either it does (no level costs measurably less on
        this book), or this says which level costs less, by how much, and why the target stands."""
        a, cur = self.assessment, self.money.costs.currency
        target = a.target.level
        cheaper = [(lv, self.money.compare(target, lv)) for lv in self.money.levels if lv != target]
        cheaper = [(lv, c) for lv, c in cheaper if c.measurable and c.mean > 0]
        if not cheaper:
            return (f"The money agrees: on this book no level costs measurably less a year than "
                    f"{self._label(target)}.")
        level, c = max(cheaper, key=lambda item: item[1].mean)
        loss = self.money.compare(target, level, "business_loss")
        same = ("for the same loss (no measurable difference in business loss)" if not loss.measurable
                else f"and loses {_amount(loss, cur)} more" if loss.mean > 0
                else f"though it loses {_amount(loss, cur)} less")
        scenario = self.scenario
        from_context = any(s.name == "scenario" and s.source == "context" for s in self.book.simulation.settings)
        if a.target.chosen:
            why = "it is the target you chose"
        elif level < target:
            why = ("it follows from your context, which this simulation does not price: it runs one scenario on "
                   "every model's book alike, while automation's value grows with many models that change fast")
        elif from_context:
            why = (f"it is the rule of thumb for your context, while in {scenario_words(scenario)}, which your answers "
                   f"describe, {self._label(level)} does better on this book: aim for it if you can (parameter "
                   f"target_level)")
        else:
            why = (f"it follows from your context, while {scenario_words(scenario)} simulated here may be more than "
                   f"your data sees; if your data can change like this, aim for {self._label(level)} (parameter target_level); "
                   f"on stable data monitoring costs more than it saves (README, 20-seed table)")
        stop = f"; {self._label(level)} is the cheaper stop on the way." if level < target else "."
        return (f"The money does not back {self._label(target)} here: on this book it costs "
                f"{_amount(c, cur)} a year more than {self._label(level)}, {same}. {self._label(target)} stays "
                f"the target because {why}{stop}")

    def break_even(self) -> BreakEven | None:
        """The loan volume (applications a week per model) at which monitoring (Level 3) costs no more than
        Level 2, from the seeds (None when the seeds do not hold both levels)."""
        if not {2, 3} <= set(self.money.levels):
            return None
        return break_even_volume(self.money.per_seed, self.money.costs, 2, 3)

    def break_even_text(self) -> str:
        """The break-even volume in words, with its range over the seeds."""
        b = self.break_even()
        if b is None:
            return ""
        return self._break_even_sentence(b) + self._why_level_2()

    def _why_level_2(self) -> str:
        """Why the break-even names Level 2 when the table above does not show it."""
        if 2 in self.compared_levels:
            return ""
        return (f" {self._label(2)}, the last level without monitoring, is not in the table above; it was simulated "
                f"on the same {len(self.money.seeds)} years, so the comparison is paired like the table's.")

    def _break_even_sentence(self, b: BreakEven) -> str:
        if b.volume is None:
            return (f"Monitoring, at {self._label(3)}, does not measurably cut the business loss against "
                    f"{self._label(2)} in this scenario, so no loan volume makes it pay for itself here.")
        if b.volume == 0:
            return f"Monitoring, at {self._label(3)}, costs no more to run than {self._label(2)}: it pays at any volume."
        where = "this book is above it" if b.pays_at_this_book else (
            "this book is below it" if b.low is not None and b.applications_per_week < b.low else "this book is within it")
        return (f"Monitoring, at {self._label(3)}, pays for itself against {self._label(2)} from about "
                f"{b.volume:,.0f} applications a week per model (90% range {b.low:,.0f} to {b.high:,.0f}, from "
                f"the seeds' paired interval of the loss it saves; {where}: {b.applications_per_week:,.0f}).")


# --------------------------------------------------------------------------- the report


@dataclass
class ReportData:
    """What a report knows: the answers, their assessment, the earlier one if kept, the simulation."""

    params: ReportParameters
    answers: Answers
    rubric: Rubric
    assessment: Assessment
    warnings: list[str] = field(default_factory=list)
    simulation: SimulationResult | None = None
    progress: Progress | None = None
    story: MoneyStory | None = None  # the money on the team's book (with a simulation of every seed)
    replay_story: ReplayStory | None = None  # the money on the team's own history (parameter `replay`)

    @classmethod
    def build(cls, params: ReportParameters) -> Self:
        """Read the team through the store (a TeamRecord), then add the simulation if asked for."""
        from ..assessment.rubric import load_rubric

        rubric = load_rubric(params.rubric) if params.rubric else None
        return cls.from_record(params, read_team(params.answers_path, rubric, target_level=params.target_level))

    @classmethod
    def from_record(cls, params: ReportParameters, record: TeamRecord) -> Self:
        """A report of a team already read (`store.read_team`)."""
        report = cls(params, record.answers, record.rubric, record.assessment, list(record.warnings),
                     progress=record.progress)
        if params.include_simulation and params.replay:
            report.replay_story = ReplayStory.build(load_saved_replay(params.replay), report.assessment,
                                                    report.rubric, report.compared_levels)
        elif params.include_simulation:
            book = team_book(params, record.answers.context)
            full = cached_simulation(book.simulation.scenario, params.seed, book.costs, book.simulation.overrides)
            weeks = full.config.weeks
            money_seeds = None
            if full.seeds is not None:
                money_seeds = replace(full.seeds, per_seed=repriced(full.seeds.per_seed, book.costs, weeks),
                                      costs=book.costs)
            priced = replace(full, kpis=repriced(full.kpis, book.costs, weeks), costs=book.costs, seeds=money_seeds)
            report.simulation = _subset(priced, report.compared_levels)
            if money_seeds is not None:
                report.story = MoneyStory(book, money_seeds, report.assessment, report.rubric, report.compared_levels,
                                          full.scenario.name)
        return report

    @property
    def team(self) -> str:
        """The team's name as it answered it."""
        return self.answers.team

    @property
    def compared_levels(self) -> tuple[int, ...]:
        """The levels the money section compares: the team's level and its target (0 and 2 when both are 0)."""
        current, target = self.assessment.overall_level, self.assessment.target.level
        if current == target:
            return (0, current) if current else (0, 2)
        return tuple(sorted({current, target}))

    def headline(self) -> str:
        """One paragraph in plain words (plain text: the templates escape it)."""
        a = self.assessment
        weakest = [d.name for d in a.dimensions if d.level == a.overall_level]
        strongest = max(a.dimensions, key=lambda d: (d.level, d.progress))
        def label(level: int) -> str:  # the one spelling of a level, with the rubric's name
            return level_label(level, self.rubric)

        parts = [
            f"{self.team} is at {label(a.overall_level)} overall: the level of its weakest "
            f"dimension{'s' if len(weakest) > 1 else ''}, {', '.join(weakest)}.",
        ]
        if strongest.level > a.overall_level:
            parts.append(f"Its strongest area is {strongest.name} ({label(strongest.level)}).")
        parts.append(f"Recommended target: {label(a.target.level)}.")
        items = a.roadmap_items
        if items:
            first = items[0]
            effort = self.rubric.level(first.level).effort
            parts.append(
                f"Next step: reach {label(first.level)} in {first.dimension_name} ({effort or 'effort varies'}); "
                f"{len(items)} criteria stand between the team and its target."
            )
        else:
            parts.append("The team meets every criterion up to its target: keep each level solid.")
        if any(f.kind == "jumped-levels" for f in a.flags):
            parts.append("Some advanced practices sit on missing foundations: finish the lower levels first.")
        if self.progress is not None:
            before, now = self.progress.previous.overall_level, a.overall_level
            moved = "unchanged at" if before == now else ("up from" if now > before else "down from")
            parts.append(f"Since {self.progress.date}: {moved} {label(before)}"
                         f"{'' if before == now else f' to {label(now)}'}.")
        return " ".join(parts)

    def dimensions_frame(self) -> pd.DataFrame:
        """One row per dimension (name, level, progress), the levels chart's data."""
        return pd.DataFrame(
            [{"dimension": d.name, "level": d.level, "progress": d.progress} for d in self.assessment.dimensions]
        )


class TeamReport(ReportData):
    """The report's sections as HTML (from the Jinja2 templates in templates/report/) and charts."""

    def _render(self, name: str, **data: Any) -> str:
        return render(f"report/{name}.html.j2", labels=STATUS_LABELS, **data)

    def summary_html(self) -> str:
        """Title, overall and target badges (named as in the headline), headline, the dimension table."""
        story = self.replay_story or self.story
        book = (self.story.book.sentence() if self.story else
                self.replay_story.book_sentence() if self.replay_story else "")
        return self._render("summary", team=self.team, rubric=self.rubric, answers=self.answers,
                            a=self.assessment, headline=self.headline(), warnings=self.warnings,
                            money_headline=story.headline() if story else "",
                            target_money=story.target() if story else "", book=book)

    def since_html(self) -> str:
        """Levels on the previous assessment's date and now, criteria gained and lost ("" without history)."""
        p = self.progress
        if p is None:
            return ""
        other = sum(not (c.gained or c.lost) for c in p.changes)
        return self._render("since", p=p, now_date=self.answers.date or "today", other=other,
                            dimensions=list(zip(p.previous.dimensions, p.current.dimensions)))

    def levels_chart(self) -> Any:
        """The team's level per dimension against its target, rendered offline."""
        from ..charts import enable_offline_rendering, levels_chart

        enable_offline_rendering()
        return levels_chart(self.dimensions_frame(), target=self.assessment.target.level,
                            title=f"{self.team}: level per dimension (dashed: target)")

    def dimensions_html(self) -> str:
        """Every criterion per dimension with the team's answer and evidence (escaped by the template)."""
        return self._render("dimensions", answers=self.answers, rubric=self.rubric,
                            dimensions=list(zip(self.rubric.dimensions, self.assessment.dimensions)))

    def flags_html(self) -> str:
        """The scoring's flags (levels skipped, warnings), or a line saying there are none."""
        return self._render("flags", flags=self.assessment.flags)

    def roadmap_html(self) -> str:
        """The phases to the target; beside each criterion, what the scan's probes for it suggest doing
        (whether or not the team was scanned), and where the scan found partial evidence when it did."""
        from ..scan.table import criterion_remediation

        advice = {item.criterion: criterion_remediation(self.rubric.criteria[item.criterion])
                  for phase in self.assessment.roadmap for item in phase.items}
        return self._render("roadmap", a=self.assessment, rubric=self.rubric, advice=advice, answers=self.answers)

    def simulation_html(self) -> str:
        """What the compared levels cost on the sample stream; weeks and label delay come from the run's
        config, the levels are named by the rubric ("" without a simulation)."""
        if self.replay_story is not None:
            r = self.replay_story
            return self._render("replay", story=r, replay=r.replay, rows=r.rows(), verdicts=r.verdicts(),
                                level_names=[level_label(lv, self.rubric) for lv in r.compared_levels],
                                costs_file=os.path.basename(self.params.costs))
        if self.simulation is None:
            return ""
        sim = self.simulation
        levels = self.compared_levels
        multi = sim.seeds
        currency = multi.costs.currency if multi is not None else "EUR"
        summary = (multi.summary() if multi is not None else sim.kpis).set_index("level")

        def cell(column: str, lv: int, fmt: str | None) -> dict[str, str]:
            value = summary.loc[lv, column]
            if column == "weeks_to_detect" and multi is not None:
                return {"value": never_or(value, fmt or "{:.1f}"), "interval": "",
                        "note": f"noticed in {detected_years(multi.per_seed, lv)} of {len(multi.seeds)} years"}
            if fmt is not None:
                return {"value": never_or(value, fmt), "interval": "", "note": ""}
            spread = (interval(summary.loc[lv, column + "_low"], summary.loc[lv, column + "_high"])
                      if f"{column}_low" in summary.columns else "")
            return {"value": money(value), "interval": spread, "note": ""}

        rows = [{"label": label, "cells": [cell(column, lv, fmt) for lv in levels]}
                for label, column, fmt in _simulation_metrics(currency)]
        verdicts = []
        if multi is not None:
            for low, high in zip(levels, levels[1:]):
                verdicts.append(f"Net cost at {level_label(high, self.rubric)} against {level_label(low, self.rubric)}"
                                f": {multi.compare(high, low).wording(currency + ' ')}.")
        seeds_text = (f"Means over {len(multi.seeds)} simulated years (seeds {multi.seeds[0]}-{multi.seeds[-1]}), "
                      f"with 90% intervals; the comparison is paired (same streams).") if multi is not None else ""
        return self._render("simulation", scenario=sim.scenario, scenario_text=scenario_words(sim.scenario.name),
                            detection_rule=detection_rule(sim.config, sim.scenario.onset, len(multi.seeds) if multi is not None else 1), level_names=[level_label(lv, self.rubric) for lv in levels],
                            rows=rows, verdicts=verdicts, seeds_text=seeds_text, config=sim.config,
                            book=self.story.book.sentence() if self.story else "",
                            settings=self.story.book.simulation if self.story else None,
                            break_even=self.story.break_even_text() if self.story else "",
                            bad_models=_bad_models_text(summary, levels, self.rubric))

    def simulation_chart(self) -> Any:
        """What each compared level costs over the simulated year, or None when the report has no simulation."""
        if self.simulation is None:
            return None
        from ..charts import enable_offline_rendering, net_cost_chart, timeline_chart

        enable_offline_rendering()
        sim = self.simulation
        if sim.seeds is not None:
            return net_cost_chart(sim.seeds.summary(), currency=sim.seeds.costs.currency,
                                  title="Net cost per year: mean over seeds, 90% interval",
                                  names={lv: level_label(lv, self.rubric) for lv in range(5)})
        events = sim.events[sim.events.event.isin(["alert", "complaint", "promoted", "blocked", "rolled back"])]
        return timeline_chart(sim.timeline, events, metric="cumulative_loss", onset=sim.scenario.onset,
                              title="Business loss so far, thousands (markers: alerts, complaints, promotions)")

    def kpis_html(self) -> str:
        """The KPIs to track now and from the next level, and what the simulation measured at this one."""
        a = self.assessment
        measured = level_measures(self.simulation, a.overall_level) if self.simulation is not None else None
        return self._render("kpis", level=a.overall_level, rubric=self.rubric, measured=measured,
                            now=[k for k in a.kpis if k.when == "now"], next=[k for k in a.kpis if k.when == "next"])

    def appendix_html(self) -> str:
        """Every answer as given, with the context and the notes."""
        return self._render("appendix", rubric=self.rubric, answers=self.answers,
                            context=self.answers.context.to_dict())


@dataclass(frozen=True)
class LevelMeasures:
    """What the simulation measured at one level, from the same source as the table of "What your level costs
    you" (the seeds' means when there are seeds, else the one simulated year), said in words."""
    source: str  # "means over 20 simulated years, seeds 0-19, as in the table above" or "one simulated year, seed 0"
    detect: str  # "7.4 weeks" or "never"
    detected_years: int | None  # years (seeds) in which the drift was noticed; None for one year
    years: int
    retrains: str  # "52 retrains", "1 retrain", "2.2 retrains"
    manual: str  # "2.2 manual interventions"
    weeks: int


def count_words(value: float, word: str) -> str:
    """A count, or a mean of counts, with its noun: "1 retrain", "52 retrains", "2.2 retrains"."""
    if float(value).is_integer():
        return plural(int(value), word)
    return f"{value:.1f} {word}s"


def detected_years(per_seed: pd.DataFrame, level: int) -> int:
    """In how many of the simulated years (seeds) `level` noticed the drift at all."""
    return int(per_seed.loc[per_seed.level == level, "weeks_to_detect"].notna().sum())


def level_measures(sim: SimulationResult, level: int) -> LevelMeasures:
    """The KPIs sentence's figures at `level`, from the table's source: the seeds' means, or the one run."""
    weeks = sim.config.weeks
    multi = sim.seeds
    if multi is not None:
        row = multi.summary().set_index("level").loc[level]
        years = len(multi.seeds)
        source = (f"means over {years} simulated years, seeds {multi.seeds[0]}-{multi.seeds[-1]}, "
                  f"as in the table above")
        found: int | None = detected_years(multi.per_seed, level)
    else:
        row = sim.kpis.set_index("level").loc[level]
        years, source, found = 1, f"one simulated year, seed {sim.config.seed}", None
    return LevelMeasures(source, detection(row["weeks_to_detect"], digits=1 if multi is not None else 0), found,
                         years, count_words(row["retrains"], "retrain"),
                         count_words(row["manual_interventions"], "manual intervention"), weeks)


def _worth(c: Comparison, currency: str) -> str:
    """`c` is (from-level - to-level) net cost: "worth EUR X a year (90% interval ...)" or its opposite."""
    if not c.measurable:
        return f"worth no measurable amount a year (90% interval {currency} {c.low:,.0f} to {c.high:,.0f})"
    if c.mean > 0:
        return f"worth {currency} {c.mean:,.0f} a year (90% interval {currency} {c.low:,.0f} to {c.high:,.0f})"
    return f"a cost of {currency} {-c.mean:,.0f} a year (90% interval {currency} {-c.high:,.0f} to {-c.low:,.0f})"


def _amount(c: Comparison, currency: str) -> str:
    """|mean| with its interval: "EUR 41,040 (90% interval 39,000 to 43,000)"."""
    low, high = sorted((abs(c.low), abs(c.high)))
    return f"{currency} {abs(c.mean):,.0f} (90% interval {low:,.0f} to {high:,.0f})"


def _bad_models_text(summary: pd.DataFrame, levels: tuple[int, ...], rubric: Rubric | None = None) -> str:
    """What "bad models shipped" means, next to the releases it is a share of."""
    parts = []
    for lv in levels:
        if {"bad_models_shipped", "deployments"} <= set(summary.columns):
            parts.append(f"{summary.loc[lv, 'bad_models_shipped']:.2f} of {summary.loc[lv, 'deployments']:.1f}"
                         f" releases at {level_label(lv, rubric)}")
    return ("A bad model shipped is a release that, over the weeks it served, earned more than 2% of the "
            "oracle's profit less than the model it replaced would have. Read it against the releases: a level "
            "that never retrains cannot ship a bad model, one that releases every four weeks, or right after a "
            "change when few labelled weeks of the new data exist, sometimes does; its gates and rollback catch "
            "most, not all. " + ("Here: " + "; ".join(parts) + "." if parts else ""))


def _simulation_metrics(currency: str) -> list[tuple[str, str, str | None]]:
    """(label, KPI column, format): money columns (format None) carry their 90% interval."""
    return [
        (f"Net cost ({currency} per year)", "net_cost", None),
        (f"Business loss vs an oracle ({currency})", "business_loss", None),
        (f"Run cost ({currency}): build + people + compute", "run_cost", None),
        (f"of which build, amortised ({currency})", "build_cost", None),
        (f"of which people: retrains, reviews, incidents, alerts, on-call, oversight ({currency})", "people_cost", None),
        (f"of which compute and platform upkeep ({currency})", "compute_cost", None),
        ("Releases", "deployments", "{:.1f}"),
        ("Mean AUC", "mean_auc", "{:.3f}"), ("Mean accuracy", "mean_accuracy", "{:.1%}"),
        ("Accuracy-weeks lost vs the oracle", "accuracy_weeks_lost", "{:.2f}"),
        ("Weeks to detect the drift (see below the table)", "weeks_to_detect", "{:.1f}"), ("Alerts", "alerts", "{:.1f}"),
        ("Retrains", "retrains", "{:.1f}"), ("Deployments blocked", "blocked", "{:.1f}"),
        ("Bad models shipped (see below the table)", "bad_models_shipped", "{:.2f}"),
        ("Manual interventions", "manual_interventions", "{:.1f}"),
    ]


class ReportFailure:
    """Stands in for a report that could not be built (in Voila): one friendly message, no traceback."""

    def __init__(self, message: str):
        self.message = message

    def summary_html(self) -> str:
        """The one friendly message, escaped, in the report's style."""
        return render("report/failure.html.j2", message=self.message)

    def __getattr__(self, name: str) -> Any:
        if name.endswith("_html"):
            return lambda: ""
        if name.endswith("_chart"):
            return lambda: None
        raise AttributeError(name)


def build_report(*, answers_path: str, rubric: str = "", target_level: int | None = None,
                 scenario: str = "", seed: int = 0, include_simulation: bool = True, costs: str = "",
                 replay: str = "", query_string: str | None = None) -> TeamReport | ReportFailure:
    """The report notebook's one call. Under papermill an error raises (the batch reports it); in
    Voila (a query string is present) it becomes a friendly message in the page."""
    try:
        params = resolve_parameters(answers_path=answers_path, rubric=rubric, target_level=target_level,
                                    scenario=scenario, seed=seed, include_simulation=include_simulation,
                                    costs=costs, replay=replay, query_string=query_string)
        return TeamReport.build(params)
    except WorkbookError as exc:
        if query_string is None:
            raise
        return ReportFailure(str(exc) if exc.field == "team" or not exc.source else exc.reason)
