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
