"""The main job on the embedded sample data: score every bundled sample team and report them."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import resources
from ..assessment.store import read_team
from ..resources import SAMPLE_ANSWERS


def sample_answer_files() -> list[Path]:
    """The bundled sample teams' answers files (a missing folder is a broken install, said plainly)."""
    files = resources.sample_answer_files()
    if not files:
        raise FileNotFoundError(f"no sample answers in {SAMPLE_ANSWERS}")
    return files


def run_demo(*, out: Path, jobs: int | None = None) -> int:
    """Score the bundled teams, execute their reports with papermill, print the index path."""
    from .batch import print_progress, run_reports

    files = sample_answer_files()
    print(f"{'Team':<18}{'Overall':>8}{'Target':>8}{'Mean':>7}  Flags")
    for path in files:
        result = read_team(path, progress=False).assessment
        flags = ", ".join(sorted({f.kind for f in result.flags})) or "-"
        print(f"{result.team:<18}{result.overall_level:>8}{result.target.level:>8}{result.mean_progress:>7.2f}  {flags}")
    print(f"\nExecuting {len(files)} reports with papermill into {out} ...", flush=True)
    batch = run_reports([str(p) for p in files], out, jobs=jobs, on_progress=print_progress)
    for outcome in batch.failed:
        print(f"error: {outcome.error}", file=sys.stderr)
    print(f"\n{len(batch.outcomes) - len(batch.failed)} reports in {batch.seconds:.1f} s.")
    print(f"Open the room overview: {batch.index.resolve()}")
    return 0 if batch.ok else 1
