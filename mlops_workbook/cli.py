"""`mlops-workbook …`: argument parsing and exit codes only; every command calls into the modules.

Exit codes: 0 ok, 1 some work failed, 2 bad input (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import WorkbookError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _bad_input_line(exc: WorkbookError) -> str:
    """The one line every bad input prints on stderr: `error: <file>: <field>: <reason>`."""
    return f"error: {exc}\n"


_ARGUMENT = re.compile(r"argument (?P<field>[^:]+): (?P<reason>.*)", re.S)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is bad input like any other: the same one line
    (`error: --seed: expected ...`, the option as its field), no usage block, exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        match = _ARGUMENT.fullmatch(message)
        exc = (WorkbookError(match["reason"], field=match["field"].split("/")[-1]) if match
               else WorkbookError(message))
        self.exit(EXIT_BAD_INPUT, _bad_input_line(exc))


class _Lazy(Sequence[str]):
    """Choices read from a module only when argparse needs them (a value to check, a --help to
    print): `mlops-workbook --help` and `score` never import SciPy or pandas to learn the scenario
    and test names."""

    def __init__(self, module: str, name: str) -> None:
        self._module, self._name = module, name
        self._items: list[str] | None = None

    def _load(self) -> list[str]:
        if self._items is None:
            from importlib import import_module

            self._items = list(getattr(import_module(self._module, __package__), self._name))
        return self._items

    def __getitem__(self, index: Any) -> Any:
        return self._load()[index]

    def __len__(self) -> int:
        return len(self._load())

    def __contains__(self, item: object) -> bool:
        return item in self._load()

    def __iter__(self) -> Any:
        return iter(self._load())


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return value


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


# --------------------------------------------------------------------------- rubric


def cmd_rubric_list(args: argparse.Namespace) -> int:
    """The rubrics found (bundled, $MLOPS_WORKBOOK_RUBRICS, ./rubrics), one line or one JSON row each."""
    from .assessment.rubric import available_rubrics, load_rubric

    rows = []
    for rid, path in available_rubrics().items():
        rub = load_rubric(path)
        rows.append({"id": rid, "title": rub.title, "version": rub.version,
                     "criteria": len(rub.criteria), "dimensions": len(rub.dimensions), "path": str(path)})
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            print(f"{row['id']:<20} v{row['version']:<5} {row['criteria']:>3} criteria  {row['title']}")
    return EXIT_OK


def cmd_rubric_show(args: argparse.Namespace) -> int:
    """One rubric's levels and criteria, as text or its stable JSON form."""
    from .assessment.rubric import load_rubric

    rub = load_rubric(args.rubric)
    if args.json:
        _print_json(rub.to_dict())
        return EXIT_OK
    print(f"{rub.title} ({rub.id} v{rub.version}), pass ratio {rub.pass_ratio:g}")
    for lv in rub.levels:
        effort = f"  [{lv.effort}]" if lv.effort else ""
        print(f"  {lv.label}: {lv.description}{effort}")
    for dim in rub.dimensions:
        print(f"\n{dim.name} [{dim.id}]")
        for block in dim.levels:
            for crit in block.criteria:
                print(f"  L{block.level} {crit.id:<36} {crit.text}")
    return EXIT_OK


def cmd_rubric_validate(args: argparse.Namespace) -> int:
    """Check rubric files, their `evidence:` probe ids included (the scan's check)."""
    from .assessment.rubric import load_rubric
    from .scan.assess import check_evidence

    for path in args.paths:
        rub = check_evidence(load_rubric(Path(path)))
        print(f"{path}: ok ({rub.id} v{rub.version}, {len(rub.dimensions)} dimensions, {len(rub.criteria)} criteria)")
    return EXIT_OK


# --------------------------------------------------------------------------- score


