"""Round 7 rules for deployment, registry and governance criteria, each on a small tree the earlier rules got
wrong: the practice as its tool documents it fires, a look-alike does not."""

from __future__ import annotations

from mlops_workbook.scan import PROBES, collect
from tests.scan.test_probes import write_tree


def run(tmp_path, probe: str, files: dict[str, str]):
    return PROBES[probe].run(collect(write_tree(tmp_path, files)))


def strong(found, criterion: str = "") -> list[str]:
    """The `path:line` of each positive or enforced finding (that speaks to `criterion`, when given)."""
    return [f.location.ref() for f in found if f.outcome in ("positive", "enforced")
            and (not criterion or f.criterion in ("", criterion))]


def weak(found, criterion: str = "") -> list[str]:
    return [f.location.ref() for f in found if f.outcome == "weak" and (not criterion or f.criterion in ("", criterion))]


ON_PUSH = "on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"


# -- ci-deploy: deploy commands and actions ----------------------------------------------------------

def test_ci_deploy_reads_dbx_deploy_and_cloudformation_deploy(tmp_path):
    for n, command in enumerate(("dbx deploy --deployment-file conf/deployment.yml --environment=prod",
                                 "aws cloudformation deploy --template-file stack.yml --stack-name ml")):
        workflow = ON_PUSH + f"      - name: Deploy\n        run: {command}\n"
        found = run(tmp_path / f"a{n}", "ci-deploy", {".github/workflows/cd.yml": workflow})
        assert strong(found, "deploy-2-automated-deploy") == [".github/workflows/cd.yml:9"]
    listing = ON_PUSH + "      - name: Deploy\n        run: dbx launch --job=train\n"
    assert run(tmp_path / "b", "ci-deploy", {".github/workflows/cd.yml": listing}) == []


def test_ci_deploy_reads_a_deploy_action_and_a_push_to_a_hugging_face_space(tmp_path):
    action = ON_PUSH + "      - name: Deploy to Azure Web App\n        uses: azure/webapps-deploy@v2\n"
    space = ON_PUSH + "      - name: Push\n        run: git push --force https://huggingface.co/spaces/me/app main\n"
    assert strong(run(tmp_path / "a", "ci-deploy", {".github/workflows/cd.yml": action})) == [".github/workflows/cd.yml:9"]
    assert strong(run(tmp_path / "b", "ci-deploy", {".github/workflows/hf.yml": space})) == [".github/workflows/hf.yml:9"]
    other = ON_PUSH + "      - uses: actions/upload-artifact@v3\n      - run: git push origin main\n"
    assert run(tmp_path / "c", "ci-deploy", {".github/workflows/cd.yml": other}) == []


def test_ci_deploy_reads_a_deploy_script_by_its_name_but_not_a_config_builder(tmp_path):
    workflow = ON_PUSH + "      - run: ./deploy_app.sh\n"
    assert strong(run(tmp_path / "a", "ci-deploy", {".github/workflows/cd.yml": workflow, "deploy_app.sh": "echo hi\n"})) \
        == [".github/workflows/cd.yml:8"]
    configs = ON_PUSH + "      - run: python build_deployment_configs.py --region x\n"
    assert run(tmp_path / "b", "ci-deploy", {".github/workflows/cd.yml": configs}) == []


def test_ci_deploy_cites_the_ci_step_then_the_deploy_call_of_a_script_ci_runs(tmp_path):
    script = ("import google.cloud.aiplatform as vertex_ai\n\ndef deploy(endpoint, model):\n"
              "    return endpoint.deploy(model=model, machine_type='n1-standard-2')\n")
    build = ("steps:\n- name: '$_IMAGE'\n  entrypoint: 'python'\n  args: ['build/utils.py',\n"
             "         '--mode', 'compile-pipeline']\n- name: '$_IMAGE'\n  entrypoint: 'python'\n"
             "  args: ['build/utils.py',\n         '--mode', 'deploy-model']\n  id: 'Deploy'\n"
             "options:\n  logging: CLOUD_LOGGING_ONLY\n")
    found = run(tmp_path / "a", "ci-deploy", {"build/utils.py": script, "build/model-deployment.yaml": build})
    assert strong(found)[:2] == ["build/model-deployment.yaml:8", "build/utils.py:4"]
    compile_only = build.replace("'deploy-model'", "'compile-pipeline'")
    assert run(tmp_path / "b", "ci-deploy", {"build/utils.py": script, "build/model-deployment.yaml": compile_only}) == []


