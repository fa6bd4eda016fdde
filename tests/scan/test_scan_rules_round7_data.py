"""Round 7, the data, model-training and monitoring criteria: which line an answer cites first (the step or
call that carries the practice out, not the pipeline's constructor, an import or a whole file) and the rules
that find or drop a practice. Each test is a small tree that the old rules cited wrongly, missed or
over-claimed, with the negative case beside it."""

from __future__ import annotations

from mlops_workbook.scan import PROBES, collect
from tests.scan.test_probes import write_tree
from tests.scan.test_scan_rules import answers


def run(tmp_path, probe: str, files: dict[str, str]):
    return PROBES[probe].run(collect(write_tree(tmp_path, files)))


def cited(tmp_path, files: dict[str, str]) -> dict[str, list[tuple[str, int | None]]]:
    """criterion -> the evidence locations its pre-filled answer cites, in order."""
    from mlops_workbook.assessment.rubric import load_rubric
    from mlops_workbook.scan.assess import assess, run_probes

    raw = collect(write_tree(tmp_path, files))
    return {f.criterion: [(loc.path, loc.line) for loc in f.evidence]
            for f in assess(load_rubric("mlops-maturity"), run_probes(raw))}


def first(tmp_path, files: dict[str, str], criterion: str) -> tuple[str, int | None] | None:
    found = cited(tmp_path, files).get(criterion)
    return found[0] if found else None


# -- orchestration: the pipeline's data steps for the data criteria ----------------------------------------

TFX = ("from tfx import v1 as tfx\nfrom tfx.orchestration import pipeline\n\n\ndef create():\n"
       "    example_gen = tfx.components.CsvExampleGen(input_base='data')\n"
       "    statistics_gen = tfx.components.StatisticsGen(examples=example_gen.outputs['examples'])\n"
       "    transform = tfx.components.Transform(examples=example_gen.outputs['examples'], module_file='t.py')\n"
       "    trainer = tfx.components.Trainer(module_file='m.py')\n"
       "    return pipeline.Pipeline(\n        pipeline_name='train',\n        components=[example_gen, trainer],\n    )\n")


def test_tfx_example_gen_is_the_preparation_step_and_transform_the_feature_step(tmp_path):
    found = cited(tmp_path, {"pipelines/training_pipeline.py": TFX})
    assert found["data-1-scripted-prep"][0] == ("pipelines/training_pipeline.py", 6)
    assert found["data-2-automated-features"][0] == ("pipelines/training_pipeline.py", 8)
    assert found["model-2-pipeline"][0] == ("pipelines/training_pipeline.py", 10)


def test_a_pipeline_with_no_data_step_cites_the_pipeline_for_prep_and_claims_no_automated_features(tmp_path):
    bare = TFX.replace("    example_gen = tfx.components.CsvExampleGen(input_base='data')\n", "") \
              .replace("    transform = tfx.components.Transform(examples=example_gen.outputs['examples'], module_file='t.py')\n",
                       "")
    found = cited(tmp_path / "a", {"pipelines/training_pipeline.py": bare})
    assert found["data-1-scripted-prep"][0] == ("pipelines/training_pipeline.py", 8)
    assert "data-2-automated-features" not in found
    # `Transform(` outside a TFX file is no TFX step.
    other = {"flows/train.py": "from prefect import flow\n\n\n@flow\ndef train():\n    t = Transform(x)\n"}
    assert "data-2-automated-features" not in cited(tmp_path / "b", other)


AIRFLOW = ("from airflow import DAG\nfrom airflow.operators.python import PythonOperator\n\n"
           "preprocess_dag = DAG('preprocess', schedule_interval='@daily')\n\n"
           "clean_data_task = PythonOperator(task_id='clean', python_callable=clean, dag=preprocess_dag)\n"
           "engineer_features_task = PythonOperator(task_id='features', python_callable=features, dag=preprocess_dag)\n"
           "feature_imp_task = PythonOperator(task_id='imp', python_callable=importance, dag=preprocess_dag)\n")


def test_airflow_tasks_named_for_preparation_and_features_are_cited_not_the_dag(tmp_path):
    found = cited(tmp_path, {"dags/data_preprocess_dag.py": AIRFLOW})
    assert found["data-1-scripted-prep"][0] == ("dags/data_preprocess_dag.py", 6)
    assert found["data-2-automated-features"] == [("dags/data_preprocess_dag.py", 7)]  # not the importance task
    unnamed = AIRFLOW.replace("clean_data_task", "t1").replace("engineer_features_task", "t2")
    found = cited(tmp_path / "b", {"dags/data_preprocess_dag.py": unnamed})
    assert found["data-1-scripted-prep"][0] == ("dags/data_preprocess_dag.py", 4)  # the DAG itself, as before
    assert "data-2-automated-features" not in found


def test_prefect_tasks_named_for_features_are_the_data_step(tmp_path):
    flow = ("from prefect import flow, task\n\n\n@task(retries=3)\ndef read(path):\n    return path\n\n\n"
            "@task\ndef add_features(df):\n    return df\n\n\n@flow\ndef main_flow():\n    add_features(read('x'))\n")
    assert first(tmp_path / "a", {"src/orchestrate.py": flow}, "data-1-scripted-prep") == ("src/orchestrate.py", 10)
    plain = flow.replace("add_features", "combine")
    assert first(tmp_path / "b", {"src/orchestrate.py": plain}, "data-1-scripted-prep") == ("src/orchestrate.py", 15)


def test_kedro_registry_etl_entry_is_the_prep_and_pipeline_ml_factory_the_shared_features(tmp_path):
    registry = ("from kedro.pipeline import Pipeline\nfrom kedro_mlflow.pipeline import pipeline_ml_factory\n\n\n"
                "def register_pipelines():\n    training = pipeline_ml_factory(training=ml, inference=inference)\n"
                "    return {\n        'etl_instances': etl,\n        'training': training,\n    }\n")
    found = cited(tmp_path / "a", {"src/pkg/pipeline_registry.py": registry})
    assert found["data-1-scripted-prep"][0] == ("src/pkg/pipeline_registry.py", 8)
    assert found["data-2-automated-features"][0] == ("src/pkg/pipeline_registry.py", 6)
    assert found["model-2-pipeline"][0] == ("src/pkg/pipeline_registry.py", 9)
    plain = registry.replace("pipeline_ml_factory(training=ml, inference=inference)", "ml + inference")
    assert "data-2-automated-features" not in cited(tmp_path / "b", {"src/pkg/pipeline_registry.py": plain})


