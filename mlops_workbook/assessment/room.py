"""The room: every team of an answers folder (read by `store` as TeamRecords), aggregated for the facilitator.

An unreadable file is reported by name, never fatal; everything here is computed from the records.

Teams, not files: a team keeps one file per rubric, so four teams that answered both rubrics are eight
records but four teams. Tables list one row per team and rubric (with the rubric named); counts, the
level distribution, the shares and the common gaps take each team once, by its `primary` record (its
full assessment when it has one, else the one rubric it answered), so no team weighs twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .history import Movement, room_movement
from .record import TeamRecord
from .rubric import DEFAULT_RUBRIC
from .scoring import DECIMALS, Assessment
from .store import AnswersStore

LEVEL_COLUMN = "level: "  # the teams table's per-dimension columns: "level: Data", ...
WHOLE_NUMBERS = ("overall_level", "target_level", "answered", "total")


@dataclass
class RoomSummary:
    """Every team of an answers folder as read by the store, and the room-wide views the dashboard draws."""

    folder: Path
    records: list[TeamRecord] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)

    @property
    def assessments(self) -> list[Assessment]:
        """The teams' assessments, in file order."""
        return [r.assessment for r in self.records]

    @property
    def sources(self) -> dict[tuple[str, str], str]:
        """(team, rubric) -> the name of its file: a team has one file per rubric."""
        return {(r.team, r.answers.rubric): r.file for r in self.records}

    @property
    def team_names(self) -> list[str]:
        """The distinct teams, in file order (a team that answered two rubrics is one team)."""
        return list(dict.fromkeys(r.team for r in self.records))

    @property
    def team_count(self) -> int:
        """How many teams (distinct names), not how many files."""
        return len(self.team_names)

    @property
    def primary(self) -> list[TeamRecord]:
        """One record per team: its full assessment (the default rubric) when it has one, else its first."""
        chosen: dict[str, TeamRecord] = {}
        for r in self.records:
            if r.team not in chosen or (r.answers.rubric == DEFAULT_RUBRIC != chosen[r.team].answers.rubric):
                chosen[r.team] = r
        return list(chosen.values())

    @property
    def answered_count(self) -> int:
        """Teams that have answered at least one criterion (in any rubric)."""
        return len({r.team for r in self.records if r.assessment.answered})

    @property
    def teams(self) -> pd.DataFrame:
        """One row per team (the CSV export), with `Assessment.overview`'s values and rounding."""
        rows = []
        for r in self.records:
            a = r.assessment.overview()
            rows.append({"team": r.team, "file": r.file, "rubric": a["rubric"],
                         "overall_level": a["overall_level"], "target_level": a["target_level"],
                         "mean_progress": a["mean_progress"], "answered": a["answered"], "total": a["total"],
                         **{f"{LEVEL_COLUMN}{name}": level for name, level in a["dimension_levels"].items()}})
        return pd.DataFrame(rows)

    def by_rubric(self) -> dict[str, list[Assessment]]:
        """Teams grouped by the rubric they answered (first seen first): each group shares its dimensions."""
        groups: dict[str, list[Assessment]] = {}
        for a in self.assessments:
            groups.setdefault(a.rubric, []).append(a)
        return groups

    @property
    def levels(self) -> pd.DataFrame:
        """Long form: team (the row label: the team, and its rubric when not the default), rubric,
        dimension, level (the heatmap: one row per team and rubric, never two rows under one label)."""
        return pd.DataFrame([{"team": row_label(a.team, a.rubric), "rubric": a.rubric, "dimension": d.name,
                              "level": d.level} for a in self.assessments for d in a.dimensions],
                            columns=["team", "rubric", "dimension", "level"])

    @property
    def distribution(self) -> pd.DataFrame:
        """How many teams are at each overall level (0-4, every level listed), each team once."""
        counts = Counter(r.assessment.overall_level for r in self.primary)
        return pd.DataFrame({"level": list(range(5)), "teams": [counts.get(lv, 0) for lv in range(5)]})

    @property
    def shares(self) -> pd.DataFrame:
        """Teams and share of teams at each level, per dimension (each team once, by its primary record).

        No team names: this is what the projector shows the room."""
        levels = pd.DataFrame([{"dimension": d.name, "level": d.level}
                               for r in self.primary for d in r.assessment.dimensions], columns=["dimension", "level"])
        if levels.empty:
            return pd.DataFrame(columns=["dimension", "level", "teams", "share"])
        table = levels.groupby(["dimension", "level"], sort=False).size().rename("teams").reset_index()
        table["share"] = table["teams"] / table.groupby("dimension")["teams"].transform("sum")
        return table[["dimension", "level", "teams", "share"]]

    @property
    def rubric_titles(self) -> dict[str, str]:
        """Each rubric answered in the room (first seen first): its id -> its title, for labels."""
        return {r.answers.rubric: r.rubric.title for r in self.records}

    def rubric_levels(self, rubric: str) -> pd.DataFrame:
        """One rubric's heatmap, long form: team (its name: the rubric is the chart's), dimension, level,
        for the teams that answered that rubric; the dimensions are that rubric's only."""
        return pd.DataFrame([{"team": a.team, "dimension": d.name, "level": d.level}
                             for a in self.by_rubric().get(rubric, []) for d in a.dimensions],
                            columns=["team", "dimension", "level"])

    def describe_levels(self, rubric: str | None = None) -> str:
        """The heatmap in words (its text alternative): each team (of `rubric`, or every team and rubric)
        with its level per dimension."""
        chosen = [a for a in self.assessments if rubric is None or a.rubric == rubric]
        if not chosen:
            return "No teams yet."
        rows = [f"{a.team if rubric else row_label(a.team, a.rubric)}: " + ", ".join(f"{d.name} {d.level}" for d in a.dimensions)
                for a in chosen]
        where = f" (rubric {self.rubric_titles.get(rubric, rubric)})" if rubric else ""
        return f"Level per team and dimension{where}. " + "; ".join(rows) + "."

    def describe_distribution(self) -> str:
        """The level distribution in words (its text alternative)."""
        parts = [f"level {row.level}: {row.teams}" for row in self.distribution.itertuples()]
        return f"Teams per overall level ({self.team_count} teams): " + ", ".join(parts) + "."

    def describe_shares(self) -> str:
        """The shares per dimension in words (their text alternative)."""
        shares = self.shares
        if shares.empty:
            return "No teams yet."
        parts = []
        for dimension, group in shares.groupby("dimension", sort=False):
            levels = ", ".join(f"level {row.level}: {row.teams} ({row.share:.0%})"
                               for row in group.sort_values("level").itertuples())
            parts.append(f"{dimension}: {levels}")
        return "Teams at each level, per dimension. " + "; ".join(parts) + "."

    def common_gaps(self, top: int = 10) -> pd.DataFrame:
        """The unmet criteria of each team's next level, counted across the room (each team once)."""
        counter: Counter[tuple[str, str, int, str]] = Counter()
        for a in (r.assessment for r in self.primary):
            for phase in a.roadmap:
                for item in phase.items:
                    dim = next(d for d in a.dimensions if d.id == item.dimension)
                    if item.level == dim.level + 1:
                        counter[(item.criterion, item.dimension_name, item.level, item.text)] += 1
        rows = [{"criterion": cid, "dimension": dim, "level": lv, "text": text, "teams": n}
                for (cid, dim, lv, text), n in counter.most_common(top)]
        return pd.DataFrame(rows, columns=["criterion", "dimension", "level", "text", "teams"])

    def to_csv(self) -> str:
        """The teams table as CSV text (the dashboard's download), every number in one format: levels and
        counts as whole numbers (a level column empty for a row whose rubric has no such dimension, never
        "0.0"), the mean progress with `DECIMALS` places. The one place the CSV's numbers are formatted."""
        table = self.teams
        for column in table.columns:
            if column in WHOLE_NUMBERS or column.startswith(LEVEL_COLUMN):
                table[column] = table[column].astype("Int64")
        return table.to_csv(index=False, float_format=f"%.{DECIMALS}f")

    def movement(self) -> list[Movement]:
        """Teams with an earlier assessment kept in `history/`: then and now, biggest climb first."""
        return room_movement((r.team, r.date, r.progress) for r in self.records)

    def evidence(self) -> pd.DataFrame:
        """Per rubric and dimension, the room's answers resting on repository evidence vs on opinion."""
        from .evidence import evidence_summary

        rows = [{"rubric": e.rubric.id, "dimension": row.name, "evidence": row.evidence, "opinion": row.opinion,
                 "unanswered": row.unanswered} for e in self.records for row in evidence_summary(e.rubric, e.answers)]
        columns = ["rubric", "dimension", "evidence", "opinion", "unanswered"]
        if not rows:
            return pd.DataFrame(columns=columns)
        return pd.DataFrame(rows).groupby(["rubric", "dimension"], sort=False, as_index=False)[columns[2:]].sum()


def row_label(team: str, rubric: str) -> str:
    """How a table or chart row names a team's assessment: the team, plus the rubric when not the default."""
    return team if rubric == DEFAULT_RUBRIC else f"{team} ({rubric})"


def summarize_room(folder: str | Path, *, rubric: str | None = None) -> RoomSummary:
    """Score every answers file in `folder` (JSON or YAML) through the store; unreadable ones are listed, not fatal."""
    room = AnswersStore(folder).records(rubric)
    return RoomSummary(Path(folder), list(room.records), list(room.unreadable))


def folder_movement(folder: str | Path, *, rubric: str | None = None) -> list[Movement]:
    """The room's movement for an answers folder: each team's file against its kept copies."""
    return summarize_room(folder, rubric=rubric).movement()
