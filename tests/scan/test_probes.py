"""Each probe fires on its positive fixture and stays silent on its negative one (pure functions over
raw results collected from small repositories the tests write themselves)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlops_workbook.assessment.rubric import load_rubric
from mlops_workbook.scan import PROBES, collect, default_evidence

PY = "import pandas as pd\n\n\ndef main():\n    return pd.DataFrame()\n"

FIXTURES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "data-versioning": (
        {"dvc.yaml": "stages:\n  prep:\n    cmd: python prep.py\n", "data/raw.csv.dvc": "outs:\n- md5: 1\n"},
        {"data/raw.csv": "a,b\n1,2\n", "notes.md": "We should try DVC some day.\n"},
    ),
    "data-validation": (
        {"validate.py": "import pandera as pa\nschema = pa.DataFrameSchema({'x': pa.Column(int)})\n"},
        {"clean.py": PY + "# TODO: great expectations\n"},
    ),
    "data-lineage": (
        {"train.py": "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_input(mlflow.data.from_pandas(df), context='train')\n"},
        {"train.py": "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_metric('auc', 0.9)\n"},
    ),
    "feature-transforms": (
        {"train.py": "import joblib\nfrom sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import OneHotEncoder\n"
                     "from sklearn.linear_model import LogisticRegression\n\n"
                     "model = make_pipeline(OneHotEncoder(), LogisticRegression())\njoblib.dump(model, 'model.joblib')\n"},
        {"train.py": "import joblib\nfrom sklearn.linear_model import LogisticRegression\n\n"
                     "model = LogisticRegression().fit(X, y)\njoblib.dump(model, 'model.joblib')\n"},
    ),
    "feature-store": (
        {"features/feature_store.yaml": "project: churn\nregistry: data/registry.db\n",
         "features/defs.py": "from feast import FeatureView\nfv = FeatureView(name='x')\n"},
        {"features/build.py": PY},
    ),
    "params-files": (
        {"params.yaml": "train:\n  lr: 0.1\n"},
        {"config.py": "LR = 0.1\n"},
    ),
    "experiment-tracking": (
        {"train.py": "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_metric('auc', 0.9)\n"},
        {"train.py": PY + "# mlflow.log_metric would go here\n"},
    ),
    "model-registry": (
        {"promote.py": "from mlflow import MlflowClient\nc = MlflowClient()\n"
                       "c.transition_model_version_stage('churn', 3, 'Production')\n"},
        {"promote.py": "import shutil\nshutil.copy('model.pkl', '/srv/model.pkl')\n"},
    ),
    "hyperparameter-search": (
        {"tune.py": "import optuna\nstudy = optuna.create_study()\nstudy.optimize(lambda t: 1, n_trials=5)\n"},
        {"tune.py": "LR = [0.1, 0.01]\nfor lr in LR:\n    pass\n"},
    ),
    "orchestration": (
        {"dags/train.py": "from airflow import DAG\nwith DAG('train', schedule='@weekly') as dag:\n    pass\n"},
        {"run.sh": "python train.py\n", "train.py": PY},
    ),
    "ml-tests": (
        {"tests/test_features.py": "from churn.features import build\n\n\ndef test_build():\n    assert build\n"},
        {"tests/test_utils.py": "from churn.strings import slug\n\n\ndef test_slug():\n    assert slug\n"},
    ),
    "pinned-environment": (
        {"requirements.txt": "pandas==2.2.0\nscikit-learn==1.4.0\n"},
        {"requirements.txt": "pandas\nscikit-learn>=1.4\n"},
    ),
    "ci-tests": (
        {".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest -q\n"},
        {".github/workflows/lint.yml": "on: [push]\njobs:\n  l:\n    steps:\n      - run: ruff check .\n"},
    ),
    "ci-training": (
        {".gitlab-ci.yml": "train:\n  script:\n    - dvc repro\n    - cml comment create report.md\n"},
        {".gitlab-ci.yml": "lint:\n  script:\n    - ruff check .\n"},
    ),
    "model-serving": (
        {"app.py": "from fastapi import FastAPI\napp = FastAPI()\n", "Dockerfile": "FROM python:3.11-slim\n"},
        {"app.py": "def handler(event):\n    return 1\n"},
    ),
    "rollout": (
        {"deploy/isvc.yaml": "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nspec:\n"
                             "  predictor:\n    canaryTrafficPercent: 10\n"},
        {"deploy/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: model\n"},
    ),
    "autoscaling": (
        {"k8s/hpa.yaml": "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 5\n"},
        {"k8s/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n"},
    ),
    "drift-monitoring": (
        {"monitor.py": "from evidently import Report\nfrom evidently.presets import DataDriftPreset\n"
                       "Report([DataDriftPreset()])\n"},
        {"monitor.py": "import logging\nlogging.info('drift?')\n"},
    ),
    "service-metrics": (
        {"monitoring/prometheus.yml": "global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: model\n"},
        {"monitoring/README.md": "Prometheus later.\n"},
    ),
    "pull-request-ci": (
        {".github/workflows/ci.yml": "on:\n  pull_request:\n    branches: [main]\njobs:\n  t:\n    steps:\n      - run: pytest\n"},
        {".github/workflows/ci.yml": "on:\n  push:\n    branches: [main]\njobs:\n  t:\n    steps:\n      - run: pytest\n"},
    ),
    "registry-deploy": (
        {"infra/deploy.py": "from aws_cdk import aws_events as events, aws_events_targets as targets\n"
                            "events.Rule(self, 'Approved', event_pattern=events.EventPattern(\n"
                            "    detail_type=['SageMaker Model Package State Change']),\n"
                            "    targets=[targets.CodePipeline(pipeline=deploy)])\n"},
        {"infra/deploy.py": "from aws_cdk import aws_events as events, aws_events_targets as targets\n"
                            "events.Rule(self, 'Approved', event_pattern=events.EventPattern(\n"
                            "    detail_type=['SageMaker Model Package State Change']),\n"
                            "    targets=[targets.SnsTopic(topic)])\n"},
    ),
    "serving-explanations": (
        {"deploy.py": "from google.cloud import aiplatform as vertex_ai\n"
                      "meta = vertex_ai.explain.ExplanationMetadata(inputs=i, outputs=o)\n"},
        {"deploy.py": "from google.cloud import aiplatform as vertex_ai\nendpoint.predict(instances)\n"},
    ),
    "serving-logs": (
        {"api/app.py": "import logging\nfrom flask import Flask\napp = Flask(__name__)\n\n\n@app.route('/predict')\n"
                       "def predict():\n    app.logger.info('request')\n    return 'ok'\n"},
        {"api/app.py": "import logging\nfrom flask import Flask\napp = Flask(__name__)\nlogging.info('start')\n"},
    ),
    "alerting": (
        {"monitoring/rules.yml": "groups:\n  - name: model\n    rules:\n      - alert: HighErrorRate\n"
                                 "        expr: rate(errors[5m]) > 0.1\n"},
        {"monitoring/prometheus.yml": "scrape_configs:\n  - job_name: model\n"},
    ),
    "model-cards": (
        {"docs/MODEL_CARD.md": "# Churn model\n\nOwner: data team\n"},
        {"docs/README.md": "# Docs\n"},
    ),
    "code-owners": (
        {".github/CODEOWNERS": "* @data-team\n"},
        {"OWNERS.txt": "the data team\n"},
    ),
    "fairness": (
        {"fair.py": "from fairlearn.metrics import MetricFrame\nMetricFrame(metrics=None, y_true=[], y_pred=[])\n"},
        {"fair.py": "# fairness: to do\n" + PY},
    ),
    "explainability": (
        {"explain.py": "import shap\nexplainer = shap.TreeExplainer(model)\n"},
        {"explain.py": "importance = model.feature_importances_\n"},
    ),
    "code-in-vcs": (
        {"src/train.py": "from sklearn.linear_model import LogisticRegression\nmodel = LogisticRegression().fit(X, y)\n"},
        {"notes.py": "print('hello')\n", "tests/test_fit.py": "def test_fit():\n    m.fit(X, y)\n"},
    ),
    "baseline-comparison": (
        {"evaluate.py": "import mlflow\nmlflow.evaluate(candidate_uri, data, targets='y', baseline_model=champion_uri,\n"
                        "                validation_thresholds=thresholds)\n"},
        {"evaluate.py": "import mlflow\nmlflow.evaluate(candidate_uri, data, targets='y')\n"},
    ),
    "prediction-log": (
        {"deploy.py": "from sagemaker.model_monitor import DataCaptureConfig\ncapture = DataCaptureConfig(enable_capture=True)\n"},
        {"serve.py": "def predict(x):\n    return model.predict(x)\n"},
    ),
    "retrain-trigger": (
        {"monitor.py": "report = check_drift(current)\nif report.drift_detected:\n    job = PipelineJob(display_name='retrain')\n"
                       "    job.submit()\n"},
        {"monitor.py": "report = check_drift(current)\nif report.drift_detected:\n    print('drift!')\n"},
    ),
    "environments": (
        {"databricks.yml": "bundle:\n  name: churn\ntargets:\n  dev:\n    default: true\n  staging:\n    mode: production\n"
                           "  prod:\n    mode: production\n"},
        {"databricks.yml": "bundle:\n  name: churn\ntargets:\n  dev:\n    default: true\n"},
    ),
    "access-control": (
        {"infra/iam.tf": 'resource "google_project_iam_member" "trainer" {\n  role = "roles/aiplatform.user"\n}\n'},
        {"infra/bucket.tf": 'resource "google_storage_bucket" "data" {\n  name = "data"\n}\n'},
    ),
    "audit-trail": (
        {"train.py": "import mlflow, subprocess\nsha = subprocess.check_output(['git', 'rev-parse', 'HEAD'])\n"
                     "mlflow.set_tag('git_commit', sha)\n"},
        {"train.py": "import mlflow\nmlflow.log_metric('auc', 0.9)\n"},
    ),
    "runbooks": (
        {"docs/RUNBOOK.md": "# Churn model runbook\n\n## Rollback\nPromote the previous version alias.\n"},
        {"README.md": "# Churn model\n\n## Installation\npip install .\n"},
    ),
    "feature-docs": (
        {"docs/data_dictionary.md": "| feature | meaning |\n| --- | --- |\n| tenure | months as a customer |\n"},
        {"docs/index.md": "# Docs\n"},
    ),
    "model-optimization": (
        {"export.py": "import torch\nq = torch.quantization.quantize_dynamic(model, {torch.nn.Linear})\n"},
        {"export.py": "import torch\ntorch.save(model, 'm.pt')\n"},
    ),
    "automl": (
        {"automl.py": "from flaml import AutoML\nautoml = AutoML()\nautoml.fit(X, y, task='classification')\n"},
        {"train.py": "from sklearn.ensemble import RandomForestClassifier\nRandomForestClassifier().fit(X, y)\n"},
    ),
    "shared-platform": (
        {".github/workflows/train.yml": "on: push\njobs:\n  config:\n    uses: acme/mlops-templates/.github/workflows/read.yml@v1\n"},
        {".github/workflows/train.yml": "on: push\njobs:\n  config:\n    uses: ./.github/workflows/read.yml\n"},
    ),
    "self-healing": (
        {"k8s/deploy.yaml": "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: model\n"
                            "          livenessProbe:\n            httpGet: {path: /health, port: 8080}\n"},
        {"k8s/deploy.yaml": "kind: Deployment\nspec:\n  replicas: 2\n"},
    ),
    "advanced-tracking": (
        {"train.py": "import mlflow\nwith mlflow.start_run(nested=True):\n    mlflow.log_input(dataset)\n"},
        {"train.py": "import mlflow\nmlflow.log_params(p)\nmlflow.log_metric('auc', 0.9)\nmlflow.sklearn.log_model(m, 'model')\n"},
    ),
    "model-approval": (
        {"pipeline.py": "from sagemaker.workflow.step_collections import RegisterModel\n"
                        "RegisterModel(name='r', approval_status='PendingManualApproval')\n"},
        {"pipeline.py": "import mlflow\nmlflow.register_model(uri, 'churn')\n"},
    ),
    "quality-gate": (
        {"validate.py": "import sys\nauc = evaluate()\nif auc < 0.8:\n    sys.exit(1)\n",
         ".github/workflows/ci.yml": "on: [push]\njobs:\n  v:\n    steps:\n      - run: python validate.py\n"},
        {"validate.py": "auc = evaluate()\nprint(f'auc={auc}')\n"},
    ),
    "ci-deploy": (
        {".github/workflows/cd.yml": "on: [push]\njobs:\n  d:\n    steps:\n      - run: kubectl apply -f k8s/\n"},
        {".github/workflows/ci.yml": "on: [push]\njobs:\n  d:\n    steps:\n      - run: pytest\n"},
    ),
    "workflow-docs": (
        {"docs/process.md": "# Team\n\n## Model lifecycle\nExperiment, review, validate, promote.\n"},
        {"README.md": "# Churn\n\n## Deployment\nRun make deploy.\n"},
    ),
    "data-prep": (
        {"src/data/make_dataset.py": "import pandas as pd\nraw = pd.read_csv('raw.csv')\nraw.dropna().to_parquet('train.parquet')\n"},
        {"src/data/make_dataset.py": "def main():\n    print('todo')\n"},
    ),
    "model-docs": (
        {"README.md": "# Churn\n\n## Model and evaluation\nGradient boosting, AUC 0.84 on 2024 data.\n"},
        {"README.md": "# Churn\n\n## Installation\npip install .\n"},
    ),
    "labeling": (
        {"label.py": "from snorkel.labeling import labeling_function\n@labeling_function()\ndef lf(x):\n    return 1\n"},
        {"label.py": "labels = pd.read_csv('labels.csv')\n"},
    ),
    "model-monitor": (
        {"infra/monitor.py": "from sagemaker.model_monitor import DefaultModelMonitor\n\n"
                             "monitor = DefaultModelMonitor(role=role, instance_count=1)\n"
                             "monitor.create_monitoring_schedule(endpoint_input='churn', schedule_cron_expression='cron(0 * ? * * *)')\n"},
        {"infra/monitor.py": "import boto3\n# DefaultModelMonitor( would go here\nclient = boto3.client('sagemaker')\n"},
    ),
    "batch-scoring": (
        {"pipelines/batch.py": "from azureml.pipeline.steps import ParallelRunStep\n\n"
                               "step = ParallelRunStep(name='score', parallel_run_config=config, inputs=[data])\n"},
        {"pipelines/batch.py": "import pandas as pd\n\nfor chunk in pd.read_csv('x.csv', chunksize=100):\n    print(chunk)\n"},
    ),
    "deploy-approval": (
        {".circleci/config.yml": "version: 2.1\nworkflows:\n  release:\n    jobs:\n      - train\n      - hold:\n"
                                 "          type: approval\n          requires: [train]\n      - deploy:\n          requires: [hold]\n"},
        {".circleci/config.yml": "version: 2.1\nworkflows:\n  release:\n    jobs:\n      - train\n      - deploy:\n"
                                 "          requires: [train]\n"},
    ),
    "served-version": (
        {"serve/app.py": "import mlflow\n\nmodel = mlflow.pyfunc.load_model('models:/churn@champion')\n"},
        {"serve/app.py": "import joblib\n\nmodel = joblib.load('model.pkl')\n"},
    ),
    "committed-data": (
        {"titanic.csv": "age,survived\n22,0\n", "train.py": "import pandas as pd\ndf = pd.read_csv('titanic.csv')\n"},
        {"tests/fixtures/rows.csv": "a\n1\n", "data/sample.parquet": "PAR1", "train.py": PY},
    ),
    "feature-importance": (
        {"src/train.py": "import xgboost as xgb\n\nbooster = xgb.train(params, dtrain)\nxgb.plot_importance(booster)\n"},
        {"src/train.py": "import xgboost as xgb\n\nbooster = xgb.train(params, dtrain)\n",
         "notebooks/explore.py": "xgb.plot_importance(booster)\n"},
    ),
}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


# Probes of the repository tree; the tracking-store probe (source "mlflow") is tested on stores MLflow
# itself wrote, in test_scan_mlflow.py.
TREE_PROBES = sorted(pid for pid in PROBES if getattr(PROBES[pid], "SOURCE", "repository") == "repository")


def test_every_probe_has_fixtures():
    assert PROBES, "no probes registered"
    assert sorted(FIXTURES) == TREE_PROBES
    assert set(PROBES) - set(TREE_PROBES) == {"mlflow-store"}


@pytest.mark.parametrize("probe_id", TREE_PROBES)
def test_probe_fires_on_positive(probe_id, tmp_path):
    raw = collect(write_tree(tmp_path, FIXTURES[probe_id][0]))
    found = PROBES[probe_id].run(raw)
    assert any(f.outcome in ("positive", "enforced") for f in found), found
    assert all(f.probe == probe_id for f in found)
    assert all((tmp_path / f.location.path).is_file() for f in found)


@pytest.mark.parametrize("probe_id", TREE_PROBES)
def test_probe_silent_on_negative(probe_id, tmp_path):
    raw = collect(write_tree(tmp_path, FIXTURES[probe_id][1]))
    assert not [f for f in PROBES[probe_id].run(raw) if f.outcome in ("positive", "enforced")]


@pytest.mark.parametrize("probe_id", sorted(PROBES))
def test_probe_metadata(probe_id):
    module = PROBES[probe_id]
    criteria = load_rubric("mlops-maturity").criteria
    assert module.ID == probe_id and module.SHORT and module.REMEDIATION
    assert module.CRITERIA and set(module.CRITERIA) <= set(criteria)
    assert set(module.CRITERIA.values()) <= {"yes", "partial", "enforced"}


def test_declared_dependency_or_bare_import_alone_is_no_evidence(tmp_path):
    """Declared is not used: a requirement line or an import without the call that does the work."""
    raw = collect(write_tree(tmp_path, {"requirements.txt": "mlflow==2.9\nlime==0.2\n",
                                        "explain.py": "import lime\nimport mlflow\n"}))
    assert PROBES["experiment-tracking"].run(raw) == []
    assert PROBES["explainability"].run(raw) == []


def test_bundled_rubric_evidence_matches_probe_criteria():
    """The rubric is the source of truth; the probes' CRITERIA are its default, kept equal here."""
    rubric = load_rubric("mlops-maturity")
    in_rubric = {c.id: sorted(c.evidence) for c in rubric.iter_criteria() if c.evidence}
    assert in_rubric == {cid: sorted(refs) for cid, refs in default_evidence().items()}  # order: the rubric's own


