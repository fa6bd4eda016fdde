"""Round 8: rules changed after the round-7 holdouts were read (they then joined the tuning corpus). Each test
is a small tree that the old rules answered wrongly, with the case that must keep its answer beside it."""

from __future__ import annotations

from tests.scan.test_scan_rules import answers as answers_of
from tests.scan.test_scan_rules_round7_data import cited

# -- baseline-comparison: a SageMaker condition against a fixed number is no comparison with production -------

CONDITION = ("from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo\n"
             "from sagemaker.workflow.functions import JsonGet\n\n"
             "cond = ConditionGreaterThanOrEqualTo(\n"
             "    left=JsonGet(step_name=step_eval.name, property_file=report, json_path='f1'),\n"
             "    right={right},\n)\n")


def test_a_condition_against_a_fixed_bar_is_no_comparison_with_production(tmp_path):
    found = cited(tmp_path, {"pipelines/pipeline.py": CONDITION.format(right="min_f1_value")})
    assert "model-2-baseline-comparison" not in found and "deploy-2-champion-challenger" not in found


def test_a_condition_against_the_production_models_metric_is_one(tmp_path):
    right = "JsonGet(step_name=step_eval_prod.name, property_file=prod_report, json_path='f1')"
    found = cited(tmp_path, {"pipelines/pipeline.py": CONDITION.format(right=right)})
    assert found["model-2-baseline-comparison"][0] == ("pipelines/pipeline.py", 4)


# -- model-monitor: a SageMaker model-quality monitor scores predictions on labels; it watches no drift -------

QUALITY = ("from sagemaker.model_monitor import ModelQualityMonitor\n\n"
           "monitor = ModelQualityMonitor(role=role, instance_count=1, instance_type='ml.m5.xlarge')\n"
           "monitor.create_monitoring_schedule(endpoint_input=endpoint, ground_truth_input=labels_uri)\n")


def test_a_model_quality_monitor_is_performance_on_labels_not_drift(tmp_path):
    found = cited(tmp_path, {"pipelines/monitor.py": QUALITY})
    assert found["monitor-2-performance-labels"][0] == ("pipelines/monitor.py", 4)  # the schedule, the working call
    for drift in ("monitor-2-basic-drift", "monitor-3-data-drift", "monitor-3-prediction-drift",
                  "data-3-quality-monitoring"):
        assert drift not in found


def test_a_data_quality_monitor_still_watches_drift(tmp_path):
    data = QUALITY.replace("ModelQualityMonitor", "DefaultModelMonitor").replace(", ground_truth_input=labels_uri", "")
    found = cited(tmp_path, {"pipelines/monitor.py": data})
    assert "monitor-2-basic-drift" in found and "monitor-2-performance-labels" not in found


# -- ci-tests: CI running only placeholders (or a test runner's installer) is no unit testing of the ML code ---

TRAVIS = "language: python\ninstall: pip install -U tox-travis\nscript: tox\n"


def test_installing_tox_travis_is_not_running_tests_the_tox_line_is(tmp_path):
    found = cited(tmp_path, {".travis.yml": TRAVIS, "tests/test_model.py":
                             "from churn.model import train\n\n\ndef test_train():\n    assert train([1]) == 1\n"})
    assert found["deploy-1-basic-cicd"][0] == (".travis.yml", 3)


def test_ci_running_placeholder_tests_is_ci_not_unit_tests_of_the_ml_code(tmp_path):
    placeholder = "import unittest\n\n\nclass T(unittest.TestCase):\n    def test_predict(self):\n        self.assertEqual(1, 1)\n"
    found = cited(tmp_path, {".travis.yml": TRAVIS, "tests/test_model.py": placeholder})
    assert "deploy-1-basic-cicd" in found and "model-1-unit-tests" not in found


# -- W&B artifacts: data read from an artifact is a versioned dataset, and a step's in and out artifacts lineage -

