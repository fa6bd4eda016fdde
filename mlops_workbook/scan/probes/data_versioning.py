"""Data versioning: DVC-tracked data and pipelines, DVC remotes, lakeFS."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import CODE, file_locations, findings, library

ID = "data-versioning"
SHORT = ("DVC files (`dvc.yaml`, `*.dvc`), a DVC remote in `.dvc/config`, lakeFS (client, `lakefs://` URIs, `.lakectl.yaml`), "
         "platform dataset versions (Azure ML, Delta time travel); a Vertex AI managed dataset is partial; data loaded into Metaflow artifacts or ZenML "
         "step outputs (versioned per run) is partial")
CRITERIA = {"data-1-versioning": "yes", "data-2-lineage": "partial"}
REMEDIATION = "Track training data with DVC (`dvc add`, a remote in .dvc/config) or lakeFS, so each run names its data version."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_REMOTE = re.compile(r"^\s*\[\s*['\"]?remote\s+\"[^\"]+\"", re.MULTILINE)
_LAKEFS_URI = re.compile(r"lakefs://[\w.-]+")
# Datasets versioned by the platform: Azure ML dataset versions, Vertex AI managed datasets, Delta time travel,
# Hugging Face dataset revisions.
_MANAGED = re.compile(r"\bcreate_new_version\s*=\s*True|\bDataset\.get_by_name\s*\([^)\n]*version|"
                      r"\b(?:versionAsOf|timestampAsOf|version_as_of)\b|\bload_dataset\s*\([^)\n]*\brevision\s*=")
# A Vertex AI managed dataset (however `aiplatform` is imported) registers the source table or files by name;
# it keeps no version of their content: partial.
_VERTEX_DATASET = re.compile(r"\b\w+\.(?:Tabular|Image|Text|TimeSeries|Video)Dataset(?:\.create)?\s*\(")


# Orchestrators that version every step's output with the run: Metaflow keeps each `self.x` artifact of a
# step, ZenML each step output. A dataset loaded into one is versioned per run, not named or pinned: partial.
_METAFLOW_DATA = re.compile(r"^\s*self\.\w+\s*=\s*[^\n]*\b\w*(?:fetch|read|load|query|download)\w*\s*\(", re.MULTILINE)
_ZENML_DATA = re.compile(r"^\s*\w+\s*=\s*\w*(?:load|read|ingest|fetch|import)\w*\s*\(", re.MULTILINE)
_ZENML_PIPELINE = re.compile(r"@pipeline\b")


def _run_artifacts(raw: RawResults) -> list[Location]:
    """Where a Metaflow step stores loaded data as an artifact, or a ZenML pipeline loads its data as a step output."""
    flows = [p for p in raw.importing_files("metaflow") if "FlowSpec" in raw.text(p)]
    out = [Location(loc.path, loc.line, "data stored as a Metaflow artifact of each run") for loc in raw.grep(_METAFLOW_DATA, flows)]
    pipelines = [p for p in raw.importing_files("zenml") if _ZENML_PIPELINE.search(raw.text(p))]
    out += [Location(loc.path, loc.line, "data loaded as a ZenML step output, versioned with each run")
            for loc in raw.grep(_ZENML_DATA, pipelines)]
    return out


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive = file_locations(raw.named("dvc.yaml", "dvc.lock"), "DVC pipeline")
    positive += file_locations([f for f in raw.with_suffix(".dvc") if f.path != ".dvc"], "DVC-tracked data")
    configs = [f for f in raw.files if f.path.endswith(".dvc/config") or f.path == ".dvc/config"]
    remotes = raw.grep(_REMOTE, configs, detail="DVC remote")
    positive += remotes
    positive += file_locations(raw.named(".lakectl.yaml"), "lakeFS config")
    lake_pos, lake_weak = library(raw, modules=("lakefs", "lakefs_client", "lakefs_sdk", "lakefs_spec"),
                                  packages=("lakefs", "lakefs-client", "lakefs-sdk", "lakefs-spec"), label="lakeFS")
    positive += lake_pos + raw.grep(_LAKEFS_URI, suffixes=CODE + (".yaml", ".yml"), detail="lakeFS URI")
    weak: list[Location] = [loc for f in configs if not remotes for loc in file_locations([f], "DVC set up, no remote")]
    positive += raw.grep(_MANAGED, raw.with_suffix(*CODE), first_only=False, detail="versioned managed dataset",
                         needles=("create_new_version", "get_by_name", "Dataset", "versionAsOf", "timestampAsOf",
                                  "version_as_of", "revision"))
    weak += raw.grep(_VERTEX_DATASET, raw.importing_files("google"), first_only=False, needles=("Dataset",),
                     detail="Vertex AI managed dataset (the source registered by name, its content not versioned)")
    weak += _run_artifacts(raw)
    return findings(ID, positive, weak + lake_weak)