def format_assessment(assessment: Any, *, top: int = 8, rubric: Any = None) -> str:
    """`score`'s text: levels per dimension, flags, the first roadmap steps and the KPIs to track."""
    from .assessment.rubric import load_rubric

    rub = rubric if rubric is not None else load_rubric(assessment.rubric)  # a custom rubric: its id need not be a file
    lines = [
        f"Team: {assessment.team}   (rubric {assessment.rubric} v{assessment.rubric_version}, "
        f"{assessment.answered}/{assessment.total} answered)",
        f"Overall level: {rub.level(assessment.overall_level).label}  "
        f"[weakest dimension; mean {assessment.mean_level:.2f}, progress {assessment.mean_progress:.2f}, "
        f"ceiling {assessment.ceiling}]",
        f"Target level:  {rub.level(assessment.target.level).label}",
        f"  {assessment.target.reason}",
        "",
        f"{'Dimension':<22}{'Level':>6}{'Progress':>10}{'Ceiling':>9}",
    ]
    for d in assessment.dimensions:
        lines.append(f"{d.name:<22}{d.level:>6}{d.progress:>10.2f}{d.ceiling:>9}")
    if assessment.flags:
        lines += ["", "Flags:"] + [f"  - {f.message}" for f in assessment.flags]
    items = assessment.roadmap_items
    if items:
        lines += ["", f"Roadmap (first {min(top, len(items))} of {len(items)}):"]
        phases = {p.level: p for p in assessment.roadmap}
        for item in items[:top]:
            phase = phases[item.level]
            lines.append(f"  [{phase.name} {phase.months}, L{item.level}, {item.effort}] "
                         f"{item.dimension_name}: {item.text}")
    now = [k.name for k in assessment.kpis if k.when == "now"]
    if now:
        lines += ["", "KPIs to track: " + "; ".join(now)]
    return "\n".join(lines)


def cmd_score(args: argparse.Namespace) -> int:
    """Score each file through the store (a TeamRecord each); `--json` adds the progress since history."""
    from .assessment.rubric import load_rubric
    from .assessment.store import read_team

    rubric = load_rubric(args.rubric) if args.rubric else None
    records = []
    for path in args.answers:
        record = read_team(path, rubric, target_level=args.target, progress=args.json)
        for warning in record.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        records.append(record)
    if args.json:
        rows = [r.to_dict() for r in records]
        _print_json(rows[0] if len(rows) == 1 else rows)
    else:
        print("\n\n".join(format_assessment(r.assessment, rubric=r.rubric) for r in records))
    return EXIT_OK


# --------------------------------------------------------------------------- simulate / drift


def _levels(text: str) -> tuple[int, ...]:
    try:
        levels = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected levels like 0,2,4, got {text!r}") from None
    if not levels or any(lv not in range(5) for lv in levels):
        raise argparse.ArgumentTypeError(f"levels must be among 0-4, got {text!r}")
    return levels


