"""Feature stores: Feast, Tecton, Hopsworks, Databricks Feature Store."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import file_locations, findings, library

ID = "feature-store"
SHORT = "Feast (`feature_store.yaml`, `FeatureView`), Tecton, Hopsworks, Databricks Feature Store clients"
CRITERIA = {"data-3-feature-store": "yes", "data-2-automated-features": "partial"}
REMEDIATION = "Define features once in a feature store (Feast is a small start) and read them for both training and serving."
EFFORT = "high"  # low: an afternoon, medium: days, high: weeks

_FEAST = re.compile(r"\b(?:FeatureView|FeatureService|FeatureStore|get_historical_features|get_online_features)\b")
_DATABRICKS = re.compile(r"\b(?:FeatureStoreClient|FeatureEngineeringClient)\b")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive = file_locations(raw.named("feature_store.yaml"), "Feast repository")
    weak = []
    for modules, packages, calls, label in (
        (("feast",), ("feast",), _FEAST, "Feast"),
        (("tecton",), ("tecton",), None, "Tecton"),
        (("hsfs", "hopsworks"), ("hsfs", "hopsworks"), None, "Hopsworks"),
        (("databricks",), ("databricks-feature-store", "databricks-feature-engineering"), _DATABRICKS, "Databricks"),
    ):
        pos, wk = library(raw, modules=modules, packages=packages, calls=calls, label=label)
        positive += pos
        weak += wk if label != "Databricks" else [w for w in wk if "declared" in w.detail]
    return findings(ID, positive, weak)
