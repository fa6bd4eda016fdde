"""The scan's rules for deployment, monitoring, governance and people criteria, each on a small tree
that the earlier rules got wrong: the practice as its framework documents it fires, a look-alike does not."""

from __future__ import annotations

from mlops_workbook.scan import PROBES, collect

from tests.scan.test_probes import write_tree


def run(tmp_path, probe: str, files: dict[str, str]):
    return PROBES[probe].run(collect(write_tree(tmp_path, files)))


def strong(found) -> list[str]:
    """The `path:line` of each positive or enforced finding."""
    return [f.location.ref() for f in found if f.outcome in ("positive", "enforced")]


# -- quality-gate ---------------------------------------------------------------------------------

def test_quality_gate_reads_a_metric_at_the_end_of_a_name(tmp_path):
    gate = "acc = evaluate()\ntest_acc = acc\nif test_acc < 0.8:\n    raise Exception('below the bar')\n"
    assert strong(run(tmp_path / "a", "quality-gate", {"ml/evaluate.py": gate})) == ["ml/evaluate.py:3"]
    printed = gate.replace("raise Exception('below the bar')", "print('below the bar')")
    assert strong(run(tmp_path / "b", "quality-gate", {"ml/evaluate.py": printed})) == []


def test_quality_gate_counts_cancelling_the_pipeline_run_in_the_else_branch(tmp_path):
    gate = ("run = Run.get_context()\nif new_model_mse < production_model_mse:\n    print('better')\nelse:\n"
            "    print('worse')\n    run.parent.cancel()\n")
    assert strong(run(tmp_path / "a", "quality-gate", {"evaluate/evaluate_model.py": gate})) == ["evaluate/evaluate_model.py:2"]
    kept = gate.replace("    run.parent.cancel()\n", "")
    assert strong(run(tmp_path / "b", "quality-gate", {"evaluate/evaluate_model.py": kept})) == []
    after = kept + "\n\ndef stop():\n    run.parent.cancel()\n"  # a cancel outside the threshold's branches
    assert strong(run(tmp_path / "c", "quality-gate", {"evaluate/evaluate_model.py": after})) == []


def test_quality_gate_counts_a_threshold_that_alone_lets_the_model_be_registered(tmp_path):
    gate = ("import mlflow\nr2, mse = evaluate()\n\nif (r2 > 0.3 and mse < 0.01):  # the bar\n    uri = f'runs:/{rid}/model'\n"
            "    mlflow.register_model(uri, 'forecast')\n")
    found = run(tmp_path / "a", "quality-gate", {"train.py": gate})
    assert strong(found) == ["train.py:4"] and "registers the model only past a threshold" in found[0].location.detail
    always = "import mlflow\nr2, mse = evaluate()\nif verbose:\n    print(r2)\nmlflow.register_model(uri, 'forecast')\n"
    assert strong(run(tmp_path / "b", "quality-gate", {"train.py": always})) == []


def test_quality_gate_cites_a_fixed_bar_before_a_comparison_of_two_models(tmp_path):
    found = run(tmp_path, "quality-gate", {
        "a_compare.py": "if new_r2 > current_r2:\n    client.transition_model_version_stage('m', v, 'Production')\n",
        "b_train.py": "if r2 > 0.3:\n    mlflow.register_model(uri, 'm')\n"})
    assert strong(found) == ["b_train.py:1", "a_compare.py:1"]


# -- autoscaling ----------------------------------------------------------------------------------