def test_ci_deploy_reads_a_cloud_build_file_whose_steps_name_other_images(tmp_path):
    build = ("steps:\n  - name: hashicorp/terraform:1.4.0\n    entrypoint: /bin/sh\n    args:\n      - -c\n      - |\n"
             "        terraform init -input=false &&\n        terraform apply -auto-approve -input=false\n"
             "substitutions:\n  _ENV_DIRECTORY: terraform/envs/test\n")
    assert strong(run(tmp_path / "a", "ci-deploy", {"cloudbuild/terraform-apply.yaml": build})) == \
        ["cloudbuild/terraform-apply.yaml:8"]
    notes = "steps:\n  - terraform apply\n"  # a list of steps in some other YAML, not a Cloud Build file
    assert run(tmp_path / "b", "ci-deploy", {"docs/steps.yaml": notes}) == []


def test_ci_deploy_reads_workflows_of_a_seed_template_folder(tmp_path):
    workflow = ON_PUSH + "      - run: sam deploy --no-confirm-changeset\n"
    assert strong(run(tmp_path / "a", "ci-deploy", {"seedcode/.github/workflows/deploy.yml": workflow})) == \
        ["seedcode/.github/workflows/deploy.yml:8"]
    assert run(tmp_path / "b", "ci-deploy", {"seedcode/workflows/deploy.yml": workflow}) == []


def test_ci_deploy_reads_a_reusable_workflow_given_an_azure_ml_deployment_file(tmp_path):
    workflow = ("on:\n  push:\n    branches: [main]\njobs:\n  create-deployment:\n"
                "    uses: Azure/mlops-templates/.github/workflows/create-deployment.yml@main\n    with:\n"
                "      endpoint_file: mlops/deploy/online-deployment.yml\n")
    deployment = ("$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n"
                  "name: blue\nmodel: azureml:taxi-model@latest\n")
    found = run(tmp_path / "a", "ci-deploy", {".github/workflows/deploy.yml": workflow,
                                              "mlops/deploy/online-deployment.yml": deployment})
    assert strong(found, "deploy-2-automated-deploy") == [".github/workflows/deploy.yml:6"]
    endpoint = deployment.replace("managedOnlineDeployment", "managedOnlineEndpoint")
    assert run(tmp_path / "b", "ci-deploy", {".github/workflows/deploy.yml": workflow,
                                             "mlops/deploy/online-deployment.yml": endpoint}) == []


def test_ci_deploy_a_workflow_started_only_by_hand_is_partial_for_automated_deployment(tmp_path):
    steps = "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: databricks bundle deploy -t prod\n"
    found = run(tmp_path / "a", "ci-deploy", {".github/workflows/cd.yml": "on: workflow_dispatch\n" + steps})
    assert strong(found, "deploy-1-script") == [".github/workflows/cd.yml:6"]
    assert strong(found, "deploy-2-automated-deploy") == [] and weak(found, "deploy-2-automated-deploy") == \
        [".github/workflows/cd.yml:6"]
    both = "on:\n  workflow_dispatch:\n  push:\n    tags: ['v*']\n" + steps
    found = run(tmp_path / "b", "ci-deploy", {".github/workflows/cd.yml": both})
    assert strong(found, "deploy-2-automated-deploy") == [".github/workflows/cd.yml:9"]


def test_ci_deploy_a_gitlab_job_run_by_hand_is_partial_for_automated_deployment(tmp_path):
    gitlab = "deploy:\n  stage: deploy\n  script:\n    - helm upgrade --install model chart/\n  when: manual\n"
    found = run(tmp_path / "a", "ci-deploy", {".gitlab-ci.yml": gitlab})
    assert strong(found, "deploy-2-automated-deploy") == [] and strong(found, "deploy-1-script") == [".gitlab-ci.yml:4"]
    automatic = gitlab.replace("  when: manual\n", "")
    assert strong(run(tmp_path / "b", "ci-deploy", {".gitlab-ci.yml": automatic}), "deploy-2-automated-deploy") == \
        [".gitlab-ci.yml:4"]


def test_ci_deploy_cites_the_production_deployment_first(tmp_path):
    workflow = (ON_PUSH + "      - run: dbx deploy --jobs=STAGING-integration-test --environment=staging --files-only\n"
                "      - run: dbx deploy --jobs=PROD-model-train --environment=prod\n")
    assert strong(run(tmp_path, "ci-deploy", {".github/workflows/cd.yml": workflow}))[0] == ".github/workflows/cd.yml:9"


# -- registry-deploy: CloudFormation ------------------------------------------------------------------