@pytest.mark.parametrize("probe_id", TREE_PROBES)
def test_probe_is_pure(probe_id, tmp_path, monkeypatch):
    """Probes read the raw results only: with the tree deleted, they give the same findings."""
    raw = collect(write_tree(tmp_path / "repo", FIXTURES[probe_id][0]))
    before = PROBES[probe_id].run(raw)
    import shutil

    shutil.rmtree(tmp_path / "repo")
    assert PROBES[probe_id].run(raw) == before


def test_library_only_in_tests_or_benchmarks_is_weak(tmp_path):
    raw = collect(write_tree(tmp_path, {"benchmarks/bench.py": "import evidently\nevidently.Report()\nReport([])\n"}))
    found = PROBES["drift-monitoring"].run(raw)
    assert found and {f.outcome for f in found} == {"weak"}
    assert "in benchmarks only" in found[0].location.detail


def test_notebook_imports_count(tmp_path):
    cell = '{"cells": [{"cell_type": "code", "source": ["import mlflow\\n", "mlflow.autolog()\\n"]}]}'
    raw = collect(write_tree(tmp_path, {"train.ipynb": cell}))
    found = PROBES["experiment-tracking"].run(raw)
    assert [(f.outcome, f.location.path) for f in found] == [("positive", "train.ipynb")]


