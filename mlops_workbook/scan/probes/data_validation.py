"""Data validation before training: Great Expectations, pandera, Soda, TFDV, Deepchecks, SageMaker data quality
checks, dbt tests."""

from __future__ import annotations

import re
from dataclasses import replace

from ..collector import RawResults
from ..findings import Finding, Location
from ._ci import located, tests_run_by_ci
from ._util import CODE, YAML, file_locations, findings, is_test_code, library

ID = "data-validation"
SHORT = ("Great Expectations (`great_expectations.yml`, expectation suites, `gx` calls, `expect_column_*` calls on a "
         "GE dataset), pandera schemas, Soda checks, TFDV, Deepchecks, SageMaker `QualityCheckStep` with a "
         "`DataQualityCheckConfig` (partial with `skip_check=True`), dbt tests run by `dbt test`/`dbt build` "
         "(declared in schema YAML only: partial), data tests (a test file on the data's columns, nulls or ranges) "
         "run by CI or an MLflow project step; in part, a hand-written check of a batch's columns or types in a "
         "data-validation module; for quality monitoring, partial: Evidently data-quality metrics; "
         "for contracts: a TFDV `schema.pbtxt`, a dbt `contract: enforced: true`; the validating call before the statistics, "
         "TFX components for validation before training, not for production monitoring")
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
# Deepchecks validates the data with its data suites and checks; its model checks (inference time, prediction
# drift, performance) judge a model, which is the quality gate's evidence, not the data's.
_DEEPCHECKS_DATA = re.compile(r"\b(?:data_integrity|train_test_validation|full_suite|FeatureDrift|MultivariateDrift|LabelDrift|"
                              r"MixedNulls|PercentOfNulls|DataDuplicates|MixedDataTypes|StringMismatch\w*|ConflictingLabels|"
                              r"OutlierSampleDetection|IsSingleValue|SpecialCharacters|FeatureLabelCorrelation\w*|"
                              r"NewCategoryTrainTest|DatasetsSizeComparison|StringLengthOutOfBounds|ClassImbalance)\b")
_SODA_CHECKS = re.compile(r"^checks for [\w.\"-]+\s*:", re.MULTILINE)
# Great Expectations' legacy dataset API: expectations called on a `ge.dataset.PandasDataset` (or `ge.from_pandas`)
# that a fixture or helper builds, so the file that calls them need not import great_expectations itself.
_GE_SCHEMA = re.compile(r"expect_table_columns_to_match_(?:ordered_list|set)|expect_column_values_to_be_(?:of_type|in_type_list)|"
                        r"expect_column_to_exist")
_GE_EXPECT = re.compile(r"\.expect_(?:column|table|compound_columns|multicolumn|select_column)\w*\s*\(")
# SageMaker Pipelines: a QualityCheckStep whose config is a DataQualityCheckConfig checks each run's data
# against a baseline; with skip_check=True it only computes the baseline and never fails the run.
_SM_QUALITY = re.compile(r"\bQualityCheckStep\s*\(")
_SM_DATA_CONFIG = re.compile(r"\bDataQualityCheckConfig\s*\(")
_SM_SKIP = re.compile(r"\bskip_check\s*=\s*True\b")
# dbt: generic tests declared on a model's columns in its schema YAML; `dbt test` / `dbt build` runs them.
_DBT_TESTS = re.compile(r"^[ \t]*(?:data_)?tests\s*:\s*\n(?:[ \t]*#.*\n)*[ \t]*-\s*['\"]?"
                        r"(?:unique|not_null|accepted_values|relationships|dbt_expectations\.\w+|dbt_utils\.\w+)\b",
                        re.MULTILINE)
_DBT_RUNS_TESTS = re.compile(r"\bdbt\s+(?:test|build)\b|\bdbtRunner\s*\(\s*\)\s*\.invoke\s*\(\s*\[\s*['\"](?:test|build)['\"]")
_DOCS = (".md", ".markdown", ".rst", ".txt")


