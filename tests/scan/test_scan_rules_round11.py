"""Round 11: practices holdout 6 showed the probes did not know, once it was opened for tuning (its misses were
read; it is tuning data from then on). Each test is a small tree the round-10 rules missed or got wrong, with the
case that must stay as it was beside it."""

from __future__ import annotations

from mlops_workbook.assessment.rubric import load_rubric
from mlops_workbook.scan.assess import assess, run_probes
from mlops_workbook.scan.collector import collect
from tests.scan.test_scan_rules_round7_data import cited, first, write_tree


def answers(tmp_path, files: dict[str, str]) -> dict[str, str]:
    """criterion -> the pre-filled answer."""
    raw = collect(write_tree(tmp_path, files))
    return {f.criterion: f.answer for f in assess(load_rubric("mlops-maturity"), run_probes(raw))}

# -- hyperparameter search and selection: OptunaSearchCV, neuro_mf's ModelFactory, a sorted pick ------------

OPTUNA_CV = ("import optuna\nfrom xgboost import XGBClassifier\n\n\ndef train(x, y, space):\n"
             "    search = optuna.integration.OptunaSearchCV(\n        XGBClassifier(), param_distributions=space)\n"
             "    search.fit(x, y)\n    return search.best_estimator_\n")


def test_an_optuna_cross_validated_search_is_a_hyperparameter_search(tmp_path):
    assert first(tmp_path, {"src/train.py": OPTUNA_CV}, "model-2-hpo") == ("src/train.py", 8)  # where it runs


def test_an_optuna_import_alone_is_no_search(tmp_path):
    assert first(tmp_path, {"src/train.py": "import optuna\n\nmodel.fit(x, y)\n"}, "model-2-hpo") is None


FACTORY = ("from neuro_mf import ModelFactory\n\n\nclass ModelTrainer:\n    def get_model(self, x, y):\n"
           "        factory = ModelFactory(model_config_path='config/model.yaml')\n"
           "        best = factory.get_best_model(X=x, y=y, base_accuracy=0.6)\n        return best.best_model\n")


def test_neuro_mf_model_factory_searches_trains_and_selects(tmp_path):
    found = cited(tmp_path, {"pkg/components/model_trainer.py": FACTORY})
    for criterion in ("model-2-hpo", "model-3-automated-selection", "model-1-code-in-vcs"):
        assert found[criterion][0] == ("pkg/components/model_trainer.py", 7), criterion


def test_a_get_best_model_of_ones_own_is_not_the_model_factory(tmp_path):
    own = ("class Evaluator:\n    def get_best_model(self):\n        return load_from_s3()\n\n"
           "    def run(self):\n        best = self.get_best_model()\n")
    found = cited(tmp_path, {"pkg/components/model_evaluation.py": own})
    assert not {"model-2-hpo", "model-3-automated-selection", "model-1-code-in-vcs"} & set(found)


SORTED_PICK = ("from sklearn.linear_model import LinearRegression, Lasso\nfrom sklearn.ensemble import RandomForestRegressor\n"
               "\n\ndef train(x, y):\n    models = {'Linear': LinearRegression(), 'Lasso': Lasso(),\n"
               "              'Forest': RandomForestRegressor()}\n    report = evaluate_models(x, y, models)\n"
               "    best_model = list(sorted(report.items(), key=lambda kv: kv[1]))[-1]\n    return best_model[0]\n")


def test_the_best_of_several_families_picked_from_a_sorted_list_is_automated_selection(tmp_path):
    assert first(tmp_path, {"src/model_trainer.py": SORTED_PICK}, "model-3-automated-selection") == (
        "src/model_trainer.py", 9)


def test_one_family_sorted_is_no_selection(tmp_path):
    one = ("from sklearn.linear_model import LinearRegression\n\n\ndef train(x, y):\n"
           "    models = {'plain': LinearRegression(), 'positive': LinearRegression(positive=True)}\n"
           "    report = evaluate_models(x, y, models)\n"
           "    best_model = list(sorted(report.items(), key=lambda kv: kv[1]))[-1]\n")
    assert first(tmp_path, {"src/model_trainer.py": one}, "model-3-automated-selection") is None


# -- autoscaling: gcloud's replica bounds --------------------------------------------------------------------

GCLOUD = ("jobs:\n  deploy:\n    steps:\n      - run: |\n          gcloud ai endpoints deploy-model \"$ENDPOINT\" \\\n"
          "            --model=\"$MODEL\" \\\n            --min-replica-count=1 \\\n            --max-replica-count=3 \\\n"
          "            --traffic-split=0=100\n")