# --------------------------------------------------------------------------- discovery and metadata (issue 16)

PROBE_MODULE = '''
ID = "{id}"
SHORT = "looks for a thing"
CRITERIA = {{"data-1-versioning": "partial"}}
REMEDIATION = "Add the thing."
{effort}

def run(raw):
    return []
'''


def _package(tmp_path, monkeypatch, name, modules):
    import importlib
    import sys

    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    for module, text in modules.items():
        (root / f"{module}.py").write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    return importlib.import_module(name)


def test_probes_are_discovered_not_listed(tmp_path, monkeypatch):
    """A new module is a new probe, with no list to edit; helpers (leading underscore) are not probes."""
    from mlops_workbook.scan.probes import discover

    package = _package(tmp_path, monkeypatch, "extra_probes", {
        "thing": PROBE_MODULE.format(id="thing-probe", effort='EFFORT = "low"'),
        "_helper": "X = 1\n",
    })
    found = discover(package)
    assert list(found) == ["thing-probe"] and found["thing-probe"].REMEDIATION == "Add the thing."


def test_every_module_of_the_probes_package_is_a_registered_probe():
    import pkgutil

    from mlops_workbook.scan import probes

    public = [m.name for m in pkgutil.iter_modules(probes.__path__) if not m.name.startswith("_")]
    assert len(public) == len(PROBES) >= 20
    assert {PROBES[pid].__name__.rsplit(".", 1)[-1] for pid in PROBES} == set(public)


