"""The room: every answers file in a folder, scored and aggregated for the facilitator.

The answers folder is the only shared state between participants, the dashboard and the reports.
Files are written atomically (temp file + rename), so a reader sees a whole file or none; temp
files and hidden files are skipped, and an unreadable file is reported by name, never fatal.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .answers import Answers, answers_files, load_answers
from ..errors import WorkbookError
from .rubric import Rubric
from .scoring import Assessment, score


@dataclass(frozen=True)
class TeamEntry:
    """One answers file of the room as read: where, what was answered, against which rubric."""

    path: Path
    answers: Answers
    rubric: Rubric


@dataclass
class RoomSummary:
    folder: Path
    assessments: list[Assessment] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # team -> file name
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    entries: list[TeamEntry] = field(default_factory=list)  # parallel to `assessments`

    @property
    def teams(self) -> pd.DataFrame:
        rows = []
        for a in self.assessments:
            rows.append({"team": a.team, "file": self.sources.get(a.team, ""), "rubric": a.rubric,
                         "overall_level": a.overall_level, "target_level": a.target.level,
                         "mean_progress": round(a.mean_progress, 2), "answered": a.answered, "total": a.total,
                         **{f"level: {d.name}": d.level for d in a.dimensions}})
        return pd.DataFrame(rows)

    def by_rubric(self) -> dict[str, list[Assessment]]:
        """Teams grouped by the rubric they answered (first seen first): each group shares its dimensions."""
        groups: dict[str, list[Assessment]] = {}
        for a in self.assessments:
            groups.setdefault(a.rubric, []).append(a)
        return groups

    @property
    def levels(self) -> pd.DataFrame:
        """Long form: team, dimension, level (for the heatmap)."""
        return pd.DataFrame([{"team": a.team, "dimension": d.name, "level": d.level}
                             for a in self.assessments for d in a.dimensions],
                            columns=["team", "dimension", "level"])

    @property
    def distribution(self) -> pd.DataFrame:
        counts = Counter(a.overall_level for a in self.assessments)
        return pd.DataFrame({"level": list(range(5)), "teams": [counts.get(lv, 0) for lv in range(5)]})

    @property
    def shares(self) -> pd.DataFrame:
        """Share of teams at each level, per dimension."""
        levels = self.levels
        if levels.empty:
            return pd.DataFrame(columns=["dimension", "level", "share"])
        table = levels.groupby(["dimension", "level"], sort=False).size().rename("teams").reset_index()
        table["share"] = table["teams"] / table.groupby("dimension")["teams"].transform("sum")
        return table[["dimension", "level", "share"]]

    def common_gaps(self, top: int = 10) -> pd.DataFrame:
        """The unmet criteria of each team's next level, counted across the room."""
        counter: Counter[tuple[str, str, int, str]] = Counter()
        for a in self.assessments:
            for phase in a.roadmap:
                for item in phase.items:
                    dim = next(d for d in a.dimensions if d.id == item.dimension)
                    if item.level == dim.level + 1:
                        counter[(item.criterion, item.dimension_name, item.level, item.text)] += 1
        rows = [{"criterion": cid, "dimension": dim, "level": lv, "text": text, "teams": n}
                for (cid, dim, lv, text), n in counter.most_common(top)]
        return pd.DataFrame(rows, columns=["criterion", "dimension", "level", "text", "teams"])

    def to_csv(self) -> str:
        return self.teams.to_csv(index=False)

    def movement(self) -> list:
        """Teams with an earlier assessment kept in `history/`: then and now, biggest climb first."""
        from .history import find_progress, room_movement

        return room_movement((a.team, e.answers.date or "", find_progress(e.path, e.answers, e.rubric, current=a))
                             for a, e in zip(self.assessments, self.entries, strict=True))

    def evidence(self) -> pd.DataFrame:
        """Per rubric and dimension, the room's answers resting on repository evidence vs on opinion."""
        from .evidence import evidence_summary

        rows = [{"rubric": e.rubric.id, "dimension": row.name, "evidence": row.evidence, "opinion": row.opinion,
                 "unanswered": row.unanswered} for e in self.entries for row in evidence_summary(e.rubric, e.answers)]
        columns = ["rubric", "dimension", "evidence", "opinion", "unanswered"]
        if not rows:
            return pd.DataFrame(columns=columns)
        return pd.DataFrame(rows).groupby(["rubric", "dimension"], sort=False, as_index=False)[columns[2:]].sum()


def summarize_room(folder: str | Path, *, rubric: str | None = None) -> RoomSummary:
    """Score every answers file in `folder` (JSON or YAML); unreadable ones are listed, not fatal."""
    from .rubric import load_rubric

    summary = RoomSummary(Path(folder))
    fixed = load_rubric(rubric) if rubric else None
    for path in answers_files(folder):
        try:
            answers, rub, warnings = load_answers(path, fixed)
            assessment = score(rub, answers, warnings=warnings)
        except WorkbookError as exc:
            summary.unreadable.append((path.name, exc.reason if exc.field is None else f"{exc.field}: {exc.reason}"))
            continue
        except OSError as exc:  # vanished between listing and reading
            summary.unreadable.append((path.name, exc.strerror or str(exc)))
            continue
        summary.assessments.append(assessment)
        summary.entries.append(TeamEntry(path, answers, rub))
        summary.sources[assessment.team] = path.name
    return summary