def test_registry_deploy_reads_a_cloudformation_rule_on_package_approval_with_a_target(tmp_path):
    template = ("Resources:\n  DeployRule:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern:\n"
                "        source:\n          - aws.sagemaker\n        detail-type:\n"
                "          - \"SageMaker Model Package State Change\"\n        detail:\n          ModelApprovalStatus:\n"
                "            - Approved\n      Targets:\n        - Arn: !GetAtt TriggerLambda.Arn\n          Id: deploy\n")
    assert strong(run(tmp_path / "a", "registry-deploy", {"project/template.yml": template})) == ["project/template.yml:3"]
    untargeted = template.replace("      Targets:\n        - Arn: !GetAtt TriggerLambda.Arn\n          Id: deploy\n", "")
    assert run(tmp_path / "b", "registry-deploy", {"project/template.yml": untargeted}) == []


# -- baseline-comparison: the production model's metric against the new one's ---------------------------

def test_baseline_comparison_reads_a_condition_comparing_production_and_new_metrics(tmp_path):
    cases = {"new_r2 > current_r2": "if new_r2 > current_r2:\n    promote()\n",
             "production": "if (new_model_mse < production_model_mse):\n    register()\n",
             "staging": "if staging_eval_metric <= production_eval_metric:\n    archive()\n",
             "champ": "eval_metric = 'rmse'\nwins = (m_chall < m_champ)\n",
             "twin": "if test_acc > retrain_test_acc:\n    raise Exception('worse')\n"}
    for n, code in enumerate(cases.values()):
        assert strong(run(tmp_path / f"a{n}", "baseline-comparison", {"evaluate.py": code})) == [
            "evaluate.py:2" if code.startswith("eval_metric") else "evaluate.py:1"]


def test_baseline_comparison_ignores_versions_a_bar_and_unrelated_comparisons(tmp_path):
    for n, code in enumerate(("if new_version > current_version:\n    upgrade()\n",
                              "if new_r2 > 0.8:\n    promote()\n",
                              "if new_price > old_price:\n    alert()\n",
                              "if test_acc > best_acc:\n    keep()\n",
                              "if new_loss < old_loss:\n    patience = 0\n",
                              "if new_val_loss < val_loss:\n    save()\n")):
        assert run(tmp_path / f"b{n}", "baseline-comparison", {"evaluate.py": code}) == []


# -- environments: dbx environments, Terraform roots per environment ----------------------------------

def test_environments_reads_a_deployment_file_with_top_level_environments(tmp_path):
    dbx = ("custom:\n  cluster: {}\nenvironments:\n  dev:\n    jobs: []\n  staging:\n    jobs: []\n  prod:\n    jobs: []\n")
    assert strong(run(tmp_path / "a", "environments", {"conf/deployment.yml": dbx})) == ["conf/deployment.yml:3"]
    other = "environments:\n  python:\n    version: 3.9\n  dev:\n    x: 1\n"  # keys that are not all environments
    assert run(tmp_path / "b", "environments", {"conf/settings.yml": other}) == []


def test_environments_reads_terraform_roots_per_environment_calling_one_module(tmp_path):
    root = 'terraform {\n  backend "gcs" {}\n}\n\nmodule "vertex" {\n  source     = "../../modules/vertex"\n  region = var.region\n}\n'
    found = run(tmp_path / "a", "environments", {"terraform/envs/prod/main.tf": root, "terraform/envs/test/main.tf": root})
    assert strong(found) == ["terraform/envs/prod/main.tf:5", "terraform/envs/test/main.tf:5"]
    single = {"terraform/envs/prod/main.tf": root, "terraform/other/main.tf": root}
    assert run(tmp_path / "b", "environments", single) == []


# -- advanced-tracking: a tag keyed by the pipeline's run, lineage the platform records -----------------

def test_advanced_tracking_reads_a_tag_keyed_by_the_external_pipeline_run(tmp_path):
    code = "import mlflow, os\nmlflow.set_tag('external_run_id', os.getenv('RUN_ID'))\n"
    assert weak(run(tmp_path / "a", "advanced-tracking", {"train.py": code})) == ["train.py:2"]
    other = "import mlflow, os\nmlflow.set_tag('owner', os.getenv('USER'))\n"
    assert run(tmp_path / "b", "advanced-tracking", {"train.py": other}) == []


