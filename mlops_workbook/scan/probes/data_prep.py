"""Data preparation as versioned scripts: code outside notebooks that reads raw data and writes the training set."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings

ID = "data-prep"
SHORT = ("A preparation script (not a notebook) that reads raw data and writes a prepared set: `read_csv`/`read_parquet`/"
         "`spark.read`/Keras or TFDS `load_data`/`tfds.load` with `to_csv`/`to_parquet`/`save`/`saveAsTable`/`pickle.dump`, or "
         "a Kedro/TFX/pipeline step that does")
CRITERIA = {"data-1-scripted-prep": "yes"}
REMEDIATION = "Move data extraction and preparation out of notebooks into a script or pipeline step that anyone can re-run."
EFFORT = "low"

_READ = re.compile(r"\b(?:pd|pandas|polars|pl)\.read_\w+\s*\(|\bspark\.read\b|\bspark\.table\s*\(|\bload_dataset\s*\(|"
                   r"\bread_sql\w*\s*\(|\bnp\.load\s*\(|\bDataset\.(?:get_by_name|Tabular\.from_\w+)\s*\(")
# Keras' bundled datasets (`keras.datasets.mnist.load_data()`, often through a variable) and TensorFlow Datasets,
# in a file that imports them: their `load_data` is the library's, not the repository's own function.
_TF_READ = re.compile(r"\.load_data\s*\(\s*\)|\btfds\.load\s*\(")
_WRITE = re.compile(r"\.to_(?:csv|parquet|feather|pickle)\s*\(|\.write\.\w+|\.saveAsTable\s*\(|\bnp\.savez?\w*\s*\(|"
                    r"\.save_to_disk\s*\(|\bwrite_table\s*\(|\breturn\s+\w*(?:df|data|train|features)\w*\b|"
                    r"\bpickle\.dump\s*\(")
_NAME = re.compile(r"data|prep|process|dataset|etl|feature|ingest|load|build|clean|split|transform", re.IGNORECASE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive: list[Location] = []
    tf_files = set(raw.importing_files("tensorflow", "keras", "tensorflow_datasets"))
    for f in raw.with_suffix(".py"):
        if "/tests/" in f"/{f.path}" or f.name.startswith("test_") or not _NAME.search(f.path):
            continue
        reads = raw.grep(_READ, [f.path]) or (raw.grep(_TF_READ, [f.path]) if f.path in tf_files else [])
        if reads and raw.grep(_WRITE, [f.path]):
            positive.append(Location(f.path, reads[0].line, f"preparation script reads data: {reads[0].detail}"))
    return findings(ID, positive)
