"""MLflow's file store (`mlruns/`): read the folders once into plain text, then parse that text purely.

Layout, as MLflow 3 writes it (mlflow/store/tracking/file_store.py, model_registry/file_store.py):
`<root>/<experiment_id>/meta.yaml` (experiment_id, name, lifecycle_stage), `<root>/<exp>/<run_id>/meta.yaml`
(run_id, lifecycle_stage, user_id) with `params/<key>`, `metrics/<key>` (lines "timestamp value step"),
`tags/<key>` (the value); the folders `tags`, `datasets`, `traces`, `models` inside an experiment are not runs.
Registered models: `<root>/models/<name>/meta.yaml`, `version-<n>/meta.yaml` (version, current_stage,
run_id) and `aliases/<alias>` (the version number). Deleted experiments move to `.trash`; deleted runs keep
their folder with lifecycle_stage "deleted". Nothing here writes: files are opened for reading only.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .records import (
    DELETED_STAGE,
    GIT_COMMIT_TAG,
    Layout,
    MlflowStoreError,
    RunRecord,
    StoreSnapshot,
    VersionRecord,
)

RESERVED_EXPERIMENT_FOLDERS = frozenset({"tags", "datasets", "traces", "models"})
META = "meta.yaml"
MAX_META_BYTES = 1 << 20
MAX_TAG_BYTES = 1 << 16
MAX_KEY_DEPTH = 8  # keys with "/" are nested folders; deeper than this is not MLflow's
# libyaml's safe loader parses a run's meta.yaml ~10x faster (2000 runs: 11 s with the pure-Python one)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class RawRun:
    """A run folder as read: its parsed meta.yaml (run_id, user_id, active), param and metric keys, the tags we use."""

    folder: str
    meta: tuple[str, str, bool]
    params: tuple[str, ...]
    metrics: tuple[str, ...]
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RawExperiment:
    """An experiment folder as read."""

    folder: str
    meta: str
    runs: tuple[RawRun, ...]


@dataclass(frozen=True)
class RawModel:
    """A registered model folder as read: its meta.yaml, each version's meta.yaml, each alias file."""

    folder: str
    meta: str
    versions: tuple[str, ...]
    aliases: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RawFileStore:
    """The whole store as text; `truncated` when more runs existed than were read."""

    experiments: tuple[RawExperiment, ...]
    models: tuple[RawModel, ...]
    truncated: bool = False


# --------------------------------------------------------------------------- pure parsing


def _yaml_mapping(text: str) -> dict[str, Any] | None:
    """A meta.yaml's mapping, or None when it is not YAML or not a mapping (MLflow skips such folders too)."""
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a SafeLoader, in C when libyaml is there
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def parse_experiment_meta(text: str) -> tuple[str, str, bool] | None:
    """(experiment_id, name, active) from an experiment's meta.yaml; None if it is not one."""
    meta = _yaml_mapping(text)
    if not meta or "experiment_id" not in meta or "name" not in meta:
        return None
    return str(meta["experiment_id"]), str(meta["name"]), meta.get("lifecycle_stage", "active") == "active"


def parse_run_meta(text: str) -> tuple[str, str, bool] | None:
    """(run_id, user_id, active) from a run's meta.yaml; None if it is not one."""
    meta = _yaml_mapping(text)
    run_id = meta and (meta.get("run_id") or meta.get("run_uuid"))
    if not meta or not run_id:
        return None
    return str(run_id), str(meta.get("user_id") or ""), meta.get("lifecycle_stage", "active") == "active"


def parse_version_meta(text: str) -> tuple[str, str, str] | None:
    """(version, current_stage, run_id) from a model version's meta.yaml; None if not one or deleted."""
    meta = _yaml_mapping(text)
    if not meta or meta.get("version") is None:
        return None
    stage = str(meta.get("current_stage") or "None")
    if stage == DELETED_STAGE:
        return None
    return str(meta["version"]), stage, str(meta.get("run_id") or "")


def parse_file_store(raw: RawFileStore, layout: Layout, uri: str) -> StoreSnapshot:
    """Records from the text of a file store: active experiments and runs, live model versions and aliases."""
    runs: list[RunRecord] = []
    experiments = 0
    for exp in raw.experiments:
        parsed = parse_experiment_meta(exp.meta)
        if parsed is None or not parsed[2]:
            continue
        experiments += 1
        for raw_run in exp.runs:
            run = raw_run.meta
            if not run[2]:
                continue
            runs.append(RunRecord(experiment_id=exp.folder, run_id=run[0], params=raw_run.params,
                                  metrics=raw_run.metrics, git_commit=raw_run.tags.get(GIT_COMMIT_TAG, "").strip(),
                                  user=run[1] or raw_run.tags.get("mlflow.user", "").strip()))
    models: list[str] = []
    versions: list[VersionRecord] = []
    for model in raw.models:
        meta = _yaml_mapping(model.meta)
        if not meta or not meta.get("name"):
            continue
        name = str(meta["name"])
        models.append(name)
        aliases: dict[str, list[str]] = {}
        pointers = {a: v.strip() for a, v in model.aliases.items()}
        if not pointers and isinstance(meta.get("aliases"), dict):  # older writers kept them only in meta.yaml
            pointers = {str(a): str(v) for a, v in meta["aliases"].items()}
        for alias, version in pointers.items():
            aliases.setdefault(version, []).append(alias)
        for text in model.versions:
            v = parse_version_meta(text)
            if v is not None:
                versions.append(VersionRecord(name, v[0], v[1], v[2], tuple(sorted(aliases.get(v[0], ())))))
    versions.sort(key=lambda v: (v.model, int(v.version) if v.version.isdigit() else 0, v.version))
    return StoreSnapshot(uri=uri, layout=layout, experiments=experiments, runs=tuple(runs),
                         models=tuple(sorted(models)), versions=tuple(versions), truncated=raw.truncated)