def test_a_ray_trainer_is_no_orchestrated_pipeline_but_its_preprocessing_is_the_data_step(tmp_path):
    train = ("import ray\nfrom ray.train.torch import TorchTrainer\n\n\ndef train_model(ds):\n"
             "    preprocessor = CustomPreprocessor()\n    ds = preprocessor.fit_transform(ds)\n"
             "    trainer = TorchTrainer(train_loop, datasets={'train': ds})\n    return trainer.fit()\n")
    found = cited(tmp_path / "a", {"pkg/train.py": train})
    assert "model-2-pipeline" not in found
    assert found["data-1-scripted-prep"][0] == ("pkg/train.py", 7)  # the fit, not the constructor above it
    assert found["data-2-automated-features"][0] == ("pkg/train.py", 7)
    bare = train.replace("    preprocessor = CustomPreprocessor()\n    ds = preprocessor.fit_transform(ds)\n", "")
    found = cited(tmp_path / "b", {"pkg/train.py": bare})
    assert "data-1-scripted-prep" not in found and "model-2-pipeline" not in found


def test_a_sagemaker_processing_step_is_a_data_step_when_its_name_says_it_preprocesses(tmp_path):
    pipeline = ("from sagemaker.workflow.pipeline import Pipeline\nfrom sagemaker.workflow.steps import ProcessingStep\n\n"
                "step_eval = ProcessingStep(\n    name='EvaluateModel',\n    processor=p,\n)\n"
                "step_process = ProcessingStep(\n    name='PreprocessData',\n    processor=p,\n)\n"
                "pipeline = Pipeline(name='train', steps=[step_process, step_eval])\n")
    found = cited(tmp_path / "a", {"pipelines/pipeline.py": pipeline})
    assert found["data-2-automated-features"] == [("pipelines/pipeline.py", 8)]
    assert found["data-1-scripted-prep"][0] == ("pipelines/pipeline.py", 8)
    evaluation = pipeline.replace("PreprocessData", "ScoreBatch")
    assert "data-2-automated-features" not in cited(tmp_path / "b", {"pipelines/pipeline.py": evaluation})


def test_a_dbt_run_inside_a_metaflow_flow_is_its_data_transformation(tmp_path):
    flow = ("import subprocess\nfrom metaflow import FlowSpec, step\n\n\nclass TrainFlow(FlowSpec):\n"
            "    @step\n    def start(self):\n        cmd = 'dbt run --vars x'\n        subprocess.run(cmd, shell=True)\n")
    found = cited(tmp_path / "a", {"src/flow.py": flow})
    assert found["data-1-scripted-prep"][0] == ("src/flow.py", 8)
    assert found["data-2-automated-features"][0] == ("src/flow.py", 8)
    assert found["model-2-pipeline"][0] == ("src/flow.py", 5)
    quiet = flow.replace("dbt run --vars x", "echo hi")
    assert "data-2-automated-features" not in cited(tmp_path / "b", {"src/flow.py": quiet})


AML_JOB = ("$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json\ntype: pipeline\n\n"
           "jobs:\n  prep_data:\n    command: python prep.py\n  train_model:\n    command: python train.py\n")


def test_an_azure_ml_pipeline_job_yaml_is_a_pipeline_with_its_prep_job(tmp_path):
    found = cited(tmp_path / "a", {"mlops/azureml/train/pipeline.yml": AML_JOB})
    assert found["model-2-pipeline"][0] == ("mlops/azureml/train/pipeline.yml", 4)
    assert found["data-1-scripted-prep"][0] == ("mlops/azureml/train/pipeline.yml", 5)
    # A CI workflow's `jobs:` is no Azure ML pipeline.
    workflow = {".github/workflows/train.yml": "on: [push]\njobs:\n  prep_data:\n    runs-on: ubuntu-latest\n"}
    found = cited(tmp_path / "b", workflow)
    assert "model-2-pipeline" not in found and "data-1-scripted-prep" not in found


def test_an_azure_ml_sdk_pipeline_is_a_pipeline(tmp_path):
    build = ("from azureml.pipeline.core import Pipeline\nfrom azureml.pipeline.steps import PythonScriptStep\n\n"
             "train_step = PythonScriptStep(name='Train', script_name='train.py')\n"
             "train_pipeline = Pipeline(workspace=ws, steps=[train_step])\n")
    assert first(tmp_path / "a", {"ml_service/build_train_pipeline.py": build}, "model-2-pipeline") == \
        ("ml_service/build_train_pipeline.py", 5)
    unrelated = build.replace("from azureml.pipeline.core import Pipeline\n", "from sklearn.pipeline import Pipeline\n") \
                     .replace("from azureml.pipeline.steps import PythonScriptStep\n", "")
    assert "model-2-pipeline" not in cited(tmp_path / "b", {"ml_service/build_train_pipeline.py": unrelated})


def test_the_training_pipeline_named_by_its_folder_and_decorator_comes_before_the_prediction_one(tmp_path):
    kfp = ("from kfp import dsl\n\n\n@dsl.pipeline(name='{name}-pipeline')\ndef pipeline(project: str):\n"
           "    ingest = bq_query_to_table(query=q)\n    train = train_job(ingest.output)\n")
    files = {"pipelines/a/prediction/pipeline.py": kfp.format(name="predict"),
             "pipelines/a/training/pipeline.py": kfp.format(name="train")}
    found = cited(tmp_path, files)
    assert found["model-2-pipeline"][0] == ("pipelines/a/training/pipeline.py", 5)
    assert found["data-1-scripted-prep"][0] == ("pipelines/a/training/pipeline.py", 6)


# -- data-prep: the preparation step, not a read in an unrelated script --------------------------------------

PREP_SCRIPT = "import pandas as pd\n\n\ndef main():\n    df = pd.read_csv('raw.csv')\n    df.to_csv('train.csv')\n"


def test_data_prep_cites_the_pipeline_s_preparation_step_before_the_script_it_runs(tmp_path):
    pipeline = ("from sagemaker.workflow.pipeline import Pipeline\nfrom sagemaker.workflow.steps import ProcessingStep\n\n"
                "step_process = ProcessingStep(\n    name='PreprocessData',\n    code='preprocess.py',\n)\n"
                "pipeline = Pipeline(name='train', steps=[step_process])\n")
    files = {"pipelines/pipeline.py": pipeline, "pipelines/preprocess.py": PREP_SCRIPT}
    found = cited(tmp_path / "a", files)
    assert found["data-1-scripted-prep"][:2] == [("pipelines/pipeline.py", 4), ("pipelines/preprocess.py", 5)]
    assert answers(tmp_path / "b", files)["data-1-scripted-prep"] == "yes"
    alone = {"pipelines/preprocess.py": PREP_SCRIPT}
    assert cited(tmp_path / "c", alone)["data-1-scripted-prep"] == [("pipelines/preprocess.py", 5)]


