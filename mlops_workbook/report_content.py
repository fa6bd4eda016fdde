"""What a team's report says, as HTML fragments and charts: the code `notebooks/03_report.ipynb` calls.

The same notebook runs under papermill (parameters injected) and live in Voila (parameters from
the page's query string, handed to the kernel in QUERY_STRING); `resolve_parameters` is the one
code path for both. Everything a user typed (team name, evidence, notes) is HTML-escaped here.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pandas as pd

from .answers import Answers, answers_path as team_answers_path, load_answers
from .errors import WorkbookError
from .rubric import Rubric
from .scoring import Assessment, score
from .simulation import LEVEL_NAMES, SimulationResult, simulate, simulate_seeds

ANSWERS_DIR_ENV = "MLOPS_WORKBOOK_ANSWERS_DIR"
STATUS_LABELS = {"yes": "met", "partial": "partly met", "no": "not met", "n/a": "not applicable", None: "unanswered"}
# Concept drift separates the levels most clearly (each level loses less than the one below it),
# so it is what "what your level costs you" shows unless a scenario is chosen.
REPORT_SCENARIO = "concept-drift"

STYLE = """
<style>
.mw-report { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2733; max-width: 980px; }
.mw-report h2 { border-bottom: 2px solid #dde3ea; padding-bottom: .2em; margin-top: 1.4em; }
.mw-report table { border-collapse: collapse; margin: .5em 0 1em; font-size: .92em; }
.mw-report th, .mw-report td { border: 1px solid #dde3ea; padding: .3em .6em; text-align: left; vertical-align: top; }
.mw-report th { background: #f3f6f9; }
.mw-level { display: inline-block; padding: .15em .6em; border-radius: 1em; color: #fff; font-weight: 600; }
.mw-l0 { background: #b0413e; } .mw-l1 { background: #e07b39; } .mw-l2 { background: #c9a227; }
.mw-l3 { background: #6a994e; } .mw-l4 { background: #2a6f97; }
.mw-met { color: #2d6a4f; } .mw-partial { color: #b7791f; } .mw-unmet { color: #b0413e; }
.mw-muted { color: #5c6b7a; } .mw-flag { background: #fff4e5; border-left: 4px solid #e07b39; padding: .4em .8em; }
.mw-error { background: #fdecea; border-left: 4px solid #b0413e; padding: .6em 1em; }
.mw-headline { font-size: 1.1em; line-height: 1.5; }
</style>
"""


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def level_badge(level: int, name: str = "") -> str:
    label = f"Level {level}" + (f": {esc(name)}" if name else "")
    return f'<span class="mw-level mw-l{int(level)}">{label}</span>'


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class ReportParameters:
    answers_path: str
    rubric: str = ""
    target_level: int | None = None
    scenario: str = REPORT_SCENARIO
    seed: int = 0
    include_simulation: bool = True


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
    scenario: str = REPORT_SCENARIO,
    seed: int = 0,
    include_simulation: bool = True,
    query_string: str | None = None,
    answers_dir: str | os.PathLike[str] | None = None,
) -> ReportParameters:
    """Papermill's injected values, overridden by a Voila query string when there is one.

    From the URL only names are taken, never paths: `team=blue` becomes `<answers dir>/blue.json`
    through the same safe-name rule the assessment saves with.
    """
    params = ReportParameters(str(answers_path), rubric or "", target_level, scenario, int(seed), bool(include_simulation))
    if not query_string:
        return params
    query = {k: v[-1] for k, v in parse_qs(query_string.lstrip("?"), keep_blank_values=True).items()}
    changes: dict[str, Any] = {}
    if query.get("team"):
        folder = Path(answers_dir or os.environ.get(ANSWERS_DIR_ENV, "answers"))
        path = team_answers_path(folder, query["team"])
        if not path.is_file():
            raise WorkbookError(f"no answers saved for team {query['team']!r}", field="team")
        changes["answers_path"] = str(path)
    if query.get("rubric"):
        from .rubric import available_rubrics

        known = available_rubrics()
        if query["rubric"] not in known:  # from a URL only a bundled rubric id, never a path
            raise WorkbookError(f"unknown rubric {query['rubric']!r} (known: {', '.join(known)})", field="rubric")
        changes["rubric"] = query["rubric"]
    if query.get("scenario"):
        changes["scenario"] = query["scenario"]
    for key in ("target_level", "seed"):
        if query.get(key):
            try:
                changes[key] = int(query[key])
            except ValueError:
                raise WorkbookError(f"expected a whole number, got {query[key]!r}", field=key) from None
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
    if "VOILA_PREHEAT" in os.environ:  # only inside Voila; returns at once unless preheated
        try:
            from voila.utils import wait_for_request

            wait_for_request()
        except ImportError:  # pragma: no cover - voila is a dependency
            pass
    return os.environ.get("QUERY_STRING")


# --------------------------------------------------------------------------- simulation (cached per kernel)


SIMULATION_CACHE_ENV = "MLOPS_WORKBOOK_SIMULATION_CACHE"


def simulation_cache_file(folder: str | os.PathLike[str], scenario: str, seed: int) -> Path:
    return Path(folder) / f"simulation-{scenario}-{int(seed)}.pkl"


REPORT_SEEDS = 20  # seeds behind the report's means and intervals
REPORT_ROWS_PER_WEEK = 1000  # money is scaled to the loan book, so half the rows keep the same units


def report_simulation(scenario: str, seed: int) -> SimulationResult:
    """Seed `seed` for the week-by-week chart, plus seeds seed..seed+19 for means and intervals."""
    result = simulate(scenario=scenario, seed=seed, rows_per_week=REPORT_ROWS_PER_WEEK, drift=False)
    result.seeds = simulate_seeds(result.config, seeds=REPORT_SEEDS, costs=result.costs)
    return result


@lru_cache(maxsize=8)
def cached_simulation(scenario: str, seed: int) -> SimulationResult:
    """All five levels once per (scenario, seed): a kernel that renders many reports pays once, and a
    batch computes it once in the parent and hands it over through $MLOPS_WORKBOOK_SIMULATION_CACHE
    (a folder private to that batch)."""
    folder = os.environ.get(SIMULATION_CACHE_ENV)
    if folder:
        path = simulation_cache_file(folder, scenario, seed)
        if path.is_file():
            import pickle

            with path.open("rb") as handle:
                return pickle.load(handle)
    return report_simulation(scenario, seed)


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


# --------------------------------------------------------------------------- the report


@dataclass
class TeamReport:
    params: ReportParameters
    answers: Answers
    rubric: Rubric
    assessment: Assessment
    warnings: list[str] = field(default_factory=list)
    simulation: SimulationResult | None = None

    @classmethod
    def build(cls, params: ReportParameters) -> TeamReport:
        from .rubric import load_rubric

        rubric = load_rubric(params.rubric) if params.rubric else None
        answers, rub, warnings = load_answers(params.answers_path, rubric)
        assessment = score(rub, answers, target_level=params.target_level, warnings=warnings)
        report = cls(params, answers, rub, assessment, list(warnings))
        if params.include_simulation:
            report.simulation = _subset(cached_simulation(params.scenario, params.seed), report.compared_levels)
        return report

    # ------------------------------------------------------------- facts

    @property
    def team(self) -> str:
        return self.answers.team

    @property
    def compared_levels(self) -> tuple[int, ...]:
        current, target = self.assessment.overall_level, self.assessment.target.level
        if current == target:
            return (0, current) if current else (0, 2)
        return tuple(sorted({current, target}))

    def headline(self) -> str:
        """One paragraph in plain words (plain text; escape before putting it in HTML)."""
        a = self.assessment
        weakest = [d.name for d in a.dimensions if d.level == a.overall_level]
        strongest = max(a.dimensions, key=lambda d: (d.level, d.progress))
        level = self.rubric.level(a.overall_level)
        parts = [
            f"{self.team} is at Level {a.overall_level} ({level.name}) overall: the level of its weakest "
            f"dimension{'s' if len(weakest) > 1 else ''}, {', '.join(weakest)}.",
        ]
        if strongest.level > a.overall_level:
            parts.append(f"Its strongest area is {strongest.name} (Level {strongest.level}).")
        parts.append(f"Recommended target: Level {a.target.level} ({self.rubric.level(a.target.level).name}).")
        items = a.roadmap_items
        if items:
            first = items[0]
            effort = self.rubric.level(first.level).effort
            parts.append(
                f"Next step: reach Level {first.level} in {first.dimension_name} ({effort or 'effort varies'}); "
                f"{len(items)} criteria stand between the team and its target."
            )
        else:
            parts.append("The team meets every criterion up to its target: keep each level solid.")
        if any(f.kind == "jumped-levels" for f in a.flags):
            parts.append("Some advanced practices sit on missing foundations: finish the lower levels first.")
        return " ".join(parts)

    # ------------------------------------------------------------- sections

    def summary_html(self) -> str:
        a = self.assessment
        rows = [
            [esc(d.name), level_badge(d.level), f"{d.progress:.2f}", str(d.ceiling)] for d in a.dimensions
        ]
        warnings = "".join(f'<p class="mw-flag">{esc(w)}</p>' for w in self.warnings)
        return (
            f'{STYLE}<div class="mw-report">'
            f"<h1>MLOps maturity report: {esc(self.team)}</h1>"
            f'<p class="mw-muted">Rubric {esc(self.rubric.title)} (v{esc(self.rubric.version)}); answers dated '
            f"{esc(self.answers.date or 'unknown')}; {a.answered} of {a.total} criteria answered.</p>"
            f"<h2>Executive summary</h2>"
            f"<p>Overall: {level_badge(a.overall_level, self.rubric.level(a.overall_level).name)} "
            f'<span class="mw-muted">(the weakest dimension; mean {a.mean_level:.2f}, progress '
            f"{a.mean_progress:.2f})</span></p>"
            f"<p>Recommended target: {level_badge(a.target.level, self.rubric.level(a.target.level).name)}</p>"
            f'<p class="mw-muted">{esc(a.target.reason)}</p>'
            f'<p class="mw-headline">{esc(self.headline())}</p>'
            f"{warnings}"
            + _table(["Dimension", "Level", "Progress", "Ceiling"], rows)
            + "</div>"
        )

    def dimensions_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"dimension": d.name, "level": d.level, "progress": d.progress} for d in self.assessment.dimensions]
        )

    def levels_chart(self) -> Any:
        from .charts import enable_offline_rendering, levels_chart

        enable_offline_rendering()
        return levels_chart(self.dimensions_frame(), target=self.assessment.target.level,
                            title=f"{self.team}: level per dimension (dashed: target)")

    def dimensions_html(self) -> str:
        parts = ['<div class="mw-report"><h2>Criteria per dimension</h2>']
        for dim, result in zip(self.rubric.dimensions, self.assessment.dimensions):
            parts.append(f"<h3>{esc(dim.name)} {level_badge(result.level)}</h3>")
            rows = []
            for crit in dim.criteria:
                answer = self.answers.answers.get(crit.id)
                value = answer.value if answer else None
                css = {"yes": "mw-met", "partial": "mw-partial", "n/a": "mw-muted"}.get(value or "", "mw-unmet")
                evidence = esc(answer.evidence) if answer and answer.evidence else ""
                rows.append([f"L{crit.level}", esc(crit.text), f'<span class="{css}">{STATUS_LABELS[value]}</span>',
                             evidence])
            parts.append(_table(["Level", "Criterion", "Status", "Evidence"], rows))
        return "".join(parts) + "</div>"

    def flags_html(self) -> str:
        flags = self.assessment.flags
        if not flags:
            return '<div class="mw-report"><h2>Flags</h2><p>No flags: levels are reached in order.</p></div>'
        items = "".join(f'<p class="mw-flag">{esc(f.message)}</p>' for f in flags)
        return f'<div class="mw-report"><h2>Flags</h2>{items}</div>'

    def roadmap_html(self) -> str:
        a = self.assessment
        parts = ['<div class="mw-report"><h2>Roadmap</h2>']
        if not a.roadmap:
            parts.append(f"<p>Every criterion up to the target (Level {a.target.level}) is met.</p>")
        for phase in a.roadmap:
            level = self.rubric.level(phase.level)
            parts.append(f"<h3>Phase: {esc(phase.name)} ({esc(phase.months)}), reaching Level {phase.level} "
                         f"({esc(level.name)}), effort {esc(level.effort or 'varies')}</h3>")
            if level.how_to_reach:
                parts.append(f'<p class="mw-muted">{esc(level.how_to_reach)}</p>')
            rows = [[esc(item.dimension_name), esc(item.text), esc(STATUS_LABELS.get(item.status, item.status)),
                     esc(", ".join(item.tools))] for item in phase.items]
            parts.append(_table(["Dimension", "Criterion", "Now", "Tools"], rows))
        return "".join(parts) + "</div>"

    def simulation_html(self) -> str:
        if self.simulation is None:
            return ""
        sim = self.simulation
        levels = self.compared_levels
        multi = sim.seeds
        currency = multi.costs.currency if multi is not None else "EUR"
        summary = (multi.summary() if multi is not None else sim.kpis).set_index("level")

        def money(column: str, lv: int) -> str:
            value = summary.loc[lv, column]
            if f"{column}_low" not in summary.columns:
                return f"{value:,.0f}"
            return (f"{value:,.0f}<br><small>90% interval {summary.loc[lv, column + '_low']:,.0f} to "
                    f"{summary.loc[lv, column + '_high']:,.0f}</small>")

        metrics = [
            (f"Net cost ({currency} per year)", "net_cost", None),
            (f"Business loss vs an oracle ({currency})", "business_loss", None),
            (f"Run cost: compute, people, build ({currency})", "run_cost", None),
            ("Mean AUC", "mean_auc", "{:.3f}"), ("Mean accuracy", "mean_accuracy", "{:.1%}"),
            ("Accuracy-weeks lost vs the oracle", "accuracy_weeks_lost", "{:.2f}"),
            ("Weeks to detect the drift", "weeks_to_detect", "{:.1f}"), ("Alerts", "alerts", "{:.1f}"),
            ("Retrains", "retrains", "{:.1f}"), ("Deployments blocked", "blocked", "{:.1f}"),
            ("Bad models shipped", "bad_models_shipped", "{:.2f}"),
            ("Manual interventions", "manual_interventions", "{:.1f}"),
        ]
        rows = []
        for label, column, fmt in metrics:
            cells = []
            for lv in levels:
                value = summary.loc[lv, column]
                if fmt is None:
                    cells.append(money(column, lv))
                else:
                    cells.append("never" if column == "weeks_to_detect" and value != value else fmt.format(value))
            rows.append([esc(label), *cells])
        headers = ["KPI"] + [esc(LEVEL_NAMES[lv]) for lv in levels]
        scenario = sim.scenario
        verdicts = ""
        if multi is not None and len(levels) > 1:
            items = []
            for low, high in zip(levels, levels[1:]):
                c = multi.compare(high, low)
                items.append(f"<li>{esc(LEVEL_NAMES[high])} against {esc(LEVEL_NAMES[low])}: net cost "
                             f"{esc(c.wording(currency + ' '))}.</li>")
            verdicts = f"<ul>{''.join(items)}</ul>"
        seeds_text = (f"Means over {len(multi.seeds)} simulated years (seeds {multi.seeds[0]}-{multi.seeds[-1]}), "
                      f"with 90% intervals; the comparison is paired (same streams). ") if multi is not None else ""
        return (
            '<div class="mw-report"><h2>What your level costs you</h2>'
            f"<p>The same 52 weeks of loan applications, the same drift (<b>{esc(scenario.name)}</b>: "
            f"{esc(scenario.description)} Onset week {scenario.onset}), operated at "
            + " and at ".join(esc(LEVEL_NAMES[lv]) for lv in levels)
            + ". Labels arrive 2 weeks late, as in production. Loans are approved when the predicted default "
              "probability is under the break-even cut-off; the business loss is the profit lost against a lender "
              "who knows every applicant's true risk. "
            + esc(seeds_text) + "</p>"
            + _table(headers, rows)
            + verdicts
            + "</div>"
        )

    def simulation_chart(self) -> Any:
        if self.simulation is None:
            return None
        from .charts import enable_offline_rendering, net_cost_chart, timeline_chart

        enable_offline_rendering()
        sim = self.simulation
        if sim.seeds is not None:
            return net_cost_chart(sim.seeds.summary(), currency=sim.seeds.costs.currency,
                                  title="Net cost per year: mean over seeds, 90% interval")
        events = sim.events[sim.events.event.isin(["alert", "complaint", "promoted", "blocked", "rolled back"])]
        return timeline_chart(sim.timeline, events, metric="cumulative_loss", onset=sim.scenario.onset,
                              title="Business loss so far, thousands (markers: alerts, complaints, promotions)")

    def kpis_html(self) -> str:
        a = self.assessment
        now = [[esc(k.name), esc(k.why)] for k in a.kpis if k.when == "now"]
        nxt = [[esc(k.name), esc(k.why)] for k in a.kpis if k.when == "next"]
        parts = ['<div class="mw-report"><h2>KPIs to track</h2>']
        if now:
            parts.append(f"<h3>At Level {a.overall_level}, now</h3>" + _table(["KPI", "Why"], now))
        if nxt:
            parts.append(f"<h3>From Level {a.overall_level + 1}</h3>" + _table(["KPI", "Why"], nxt))
        if self.simulation is not None:
            measured = self.simulation.kpis.set_index("level").loc[a.overall_level]
            detect = measured["weeks_to_detect"]
            parts.append(
                f'<p class="mw-muted">On the sample data at your level: time to detect drift '
                f"{'never' if detect != detect else f'{detect:.0f} weeks'}, "
                f"{int(measured['retrains'])} retrains, {int(measured['manual_interventions'])} manual interventions "
                f"in 52 weeks.</p>"
            )
        return "".join(parts) + "</div>"

    def appendix_html(self) -> str:
        rows = []
        for crit in self.rubric.iter_criteria():
            answer = self.answers.answers.get(crit.id)
            rows.append([esc(crit.id), esc(crit.text), esc(answer.value if answer else "unanswered"),
                         esc(answer.evidence if answer else "")])
        context = self.answers.context.to_dict()
        ctx = "; ".join(f"{esc(k.replace('_', ' '))}: {esc(v)}" for k, v in context.items()) or "none given"
        notes = f"<p>Notes: {esc(self.answers.notes)}</p>" if self.answers.notes else ""
        return (
            '<div class="mw-report"><h2>Appendix: all answers</h2>'
            f"<p>Context: {ctx}</p>{notes}"
            + _table(["Criterion", "Statement", "Answer", "Evidence"], rows)
            + "</div>"
        )

    def levels_record(self) -> dict[str, Any]:
        """Machine-readable summary, written into the executed notebook for the index page."""
        a = self.assessment
        return {"team": self.team, "overall_level": a.overall_level, "target_level": a.target.level,
                "dimension_levels": a.dimension_levels, "mean_progress": round(a.mean_progress, 3),
                "flags": sorted({f.kind for f in a.flags})}


class ReportFailure:
    """Stands in for a report that could not be built (in Voila): one friendly message, no traceback."""

    def __init__(self, message: str):
        self.message = message

    def summary_html(self) -> str:
        return (f'{STYLE}<div class="mw-report"><h1>MLOps maturity report</h1>'
                f'<p class="mw-error">This report cannot be shown: {esc(self.message)}</p></div>')

    def __getattr__(self, name: str) -> Any:
        if name.endswith("_html"):
            return lambda: ""
        if name.endswith("_chart"):
            return lambda: None
        raise AttributeError(name)


def build_report(*, answers_path: str, rubric: str = "", target_level: int | None = None,
                 scenario: str = REPORT_SCENARIO, seed: int = 0, include_simulation: bool = True,
                 query_string: str | None = None) -> TeamReport | ReportFailure:
    """The report notebook's one call. Under papermill an error raises (the batch reports it); in
    Voila (a query string is present) it becomes a friendly message in the page."""
    try:
        params = resolve_parameters(answers_path=answers_path, rubric=rubric, target_level=target_level,
                                    scenario=scenario, seed=seed, include_simulation=include_simulation,
                                    query_string=query_string)
        return TeamReport.build(params)
    except WorkbookError as exc:
        if query_string is None:
            raise
        return ReportFailure(str(exc) if exc.field == "team" or not exc.source else exc.reason)
