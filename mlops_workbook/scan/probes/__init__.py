"""The probes: one module each, with its metadata as data and a pure `run(raw) -> list[Finding]`.

Every module defines ID (kebab-case, what rubrics name in `evidence:`), SHORT (what it looks for),
CRITERIA (the default mlops-maturity criteria it supports, each "yes" or "partial"), REMEDIATION and
run(). Adding a probe is adding a module and its name to _MODULES.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

_MODULES = (
    "data_versioning", "data_validation", "feature_store", "params_files", "experiment_tracking",
    "model_registry", "hyperparameter_search", "orchestration", "ml_tests", "pinned_environment",
    "ci_tests", "ci_training", "model_serving", "rollout", "autoscaling", "drift_monitoring",
    "service_metrics", "alerting", "model_cards", "code_owners", "fairness", "explainability",
    "code_in_vcs", "baseline_comparison", "prediction_log", "retrain_trigger", "environments", "access_control",
    "audit_trail", "runbooks", "feature_docs", "model_optimization", "automl", "self_healing", "labeling",
    "advanced_tracking", "model_approval", "quality_gate", "ci_deploy", "workflow_docs", "data_prep", "model_docs",
)


def _load() -> dict[str, ModuleType]:
    probes: dict[str, ModuleType] = {}
    for name in _MODULES:
        module = import_module(f"{__name__}.{name}")
        for attr in ("ID", "SHORT", "CRITERIA", "REMEDIATION", "run"):
            if not hasattr(module, attr):  # pragma: no cover - a developer error, caught by the tests
                raise AttributeError(f"probe module {name} has no {attr}")
        probes[module.ID] = module
    return probes


PROBES: dict[str, ModuleType] = _load()
PROBE_IDS: frozenset[str] = frozenset(PROBES)

__all__ = ["PROBES", "PROBE_IDS"]