def test_data_prep_cites_a_script_named_for_preparation_before_one_that_evaluates_or_scores(tmp_path):
    files = {"src/evaluate.py": PREP_SCRIPT, "src/batchscore_data.py": PREP_SCRIPT, "src/data_cleaning.py": PREP_SCRIPT}
    assert first(tmp_path / "a", files, "data-1-scripted-prep") == ("src/data_cleaning.py", 5)
    files = {"src/evaluate_data.py": PREP_SCRIPT, "src/data_utils.py": PREP_SCRIPT}
    assert first(tmp_path / "b", files, "data-1-scripted-prep") == ("src/data_utils.py", 5)


def test_an_azure_ml_dataset_registered_by_the_build_script_is_a_prepared_set(tmp_path):
    build = ("from azureml.core import Dataset\n\n\ndef main():\n    ds = Dataset.Tabular.from_delimited_files(path=p)\n"
             "    ds = ds.register(workspace=ws, name='train')\n")
    assert first(tmp_path / "a", {"ml_service/build_data.py": build}, "data-1-scripted-prep") == \
        ("ml_service/build_data.py", 5)
    unregistered = build.replace("    ds = ds.register(workspace=ws, name='train')\n", "    print(ds)\n")
    assert "data-1-scripted-prep" not in cited(tmp_path / "b", {"ml_service/build_data.py": unregistered})


def test_a_dvc_stage_named_for_preparation_is_scripted_prep(tmp_path):
    dvc = ("stages:\n  data_split:\n    cmd: python src/data_split.py\n    outs:\n    - data/train\n"
           "  train:\n    cmd: python src/train.py\n")
    found = cited(tmp_path / "a", {"dvc.yaml": dvc})
    assert found["data-1-scripted-prep"][0] == ("dvc.yaml", 2)
    assert answers(tmp_path / "b", {"dvc.yaml": dvc})["data-1-scripted-prep"] == "yes"
    train_only = {"dvc.yaml": "stages:\n  train:\n    cmd: python src/train.py\n"}
    assert "data-1-scripted-prep" not in cited(tmp_path / "c", train_only)


def test_a_prefect_task_module_s_preparation_task_is_cited_but_is_no_feature_step(tmp_path):
    files = {"pkg/features.py": "from prefect import task\n\n\n@task\ndef extract_features(path):\n    return load(path)\n",
             "pkg/flow.py": "from prefect import flow\n\n\n@flow\ndef pipeline():\n    train()\n"}
    found = cited(tmp_path, files)
    assert found["data-1-scripted-prep"][0] == ("pkg/features.py", 5)
    assert "data-2-automated-features" not in found


def test_a_databricks_multitask_job_spec_is_a_pipeline_and_its_feature_task_the_prep(tmp_path):
    spec = ("environments:\n  prod:\n    jobs:\n      - name: 'setup'\n        spark_python_task:\n          python_file: s.py\n"
            "      - name: 'train-register'\n        tasks:\n          - task_key: 'feature-table-creation'\n"
            "            spark_python_task:\n              python_file: f.py\n          - task_key: 'model-train'\n"
            "            depends_on:\n              - task_key: 'feature-table-creation'\n")
    found = cited(tmp_path / "a", {"conf/deployment.yml": spec})
    assert found["model-2-pipeline"][0] == ("conf/deployment.yml", 7)
    assert found["data-1-scripted-prep"] == [("conf/deployment.yml", 9)]  # not the depends_on entry
    single = {"conf/deployment.yml": spec.split("      - name: 'train-register'")[0]}
    assert "model-2-pipeline" not in cited(tmp_path / "b", single)


# -- feature-store: the definition for the store, the training set and batch scoring for shared features ------

FS_TRAIN = ("from databricks.feature_store import FeatureStoreClient, FeatureLookup\n\nfs = FeatureStoreClient()\n"
            "lookups = [FeatureLookup(table_name='f', lookup_key='id')]\n"
            "training_set = fs.create_training_set(df, feature_lookups=lookups, label='y')\n")
FS_TABLE = ("from databricks.feature_store import FeatureStoreClient\n\nfs = FeatureStoreClient()\n"
            "fs.create_table(name='f', primary_keys=['id'], df=features)\n")


def test_feature_store_cites_the_table_definition_for_the_store_and_the_training_set_for_shared_features(tmp_path):
    found = cited(tmp_path, {"features/write_features.py": FS_TABLE, "training/train.py": FS_TRAIN})
    assert found["data-3-feature-store"][0] == ("features/write_features.py", 4)
    assert found["data-2-automated-features"][0] == ("training/train.py", 5)
    assert ("features/write_features.py", 1) not in found["data-3-feature-store"][:2]  # the import comes last


def test_feature_store_client_alone_is_cited_after_its_calls_and_without_a_call_still_at_the_client(tmp_path):
    client_only = {"train.py": "from databricks.feature_store import FeatureStoreClient\n\nfs = FeatureStoreClient()\n"}
    assert first(tmp_path / "a", client_only, "data-3-feature-store") == ("train.py", 1)
    assert "data-3-feature-store" not in cited(tmp_path / "b", {"train.py": "import pandas as pd\nfs = None\n"})


# -- pinned-environment: the environment the training installs, a pin line for a partly pinned file ----------

def test_a_partly_pinned_requirements_file_is_cited_at_its_first_exact_pin(tmp_path):
    files = {"requirements.txt": "# tools\npandas>=1.0\nkedro==0.18.2\nnumpy\n"}
    found = run(tmp_path / "a", "pinned-environment", files)
    assert [(f.outcome, f.location.line) for f in found] == [("weak", 3)]
    full = {"requirements.txt": "pandas==2.0.1\nnumpy==1.24.3\n"}
    assert [(f.outcome, f.location.line) for f in run(tmp_path / "b", "pinned-environment", full)] == [("positive", None)]


def test_the_training_environment_comes_before_the_serving_and_tooling_ones(tmp_path):
    pins = "pandas==2.0.1\nnumpy==1.24.3\n"
    files = {"requirements.txt": "black==23.1.0\nruff==0.1.0\n", "api/requirements.txt": pins,
             "data-science/environment/train-conda.yml": "channels:\n  - defaults\ndependencies:\n  - python=3.7.5\n"
                                                         "  - pip:\n      - scikit-learn==0.24.1\n"}
    assert first(tmp_path / "a", files, "model-1-reproducible-env") == ("data-science/environment/train-conda.yml", None)
    serving = {"deployment/streaming/requirements.txt": pins, "deployment/streaming/Dockerfile": "FROM python:3.9\n"
               "COPY requirements.txt .\n", "training/train.py": "print(1)\n", "training/requirements.txt": pins}
    assert first(tmp_path / "b", serving, "model-1-reproducible-env") == ("training/requirements.txt", None)