def test_autoscaling_reads_aws_application_auto_scaling(tmp_path):
    cdk = ("from aws_cdk import aws_applicationautoscaling as aas\n\ntarget = aas.CfnScalableTarget(self, 'Scale',\n"
           "    min_capacity=2, max_capacity=4, scalable_dimension='sagemaker:variant:DesiredInstanceCount')\n")
    assert strong(run(tmp_path / "a", "autoscaling", {"infra/stack.py": cdk})) == ["infra/stack.py:3"]
    boto = "import boto3\nc = boto3.client('application-autoscaling')\nc.register_scalable_target(ServiceNamespace='sagemaker')\n"
    assert strong(run(tmp_path / "b", "autoscaling", {"scale.py": boto})) == ["scale.py:3"]
    fixed = "from aws_cdk import aws_sagemaker as sm\nsm.CfnEndpointConfig(self, 'C', initial_instance_count=2)\n"
    assert run(tmp_path / "c", "autoscaling", {"infra/stack.py": fixed}) == []


def test_autoscaling_reads_vertex_replica_bounds_and_fixed_bounds_are_weak(tmp_path):
    deploy = ("from google.cloud import aiplatform\nendpoint = aiplatform.Endpoint(name)\n"
              "endpoint.deploy(model, machine_type='n1-standard-2',\n    min_replica_count=1,\n    max_replica_count=4)\n")
    assert strong(run(tmp_path / "a", "autoscaling", {"deploy.py": deploy})) == ["deploy.py:5"]
    fixed = run(tmp_path / "b", "autoscaling", {"deploy.py": deploy.replace("max_replica_count=4", "max_replica_count=1")})
    assert strong(fixed) == [] and [f.outcome for f in fixed] == ["weak"]
    spec = "serving:\n  machine_type: n1-standard-2\n  min_replica_count: 1\n  max_replica_count: 3\n"
    assert strong(run(tmp_path / "c", "autoscaling", {"serving.yaml": spec})) == ["serving.yaml:4"]
    single = "endpoint.deploy(model, machine_type='n1-standard-2', replica_count=1)\n"
    assert run(tmp_path / "d", "autoscaling", {"deploy.py": single}) == []


def test_autoscaling_reads_a_databricks_cluster_autoscale(tmp_path):
    job = "new_cluster:\n  spark_version: 13.3.x\n  autoscale:\n    min_workers: 1\n    max_workers: 3\n"
    assert strong(run(tmp_path / "a", "autoscaling", {"resources/job.yml": job})) == ["resources/job.yml:3"]
    fixed = "new_cluster:\n  spark_version: 13.3.x\n  num_workers: 3\n"
    assert run(tmp_path / "b", "autoscaling", {"resources/job.yml": fixed}) == []


# -- retrain-trigger ------------------------------------------------------------------------------

WEBHOOK = ('import requests\nfrom flask import Flask, request\napp = Flask(__name__)\n\n\n@app.route("/alert", methods=["POST"])\n'
           'def alert():\n    for a in request.json["alerts"]:\n        if a["labels"]["alertname"] == "AccuracyLow":\n'
           '            start_training()\n    return "OK"\n\n\ndef start_training():\n'
           '    requests.post(f"{API}/deployments/{ID}/create_flow_run", json={})\n')


def test_retrain_trigger_reads_an_alertmanager_webhook_that_starts_a_flow_run(tmp_path):
    assert strong(run(tmp_path / "a", "retrain-trigger", {"alerts/webhook.py": WEBHOOK})) == ["alerts/webhook.py:9"]
    logged = WEBHOOK.replace('requests.post(f"{API}/deployments/{ID}/create_flow_run", json={})', 'print("would retrain")')
    assert run(tmp_path / "b", "retrain-trigger", {"alerts/webhook.py": logged}) == []


ALARM_RULE = ('from aws_cdk import aws_events as events, aws_events_targets as targets\n\n'
              'rule = events.Rule(self, "DriftRule",\n    event_pattern=events.EventPattern(\n'
              '        source=["aws.cloudwatch"],\n        detail_type=["CloudWatch Alarm State Change"],\n'
              '        detail={"state": {"value": ["ALARM"]}}),\n'
              '    targets=[targets.CodePipeline(pipeline=build_pipeline)])\n')


