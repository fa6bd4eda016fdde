"""The benchmarks' answers files: the bundled sample teams, copied as many times as a benchmark needs.

One owner for the loop that bench_reports and bench_report_queue both need: each copy is its own team
(the sample's name with a number), so reports, queue jobs and file names never collide.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "data" / "sample_answers").glob("*.json"))  # the bundled teams, levels 0-4


def answers_files(folder: Path, count: int, *, stem: str, team: str) -> list[Path]:
    """`count` answers files in `folder` (made if missing), cycling through the sample teams. File `i`
    (from 1) is `stem.format(i=i) + ".json"`; its team is the sample's name, a space and `team.format(i=i)`."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(1, count + 1):
        data = json.loads(SAMPLES[(i - 1) % len(SAMPLES)].read_text())
        data["team"] = f"{data['team']} {team.format(i=i)}"
        path = folder / f"{stem.format(i=i)}.json"
        path.write_text(json.dumps(data))
        files.append(path)
    return files