def test_advanced_tracking_reads_lineage_a_sagemaker_pipeline_or_a_kubeflow_step_records(tmp_path):
    sagemaker = ("from sagemaker.workflow.pipeline import Pipeline\nfrom sagemaker.workflow.step_collections import "
                 "RegisterModel\n\nstep_register = RegisterModel(name='Register', estimator=est)\n")
    assert weak(run(tmp_path / "a", "advanced-tracking", {"pipelines/pipeline.py": sagemaker})) == ["pipelines/pipeline.py:4"]
    kfp = ("from kfp.v2 import dsl\n\n@dsl.pipeline(name='train')\ndef pipeline():\n"
           "    evaluation = import_evaluation(pipeline_job_id='{{$.pipeline_job_name}}')\n")
    assert weak(run(tmp_path / "b", "advanced-tracking", {"pipelines/train.py": kfp})) == ["pipelines/train.py:5"]
    plain = ("import sagemaker\nmodel = sagemaker.Model(image_uri=uri)\nmodel.register(content_types=['text/csv'])\n")
    assert run(tmp_path / "c", "advanced-tracking", {"register.py": plain}) == []
    assert run(tmp_path / "d", "advanced-tracking", {"pipelines/train.py": kfp.replace("{{$.pipeline_job_name}}", "x")}) == []


# -- audit-trail: a metadata mapping naming the pipeline job -------------------------------------------

def test_audit_trail_reads_a_metadata_mapping_naming_the_pipeline_job(tmp_path):
    code = ("evaluation = {\n    \"metrics\": metrics,\n    \"metadata\": {\n        \"pipeline_job_id\": pipeline_job_id,\n"
            "        \"evaluation_dataset_path\": [uri],\n    },\n}\n")
    assert strong(run(tmp_path / "a", "audit-trail", {"components/import_evaluation.py": code})) == \
        ["components/import_evaluation.py:4"]
    other = code.replace("pipeline_job_id", "dataset_name")
    assert run(tmp_path / "b", "audit-trail", {"components/import_evaluation.py": other}) == []


# -- served-version: Azure ML deployments, registry loads outside serving code, serving code first -------

AML = "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: blue\n"


def test_served_version_reads_the_model_an_azure_ml_deployment_names(tmp_path):
    pinned = run(tmp_path / "a", "served-version", {"deploy/online-deployment.yml": AML + "model: azureml:taxi-model:3\n"})
    assert strong(pinned) == ["deploy/online-deployment.yml:3"]
    latest = run(tmp_path / "b", "served-version", {"deploy/online-deployment.yml": AML + "model: azureml:taxi-model@latest\n"})
    assert strong(latest) == [] and weak(latest) == ["deploy/online-deployment.yml:3"]
    other = run(tmp_path / "c", "served-version", {"deploy/online-endpoint.yml": "name: ep\nmodel: azureml:taxi-model:3\n"})
    assert other == []


def test_served_version_a_registry_load_outside_serving_code_is_partial(tmp_path):
    load = "import mlflow\nmodel = mlflow.pyfunc.load_model(f'models:/{name}/{version}')\n"
    assert strong(run(tmp_path / "a", "served-version", {"src/evaluate.py": load})) == []
    assert weak(run(tmp_path / "a", "served-version", {"src/evaluate.py": load})) == ["src/evaluate.py:2"]
    assert strong(run(tmp_path / "b", "served-version", {"src/batch_inference.py": load})) == ["src/batch_inference.py:2"]


def test_served_version_cites_serving_code_before_deployment_code_and_a_resolved_alias_first(tmp_path):
    files = {"jobs/model_deployment.py": "import mlflow\nuri = f'models:/{name}/staging'\n",
             "jobs/batch_inference.py": ("import mlflow\nuri = f'models:/{name}@Champion'\n"
                                         "version = client.get_model_version_by_alias(name, 'Champion').version\n")}
    assert strong(run(tmp_path, "served-version", files)) == ["jobs/batch_inference.py:3", "jobs/batch_inference.py:2",
                                                               "jobs/model_deployment.py:2"]


# -- deploy-approval / model-approval / model-registry: SageMaker pending approval, GTO, DVC artifacts -----

GTO_DEPLOY = ("on:\n  push:\n    tags: ['*']\njobs:\n  parse:\n    runs-on: ubuntu-latest\n    steps:\n"
              "    - id: gto\n      uses: iterative/gto-action@v2\n  deploy:\n    needs: parse\n"
              "    if: \"${{ needs.parse.outputs.event == 'assignment' }}\"\n    steps:\n    - run: python deploy.py\n")