def test_retrain_trigger_reads_an_eventbridge_rule_that_starts_a_pipeline_on_an_alarm(tmp_path):
    assert strong(run(tmp_path / "a", "retrain-trigger", {"infra/build.py": ALARM_RULE})) == ["infra/build.py:3"]
    notify = ALARM_RULE.replace("targets.CodePipeline(pipeline=build_pipeline)", "targets.SnsTopic(topic)")
    assert run(tmp_path / "b", "retrain-trigger", {"infra/build.py": notify}) == []
    on_commit = ALARM_RULE.replace("CloudWatch Alarm State Change", "CodeCommit Repository State Change")
    assert run(tmp_path / "c", "retrain-trigger", {"infra/build.py": on_commit}) == []


# -- serving-logs, service-metrics ----------------------------------------------------------------

def answers(tmp_path, files: dict[str, str]) -> dict[str, str]:
    from mlops_workbook.assessment.rubric import load_rubric
    from mlops_workbook.scan.assess import assess, run_probes

    raw = collect(write_tree(tmp_path, files))
    return {f.criterion: f.answer for f in assess(load_rubric("mlops-maturity"), run_probes(raw))}


API = ("import logging\nfrom fastapi import FastAPI\n\nlogger = logging.getLogger(__name__)\napp = FastAPI()\n\n\n"
       "@app.post('/predict')\ndef predict(item: dict):\n    y = model.predict([item['x']])\n"
       "    logger.info('predicted %s', y)\n    return {'y': y}\n")


def test_serving_logs_reads_logging_in_a_route_handler(tmp_path):
    assert strong(run(tmp_path / "a", "serving-logs", {"api/main.py": API})) == ["api/main.py:11"]
    assert answers(tmp_path / "a2", {"api/main.py": API})["monitor-1-serving-logs"] == "yes"
    outside = API.replace("    logger.info('predicted %s', y)\n", "") + "\nlogger.info('started')\n"
    assert run(tmp_path / "b", "serving-logs", {"api/main.py": outside}) == []
    printed = API.replace("logger.info('predicted %s', y)", "print(y)")
    found = run(tmp_path / "c", "serving-logs", {"api/main.py": printed})
    assert [(f.outcome, f.location.ref()) for f in found] == [("weak", "api/main.py:11")]


def test_serving_logs_reads_an_azure_ml_entry_script_and_application_insights(tmp_path):
    score = ("import logging\nfrom azureml.core.model import Model\n\n\ndef init():\n    global model\n    model = load()\n\n\n"
             "def run(data):\n    result = model.predict(data)\n    logging.info('scored %d rows', len(result))\n"
             "    return result.tolist()\n")
    assert strong(run(tmp_path / "a", "serving-logs", {"scoring/score.py": score})) == ["scoring/score.py:12"]
    config = "computeType: AKS\nauthEnabled: True\nappInsightsEnabled: True\n"
    assert strong(run(tmp_path / "b", "serving-logs", {"scoring/deployment_config_aks.yml": config})) == [
        "scoring/deployment_config_aks.yml:3"]
    off = config.replace("appInsightsEnabled: True", "appInsightsEnabled: False")
    assert run(tmp_path / "c", "serving-logs", {"scoring/deployment_config_aks.yml": off}) == []
    no_init = score.replace("def init():\n    global model\n    model = load()\n", "")
    assert run(tmp_path / "d", "serving-logs", {"scoring/score.py": no_init}) == []


def test_serving_logs_counts_endpoint_request_capture_as_partial(tmp_path):
    cdk = ("from aws_cdk import aws_sagemaker as sagemaker\nconfig = sagemaker.CfnEndpointConfig(self, 'C', production_variants=v)\n"
           "config.data_capture_config = sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(enable_capture=True)\n")
    found = run(tmp_path / "a", "serving-logs", {"infra/stack.py": cdk})
    assert [(f.outcome, f.location.ref()) for f in found] == [("weak", "infra/stack.py:3")]
    assert answers(tmp_path / "a2", {"infra/stack.py": cdk})["monitor-1-serving-logs"] == "partial"
    plain = cdk.replace("config.data_capture_config = sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(enable_capture=True)\n", "")
    assert run(tmp_path / "b", "serving-logs", {"infra/stack.py": plain}) == []


