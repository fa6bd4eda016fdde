"""What a level costs in money: the loan book's economics and the price of running the level.

A loan is approved when the predicted default probability is under the cut-off. A repaid loan earns
`margin` x amount, a defaulted one loses `loss_given_default` x amount. The oracle approves exactly
the loans whose true expected value is positive; `business_loss` is the profit a level makes less
than the oracle. `run_cost` prices what a stakeholder pays for a level, split three ways:

- build: the level's engineering effort (the rubric's effort_weeks), amortised;
- people: the days the ledger records (retrains, approvals, incidents, alert triage), a review of every
  release below L4, L4's weekly oversight of what the automation did, and the on-call rota of the
  monitoring levels;
- compute: training, gates and monitoring runs, plus the platform's upkeep (pipeline, registry and
  monitoring stack: licences, infrastructure, patching).

A team runs `models` models, each deciding a book like the simulated one: losses, per-model compute and
per-model people time scale with it; build, platform upkeep and on-call are shared. `price` is the one
place these rules live; the ledger and every repricing call it.
Defaults live in `costs.yaml` next to this module (documented there); `load_costs(path)` overrides them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .. import resources
from ..errors import DataError

DEFAULT_COSTS_FILE = resources.COSTS


@dataclass(frozen=True)
class Costs:
    """The loan book and people prices a run is judged in (costs.yaml, overridable): one place for every money figure."""
    currency: str = "EUR"
    applications_per_week: float = 2000
    models: float = 1
    margin: float = 0.08
    loss_given_default: float = 0.6
    cutoff: float | None = None
    day_rate: float = 800
    manual_retrain_days: float = 2
    scripted_retrain_days: float = 1
    pipeline_trigger_days: float = 0.5
    approval_days: float = 0.25
    incident_days: float = 3
    alert_triage_days: float = 0.25
    training_per_1000_rows: float = 0.5
    gate_evaluation: float = 2.0
    monitoring_week: float = 15.0
    release_review_days: float = 0.5
    oversight_days_per_week: float = 0.25
    on_call_per_year: float = 15000
    pipeline_upkeep_per_year: float = 12000
    monitoring_upkeep_per_year: float = 9000
    rubric: str = "mlops-maturity"
    days_per_week: float = 5
    amortisation_years: float = 1

    @property
    def break_even(self) -> float:
        """The default probability at which a loan's expected margin equals its expected loss."""
        return self.margin / (self.margin + self.loss_given_default)

    @property
    def approval_cutoff(self) -> float:
        """The score under which a loan is approved: the break-even unless a cut-off is set."""
        return self.break_even if self.cutoff is None else self.cutoff

    def profit(self, approve: np.ndarray, p_default: np.ndarray, amount: np.ndarray) -> float:
        """Expected profit of the approved loans given their default probabilities (true ones for
        the yardstick, which removes the coin-flip noise of single outcomes; 0/1 labels for what a
        policy can measure)."""
        value = ((1 - p_default) * self.margin - p_default * self.loss_given_default) * amount
        return float(value[approve].sum())

    def build_weeks(self) -> tuple[float, ...]:
        """Build effort per level in weeks, from the rubric's effort_weeks (midpoints summed)."""
        return _build_weeks(self.rubric)

    def build_cost(self, level: int, weeks: int) -> float:
        """The level's build effort, amortised, for a run of `weeks` weeks."""
        effort = self.build_weeks()[level] * self.days_per_week * self.day_rate
        return effort / self.amortisation_years * weeks / 52

    def people_cost(self, days: float) -> float:
        """Money for `days` of people time at the day rate."""
        return days * self.day_rate

    def book_scale(self, rows_per_week: int) -> float:
        """What one simulated row stands for in money: the applications of every model's book per row."""
        return self.applications_per_week * self.models / rows_per_week

    def price(self, level: int, weeks: int, *, loss_per_model: float, people_days: float, compute: float,
              releases: float) -> LevelCost:
        """A level's money for a run of `weeks` weeks from what one model's run recorded (its loss, the
        people days and compute of its events, its releases): the one pricing rule, so the ledger, the
        lab's repricing and the report's team book agree."""
        ops = OPERATIONS[level]
        share = weeks / 52
        per_model_days = people_days + (self.release_review_days * releases if ops.release_review else 0.0)
        if ops.oversight:
            per_model_days += self.oversight_days_per_week * weeks
        people = self.people_cost(per_model_days * self.models)
        if ops.on_call:
            people += self.on_call_per_year * share
        upkeep = (self.pipeline_upkeep_per_year if ops.pipeline else 0.0) \
            + (self.monitoring_upkeep_per_year if ops.monitoring else 0.0)
        return LevelCost(loss_per_model * self.models, self.build_cost(level, weeks), people,
                         compute * self.models + upkeep * share)


