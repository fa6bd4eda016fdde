"""Feature stores: Feast, Tecton, Hopsworks, Databricks Feature Store."""

from __future__ import annotations

import re
from dataclasses import replace

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import file_locations, findings, library

ID = "feature-store"
SHORT = ("Feast (`feature_store.yaml`, `FeatureView`), Tecton, Hopsworks, Databricks, SageMaker (SDK, boto3, "
         "CloudFormation) and Vertex AI feature stores; cited at the "
         "feature table's definition for the feature store, at the training set and batch scoring read from it for "
         "automated features")
CRITERIA = {"data-3-feature-store": "yes", "data-2-automated-features": "partial"}
REMEDIATION = "Define features once in a feature store (Feast is a small start) and read them for both training and serving."
EFFORT = "high"  # low: an afternoon, medium: days, high: weeks

_FEAST = re.compile(r"\b(?:FeatureView|FeatureService|FeatureStore|get_historical_features|get_online_features)\b")
_DATABRICKS = re.compile(r"\b(?:FeatureStoreClient|FeatureEngineeringClient)\b|\.(?:create_training_set|score_batch|"
                         r"create_table|create_feature_table|write_table)\s*\(|\bFeatureLookup\s*\(")
# SageMaker Feature Store (the SDK's FeatureGroup and its ingestion, boto3's create_feature_group), Vertex AI
# Feature Store (legacy `Featurestore`/`EntityType`, the newer `FeatureOnlineStore`/`FeatureView`).
_SAGEMAKER = re.compile(r"\bFeatureGroup\s*\(|\bcreate_feature_group\s*\(|\b\w*feature_group\w*\.ingest\s*\(")
_VERTEX = re.compile(r"\bFeaturestore\.create\s*\(|\.create_entity_type\s*\(|\bFeatureOnlineStore\.create\w*\s*\(|"
                     r"\.ingest_from_\w+\s*\(|\.batch_serve_to_\w+\s*\(|\.read\s*\(\s*entity_ids")
_CFN_FEATURE_GROUP = re.compile(r"^\s*Type\s*:\s*['\"]?AWS::SageMaker::FeatureGroup\b", re.MULTILINE)
# Which calls carry which part of the practice. The definition of a feature table or view, written once and
# shared: what the feature store criterion rests on. The training set built from the store and the batch or
# online read at serving time: the same features at training and serving, what automated features rest on.
_DEFINES = re.compile(r"\.(?:create_table|create_feature_table|write_table)\s*\(|\bFeatureView\s*\(|\bFeatureService\s*\(|"
                      r"\bFeatureGroup\s*\(|\bcreate_feature_group\s*\(|\bFeaturestore\.create\s*\(|AWS::SageMaker::FeatureGroup")
_USES = re.compile(r"\.(?:create_training_set|score_batch)\s*\(|\bget_historical_features\b|\bget_online_features\b")


def _rank(raw: RawResults, pattern: re.Pattern[str], other: re.Pattern[str]):
    def key(loc: Location) -> tuple[bool, bool, bool]:
        text = raw.line(loc.path, loc.line) if loc.line else ""
        return (loc.line is None, not pattern.search(text), not other.search(text))
    return key


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first: for each criterion the calls
    that carry it, then the other calls, then a client's constructor, then a whole configuration file."""
    positive = file_locations(raw.named("feature_store.yaml"), "Feast repository")
    weak = []
    for modules, packages, calls, label in (
        (("feast",), ("feast",), _FEAST, "Feast"),
        (("tecton",), ("tecton",), None, "Tecton"),
        (("hsfs", "hopsworks"), ("hsfs", "hopsworks"), None, "Hopsworks"),
        (("databricks",), ("databricks-feature-store", "databricks-feature-engineering"), _DATABRICKS, "Databricks"),
        (("sagemaker", "boto3"), ("sagemaker",), _SAGEMAKER, "SageMaker Feature Store"),
        (("google",), ("google-cloud-aiplatform",), _VERTEX, "Vertex AI Feature Store"),
    ):
        pos, wk = library(raw, modules=modules, packages=packages, calls=calls, label=label)
        positive += pos
        weak += wk if label != "Databricks" else [w for w in wk if "declared" in w.detail]
    positive += raw.grep(_CFN_FEATURE_GROUP, suffixes=(".yaml", ".yml", ".json"), needles=("FeatureGroup",),
                         detail="SageMaker feature group (CloudFormation)")
    store = findings(ID, sorted(positive, key=_rank(raw, _DEFINES, _USES)), weak)
    shared = findings(ID, sorted(positive, key=_rank(raw, _USES, _DEFINES)), weak)
    return ([replace(f, criterion="data-3-feature-store") for f in store]
            + [replace(f, criterion="data-2-automated-features") for f in shared])