def test_a_grafana_dashboard_is_no_evidence_of_serving_logs(tmp_path):
    provisioning = {"grafana/dashboards.yaml": "apiVersion: 1\nproviders:\n  - name: default\n    folder: ''\n"}
    got = answers(tmp_path / "a", provisioning)
    # Round 7: provisioning with no dashboard in the repository shows nothing yet: partial basic metrics only.
    assert "monitor-3-dashboards" not in got and got["monitor-1-basic-metrics"] == "partial"
    assert "monitor-1-serving-logs" not in got
    scraped = answers(tmp_path / "b", {"prometheus.yml": "scrape_configs:\n  - job_name: api\n"})
    assert scraped["monitor-1-serving-logs"] == "partial"


# -- rollout, self-healing ------------------------------------------------------------------------

ISTIO = ("apiVersion: networking.istio.io/v1alpha3\nkind: VirtualService\nmetadata:\n  name: model\nspec:\n  http:\n"
         "  - route:\n    - destination:\n        host: {{ .Values.svc }}-green\n      weight: {{ .Values.weight.green }}\n"
         "    - destination:\n        host: {{ .Values.svc }}-blue\n      weight: {{ .Values.weight.blue }}\n")


def test_rollout_reads_a_templated_istio_split_cited_at_its_route(tmp_path):
    assert strong(run(tmp_path / "a", "rollout", {"charts/ab/templates/vs.yaml": ISTIO})) == ["charts/ab/templates/vs.yaml:7"]
    got = answers(tmp_path / "a2", {"charts/ab/templates/vs.yaml": ISTIO})
    assert got["deploy-2-ab-testing"] == "partial" and got["deploy-3-canary"] == "yes"
    single = ISTIO.split("      weight:")[0] + "\n"  # one destination, no weights: routing, not a split
    assert run(tmp_path / "b", "rollout", {"charts/ab/templates/vs.yaml": single}) == []


def test_rollout_reads_an_anyscale_gradual_rollout_as_a_canary_only(tmp_path):
    service = "name: model\nray_serve_config:\n  import_path: serve:entrypoint\nrollout_strategy: ROLLOUT # or IN_PLACE\n"
    got = answers(tmp_path / "a", {"deploy/service.yaml": service})
    assert got["deploy-3-canary"] == "yes"
    assert "deploy-2-ab-testing" not in got and "deploy-3-automated-rollback" not in got
    in_place = service.replace("rollout_strategy: ROLLOUT # or IN_PLACE", "rollout_strategy: IN_PLACE")
    assert run(tmp_path / "b", "rollout", {"deploy/service.yaml": in_place}) == []


AZURE_ROLLBACK = ("stages:\n- stage: Blue_100\n  jobs:\n  - deployment: Rollout\n    environment: prod\n"
                  "- stage: Rollback\n  dependsOn: Blue_100\n  condition: failed()\n  jobs:\n  - deployment: Roll_Back\n"
                  "    environment: prod\n    strategy:\n      runOnce:\n        deploy:\n          steps:\n"
                  "          - script: helm upgrade model charts/model --set weight.blue=0\n")