@pytest.mark.parametrize(("effort", "message"), [("", "has no EFFORT"), ('EFFORT = "soon"', "EFFORT must be one of")])
def test_probe_metadata_is_checked(tmp_path, monkeypatch, effort, message):
    from mlops_workbook.scan.probes import discover

    package = _package(tmp_path, monkeypatch, f"bad_probes_{len(effort)}",
                       {"broken": PROBE_MODULE.format(id="broken", effort=effort)})
    with pytest.raises((AttributeError, ValueError), match=f"probe module broken.*{message}|{message}"):
        discover(package)


def test_probe_info_carries_the_metadata_as_data():
    from mlops_workbook.scan.probes import EFFORTS, PROBE_INFO

    assert set(PROBE_INFO) == set(PROBES)
    for probe_id, info in PROBE_INFO.items():
        module = PROBES[probe_id]
        assert (info.id, info.short, dict(info.criteria), info.remediation) == (
            module.ID, module.SHORT, module.CRITERIA, module.REMEDIATION)
        assert info.effort in EFFORTS and info.remediation.strip()


def test_scan_table_shows_remediation_for_what_is_missing(tmp_path):
    from mlops_workbook.scan import scan
    from mlops_workbook.scan.probes import PROBE_INFO
    from mlops_workbook.scan.table import missing_lines

    rubric = load_rubric("mlops-maturity")
    write_tree(tmp_path, FIXTURES["ci-tests"][0])
    result = scan(tmp_path, rubric)
    lines = missing_lines(result, rubric)
    found = {f.criterion for f in result.findings}
    assert "deploy-1-basic-cicd" in found and not any(line.startswith("deploy-1-basic-cicd ") for line in lines)
    versioning = [line for line in lines if line.startswith("data-1-versioning ")]
    assert versioning and PROBE_INFO["data-versioning"].remediation in versioning[0]
    assert PROBE_INFO["data-versioning"].effort in versioning[0]


