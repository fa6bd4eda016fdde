"""Training data committed to git: versioned by the repository's history, but no run records which version it used."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import ASIDE_FOLDERS, findings

ID = "committed-data"
SHORT = ("Data files (`.csv`, `.parquet`, `.npz`, ...) committed to the repository outside tests, docs and examples and "
         "not named as samples or fixtures: git versions them, nothing ties a model to one version, so partial; the "
         "files the code names first")
CRITERIA = {"data-1-versioning": "partial"}
REMEDIATION = "Track training data with DVC (`dvc add`, a remote in .dvc/config) or lakeFS, so each run names its data version."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_DATA_SUFFIXES = (".csv", ".parquet", ".npz", ".feather", ".jsonl", ".tsv")
_DATA_DIRS = ("data", "dataset", "datasets")
_SAMPLE = re.compile(r"sample|test|example|fixture|dummy|mock|toy", re.IGNORECASE)
_FILE_NAME = re.compile(r"[\w.-]+\.(?:csv|parquet|npz|feather|jsonl|tsv)\b", re.IGNORECASE)
_MAX_CHECKED = 50  # how many data files are looked up in the code by name (the walk can list thousands)


def run(raw: RawResults) -> list[Finding]:
    """Up to three committed data files, those the code reads by name first, then those in a data folder."""
    committed = [f for f in raw.files if f.suffix in _DATA_SUFFIXES and not _SAMPLE.search(f.name)
                 and not any(part.lower() in ASIDE_FOLDERS for part in f.path.split("/")[:-1])][:_MAX_CHECKED]
    if not committed:
        return []
    suffixes = sorted({f.suffix for f in committed})
    mentioned: set[str] = set()
    for f in raw.with_suffix(".py", ".ipynb", ".yml", ".yaml"):
        text = raw.text(f.path)
        if any(suffix in text for suffix in suffixes):
            mentioned.update(name.lower() for name in _FILE_NAME.findall(text))
    named = {f.path for f in committed if f.name in mentioned}
    committed.sort(key=lambda f: (f.path not in named, f.path.split("/")[0].lower() not in _DATA_DIRS, f.path))
    return findings(ID, [Location(f.path, None, "data committed to the repository (git versions it; no run records which)")
                         for f in committed[:3]])  # evidence of partial versioning: the rubric caps it