def test_deploy_approval_reads_a_package_pending_manual_approval_and_a_gto_stage_assignment(tmp_path):
    pending = ("from sagemaker.workflow.step_collections import RegisterModel\n"
               "step = RegisterModel(name='Register', approval_status='PendingManualApproval')\n")
    assert strong(run(tmp_path / "a", "deploy-approval", {"pipelines/pipeline.py": pending})) == ["pipelines/pipeline.py:2"]
    approved = pending.replace("PendingManualApproval", "Approved")
    assert run(tmp_path / "b", "deploy-approval", {"pipelines/pipeline.py": approved}) == []
    assert strong(run(tmp_path / "c", "deploy-approval", {".github/workflows/deploy.yml": GTO_DEPLOY})) == \
        [".github/workflows/deploy.yml:12"]
    registration_only = GTO_DEPLOY.replace("'assignment'", "'registration'")
    assert run(tmp_path / "d", "deploy-approval", {".github/workflows/deploy.yml": registration_only}) == []


def test_model_approval_a_gto_stage_assignment_is_partial(tmp_path):
    found = run(tmp_path / "a", "model-approval", {".github/workflows/deploy.yml": GTO_DEPLOY})
    assert strong(found) == [] and weak(found) == [".github/workflows/deploy.yml:12"]
    assert run(tmp_path / "b", "model-approval", {".github/workflows/deploy.yml": GTO_DEPLOY.replace("assignment", "x")}) == []


def test_model_registry_reads_a_dvc_model_artifact_and_its_gto_tags(tmp_path):
    dvc = "stages:\n  train:\n    cmd: python train.py\nartifacts:\n  pool-segmentation:\n    path: models/model.pkl\n" \
          "    type: model\n"
    found = run(tmp_path / "a", "model-registry", {"dvc.yaml": dvc, ".github/workflows/deploy.yml": GTO_DEPLOY})
    assert strong(found) == ["dvc.yaml:5", ".github/workflows/deploy.yml:9"]
    data = dvc.replace("type: model", "type: dataset")
    assert run(tmp_path / "b", "model-registry", {"dvc.yaml": data, ".github/workflows/deploy.yml": GTO_DEPLOY}) == []


# -- autoscaling: SageMaker serverless, Azure ML compute clusters --------------------------------------

def test_autoscaling_reads_sagemaker_serverless_inference(tmp_path):
    code = ("from sagemaker.serverless import ServerlessInferenceConfig\n"
            "model.deploy(serverless_inference_config=ServerlessInferenceConfig(memory_size_in_mb=4096))\n")
    assert strong(run(tmp_path / "a", "autoscaling", {"deploy.py": code})) == ["deploy.py:2"]
    fixed = "import sagemaker\nmodel.deploy(initial_instance_count=1, instance_type='ml.m5.large')\n"
    assert run(tmp_path / "b", "autoscaling", {"deploy.py": fixed}) == []


def test_autoscaling_reads_an_azure_ml_compute_cluster_that_scales(tmp_path):
    tf = ('resource "azurerm_machine_learning_compute_cluster" "c" {\n  scale_settings {\n    min_node_count = 0\n'
          '    max_node_count = 4\n  }\n}\n')
    assert strong(run(tmp_path / "a", "autoscaling", {"infra/main.tf": tf})) == ["infra/main.tf:2"]
    fixed = tf.replace("min_node_count = 0", "min_node_count = 4")
    assert run(tmp_path / "b", "autoscaling", {"infra/main.tf": fixed}) == []
    workflow = ("jobs:\n  create-compute:\n    uses: org/templates/.github/workflows/create-compute.yml@main\n    with:\n"
                "      cluster_name: cpu-cluster\n      min_instances: 0\n      max_instances: 4\n")
    assert strong(run(tmp_path / "c", "autoscaling", {".github/workflows/train.yml": workflow})) == \
        [".github/workflows/train.yml:7"]
    assert run(tmp_path / "d", "autoscaling", {".github/workflows/train.yml": workflow.replace("min_instances: 0",
                                                                                              "min_instances: 4")}) == []


# -- ci-deploy: a pipeline step that promotes the model, a production environment first -------------------