# Probes whose practice lives beside production code: ML tests in tests/, documentation in docs/.
ASIDE_IS_EVIDENCE = {"ml-tests", "feature-docs", "model-cards", "model-docs", "runbooks", "workflow-docs"}


@pytest.mark.parametrize("probe_id", sorted(set(TREE_PROBES) - ASIDE_IS_EVIDENCE))
def test_probe_evidence_found_only_in_tests_is_weak(probe_id, tmp_path):
    raw = collect(write_tree(tmp_path, {f"tests/{rel}": text for rel, text in FIXTURES[probe_id][0].items()}))
    assert not [f for f in PROBES[probe_id].run(raw) if f.outcome == "positive"]


def test_model_registry_used_only_in_tests_answers_partial_not_yes(tmp_path):
    from mlops_workbook.scan import scan

    code = "import mlflow\n\nclient = mlflow.MlflowClient()\nclient.create_registered_model('m')\n"
    found = {f.criterion: f for f in scan(write_tree(tmp_path, {"tests/scan/test_store.py": code})).findings}
    assert found["gov-2-model-registry"].answer == "partial" and found["model-2-versioning"].answer == "partial"
    found = {f.criterion: f for f in scan(write_tree(tmp_path / "prod", {"src/register.py": code})).findings}
    assert found["gov-2-model-registry"].answer == "yes"


def test_a_line_anchored_pattern_cites_the_line_of_its_text_not_the_blank_line_before(tmp_path):
    import re

    raw = collect(write_tree(tmp_path, {"app.py": "import os\n\n\nMODEL_VERSION = 'v3'\n"}))
    pattern = re.compile(r"^\s*MODEL_VERSION\s*=", re.MULTILINE)
    assert [loc.line for loc in raw.grep(pattern, ["app.py"], first_only=False)] == [4]
    served = PROBES["served-version"].run(raw)
    assert served and served[0].location.line == 4
