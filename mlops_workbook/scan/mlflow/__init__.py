"""`scan --mlflow URI`: a team's MLflow tracking store as evidence, read-only.

Three kinds of store give the same records (`records`): an `mlruns/` folder (`filestore`), an
`mlflow.db` SQLite file (`sqlitestore`), a tracking server over REST (`rest`). The store is evidence
through the probe registry like the repository: `scan` puts the snapshot in the raw results, the
`mlflow-store` probe (`probes/mlflow_store.py`) turns it into findings with the rules of `evidence`,
and the rubric's `evidence:` lists judge them with every other probe's (the stronger answer wins).
A URI that cannot be read raises MlflowStoreError (a WorkbookError: one line naming the URI, exit 2).
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from pathlib import Path

from .evidence import MANY_RUNS, RULES
from .filestore import read_file_store
from .records import (
    GIT_COMMIT_TAG,
    Layout,
    MlflowStoreError,
    RunRecord,
    StoreRead,
    StoreSnapshot,
    VersionRecord,
)
from .rest import read_rest_store
from .sqlitestore import read_sqlite_store

MAX_RUNS = 20_000
SQLITE_MAGIC = b"SQLite format 3\x00"
SUPPORTED = "an mlruns/ folder, sqlite:///path/mlflow.db, or http(s)://host:port"


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


__all__ = [
    "GIT_COMMIT_TAG", "Layout", "MANY_RUNS", "MAX_RUNS", "MlflowStoreError", "RULES", "RunRecord", "StoreRead",
    "StoreSnapshot", "VersionRecord", "read_store",
]
