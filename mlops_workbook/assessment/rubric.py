"""Rubrics: YAML files of levels, dimensions and criteria, validated into frozen dataclasses.

The format is documented in rubrics/README.md and enforced by schemas/rubric.schema.json
(compiled once with fastjsonschema, which nbformat already depends on and imports fast),
followed by the checks a schema cannot express (duplicate ids, each level exactly once).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .. import resources, settings
from ..errors import RubricError

LEVELS = (0, 1, 2, 3, 4)
DEFAULT_RUBRIC = "mlops-maturity"
_SCHEMA_PATH = resources.schema("rubric.schema.json")


@dataclass(frozen=True)
class Criterion:
    """One statement a team answers with evidence; `level` and `dimension` say where it sits."""

    id: str
    text: str
    dimension: str
    level: int
    guidance: str = ""
    tools: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()  # scan probe ids that count as evidence; "probe-id:partial" caps at partial
    where: str = field(default="", compare=False)  # its field path in the file, for errors about it


@dataclass(frozen=True)
class DimensionLevel:
    """The criteria one dimension asks for at one level."""

    level: int
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Dimension:
    """One area of practice (data, models, deployment, ...), scored on its own and gated level by level."""

    id: str
    name: str
    description: str
    levels: tuple[DimensionLevel, ...]

    def criteria_at(self, level: int) -> tuple[Criterion, ...]:
        """This dimension's criteria at one level (none when the level is absent)."""
        for block in self.levels:
            if block.level == level:
                return block.criteria
        return ()

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every criterion of this dimension, lowest level first."""
        return tuple(c for block in self.levels for c in block.criteria)


@dataclass(frozen=True)
class Level:
    """A maturity level (0-4) with the seeds' name, effort to reach it and tool categories."""

    level: int
    name: str
    description: str
    alias: str = ""
    summary: str = ""
    effort: str = ""
    effort_weeks: tuple[float, float] | None = None
    how_to_reach: str = ""
    tool_categories: tuple[str, ...] = ()
    warning_signs: tuple[str, ...] = ()
    challenges: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """`Level 2: Automated (alias)`, as the pages and the CLI print it."""
        alias = f" ({self.alias})" if self.alias and self.alias != self.name else ""
        return f"Level {self.level}: {self.name}{alias}"


@dataclass(frozen=True)
class Phase:
    """A roadmap phase (name and months) for the criteria of one level."""

    id: str
    name: str
    months: str
    level: int


@dataclass(frozen=True)
class ToolCategory:
    """A kind of tool with examples, suggested for criteria that name no tools."""

    id: str
    name: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class KPI:
    """A measure worth tracking from a level on, and why."""

    id: str
    name: str
    from_level: int
    dimension: str = ""
    why: str = ""


@dataclass(frozen=True)
class Rubric:
    """A validated rubric: the single source of truth for levels, dimensions, criteria and their evidence.

    Built only by `parse_rubric` (valid by construction); `source` is the file it came from.
    """

    id: str
    title: str
    version: str
    description: str
    pass_ratio: float
    levels: tuple[Level, ...]
    dimensions: tuple[Dimension, ...]
    phases: tuple[Phase, ...] = ()
    tool_categories: tuple[ToolCategory, ...] = ()
    kpis: tuple[KPI, ...] = ()
    source: str = field(default="", compare=False)

    @property
    def criteria(self) -> dict[str, Criterion]:
        """Criterion id -> criterion, in rubric order."""
        return {c.id: c for d in self.dimensions for c in d.criteria}

    def iter_criteria(self) -> Iterator[Criterion]:
        """Every criterion, dimension by dimension."""
        for dimension in self.dimensions:
            yield from dimension.criteria

    def level(self, number: int) -> Level:
        """The level numbered `number` (0-4)."""
        return self.levels[number]

    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension with this id (KeyError when absent)."""
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise KeyError(dimension_id)

    def phase_for(self, level: int) -> Phase | None:
        """The roadmap phase of a level, None when the rubric has none for it."""
        for phase in self.phases:
            if phase.level == level:
                return phase
        return None

    def tools_for_level(self, level: int) -> tuple[ToolCategory, ...]:
        """The tool categories a level names, in the rubric's order."""
        wanted = self.levels[level].tool_categories
        return tuple(t for t in self.tool_categories if t.id in wanted)

    def to_dict(self) -> dict[str, Any]:
        """Stable JSON form (what `rubric show --json` prints)."""
        return {
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "description": self.description,
            "pass_ratio": self.pass_ratio,
            "levels": [_level_dict(lv) for lv in self.levels],
            "phases": [asdict(p) for p in self.phases],
            "tool_categories": [
                {"id": t.id, "name": t.name, "examples": list(t.examples)} for t in self.tool_categories
            ],
            "kpis": [asdict(k) for k in self.kpis],
            "dimensions": [
                {
                    "id": d.id,
                    "name": d.name,
                    "description": d.description,
                    "levels": [
                        {
                            "level": block.level,
                            "criteria": [
                                {"id": c.id, "text": c.text, "guidance": c.guidance, "tools": list(c.tools),
                                 "evidence": list(c.evidence)}
                                for c in block.criteria
                            ],
                        }
                        for block in d.levels
                    ],
                }
                for d in self.dimensions
            ],
        }


