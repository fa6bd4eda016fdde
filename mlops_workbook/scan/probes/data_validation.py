"""Data validation before training: Great Expectations, pandera, Soda, TFDV, Deepchecks."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import YAML, file_locations, findings, library

ID = "data-validation"
SHORT = "Great Expectations (`great_expectations.yml`, expectation suites, `gx` calls), pandera schemas, Soda checks, TFDV, Deepchecks"
CRITERIA = {"data-2-validation": "yes", "data-3-data-contracts": "partial", "data-3-quality-monitoring": "partial"}
REMEDIATION = "Validate each training batch (schema, nulls, ranges) with Great Expectations, pandera or Soda before training starts."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_SODA_CHECKS = re.compile(r"^checks for [\w.\"-]+\s*:", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    positive = file_locations(raw.named("great_expectations.yml", "great_expectations.yaml"), "Great Expectations project")
    positive += file_locations([f for f in raw.under("expectations") if f.suffix == ".json"], "expectation suite")
    weak = []
    for modules, packages, label in (
        (("great_expectations",), ("great-expectations",), "Great Expectations"),
        (("pandera",), ("pandera",), "pandera"),
        (("soda",), ("soda-core", "soda-core-pandas", "soda-core-spark-df"), "Soda"),
        (("tensorflow_data_validation",), ("tensorflow-data-validation",), "TFDV"),
        (("deepchecks",), ("deepchecks",), "Deepchecks"),
    ):
        pos, wk = library(raw, modules=modules, packages=packages, label=label)
        positive += pos
        weak += wk
    positive += raw.grep(_SODA_CHECKS, suffixes=YAML, detail="Soda checks")
    return findings(ID, positive, weak)