def cmd_simulate(args: argparse.Namespace) -> int:
    """Run the levels on a scenario (one seed, or `--seeds N` with intervals) and print their KPIs."""
    from .simulation import SimulationConfig, load_costs, simulate, simulate_seeds
    from .formatting import never_or

    costs = load_costs(args.costs)
    config = SimulationConfig(scenario=args.scenario, levels=args.levels, weeks=args.weeks, seed=args.seed,
                              rows_per_week=args.rows_per_week, label_delay=args.label_delay,
                              onset=args.onset, magnitude=args.magnitude, duration=args.duration)
    config.validate()
    if args.seeds is None:
        result = simulate(config, costs=costs, drift=False)
        if args.json:
            _print_json(result.to_dict())
            return EXIT_OK
        table = result.kpis.copy()
        scenario, seeds_text = result.scenario, f"seed {config.seed}"
    else:
        if args.seeds < 1:
            raise WorkbookError("must be at least 1", field="--seeds")
        multi = simulate_seeds(config, seeds=args.seeds, costs=costs, jobs=args.jobs)
        if args.json:
            _print_json(multi.to_dict())
            return EXIT_OK
        table = multi.summary()
        scenario = config.scenario_spec
        seeds_text = f"seeds {config.seed}..{config.seed + args.seeds - 1}, means with 90% intervals"
    print(f"Scenario {scenario.name}: {scenario.description} (onset week {scenario.onset}, magnitude "
          f"{scenario.magnitude:g}, {config.weeks} weeks x {config.rows_per_week} rows, {seeds_text})")
    money = lambda v: f"{v / 1000:,.0f}k"  # noqa: E731
    for row in table.to_dict("records"):
        span = (f" [{money(row['net_cost_low'])}, {money(row['net_cost_high'])}]" if "net_cost_low" in row else "")
        detect = row["weeks_to_detect"]
        print(f"  {row['name']:<13} net cost {costs.currency} {money(row['net_cost'])}{span} = business loss "
              f"{money(row['business_loss'])} + run cost {money(row['run_cost'])}; accuracy-weeks lost "
              f"{row['accuracy_weeks_lost']:.2f}, detects {never_or(detect, 'after {:.1f} weeks')}, "
              f"bad models shipped {row['bad_models_shipped']:.2g}")
    if args.seeds is not None:
        levels = list(config.levels)
        for low, high in zip(levels, levels[1:]):
            c = multi.compare(high, low)
            print(f"  L{high} vs L{low}: net cost {c.wording(costs.currency + ' ')}")
    return EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    """Run the levels' policies on the team's own history and print KPIs with block-bootstrap intervals."""
    from .simulation.replay import replay_file

    categorical = tuple(c.strip() for c in (args.categorical or "").split(",") if c.strip())
    result = replay_file(args.file, time=args.time, label=args.label, positive=args.positive, period=args.period,
                         label_delay=args.label_delay, categorical=categorical, model=args.model, value=args.value,
                         costs=args.costs, levels=args.levels, train_periods=args.train_periods)
    if args.json:
        _print_json(result.to_dict())
        return EXIT_OK
    h = result.history
    print(f"Replay of {result.source}: {h['rows']:,} rows in {h['periods']} periods of {h['period']!r}, label delay "
          f"{h['label_delay']}; launch model on periods 0-{h['train_periods'] - 1}, thresholds calibrated on them; "
          f"periods {h['first_replayed_period']}-{h['periods'] - 1} replayed. Model: {result.model}. "
          f"Value: {result.value.source}.")
    print(f"  ({result.interval_note})")
    priced = not result.value.counts_errors
    for row in result.kpis.to_dict("records"):
        money = (f"value {result.value.unit} {row['value']:,.0f} [{row['value_low']:,.0f}, {row['value_high']:,.0f}]; "
                 if priced else "")
        print(f"  {row['name']:<13} {money}errors {row['errors']:,.0f} [{row['errors_low']:,.0f}, "
              f"{row['errors_high']:,.0f}]; accuracy {row['accuracy']:.3f} [{row['accuracy_low']:.3f}, "
              f"{row['accuracy_high']:.3f}]; {row['retrains']} retrains, {row['blocked']} blocked, "
              f"{row['deployments']} promoted, {row['rolled_back']} rolled back, {row['alerts']} alerts, "
              f"{row['complaints']} complaints; {row['people_days']:g} people days")
    for c in result.comparisons:
        print(f"  L{c.a} vs L{c.b}: {c.kpi} {c.wording(result.unit(c.kpi))}")
    return EXIT_OK


