"""Data preparation as versioned scripts: code outside notebooks that reads raw data and writes the training set."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings, is_test_code
from .orchestration import data_steps

ID = "data-prep"
SHORT = ("A preparation script (not a notebook) that reads raw data and writes a prepared set: `read_csv`/`read_parquet`/"
         "`spark.read`/Keras or TFDS `load_data`/`tfds.load` with `to_csv`/`to_parquet`/`save`/`saveAsTable`/`pickle.dump`, or "
         "a Kedro/TFX/pipeline step that does (ExampleGen, a preprocessing ProcessingStep, task or job, `dbt run`), or a DVC "
         "stage named for it; the pipeline's step first, then a script named for preparation")
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
                    r"\b(?:pickle|joblib)\.dump\s*\(|\b(?:\w*dataset\w*|ds)\.register\s*\(")
# A module named for preparation hands the prepared data to its caller: any `return` of a value does.
_RETURNS = re.compile(r"^[ \t]+return\s+\S", re.MULTILINE)
# Cleaning done by a training script itself (not a notebook): at least two kinds of these on the data it read.
# (Dropping the target column and splitting the rows are how training starts, not cleaning.)
_CLEANING = re.compile(r"\.(dropna|fillna|drop_duplicates|astype|replace|clip|interpolate)\s*\(|\b(get_dummies)\s*\(")
CLEANING_KINDS = 2
_CLEANING_WORDS = ("dropna", "fillna", "drop_duplicates", "astype", "replace", "clip", "interpolate", "get_dummies")
_NAME = re.compile(r"data|prep|process|dataset|etl|feature|ingest|load|build|clean|split|transform", re.IGNORECASE)
# A script whose name says it prepares data comes first; one whose path says it evaluates, scores, serves,
# monitors or audits the data reads data for that work, not to prepare the training set, and comes last.
_PREP_NAME = re.compile(r"prep|process|clean|etl|ingest|featur|transform|split|make_dataset|download|extract", re.IGNORECASE)
_OTHER_WORK = re.compile(r"eval|scor|predict|infer|serv|monitor|drift|bias|fairness|schema|valid|explain|report|dvc",
                         re.IGNORECASE)
_OTHER_FOLDER = re.compile(r"eval|scor|predict|infer|serving|monitor|drift|bias|fairness|valid|explain", re.IGNORECASE)
# DVC pipeline stages (dvc.yaml) whose name says they prepare data: `dvc repro` re-runs them from the repository.
_DVC_STAGE_NAME = re.compile(r"prep|process|clean|etl|ingest|featur|transform|split|extract|load", re.IGNORECASE)


def _dvc_stages(raw: RawResults) -> list[Location]:
    from ._util import yaml_children

    out = []
    for f in raw.named("dvc.yaml"):
        text = raw.text(f.path)
        out += [Location(f.path, line, f"DVC stage prepares data: {name}") for line, name in yaml_children(text, "stages")
                if _DVC_STAGE_NAME.search(name)]
    return out


def _script_order(path: str) -> tuple[bool, bool]:
    folder, _, name = path.rpartition("/")
    return (bool(_OTHER_WORK.search(name) or _OTHER_FOLDER.search(folder)), not _PREP_NAME.search(name))


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first: a data step of a pipeline,
    a DVC stage, then a preparation script (one named for it first)."""
    positive: list[Location] = [*data_steps(raw)[0], *_dvc_stages(raw)]
    scripts: list[Location] = []
    tf_files = set(raw.importing_files("tensorflow", "keras", "tensorflow_datasets"))
    for f in raw.with_suffix(".py"):
        if is_test_code(f.path) or not _NAME.search(f.path):
            continue
        reads = raw.grep(_READ, [f.path]) or (raw.grep(_TF_READ, [f.path]) if f.path in tf_files else [])
        prepares = _PREP_NAME.search(f.name) and _RETURNS.search(raw.text(f.path))
        if reads and (raw.grep(_WRITE, [f.path]) or prepares):
            scripts.append(Location(f.path, reads[0].line, f"preparation script reads data: {reads[0].detail}"))
    return findings(ID, positive + sorted(scripts, key=lambda loc: _script_order(loc.path)) + _cleaned_in_training(raw))


def _cleaned_in_training(raw: RawResults) -> list[Location]:
    """A script (not a notebook, not a test) that reads its data and cleans it before training, cited at the
    first cleaning call: the preparation is versioned and re-runs with the script, though not as its own step."""
    found = []
    for f in raw.with_suffix(".py"):
        if is_test_code(f.path) or _OTHER_WORK.search(f.name):
            continue
        text = raw.text(f.path)
        if not any(word in text for word in _CLEANING_WORDS) or not _READ.search(text):
            continue
        calls = list(_CLEANING.finditer(text))
        if len({next(g for g in m.groups() if g) for m in calls}) >= CLEANING_KINDS:
            line = text.count("\n", 0, calls[0].start()) + 1
            found.append(Location(f.path, line, f"the script cleans the data it reads: {calls[0].group(0).strip('(. ')}"))
    return found
