"""The probes: one module each, with its metadata as data and a pure `run(raw) -> list[Finding]`.

Every public module of this package is a probe, found by `pkgutil` (modules starting with "_" are
shared helpers): adding a probe is adding a module, with no list to keep in step. Each defines
ID (kebab-case, what rubrics name in `evidence:`), SHORT (what it looks for), CRITERIA (the default
mlops-maturity criteria it supports, each "yes", "enforced" (yes only when CI enforces it) or "partial"), REMEDIATION (what to do when it finds
nothing; shown beside the criterion in the report's roadmap and in `scan`'s table), EFFORT (low,
medium, high) and run(). A probe may name its SOURCE: "repository" (the default: the collected tree)
or "mlflow" (the tracking store `scan --mlflow URI` read into the raw results; without one it finds
nothing). `PROBE_INFO` holds the metadata as frozen records for whoever shows it.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import Any

EFFORTS = ("low", "medium", "high")
SOURCES = ("repository", "mlflow")


@dataclass(frozen=True)
class ProbeInfo:
    """What a probe is, as data: what it looks for, which criteria it evidences, how to fix its absence."""

    id: str
    short: str
    criteria: Mapping[str, str]
    remediation: str
    effort: str
    run: Callable[[Any], list[Any]]
    source: str = "repository"


def _info(module: ModuleType) -> ProbeInfo:
    """A probe module's metadata, checked: a missing or malformed field names the module and the field."""
    name = module.__name__.rsplit(".", 1)[-1]
    for attr in ("ID", "SHORT", "CRITERIA", "REMEDIATION", "EFFORT", "run"):
        if not hasattr(module, attr):
            raise AttributeError(f"probe module {name} has no {attr}")
    if module.EFFORT not in EFFORTS:
        raise ValueError(f"probe module {name}: EFFORT must be one of {', '.join(EFFORTS)}, got {module.EFFORT!r}")
    if not str(module.REMEDIATION).strip():
        raise ValueError(f"probe module {name}: REMEDIATION is empty")
    source = getattr(module, "SOURCE", SOURCES[0])
    if source not in SOURCES:
        raise ValueError(f"probe module {name}: SOURCE must be one of {', '.join(SOURCES)}, got {source!r}")
    return ProbeInfo(module.ID, module.SHORT, dict(module.CRITERIA), module.REMEDIATION, module.EFFORT, module.run,
                     source)


def discover(package: ModuleType | None = None) -> dict[str, ModuleType]:
    """Probe id -> module, for every public module of `package` (this one by default), sorted by name."""
    pkg = package or import_module(__name__)
    probes: dict[str, ModuleType] = {}
    for entry in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda e: e.name):
        if entry.name.startswith("_") or entry.ispkg:
            continue
        module = import_module(f"{pkg.__name__}.{entry.name}")
        probe_id = _info(module).id
        if probe_id in probes:
            raise ValueError(f"probe id {probe_id!r} defined twice ({entry.name})")
        probes[probe_id] = module
    return probes


PROBES: dict[str, ModuleType] = discover()
PROBE_IDS: frozenset[str] = frozenset(PROBES)
PROBE_INFO: dict[str, ProbeInfo] = {probe_id: _info(module) for probe_id, module in PROBES.items()}

__all__ = ["EFFORTS", "PROBES", "PROBE_IDS", "PROBE_INFO", "ProbeInfo", "SOURCES", "discover"]