CLEANING = ("import pandas as pd\nimport wandb\n\n\ndef go(args):\n    run = wandb.init(job_type='clean')\n"
            "    path = run.use_artifact(args.input_artifact).file()\n    df = pd.read_csv(path)\n"
            "    df.dropna().to_csv('clean.csv')\n    artifact = wandb.Artifact('clean_sample', type='clean_sample')\n"
            "    artifact.add_file('clean.csv')\n    run.log_artifact(artifact)\n")


def test_data_read_from_a_wandb_artifact_is_versioned_and_its_step_records_lineage(tmp_path):
    found = cited(tmp_path / "a", {"steps/clean/run.py": CLEANING})
    assert found["data-1-versioning"][0] == ("steps/clean/run.py", 7)
    assert found["data-2-lineage"][0] == ("steps/clean/run.py", 7)
    model_only = CLEANING.replace("    df = pd.read_csv(path)\n    df.dropna().to_csv('clean.csv')\n", "")
    found = cited(tmp_path / "b", {"steps/clean/run.py": model_only.replace("run.log_artifact(artifact)", "pass")})
    assert "data-1-versioning" not in found and "data-2-lineage" not in found


# -- model-registry: stores that version models without their metrics or approver are a registry in part -----

def test_a_bentoml_store_save_versions_the_model_in_part(tmp_path):
    train = ("import bentoml\nimport torch\n\n\ndef main(model):\n    bentoml.pytorch.save_model('mnist', model)\n")
    found = cited(tmp_path / "a", {"src/train.py": train})
    assert found["gov-2-model-registry"][0] == ("src/train.py", 6)
    assert answers_of(tmp_path / "b", {"src/train.py": train})["gov-2-model-registry"] == "partial"
    loaded = train.replace("bentoml.pytorch.save_model('mnist', model)", "bentoml.pytorch.load_model('mnist:latest')")
    assert "gov-2-model-registry" not in cited(tmp_path / "c", {"src/train.py": loaded})


def test_a_hub_push_is_a_registry_in_part(tmp_path):
    train = "from transformers import Trainer\n\n\ndef main(trainer: Trainer):\n    trainer.train()\n    trainer.push_to_hub()\n"
    assert answers_of(tmp_path, {"flows/train.py": train})["gov-2-model-registry"] == "partial"


# -- deploy-approval / model-approval: an approval node in the pipeline is a manual gate -------------------

FLYTE = ("from datetime import timedelta\nfrom flytekit import approve, workflow\n\n\n@workflow\ndef wf():\n"
         "    model = train()\n    gate = approve(model, 'deploy-model', timeout=timedelta(hours=1))\n"
         "    deployed = deploy(model=model)\n    gate >> deployed\n")


def test_a_flyte_approval_node_is_a_manual_gate_in_part(tmp_path):
    found = cited(tmp_path / "a", {"flows/wf.py": FLYTE})
    assert found["deploy-1-manual-validation"][0] == ("flows/wf.py", 8)
    assert found["gov-2-approval-workflow"][0] == ("flows/wf.py", 8)
    assert answers_of(tmp_path / "b", {"flows/wf.py": FLYTE})["gov-2-approval-workflow"] == "partial"
    ungated = FLYTE.replace("    gate = approve(model, 'deploy-model', timeout=timedelta(hours=1))\n", "")
    assert "deploy-1-manual-validation" not in cited(tmp_path / "c", {"flows/wf.py": ungated.replace("approve, ", "")})


# -- data-prep: a preparation module that returns the prepared data; cleaning inside the training script ------

def test_a_preprocessing_module_that_returns_its_data_is_scripted_prep(tmp_path):
    module = ("import pandas as pd\nfrom sklearn.preprocessing import StandardScaler\n\n\ndef load_and_preprocess(path):\n"
              "    df = pd.read_csv(path)\n    X = StandardScaler().fit_transform(df.drop(columns=['y']))\n    return X, df['y']\n")
    assert cited(tmp_path / "a", {"src/preprocessing.py": module})["data-1-scripted-prep"][0] == ("src/preprocessing.py", 6)
    helper = module.replace("    return X, df['y']\n", "    print(X)\n")
    assert "data-1-scripted-prep" not in cited(tmp_path / "b", {"src/preprocessing.py": helper})


