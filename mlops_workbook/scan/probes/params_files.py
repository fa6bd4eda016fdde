"""Parameters kept in versioned files rather than in code or heads: params.yaml, Hydra configs."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import file_locations, findings

ID = "params-files"
SHORT = ("Parameter files (`params.yaml`, `params.json`), Hydra (`@hydra.main`, `conf/` with `defaults:`), OmegaConf; a "
         "DVC model artifact (`artifacts:` with `type: model`, a committed `dvc.lock`), cited first")
CRITERIA = {"model-2-versioning": "partial"}
REMEDIATION = "Keep hyperparameters in a versioned params.yaml (or Hydra config) that each run reads and records."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

_HYDRA = re.compile(r"@hydra\.main\b|\bhydra\.(?:initialize|compose)\(|\bOmegaConf\.load\(")
_DEFAULTS = re.compile(r"^defaults\s*:", re.MULTILINE)


# DVC: a model declared as an artifact in dvc.yaml (`artifacts: <name>: type: model`) in a project whose
# dvc.lock is committed: each version of the model is locked with the parameters, data and code hashes of the
# stage that made it.
_DVC_MODEL = re.compile(r"^artifacts\s*:\s*\n((?:[ \t]+.*\n|\s*\n)*)", re.MULTILINE)


def _dvc_models(raw: RawResults) -> list[Location]:
    out = []
    for f in raw.named("dvc.yaml"):
        base = f.path.rsplit("/", 1)[0] + "/" if "/" in f.path else ""
        if not any(lock.path == base + "dvc.lock" for lock in raw.named("dvc.lock")):
            continue
        text = raw.text(f.path) + "\n"
        block = _DVC_MODEL.search(text)
        if not block:
            continue
        for name in re.finditer(r"^  ([\w.-]+)\s*:\s*\n((?:    .*\n)*)", block.group(1), re.MULTILINE):
            if re.search(r"^\s*type\s*:\s*model\s*$", name.group(2), re.MULTILINE):
                line = text.count("\n", 0, block.start(1) + name.start()) + 1
                out.append(Location(f.path, line, f"DVC model artifact {name.group(1)}, locked with its stage's parameters"))
    return out


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive = _dvc_models(raw)
    positive += file_locations(raw.named("params.yaml", "params.yml", "params.json", "hparams.yaml"), "parameters file")
    positive += raw.grep(_HYDRA, raw.importing_files("hydra", "omegaconf"), first_only=False)
    hydra_dirs = [f for f in raw.files if f.suffix in (".yaml", ".yml")
                  and any(part in ("conf", "config", "configs") for part in f.path.split("/")[:-1])]
    positive += raw.grep(_DEFAULTS, hydra_dirs, detail="Hydra config (defaults list)")
    return findings(ID, positive, raw.declared("hydra-core", "omegaconf") if not positive else [])