def _level_dict(level: Level) -> dict[str, Any]:
    data = asdict(level)
    data["effort_weeks"] = list(level.effort_weeks) if level.effort_weeks else None
    for key in ("tool_categories", "warning_signs", "challenges"):
        data[key] = list(data[key])
    return data


# --------------------------------------------------------------------------- locating rubrics


def rubric_dirs() -> list[Path]:
    """Where rubric ids are looked up: $MLOPS_WORKBOOK_RUBRICS (os.pathsep list), the bundled rubrics."""
    dirs = settings.rubric_dirs()
    dirs.append(resources.RUBRICS)
    dirs.append(Path.cwd() / "rubrics")
    unique: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in unique:
            unique.append(d.resolve())
    return unique


def available_rubrics() -> dict[str, Path]:
    """Rubric id (file stem) -> file, first directory wins."""
    found: dict[str, Path] = {}
    for directory in rubric_dirs():
        for path in sorted(directory.glob("*.y*ml")):
            found.setdefault(path.stem, path)
    return found


def resolve_rubric(ref: str | Path) -> Path:
    """A rubric id or a path to a rubric file -> the file."""
    text = str(ref)
    candidate = Path(text).expanduser()
    looks_like_path = os.sep in text or "/" in text or candidate.suffix in {".yaml", ".yml", ".json"}
    if looks_like_path:
        if not candidate.is_file():
            raise RubricError("file not found", source=text)
        return candidate
    known = available_rubrics()
    if text in known:
        return known[text]
    names = ", ".join(sorted(known)) or "none found"
    raise RubricError(f"unknown rubric {text!r} (known: {names})", field="rubric")


def load_rubric(ref: str | Path = DEFAULT_RUBRIC) -> Rubric:
    """Load and validate a rubric by id or path; cached per file and modification time."""
    path = resolve_rubric(ref).resolve()
    return _load_cached(str(path), path.stat().st_mtime_ns)


@cache
def _load_cached(path: str, _mtime: int) -> Rubric:
    return parse_rubric(_read_yaml(Path(path)), source=path)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RubricError(f"cannot read ({exc.strerror})", source=path) from None
    except UnicodeDecodeError:
        raise RubricError("not UTF-8 text", source=path) from None
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 10x faster
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RubricError(f"invalid YAML ({problem})", source=path, field=where) from None


# --------------------------------------------------------------------------- validation


@cache
def _validator() -> Any:
    import fastjsonschema

    return fastjsonschema.compile(json.loads(_SCHEMA_PATH.read_text(encoding="utf-8")))


def format_path(parts: list[Any] | tuple[Any, ...]) -> str:
    """['dimensions', 2, 'levels'] -> 'dimensions[2].levels'."""
    out = ""
    for part in parts:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _schema_error(exc: Any, source: str) -> RubricError:
    parts = [p for p in exc.path if p != "data"]
    where = format_path(parts)
    if exc.rule == "required" and isinstance(exc.value, dict):
        required = exc.definition.get("required", [])
        missing = [k for k in required if k not in exc.value]
        return RubricError(f"missing {', '.join(repr(m) for m in missing)}", source=source, field=where)
    if exc.rule == "additionalProperties" and isinstance(exc.value, dict):
        allowed = set(exc.definition.get("properties", {}))
        extra = sorted(k for k in exc.value if k not in allowed)
        return RubricError(f"unknown field {', '.join(repr(e) for e in extra)}", source=source, field=where)
    message = exc.message.removeprefix(exc.name).strip() if exc.name else exc.message
    message = message.replace("data.", "")
    return RubricError(message, source=source, field=where)