def test_a_training_script_that_cleans_what_it_reads_is_scripted_prep(tmp_path):
    script = ("import pandas as pd\nfrom sklearn.model_selection import train_test_split\n\n"
              "df = pd.read_csv('data/flights.csv')\ndf = df.dropna()\ndf['delay'] = df['delay'].astype(int)\n"
              "X_train, X_test, y_train, y_test = train_test_split(df.drop(columns=['y']), df['y'])\n")
    assert cited(tmp_path / "a", {"training.py": script})["data-1-scripted-prep"][0] == ("training.py", 5)
    read_only = script.replace("df = df.dropna()\n", "")  # dropping the target and splitting are no cleaning
    assert "data-1-scripted-prep" not in cited(tmp_path / "b", {"training.py": read_only})
    notebook_like = script.replace("pd.read_csv", "load")
    assert "data-1-scripted-prep" not in cited(tmp_path / "c", {"training.py": notebook_like})


# -- data-validation: data tests (pytest on the data's columns and nulls) run by CI or a pipeline step --------

DATA_TEST = ("import pandas as pd\n\n\ndef test_data_schema():\n    df = pd.read_csv('data/iris.csv')\n"
             "    assert set(df.columns) == {'a', 'b', 'species'}\n    assert not df.isnull().any().any()\n")
WORKFLOW_RUNS = ("on: [push]\njobs:\n  train:\n    runs-on: ubuntu-latest\n    steps:\n"
                 "      - run: pytest -q tests/test_data_validation.py\n      - run: python -m src.train\n")


def test_ci_running_data_tests_before_training_validates_the_data(tmp_path):
    files = {".github/workflows/mlops.yaml": WORKFLOW_RUNS, "tests/test_data_validation.py": DATA_TEST}
    assert cited(tmp_path / "a", files)["data-2-validation"][0] == (".github/workflows/mlops.yaml", 6)
    unrun = {**files, ".github/workflows/mlops.yaml": WORKFLOW_RUNS.replace("pytest -q tests/test_data_validation.py", "ls")}
    assert "data-2-validation" not in cited(tmp_path / "b", unrun)
    no_asserts = {**files, "tests/test_data_validation.py": DATA_TEST.split("    assert")[0] + "    print(df)\n"}
    assert "data-2-validation" not in cited(tmp_path / "c", no_asserts)


def test_an_mlflow_project_step_running_data_tests_validates_the_data(tmp_path):
    mlproject = "name: data_check\nentry_points:\n  main:\n    command: \"pytest . -vv --csv {csv}\"\n"
    files = {"steps/data_check/MLproject": mlproject, "steps/data_check/test_data.py": DATA_TEST}
    assert cited(tmp_path, files)["data-2-validation"][0] == ("steps/data_check/MLproject", 4)


# -- model-docs: a README that says what the model is for, and nothing more, documents it in part -------------

def test_a_readme_purpose_sentence_alone_documents_the_model_in_part(tmp_path):
    readme = "# Heart disease predictor\n\nSimple Streamlit app that loads a pickled model and predicts heart disease.\n"
    found = cited(tmp_path / "a", {"README.md": readme})
    assert found["gov-1-documentation"][0] == ("README.md", 3)
    command = "# API\n\n``curl -X POST http://127.0.0.1:8000/predict -H 'Content-Type: application/json'``\n"
    assert "gov-1-documentation" not in cited(tmp_path / "b", {"README.md": command})


# -- quality-gate: a test that fails below a metric bar, run by CI; Deepchecks model checks are no data checks -

DEEPCHECKS = ("from deepchecks.tabular.checks import SimpleModelComparison\n\n\n"
              "def test_beats_baseline(model, train, test):\n"
              "    result = SimpleModelComparison().add_condition_gain_greater_than(0.1).run(train, test, model)\n"
              "    assert result.passed_conditions()\n")
PR_WORKFLOW = ("on: [pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
               "      - run: pytest tests/test_model.py\n")


