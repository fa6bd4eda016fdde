"""The scan's rules for what counts as evidence, each on a small tree that the old rules got wrong:
CI on any system, followed one level into make targets and scripts, steps that cannot fail the job,
declared versus used, Markdown and notebooks read, pinned shares, frameworks of the field."""

from __future__ import annotations

import json

from mlops_workbook.assessment.rubric import load_rubric
from mlops_workbook.scan import PROBES, collect
from mlops_workbook.scan.assess import assess, run_probes

from tests.scan.test_probes import write_tree


def run(tmp_path, probe: str, files: dict[str, str]):
    return PROBES[probe].run(collect(write_tree(tmp_path, files)))


def answers(tmp_path, files: dict[str, str]) -> dict[str, str]:
    raw = collect(write_tree(tmp_path, files))
    return {f.criterion: f.answer for f in assess(load_rubric("mlops-maturity"), run_probes(raw))}


WORKFLOW = "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"


def test_ci_without_a_test_step_is_no_evidence_of_tests(tmp_path):
    assert run(tmp_path, "ci-tests", {".github/workflows/lint.yml": WORKFLOW + "      - run: ruff check .\n"}) == []


def test_installing_pytest_is_not_running_it(tmp_path):
    found = run(tmp_path, "ci-tests", {".github/workflows/ci.yml": WORKFLOW + "      - run: pip install pytest\n"})
    assert found == []


def test_ci_follows_a_make_target_to_the_line_that_runs_the_tests(tmp_path):
    found = run(tmp_path, "ci-tests", {
        ".github/workflows/ci.yml": WORKFLOW + "      - run: make check\n",
        "Makefile": "check: lint unit\n\nlint:\n\truff check .\n\nunit:\n\tpython -m pytest -q tests\n"})
    assert [(f.outcome, f.location.path, f.location.line) for f in found] == [("enforced", "Makefile", 7)]
    assert "run by CI at .github/workflows/ci.yml" in found[0].location.detail


def test_ci_follows_a_script_and_knows_a_script_without_set_e_cannot_fail_on_an_early_command(tmp_path):
    files = {".gitlab-ci.yml": "test:\n  script:\n    - bash scripts/ci.sh\n",
             "scripts/ci.sh": "#!/bin/bash\npytest tests\necho done\n"}
    found = run(tmp_path, "ci-tests", files)
    assert [(f.outcome, f.location.path, f.location.line) for f in found] == [("weak", "scripts/ci.sh", 2)]
    assert "no `set -e`" in found[0].location.detail
    files["scripts/ci.sh"] = "#!/bin/bash\nset -euo pipefail\npytest tests\necho done\n"
    assert [f.outcome for f in run(tmp_path / "strict", "ci-tests", files)] == ["enforced"]


def test_a_test_step_that_cannot_fail_the_job_is_partial_not_yes(tmp_path):
    swallowed = {".github/workflows/ci.yml": WORKFLOW + "      - run: pytest || true\n",
                 "tests/test_model.py": "from churn.model import train\n\n\ndef test_train():\n    assert train([1]) == 1\n"}
    assert [f.outcome for f in run(tmp_path / "a", "ci-tests", swallowed)] == ["weak"]
    soft = {".github/workflows/ci.yml": WORKFLOW + "      - name: tests\n        continue-on-error: true\n        run: pytest\n"}
    found = run(tmp_path / "b", "ci-tests", soft)
    assert [f.outcome for f in found] == ["weak"] and "continue-on-error: true" in found[0].location.detail
    gitlab = {".gitlab-ci.yml": "test:\n  allow_failure: true\n  script:\n    - pytest\n"}
    assert [f.outcome for f in run(tmp_path / "c", "ci-tests", gitlab)] == ["weak"]