def cmd_drift(args: argparse.Namespace) -> int:
    """The drift table of two data files, and the dataset verdict."""
    from .drift.table import drift_table
    from .table_files import read_table

    reference, current = read_table(args.reference), read_table(args.current)
    report = drift_table(reference, current, test=args.test, drift_share=args.drift_share,
                         names=(args.reference, args.current))
    if args.json:
        _print_json(report.to_dict())
        return EXIT_OK
    frame = report.to_frame()
    frame["p_value"] = frame["p_value"].map(lambda v: "" if v is None or v != v else f"{v:.3g}")
    print(frame[["feature", "type", "test", "statistic", "p_value", "threshold", "drifted", "null_share_cur", "note"]]
          .to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    verdict = "DRIFT" if report.dataset_drift else "no drift"
    print(f"\nDataset: {verdict} ({report.share_drifted:.0%} of {len(report.features)} features drifted; "
          f"threshold {report.drift_share:.0%})")
    for column, reason in report.skipped:
        print(f"skipped {column}: {reason}")
    return EXIT_OK


# --------------------------------------------------------------------------- report


def cmd_report(args: argparse.Namespace) -> int:
    """One offline HTML report per answers file plus the index; exit 1 when any failed."""
    from .report.batch import expand_inputs, print_progress, run_reports

    _, nothing = expand_inputs(args.answers)
    if nothing:  # a missing or empty folder is bad input: one line, exit 2, no index written
        raise WorkbookError("no answers files found (a missing folder, an empty one, or a pattern that matches "
                            "nothing)", source=nothing[0].source)
    result = run_reports(args.answers, args.out, rubric=args.rubric, scenario=args.scenario or "", seed=args.seed,
                         target_level=args.target, include_simulation=not args.no_simulation, costs=args.costs or "",
                         replay=args.replay or "", jobs=args.jobs,
                         keep_ipynb=args.keep_ipynb, pdf=args.pdf, on_progress=None if args.quiet else print_progress,
                         strict=True)  # every file invalid: bad input, one line, exit 2, nothing written
    for outcome in result.failed:
        print(f"error: {outcome.error}", file=sys.stderr)
    ok = len(result.outcomes) - len(result.failed)
    if args.json:
        _print_json({"index": str(result.index), "seconds": round(result.seconds, 2),
                     "reports": [{"team": o.team, "source": o.source, "status": o.status, "html": o.html,
                                  "pdf": o.pdf, "error": o.error, **o.summary} for o in result.outcomes]})
    else:
        print(f"{ok} of {len(result.outcomes)} reports in {result.seconds:.1f} s; index: {result.index}")
    return EXIT_OK if result.ok and result.outcomes else EXIT_FAILED


# --------------------------------------------------------------------------- scan


def cmd_scan(args: argparse.Namespace) -> int:
    """Pre-fill answers from a repository's files (and a tracking store with `--mlflow`); `--team/--out`
    saves them through the store."""
    from .assessment.rubric import load_rubric
    from .assessment.store import save_answers
    from .scan import scan, to_answers
    from .scan.table import findings_lines, missing_lines, next_steps

    if bool(args.team) != bool(args.out):
        raise WorkbookError("--team and --out go together (the answers file needs a team name)", field="--out")
    rubric = load_rubric(args.rubric)
    result = scan(args.path, rubric, mlflow=args.mlflow)  # a store that cannot be read: one line, exit 2
    if args.out:
        written = save_answers(to_answers(result, args.team, rubric), args.out)
        print(f"wrote {len(result.findings)} pre-filled answers to {written}", file=sys.stderr)
    if args.json:
        _print_json({**result.to_dict(), "remediation": [step.to_dict() for step in next_steps(result, rubric)]})
        return EXIT_OK
    print(f"Scanned {result.files_scanned} files in {result.seconds:.2f} s: {args.path} (rubric {rubric.id})")
    if result.mlflow is not None:
        print(f"Read {result.mlflow.summary()} in {result.mlflow.seconds:.2f} s")
    if result.findings:
        print("\n" + "\n".join(findings_lines(result, rubric)))
    else:
        print("No evidence found; every criterion stays for the team to answer.")
    missing = missing_lines(result, rubric)
    if missing:
        print("\n" + "\n".join(missing))
    return EXIT_OK


# --------------------------------------------------------------------------- serve


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the pages with Voila (see `server.serve`)."""
    from .server.serve import serve

    return serve(host=args.host, port=args.port, answers_dir=args.answers_dir, reports_dir=args.reports_dir,
                 pool=args.pool, lab_pool=args.lab_pool, dev=args.dev, token=args.token, max_participants=args.max_participants,
                 cull_idle=args.cull_idle, facilitator_port=args.facilitator_port,
                 base_url=args.base_url, grace=args.grace, report_worker=args.report_worker)


# --------------------------------------------------------------------------- demo


def cmd_demo(args: argparse.Namespace) -> int:
    """Score and report the bundled sample teams."""
    from .report.demo import run_demo

    return run_demo(out=Path(args.out), jobs=args.jobs)


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """Every command and option, with its help text (the CLI's contract lives here)."""
    parser = _Parser(prog="mlops-workbook", description="Where your ML team stands on the MLOps maturity scale.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("demo", help="run the main job on the bundled sample teams")
    p.add_argument("--out", default="build/demo", help="output folder (default: build/demo)")
    p.add_argument("--jobs", type=int, default=None, help="parallel report workers (default: CPUs)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("score", help="score answers files against their rubric")
    p.add_argument("answers", nargs="+", help="answers file(s), JSON or YAML")
    p.add_argument("--rubric", help="rubric id or path (default: the one named in the file)")
    p.add_argument("--target", type=int, choices=range(5), metavar="LEVEL", help="override the recommended target")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_score)

    rub = sub.add_parser("rubric", help="list, show or validate rubrics")
    rsub = rub.add_subparsers(dest="rubric_command", required=True, parser_class=_Parser)
    p = rsub.add_parser("list", help="bundled rubrics")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rubric_list)
    p = rsub.add_parser("show", help="one rubric's levels and criteria")
    p.add_argument("rubric", help="rubric id or path")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rubric_show)
    p = rsub.add_parser("validate", help="check rubric files; one line per error")
    p.add_argument("paths", nargs="+")
    p.set_defaults(func=cmd_rubric_validate)

    scenarios, tests = _Lazy(".simulation.scenarios", "SCENARIOS"), _Lazy(".drift.table", "TESTS")

    p = sub.add_parser("simulate", help="what each maturity level catches and loses on a drift scenario")
    p.add_argument("--scenario", default="sudden-covariate-shift", choices=scenarios, metavar="SCENARIO",
                   help="one of %(choices)s")
    p.add_argument("--levels", type=_levels, default=(0, 1, 2, 3, 4), help="comma-separated, e.g. 0,2,4")
    p.add_argument("--weeks", type=int, default=52)
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("--rows-per-week", type=int, default=2000)
    p.add_argument("--label-delay", type=int, default=2, help="weeks until labels arrive")
    p.add_argument("--onset", type=int, help="week the drift starts")
    p.add_argument("--magnitude", type=float, help="drift strength (1.0 = the scenario's default)")
    p.add_argument("--duration", type=int, help="weeks (gradual ramp, season length, bug length)")
    p.add_argument("--seeds", type=int, help="run seeds SEED..SEED+N-1 and report means with 90%% intervals")
    p.add_argument("--costs", help="YAML file overriding the loan book and cost defaults")
    p.add_argument("--jobs", type=int, help="worker processes for --seeds (default: every core)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("replay", help="the five levels' policies on your own labelled history (CSV or Parquet)")
    p.add_argument("file", help="CSV or Parquet: one row per prediction, a time and a label column, features")
    p.add_argument("--time", help="the time column (dates, or integers with --period index); none: row order")
    p.add_argument("--label", required=True, help="the label column (two values, or give --positive)")
    p.add_argument("--positive", help="the label value that counts as positive")
    p.add_argument("--period", default="week", help="day, week, month, index or rows:N (default: week)")
    p.add_argument("--label-delay", type=int, default=0, help="periods until a period's labels arrive")
    p.add_argument("--categorical", help="comma-separated features to treat as categories")
    p.add_argument("--model", help="MODULE:CALLABLE returning an unfitted scikit-learn estimator with predict_proba")
    p.add_argument("--value", help="YAML or JSON: what each outcome is worth (default: count errors)")
    p.add_argument("--costs", help="YAML file overriding the people and compute cost defaults")
    p.add_argument("--levels", type=_levels, default=(0, 1, 2, 3, 4), help="comma-separated, e.g. 0,2,4")
    p.add_argument("--train-periods", type=int, default=13, help="periods of the launch window (default 13)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("report", help="one offline HTML report per answers file, plus an index page")
    p.add_argument("answers", nargs="+", help="answers files, folders or globs")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--rubric", help="rubric id or path for every file (default: the one each file names)")
    p.add_argument("--scenario", default=None, choices=scenarios, metavar="SCENARIO",
                   help="one of %(choices)s (default: the one each team's context gives: how fast its data changes)")
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("--target", type=int, choices=range(5), metavar="LEVEL", help="override the recommended target")
    p.add_argument("--costs", metavar="FILE",
                   help="the team's own costs (YAML like mlops_workbook/simulation/costs.yaml) for every report")
    p.add_argument("--replay", metavar="FILE",
                   help="a saved `replay ... --json` result: the money from the team's own history, not the loan book")
    p.add_argument("--no-simulation", action="store_true", help="leave out the simulation section")
    p.add_argument("--jobs", type=int, default=None, help="parallel workers (default: number of CPUs)")
    p.add_argument("--keep-ipynb", action="store_true", help="keep the executed notebooks beside the HTML")
    p.add_argument("--pdf", action="store_true", help="also <team>.pdf beside each HTML (Debian's chromium, offline)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("scan", help="pre-fill answers from evidence in a repository (reads files only)")
    p.add_argument("path", help="the repository's root folder")
    p.add_argument("--rubric", default="mlops-maturity", help="rubric id or path (default: mlops-maturity)")
    p.add_argument("--team", help="team name for the answers file (with --out)")
    p.add_argument("--out", help="write a pre-filled answers file here (with --team)")
    p.add_argument("--mlflow", metavar="URI", help="also read this MLflow tracking store, read-only: an mlruns/ "
                   "folder, an mlflow.db file (or sqlite:///path) or an http(s):// tracking server")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_scan)

    p = sub.add_parser("serve", help="serve the dashboards with Voila (landing page, assessment, lab, room)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0: the Wi-Fi too)")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--token", help="room token (16+ characters) participants need; generated when --host is "
                                   "not loopback; with a token the facilitator's dashboard moves to its own server")
    p.add_argument("--facilitator-port", type=int, help="port of the facilitator's server on 127.0.0.1 "
                                                        "(default: --port + 1)")
    p.add_argument("--answers-dir", help="shared answers folder (default: notebooks/answers)")
    p.add_argument("--reports-dir", help="exported reports folder (default: notebooks/reports)")
    p.add_argument("--pool", type=int, default=None, metavar="N",
                   help="preheated kernels kept ready for the assessment, about 105 MiB each (default: with "
                        "--max-participants, the room's size less --lab-pool, so a room joining at once opens "
                        "in about a second, held to half the free memory; without it, 1)")
    p.add_argument("--lab-pool", type=int, default=1, metavar="N",
                   help="preheated kernels kept ready for the lab, its first simulation already run (default: 1)")
    p.add_argument("--max-participants", type=int, default=0, metavar="N",
                   help="open pages (kernels) at most; one more gets a 'room is full' page (default: 0, no limit)")
    p.add_argument("--cull-idle", type=int, default=3600, metavar="SECONDS",
                   help="stop a page's kernel after this long without activity (answers are saved; "
                        "default: 3600; 0: never)")
    p.add_argument("--grace", type=float, default=None, metavar="SECONDS",
                   help="free a participant's kernel and place this long after their page's last connection "
                        "closed (default: $MLOPS_WORKBOOK_GRACE or 60)")
    p.add_argument("--dev", action="store_true", help="show sources and tracebacks (never for participants)")
    p.add_argument("--no-report-worker", dest="report_worker", action="store_false",
                   help="do not start the report worker with the servers (its warm kernels take ~250 MiB each); "
                        "the first 'Create my report' then starts it and waits for it")
    p.add_argument("--base-url", default="/", metavar="PREFIX",
                   help="serve under a URL prefix, as JupyterHub and Binder do (e.g. /user/x/)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("drift", help="drift table for your own reference and current CSV or Parquet files")
    p.add_argument("reference")
    p.add_argument("current")
    p.add_argument("--test", default="auto", choices=tests, metavar="TEST", help="one of %(choices)s")
    p.add_argument("--drift-share", type=float, default=0.5, help="share of drifted features for dataset drift")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_drift)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, run, map errors to exit codes: 0 ok, 1 some work failed, 2 bad input (one line on stderr)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) and usage errors (2) return instead of exiting
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except WorkbookError as exc:
        sys.stderr.write(_bad_input_line(exc))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
