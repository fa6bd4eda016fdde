"""Parameters kept in versioned files rather than in code or heads: params.yaml, Hydra configs."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import file_locations, findings

ID = "params-files"
SHORT = "Parameter files (`params.yaml`, `params.json`), Hydra (`@hydra.main`, `conf/` with `defaults:`), OmegaConf"
CRITERIA = {"model-2-versioning": "partial"}
REMEDIATION = "Keep hyperparameters in a versioned params.yaml (or Hydra config) that each run reads and records."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

_HYDRA = re.compile(r"@hydra\.main\b|\bhydra\.(?:initialize|compose)\(|\bOmegaConf\.load\(")
_DEFAULTS = re.compile(r"^defaults\s*:", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive = file_locations(raw.named("params.yaml", "params.yml", "params.json", "hparams.yaml"), "parameters file")
    positive += raw.grep(_HYDRA, raw.importing_files("hydra", "omegaconf"), first_only=False)
    hydra_dirs = [f for f in raw.files if f.suffix in (".yaml", ".yml")
                  and any(part in ("conf", "config", "configs") for part in f.path.split("/")[:-1])]
    positive += raw.grep(_DEFAULTS, hydra_dirs, detail="Hydra config (defaults list)")
    return findings(ID, positive, raw.declared("hydra-core", "omegaconf") if not positive else [])