@dataclass(frozen=True)
class LevelCost:
    """One level's money for a run: the business loss and the run cost's three parts."""
    business_loss: float
    build: float
    people: float
    compute: float

    @property
    def run_cost(self) -> float:
        """Build + people + compute."""
        return self.build + self.people + self.compute

    @property
    def net_cost(self) -> float:
        """Business loss + run cost: what the level costs the team in all."""
        return self.business_loss + self.run_cost


@dataclass(frozen=True)
class Operations:
    """Which running costs a level carries, beyond what its events record (read by `Costs.price`)."""
    release_review: bool  # a person reviews each release before it serves
    oversight: bool  # a person reviews, every week, what the automation decided alone
    on_call: bool  # alerts page somebody: an on-call rota
    pipeline: bool  # a pipeline, registry and CI to keep up
    monitoring: bool  # a monitoring stack to keep up


# Per level, side by side: L4 trades the release review for weekly oversight of the automation.
OPERATIONS: dict[int, Operations] = {
    0: Operations(True, False, False, False, False),
    1: Operations(True, False, False, False, False),
    2: Operations(True, False, False, True, False),
    3: Operations(True, False, True, True, True),
    4: Operations(False, True, True, True, True),
}


_SECTIONS = {
    "loan_book": ("applications_per_week", "models", "margin", "loss_given_default", "cutoff"),
    "people": ("day_rate", "manual_retrain_days", "scripted_retrain_days", "pipeline_trigger_days", "approval_days",
               "incident_days", "alert_triage_days", "release_review_days", "oversight_days_per_week",
               "on_call_per_year"),
    "compute": ("training_per_1000_rows", "gate_evaluation", "monitoring_week", "pipeline_upkeep_per_year",
                "monitoring_upkeep_per_year"),
    "build": ("rubric", "days_per_week", "amortisation_years"),
}


@lru_cache(maxsize=4)
def _build_weeks(rubric_ref: str) -> tuple[float, ...]:
    from ..assessment.rubric import load_rubric

    rubric = load_rubric(rubric_ref)
    total, weeks = 0.0, [0.0]
    for level in sorted(rubric.levels, key=lambda lv: lv.level):
        if level.level == 0:
            continue
        low, high = level.effort_weeks or (0.0, 0.0)
        total += (low + high) / 2
        weeks.append(total)
    while len(weeks) < 5:
        weeks.append(total)
    return tuple(weeks)


def repriced(kpis: Any, costs: Costs, weeks: int) -> Any:
    """KPI rows (one run's or every seed's) priced again at `costs`. Nothing that `price` reads changes a
    policy decision (day rate, people fields, upkeep, the number of models), so nothing is simulated again."""
    out = kpis.copy()
    priced = [costs.price(int(row.level), weeks, loss_per_model=row.loss_per_model, people_days=row.people_days,
                          compute=row.model_compute, releases=row.deployments) for row in out.itertuples()]
    out["business_loss"] = [p.business_loss for p in priced]
    out["build_cost"] = [p.build for p in priced]
    out["people_cost"] = [p.people for p in priced]
    out["compute_cost"] = [p.compute for p in priced]
    out["run_cost"] = [p.run_cost for p in priced]
    out["net_cost"] = [p.net_cost for p in priced]
    return out