def test_a_lock_file_beside_the_training_code_comes_before_another_component_s(tmp_path):
    files = {"components/bigquery/Pipfile.lock": "{}\n", "components/bigquery/query.py": "print(1)\n",
             "pipelines/Pipfile.lock": "{}\n", "pipelines/training/train_model.py": "print(1)\n"}
    assert first(tmp_path, files, "model-1-reproducible-env") == ("pipelines/Pipfile.lock", None)


def test_a_conda_file_by_another_name_is_read_and_a_partly_pinned_one_cited_at_its_pin(tmp_path):
    conda = ("name: training_env\ndependencies:\n  - python=3.7.*\n  - pip\n  - pip:\n      - azureml-sdk==1.27.1\n"
             "      - scikit-learn\n")
    found = run(tmp_path / "a", "pinned-environment", {"ml/conda_dependencies.yml": conda})
    assert [(f.outcome, f.location.line) for f in found] == [("weak", 6)]
    # A YAML `dependencies:` list that is no conda file (a Helm chart) is no environment.
    chart = {"chart/Chart.yaml": "apiVersion: v2\ndependencies:\n  - name: redis\n    version: 17.0.0\n"}
    assert run(tmp_path / "b", "pinned-environment", chart) == []


def test_an_exact_pin_in_setup_py_is_a_partial_pin(tmp_path):
    setup = "import setuptools\n\nrequired = ['sagemaker==2.93.0']\nsetuptools.setup(install_requires=required)\n"
    found = run(tmp_path / "a", "pinned-environment", {"setup.py": setup})
    assert [(f.outcome, f.location.line) for f in found] == [("weak", 3)]
    ranged = setup.replace("==", ">=")
    assert run(tmp_path / "b", "pinned-environment", {"setup.py": ranged}) == []


# -- data versioning: what a training run records of its data ------------------------------------------------

def test_committed_data_is_cited_where_a_job_hands_it_to_training_and_monitoring_data_comes_last(tmp_path):
    job = ("#!/bin/bash\n# Test data\nexport DATASET_LOC=datasets/dataset.csv\npytest tests/data\n\n\n\n\n\n\n\n"
           "# Train\nexport DATASET_LOC=datasets/dataset.csv\npython pkg/train.py --dataset-loc $DATASET_LOC\n")
    files = {"datasets/dataset.csv": "a,b\n1,2\n", "deploy/workloads.sh": job}
    assert cited(tmp_path / "a", files)["data-1-versioning"][:2] == [("deploy/workloads.sh", 13), ("datasets/dataset.csv", None)]
    untrained = {"datasets/dataset.csv": "a,b\n1,2\n", "deploy/workloads.sh": "export DATASET_LOC=datasets/dataset.csv\n"}
    assert cited(tmp_path / "b", untrained)["data-1-versioning"][0] == ("datasets/dataset.csv", None)
    monitoring = {"monitoring/data/current.parquet": "x", "data/train.parquet": "x"}
    assert cited(tmp_path / "c", monitoring)["data-1-versioning"][0] == ("data/train.parquet", None)


def test_mlflow_log_input_records_the_dataset_with_the_run(tmp_path):
    train = "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_input(dataset, context='train')\n"
    found = run(tmp_path / "a", "data-versioning", {"train.py": train})
    assert [(f.outcome, f.location.line) for f in found] == [("positive", 4)]
    assert answers(tmp_path / "b", {"train.py": train})["data-1-versioning"] == "yes"
    assert run(tmp_path / "c", "data-versioning", {"train.py": train.replace("import mlflow\n", "")}) == []


def test_a_data_hash_where_runs_are_tracked_and_a_pipeline_input_data_parameter_are_partial(tmp_path):
    train = "import mlflow\n\ndataset_signature = generate_hash(files)\nmlflow.log_params({'sig': dataset_signature})\n"
    assert [(f.outcome, f.location.line) for f in run(tmp_path / "a", "data-versioning", {"train.py": train})] == \
        [("weak", 3)]
    untracked = train.replace("import mlflow\n", "").replace("mlflow.log_params({'sig': dataset_signature})\n", "")
    assert run(tmp_path / "b", "data-versioning", {"train.py": untracked}) == []
    sm = ("from sagemaker.workflow.parameters import ParameterString\n\n"
          "model_status = ParameterString(name='ModelApprovalStatus')\ninput_data = ParameterString(name='InputDataUrl')\n")
    found = run(tmp_path / "c", "data-versioning", {"pipelines/pipeline.py": sm})
    assert [(f.outcome, f.location.line) for f in found] == [("weak", 4)]
    assert answers(tmp_path / "d", {"pipelines/pipeline.py": sm})["data-1-versioning"] == "partial"


def test_an_azure_ml_data_asset_is_partial_versioning(tmp_path):
    asset = ("$schema: https://azuremlschemas.azureedge.net/latest/data.schema.json\n\ntype: uri_file\nname: taxi-data\n"
             "path: ../data/taxi.csv\n")
    found = run(tmp_path / "a", "data-versioning", {"mlops/train/data.yml": asset})
    assert [(f.outcome, f.location.line) for f in found] == [("weak", 4)]
    other = asset.replace("data.schema.json", "environment.schema.json")
    assert run(tmp_path / "b", "data-versioning", {"mlops/train/env.yml": other}) == []


# -- monitoring: the metric that carries each criterion --------------------------------------------------------

EVIDENTLY = ("from evidently import ColumnMapping\nfrom evidently.report import Report\n"
             "from evidently.metrics import ColumnDriftMetric, DatasetDriftMetric\n\n"
             "report = Report(\n    metrics=[\n        ColumnDriftMetric(column_name='prediction'),\n"
             "        DatasetDriftMetric(),\n    ]\n)\n")


def test_evidently_prediction_drift_cites_the_prediction_column_and_data_drift_the_dataset_metric(tmp_path):
    found = cited(tmp_path / "a", {"monitoring/metrics.py": EVIDENTLY})
    assert found["monitor-3-prediction-drift"][0] == ("monitoring/metrics.py", 7)
    assert found["monitor-3-data-drift"][0] == ("monitoring/metrics.py", 8)
    assert found["monitor-2-basic-drift"][0] == ("monitoring/metrics.py", 8)
    assert "monitor-2-performance-labels" not in found  # drift is no performance on labels
    inputs_only = EVIDENTLY.replace("        ColumnDriftMetric(column_name='prediction'),\n", "")
    assert "monitor-3-prediction-drift" not in cited(tmp_path / "b", {"monitoring/metrics.py": inputs_only})


