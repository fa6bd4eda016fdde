"""MLflow's SQLite store (`sqlite:///mlflow.db`): a few SELECTs on a read-only connection, then pure parsing.

Tables, as MLflow's SQLAlchemy store creates them (mlflow/store/tracking/dbmodels/models.py,
model_registry/dbmodels/models.py): experiments(experiment_id, lifecycle_stage), runs(run_uuid,
experiment_id, user_id, lifecycle_stage), params(run_uuid, key), latest_metrics / metrics(run_uuid, key),
tags(run_uuid, key, value), registered_models(name), model_versions(name, version, current_stage, run_id),
registered_model_aliases(name, alias, version) since MLflow 2.3. Only columns present since MLflow 1.x are
read, so older databases work too. The file is opened with `mode=ro`: SQLite itself refuses any write.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .records import (
    DELETED_STAGE,
    GIT_COMMIT_TAG,
    Layout,
    MlflowStoreError,
    RunRecord,
    StoreSnapshot,
    VersionRecord,
)

REQUIRED_TABLES = frozenset({"experiments", "runs"})
Row = tuple[object, ...]


@dataclass(frozen=True)
class SqliteRows:
    """The rows the evidence needs, as SQLite returned them; `truncated` when more runs existed."""

    experiments: tuple[Row, ...]  # (experiment_id, lifecycle_stage)
    runs: tuple[Row, ...]  # (run_uuid, experiment_id, user_id)
    params: tuple[Row, ...]  # (run_uuid, key)
    metrics: tuple[Row, ...]  # (run_uuid, key)
    tags: tuple[Row, ...]  # (run_uuid, key, value) for the git-commit and user tags only
    models: tuple[Row, ...]  # (name,)
    versions: tuple[Row, ...]  # (name, version, current_stage, run_id)
    aliases: tuple[Row, ...]  # (name, alias, version)
    truncated: bool = False


def parse_sqlite_rows(rows: SqliteRows, layout: Layout, uri: str) -> StoreSnapshot:
    """Records from the rows: runs of active experiments with their keys, live versions with their aliases."""
    active = {str(e) for e, stage in rows.experiments if stage == "active"}
    params: dict[str, set[str]] = defaultdict(set)
    metrics: dict[str, set[str]] = defaultdict(set)
    tags: dict[str, dict[str, str]] = defaultdict(dict)
    for run_id, key in rows.params:
        params[str(run_id)].add(str(key))
    for run_id, key in rows.metrics:
        metrics[str(run_id)].add(str(key))
    for run_id, key, value in rows.tags:
        tags[str(run_id)][str(key)] = str(value or "").strip()
    runs = []
    for run_id, exp_id, user in rows.runs:
        rid = str(run_id)
        if str(exp_id) not in active:
            continue
        runs.append(RunRecord(experiment_id=str(exp_id), run_id=rid, params=tuple(sorted(params[rid])),
                              metrics=tuple(sorted(metrics[rid])), git_commit=tags[rid].get(GIT_COMMIT_TAG, ""),
                              user=str(user or "") or tags[rid].get("mlflow.user", "")))
    aliases: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name, alias, version in rows.aliases:
        aliases[(str(name), str(version))].append(str(alias))
    versions = [VersionRecord(str(name), str(version), str(stage or "None"), str(run_id or ""),
                              tuple(sorted(aliases[(str(name), str(version))])))
                for name, version, stage, run_id in rows.versions if stage != DELETED_STAGE]
    versions.sort(key=lambda v: (v.model, int(v.version) if v.version.isdigit() else 0))
    return StoreSnapshot(uri=uri, layout=layout, experiments=len(active), runs=tuple(runs),
                         models=tuple(sorted(str(m[0]) for m in rows.models)), versions=tuple(versions),
                         truncated=rows.truncated)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def read_sqlite_rows(path: Path, *, uri: str, max_runs: int) -> SqliteRows:
    """Run the SELECTs on a read-only connection; raises when the file is not an MLflow database."""
    if not path.exists():
        raise MlflowStoreError("no such file", source=uri)
    if not path.is_file():
        raise MlflowStoreError("not a file (an SQLite tracking store is one file, e.g. mlflow.db)", source=uri)
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise MlflowStoreError(f"cannot open read-only: {_one_line(exc)}", source=uri) from exc
    try:
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise MlflowStoreError(f"not an SQLite database ({_one_line(exc)})", source=uri) from exc
        missing = REQUIRED_TABLES - tables
        if missing:
            raise MlflowStoreError(f"an SQLite file without MLflow's tables (no {', '.join(sorted(missing))} "
                                   "table)", source=uri)

        def rows(sql: str, *args: object, table: str | None = None) -> tuple[Row, ...]:
            """All rows of one SELECT; none when `table` does not exist in this (older) schema."""
            if table is not None and table not in tables:
                return ()
            return tuple(con.execute(sql, args).fetchall())

        try:
            runs = rows("SELECT run_uuid, experiment_id, user_id FROM runs WHERE lifecycle_stage = 'active' "
                        "ORDER BY start_time DESC LIMIT ?", max_runs + 1)
            metric_table = "latest_metrics" if "latest_metrics" in tables else "metrics"
            return SqliteRows(
                experiments=rows("SELECT experiment_id, lifecycle_stage FROM experiments"),
                runs=runs[:max_runs],
                params=rows("SELECT run_uuid, key FROM params", table="params"),
                metrics=rows(f"SELECT DISTINCT run_uuid, key FROM {metric_table}", table=metric_table),
                tags=rows("SELECT run_uuid, key, value FROM tags WHERE key IN (?, ?)", GIT_COMMIT_TAG,
                          "mlflow.user", table="tags"),
                models=rows("SELECT name FROM registered_models", table="registered_models"),
                versions=rows("SELECT name, version, current_stage, run_id FROM model_versions",
                              table="model_versions"),
                aliases=rows("SELECT name, alias, version FROM registered_model_aliases",
                             table="registered_model_aliases"),
                truncated=len(runs) > max_runs,
            )
        except sqlite3.Error as exc:
            raise MlflowStoreError(f"MLflow's tables cannot be read ({_one_line(exc)})", source=uri) from exc
    finally:
        con.close()


def read_sqlite_store(path: Path, *, uri: str, max_runs: int) -> StoreSnapshot:
    """Read an MLflow SQLite database; evidence places are named '<file name>: <table> ...'."""
    return parse_sqlite_rows(read_sqlite_rows(path, uri=uri, max_runs=max_runs), Layout("sqlite", path.name), uri)
