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

# The call that validates, not the import: an import of a validation library is no check of the data.
_TOOLS = (
    (("great_expectations",), ("great-expectations",),
     re.compile(r"\b(?:run_checkpoint|add_or_update_checkpoint|get_validator|ExpectColumn\w+|ExpectTable\w+)\s*\(|"
                r"\.expect_\w+\s*\(|\.validate\s*\(|\bValidationDefinition\s*\("), "Great Expectations"),
    (("pandera",), ("pandera",), re.compile(r"\bDataFrameSchema\s*\(|\bDataFrameModel\b|\bSchemaModel\b|@\w*\.?check_types\b|"
                                            r"\.validate\s*\("), "pandera"),
    (("soda",), ("soda-core", "soda-core-pandas", "soda-core-spark-df"),
     re.compile(r"\.execute\s*\(|\.add_sodacl_yaml\w*\s*\(|\.assert_no_checks_fail\s*\("), "Soda"),
    (("tensorflow_data_validation",), ("tensorflow-data-validation",),
     re.compile(r"\btfdv\.(?:validate_statistics|generate_statistics_from_\w+|infer_schema|validate_examples\w*)\s*\("), "TFDV"),
    (("deepchecks",), ("deepchecks",), re.compile(r"\b(?:data_integrity|train_test_validation|full_suite)\s*\(|\.run\s*\("),
     "Deepchecks"),
    (("tfx",), ("tfx",), re.compile(r"\b(?:ExampleValidator|SchemaGen|StatisticsGen)\s*\("), "TFX"),
)
_SODA_CHECKS = re.compile(r"^checks for [\w.\"-]+\s*:", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive = file_locations(raw.named("great_expectations.yml", "great_expectations.yaml"), "Great Expectations project")
    positive += file_locations([f for f in raw.under("expectations") if f.suffix == ".json"], "expectation suite")
    weak = []
    for modules, packages, calls, label in _TOOLS:
        pos, wk = library(raw, modules=modules, packages=packages, calls=calls, label=label)
        positive += pos
        weak += wk
    positive += raw.grep(_SODA_CHECKS, suffixes=YAML, detail="Soda checks")
    return findings(ID, positive, weak)