# Evidently's data-quality metrics, tests and presets (the legacy `evidently.metrics` / `evidently.tests` names and
# the 0.7 API's): missing values, empty and duplicated rows and columns, value ranges on the data a report is
# given, which in a monitoring job is the production data. Quality measured, not a validation gate: partial.
_EVIDENTLY_QUALITY = re.compile(
    r"\b(?:DatasetMissingValuesMetric|ColumnMissingValuesMetric|DatasetSummaryMetric|ColumnSummaryMetric|"
    r"ColumnValueRangeMetric|ColumnQuantileMetric|DataQualityPreset|DataQualityTestPreset|DataStabilityTestPreset|"
    r"TestNumberOfMissingValues|TestShareOfMissingValues|TestNumberOfDuplicatedRows|TestNumberOfEmptyRows|"
    r"MissingValueCount|EmptyRowsCount|DuplicatedRowCount|EmptyColumnsCount|DuplicatedColumnsCount|"
    r"DataSummaryPreset)\s*\(")


def _evidently_quality(raw: RawResults) -> list[Finding]:
    """Evidently data-quality metrics, scoped to data-3-quality-monitoring (a measure of the data's quality,
    not a check that stops training)."""
    located = [Location(loc.path, loc.line, f"Evidently data-quality metric: {loc.detail}")
               for loc in raw.grep(_EVIDENTLY_QUALITY, raw.importing_files("evidently"), first_only=False)]
    return [replace(f, criterion="data-3-quality-monitoring") for f in findings(ID, [], located)]


# A data contract: a TFDV / TFX schema in its text format (each `feature {` with its type and presence), or a
# dbt model whose contract is enforced (its columns' names and types checked at build).
_TFDV_SCHEMA = re.compile(r"^feature\s*\{", re.MULTILINE)
_DBT_CONTRACT = re.compile(r"^\s*contract\s*:\s*(?:\n\s*enforced\s*:\s*true|\{\s*enforced\s*:\s*true)", re.MULTILINE)


def _contracts(raw: RawResults) -> list[Finding]:
    """Schemas that state what the data must look like, scoped to data-3-data-contracts."""
    schemas = [f for f in raw.with_suffix(".pbtxt") if "schema" in f.name and _TFDV_SCHEMA.search(raw.text(f.path))]
    located = file_locations(schemas, "TFDV schema: each feature's type, presence and domain")
    located += raw.grep(_DBT_CONTRACT, [f.path for f in raw.with_suffix(*YAML)], first_only=False, needles=("contract",),
                        detail="dbt model contract enforced")
    return [replace(f, criterion="data-3-data-contracts") for f in findings(ID, located)]


def _great_expectations_dataset(raw: RawResults) -> list[Location]:
    """Expectation calls in code of a repository that imports Great Expectations somewhere."""
    if not raw.imported("great_expectations"):
        return []
    code = [f.path for f in raw.with_suffix(*CODE)]
    return [Location(loc.path, loc.line, f"Great Expectations: {loc.detail}")
            for loc in raw.grep(_GE_EXPECT, code, first_only=False, needles=(".expect_",))]


def _call_block(text: str, line: int) -> str:
    """The lines of a call opened on `line`, up to its closing parenthesis alone on a line (at most 20 lines)."""
    rows = text.split("\n")[line - 1:line + 19]
    end = next((n for n, row in enumerate(rows) if n and row.strip() in (")", "),")), len(rows) - 1)
    return "\n".join(rows[:end + 1])


def _sagemaker_quality_checks(raw: RawResults) -> tuple[list[Location], list[Location]]:
    """(positive, weak): SageMaker data quality check steps; one that skips the check is weak."""
    positive, weak = [], []
    for path in raw.importing_files("sagemaker"):
        text = raw.text(path)
        if not _SM_DATA_CONFIG.search(text):
            continue
        for loc in raw.grep(_SM_QUALITY, [path], first_only=False):
            if _SM_SKIP.search(_call_block(text, loc.line)):
                weak.append(Location(loc.path, loc.line, "SageMaker data quality check step with skip_check=True "
                                                         "(baseline computed, a bad batch does not stop the run)"))
            else:
                positive.append(Location(loc.path, loc.line, "SageMaker data quality check step"))
    return positive, weak


