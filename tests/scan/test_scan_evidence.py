"""Which line a finding cites first: the call site or configuration line that does the work (the
`mlflow.log_metric(` call, the model's `.fit(`, the registration, the training pipeline), never a
comment, a function's own definition or a set-up call beside it. Each test is a small tree that the
old rules cited wrongly or missed, with the negative case beside it."""

from __future__ import annotations

from mlops_workbook.scan import PROBES, collect

from tests.scan.test_probes import write_tree


def first(tmp_path, probe: str, files: dict[str, str]) -> tuple[str, int | None] | None:
    found = PROBES[probe].run(collect(write_tree(tmp_path, files)))
    return (found[0].location.path, found[0].location.line) if found else None


# -- comments --------------------------------------------------------------------------------


def test_commented_out_code_is_no_evidence(tmp_path):
    files = {"train.py": "import mlflow\n\n# mlflow.log_metric('auc', 0.9)\nx = 1  # mlflow.autolog()\n"}
    assert first(tmp_path / "a", "experiment-tracking", files) is None
    files["train.py"] += "mlflow.log_metric('auc', 0.9)\n"
    assert first(tmp_path / "b", "experiment-tracking", files) == ("train.py", 5)


def test_a_hash_inside_a_string_is_not_a_comment(tmp_path):
    files = {"train.py": "import mlflow\nmlflow.log_param('tag', '#1'); mlflow.log_metric('auc', 0.9)\n"}
    assert first(tmp_path, "experiment-tracking", files) == ("train.py", 2)


# -- experiment tracking ---------------------------------------------------------------------


def test_tracking_cites_the_call_that_records_not_the_experiment_set_up(tmp_path):
    train = ("import mlflow\n\nmlflow.set_experiment('churn')\nwith mlflow.start_run():\n"
             "    model = fit()\n    mlflow.log_params({'lr': 0.1})\n")
    assert first(tmp_path / "a", "experiment-tracking", {"train.py": train}) == ("train.py", 6)
    opened = "import mlflow\n\nmlflow.set_experiment('churn')\nwith mlflow.start_run():\n    pass\n"
    assert first(tmp_path / "b", "experiment-tracking", {"train.py": opened}) == ("train.py", 4)


def test_tracking_calls_come_before_an_mlproject_file(tmp_path):
    files = {"MLproject": "name: churn\nentry_points:\n  main:\n    command: python train.py\n",
             "train.py": "import mlflow\nmlflow.log_metric('auc', 0.9)\n"}
    assert first(tmp_path, "experiment-tracking", files) == ("train.py", 2)


def test_azure_ml_run_logging_is_experiment_tracking(tmp_path):
    train = "from azureml.core import Run\n\nrun = Run.get_context()\nrun.log('mse', 0.3)\n"
    assert first(tmp_path / "a", "experiment-tracking", {"train.py": train}) == ("train.py", 4)
    other = "import logging\n\nrun = logging.getLogger()\nrun.log(20, 'mse')\n"
    assert first(tmp_path / "b", "experiment-tracking", {"train.py": other}) is None


def test_zenml_metadata_and_vertex_experiments_under_an_alias_are_tracking(tmp_path):
    step = "from zenml import log_metadata, step\n\n@step\ndef train():\n    log_metadata(metadata={'acc': 1})\n"
    assert first(tmp_path / "a", "experiment-tracking", {"steps/train.py": step}) == ("steps/train.py", 5)
    vertex = "from google.cloud import aiplatform as vertex_ai\n\nvertex_ai.start_run('r1')\nvertex_ai.log_metrics({'a': 1})\n"
    assert first(tmp_path / "b", "experiment-tracking", {"exp.py": vertex}) == ("exp.py", 4)
    unrelated = "from zenml import step\n\n@step\ndef train():\n    print('log_metadata')\n"
    assert first(tmp_path / "c", "experiment-tracking", {"steps/train.py": unrelated}) is None


def test_kedro_mlflow_datasets_in_the_catalog_are_tracking(tmp_path):
    files = {"pyproject.toml": '[project]\ndependencies = ["kedro-mlflow"]\n',
             "conf/base/catalog.yml": "scores:\n  type: kedro_mlflow.io.metrics.MlflowMetricHistoryDataSet\n"}
    assert first(tmp_path / "a", "experiment-tracking", files) == ("conf/base/catalog.yml", 2)
    files["conf/base/catalog.yml"] = "scores:\n  type: pandas.CSVDataSet\n"
    assert first(tmp_path / "b", "experiment-tracking", files) is None


# -- training code ---------------------------------------------------------------------------


def test_code_in_vcs_cites_the_model_fit_in_the_training_script(tmp_path):
    files = {"src/features.py": "def prep(df):\n    return scaler.fit(df)\n",
             "src/train.py": "def main():\n    model.compile(optimizer='adam')\n    model.fit(X, y)\n"}
    assert first(tmp_path, "code-in-vcs", files) == ("src/train.py", 3)