def test_a_model_check_run_by_ci_is_an_enforced_quality_gate_not_data_validation(tmp_path):
    files = {".github/workflows/test.yaml": PR_WORKFLOW, "tests/test_model.py": DEEPCHECKS}
    found = cited(tmp_path / "a", files)
    assert found["deploy-2-automated-validation"][0] == ("tests/test_model.py", 6)
    assert answers_of(tmp_path / "b", files)["deploy-2-automated-validation"] == "yes"
    assert "data-2-validation" not in found and "data-3-quality-monitoring" not in found
    unrun = {**files, ".github/workflows/test.yaml": PR_WORKFLOW.replace("pytest tests/test_model.py", "ls")}
    assert "deploy-2-automated-validation" not in cited(tmp_path / "c", unrun)
    vacuous = {**files, "tests/test_model.py": DEEPCHECKS.replace(".add_condition_gain_greater_than(0.1)", "")}
    assert "deploy-2-automated-validation" not in cited(tmp_path / "d", vacuous)  # no condition: always passes


def test_an_accuracy_threshold_test_run_by_ci_gates_the_release(tmp_path):
    test = ("from src.train import train\n\n\ndef test_accuracy():\n    accuracy = train()\n    assert accuracy >= 0.9\n")
    files = {".github/workflows/test.yaml": PR_WORKFLOW, "tests/test_model.py": test}
    assert cited(tmp_path, files)["deploy-2-automated-validation"][0] == ("tests/test_model.py", 6)


# -- ci-deploy: MLEM and fly.io deployments; code-owners: owners named in a model card; a contributing guide ---

def test_an_mlem_deployment_in_ci_is_a_deployment_script(tmp_path):
    workflow = ("on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: mlem deployment run flyio svm-app --model model/svm\n")
    assert cited(tmp_path, {".github/workflows/publish.yaml": workflow})["deploy-1-script"][0] == (
        ".github/workflows/publish.yaml", 8)


def test_a_model_cards_contact_line_names_the_owner(tmp_path):
    card = "# Model card\n\n## Additional information\n- **Contact**: Piotr Gryko\n- **License**: MIT\n"
    assert cited(tmp_path / "a", {"docs/model_card.md": card})["gov-1-owner"][0] == ("docs/model_card.md", 4)
    template = "service: 'svc.py:svc'\nlabels:\n  owner: bentoml-team\n  project: gallery\n"
    assert "gov-1-owner" not in cited(tmp_path / "b", {"bentofile.yaml": template})
    assert cited(tmp_path / "c", {"bentofile.yaml": template.replace("bentoml-team", "ekwska")})["gov-1-owner"][0] == (
        "bentofile.yaml", 3)


def test_a_contributing_guide_asking_for_pull_requests_is_a_shared_repository_in_part(tmp_path):
    guide = ("# Contributing\n\n- [Pull Request Process](#pull-request-process)\n\n## Pull Request Process\n\n"
             "1. Fork the repository\n2. Make your changes\n3. Submit a pull request\n")
    found = cited(tmp_path / "a", {"CONTRIBUTING.md": guide})
    assert found["people-1-shared-repo"][0] == ("CONTRIBUTING.md", 9)  # the step, not the table of contents
    assert "people-1-shared-repo" not in cited(tmp_path / "b", {"CONTRIBUTING.md": guide.replace("pull request", "patch")})


# -- automl: a script that keeps the best of several model families is automated selection (not NAS) ---------

SELECTION = ("from sklearn.ensemble import RandomForestRegressor\nfrom xgboost import XGBRegressor\n\n"
             "models = {'rf': RandomForestRegressor(), 'xgb': XGBRegressor()}\nscores = {n: fit_score(m) for n, m in models.items()}\n"
             "best_score = max(scores.values())\nbest_name = [n for n in scores if scores[n] == best_score][0]\n")


def test_a_script_keeping_the_best_of_several_model_families_selects_automatically(tmp_path):
    found = cited(tmp_path / "a", {"src/model_trainer.py": SELECTION})
    assert found["model-3-automated-selection"][0] == ("src/model_trainer.py", 6)
    assert "model-4-architecture-search" not in found
    one_family = SELECTION.replace("'xgb': XGBRegressor()", "'rf2': RandomForestRegressor(max_depth=3)").replace(
        "from xgboost import XGBRegressor\n", "")
    assert "model-3-automated-selection" not in cited(tmp_path / "b", {"src/model_trainer.py": one_family})


