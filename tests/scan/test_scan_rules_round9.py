"""Round 9: rules changed after holdout 5 was measured once (it then joined the tuning corpus). Each test is a
small tree that the old rules answered wrongly, with the case that must keep its answer beside it."""

from __future__ import annotations

from tests.scan.test_scan_rules_round7_data import cited

VALIDATION = "deploy-2-automated-validation"

# -- quality-gate: a threshold that decides the release without failing the run ------------------------------

TERNARY = ("class Registry:\n"
           "    def promote_model(self, name, version, metric_value, threshold):\n"
           "        stage = 'Production' if metric_value >= threshold else 'Staging'\n"
           "        self.client.transition_model_version_stage(name=name, version=version, stage=stage)\n")


def test_a_threshold_that_picks_the_registry_stage_is_a_gate(tmp_path):
    assert cited(tmp_path, {"registry.py": TERNARY})[VALIDATION][0] == ("registry.py", 3)


def test_a_threshold_that_picks_a_word_only_printed_is_none(tmp_path):
    printed = "def report(mae):\n    status = 'good' if mae < 3 else 'bad'\n    print(status)\n"
    assert VALIDATION not in cited(tmp_path, {"report.py": printed})


PREDICATE = ("class SingleModelTest:\n"
             "    def _model_has_ok_mae(self) -> bool:\n"
             "        return self.model_mae < self.max_mae\n\n"
             "    @property\n"
             "    def model_passes_tests(self) -> bool:\n"
             "        return all([\n            self._model_has_ok_mae(), self.positive()\n        ])\n\n\n"
             "def main(model, test):\n"
             "    model_to_be_promoted = test.model_passes_tests\n"
             "    if model_to_be_promoted:\n"
             "        model.{act}()\n")


def test_a_metric_predicate_the_promotion_waits_on_is_a_gate(tmp_path):
    found = cited(tmp_path, {"promote_model.py": PREDICATE.format(act="promote_to_prod")})
    assert found[VALIDATION][0] == ("promote_model.py", 3)


def test_a_metric_predicate_that_only_decides_a_message_is_none(tmp_path):
    assert VALIDATION not in cited(tmp_path, {"promote_model.py": PREDICATE.format(act="log_status")})


TRIGGER = ("from zenml.steps import step\n\n\n"
           "@step\ndef deployment_trigger(\n    metrics: dict,\n    config: dict,\n) -> bool:\n"
           "    '''Whether to deploy.'''\n"
           "    deployment_decision = all(\n        (\n"
           "            metrics['f1'] >= config.min_f1,\n            metrics['roc_auc'] >= config.min_roc_auc,\n"
           "        )\n    )\n    return deployment_decision\n\n\n"
           "def continuous_deployment_pipeline(trainer, evaluator, deployment_trigger, model_deployer):\n"
           "    metrics = evaluator(trainer())\n"
           "    deployment_decision = deployment_trigger(metrics)\n"
           "    {handed}\n")


def test_a_zenml_deployment_trigger_handed_to_the_deployer_is_a_gate(tmp_path):
    found = cited(tmp_path, {"pipeline.py": TRIGGER.format(handed="model_deployer(deployment_decision, model)")})
    assert found[VALIDATION][0] == ("pipeline.py", 12)  # the first comparison of the decision


def test_a_deployment_trigger_nobody_hands_on_is_none(tmp_path):
    assert VALIDATION not in cited(tmp_path, {"pipeline.py": TRIGGER.format(handed="print(deployment_decision)")})


BRANCH = ("def quality_gate(new_auc, prod_auc, regression_threshold):\n"
          "    auc_improvement = new_auc - prod_auc\n"
          "    if auc_improvement >= regression_threshold:\n"
          "        decision = {yes}\n    else:\n        decision = 'SKIP'\n"
          "    return {{'decision': decision}}\n")


def test_a_threshold_branch_that_decides_deploy_for_an_airflow_branch_is_a_gate(tmp_path):
    assert cited(tmp_path, {"dags/gate.py": BRANCH.format(yes="'DEPLOY'")})[VALIDATION][0] == ("dags/gate.py", 3)


def test_a_threshold_branch_that_decides_nothing_about_a_release_is_none(tmp_path):
    assert VALIDATION not in cited(tmp_path, {"dags/gate.py": BRANCH.format(yes="'GOOD'")})


# -- automl: the best tracked run picked by a metric is automated selection in part -------------------------

BEST_RUN = ("from mlflow.tracking import MlflowClient\n\nclient = MlflowClient()\n"
            "best_run = client.search_runs(\n    experiment_ids=[experiment_id],\n    max_results=1,\n"
            "    order_by={order},\n)[0]\nmlflow.register_model(f'runs:/{{best_run.info.run_id}}/model', 'model')\n")