def test_enforced_tests_make_unit_tests_yes_and_unenforced_ones_partial(tmp_path):
    test_file = {"tests/test_model.py": "from churn.model import train\n\n\ndef test_train():\n    assert train([1]) == 1\n"}
    enforced = answers(tmp_path / "a", {".github/workflows/ci.yml": WORKFLOW + "      - run: pytest\n", **test_file})
    assert enforced["model-1-unit-tests"] == "yes" and enforced["deploy-1-basic-cicd"] == "yes"
    soft = answers(tmp_path / "b", {".github/workflows/ci.yml": WORKFLOW + "      - run: pytest || true\n", **test_file})
    assert soft["deploy-1-basic-cicd"] == "partial"
    other = {"tests/test_util.py": "from churn.util import slug\n\n\ndef test_slug():\n    assert slug('A b') == 'a-b'\n"}
    only_other = answers(tmp_path / "c", {".github/workflows/ci.yml": WORKFLOW + "      - run: pytest\n", **other})
    assert only_other["model-1-unit-tests"] == "partial" and only_other["deploy-1-basic-cicd"] == "yes"


def test_ci_systems_beyond_fixed_names(tmp_path):
    trees = {
        "cloud build under build/": {"build/train.yaml": "steps:\n- name: gcr.io/cloud-builders/docker\n  args: [build]\n"
                                                         "- name: python\n  entrypoint: pytest\n"},
        "Jenkins": {"Jenkinsfile": "pipeline {\n  stages {\n    stage('test') { steps { sh 'pytest' } }\n  }\n}\n"},
        "Buildkite": {".buildkite/pipeline.yml": "steps:\n  - command: pytest\n"},
        "CircleCI": {".circleci/config.yml": "jobs:\n  test:\n    steps:\n      - run: pytest\n"},
        "Azure": {"azure-pipelines.yml": "steps:\n- script: python -m pytest\n  displayName: tests\n"},
    }
    for n, (name, files) in enumerate(trees.items()):
        found = run(tmp_path / str(n), "ci-tests", files)
        assert found and found[0].outcome == "enforced", name


def test_a_cloud_build_soft_step_and_a_dry_run_validation_cannot_block(tmp_path):
    found = run(tmp_path, "ci-training", {
        ".github/workflows/deploy.yml": WORKFLOW + "      - run: databricks bundle run model_training_job --run_mode dry_run\n"})
    assert [f.outcome for f in found] == ["weak"] and "dry run" in found[0].location.detail


def test_declared_libraries_and_bare_imports_give_nothing_a_data_validation_import_included(tmp_path):
    files = {"requirements.txt": "great-expectations==0.18\nlime==0.2\n",
             "checks.py": "import great_expectations as gx\n", "explain.py": "import lime\n"}
    assert run(tmp_path, "data-validation", files) == []
    assert run(tmp_path, "explainability", files) == []
    used = {"checks.py": "import great_expectations as gx\nvalidator.expect_column_values_to_not_be_null('id')\n"}
    assert [f.outcome for f in run(tmp_path / "used", "data-validation", used)] == ["positive"]


def test_one_log_metric_is_tracking_but_not_advanced_tracking(tmp_path):
    got = answers(tmp_path, {"train.py": "import mlflow\nmlflow.log_metric('auc', 0.9)\n"})
    assert got["model-1-experiment-tracking"] == "yes"
    assert "model-3-advanced-tracking" not in got  # one metric is no advanced tracking (the old rule said partial)
    richer = answers(tmp_path / "rich", {"train.py": "import mlflow\nmlflow.log_params(p)\nmlflow.log_metric('auc', 0.9)\n"
                                                     "mlflow.log_artifact('report.html')\nmlflow.log_input(dataset)\n"})
    assert richer["model-3-advanced-tracking"] == "partial"  # linked to its data only
    linked = answers(tmp_path / "linked", {"train.py": "import mlflow\nimport os\nmlflow.log_input(dataset)\n"
                                                       "mlflow.set_tag('commit', os.environ['GITHUB_SHA'])\n"})
    assert linked["model-3-advanced-tracking"] == "yes"