def test_gcloud_replica_bounds_let_a_vertex_endpoint_scale(tmp_path):
    assert cited(tmp_path, {".github/workflows/deploy.yml": GCLOUD})["deploy-3-autoscaling"][0] == (
        ".github/workflows/deploy.yml", 8)


def test_gcloud_replica_bounds_fixed_at_one_count_do_not_scale(tmp_path):
    fixed = GCLOUD.replace("--max-replica-count=3", "--max-replica-count=1")
    assert answers(tmp_path, {".github/workflows/deploy.yml": fixed}).get("deploy-3-autoscaling") in (None, "partial")
    assert answers(tmp_path / "scales", {".github/workflows/deploy.yml": GCLOUD})["deploy-3-autoscaling"] == "yes"


# -- drift and performance: Evidently's ModelMonitoring monitors (before 0.2) --------------------------------

MONITORS = ("from evidently.model_monitoring import ClassificationPerformanceMonitor, DataDriftMonitor, ModelMonitoring\n"
            "\n\nclass Service:\n    def __init__(self):\n        self.drift = ModelMonitoring(\n"
            "            monitors=[DataDriftMonitor()]\n        )\n        self.quality = ModelMonitoring(\n"
            "            monitors=[ClassificationPerformanceMonitor()]\n        )\n")


def test_evidently_model_monitoring_monitors_are_drift_and_performance_monitoring(tmp_path):
    found = cited(tmp_path, {"monitoring/service.py": MONITORS})
    assert found["monitor-2-basic-drift"][0] == ("monitoring/service.py", 7)
    assert found["monitor-2-performance-labels"][0] == ("monitoring/service.py", 10)


def test_a_monitor_named_like_evidentlys_without_evidently_is_nothing(tmp_path):
    own = MONITORS.replace("from evidently.model_monitoring import", "from mymon import")
    found = cited(tmp_path, {"monitoring/service.py": own})
    assert "monitor-2-basic-drift" not in found and "monitor-2-performance-labels" not in found


# -- known version: a web app in a container names no version -------------------------------------------------

APP = ("from flask import Flask\nimport pickle\napp = Flask(__name__)\nmodel = pickle.load(open('model.pkl', 'rb'))\n\n\n"
       "@app.route('/predict', methods=['POST'])\ndef predict():\n    return str(model.predict([[1]]))\n")


def test_a_web_app_in_a_container_is_a_deployment_but_names_no_version(tmp_path):
    found = cited(tmp_path, {"app.py": APP, "Dockerfile": "FROM python:3.11\nCOPY . .\nCMD python app.py\n"})
    assert found["deploy-1-script"][0][0] in ("app.py", "Dockerfile")
    assert "deploy-1-known-version" not in found


def test_a_bento_build_file_still_counts_for_the_known_version(tmp_path):
    found = cited(tmp_path, {"bentofile.yaml": "service: 'service:svc'\n"})
    assert found["deploy-1-known-version"] == [("bentofile.yaml", None)]


# -- data validation: a check of a batch's columns written by hand in a data-validation module -----------------

HAND_CHECK = ("import pandas as pd\n\n\ndef check_expected_columns(df: pd.DataFrame, expected: dict) -> None:\n"
              "    missing = set(expected) - set(df.columns)\n    if missing:\n"
              "        raise ValueError(f'missing columns: {missing}')\n")


def test_a_hand_written_column_check_in_a_validation_module_is_part_of_data_validation(tmp_path):
    tree = {"pipeline/src/data_validation.py": HAND_CHECK}
    assert first(tmp_path, tree, "data-2-validation") == ("pipeline/src/data_validation.py", 4)  # the check
    assert answers(tmp_path / "a", tree)["data-2-validation"] == "partial"  # columns only, its caller decides


def test_the_same_function_outside_a_validation_module_or_without_a_column_test_is_nothing(tmp_path):
    assert first(tmp_path / "a", {"pipeline/src/features.py": HAND_CHECK}, "data-2-validation") is None
    no_columns = HAND_CHECK.replace("set(df.columns)", "set(df)")
    assert first(tmp_path / "b", {"pipeline/src/data_validation.py": no_columns}, "data-2-validation") is None
    assert first(tmp_path / "c", {"tests/test_data_validation.py": HAND_CHECK}, "data-2-validation") is None