# --------------------------------------------------------------------------- I/O


def _read_text(path: str, limit: int) -> str:
    """A small regular file's text; '' when unreadable, too large, a symlink or not a regular file (a FIFO
    would block the read forever): one bad file does not stop the read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return ""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError:
        return ""
    finally:
        os.close(fd)
    return "" if len(data) > limit else data.decode("utf-8", errors="replace")


def _subdirs(path: str) -> list[os.DirEntry[str]]:
    """Real sub-folders (symlinks are not followed: a store is read where it is)."""
    try:
        with os.scandir(path) as it:
            return sorted((e for e in it if e.is_dir(follow_symlinks=False)), key=lambda e: e.name)
    except OSError:
        return []


def _keys(folder: str) -> tuple[str, ...]:
    """The keys stored as files under params/, metrics/ or tags/ (a key with '/' is a nested path)."""
    keys: list[str] = []
    base_depth = folder.rstrip(os.sep).count(os.sep)
    for current, dirs, files in os.walk(folder):
        if current.count(os.sep) - base_depth >= MAX_KEY_DEPTH:
            dirs[:] = []
        rel = os.path.relpath(current, folder)
        for name in files:
            keys.append(name if rel == "." else f"{rel.replace(os.sep, '/')}/{name}")
    return tuple(sorted(keys))


def _read_run(path: str, folder: str) -> RawRun | None:
    """A run folder, or None when its meta.yaml is missing or not a run's, or the run is deleted."""
    meta = parse_run_meta(_read_text(os.path.join(path, META), MAX_META_BYTES))
    if meta is None or not meta[2]:
        return None
    tags = {}
    for key in (GIT_COMMIT_TAG, "mlflow.user"):
        value = _read_text(os.path.join(path, "tags", key), MAX_TAG_BYTES)
        if value:
            tags[key] = value
    return RawRun(folder, meta, _keys(os.path.join(path, "params")), _keys(os.path.join(path, "metrics")), tags)


def read_raw_file_store(root: str, *, max_runs: int, source: str | None = None) -> RawFileStore:
    """Read an `mlruns/` folder into text, at most `max_runs` active runs (in folder order); raises if it is
    not an MLflow file store."""
    experiments: list[RawExperiment] = []
    models: list[RawModel] = []
    total, truncated = 0, False
    for entry in _subdirs(root):
        if entry.name.startswith(".") or entry.name == "models":
            continue
        meta = _read_text(os.path.join(entry.path, META), MAX_META_BYTES)
        if parse_experiment_meta(meta) is None:
            continue
        runs: list[RawRun] = []
        for run_dir in _subdirs(entry.path):
            if run_dir.name in RESERVED_EXPERIMENT_FOLDERS:
                continue
            if total >= max_runs:
                truncated = True
                break
            run = _read_run(run_dir.path, run_dir.name)
            if run is not None:  # only active runs count towards the cap
                runs.append(run)
                total += 1
        experiments.append(RawExperiment(entry.name, meta, tuple(runs)))
    models_dir = os.path.join(root, "models")
    for entry in _subdirs(models_dir):
        meta = _read_text(os.path.join(entry.path, META), MAX_META_BYTES)
        if not meta:
            continue
        version_texts = tuple(_read_text(os.path.join(v.path, META), MAX_META_BYTES)
                              for v in _subdirs(entry.path) if v.name.startswith("version-"))
        alias_dir = os.path.join(entry.path, "aliases")
        aliases = {}
        if os.path.isdir(alias_dir):
            for name in sorted(os.listdir(alias_dir)):
                text = _read_text(os.path.join(alias_dir, name), MAX_TAG_BYTES)
                if text.strip():
                    aliases[name] = text
        models.append(RawModel(entry.name, meta, version_texts, aliases))
    if not experiments and not models and not os.path.isdir(os.path.join(root, ".trash")):
        raise MlflowStoreError("not an MLflow file store (no experiment folder with a meta.yaml, no models/, "
                               "no .trash/)", source=source or root)
    return RawFileStore(tuple(experiments), tuple(models), truncated)


def read_file_store(path: str | Path, *, uri: str, max_runs: int) -> StoreSnapshot:
    """Read an MLflow file store folder; evidence places are named '<folder name>/<exp>/<run>/...'."""
    root = os.fspath(path)
    raw = read_raw_file_store(root, max_runs=max_runs, source=uri)
    name = os.path.basename(os.path.normpath(root)) or root
    return parse_file_store(raw, Layout("file", name), uri)