def test_ci_deploy_reads_a_registry_promotion_a_databricks_job_runs(tmp_path):
    job = ("resources:\n  jobs:\n    model_job:\n      tasks:\n        - task_key: deploy\n          notebook_task:\n"
           "            notebook_path: ../deployment/notebooks/ModelDeployment.py\n")
    notebook = "import sys\nsys.path.append('../..')\nfrom deploy import deploy\ndeploy(name, version)\n"
    deploy = ("from mlflow import MlflowClient\n\ndef deploy(model_name, version):\n    target_alias = 'Champion'\n"
              "    MlflowClient().set_registered_model_alias(name=model_name, alias=target_alias, version=version)\n")
    files = {"bundle/assets/model-workflow.yml": job, "bundle/deployment/notebooks/ModelDeployment.py": notebook,
             "bundle/deployment/deploy.py": deploy}
    found = run(tmp_path / "a", "ci-deploy", files)
    assert strong(found, "deploy-2-automated-deploy") == ["bundle/deployment/deploy.py:5"]
    assert strong(found, "deploy-1-basic-cicd") == []
    unscheduled = {k: v for k, v in files.items() if not k.endswith(".yml")}  # nothing runs it
    assert run(tmp_path / "b", "ci-deploy", unscheduled) == []
    challenger = dict(files, **{"bundle/deployment/deploy.py": deploy.replace("'Champion'", "'Challenger'")})
    assert run(tmp_path / "c", "ci-deploy", challenger) == []


def test_ci_deploy_reads_a_kubeflow_component_that_moves_the_serving_alias(tmp_path):
    component = ("from kfp.v2.dsl import component\n\n@component(base_image='python:3.9')\ndef update_best_model():\n"
                 "    if challenger_wins:\n        model_registry.add_version_aliases(['default'], challenger.version_id)\n")
    assert strong(run(tmp_path / "a", "ci-deploy", {"components/update_best_model.py": component})) == \
        ["components/update_best_model.py:6", "components/update_best_model.py:6"]
    plain = component.replace("from kfp.v2.dsl import component\n\n@component(base_image='python:3.9')\n", "")
    assert run(tmp_path / "b", "ci-deploy", {"components/update_best_model.py": plain}) == []


def test_ci_deploy_cites_the_job_deploying_to_a_production_environment_first(tmp_path):
    hf = ON_PUSH + "      - run: git push https://huggingface.co/spaces/me/app main\n"
    azure = ("on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment:\n"
             "      name: 'Production'\n    steps:\n      - uses: azure/webapps-deploy@v2\n")
    found = run(tmp_path, "ci-deploy", {".github/workflows/a_hf.yml": hf, ".github/workflows/b_app.yml": azure})
    assert strong(found) == [".github/workflows/b_app.yml:10", ".github/workflows/a_hf.yml:8"]


# -- model-serving: docker compose up, scripts before docs --------------------------------------------

APP = "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/predict')\ndef predict():\n    return model.predict(x)\n"


def test_model_serving_reads_docker_compose_up_of_a_compose_file_building_the_app(tmp_path):
    files = {"api/server.py": APP, "Dockerfile": "FROM python:3.11\n",
             "docker-compose.yaml": "services:\n  api:\n    build: .\n    ports:\n      - '5000:5000'\n",
             "Makefile": "docker-up:\n\t@docker-compose up -d\n"}
    found = run(tmp_path / "a", "model-serving", files)
    assert strong(found, "deploy-1-script")[0] == "Makefile:2"
    images = dict(files, **{"docker-compose.yaml": "services:\n  db:\n    image: postgres:15\n"})
    assert "Makefile:2" not in strong(run(tmp_path / "b", "model-serving", images), "deploy-1-script")


def test_model_serving_a_procfile_comes_before_a_command_in_the_readme(tmp_path):
    files = {"app.py": APP, "Procfile": "web: gunicorn app:app\n", "README.md": "# App\n\n    gunicorn app:app\n"}
    found = run(tmp_path, "model-serving", files)
    assert strong(found, "deploy-1-script")[0] == "Procfile:1"
    assert weak(found, "deploy-1-script") == ["README.md:3"]


def test_gto_gates_are_cited_at_the_condition_reading_the_assignment(tmp_path):
    found = run(tmp_path / "a", "deploy-approval", {".github/workflows/deploy.yml": GTO_DEPLOY})
    assert [f.location.ref() for f in found] == [".github/workflows/deploy.yml:12"]
    in_a_step = GTO_DEPLOY.replace("    if: \"${{ needs.parse.outputs.event == 'assignment' }}\"\n", "") + \
        "    - run: test \"${{ needs.parse.outputs.event }}\" = assignment && python deploy.py\n"
    found = run(tmp_path / "b", "deploy-approval", {".github/workflows/deploy.yml": in_a_step})
    assert [f.location.ref() for f in found] == [".github/workflows/deploy.yml:9"]


def test_model_approval_cites_registration_pending_approval_before_a_status_filter(tmp_path):
    files = {"a_deploy.py": "import boto3\npackages = sm.list_model_packages(ModelApprovalStatus='Approved')\n",
             "b_pipeline.py": "from sagemaker.workflow.step_collections import RegisterModel\n"
                              "step = RegisterModel(name='r', approval_status='PendingManualApproval')\n"}
    assert strong(run(tmp_path, "model-approval", files)) == ["b_pipeline.py:2", "a_deploy.py:2"]