def test_a_quality_gate_is_enforced_only_when_a_ci_step_that_can_fail_runs_it(tmp_path):
    gate = {"pipeline/validate.py": "import sys\nauc = evaluate()\nif auc < THRESHOLD:\n    sys.exit(1)\n"}
    alone = answers(tmp_path / "a", gate)
    assert alone["deploy-2-automated-validation"] == "partial"
    ci = {".github/workflows/cd.yml": WORKFLOW + "      - run: python -m pipeline.validate\n      - run: kubectl apply -f k8s\n"}
    enforced = answers(tmp_path / "b", {**gate, **ci})
    assert enforced["deploy-2-automated-validation"] == "yes" and enforced["deploy-2-automated-deploy"] == "yes"
    soft = {".github/workflows/cd.yml": WORKFLOW + "      - run: python -m pipeline.validate || true\n"}
    assert answers(tmp_path / "c", {**gate, **soft})["deploy-2-automated-validation"] == "partial"


def test_training_in_ci_is_not_validation_and_an_app_is_not_automated_deployment(tmp_path):
    got = answers(tmp_path, {".gitlab-ci.yml": "train:\n  script:\n    - python train.py\n",
                             "app.py": "from flask import Flask\napp = Flask(__name__)\n", "Procfile": "web: gunicorn app:app\n"})
    assert "deploy-2-automated-validation" not in got and "deploy-2-automated-deploy" not in got
    assert got["model-2-pipeline"] == "partial"


def test_explanations_are_not_compliance_checks_and_troubleshooting_is_no_incident_process(tmp_path):
    got = answers(tmp_path, {"explain.py": "import shap\nexplainer = shap.TreeExplainer(model)\n",
                             "README.md": "# Model\n\n## Troubleshooting\nReinstall the package.\n"})
    assert got["model-3-explainability"] == "yes" and "gov-3-compliance-checks" not in got
    assert "people-1-incident-process" not in got


def test_a_web_app_alone_is_no_deployment_but_a_procfile_is(tmp_path):
    app = {"app.py": "from flask import Flask\napp = Flask(__name__)\n"}
    assert run(tmp_path / "a", "model-serving", app) == []
    found = run(tmp_path / "b", "model-serving", {**app, "Procfile": "web: gunicorn app:app\n"})
    assert {f.location.path for f in found if f.outcome == "positive"} == {"app.py", "Procfile"}


def test_markdown_is_read_for_runbooks(tmp_path):
    found = run(tmp_path, "runbooks", {"docs/operations.md": "# Operations\n\n## On-call and rollback\nPage the owner.\n"})
    assert [(f.outcome, f.location.line) for f in found] == [("positive", 3)]