def test_the_best_run_picked_by_a_metric_is_automated_selection_in_part(tmp_path):
    found = cited(tmp_path, {"register_model.py": BEST_RUN.format(order='["metrics.rmse ASC"]')})
    assert found["model-3-automated-selection"][0] == ("register_model.py", 4)


def test_the_latest_run_is_no_selection(tmp_path):
    found = cited(tmp_path, {"register_model.py": BEST_RUN.format(order='["attributes.start_time DESC"]')})
    assert "model-3-automated-selection" not in found


# -- drift-monitoring: Evidently before 0.2 and ZenML's Evidently steps -------------------------------------

LEGACY = ("from evidently.dashboard import Dashboard\nfrom evidently.dashboard.tabs import {tab}\n\n"
          "report = Dashboard(tabs=[{tab}()])\n"
          "report.calculate(reference_data=training_data, current_data=latest_inference_data)\n"
          "report.save('drift.html')\n")


def test_an_evidently_dashboard_with_the_data_drift_tab_is_drift_monitoring(tmp_path):
    found = cited(tmp_path, {"src/drift.py": LEGACY.format(tab="DataDriftTab")})
    assert found["monitor-2-basic-drift"][0] == ("src/drift.py", 5)  # the working call, not the constructor


def test_a_zenml_evidently_profile_step_is_drift_monitoring(tmp_path):
    step = ("from zenml.integrations.evidently.steps import evidently_profile_step\n\n"
            "drift_detector = evidently_profile_step(step_name='drift', params=params)\n")
    assert cited(tmp_path, {"src/steps/validation.py": step})["monitor-2-basic-drift"][0] == ("src/steps/validation.py", 3)


def test_an_evidently_profile_without_evidently_is_none(tmp_path):
    other = "from myprofiler import Profile\n\nprofile = Profile(sections=[])\nprofile.calculate(data)\n"
    assert "monitor-2-basic-drift" not in cited(tmp_path, {"src/profile.py": other})


# -- ci-deploy: ZenML's model deployer steps deploy from the pipeline ----------------------------------------

ZENML_DEPLOY = ("from zenml.integrations.seldon.steps import seldon_model_deployer_step\n\n"
                "model_deployer_step = seldon_model_deployer_step(params=params)\n"
                "run_deployment_pipeline(deployment_trigger_, model_deployer_step)\n")


def test_a_zenml_model_deployer_step_is_an_automated_deployment(tmp_path):
    found = cited(tmp_path, {"src/run_deployment_pipeline.py": ZENML_DEPLOY})
    assert found["deploy-2-automated-deploy"][0] == ("src/run_deployment_pipeline.py", 3)


def test_a_deployer_step_named_outside_a_pipeline_is_none(tmp_path):
    text = ZENML_DEPLOY.replace("from zenml.integrations.seldon.steps import", "from mysteps import")
    assert "deploy-2-automated-deploy" not in cited(tmp_path, {"src/run_deployment_pipeline.py": text})


# -- feature-docs: a section on the data that lists its fields by name and colon ---------------------------

FIELDS = ("# Parkinson's prediction\n\n### {title}\n\nDemographic details\n\n"
          "1. PatientID: A unique identifier assigned to each patient.\n"
          "2. Age: The age of the patients ranges from 50 to 90 years.\n"
          "3. Gender: Gender of the patients, where 0 is male and 1 is female.\n")


def test_a_dataset_section_listing_its_fields_documents_the_features(tmp_path):
    found = cited(tmp_path, {"README.md": FIELDS.format(title="Dataset Overview")})
    assert found["data-1-documented-features"][0] == ("README.md", 7)


def test_a_setup_section_of_name_colon_items_documents_no_features(tmp_path):
    assert "data-1-documented-features" not in cited(tmp_path, {"README.md": FIELDS.format(title="Setup")})


# -- data-versioning: an Azure ML step output registered as a dataset version each run ---------------------

AML = ("from azureml.data import OutputFileDatasetConfig\n\n"
       "raw_training_data = OutputFileDatasetConfig(name='raw_data_training')\n"
       "raw_training_data = raw_training_data.{call}\n")


def test_an_azure_ml_output_registered_on_completion_is_a_dataset_version(tmp_path):
    found = cited(tmp_path, {"azureml/training_pipeline.py": AML.format(call="register_on_complete(name='raw')")})
    assert found["data-1-versioning"][0] == ("azureml/training_pipeline.py", 4)


def test_an_azure_ml_output_not_registered_is_none(tmp_path):
    found = cited(tmp_path, {"azureml/training_pipeline.py": AML.format(call="as_upload(overwrite=True)")})
    assert "data-1-versioning" not in found
