"""What a report batch will do, planned before any kernel starts: the answers files found, each one
validated and scored, its report's file name and parameters, and the simulation its report shows.

Why apart from the batch: planning is bookkeeping (no papermill, no kernel); the batch, the room's report
queue and the tests plan jobs the same way, and a bad answers file fails here, in the parent.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import WorkbookError


@dataclass(frozen=True)
class ReportJob:
    """One report to execute: validated and scored up front, so a worker only runs the notebook."""

    source: str
    team: str
    slug: str
    parameters: dict[str, Any]
    summary: dict[str, Any]
    simulation: tuple[str, tuple[tuple[str, Any], ...]] | None = None  # (scenario, overrides) its report simulates


@dataclass
class ReportOutcome:
    """What became of one answers file: its files, its error, its summary and timings (index.json rows)."""

    source: str
    team: str
    status: str  # "ok" or "failed"
    html: str | None = None
    ipynb: str | None = None
    pdf: str | None = None
    pdf_blocked_requests: int = 0  # requests the page tried to make off the machine while printing, aborted
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the report was produced."""
        return self.status == "ok"


def expand_inputs(items: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[ReportOutcome]]:
    """Files, folders (their answers files) and globs -> answers files; what matches nothing is a failure."""
    from ..assessment.store import answers_files

    found: list[Path] = []
    seen: set[Path] = set()
    missing: list[ReportOutcome] = []
    for item in items:
        text = str(item)
        path = Path(text)
        if path.is_dir():
            matches = answers_files(path)
        elif path.is_file():
            matches = [path]
        else:
            matches = sorted(Path(p) for p in glob.glob(text) if Path(p).is_file())
        if not matches:
            missing.append(ReportOutcome(text, Path(text).stem, "failed", error=f"{text}: no answers files found"))
        for match in matches:
            if match.resolve() not in seen:
                seen.add(match.resolve())
                found.append(match)
    return found, missing


def plan_jobs(
    paths: Sequence[Path], *, rubric: str | None = None, scenario: str = "", seed: int = 0,
    target_level: int | None = None, include_simulation: bool = True, costs: str = "", replay: str = "",
) -> tuple[list[ReportJob], list[ReportOutcome]]:
    """Validate and score every answers file up front: bad ones fail here, before a kernel starts. Each job
    knows the simulation its report shows (the scenario and settings its context gives, unless `scenario`
    is given: `simulation.from_context`), so the batch simulates each distinct one once."""
    from ..assessment.rubric import load_rubric
    from ..assessment.store import read_team, team_file_stem

    fixed = load_rubric(rubric) if rubric else None  # an unknown --rubric is bad input for the whole batch
    jobs: list[ReportJob] = []
    failures: list[ReportOutcome] = []
    used: set[str] = set()
    for path in paths:
        try:
            record = read_team(path, fixed, target_level=target_level)
        except WorkbookError as exc:
            failures.append(ReportOutcome(str(path), path.stem, "failed", error=str(exc)))
            continue
        slug = base = team_file_stem(record.team, record.answers.rubric)  # distinct teams never share a report file
        n = 2
        while slug in used or slug == "index":
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        summary = record.summary()
        simulation = None
        if include_simulation and not replay:  # with a replay the report shows the team's history, no simulation
            from ..simulation.from_context import team_simulation

            settings = team_simulation(record.answers.context, scenario=scenario)
            simulation = (settings.scenario, settings.overrides)
        parameters = {
            "answers_path": str(Path(path).resolve()),
            "rubric": str(Path(rubric).resolve()) if rubric and Path(rubric).is_file() else (rubric or ""),
            "target_level": target_level,
            "scenario": scenario,
            "seed": seed,
            "include_simulation": include_simulation,
            "costs": str(Path(costs).resolve()) if costs else "",
            "replay": str(Path(replay).resolve()) if replay else "",
        }
        jobs.append(ReportJob(str(path), record.team, slug, parameters, summary, simulation))
    return jobs, failures


def by_simulation(planned: Sequence[ReportJob]) -> dict[Any, list[ReportJob]]:
    """The jobs grouped by the simulation they show, those without one first, then in input order."""
    groups: dict[Any, list[ReportJob]] = {None: []}
    for job in planned:
        groups.setdefault(job.simulation, []).append(job)
    return groups


__all__ = ["ReportJob", "ReportOutcome", "by_simulation", "expand_inputs", "plan_jobs"]