def test_audit_trail_cites_the_build_id_written_into_the_model_tags_before_a_read(tmp_path):
    code = ("from azureml.core import Model\nparent_tags = run.parent.get_tags()\nbuild_id = parent_tags['BuildId']\n"
            "tags = {'area': 'diabetes'}\ntags['BuildId'] = build_id\nModel.register(ws, path, name, tags=tags)\n")
    assert strong(run(tmp_path / "a", "audit-trail", {"register/register_model.py": code}))[0] == \
        "register/register_model.py:5"
    read_only = code.replace("tags['BuildId'] = build_id\n", "")
    assert "register/register_model.py:5" not in strong(run(tmp_path / "b", "audit-trail",
                                                            {"register/register_model.py": read_only}))


def test_baseline_comparison_reads_the_new_model_against_every_registered_version(tmp_path):
    code = ("from mlflow.tracking import MlflowClient\nscores = {}\nfor mv in client.search_model_versions(f\"name='{name}'\"):\n"
            "    model = mlflow.pyfunc.load_model(f'models:/{name}/{mv.version}')\n"
            "    scores[mv.version] = r2_score(y_test, model.predict(X_test))\n"
            "if scores:\n    if score >= max(list(scores.values())):\n        deploy_flag = 1\n")
    assert strong(run(tmp_path / "a", "baseline-comparison", {"src/evaluate.py": code})) == ["src/evaluate.py:7"]
    no_registry = code.replace("client.search_model_versions(f\"name='{name}'\")", "trials")
    assert run(tmp_path / "b", "baseline-comparison", {"src/evaluate.py": no_registry}) == []


# -- self-healing: a registry rollback --------------------------------------------------------------------

def test_self_healing_reads_the_previous_version_put_back_in_production_as_a_rollback(tmp_path):
    code = ("import mlflow\ndef rollback():\n    previous_model = get_previous_model(name)\n"
            "    client.transition_model_version_stage(\n        name=name,\n        version=previous_model.version,\n"
            "        stage='Production'\n    )\n")
    found = run(tmp_path / "a", "self-healing", {"dags/model_roll_back.py": code})
    assert strong(found, "deploy-3-automated-rollback") == ["dags/model_roll_back.py:4"]
    assert strong(found, "deploy-4-self-healing") == []
    forward = code.replace("previous_model.version", "new_version").replace("previous_model = get_previous_model(name)",
                                                                           "new_version = 3")
    assert run(tmp_path / "b", "self-healing", {"dags/promote.py": forward}) == []


def test_served_version_a_ci_job_deploying_to_a_named_environment_is_partial(tmp_path):
    gitlab = ("deploy:\n  stage: deploy\n  script:\n    - kubectl apply -f k8s/\n  environment:\n    name: production\n")
    found = run(tmp_path / "a", "served-version", {".gitlab-ci.yml": gitlab})
    assert strong(found) == [] and weak(found) == [".gitlab-ci.yml:5"]
    docs = ("pages:\n  stage: deploy\n  script:\n    - mkdocs build\n  environment:\n    name: docs\n")
    assert run(tmp_path / "b", "served-version", {".gitlab-ci.yml": docs}) == []


def test_ci_deploy_a_helm_action_deploys_and_an_image_push_comes_after_it(tmp_path):
    workflow = (ON_PUSH + "      - run: |\n          docker build . -t repo/model:1\n          docker push repo/model:1\n"
                "      - name: Deploy\n        uses: 'statcan/actions/helm@master'\n        with:\n          chart: ./chart\n")
    assert strong(run(tmp_path / "a", "ci-deploy", {".github/workflows/cd.yml": workflow})) == \
        [".github/workflows/cd.yml:12", ".github/workflows/cd.yml:10"]
    lint = ON_PUSH + "      - uses: azure/setup-helm@v3\n      - run: helm lint chart/\n"
    assert run(tmp_path / "b", "ci-deploy", {".github/workflows/cd.yml": lint}) == []