def test_code_in_vcs_without_a_training_script_keeps_the_first_fit(tmp_path):
    files = {"src/features.py": "def prep(df):\n    return scaler.fit(df)\n"}
    assert first(tmp_path, "code-in-vcs", files) == ("src/features.py", 2)


# -- model registry --------------------------------------------------------------------------


def test_registry_cites_the_registration_before_a_promotion_or_a_group(tmp_path):
    files = {"a_promote.py": "from mlflow import MlflowClient\nMlflowClient().set_registered_model_alias('m', 'champion', 3)\n",
             "b_register.py": "import mlflow\n\nmlflow.register_model('runs:/1/model', 'm')\n"}
    assert first(tmp_path, "model-registry", files) == ("b_register.py", 3)


def test_registry_skips_a_function_definition_named_like_the_call(tmp_path):
    files = {"registry.py": "import mlflow\n\n\ndef register_model(uri):\n    return uri\n"}
    assert first(tmp_path / "a", "model-registry", files) is None
    files["registry.py"] += "\nmlflow.register_model('runs:/1/model', 'm')\n"
    assert first(tmp_path / "b", "model-registry", files) == ("registry.py", 7)


def test_azure_ml_and_zenml_registries(tmp_path):
    azure = "from azureml.core import Model as AMLModel\n\nAMLModel.register(workspace=ws, model_name='m', model_path='p')\n"
    assert first(tmp_path / "a", "model-registry", {"register.py": azure}) == ("register.py", 3)
    zen = "from zenml.client import Client\n\nClient().get_model_version('m', 2).set_stage('production')\n"
    assert first(tmp_path / "b", "model-registry", {"promote.py": zen}) == ("promote.py", 3)
    local = "from pathlib import Path\n\nclass Model:\n    pass\n\nModel.register = None\n"
    assert first(tmp_path / "c", "model-registry", {"register.py": local}) is None


# -- orchestration ---------------------------------------------------------------------------


def test_orchestration_cites_the_training_pipeline_before_others(tmp_path):
    files = {"pipelines/a_prediction.py": "from tfx import v1\nfrom tfx.orchestration import pipeline\n"
                                          "p = pipeline.Pipeline(pipeline_name='predict', components=[])\n",
             "pipelines/training.py": "from tfx import v1\nfrom tfx.orchestration import pipeline\n"
                                      "p = pipeline.Pipeline(pipeline_name='train', components=[])\n"}
    assert first(tmp_path, "orchestration", files) == ("pipelines/training.py", 3)


def test_orchestration_prefers_a_flow_that_trains_and_cites_the_decorated_function(tmp_path):
    files = {"src/a_facts.py": "from prefect import flow\n\n@flow\ndef facts():\n    print('cats')\n",
             "src/orchestrate.py": "import xgboost as xgb\nfrom prefect import flow\n\n\n@flow(\n    name='main',\n)\n"
                                   "def main_flow():\n    booster = xgb.train({}, data)\n"}
    assert first(tmp_path, "orchestration", files) == ("src/orchestrate.py", 8)


def test_orchestration_cites_a_pipeline_before_its_steps(tmp_path):
    files = {"steps/a_clean.py": "from zenml import step\n\n@step\ndef clean(df):\n    return df\n",
             "pipeline/run.py": "from zenml import pipeline\n\n@pipeline\ndef training():\n    clean()\n"}
    assert first(tmp_path, "orchestration", files) == ("pipeline/run.py", 4)


def test_kedro_pipeline_registry_entries_are_the_pipelines_kedro_runs(tmp_path):
    registry = ("from kedro.pipeline import Pipeline\n\n\ndef register_pipelines():\n    return {\n"
                "        'etl': etl,\n        'training': training,\n        '__default__': etl,\n    }\n")
    assert first(tmp_path / "a", "orchestration", {"src/pkg/pipeline_registry.py": registry}) == \
        ("src/pkg/pipeline_registry.py", 7)
    plain = registry.replace("from kedro.pipeline import Pipeline", "import json")
    assert first(tmp_path / "b", "orchestration", {"src/pkg/pipeline_registry.py": plain}) is None


def test_databricks_bundle_jobs_are_read_from_included_files_and_cited_at_the_job(tmp_path):
    files = {"proj/databricks.yml": "bundle:\n  name: p\ninclude:\n  - ./assets/*.yml\ntargets:\n  dev:\n    default: true\n",
             "proj/assets/workflow.yml": "resources:\n  jobs:\n    feature_job:\n      tasks:\n        - task_key: f\n"
                                         "    model_training_job:\n      tasks:\n        - task_key: Train\n"}
    assert first(tmp_path / "a", "orchestration", files) == ("proj/assets/workflow.yml", 6)
    files["proj/databricks.yml"] = files["proj/databricks.yml"].replace("include:\n  - ./assets/*.yml\n", "")
    assert first(tmp_path / "b", "orchestration", files) is None


def test_databricks_registered_model_resource_in_an_included_file(tmp_path):
    files = {"databricks.yml": "bundle:\n  name: p\ninclude:\n  - assets/*.yml\n",
             "assets/artifacts.yml": "resources:\n  registered_models:\n    model:\n      name: m\n"}
    assert first(tmp_path, "model-registry", files) == ("assets/artifacts.yml", 2)