def _dbt_tests(raw: RawResults) -> tuple[list[Location], list[Location]]:
    """(positive, weak): dbt tests declared in schema YAML; positive when something runs `dbt test`/`dbt build`."""
    schemas = [f.path for f in raw.with_suffix(*YAML) if "models/" in f"/{f.path}" or f.name.startswith("schema.")]
    declared = raw.grep(_DBT_TESTS, schemas, needles=("tests",))
    if not declared:
        return [], []
    runners = [f.path for f in raw.files if f.path in raw.texts and f.path not in schemas and f.suffix not in _DOCS]
    runs = raw.grep(_DBT_RUNS_TESTS, runners,
                    first_only=False, needles=("dbt",), detail="dbt tests run")
    if runs:
        return runs + [Location(loc.path, loc.line, "dbt tests declared") for loc in declared], []
    return [], [Location(loc.path, loc.line, "dbt tests declared, not run (no `dbt test` or `dbt build`)") for loc in declared]


# The call that checks the data before the calls that only describe it: `ExampleValidator(` before
# `StatisticsGen(` and `SchemaGen(`, `tfdv.validate_statistics(` before `tfdv.generate_statistics_from_csv(`.
_DESCRIBES = re.compile(r"StatisticsGen|SchemaGen|generate_statistics|infer_schema")
# The training pipeline's check before a batch-scoring or monitoring pipeline's.
_NOT_TRAINING = re.compile(r"batch|scor|infer|predict|monitor", re.IGNORECASE)


def _order(loc: Location) -> tuple[bool, bool]:
    return (bool(_DESCRIBES.search(loc.detail)), bool(_NOT_TRAINING.search(loc.path)))


# Data tests: a test file about the data (its name says data, schema or check) that reads a dataset and asserts on
# its columns, missing values, types or ranges, run by CI or by a pipeline step (an MLflow project's entry point)
# before training. Validation written as pytest rather than with a validation library.
_DATA_TEST_NAME = re.compile(r"data|schema|check|valid", re.IGNORECASE)
_DATA_READ = re.compile(r"\b(?:pd|pandas|pl|polars)\.read_\w+\s*\(|\bload_dataset\s*\(|\.use_artifact\s*\(")
_DATA_ASSERT = re.compile(r"^\s*assert\b[^\n]*(?:\.columns|isnull|isna|notna|dtype|between|\.shape|\.min\(|\.max\(|nunique|"
                          r"duplicated|len\()", re.MULTILINE)
_MLPROJECT_COMMAND = re.compile(r"^\s*command\s*:.*\b(?:pytest|py\.test)\b", re.MULTILINE)


def _data_test_file(raw: RawResults, path: str) -> bool:
    text = raw.text(path)
    return bool(_DATA_TEST_NAME.search(path.rsplit("/", 1)[-1]) and _DATA_READ.search(text) and _DATA_ASSERT.search(text))