def test_ci_deploy_cites_the_registry_event_that_starts_the_deploy_pipeline_first_for_automated_deployment(tmp_path):
    cdk = ("from aws_cdk import aws_events as events, aws_events_targets as targets\n"
           "from aws_cdk import aws_codepipeline_actions as actions\n\n"
           "deploy = actions.CloudFormationCreateUpdateStackAction(action_name='Deploy', stack_name='s')\n"
           "events.Rule(self, 'ModelRegistryRule',\n"
           "    event_pattern=events.EventPattern(detail_type=['SageMaker Model Package State Change']),\n"
           "    targets=[targets.CodePipeline(pipeline=code_pipeline)])\n")
    found = run(tmp_path, "ci-deploy", {"infra/deploy_pipeline_construct.py": cdk})
    assert strong(found, "deploy-2-automated-deploy")[:2] == ["infra/deploy_pipeline_construct.py:5",
                                                              "infra/deploy_pipeline_construct.py:4"]
    assert strong(found, "deploy-1-script") == ["infra/deploy_pipeline_construct.py:4"]


def test_advanced_tracking_cites_an_evaluation_recorded_with_its_pipeline_job_then_the_training_pipeline(tmp_path):
    component = ("from kfp.v2.dsl import component\n\n@component\ndef import_evaluation(pipeline_job_id: str):\n"
                 "    evaluation = {\n        'metadata': {\n            'pipeline_job_id': pipeline_job_id,\n"
                 "        },\n    }\n")
    pipeline = "from kfp.v2 import dsl\n\ndef pipeline():\n    import_evaluation(pipeline_job_id='{{$.pipeline_job_name}}')\n"
    files = {"components/import_evaluation.py": component, "pipelines/training/pipeline.py": pipeline,
             "pipelines/prediction/pipeline.py": pipeline}
    assert weak(run(tmp_path / "a", "advanced-tracking", files)) == ["components/import_evaluation.py:7"]
    files.pop("components/import_evaluation.py")
    assert weak(run(tmp_path / "b", "advanced-tracking", files)) == ["pipelines/training/pipeline.py:4"]


def test_served_version_reads_a_serving_image_tagged_with_the_model_run(tmp_path):
    workflow = ON_PUSH + "      - run: docker push ${{ secrets.IMAGE }}:$RUN_ID\n"
    assert strong(run(tmp_path / "a", "served-version", {".github/workflows/cd.yml": workflow})) == \
        [".github/workflows/cd.yml:8"]
    latest = ON_PUSH + "      - run: docker push ${{ secrets.IMAGE }}:latest\n"
    assert run(tmp_path / "b", "served-version", {".github/workflows/cd.yml": latest}) == []


def test_environments_reads_a_deploy_script_sized_per_environment(tmp_path):
    code = ("import sagemaker\n\nmemory_size = {\n    'dev': 4096,\n    'staging': 4096,\n    'prod': 6144,\n}\n\n"
            "def deploy(model, stage):\n    return model.deploy(initial_instance_count=1, endpoint_name=stage)\n")
    assert strong(run(tmp_path / "a", "environments", {"sagemaker/deploy_model.py": code})) == ["sagemaker/deploy_model.py:3"]
    colours = code.replace("'dev'", "'red'").replace("'staging'", "'green'")
    assert run(tmp_path / "b", "environments", {"sagemaker/deploy_model.py": colours}) == []
    no_deploy = code.replace("model.deploy(", "model.fit(")
    assert run(tmp_path / "c", "environments", {"sagemaker/deploy_model.py": no_deploy}) == []


def test_served_version_reads_a_ci_deploy_command_given_the_model_version(tmp_path):
    workflow = (ON_PUSH + "      - run: |\n          python sagemaker/deploy_model.py \\\n"
                "          --name ${{ needs.parse.outputs.name }} \\\n          --version ${{ needs.parse.outputs.version }}\n")
    assert strong(run(tmp_path / "a", "served-version", {".github/workflows/cd.yml": workflow})) == \
        [".github/workflows/cd.yml:9"]
    unnamed = workflow.replace("--version", "--stage")
    assert run(tmp_path / "b", "served-version", {".github/workflows/cd.yml": unnamed}) == []


# -- quality-gate: a comparison kept in a name that alone lets the model be promoted ----------------------

def test_quality_gate_reads_a_kept_comparison_that_alone_promotes_the_model(tmp_path):
    code = ("def update_best_model():\n    challenger_wins = (\n        (m_chall < m_champ) if lower else (m_chall > m_champ)\n"
            "    )\n    if challenger_wins:\n        registry.add_version_aliases(['default'], challenger.version_id)\n"
            "        return True\n    return False\n")
    found = run(tmp_path / "a", "quality-gate", {"components/update_best_model.py": code})
    assert strong(found) == ["components/update_best_model.py:2"]
    logged = code.replace("registry.add_version_aliases(['default'], challenger.version_id)", "print('wins')")
    assert run(tmp_path / "b", "quality-gate", {"components/update_best_model.py": logged}) == []
