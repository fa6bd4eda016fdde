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