def test_evidently_performance_on_labels_cites_the_quality_metric(tmp_path):
    report = ("from evidently import Report\nfrom evidently.presets import DataDriftPreset\nfrom evidently.metrics import "
              "Accuracy, F1Score\n\nreport = Report(metrics=[DataDriftPreset(), Accuracy(), F1Score()])\n")
    found = cited(tmp_path, {"monitoring/run.py": report})
    assert found["monitor-2-performance-labels"] == [("monitoring/run.py", 5)]


def test_vertex_prediction_drift_cites_the_drift_config_and_skew_alone_is_no_prediction_drift(tmp_path):
    notebook = ("from google.cloud import aiplatform as vertex_ai\n\n"
                "skew = vertex_ai.ModelMonitoringObjectiveConfig.TrainingPredictionSkewDetectionConfig(skew_thresholds=t)\n"
                "drift = vertex_ai.ModelMonitoringObjectiveConfig.PredictionDriftDetectionConfig(drift_thresholds=t)\n"
                "job = vertex_ai.ModelDeploymentMonitoringJob.create(display_name='m')\n")
    found = cited(tmp_path / "a", {"monitoring.py": notebook})
    assert found["monitor-3-prediction-drift"][0] == ("monitoring.py", 4)
    assert found["monitor-2-basic-drift"][0] == ("monitoring.py", 5)
    skew_only = notebook.replace(
        "drift = vertex_ai.ModelMonitoringObjectiveConfig.PredictionDriftDetectionConfig(drift_thresholds=t)\n", "")
    found = cited(tmp_path / "b", {"monitoring.py": skew_only})
    assert "monitor-3-prediction-drift" not in found and "monitor-2-basic-drift" in found


def test_a_vertex_batch_job_s_model_monitoring_config_is_a_monitor_and_its_email_an_alert(tmp_path):
    component = ("def batch_predict():\n    from google.cloud.aiplatform_v1beta1.types import BatchPredictionJob\n"
                 "    message = {}\n    message['modelMonitoringConfig'] = {\n"
                 "        'alertConfig': {'emailAlertConfig': {'userEmails': emails}},\n"
                 "        'objectiveConfigs': [{'trainingPredictionSkewDetectionConfig': skew}],\n    }\n")
    found = cited(tmp_path / "a", {"components/batch_predict.py": component})
    assert found["monitor-2-basic-drift"][0] == ("components/batch_predict.py", 4)
    assert found["monitor-2-alerting"][0] == ("components/batch_predict.py", 5)
    other = component.replace("from google.cloud.aiplatform_v1beta1.types import BatchPredictionJob", "import json")
    assert "monitor-2-basic-drift" not in cited(tmp_path / "b", {"components/batch_predict.py": other})


def test_an_airflow_failure_email_is_cited_before_a_success_email(tmp_path):
    dag = ("from airflow.operators.email import EmailOperator\n\n"
           "success_email = EmailOperator(task_id='failure_email', to=['a@b.c'])\n"
           "send_validation_failure_email = EmailOperator(task_id='send', to=['a@b.c'])\n")
    assert first(tmp_path, {"dags/data_dag.py": dag}, "monitor-2-alerting") == ("dags/data_dag.py", 4)


# -- data-validation: the validating call, the training pipeline's check -------------------------------------

def test_tfx_example_validator_is_cited_before_statistics_gen_and_is_no_production_monitoring(tmp_path):
    tfx = ("from tfx.components import ExampleValidator, StatisticsGen\n\n"
           "stats = StatisticsGen(examples=gen.outputs['examples'])\n"
           "validator = ExampleValidator(statistics=stats.outputs['statistics'], schema=schema)\n")
    found = cited(tmp_path / "a", {"pipelines/training_pipeline.py": tfx})
    assert found["data-2-validation"][0] == ("pipelines/training_pipeline.py", 4)
    assert "data-3-quality-monitoring" not in found
    stats_only = {"pipelines/training_pipeline.py": tfx.split("validator =")[0]}
    assert answers(tmp_path / "b", stats_only)["data-2-validation"] == "partial"  # statistics describe, not check


def test_a_sagemaker_quality_check_in_a_batch_pipeline_monitors_production_data_not_training_data(tmp_path):
    check = ("from sagemaker.workflow.quality_check_step import DataQualityCheckConfig, QualityCheckStep\n\n"
             "config = DataQualityCheckConfig(baseline_dataset=uri)\nstep = QualityCheckStep(\n    name='Check',\n"
             "    quality_check_config=config,\n)\n")
    found = cited(tmp_path / "a", {"batch_pipeline/pipeline.py": check})
    assert answers(tmp_path / "b", {"batch_pipeline/pipeline.py": check})["data-2-validation"] == "partial"
    assert found["data-3-quality-monitoring"][0] == ("batch_pipeline/pipeline.py", 4)
    assert answers(tmp_path / "c", {"build_pipeline/pipeline.py": check})["data-2-validation"] == "yes"


# -- ml-tests and ci-tests: tests of the ML code, not a template's or a deployment's ---------------------------

def test_a_template_demonstration_test_and_a_smoke_script_are_no_unit_tests(tmp_path):
    template = ("from pathlib import Path\n\n\n# The tests below are here for the demonstration purpose\n"
                "# and should be replaced with the ones testing the project\nclass TestProjectContext:\n"
                "    def test_package_name(self, project_context):\n        assert project_context.package_name == 'p'\n")
    assert run(tmp_path / "a", "ml-tests", {"src/tests/test_run.py": template}) == []
    smoke = ("import argparse\n\n\ndef test_endpoint(name):\n    return describe(name)\n\n\n"
             "if __name__ == '__main__':\n    parser = argparse.ArgumentParser()\n    test_endpoint(parser.parse_args().name)\n")
    assert run(tmp_path / "b", "ml-tests", {"tests/test_endpoints.py": smoke}) == []
    helper = {"tests/test_helpers.py": "def test_increment():\n    assert increment(3) == 4\n"}
    assert [f.outcome for f in run(tmp_path / "c", "ml-tests", helper)] == ["weak"]  # other code, still partial


def test_tests_of_other_code_cite_the_one_about_the_model_first(tmp_path):
    files = {"test/test_integration.py": "def test_docker_lambda():\n    assert call() == 200\n",
             "test/test_unittest.py": "import unittest\n\n\nclass T(unittest.TestCase):\n    def test_predict(self):\n"
                                      "        assert handler.predict(x) == 1\n"}
    assert next(f.location.path for f in run(tmp_path, "ml-tests", files)) == "test/test_unittest.py"