def test_self_healing_reads_a_ci_deployment_that_runs_when_a_stage_failed_as_rollback_only(tmp_path):
    found = run(tmp_path / "a", "self-healing", {".pipelines/release.yml": AZURE_ROLLBACK})
    assert strong(found) == [".pipelines/release.yml:8"]
    got = answers(tmp_path / "a2", {".pipelines/release.yml": AZURE_ROLLBACK})
    assert got["deploy-3-automated-rollback"] == "partial" and "deploy-4-self-healing" not in got
    github = ("on: [push]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: kubectl apply -f k8s/\n"
              "      - name: undo\n        if: failure()\n        run: kubectl rollout undo deployment/model\n")
    assert strong(run(tmp_path / "b", "self-healing", {".github/workflows/cd.yml": github})) == [".github/workflows/cd.yml:8"]
    notify = github.replace("kubectl rollout undo deployment/model", "echo 'deploy failed' | mail ops")
    notify = notify.replace("      - run: kubectl apply -f k8s/\n", "      - run: make build\n")
    assert run(tmp_path / "c", "self-healing", {".github/workflows/cd.yml": notify}) == []


# -- model-docs -----------------------------------------------------------------------------------

def test_model_docs_skips_headings_about_deploying_serving_or_managing(tmp_path):
    ops = "# Churn\n\n## 7. Test deployed model\n\n## Dataset Management\n\n## Model Monitoring\n\n## Project Architecture\n"
    assert run(tmp_path / "a", "model-docs", {"README.md": ops}) == []
    model = ops + "\n## Model performance\nAUC 0.91 on the March hold-out.\n"
    assert strong(run(tmp_path / "b", "model-docs", {"README.md": model})) == ["README.md:11"]


def test_model_docs_reads_a_registered_model_description(tmp_path):
    bundle = ("resources:\n  registered_models:\n    model:\n      name: churn\n"
              "      comment: Churn model, trained weekly on the CRM export; owner: data team.\n")
    assert strong(run(tmp_path / "a", "model-docs", {"resources/ml-artifacts.yml": bundle})) == ["resources/ml-artifacts.yml:5"]
    bare = "resources:\n  registered_models:\n    model:\n      name: churn\n      catalog_name: main\n"
    assert run(tmp_path / "b", "model-docs", {"resources/ml-artifacts.yml": bare}) == []
    client = ("from mlflow import MlflowClient\nc = MlflowClient()\nc.update_registered_model(\n    name='churn',\n"
              "    description='Predicts churn within 30 days; AUC 0.91.')\n")
    assert strong(run(tmp_path / "c", "model-docs", {"register.py": client})) == ["register.py:3"]
    nameless = "from mlflow import MlflowClient\nc = MlflowClient()\nc.create_registered_model('churn')\n"
    assert run(tmp_path / "d", "model-docs", {"register.py": nameless}) == []
    zenml = "model:\n  name: PricePrediction\n  # shown in the dashboard\n  description: Predicts listing prices\n  tags: [price]\n"
    assert strong(run(tmp_path / "e", "model-docs", {"project_config.yaml": zenml})) == ["project_config.yaml:4"]
    nested = "training:\n  model:\n    name: rf\n    description: x\n"
    assert run(tmp_path / "f", "model-docs", {"config.yaml": nested}) == []


# -- pull-request-ci ------------------------------------------------------------------------------

def test_pull_request_ci_reads_each_ci_systems_trigger_and_is_partial(tmp_path):
    github = {".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  t:\n    steps:\n      - run: pytest\n"}
    assert strong(run(tmp_path / "a", "pull-request-ci", github)) == [".github/workflows/ci.yml:1"]
    assert answers(tmp_path / "a2", github)["people-1-shared-repo"] == "partial"
    azure = {".pipelines/pr.yml": "trigger: none\npr:\n  branches:\n    include:\n    - master\nsteps:\n- script: pytest\n"}
    assert strong(run(tmp_path / "b", "pull-request-ci", azure)) == [".pipelines/pr.yml:2"]
    gitlab = {".gitlab-ci.yml": "test:\n  script: pytest\n  rules:\n    - if: $CI_PIPELINE_SOURCE == 'merge_request_event'\n"}
    assert strong(run(tmp_path / "c", "pull-request-ci", gitlab)) == [".gitlab-ci.yml:4"]


