"""What is read from an MLflow tracking store, whatever kind it is: runs, registered versions, and where each was seen.

The three readers (file store, SQLite, REST) produce the same records, so the evidence rules never
know which kind of store they judge. `Layout` is the one owner of how a place in each kind of store is
written in a finding ("mlruns/1/<run>/tags/mlflow.source.git.commit", "mlflow.db: runs <run> ...",
"http://host:port run <run> ...").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..collector import ScanError

StoreKind = Literal["file", "sqlite", "rest"]

GIT_COMMIT_TAG = "mlflow.source.git.commit"
# MLflow's internal stage for a deleted model version (sql and file stores keep the row/folder).
DELETED_STAGE = "Deleted_Internal"
NO_STAGE = "None"


class MlflowStoreError(ScanError):
    """An MLflow tracking URI that cannot be read: missing, not an MLflow store, or a server that is not MLflow's."""


@dataclass(frozen=True)
class Layout:
    """How a place in one store is named in evidence; `base` is the store's short name or the server's URL."""

    kind: StoreKind
    base: str

    def run(self, experiment_id: str, run_id: str) -> str:
        """Where a run lives (its folder, its row, or its id on the server)."""
        if self.kind == "file":
            return f"{self.base}/{experiment_id}/{run_id}"
        if self.kind == "sqlite":
            return f"{self.base}: runs {run_id}"
        return f"{self.base} run {run_id}"

    def run_tag(self, experiment_id: str, run_id: str, key: str) -> str:
        """Where one tag of a run is stored."""
        if self.kind == "file":
            return f"{self.run(experiment_id, run_id)}/tags/{key}"
        if self.kind == "sqlite":
            return f"{self.base}: tags run {run_id} {key}"
        return f"{self.base} run {run_id} tag {key}"

    def run_metric(self, experiment_id: str, run_id: str, key: str) -> str:
        """Where one metric of a run is stored."""
        if self.kind == "file":
            return f"{self.run(experiment_id, run_id)}/metrics/{key}"
        if self.kind == "sqlite":
            return f"{self.base}: metrics run {run_id} {key}"
        return f"{self.base} run {run_id} metric {key}"

    def model(self, name: str) -> str:
        """Where a registered model is stored."""
        if self.kind == "file":
            return f"{self.base}/models/{name}/meta.yaml"
        if self.kind == "sqlite":
            return f"{self.base}: registered_models '{name}'"
        return f"{self.base} registered model '{name}'"

    def version(self, name: str, version: str) -> str:
        """Where a model version (and its stage) is stored."""
        if self.kind == "file":
            return f"{self.base}/models/{name}/version-{version}/meta.yaml"
        if self.kind == "sqlite":
            return f"{self.base}: model_versions '{name}' v{version}"
        return f"{self.base} registered model '{name}' v{version}"

    def alias(self, name: str, version: str, alias: str) -> str:
        """Where an alias pointing at a version is stored."""
        if self.kind == "file":
            return f"{self.base}/models/{name}/aliases/{alias}"
        if self.kind == "sqlite":
            return f"{self.base}: registered_models '{name}' v{version} alias {alias}"
        return f"{self.base} registered model '{name}' v{version} alias {alias}"


@dataclass(frozen=True)
class RunRecord:
    """One active run: which params and metrics it logged, its git commit and who ran it (empty when unknown)."""

    experiment_id: str
    run_id: str
    params: tuple[str, ...]
    metrics: tuple[str, ...]
    git_commit: str = ""
    user: str = ""

    @property
    def complete(self) -> bool:
        """Params, metrics and the code version: what the rubric calls tracking."""
        return bool(self.params and self.metrics and self.git_commit)

    @property
    def known_user(self) -> bool:
        """MLflow writes 'unknown' when the client did not say who ran it."""
        return bool(self.user) and self.user != "unknown"


@dataclass(frozen=True)
class VersionRecord:
    """One registered model version (deleted versions are never recorded)."""

    model: str
    version: str
    stage: str = NO_STAGE
    run_id: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def promoted(self) -> bool:
        """An alias points at it or it was moved to a stage: a promotion the registry recorded."""
        return bool(self.aliases) or self.stage not in (NO_STAGE, "")


@dataclass(frozen=True)
class StoreSnapshot:
    """Everything read from one store, with the layout that names its places; `truncated` if runs were capped."""

    uri: str
    layout: Layout
    experiments: int
    runs: tuple[RunRecord, ...]
    models: tuple[str, ...]
    versions: tuple[VersionRecord, ...]
    truncated: bool = False

    def run_by_id(self) -> dict[str, RunRecord]:
        """Runs by id, to follow a version back to the run that produced it."""
        return {r.run_id: r for r in self.runs}

    def read(self, seconds: float) -> StoreRead:
        """What was read, for the scan's summary line and its JSON (the findings come from the probe)."""
        return StoreRead(uri=self.uri, kind=self.layout.kind, experiments=self.experiments, runs=len(self.runs),
                         models=len(self.models), versions=len(self.versions), truncated=self.truncated,
                         seconds=seconds)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


@dataclass(frozen=True)
class StoreRead:
    """How much one store gave (what `scan` prints and `scan --json` reports under "mlflow")."""

    uri: str
    kind: StoreKind
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
        return {"uri": self.uri, "kind": self.kind, "experiments": self.experiments, "runs": self.runs,
                "models": self.models, "versions": self.versions, "truncated": self.truncated,
                "seconds": round(self.seconds, 3)}
