"""Training data committed to git: versioned by the repository's history, but no run records which version it used."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import ASIDE_FOLDERS, findings

ID = "committed-data"
SHORT = ("Data files (`.csv`, `.parquet`, `.npz`, ...) committed to the repository outside tests, docs and examples and "
         "not named as samples or fixtures: git versions them, nothing ties a model to one version, so partial; the "
         "line that hands one to training first (a job script's path beside `python train.py`), then the files the code "
         "names, monitoring data last")
CRITERIA = {"data-1-versioning": "partial"}
REMEDIATION = "Track training data with DVC (`dvc add`, a remote in .dvc/config) or lakeFS, so each run names its data version."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_DATA_SUFFIXES = (".csv", ".parquet", ".npz", ".feather", ".jsonl", ".tsv")
_DATA_DIRS = ("data", "dataset", "datasets")
_SAMPLE = re.compile(r"sample|test|example|fixture|dummy|mock|toy", re.IGNORECASE)
_FILE_NAME = re.compile(r"[\w.-]+\.(?:csv|parquet|npz|feather|jsonl|tsv)\b", re.IGNORECASE)
_MAX_CHECKED = 50  # how many data files are looked up in the code by name (the walk can list thousands)
# Data kept for monitoring (reference and current windows for drift reports) is no training set: it comes last.
_MONITORING = re.compile(r"monitor|drift|reference|current|production|predictions?", re.IGNORECASE)
# The line that hands a committed file to training (a job script's `DATASET_LOC=...datasets/x.csv` a few lines
# above `python train.py`): the run reads the version its commit holds, which is the practice partly done.
_TRAINING_NEAR = re.compile(r"\btrain\w*\.py\b|\.fit\s*\(|\btrain\w*\s*\(|\btrain\w*\s*(?::\s*\w+\s*)?=(?!=)")
_NEAR = 5


def run(raw: RawResults) -> list[Finding]:
    """Up to three committed data files, those the code reads by name first, then those in a data folder."""
    committed = [f for f in raw.files if f.suffix in _DATA_SUFFIXES and not _SAMPLE.search(f.name)
                 and not any(part.lower() in ASIDE_FOLDERS for part in f.path.split("/")[:-1])][:_MAX_CHECKED]
    if not committed:
        return []
    suffixes = sorted({f.suffix for f in committed})
    mentioned: set[str] = set()
    handed: dict[str, Location] = {}
    for f in raw.with_suffix(".py", ".ipynb", ".yml", ".yaml", ".sh"):
        text = raw.text(f.path)
        if not any(suffix in text for suffix in suffixes):
            continue
        names = {name.lower() for name in _FILE_NAME.findall(text)}
        mentioned.update(names)
        if f.suffix == ".ipynb" or not _TRAINING_NEAR.search(text):
            continue
        lines = text.split("\n")
        for number, line in enumerate(lines, start=1):
            for name in _FILE_NAME.findall(line):
                window = "\n".join(lines[max(0, number - 1 - _NEAR):number + _NEAR])
                if name.lower() not in handed and _TRAINING_NEAR.search(window) and not line.lstrip().startswith("#"):
                    handed[name.lower()] = Location(f.path, number, f"training is handed the committed data: {name}")
    named = {f.path for f in committed if f.name in mentioned}
    committed.sort(key=lambda f: (f.path not in named, bool(_MONITORING.search(f.path)),
                                  f.path.split("/")[0].lower() not in _DATA_DIRS, f.path))
    top = committed[:3]
    handing = list(dict.fromkeys(handed[f.name] for f in top if f.name in handed))
    return findings(ID, handing + [Location(f.path, None, "data committed to the repository (git versions it; no run "
                                                          "records which)") for f in top])  # partial: the rubric caps it