def test_pull_request_ci_ignores_push_only_ci_and_disabled_pr_builds(tmp_path):
    push = {".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    steps:\n      - run: pytest\n"}
    assert run(tmp_path / "a", "pull-request-ci", push) == []
    azure_off = {"azure-pipelines.yml": "trigger:\n- main\npr: none\nsteps:\n- script: pytest\n"}
    assert run(tmp_path / "b", "pull-request-ci", azure_off) == []
    gitlab_push = {".gitlab-ci.yml": "test:\n  script: pytest\n  only:\n    - main\n"}
    assert run(tmp_path / "c", "pull-request-ci", gitlab_push) == []


def test_pull_request_ci_cites_the_pull_request_only_pipeline_first(tmp_path):
    found = run(tmp_path, "pull-request-ci", {
        ".pipelines/a-ci.yml": "trigger:\n- main\npr:\n- main\nsteps:\n- script: make\n",
        ".pipelines/pr.yml": "trigger: none\npr:\n  branches:\n    include:\n    - master\nsteps:\n- script: pytest\n"})
    assert strong(found) == [".pipelines/pr.yml:2", ".pipelines/a-ci.yml:3"]


# -- Markdown headings, not comments in fenced code -----------------------------------------------

def test_runbooks_and_model_docs_skip_comments_inside_fenced_code(tmp_path):
    readme = ("# Service\n\n```bash\n# Rollback (to the previous version)\nanyscale service rollback -f cfg.yaml\n"
              "# Model\npython train.py\n```\n\n~~~\n# On-call\n~~~\n")
    assert run(tmp_path / "a", "runbooks", {"README.md": readme}) == []
    assert run(tmp_path / "a", "model-docs", {"README.md": readme}) == []
    sections = readme + "\n## Rollback\nRun `anyscale service rollback`.\n\n## Model\nA gradient-boosted classifier.\n"
    found = run(tmp_path / "b", "runbooks", {"README.md": sections})
    assert [(f.outcome, f.location.ref()) for f in found] == [("weak", "README.md:14")]
    assert strong(run(tmp_path / "b", "model-docs", {"README.md": sections})) == ["README.md:17"]


# -- ci-deploy: a pipeline step that deploys ------------------------------------------------------

FLOW = ("from metaflow import FlowSpec, step\n\n\nclass Train(FlowSpec):\n    @step\n    def deploy(self):\n"
        "        from sagemaker.tensorflow import TensorFlowModel\n        model = TensorFlowModel(model_data=self.uri, role=ROLE)\n"
        "        predictor = model.deploy(\n            initial_instance_count=1,\n            instance_type='ml.m5.large')\n"
        "        self.next(self.end)\n")


def test_ci_deploy_reads_a_pipeline_step_that_deploys_an_endpoint_as_automated_deployment_not_ci(tmp_path):
    assert strong(run(tmp_path / "a", "ci-deploy", {"src/flow.py": FLOW})) == ["src/flow.py:9", "src/flow.py:9"]
    got = answers(tmp_path / "a2", {"src/flow.py": FLOW})
    assert got["deploy-2-automated-deploy"] == "yes" and "deploy-1-basic-cicd" not in got
    script = FLOW.replace("from metaflow import FlowSpec, step\n", "import sagemaker\n")
    assert run(tmp_path / "b", "ci-deploy", {"src/deploy_by_hand.py": script}) == []


# -- model-approval: ZenML promotion --------------------------------------------------------------

def test_model_approval_reads_a_zenml_promotion_as_partial(tmp_path):
    promote = ("from zenml.client import Client\nfrom zenml.enums import ModelStages\n\n"
               "Client().get_model_version('price', args.version).set_stage(\n    ModelStages.PRODUCTION, force=True)\n")
    found = run(tmp_path / "a", "model-approval", {"promote.py": promote})
    assert [(f.outcome, f.location.ref()) for f in found] == [("weak", "promote.py:4")]
    assert answers(tmp_path / "a2", {"promote.py": promote})["gov-2-approval-workflow"] == "partial"
    other = "import pandas as pd\nframe = pd.DataFrame()\nwidget.set_stage('done')\n"  # not ZenML's model version
    assert run(tmp_path / "b", "model-approval", {"ui.py": other}) == []