def default_costs() -> Costs:
    """The shipped costs.yaml."""
    return load_costs(DEFAULT_COSTS_FILE)


def load_costs(path: str | Path | None = None, **overrides: Any) -> Costs:
    """Defaults from costs.yaml, then the given file on top, then keyword overrides. Errors name the
    file and the field."""
    costs = _read(DEFAULT_COSTS_FILE, Costs())
    if path is not None and Path(path) != DEFAULT_COSTS_FILE:
        costs = _read(Path(path), costs)
    if overrides:
        costs = replace(costs, **overrides)
        _check(costs, "overrides")
    return costs


def _read(path: Path, base: Costs) -> Costs:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError("file not found", source=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read: {exc}", source=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise DataError(f"not valid YAML{where}", source=path) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DataError("expected a mapping of sections (loan_book, people, compute, build)", source=path)
    changes: dict[str, Any] = {}
    known = {f.name: f for f in fields(Costs)}
    for section, value in data.items():
        if section == "currency":
            if not isinstance(value, str) or not value.strip():
                raise DataError("expected a currency name", source=path, field="currency")
            changes["currency"] = value.strip()
            continue
        if section not in _SECTIONS:
            raise DataError(f"unknown section (expected one of currency, {', '.join(_SECTIONS)})",
                            source=path, field=str(section))
        if not isinstance(value, dict):
            raise DataError("expected a mapping", source=path, field=str(section))
        for key, item in value.items():
            where = f"{section}.{key}"
            if key not in _SECTIONS[section]:
                raise DataError(f"unknown field (expected one of {', '.join(_SECTIONS[section])})",
                                source=path, field=where)
            if key == "rubric":
                if not isinstance(item, str):
                    raise DataError("expected a rubric id or path", source=path, field=where)
            elif key == "cutoff" and item is None:
                pass
            elif isinstance(item, bool) or not isinstance(item, (int, float)):
                raise DataError(f"expected a number, got {item!r}", source=path, field=where)
            changes[known[key].name] = float(item) if isinstance(item, int) and not isinstance(item, bool) else item
    costs = replace(base, **changes)
    _check(costs, str(path))
    return costs


def _check(costs: Costs, source: str) -> None:
    section_of = {key: section for section, keys in _SECTIONS.items() for key in keys}
    for f in fields(Costs):
        value = getattr(costs, f.name)
        where = f"{section_of.get(f.name, '')}.{f.name}".lstrip(".")
        if isinstance(value, float) and not np.isfinite(value):
            raise DataError("must be a finite number", source=source, field=where)
        if f.name in ("rubric", "currency") or value is None:
            continue
        if value < 0:
            raise DataError(f"must be >= 0, got {value}", source=source, field=where)
    if costs.margin <= 0 or costs.loss_given_default <= 0:
        raise DataError("margin and loss_given_default must be > 0", source=source,
                        field="loan_book.margin" if costs.margin <= 0 else "loan_book.loss_given_default")
    if costs.cutoff is not None and not 0 < costs.cutoff < 1:
        raise DataError(f"must be between 0 and 1, got {costs.cutoff}", source=source, field="loan_book.cutoff")
    if costs.applications_per_week <= 0:
        raise DataError("must be > 0", source=source, field="loan_book.applications_per_week")
    if costs.models < 1:
        raise DataError(f"must be at least 1, got {costs.models}", source=source, field="loan_book.models")
    if costs.amortisation_years <= 0:
        raise DataError("must be > 0", source=source, field="build.amortisation_years")
    try:
        _build_weeks(costs.rubric)
    except Exception as exc:  # a RubricError or a missing rubric: name the field
        raise DataError(f"cannot read the rubric's effort_weeks: {exc}", source=source, field="build.rubric") from None