def parse_rubric(data: Any, *, source: str = "<rubric>") -> Rubric:
    """Validate a loaded YAML document and build the dataclasses; raises RubricError naming the field."""
    import fastjsonschema

    if not isinstance(data, dict):
        raise RubricError("a rubric must be a mapping at the top level", source=source)
    try:
        _validator()(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise _schema_error(exc, source) from None
    _check_semantics(data, source)

    levels = tuple(
        Level(
            level=lv["level"],
            name=lv["name"],
            description=lv["description"],
            alias=lv.get("alias", ""),
            summary=" ".join(lv.get("summary", "").split()),
            effort=lv.get("effort", ""),
            effort_weeks=tuple(lv["effort_weeks"]) if "effort_weeks" in lv else None,  # type: ignore[arg-type]
            how_to_reach=" ".join(lv.get("how_to_reach", "").split()),
            tool_categories=tuple(lv.get("tool_categories", ())),
            warning_signs=tuple(lv.get("warning_signs", ())),
            challenges=tuple(lv.get("challenges", ())),
        )
        for lv in sorted(data["levels"], key=lambda lv: lv["level"])
    )
    dimensions = tuple(
        Dimension(
            id=d["id"],
            name=d["name"],
            description=d.get("description", ""),
            levels=tuple(
                DimensionLevel(
                    level=block["level"],
                    criteria=tuple(
                        Criterion(
                            id=c["id"],
                            text=c["text"],
                            dimension=d["id"],
                            level=block["level"],
                            guidance=c.get("guidance", ""),
                            tools=tuple(c.get("tools", ())),
                            evidence=tuple(c.get("evidence", ())),
                            where=_criterion_where(data, d, block, c),
                        )
                        for c in block["criteria"]
                    ),
                )
                for block in sorted(d["levels"], key=lambda b: b["level"])
            ),
        )
        for d in data["dimensions"]
    )
    return Rubric(
        id=data["id"],
        title=data["title"],
        version=str(data["version"]),
        description=" ".join(data.get("description", "").split()),
        pass_ratio=float(data.get("pass_ratio", 1.0)),
        levels=levels,
        dimensions=dimensions,
        phases=tuple(Phase(**p) for p in sorted(data.get("phases", []), key=lambda p: p["level"])),
        tool_categories=tuple(
            ToolCategory(id=t["id"], name=t["name"], examples=tuple(t["examples"]))
            for t in data.get("tool_categories", [])
        ),
        kpis=tuple(KPI(**k) for k in data.get("kpis", [])),
        source=source,
    )


def _check_semantics(data: dict[str, Any], source: str) -> None:
    def fail(where: str, message: str) -> None:
        raise RubricError(message, source=source, field=where)

    seen_levels: dict[int, int] = {}
    for i, lv in enumerate(data["levels"]):
        if lv["level"] in seen_levels:
            fail(f"levels[{i}].level", f"level {lv['level']} appears twice (also levels[{seen_levels[lv['level']]}])")
        seen_levels[lv["level"]] = i
    known_tools = {t["id"] for t in data.get("tool_categories", [])}
    for i, lv in enumerate(data["levels"]):
        for j, tool in enumerate(lv.get("tool_categories", [])):
            if tool not in known_tools:
                fail(f"levels[{i}].tool_categories[{j}]", f"unknown tool category {tool!r}")
    phase_levels: dict[int, int] = {}
    for i, phase in enumerate(data.get("phases", [])):
        if phase["level"] in phase_levels:
            fail(f"phases[{i}].level", f"level {phase['level']} already has phases[{phase_levels[phase['level']]}]")
        phase_levels[phase["level"]] = i

    dimension_ids: dict[str, int] = {}
    criterion_ids: dict[str, str] = {}
    for i, dim in enumerate(data["dimensions"]):
        if dim["id"] in dimension_ids:
            fail(f"dimensions[{i}].id", f"duplicate id {dim['id']!r} (also dimensions[{dimension_ids[dim['id']]}])")
        dimension_ids[dim["id"]] = i
        block_levels: dict[int, int] = {}
        for j, block in enumerate(dim["levels"]):
            if block["level"] in block_levels:
                fail(
                    f"dimensions[{i}].levels[{j}].level",
                    f"level {block['level']} appears twice (also dimensions[{i}].levels[{block_levels[block['level']]}])",
                )
            block_levels[block["level"]] = j
            for k, crit in enumerate(block["criteria"]):
                where = f"dimensions[{i}].levels[{j}].criteria[{k}]"
                if crit["id"] in criterion_ids:
                    fail(f"{where}.id", f"duplicate id {crit['id']!r} (also {criterion_ids[crit['id']]})")
                criterion_ids[crit["id"]] = where
                _check_evidence(crit.get("evidence", ()), where, fail)


def _criterion_where(data: dict[str, Any], dim: dict[str, Any], block: dict[str, Any], crit: dict[str, Any]) -> str:
    """`dimensions[i].levels[j].criteria[k]`: the criterion's place in the file as written."""
    i = next(n for n, d in enumerate(data["dimensions"]) if d is dim)
    j = next(n for n, b in enumerate(dim["levels"]) if b is block)
    k = next(n for n, c in enumerate(block["criteria"]) if c is crit)
    return f"dimensions[{i}].levels[{j}].criteria[{k}]"


def _check_evidence(refs: Any, where: str, fail: Any) -> None:
    """Each probe is named once per criterion. Whether a probe id exists is the scan's to say
    (`scan.assess.check_evidence`): the rubric sits below the scan and keeps the ids as data."""
    seen: set[str] = set()
    for n, ref in enumerate(refs or ()):
        probe = ref.split(":", 1)[0]
        if probe in seen:
            fail(f"{where}.evidence[{n}]", f"probe {probe!r} listed twice")
        seen.add(probe)