# -- model-serving: a serving command run by hand or by a script ----------------------------------

def test_model_serving_reads_a_serving_command_for_the_repositorys_app_as_deploy_script_only(tmp_path):
    app = {"api/main.py": "from fastapi import FastAPI\napp = FastAPI()\n\n\n@app.post('/predict')\ndef predict(x: dict):\n"
                          "    return model.predict(x)\n"}
    readme = "# Fires\n\n## API\nLaunch the API:\n\n    uvicorn api.main:app --reload\n"
    found = run(tmp_path / "a", "model-serving", {**app, "README.md": readme})
    assert [(f.outcome, f.location.ref(), f.criterion) for f in found] == [("weak", "README.md:6", "deploy-1-script")]
    got = answers(tmp_path / "a2", {**app, "README.md": readme})
    assert got["deploy-1-script"] == "partial" and "deploy-1-known-version" not in got
    elsewhere = readme.replace("api.main:app", "their_service.server:app")  # not this repository's app
    assert run(tmp_path / "b", "model-serving", {**app, "README.md": elsewhere}) == []
    assert run(tmp_path / "c", "model-serving", {"README.md": readme}) == []  # no app at all
    mlflow = "# Serve\n\n```bash\nmlflow models serve -m runs:/<run-id>/model\n```\n"
    assert [f.location.ref() for f in run(tmp_path / "d", "model-serving", {"README.md": mlflow})] == ["README.md:4"]


# -- registry-deploy ------------------------------------------------------------------------------

APPROVED = ('from aws_cdk import aws_events as events, aws_events_targets as targets\n\n'
            'events.Rule(\n    self,\n    "ModelRegistryRule",\n    event_pattern=events.EventPattern(\n'
            '        source=["aws.sagemaker"],\n        detail_type=["SageMaker Model Package State Change"],\n'
            '        detail={"ModelApprovalStatus": ["Approved"]}),\n'
            '    targets=[targets.CodePipeline(pipeline=deploy_pipeline)])\n')


def test_registry_deploy_reads_an_approval_event_that_starts_the_deployment_pipeline(tmp_path):
    assert strong(run(tmp_path / "a", "registry-deploy", {"infra/deploy.py": APPROVED})) == ["infra/deploy.py:3"]
    got = answers(tmp_path / "a2", {"infra/deploy.py": APPROVED})
    assert got["deploy-2-automated-deploy"] == "yes" and got["deploy-3-cicdct"] == "partial"
    notify = APPROVED.replace("targets.CodePipeline(pipeline=deploy_pipeline)", "targets.SnsTopic(topic)")
    assert run(tmp_path / "b", "registry-deploy", {"infra/deploy.py": notify}) == []


def test_registry_deploy_reads_a_databricks_registry_webhook_that_runs_a_job(tmp_path):
    hook = ("from databricks_registry_webhooks import RegistryWebhooksClient, JobSpec\n\nRegistryWebhooksClient().create_webhook(\n"
            "    model_name='churn',\n    events=['MODEL_VERSION_TRANSITIONED_STAGE'],\n    job_spec=JobSpec(job_id=JOB))\n")
    assert strong(run(tmp_path / "a", "registry-deploy", {"hooks.py": hook})) == ["hooks.py:3"]
    slack = hook.replace("job_spec=JobSpec(job_id=JOB)", "http_url_spec=HttpUrlSpec(url=SLACK)")
    assert run(tmp_path / "b", "registry-deploy", {"hooks.py": slack}) == []


# -- code-owners: an Airflow DAG's owner; serving-explanations ------------------------------------

