"""`scan --mlflow URI`: a team's MLflow tracking store as evidence, read-only.

Three kinds of store give the same records (`records`): an `mlruns/` folder (`filestore`), an
`mlflow.db` SQLite file (`sqlitestore`), a tracking server over REST (`rest`). The rules in `evidence`
turn them into the same CriterionFinding objects the repository scan produces (probe "mlflow-store"),
and `merge` combines both: per criterion the stronger answer wins, evidence kept from both sides.
A URI that cannot be read raises MlflowStoreError (a WorkbookError: one line naming the URI, exit 2).
"""

from __future__ import annotations

import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...assessment.rubric import DEFAULT_RUBRIC, Rubric, load_rubric
from ..findings import CriterionFinding
from .evidence import MANY_RUNS, PROBE, RULES, judge_store
from .filestore import read_file_store
from .merge import merge_findings, merge_results, store_probe_findings
from .records import (
    GIT_COMMIT_TAG,
    Layout,
    MlflowStoreError,
    RunRecord,
    StoreSnapshot,
    VersionRecord,
)
from .rest import read_rest_store
from .sqlitestore import read_sqlite_store

MAX_RUNS = 20_000
SQLITE_MAGIC = b"SQLite format 3\x00"
SUPPORTED = "an mlruns/ folder, sqlite:///path/mlflow.db, or http(s)://host:port"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


@dataclass(frozen=True)
class MlflowScan:
    """What one store gave: the findings for a rubric, and how much was read (for the one-line summary)."""

    uri: str
    kind: str
    rubric: str
    findings: tuple[CriterionFinding, ...]
    experiments: int
    runs: int
    models: int
    versions: int
    truncated: bool
    seconds: float

    def summary(self) -> str:
        """'MLflow store mlruns (file): 2 experiments, 12 runs, 1 registered model, 3 versions'."""
        more = f" (first {self.runs} runs only)" if self.truncated else ""
        return (f"MLflow store {self.uri} ({self.kind}): {_count(self.experiments, 'experiment')}, "
                f"{_count(self.runs, 'run')}{more}, {_count(self.models, 'registered model')}, "
                f"{_count(self.versions, 'version')}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for `scan --json`."""
        return {"uri": self.uri, "kind": self.kind, "rubric": self.rubric,
                "findings": [f.to_dict() for f in self.findings], "experiments": self.experiments,
                "runs": self.runs, "models": self.models, "versions": self.versions,
                "truncated": self.truncated, "seconds": round(self.seconds, 3)}


def _local_path(uri: str) -> Path | None:
    """The file system path of a plain path, file: or sqlite: URI; None for anything else."""
    if uri.startswith("sqlite:///"):
        return Path(urllib.parse.unquote(uri[len("sqlite:///"):].split("?", 1)[0]))
    if uri.startswith("file:"):
        return Path(urllib.request.url2pathname(urllib.parse.urlsplit(uri).path))
    if "://" in uri:
        return None
    return Path(uri)


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def read_store(uri: str, *, max_runs: int = MAX_RUNS) -> StoreSnapshot:
    """Read a tracking store, never writing to it; raises MlflowStoreError naming `uri` when it cannot."""
    uri = str(uri).strip()
    if not uri:
        raise MlflowStoreError(f"empty tracking URI (give {SUPPORTED})", field="--mlflow")
    scheme = urllib.parse.urlsplit(uri).scheme.lower() if "://" in uri else ""
    if scheme in ("http", "https"):
        if not urllib.parse.urlsplit(uri).hostname:
            raise MlflowStoreError("no host in the URL", source=uri)
        return read_rest_store(uri.rstrip("/"), uri=uri.rstrip("/"), max_runs=max_runs)
    path = _local_path(uri)
    if path is None:
        raise MlflowStoreError(f"unsupported tracking URI scheme {scheme!r} (give {SUPPORTED})", source=uri)
    if uri.startswith("sqlite:"):
        return read_sqlite_store(path, uri=uri, max_runs=max_runs)
    if not path.exists():
        raise MlflowStoreError("no such file or folder", source=uri)
    if path.is_file():
        if not _is_sqlite(path):
            raise MlflowStoreError("not an MLflow store (a file that is not an SQLite database)", source=uri)
        return read_sqlite_store(path, uri=uri, max_runs=max_runs)
    try:
        return read_file_store(path, uri=uri, max_runs=max_runs)
    except MlflowStoreError as exc:
        inside = [p.name for p in (path / "mlruns", path / "mlflow.db") if p.exists()]
        if inside:
            raise MlflowStoreError(f"{exc.reason}; did you mean {path / inside[0]}?", source=uri) from exc
        raise


def scan_mlflow(uri: str, rubric: Rubric | str | Path = DEFAULT_RUBRIC, *, max_runs: int = MAX_RUNS) -> MlflowScan:
    """Read the store at `uri` and judge it against `rubric`'s criteria (see `evidence` for the rules)."""
    rub = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    start = time.perf_counter()
    store = read_store(uri, max_runs=max_runs)
    findings = judge_store(store, rub.iter_criteria())
    return MlflowScan(uri=store.uri, kind=store.layout.kind, rubric=rub.id, findings=findings,
                      experiments=store.experiments, runs=len(store.runs), models=len(store.models),
                      versions=len(store.versions), truncated=store.truncated, seconds=time.perf_counter() - start)


__all__ = [
    "GIT_COMMIT_TAG", "Layout", "MANY_RUNS", "MAX_RUNS", "MlflowScan", "MlflowStoreError", "PROBE",
    "RULES", "RunRecord", "StoreSnapshot", "VersionRecord", "judge_store", "merge_findings",
    "merge_results", "read_store", "scan_mlflow", "store_probe_findings",
]
