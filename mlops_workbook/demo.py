"""The main job on the embedded sample data: score every bundled sample team and report them."""

from __future__ import annotations

import glob
from pathlib import Path

from .answers import load_answers
from .scoring import score

SAMPLE_ANSWERS = Path(__file__).resolve().parent.parent / "data" / "sample_answers"


def sample_answer_files() -> list[Path]:
    files = sorted(Path(p) for p in glob.glob(str(SAMPLE_ANSWERS / "*.json")))
    if not files:
        raise FileNotFoundError(f"no sample answers in {SAMPLE_ANSWERS}")
    return files


def run_demo(*, out: Path, jobs: int | None = None) -> int:
    print(f"{'Team':<18}{'Overall':>8}{'Target':>8}{'Mean':>7}  Flags")
    for path in sample_answer_files():
        answers, rubric, warnings = load_answers(path)
        result = score(rubric, answers, warnings=warnings)
        flags = ", ".join(sorted({f.kind for f in result.flags})) or "-"
        print(f"{result.team:<18}{result.overall_level:>8}{result.target.level:>8}{result.mean_progress:>7.2f}  {flags}")
    return 0