def test_ci_tests_cite_the_unit_test_step_before_the_deployed_model_check(tmp_path):
    build = ("steps:\n- name: 'gcr.io/cloud-builders/docker'\n  args: ['build']\n- name: 'image'\n  entrypoint: 'pytest'\n  args: ['src/tests/model_deployment_tests.py']\n"
             "- name: 'image'\n  entrypoint: 'pytest'\n  args: ['src/tests/datasource_utils_tests.py']\n")
    found = run(tmp_path / "a", "ci-tests", {"build/a-pipeline.yaml": build})
    assert found and found[0].location.line == 8
    only_deploy = {"build/a-pipeline.yaml": build.split("- name: 'image'\n  entrypoint: 'pytest'\n  args: ['src/tests/data")[0]}
    assert [f.location.line for f in run(tmp_path / "b", "ci-tests", only_deploy)] == [5]


# -- labeling and explanations: automation that runs, explanations where predictions are served -----------------

def test_label_issue_detection_in_a_notebook_is_no_automated_labeling_and_never_active_learning(tmp_path):
    cell = '{"cells": [{"cell_type": "code", "source": ["from cleanlab.filter import find_label_issues\\n", ' \
           '"issues = find_label_issues(labels, probs)\\n"]}]}\n'
    assert run(tmp_path / "a", "labeling", {"notebooks/explore.ipynb": cell}) == []
    script = "from cleanlab.filter import find_label_issues\n\nissues = find_label_issues(labels, probs)\n"
    found = answers(tmp_path / "b", {"pkg/label_quality.py": script})
    assert found["data-4-automated-labeling"] == "partial" and "data-4-active-learning" not in found
    learner = "from modAL.models import ActiveLearner\n\nlearner = ActiveLearner(estimator=model)\n"
    found = answers(tmp_path / "c", {"pkg/select.py": learner})
    assert "data-4-active-learning" in found and "data-4-automated-labeling" not in found


def test_an_offline_shap_report_is_explainability_but_no_per_prediction_explanation(tmp_path):
    report = "import shap\n\nexplainer = shap.TreeExplainer(model)\nvalues = explainer.shap_values(X)\n"
    found = answers(tmp_path / "a", {"model/feature_importance_analyzer.py": report})
    assert "model-3-explainability" in found and "gov-4-explainable-ai" not in found
    app = "import shap\nfrom flask import Flask\n\napp = Flask(__name__)\nexplainer = shap.TreeExplainer(model)\n"
    assert answers(tmp_path / "b", {"service/main.py": app})["gov-4-explainable-ai"] == "partial"


# -- batch-scoring: the step that scores in bulk, not a setting, a job-management call or an evaluation --------

def test_batch_scoring_skips_settings_and_job_management_and_cites_the_step(tmp_path):
    pipeline = ("from kfp import dsl\n\n\n@dsl.pipeline(name='predict')\ndef p(batch_prediction_machine_type: str = 'n1'):\n"
                "    client.cancel_batch_prediction_job(name=uri)\n    batch_prediction = (\n        model_batch_predict(model=m)\n    )\n")
    assert first(tmp_path / "a", {"pipelines/prediction/pipeline.py": pipeline}, "data-2-batch-and-realtime") == \
        ("pipelines/prediction/pipeline.py", 7)
    settings_only = pipeline.split("    batch_prediction = (")[0]
    assert "data-2-batch-and-realtime" not in cited(tmp_path / "b", {"pipelines/prediction/pipeline.py": settings_only})


def test_batch_scoring_inside_an_evaluation_script_comes_after_the_predict_path(tmp_path):
    code = "import ray\n\n\ndef run(ds):\n    return ds.map_batches(predictor.predict_proba)\n"
    files = {"pkg/evaluate.py": code, "pkg/predict.py": code}
    assert first(tmp_path, files, "data-2-batch-and-realtime") == ("pkg/predict.py", 5)


def test_a_sagemaker_scoring_step_and_an_azure_ml_batch_deployment_are_batch_paths(tmp_path):
    sm = ("from sagemaker.workflow.steps import ProcessingStep\n\nstep_eval = ProcessingStep(name='EvaluateModel', processor=p)\n"
          "step_score = ProcessingStep(name='ScoreModel', processor=p)\n")
    assert first(tmp_path / "a", {"batch_pipeline/pipeline.py": sm}, "data-2-batch-and-realtime") == \
        ("batch_pipeline/pipeline.py", 4)
    evaluation_only = {"batch_pipeline/pipeline.py": sm.split("step_score")[0]}
    assert "data-2-batch-and-realtime" not in cited(tmp_path / "b", evaluation_only)
    aml = "$schema: https://azuremlschemas.azureedge.net/latest/batchDeployment.schema.json\nname: batch-dp\n"
    assert first(tmp_path / "c", {"mlops/deploy/batch-deployment.yml": aml}, "data-2-batch-and-realtime") == \
        ("mlops/deploy/batch-deployment.yml", 1)
    online = aml.replace("batchDeployment", "managedOnlineDeployment")
    assert "data-2-batch-and-realtime" not in cited(tmp_path / "d", {"mlops/deploy/online-deployment.yml": online})


# -- prediction-log: predictions a batch job keeps ------------------------------------------------------------

def test_a_batch_inference_job_writing_its_predictions_to_a_table_is_a_partial_prediction_log(tmp_path):
    job = ("def run(df):\n    pred_df = model.predict(df)\n    pred_df.write.format('delta').mode('overwrite')"
           ".saveAsTable(out)\n")
    found = run(tmp_path / "a", "prediction-log", {"pkg/model_inference.py": job})
    assert [(f.outcome, f.location.line) for f in found] == [("weak", 3)]
    assert answers(tmp_path / "b", {"pkg/model_inference.py": job})["monitor-1-prediction-log"] == "partial"
    # The same write in a feature job (no prediction, not named for scoring) is no prediction log.
    features = job.replace("pred_df = model.predict(df)", "pred_df = compute(df)")
    assert run(tmp_path / "c", "prediction-log", {"pkg/feature_job.py": features}) == []


def test_a_prediction_writer_step_and_a_batch_job_output_table_are_partial_prediction_logs(tmp_path):
    component = "@component\ndef datastore_prediction_writer(kind: str):\n    write(kind)\n"
    assert [(f.outcome, f.location.line) for f in run(tmp_path / "a", "prediction-log", {"components.py": component})] \
        == [("weak", 2)]
    pipeline = ("def p():\n    batch_prediction = model_batch_predict(\n        source_uri=src,\n"
                "        destination_uri=bigquery_destination_output_uri,\n    )\n")
    assert [f.location.line for f in run(tmp_path / "b", "prediction-log", {"prediction/pipeline.py": pipeline})] == [4]
    assert run(tmp_path / "c", "prediction-log", {"export.py": "def p():\n    copy(destination_uri=out)\n"}) == []