def test_code_owners_reads_an_airflow_dag_owner_for_gov_1_owner_only(tmp_path):
    dag = ("from airflow import DAG\n\ndefault_args = {\n    'owner': 'Group 9',\n    'retries': 0,\n}\n"
           "with DAG('train', default_args=default_args) as dag:\n    pass\n")
    found = run(tmp_path / "a", "code-owners", {"dags/train.py": dag})
    assert [(f.location.ref(), f.criterion) for f in found] == [("dags/train.py:4", "gov-1-owner")]
    got = answers(tmp_path / "a2", {"dags/train.py": dag})
    assert got["gov-1-owner"] == "partial" and "people-1-shared-repo" not in got
    default = dag.replace("'owner': 'Group 9'", "'owner': 'airflow'")  # Airflow's default names no one
    assert run(tmp_path / "b", "code-owners", {"dags/train.py": default}) == []


def test_serving_explanations_reads_vertex_explanations_and_a_kserve_explainer(tmp_path):
    upload = ("from google.cloud import aiplatform as vertex_ai\n\nmodel = vertex_ai.Model.upload(\n    display_name='churn',\n"
              "    explanation_metadata=meta,\n    explanation_parameters=params)\n")
    assert strong(run(tmp_path / "a", "serving-explanations", {"upload.py": upload})) == ["upload.py:5"]
    assert answers(tmp_path / "a2", {"upload.py": upload})["gov-4-explainable-ai"] == "yes"
    plain = upload.replace("    explanation_metadata=meta,\n    explanation_parameters=params)\n", "    serving_container_image_uri=IMAGE)\n")
    assert run(tmp_path / "b", "serving-explanations", {"upload.py": plain}) == []
    isvc = ("apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nspec:\n  predictor:\n    sklearn:\n"
            "      storageUri: gs://m\n  explainer:\n    alibi:\n      type: AnchorTabular\n")
    assert strong(run(tmp_path / "c", "serving-explanations", {"k8s/isvc.yaml": isvc})) == ["k8s/isvc.yaml:7"]
    no_explainer = isvc.split("  explainer:")[0]
    assert run(tmp_path / "d", "serving-explanations", {"k8s/isvc.yaml": no_explainer}) == []


# -- environments: run configs per environment ----------------------------------------------------

def test_environments_reads_one_folder_of_configs_named_by_environment(tmp_path):
    configs = {"configs/staging.yml": "run_name: staging\n", "configs/production.yml": "run_name: prod\n",
               "configs/local.yml": "run_name: local\n"}
    found = run(tmp_path / "a", "environments", configs)
    assert sorted(f.location.ref() for f in found) == ["configs/production.yml", "configs/staging.yml"]
    one = {"configs/staging.yml": "run_name: staging\n", "configs/local.yml": "run_name: local\n"}
    assert run(tmp_path / "b", "environments", one) == []
    apart = {"a/staging.yml": "x: 1\n", "b/production.yml": "x: 2\n"}  # not one definition's configs
    assert run(tmp_path / "c", "environments", apart) == []


def test_application_insights_is_partial_evidence_of_basic_metrics_and_none_of_dashboards(tmp_path):
    config = {"scoring/deployment_config_aks.yml": "computeType: AKS\nappInsightsEnabled: True\n"}
    found = run(tmp_path / "a", "service-metrics", config)
    assert [(f.outcome, f.location.ref(), f.criterion) for f in found] == [
        ("weak", "scoring/deployment_config_aks.yml:2", "monitor-1-basic-metrics")]
    got = answers(tmp_path / "a2", config)
    assert got["monitor-1-basic-metrics"] == "partial" and "monitor-3-dashboards" not in got
    off = {"scoring/deployment_config_aks.yml": "computeType: AKS\nappInsightsEnabled: False\n"}
    assert run(tmp_path / "b", "service-metrics", off) == []