# -- prediction-log / serving-logs: CloudFormation's endpoint data capture -------------------------------------

def test_a_cloudformation_endpoint_config_capturing_data_logs_predictions(tmp_path):
    template = ("Resources:\n  EndpointConfig:\n    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n"
                "      DataCaptureConfig:\n          EnableCapture: !Ref EnableDataCapture\n"
                "          InitialSamplingPercentage: 100\n")
    found = cited(tmp_path / "a", {"templates/endpoint-config.yml": template})
    assert found["monitor-1-prediction-log"][0] == ("templates/endpoint-config.yml", 5)
    assert found["monitor-1-serving-logs"][0] == ("templates/endpoint-config.yml", 5)
    plain = template.replace("      DataCaptureConfig:\n          EnableCapture: !Ref EnableDataCapture\n", "")
    assert "monitor-1-prediction-log" not in cited(tmp_path / "b", {"templates/endpoint-config.yml": plain})


# -- every probe: code in an archive folder no longer runs; ML tests there are no tests ------------------------

def test_ml_tests_in_an_archive_folder_are_no_unit_tests(tmp_path):
    test = "from churn.model import train\n\n\ndef test_train():\n    assert train([1]) == 1\n"
    assert "model-1-unit-tests" not in cited(tmp_path / "a", {"archive_2025_11_07/tests/test_model.py": test})
    assert cited(tmp_path / "b", {"tests/test_model.py": test})["model-1-unit-tests"][0] == ("tests/test_model.py", 4)


def test_a_practice_only_in_retired_code_is_partial(tmp_path):
    tracking = "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_param('a', 1)\n    mlflow.log_metric('m', 2)\n"
    assert answers_of(tmp_path / "a", {"legacy/train.py": tracking})["model-1-experiment-tracking"] == "partial"
    assert answers_of(tmp_path / "b", {"src/train.py": tracking})["model-1-experiment-tracking"] == "yes"


# -- feature-store: SageMaker and Vertex AI feature stores --------------------------------------------------

def test_a_sagemaker_feature_group_is_a_feature_store_and_a_kinesis_record_is_not(tmp_path):
    code = ("import boto3\nfrom sagemaker.feature_store.feature_group import FeatureGroup\n\n"
            "fg = FeatureGroup(name='agg', sagemaker_session=session)\nfg.create(s3_uri=uri, record_identifier_name='id')\n")
    assert cited(tmp_path / "a", {"src/features.py": code})["data-3-feature-store"][0] == ("src/features.py", 4)
    kinesis = "import boto3\n\nkinesis = boto3.client('kinesis')\nkinesis.put_record(StreamName='s', Data=b'x', PartitionKey='k')\n"
    assert "data-3-feature-store" not in cited(tmp_path / "b", {"src/stream.py": kinesis})
    cfn = "Resources:\n  Features:\n    Type: AWS::SageMaker::FeatureGroup\n    Properties:\n      FeatureGroupName: agg\n"
    assert cited(tmp_path / "c", {"templates/fs.yml": cfn})["data-3-feature-store"][0] == ("templates/fs.yml", 3)


def test_the_model_quality_check_is_cited_before_an_inference_time_check(tmp_path):
    tests = ("from deepchecks.tabular.checks import ModelInferenceTime, SimpleModelComparison\n\n\n"
             "def test_inference_time(model, test):\n"
             "    assert ModelInferenceTime().add_condition_inference_time_less_than(0.1).run(test, model).passed_conditions()\n"
             "\n\ndef test_simple_model_comparison(model, train, test):\n"
             "    assert SimpleModelComparison().add_condition_gain_greater_than().run(train, test, model).passed_conditions()\n")
    files = {".github/workflows/test.yaml": PR_WORKFLOW, "tests/test_model.py": tests}
    assert cited(tmp_path, files)["deploy-2-automated-validation"][0] == ("tests/test_model.py", 9)
