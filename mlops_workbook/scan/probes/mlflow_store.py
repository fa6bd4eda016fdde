"""The team's MLflow tracking store as evidence: what `scan --mlflow URI` read, judged by the store's rules.

Fed by the store, not by the repository's files: `scan` reads the store once (`scan.mlflow.read_store`,
read-only) into the raw results, and this probe turns the snapshot into findings. Each rule of
`scan.mlflow.evidence` judges one criterion, so each finding is scoped to the criterion its rule
speaks to: a "yes" for tracking is no evidence of an audit trail. A rule's "yes" is a positive finding,
its "partial" a weak one; the caps below say where the store alone never reaches "yes".
"""

from __future__ import annotations

from ..collector import RawResults
from ..findings import Finding
from ..mlflow.evidence import RULES

ID = "mlflow-store"
SOURCE = "mlflow"  # the tracking store that `scan --mlflow URI` reads, not the repository tree
SHORT = ("With `scan --mlflow URI` (an `mlruns/` folder, an `mlflow.db` file or a tracking server): runs that logged "
         "params, metrics and the `mlflow.source.git.commit` tag; registered models, versions traced to their runs, "
         "aliases and stages")
CRITERIA = {
    "model-1-experiment-tracking": "yes",
    "model-2-versioning": "partial",  # MLflow does not record the data version
    "model-3-advanced-tracking": "partial",  # datasets and features are not linked
    "gov-2-model-registry": "yes",
    "deploy-1-known-version": "partial",  # the store does not show what serves
    "gov-2-approval-workflow": "partial",  # the registry does not record who approved
    "gov-2-audit-trail": "yes",
}
REMEDIATION = ("Log every training run to one MLflow tracking store (params, metrics and the git commit), register "
               "the versions you ship with an alias, and give the scan that store: `scan --mlflow URI`.")
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks


def run(raw: RawResults) -> list[Finding]:
    """The store's judgements as findings scoped to their criteria; none without a store."""
    store = raw.mlflow
    if store is None:
        return []
    out: list[Finding] = []
    for criterion, rule in RULES.items():
        judged = rule(store)
        if judged is None:
            continue
        answer, places = judged
        outcome = "positive" if answer == "yes" else "weak"
        out.extend(Finding(ID, outcome, loc, criterion=criterion) for loc in places)  # type: ignore[arg-type]
    return out