def test_a_heavy_notebook_is_read_by_its_code_cells_and_its_outputs_never_count(tmp_path):
    image = "iVBORw0KGgo" * 150_000  # ~1.6 MB of base64 output
    notebook = {"cells": [
        {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["import mlflow\n", "mlflow.log_metric('auc', 0.91)\n"],
         "outputs": [{"output_type": "display_data", "data": {"image/png": image}, "metadata": {}}]},
        {"cell_type": "code", "execution_count": 2, "metadata": {}, "source": ["print('ok')\n"],
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["import wandb\n", "wandb.init(project='x')\n"]}]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(notebook, indent=1)
    assert len(text) > 1_000_000
    raw = collect(write_tree(tmp_path, {"explore.ipynb": text}))
    found = PROBES["experiment-tracking"].run(raw)
    line = next(n for n, row in enumerate(text.split("\n"), 1) if "log_metric" in row)
    assert [(f.outcome, f.location.path, f.location.line) for f in found] == [("positive", "explore.ipynb", line)]
    assert "wandb" not in raw.imports  # an output that prints code is not code


def test_test_files_named_tests_and_placeholder_stubs(tmp_path):
    named = {"churn/model_tests.py": "from churn.model import train\n\n\ndef test_train():\n    assert train([1]) == 1\n"}
    assert [f.outcome for f in run(tmp_path / "a", "ml-tests", named)] == ["positive"]
    stub = {"tests/test_environment.py": "from src.data import make_dataset\n\n\ndef test_code_is_tested():\n    assert False\n"}
    assert run(tmp_path / "b", "ml-tests", stub) == []


def test_pinned_share_instead_of_all_or_nothing(tmp_path):
    pins = "\n".join(f"pkg{n}=={n}.0" for n in range(19)) + "\nunpinned\n"
    found = run(tmp_path / "a", "pinned-environment", {"requirements.txt": pins})
    assert [(f.outcome, f.location.detail) for f in found] == [("positive", "19 of 20 requirements pinned exactly")]
    half = "a==1\nb==2\nc\nd\nee\n"
    assert [f.outcome for f in run(tmp_path / "b", "pinned-environment", {"requirements.txt": half})] == ["weak"]


def test_frameworks_of_the_field(tmp_path):
    cases = {
        ("orchestration", "Kedro"): {"src/p/pipeline.py": "from kedro.pipeline import Pipeline, node\n\n"
                                     "def create_pipeline():\n    return Pipeline([node(train, 'x', 'y')])\n"},
        ("orchestration", "Databricks"): {"resources/train.yml": "resources:\n  jobs:\n    train:\n      tasks:\n"
                                          "        - task_key: train\n          notebook_task:\n            notebook_path: t\n"},
        ("orchestration", "Vertex"): {"run.py": "from google.cloud import aiplatform\njob = aiplatform.PipelineJob(display_name='t')\n"},
        ("experiment-tracking", "kedro-mlflow"): {"requirements.txt": "kedro-mlflow==0.12\n",
                                                  "conf/local/mlflow.yml": "server:\n  mlflow_tracking_uri: mlruns\n"},
        ("experiment-tracking", "Ray"): {"tune.py": "import ray\nfrom ray.air.integrations.mlflow import MLflowLoggerCallback\n"
                                                    "cb = MLflowLoggerCallback(experiment_name='x')\n"},
        ("model-registry", "SageMaker"): {"pipeline.py": "import sagemaker\nstep = RegisterModel(name='r', model_package_group_name='churn')\n"},
        ("model-serving", "Ray Serve"): {"serve.py": "import ray\nfrom ray import serve\n\n@serve.deployment\nclass M:\n    pass\n"},
    }
    for n, ((probe, name), files) in enumerate(cases.items()):
        found = run(tmp_path / str(n), probe, files)
        assert any(f.outcome == "positive" for f in found), name


def test_managed_model_monitors_answer_drift_but_not_performance_against_labels(tmp_path):
    vertex = ("from google.cloud import aiplatform as vertex_ai\n\n"
              "job = vertex_ai.ModelDeploymentMonitoringJob.create(display_name='m', endpoint=endpoint)\n")
    found = answers(tmp_path, {"monitoring/job.py": vertex})
    assert found["monitor-2-basic-drift"] == "yes" and found["data-3-quality-monitoring"] == "partial"
    assert "monitor-2-performance-labels" not in found


def test_cloudformation_data_capture_is_a_prediction_log(tmp_path):
    stack = ("from aws_cdk import aws_sagemaker as sagemaker\n\n"
             "config.data_capture_config = sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(enable_capture=True)\n")
    assert answers(tmp_path / "a", {"infra/stack.py": stack})["monitor-1-prediction-log"] == "yes"
    off = "from aws_cdk import aws_sagemaker as sagemaker\n\nconfig = sagemaker.CfnEndpointConfig(production_variants=[])\n"
    assert "monitor-1-prediction-log" not in answers(tmp_path / "b", {"infra/stack.py": off})


def test_pipeline_failure_emails_and_cloud_alarms_are_partial_alerting(tmp_path):
    dag = "from airflow import DAG\n\ndefault_args = {'email_on_failure': True}\nwith DAG('train', default_args=default_args):\n    pass\n"
    assert answers(tmp_path / "a", {"dags/train.py": dag})["monitor-2-alerting"] == "partial"
    quiet = dag.replace("True", "False")
    assert "monitor-2-alerting" not in answers(tmp_path / "b", {"dags/train.py": quiet})


def test_ci_that_trains_or_deploys_without_tests_is_partial_basic_cicd(tmp_path):
    gitlab = "train:\n  script:\n    - python train.py\ndeploy:\n  script:\n    - git push heroku main\n"
    assert answers(tmp_path / "a", {".gitlab-ci.yml": gitlab})["deploy-1-basic-cicd"] == "partial"
    lint = "lint:\n  script:\n    - ruff check .\n"
    assert "deploy-1-basic-cicd" not in answers(tmp_path / "b", {".gitlab-ci.yml": lint})


def test_committed_data_is_partial_versioning_but_no_lineage(tmp_path):
    files = {"src/trips-2021-01.parquet": "PAR1", "src/orchestrate.py": "import pandas as pd\n"
             "df = pd.read_parquet('src/trips-2021-01.parquet')\n", "monitoring/ref.parquet": "PAR1"}
    found = answers(tmp_path, files)
    assert found["data-1-versioning"] == "partial" and "data-2-lineage" not in found
    cited = PROBES["committed-data"].run(collect(tmp_path))
    assert cited[0].location.path == "src/trips-2021-01.parquet"  # the file the code reads, before another


def test_run_artifacts_of_metaflow_and_zenml_version_the_data(tmp_path):
    flow = ("from metaflow import FlowSpec, step\n\n\nclass Train(FlowSpec):\n    @step\n    def start(self):\n"
            "        self.dataset = client.fetch_all(query)\n        self.next(self.end)\n")
    found = run(tmp_path / "a", "data-versioning", {"flow.py": flow})
    assert [(f.outcome, f.location.line) for f in found] == [("weak", 7)]
    zen = "from zenml import pipeline\n\n\n@pipeline\ndef training():\n    raw = load_data()\n    model = train(raw)\n"
    assert [f.location.line for f in run(tmp_path / "b", "data-versioning", {"pipeline.py": zen})] == [6]
    plain = "import pandas as pd\n\n\ndef training():\n    raw = load_data()\n"
    assert run(tmp_path / "c", "data-versioning", {"pipeline.py": plain}) == []


def test_tests_of_other_code_are_partial_unit_tests(tmp_path):
    files = {"tests/test_helpers.py": "from app.strings import slug\n\n\ndef test_slug():\n    assert slug('A b') == 'a-b'\n"}
    assert answers(tmp_path / "a", files)["model-1-unit-tests"] == "partial"
    stub = {"tests/test_helpers.py": "def test_nothing():\n    assert True\n"}
    assert "model-1-unit-tests" not in answers(tmp_path / "b", stub)


def test_what_registries_and_ci_record_by_themselves_is_a_partial_audit_trail(tmp_path):
    promote = "from zenml.client import Client\n\nClient().get_model_version('m', 3).set_stage('production')\n"
    assert answers(tmp_path / "a", {"promote.py": promote})["gov-2-audit-trail"] == "partial"
    gitlab = "deploy:\n  script:\n    - ./deploy.sh\n  environment:\n    name: production\n"
    assert answers(tmp_path / "b", {".gitlab-ci.yml": gitlab})["gov-2-audit-trail"] == "partial"
    bundle = "resources:\n  jobs:\n    train:\n      parameters:\n        - name: git\n          default: ${bundle.git.commit}\n"
    assert answers(tmp_path / "c", {"resources/train.yml": bundle})["gov-2-audit-trail"] == "partial"
    untracked = "deploy:\n  script:\n    - ./deploy.sh\n"
    assert "gov-2-audit-trail" not in answers(tmp_path / "d", {".gitlab-ci.yml": untracked})


def test_a_feature_engineering_section_or_a_feature_schema_is_partial_feature_documentation(tmp_path):
    docs = {"docs/data.md": "# Data\n\n## Feature engineering\n\nWavelet coefficients of each beat.\n"}
    assert answers(tmp_path / "a", docs)["data-1-documented-features"] == "partial"
    schema = {"src/raw_schema/schema.pbtxt": 'feature {\n  name: "trip_miles"\n  type: FLOAT\n}\n'}
    assert answers(tmp_path / "b", schema)["data-1-documented-features"] == "partial"
    product = {"README.md": "# Churn\n\n## Features\n\n- fast\n- small\n"}
    assert "data-1-documented-features" not in answers(tmp_path / "c", product)


def test_stored_predictions_are_a_prediction_log_with_the_version_and_partial_without(tmp_path):
    batch = ("def score(model_version):\n    preds = model.predict(df)\n    out = preds.withColumn('model_version', v)\n"
             "    out.write.format('delta').saveAsTable('predictions')\n")
    found = run(tmp_path / "a", "prediction-log", {"batch/predict.py": batch})
    assert [(f.outcome, f.location.line) for f in found] == [("positive", 4)]
    app = ("import sys\nfrom flask import Flask\nsys.path.insert(0, '.')\napp = Flask(__name__)\n\n\n"
           "def predict():\n    p = Prediction(proba=model.predict_proba(x))\n    p.save()\n")
    found = run(tmp_path / "b", "prediction-log", {"app.py": app})
    assert [(f.outcome, f.location.line) for f in found] == [("weak", 9)]
    served = "import sys\nfrom flask import Flask\nsys.path.insert(0, '.')\n\n\ndef predict():\n    return model.predict(x)\n"
    assert run(tmp_path / "c", "prediction-log", {"app.py": served}) == []


def test_a_codepipeline_deploy_stage_and_a_cloudformation_endpoint_in_cdk_code(tmp_path):
    stack = ("from aws_cdk import aws_codepipeline_actions as actions\nfrom aws_cdk import aws_sagemaker as sagemaker\n\n"
             "deploy = actions.CloudFormationCreateUpdateStackAction(action_name='Deploy', stack_name='prod')\n"
             "endpoint = sagemaker.CfnEndpoint(self, 'Endpoint', endpoint_config_name=name)\n")
    found = answers(tmp_path / "a", {"infra/pipeline.py": stack})
    assert found["deploy-2-automated-deploy"] == "yes" and found["deploy-1-script"] == "yes"
    assert [f.location.line for f in run(tmp_path / "b", "model-serving", {"infra/pipeline.py": stack})] == [5]
    synth_only = "from aws_cdk import aws_codepipeline_actions as actions\n\nbuild = actions.CodeBuildAction(action_name='Synth')\n"
    assert "deploy-2-automated-deploy" not in answers(tmp_path / "c", {"infra/pipeline.py": synth_only})


def test_cdk_iam_terraform_key_vaults_and_ci_credential_variables_are_access_control(tmp_path):
    cdk = "from aws_cdk import aws_iam as iam\n\nrole = iam.Role(self, 'Deploy', assumed_by=iam.ServicePrincipal('sagemaker'))\n"
    assert answers(tmp_path / "a", {"infra/roles.py": cdk})["gov-1-access-control"] == "partial"
    tf = 'resource "azurerm_key_vault" "kv" {\n  name = "kv"\n}\n'
    assert answers(tmp_path / "b", {"infra/main.tf": tf})["gov-1-access-control"] == "partial"
    gitlab = "deploy:\n  script:\n    - echo \"$SSH_PRIVATE_KEY\" > id_rsa\n    - scp -i id_rsa app.zip host:\n"
    found = run(tmp_path / "c", "access-control", {".gitlab-ci.yml": gitlab})
    assert [(f.outcome, f.location.line) for f in found] == [("weak", 3)]
    plain = "deploy:\n  script:\n    - echo \"$CI_PROJECT_NAME\"\n"
    assert run(tmp_path / "d", "access-control", {".gitlab-ci.yml": plain}) == []


def test_the_served_version_is_known_from_the_deployment_not_from_registering(tmp_path):
    cd = "steps:\n- bash: |\n    set -e\n    az ml model deploy --name svc --model '$(MODEL_NAME):$(MODEL_VERSION)'\n"
    found = answers(tmp_path / "a", {"azure-pipelines.yml": cd,
                                     "register.py": "from azureml.core import Model\nModel.register(workspace=ws, model_name='m', model_path='p')\n"})
    assert found["deploy-1-known-version"] == "yes"
    assert PROBES["served-version"].run(collect(tmp_path / "a"))[0].location.path == "azure-pipelines.yml"
    constant = {"app.py": "from flask import Flask\nMODEL_VERSION = 'model_V0.pkl'\napp = Flask(__name__)\n"}
    assert answers(tmp_path / "b", constant)["deploy-1-known-version"] == "partial"
    unknown = {"app.py": "from flask import Flask\nimport joblib\nmodel = joblib.load('model.pkl')\napp = Flask(__name__)\n"}
    assert "deploy-1-known-version" not in answers(tmp_path / "c", unknown)