# -- CI --------------------------------------------------------------------------------------

WORKFLOW = "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"


def test_a_step_name_is_not_the_command_it_labels(tmp_path):
    named = {".github/workflows/ci.yml": WORKFLOW + "      - name: Run tests with pytest\n        run: |\n          pytest -q\n"}
    assert first(tmp_path / "a", "ci-tests", named) == (".github/workflows/ci.yml", 8)
    label_only = {".github/workflows/ci.yml": WORKFLOW + "      - name: pytest would go here\n        run: echo later\n"}
    assert first(tmp_path / "b", "ci-tests", label_only) is None


def test_ci_training_cites_the_training_command_before_another_pipeline(tmp_path):
    files = {".gitlab-ci.yml": "score:\n  script:\n    - python -m pipelines.batchscore_pipeline\n"
                               "train:\n  script:\n    - python -m pipelines.train_pipeline\n"}
    assert first(tmp_path, "ci-training", files) == (".gitlab-ci.yml", 6)


def test_azure_ml_cli_model_deploy_is_a_ci_deployment(tmp_path):
    files = {"azure-pipelines.yml": "steps:\n- bash: |\n    set -e\n    az ml model deploy --name svc --model m:3\n"}
    assert first(tmp_path / "a", "ci-deploy", files) == ("azure-pipelines.yml", 4)
    listing = {"azure-pipelines.yml": "steps:\n- bash: az ml model list --query '[0]'\n"}
    assert first(tmp_path / "b", "ci-deploy", listing) is None


def test_tracking_cites_the_training_scripts_logging_before_an_analysis_step(tmp_path):
    files = {"steps/analyze.py": "import mlflow\nmlflow.log_metric('rows', 10)\n",
             "steps/train_model.py": "import mlflow\nmlflow.log_metric('auc', 0.9)\n"}
    assert first(tmp_path, "experiment-tracking", files) == ("steps/train_model.py", 2)


# -- ML tests --------------------------------------------------------------------------------


def test_ml_tests_cite_the_test_that_trains_not_the_import(tmp_path):
    files = {"tests/test_model.py": "from churn.model import train\n\n\ndef test_load():\n    assert load()\n\n\n"
                                    "def test_train_returns_a_model():\n    assert train([1])\n"}
    assert first(tmp_path, "ml-tests", files) == ("tests/test_model.py", 8)


def test_script_style_ml_test_cites_the_evaluation(tmp_path):
    files = {"ml/3_test.py": "import tensorflow as tf\n\nmodel = tf.keras.models.load_model('m')\n"
                             "loss, acc = model.evaluate(x, y)\n"}
    assert first(tmp_path, "ml-tests", files) == ("ml/3_test.py", 4)


# -- environments and serving ----------------------------------------------------------------


def test_pinned_environment_cites_the_requirements_a_dockerfile_installs_first(tmp_path):
    files = {"dev/requirements-lint.txt": "ruff==0.4.0\n",
             "service/requirements.txt": "flask==3.0.0\nscikit-learn==1.4.0\n",
             "service/Dockerfile": "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"}
    assert first(tmp_path / "a", "pinned-environment", files) == ("service/requirements.txt", None)
    del files["service/Dockerfile"]
    # Round 7: a developer's tooling requirements come after any other environment.
    assert first(tmp_path / "b", "pinned-environment", files) == ("service/requirements.txt", None)


def test_serving_cites_the_procfile_and_the_app_that_predicts(tmp_path):
    heroku = {"Procfile": "web: gunicorn app:app\n",
              "app.py": "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/predict')\ndef predict():\n    return 1\n"}
    assert first(tmp_path / "a", "model-serving", heroku) == ("Procfile", 1)
    compose = {"Dockerfile": "FROM python:3.11\n",
               "a_hooks/webhook.py": "from flask import Flask\nhook = Flask(__name__)\n",
               "api/server.py": "from flask import Flask\napi = Flask(__name__)\n\ndef predict():\n    return model.predict(x)\n"}
    assert first(tmp_path / "b", "model-serving", compose) == ("api/server.py", 2)


def test_a_vertex_endpoint_deploy_with_the_model_first_is_serving(tmp_path):
    files = {"build/utils.py": "from google.cloud import aiplatform as vertex_ai\n\n"
                               "deployed = endpoint.deploy(model=model, traffic_percentage=100)\n"}
    assert first(tmp_path, "model-serving", files) == ("build/utils.py", 3)


def test_workflow_docs_cite_the_section_that_reaches_production(tmp_path):
    readme = "# Deploying churn models\n\n## Training\n\nRun make train.\n\n## Deployment\n\nMerge to main.\n"
    assert first(tmp_path / "a", "workflow-docs", {"README.md": readme}) == ("README.md", 7)
    only_training = "# Churn\n\n## Training\n\nRun make train.\n"
    assert first(tmp_path / "b", "workflow-docs", {"README.md": only_training}) is None