def _data_tests_run(raw: RawResults) -> tuple[list[Location], list[Location]]:
    """CI commands and pipeline steps that run data tests: (failing the job, not failing it)."""
    positive, weak = [], []
    tests = {f.path for f in raw.with_suffix(".py") if f.name.startswith("test") and _data_test_file(raw, f.path)}
    run_by = {path: command for path, command in tests_run_by_ci(raw).items() if path in tests}
    for command in dict.fromkeys(run_by.values()):
        first = next(path for path, c in run_by.items() if c is command)
        (positive if command.can_fail else weak).append(located(command, f"CI runs data tests ({first})"))
    for f in raw.named("MLproject"):
        folder = f.path.rpartition("/")[0]
        if _DATA_TEST_NAME.search(folder.rsplit("/", 1)[-1]) and any(t.startswith(f"{folder}/") for t in tests):
            positive += raw.grep(_MLPROJECT_COMMAND, [f.path], detail="a pipeline step runs data tests (MLflow project)")
    return positive, weak


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first. TFX's validation components run
    inside the pipeline on its input data: evidence of validation before training and of a schema, not of
    monitoring the data in production."""
    positive = file_locations(raw.named("great_expectations.yml", "great_expectations.yaml"), "Great Expectations project")
    positive += file_locations([f for f in raw.under("expectations") if f.suffix == ".json"], "expectation suite")
    weak = []
    pipeline_positive, pipeline_weak = [], []
    for modules, packages, calls, label in _TOOLS:
        pos, wk = library(raw, modules=modules, packages=packages, calls=calls, label=label)
        if label == "Deepchecks":
            pos, wk = ([loc for loc in side if _DEEPCHECKS_DATA.search(raw.text(loc.path))] for side in (pos, wk))
        # Statistics and an inferred schema describe the data; only the validating call checks it.
        wk += [loc for loc in pos if _DESCRIBES.search(loc.detail)]
        pos = [loc for loc in pos if not _DESCRIBES.search(loc.detail)]
        if label == "TFX":
            pipeline_positive += pos
            pipeline_weak += wk
        else:
            positive += pos
            weak += wk
    positive += raw.grep(_SODA_CHECKS, suffixes=YAML, detail="Soda checks")
    # Checks of the training data only (a test fixture's dataset, a pipeline's input, dbt models): evidence of
    # validation before training, not of a contract shared with the producer nor of monitoring production data.
    training_positive, training_weak = _great_expectations_dataset(raw), []
    # An expectation on the table's columns or their types checks the schema the data must keep: a one-sided
    # contract (the ML team's check, not one shared with the producer): partial.
    schema_checks = [Location(loc.path, loc.line, f"{loc.detail} (a schema check on the ML side)")
                     for loc in training_positive if _GE_SCHEMA.search(loc.detail)]
    training_weak += _hand_written_checks(raw)
    for pos, wk in (_sagemaker_quality_checks(raw), _dbt_tests(raw), _data_tests_run(raw)):
        training_positive += pos
        training_weak += wk
    # A quality check in a batch-scoring or monitoring pipeline checks the data scored in production: quality
    # monitoring, and for validation before training only a hint.
    production = [loc for loc in training_positive if "SageMaker" in loc.detail and _NOT_TRAINING.search(loc.path)]
    training_positive = [loc for loc in training_positive if loc not in production]
    training_weak += [Location(loc.path, loc.line, f"{loc.detail} (in a scoring pipeline, not before training)")
                      for loc in production]
    general = findings(ID, sorted(positive, key=_order), sorted(weak, key=_order))
    seen = {(f.location.path, f.location.line) for f in general}
    in_pipeline = findings(ID, sorted(pipeline_positive, key=_order), sorted(pipeline_weak, key=_order))
    in_pipeline = [replace(f, criterion=c) for c in ("data-2-validation", "data-3-data-contracts") for f in in_pipeline
                   if (f.location.path, f.location.line) not in seen]
    seen |= {(f.location.path, f.location.line) for f in in_pipeline}
    training = [replace(f, criterion="data-2-validation") for f in findings(ID, sorted(training_positive, key=_order),
                                                                             sorted(training_weak, key=_order))
                if (f.location.path, f.location.line) not in seen]
    quality = [replace(f, criterion="data-3-quality-monitoring") for f in findings(ID, production)]
    quality += [f for f in _evidently_quality(raw) if (f.location.path, f.location.line) not in seen]
    contracts = _contracts(raw) + [replace(f, criterion="data-3-data-contracts") for f in findings(ID, [], schema_checks)]
    return contracts + general + in_pipeline + training + quality  # a schema is what a contract cites first


# A schema check written by hand in a data-validation module (`data_validation.py`): a `check_`/`validate_`
# function that compares the batch's columns or types with the expected ones. Part of the practice: the
# columns, not the null rates or ranges, and whether a failure stops the pipeline is up to its caller.
_VALIDATION_MODULE = re.compile(r"validat", re.IGNORECASE)
_CHECK_DEF = re.compile(r"^[ \t]*def\s+(?:validate|check|is)_\w*\s*\(", re.MULTILINE)
_SCHEMA_TEST = re.compile(r"\.columns\b|\.dtypes\b|\bdtype\b|\bschema\w*\s*\[")
CHECK_ROWS = 15  # lines of a check function's body looked at


def _hand_written_checks(raw: RawResults) -> list[Location]:
    found = []
    for f in raw.with_suffix(".py"):
        if not _VALIDATION_MODULE.search(f.name) or is_test_code(f.path):
            continue
        lines = raw.text(f.path).split("\n")
        for loc in raw.grep(_CHECK_DEF, [f.path], first_only=False, needles=("def ",)):
            body = range(loc.line, min(loc.line + CHECK_ROWS, len(lines)))
            row = next((n for n in body if _SCHEMA_TEST.search(lines[n]) and not lines[n].lstrip().startswith("#")), None)
            if row is not None:  # the check itself, its definition, with the comparison in the detail
                found.append(Location(f.path, loc.line, f"a hand-written check of the batch's columns or types "
                                                        f"(line {row + 1}: {lines[row].strip()[:50]})"))
                break  # one per module: the first check
    return found