# -- assess: a call or configuration line before an import ------------------------------------------------------

def test_an_answer_cites_a_call_before_an_import_of_the_same_probe(tmp_path):
    from mlops_workbook.assessment.rubric import load_rubric
    from mlops_workbook.scan.assess import assess
    from mlops_workbook.scan.findings import Finding, Location

    rubric = load_rubric("mlops-maturity")
    imported = Finding("feature-store", "positive", Location("a_features.py", 1, "Tecton: import tecton"))
    called = Finding("feature-store", "positive", Location("b_train.py", 5, "Databricks: .create_training_set"))
    found = {f.criterion: f for f in assess(rubric, {"feature-store": (imported, called)})}
    assert found["data-3-feature-store"].evidence[0].path == "b_train.py"
    # Alone, the import is still cited (the probe found nothing better).
    found = {f.criterion: f for f in assess(rubric, {"feature-store": (imported,)})}
    assert found["data-3-feature-store"].evidence[0].path == "a_features.py"
    # A detail that only mentions an import among other words is no import line.
    tested = Finding("ml-tests", "positive", Location("tests/test_a.py", 3, "test of ML code: test_fit (imports project code: "
                                                                          "from pkg import train)"))
    later = Finding("ml-tests", "positive", Location("tests/test_b.py", 3, "test of ML code: test_predict"))
    found = {f.criterion: f for f in assess(rubric, {"ml-tests": (tested, later)})}
    assert found["model-1-unit-tests"].evidence[0].path == "tests/test_a.py"


def test_a_dvc_model_artifact_with_a_committed_lock_is_cited_for_model_versioning(tmp_path):
    dvc = ("stages:\n  train:\n    cmd: python train.py\n    params:\n    - train\n    outs:\n    - models/model.pkl\n"
           "artifacts:\n  churn-model:\n    path: models/model.pkl\n    type: model\n")
    files = {"dvc.yaml": dvc, "dvc.lock": "schema: '2.0'\n", "params.yaml": "train:\n  lr: 0.1\n"}
    assert first(tmp_path / "a", files, "model-2-versioning") == ("dvc.yaml", 9)
    unlocked = {"dvc.yaml": dvc, "params.yaml": "train:\n  lr: 0.1\n"}
    # Without the lock, params-files has no versioned model to cite (the DVC registry artifact still
    # evidences versioning, through model-registry).
    raw = collect(write_tree(tmp_path / "b", unlocked))
    assert [f.location.ref() for f in PROBES["params-files"].run(raw) if f.criterion == "model-2-versioning"
            or f.location.path == "dvc.yaml"] == []
    data_only = {"dvc.yaml": dvc.replace("type: model", "type: dataset"), "dvc.lock": "x\n"}
    assert "model-2-versioning" not in cited(tmp_path / "c", data_only)


def test_grafana_provisioning_without_a_dashboard_is_partial_basic_metrics_and_no_dashboard(tmp_path):
    provisioning = "apiVersion: 1\n\nproviders:\n  - name: 'Evidently Dashboards'\n    folder: ''\n"
    job = ("from evidently.report import Report\n\nreport = Report(metrics=[])\n"
           "curr.execute('insert into dummy_metrics(timestamp, prediction_drift) values (%s, %s)', row)\n")
    files = {"monitoring/config/grafana_dashboards.yaml": provisioning, "monitoring/metrics.py": job}
    found = answers(tmp_path / "a", files)
    assert found["monitor-1-basic-metrics"] == "partial" and "monitor-3-dashboards" not in found
    assert first(tmp_path / "b", files, "monitor-1-basic-metrics") == ("monitoring/metrics.py", 4)
    with_dashboard = {**files, "monitoring/grafana/dashboards/model.json": '{"panels": [{"title": "drift"}]}\n'}
    assert "monitor-3-dashboards" in answers(tmp_path / "c", with_dashboard)


def test_sagemaker_lineage_cites_the_training_input_read_from_the_processing_step(tmp_path):
    pipeline = ("from sagemaker.workflow.pipeline import Pipeline\nfrom sagemaker.workflow.model_step import ModelStep\n\n"
                "args = est.fit(inputs={'train': TrainingInput(\n"
                "    s3_data=step_process.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri)})\n"
                "step_register = ModelStep(name='Register', step_args=reg)\npipeline = Pipeline(name='p', steps=[])\n")
    assert [f.location.line for f in run(tmp_path / "a", "data-lineage", {"pipelines/pipeline.py": pipeline})] == [5, 6]
    unwired = pipeline.replace("step_process.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri", "uri")
    assert [f.location.line for f in run(tmp_path / "b", "data-lineage", {"pipelines/pipeline.py": unwired})] == [6]


def test_bias_checks_of_each_model_cite_the_check_of_the_model_s_predictions_first(tmp_path):
    data = "from fairlearn.metrics import MetricFrame\n\nmf = MetricFrame(metrics=m, y_true=y, y_pred=y, sensitive_features=g)\n"
    model = ("from fairlearn.metrics import MetricFrame\n\ny_hat = model.predict(X_test)\n"
             "mf = MetricFrame(metrics=m, y_true=y, y_pred=y_hat, sensitive_features=g)\n")
    files = {"src/a_data_bias.py": data, "src/b_checks.py": model}
    found = cited(tmp_path, files)
    assert found["gov-3-bias-checks"][0] == ("src/b_checks.py", 4)
    assert found["gov-4-bias-detection"][0] == ("src/a_data_bias.py", 3)  # the probe's order, as before


# -- training code and tracking the corpus's frameworks: fastai, SageMaker steps, DVCLive, KFP metrics ---------

def test_fastai_fine_tune_and_a_sagemaker_training_step_are_training_code(tmp_path):
    fastai = "from fastai.vision.all import unet_learner\n\nlearn = unet_learner(dls, arch)\nlearn.fine_tune(8)\n"
    assert first(tmp_path / "a", {"src/train.py": fastai}, "model-1-code-in-vcs") == ("src/train.py", 4)
    sm = "from sagemaker.workflow.steps import TrainingStep\n\nstep_train = TrainingStep(name='Train', estimator=est)\n"
    assert first(tmp_path / "b", {"pipelines/pipeline.py": sm}, "model-1-code-in-vcs") == ("pipelines/pipeline.py", 3)
    assert "model-1-code-in-vcs" not in cited(tmp_path / "c", {"src/train.py": "learn = load()\nprint(learn)\n"})


