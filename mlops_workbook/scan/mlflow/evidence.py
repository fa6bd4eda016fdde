"""From what a tracking store holds to answers: one rule per criterion, written once, as data plus a pure function.

The rules (each finding's locations repeat the rule that gave its answer, so a team can check it):
- tracking (model-1-experiment-tracking): yes when at least MANY_RUNS runs logged params, metrics and a git
  commit; partial when any run logged a metric or a param.
- versioning (model-2-versioning, at most partial): a registered version traces back to a run with params
  and metrics; MLflow does not record the data version, so never yes from the store alone.
- lineage (model-3-advanced-tracking, at most partial): a promoted version (alias or stage) traces back to
  its run in the same store.
- registry (gov-2-model-registry): yes when a registered model has a version; partial for models without.
- known version (deploy-1-known-version, at most partial): an alias or the Production stage names a version.
- approval (gov-2-approval-workflow, at most partial): aliases or stage transitions are promotions the
  registry recorded; who approved them is not recorded by MLflow.
- audit (gov-2-audit-trail): yes when every version traces to a run with a git commit and a known user;
  partial when at least one version traces to a run with a git commit.
The `mlflow-store` probe (`probes/mlflow_store.py`) runs these rules and gives each judgement as findings
scoped to its criterion; a criterion of another rubric that lists the probe counts all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..findings import Location, ScanAnswer
from .records import RunRecord, StoreSnapshot, VersionRecord

MANY_RUNS = 3

Judgement = tuple[ScanAnswer, list[Location]] | None
Rule = Callable[[StoreSnapshot], Judgement]


def _runs_text(n: int) -> str:
    return f"{n} run" + ("" if n == 1 else "s")


def _run_place(store: StoreSnapshot, run: RunRecord) -> str:
    """The place that shows most: the git-commit tag, else the first metric, else the run."""
    lay = store.layout
    if run.git_commit:
        return lay.run_tag(run.experiment_id, run.run_id, "mlflow.source.git.commit")
    if run.metrics:
        return lay.run_metric(run.experiment_id, run.run_id, run.metrics[0])
    return lay.run(run.experiment_id, run.run_id)


def _traced(store: StoreSnapshot, versions: Iterable[VersionRecord]) -> list[tuple[VersionRecord, RunRecord]]:
    """Versions whose run_id names a run read from this store, with that run."""
    runs = store.run_by_id()
    return [(v, runs[v.run_id]) for v in versions if v.run_id in runs]


def tracking(store: StoreSnapshot) -> Judgement:
    """Runs with params, metrics and a git commit: many = yes; any run with a metric or param = partial."""
    complete = [r for r in store.runs if r.complete]
    logged = [r for r in store.runs if r.metrics or r.params]
    if not logged:
        return None
    rule = (f"rule: yes when >= {MANY_RUNS} runs log params, metrics and a git commit; found "
            f"{len(complete)} of {len(logged)} logged runs")
    if len(complete) >= MANY_RUNS:
        return "yes", [Location(_run_place(store, r), None,
                                f"run with {len(r.params)} params, {len(r.metrics)} metrics, commit "
                                f"{r.git_commit[:12]}; {rule}") for r in complete]
    best = sorted(logged, key=lambda r: not r.complete)
    return "partial", [Location(_run_place(store, r), None,
                                f"run with {len(r.params)} params, {len(r.metrics)} metrics"
                                f"{', commit ' + r.git_commit[:12] if r.git_commit else ', no git commit'}; {rule}")
                       for r in best]


def versioning(store: StoreSnapshot) -> Judgement:
    """A registered version traces to a run with params and metrics: partial (no data version in MLflow)."""
    traced = [(v, r) for v, r in _traced(store, store.versions) if r.params and r.metrics]
    if not traced:
        return None
    rule = (f"{len(traced)} of {len(store.versions)} versions trace to a run with params and metrics; "
            "rule: partial at most, MLflow does not record the data version")
    return "partial", [Location(store.layout.version(v.model, v.version), None,
                                f"from {store.layout.run(r.experiment_id, r.run_id)}; {rule}") for v, r in traced]


def lineage(store: StoreSnapshot) -> Judgement:
    """A promoted version traces back to its run in this store: partial (datasets and features not linked)."""
    traced = _traced(store, (v for v in store.versions if v.promoted))
    if not traced:
        return None
    rule = "rule: a promoted version links back to its run = partial; datasets and features are not checked"
    return "partial", [Location(store.layout.version(v.model, v.version), None,
                                f"{_promotion(v)} from {store.layout.run(r.experiment_id, r.run_id)}; {rule}")
                       for v, r in traced]


def registry(store: StoreSnapshot) -> Judgement:
    """A registered model with a version = yes; registered models without versions = partial."""
    if store.versions:
        rule = (f"rule: a registered model with versions = yes; {len(store.models)} models, "
                f"{len(store.versions)} versions")
        return "yes", [Location(store.layout.version(v.model, v.version), None, f"registered version; {rule}")
                       for v in store.versions]
    if store.models:
        rule = "rule: registered models without any version = partial"
        return "partial", [Location(store.layout.model(m), None, f"registered model, no version; {rule}")
                           for m in store.models]
    return None


def _promotion(v: VersionRecord) -> str:
    parts = [f"alias {a}" for a in v.aliases] + ([f"stage {v.stage}"] if v.stage not in ("None", "") else [])
    return ", ".join(parts)


def _promotion_places(store: StoreSnapshot, versions: Iterable[VersionRecord], rule: str) -> list[Location]:
    out = []
    for v in versions:
        for alias in v.aliases:
            out.append(Location(store.layout.alias(v.model, v.version, alias), None,
                                f"alias {alias} -> v{v.version}; {rule}"))
        if v.stage not in ("None", ""):
            out.append(Location(store.layout.version(v.model, v.version), None, f"stage {v.stage}; {rule}"))
    return out


def known_version(store: StoreSnapshot) -> Judgement:
    """An alias or the Production stage names a version: partial (what serves is not in the store)."""
    named = [v for v in store.versions if v.aliases or v.stage == "Production"]
    if not named:
        return None
    rule = "rule: an alias or the Production stage names a version = partial; the store does not show what serves"
    return "partial", _promotion_places(store, named, rule)


def approval(store: StoreSnapshot) -> Judgement:
    """Aliases or stage transitions are recorded promotions: partial (MLflow does not record the approver)."""
    promoted = [v for v in store.versions if v.promoted]
    if not promoted:
        return None
    rule = (f"rule: {len(promoted)} promoted versions (alias or stage) = partial; the registry does not record "
            "who approved them")
    return "partial", _promotion_places(store, promoted, rule)


def audit(store: StoreSnapshot) -> Judgement:
    """Versions traced to runs with a git commit: all, with known users = yes; at least one = partial."""
    with_commit = [(v, r) for v, r in _traced(store, store.versions) if r.git_commit]
    if not with_commit:
        return None
    users = sum(1 for _, r in with_commit if r.known_user)
    full = len(with_commit) == len(store.versions) and users == len(with_commit)
    rule = (f"rule: yes when every version traces to a run with a git commit and a user; {len(with_commit)} of "
            f"{len(store.versions)} versions trace to a commit, {users} with a user")
    return ("yes" if full else "partial"), [
        Location(store.layout.run_tag(r.experiment_id, r.run_id, "mlflow.source.git.commit"), None,
                 f"{v.model} v{v.version} from commit {r.git_commit[:12]}"
                 f"{' by ' + r.user if r.known_user else ''}; {rule}") for v, r in with_commit]


# criterion id (default rubric) -> the rule that judges it; the mlflow-store probe's CRITERIA name the same ids
RULES: dict[str, Rule] = {
    "model-1-experiment-tracking": tracking,
    "model-2-versioning": versioning,
    "model-3-advanced-tracking": lineage,
    "gov-2-model-registry": registry,
    "deploy-1-known-version": known_version,
    "gov-2-approval-workflow": approval,
    "gov-2-audit-trail": audit,
}