def test_dvclive_records_runs_and_its_model_artifact_versions_the_model(tmp_path):
    train = ("from dvclive import Live\nfrom dvclive.fastai import DVCLiveCallback\n\nwith Live() as live:\n"
             "    learn.fine_tune(8, cbs=[DVCLiveCallback(live=live)])\n"
             "    live.log_artifact(\n        'models/model.pkl',\n        type='model',\n    )\n")
    found = cited(tmp_path / "a", {"src/train.py": train})
    assert found["model-1-experiment-tracking"][0] == ("src/train.py", 5)
    assert found["model-2-versioning"][0] == ("src/train.py", 6)
    assert "model-1-experiment-tracking" not in cited(tmp_path / "b", {"src/train.py": "live = object()\nlive.log_metric('a', 1)\n"})


def test_a_kfp_component_s_metrics_artifact_is_experiment_tracking(tmp_path):
    component = ("from kfp.v2.dsl import Metrics, Output, component\n\n\n@component\ndef train(metrics: Output[Metrics]):\n"
                 "    metrics.log_metric('rmse', 0.3)\n")
    assert first(tmp_path / "a", {"components/train.py": component}, "model-1-experiment-tracking") == \
        ("components/train.py", 6)
    untracked = component.replace("Output[Metrics]", "str")
    assert "model-1-experiment-tracking" not in cited(tmp_path / "b", {"components/train.py": untracked})


def test_a_ci_step_running_a_test_module_named_for_the_pipeline_is_no_training(tmp_path):
    jenkins = ("pipeline {\n  agent any\n  stages {\n    stage('Build') {\n      steps {\n"
               "        sh 'python3 -m utils.tests.test_model_pipeline'\n      }\n    }\n  }\n}\n")
    assert run(tmp_path / "a", "ci-training", {"Jenkinsfile": jenkins}) == []
    training = jenkins.replace("utils.tests.test_model_pipeline", "pipelines.train")
    assert [f.location.line for f in run(tmp_path / "b", "ci-training", {"Jenkinsfile": training})] == [6]


def test_a_great_expectations_column_schema_check_is_a_partial_data_contract(tmp_path):
    conftest = ("import great_expectations as ge\nimport pytest\n\n\n@pytest.fixture\ndef df():\n"
                "    return ge.dataset.PandasDataset(load())\n")
    files = {"tests/data/conftest.py": conftest,
             "tests/data/test_dataset.py": "def test_dataset(df):\n    df.expect_table_columns_to_match_ordered_list(column_list=c)\n"}
    found = answers(tmp_path / "a", files)
    assert found["data-3-data-contracts"] == "partial"
    nulls = {**files, "tests/data/test_dataset.py": "def test_dataset(df):\n    df.expect_column_values_to_not_be_null(column='t')\n"}
    assert "data-3-data-contracts" not in answers(tmp_path / "b", nulls)


def test_a_model_stored_as_a_metaflow_artifact_is_cited_for_model_versioning(tmp_path):
    flow = ("from comet_ml import Experiment\nfrom metaflow import FlowSpec, step\n\n\nclass F(FlowSpec):\n    @step\n"
            "    def train(self):\n        exp = Experiment(project_name='p')\n        exp.log_parameters(self.hypers)\n"
            "        self.model_name = 'lstm'\n        self.model = {'weights': model.get_weights()}\n")
    assert first(tmp_path / "a", {"src/flow.py": flow}, "model-2-versioning") == ("src/flow.py", 11)
    no_model = flow.replace("        self.model = {'weights': model.get_weights()}\n", "")
    assert first(tmp_path / "b", {"src/flow.py": no_model}, "model-2-versioning") == ("src/flow.py", 9)


def test_explainability_cites_the_call_that_explains_before_the_explainer_s_constructor(tmp_path):
    code = ("import shap\n\n\ndef importance(model, X):\n    explainer = shap.TreeExplainer(model)\n"
            "    values = explainer(X)\n    return values\n")
    assert first(tmp_path / "a", {"model/analysis.py": code}, "model-3-explainability") == ("model/analysis.py", 6)
    constructed = code.replace("    values = explainer(X)\n", "    values = None\n")
    assert first(tmp_path / "b", {"model/analysis.py": constructed}, "model-3-explainability") == ("model/analysis.py", 5)


# -- every probe: a constructor is set-up, the call below it does the work ----------------------------------

SEARCH = ("from sklearn.model_selection import GridSearchCV\nfrom sklearn.ensemble import RandomForestClassifier\n\n\n"
          "def tune(X, y):\n    search = GridSearchCV(\n        RandomForestClassifier(), {'max_depth': [3, 5]}, cv=3\n    )\n"
          "    print('searching')\n    search.fit(X, y)\n    return search.best_estimator_\n")


def test_a_search_is_cited_at_its_fit_call_not_its_constructor(tmp_path):
    assert first(tmp_path, {"src/tune.py": SEARCH}, "model-2-hpo") == ("src/tune.py", 10)


def test_a_constructor_never_used_stays_cited(tmp_path):
    unused = SEARCH.replace("    search.fit(X, y)\n", "")
    assert first(tmp_path, {"src/tune.py": unused}, "model-2-hpo") == ("src/tune.py", 6)


def test_a_scaler_saved_for_serving_is_cited_where_it_is_fitted(tmp_path):
    code = ("import joblib\nfrom sklearn.preprocessing import StandardScaler\n\n\ndef prepare(X):\n"
            "    scaler = StandardScaler()\n    X = scaler.fit_transform(X)\n    joblib.dump(scaler, 'scaler.pkl')\n"
            "    return X\n")
    assert first(tmp_path, {"src/features.py": code}, "data-2-automated-features") == ("src/features.py", 7)


def test_a_pipeline_definition_lists_its_steps_and_stays_cited(tmp_path):
    code = ("from sklearn.pipeline import Pipeline\nfrom sklearn.preprocessing import StandardScaler\n"
            "from sklearn.linear_model import LogisticRegression\n\n\ndef train(X, y):\n"
            "    model = Pipeline([('scale', StandardScaler()), ('clf', LogisticRegression())])\n"
            "    model.fit(X, y)\n    return model\n")
    assert first(tmp_path, {"src/train.py": code}, "data-2-automated-features") == ("src/train.py", 7)


def test_a_notebook_search_is_cited_at_its_fit_cell_line(tmp_path):
    import json
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": ["from sklearn.model_selection import RandomizedSearchCV\n",
                         "search = RandomizedSearchCV(model, space)\n", "search.fit(X, y)\n"]}]
    nb = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    path, line = first(tmp_path, {"work.ipynb": nb}, "model-2-hpo")
    assert path == "work.ipynb" and "search.fit(X, y)" in nb.splitlines()[line - 1]
