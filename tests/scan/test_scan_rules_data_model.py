"""The scan's rules for the data and model criteria (issue 17's recall work), each on a small tree: the
positive case the old rules missed and the negative case that must stay silent."""

from __future__ import annotations

from mlops_workbook.scan import PROBES, collect
from tests.scan.test_probes import write_tree
from tests.scan.test_scan_rules import answers


def run(tmp_path, probe: str, files: dict[str, str]):
    return PROBES[probe].run(collect(write_tree(tmp_path, files)))


GE_CONFTEST = ("import great_expectations as ge\nimport pandas as pd\nimport pytest\n\n\n@pytest.fixture\n"
               "def df():\n    return ge.dataset.PandasDataset(pd.read_csv('data.csv'))\n")


def test_great_expectations_called_on_a_fixture_dataset_is_validation_in_tests_partial(tmp_path):
    files = {"tests/data/conftest.py": GE_CONFTEST,
             "tests/data/test_dataset.py": "def test_dataset(df):\n    df.expect_column_values_to_not_be_null(column='tag')\n"}
    found = answers(tmp_path / "a", files)
    assert found["data-2-validation"] == "partial"
    assert "data-3-quality-monitoring" not in found
    locations = [(f.location.path, f.location.line) for f in run(tmp_path / "b", "data-validation", files)]
    assert ("tests/data/test_dataset.py", 2) in locations
    # The same method name in a repository that never imports Great Expectations is no evidence.
    plain = {"tests/test_x.py": "def test_x(obj):\n    obj.expect_column_values_to_not_be_null(column='tag')\n"}
    assert run(tmp_path / "c", "data-validation", plain) == []


SM_PIPELINE = ("from sagemaker.workflow.check_job_config import CheckJobConfig\n"
               "from sagemaker.workflow.quality_check_step import DataQualityCheckConfig, QualityCheckStep\n\n"
               "config = DataQualityCheckConfig(baseline_dataset=uri, dataset_format=fmt, output_s3_uri=out)\n"
               "step = QualityCheckStep(\n    name='DataQuality',\n{skip}    quality_check_config=config,\n"
               "    check_job_config=job,\n)\n")


def test_a_sagemaker_data_quality_check_step_validates_data_and_skip_check_makes_it_partial(tmp_path):
    checked = {"pipelines/pipeline.py": SM_PIPELINE.format(skip="")}
    assert answers(tmp_path / "a", checked)["data-2-validation"] == "yes"
    assert [(f.outcome, f.location.line) for f in run(tmp_path / "b", "data-validation", checked)] == [("positive", 5)]
    skipped = {"pipelines/pipeline.py": SM_PIPELINE.format(skip="    skip_check=True,\n")}
    found = run(tmp_path / "c", "data-validation", skipped)
    assert [f.outcome for f in found] == ["weak"] and "skip_check=True" in found[0].location.detail
    assert answers(tmp_path / "d", skipped)["data-2-validation"] == "partial"
    no_config = {"pipelines/pipeline.py": "from sagemaker.workflow.quality_check_step import QualityCheckStep\n"
                                          "step = QualityCheckStep(name='ModelQuality', quality_check_config=model_cfg)\n"}
    assert run(tmp_path / "e", "data-validation", no_config) == []


DBT_SCHEMA = ("version: 2\nmodels:\n  - name: sessions\n    columns:\n      - name: session_id\n        tests:\n"
              "          - unique\n          - not_null\n")


def test_dbt_tests_declared_are_partial_and_run_by_dbt_build_are_yes(tmp_path):
    declared = {"dbt/models/schema.yml": DBT_SCHEMA, "flow.py": "import subprocess\nsubprocess.run(['dbt', 'run'])\n",
                "README.md": "Run `dbt test` to check the models.\n"}
    found = run(tmp_path / "a", "data-validation", declared)
    assert [(f.outcome, f.location.path, f.location.line) for f in found] == [("weak", "dbt/models/schema.yml", 6)]
    assert answers(tmp_path / "b", declared)["data-2-validation"] == "partial"
    run_in_ci = {**declared, ".github/workflows/dbt.yml": "on: [push]\njobs:\n  d:\n    steps:\n      - run: dbt build\n"}
    assert answers(tmp_path / "c", run_in_ci)["data-2-validation"] == "yes"
    no_tests = {"dbt/models/schema.yml": "version: 2\nmodels:\n  - name: sessions\n    description: one row a session\n"}
    assert run(tmp_path / "d", "data-validation", no_tests) == []


def cited(tmp_path, files: dict[str, str]) -> dict[str, list[tuple[str, int | None]]]:
    """criterion -> the evidence locations its pre-filled answer cites, in order."""
    from mlops_workbook.assessment.rubric import load_rubric
    from mlops_workbook.scan.assess import assess, run_probes

    raw = collect(write_tree(tmp_path, files))
    return {f.criterion: [(loc.path, loc.line) for loc in f.evidence]
            for f in assess(load_rubric("mlops-maturity"), run_probes(raw))}


TRAIN = ("import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_metric('auc', 0.9)\n"
         "    mlflow.sklearn.log_model(model, 'model')\n")


def test_model_versioning_cites_the_logged_model_and_tracking_the_logged_metric(tmp_path):
    found = cited(tmp_path / "a", {"train.py": TRAIN})
    assert found["model-2-versioning"][0] == ("train.py", 5)
    assert found["model-1-experiment-tracking"][0] == ("train.py", 4)
    assert len(found["model-2-versioning"]) == len(set(found["model-2-versioning"]))  # each place once
    # Without a logged model, versioning cites what is recorded, as before.
    metrics_only = cited(tmp_path / "b", {"train.py": TRAIN.replace("    mlflow.sklearn.log_model(model, 'model')\n", "")})
    assert metrics_only["model-2-versioning"][0] == ("train.py", 4)


def test_model_versioning_cites_the_registration_before_the_tracking_calls(tmp_path):
    files = {"train.py": TRAIN, "register.py": "import mlflow\n\nmlflow.register_model('runs:/1/model', 'churn')\n"}
    assert cited(tmp_path, files)["model-2-versioning"][0] == ("register.py", 3)


def test_lineage_the_tooling_records_is_partial_lineage(tmp_path):
    logged = {"train.py": "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_input(dataset, context='train')\n"}
    assert answers(tmp_path / "a", logged)["data-2-lineage"] == "partial"
    fs = ("from databricks.feature_store import FeatureStoreClient\nfs = FeatureStoreClient()\n"
          "fs.log_model(\n    model,\n    artifact_path='model',\n    flavor=mlflow.lightgbm,\n    training_set=training_set,\n)\n")
    assert [f.location.line for f in run(tmp_path / "b", "data-lineage", {"train.py": fs})] == [3]
    tfx = ("from tfx.orchestration import pipeline\nfrom tfx.components import Trainer\n\n\ndef create():\n"
           "    trainer = Trainer(module_file='m.py')\n    return pipeline.Pipeline(\n        pipeline_name='p',\n"
           "        metadata_connection_config=cfg,\n    )\n")
    assert [f.location.line for f in run(tmp_path / "c", "data-lineage", {"pipeline.py": tfx})] == [9]
    sagemaker = ("from sagemaker.workflow.pipeline import Pipeline\nfrom sagemaker.workflow.step_collections import RegisterModel\n\n"
                 "register = RegisterModel(name='Register', estimator=est)\npipeline = Pipeline(name='p', steps=[register])\n")
    assert [f.location.line for f in run(tmp_path / "d", "data-lineage", {"pipeline.py": sagemaker})] == [4]
    kedro = {"src/p/pipeline.py": "from kedro.pipeline import node, pipeline\n",
             "conf/base/catalog.yml": "# datasets\n\nraw:\n  type: pandas.CSVDataset\n  filepath: data/raw.csv\n"}
    assert [f.location.line for f in run(tmp_path / "e", "data-lineage", kedro)] == [3]


def test_no_lineage_from_a_metric_a_plain_pipeline_or_a_catalog_without_kedro(tmp_path):
    assert "data-2-lineage" not in answers(tmp_path / "a", {"train.py": TRAIN})
    prefect = {"flow.py": "from prefect import flow\n\n\n@flow\ndef train():\n    df = load()\n"}
    assert run(tmp_path / "b", "data-lineage", prefect) == []
    unlogged = ("from databricks.feature_store import FeatureStoreClient\nfs = FeatureStoreClient()\n"
                "fs.log_model(model, artifact_path='model', flavor=mlflow.lightgbm)\n")
    assert run(tmp_path / "c", "data-lineage", {"train.py": unlogged}) == []
    catalog = {"conf/base/catalog.yml": "raw:\n  type: pandas.CSVDataset\n"}
    assert run(tmp_path / "d", "data-lineage", catalog) == []


def test_advanced_tracking_is_runs_linked_to_data_runs_and_pipelines_not_many_kinds_of_records(tmp_path):
    records = {"train.py": "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_params(p)\n    mlflow.log_metric('auc', 0.9)\n"
                           "    mlflow.log_artifact('report.html')\n    mlflow.sklearn.log_model(m, 'model', registered_model_name='churn')\n"}
    assert "model-3-advanced-tracking" not in answers(tmp_path / "a", records)
    comet = {"flow.py": "from comet_ml import Experiment\nfrom metaflow import FlowSpec, current\n\n"
                        "exp = Experiment(project_name='p')\nexp.add_tag(current.pathspec)\n"}
    found = run(tmp_path / "b", "advanced-tracking", comet)
    assert [(f.outcome, f.location.line) for f in found] == [("weak", 5)]
    nested = {"tune.py": "import mlflow\n\nwith mlflow.start_run(nested=True) as child:\n    pass\n"
                         "mlflow.set_tag('best_run', best.info.run_id)\n"}
    assert answers(tmp_path / "c", nested)["model-3-advanced-tracking"] == "partial"  # linked to other runs: one kind
    assert run(tmp_path / "d", "advanced-tracking", nested)[0].location.line == 5  # the link to the chosen run first
    both = {"tune.py": nested["tune.py"] + "mlflow.log_input(mlflow.data.from_pandas(df))\n"}
    assert answers(tmp_path / "e", both)["model-3-advanced-tracking"] == "yes"


def notebook(*lines: str) -> str:
    import json

    return json.dumps({"cells": [{"cell_type": "code", "source": [f"{line}\n" for line in lines], "metadata": {},
                                  "outputs": []}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


def test_managed_tuning_jobs_are_hpo_and_a_search_run_only_from_a_notebook_is_partial(tmp_path):
    job = "from google.cloud import aiplatform as vertex_ai\n\njob = vertex_ai.HyperparameterTuningJob(display_name='t')\njob.run()\n"
    assert answers(tmp_path / "a", {"tune.py": job})["model-2-hpo"] == "yes"
    tuner = "from sagemaker.tuner import HyperparameterTuner\ntuner = HyperparameterTuner(estimator, 'auc', ranges)\n"
    assert answers(tmp_path / "b", {"pipelines/tune.py": tuner})["model-2-hpo"] == "yes"
    nb = notebook("from sklearn.model_selection import GridSearchCV", "search = GridSearchCV(model, grid)", "search.fit(X, y)")
    found = answers(tmp_path / "c", {"explore.ipynb": nb})
    assert found["model-2-hpo"] == "partial"
    unrelated = "class HyperparameterTuningJob:\n    pass\n\n\njob = HyperparameterTuningJob()\n"
    assert run(tmp_path / "d", "hyperparameter-search", {"jobs.py": unrelated}) == []


def test_a_conda_environment_pinning_exact_versions_is_a_reproducible_environment(tmp_path):
    pinned = {"environment.yml": "channels:\n  - conda-forge\ndependencies:\n  - python=3.7.3\n  - numpy=1.16.3\n"
                                 "  - scikit-learn==0.21.2\n  - pip\n"}
    assert answers(tmp_path / "a", pinned)["model-1-reproducible-env"] == "yes"
    fuzzy = {"environment.yml": "dependencies:\n  - python=3.7\n  - numpy\n  - pip:\n    - azureml-sdk==1.27.*\n    - pandas\n"}
    assert "model-1-reproducible-env" not in answers(tmp_path / "b", fuzzy)


def test_a_zenml_docker_settings_image_is_a_partly_reproducible_environment(tmp_path):
    pipeline = ("from zenml import pipeline\nfrom zenml.config import DockerSettings\n\n\n"
                "@pipeline(settings={'docker': DockerSettings(requirements=['pandas'])})\ndef train():\n    pass\n")
    assert answers(tmp_path / "a", {"pipeline.py": pipeline})["model-1-reproducible-env"] == "partial"
    other = "class DockerSettings:\n    pass\n\n\nsettings = DockerSettings()\n"
    assert run(tmp_path / "b", "pinned-environment", {"settings.py": other}) == []


def test_preprocessing_inside_the_model_pipeline_is_partly_automated_features(tmp_path):
    steps = ("from sklearn.compose import ColumnTransformer\nfrom sklearn.ensemble import GradientBoostingRegressor\n"
             "from sklearn.pipeline import Pipeline\nfrom sklearn.preprocessing import OneHotEncoder, StandardScaler\n\n"
             "numeric = Pipeline(steps=[('scale', StandardScaler())])\n"
             "pre = ColumnTransformer([('num', numeric, NUM), ('cat', OneHotEncoder(), CAT)])\n"
             "model = Pipeline(\n    steps=[\n        ('pre', pre),\n        ('reg', GradientBoostingRegressor()),\n    ]\n)\n")
    assert answers(tmp_path / "a", {"steps/train.py": steps})["data-2-automated-features"] == "partial"
    assert run(tmp_path / "b", "feature-transforms", {"steps/train.py": steps})[0].location.line == 8  # the model's
    vectorizer = ("import pickle\nfrom sklearn.feature_extraction import DictVectorizer\n\ndv = DictVectorizer()\n"
                  "X = dv.fit_transform(rows)\nwith open('dv.b', 'wb') as f:\n    pickle.dump(dv, f)\n")
    assert [f.location.line for f in run(tmp_path / "c", "feature-transforms", {"train.py": vectorizer})] == [4]
    unsaved = vectorizer.replace("with open('dv.b', 'wb') as f:\n    pickle.dump(dv, f)\n", "")
    assert run(tmp_path / "d", "feature-transforms", {"train.py": unsaved}) == []
    estimator_only = "from sklearn.pipeline import Pipeline\nfrom sklearn.svm import SVC\nmodel = Pipeline([('svc', SVC())])\n"
    assert run(tmp_path / "e", "feature-transforms", {"train.py": estimator_only}) == []


def test_training_code_cites_the_model_fit_not_the_compile_that_configures_it(tmp_path):
    flow = "import tensorflow as tf\n\nmodel = build()\nmodel.compile(optimizer='adam')\nmodel.fit(x, y, epochs=5)\n"
    found = run(tmp_path / "a", "code-in-vcs", {"src/flow.py": flow})
    assert [f.location.line for f in found] == [5]
    compile_only = {"src/flow.py": "import tensorflow as tf\n\nmodel = build()\nmodel.compile(optimizer='adam')\n"}
    assert [f.location.line for f in run(tmp_path / "b", "code-in-vcs", compile_only)] == [4]  # still training code
    assert run(tmp_path / "c", "code-in-vcs", {"notebooks/flow.py": "print('no training here')\n"}) == []


def test_a_build_script_loading_a_keras_dataset_and_pickling_the_prepared_arrays_is_scripted_prep(tmp_path):
    build = ("import pickle\nfrom tensorflow import keras\n\nmnist = keras.datasets.fashion_mnist\n"
             "(x, y), (xt, yt) = mnist.load_data()\nx = x / 255.0\nwith open('train.pkl', 'wb') as f:\n    pickle.dump(x, f)\n")
    found = run(tmp_path / "a", "data-prep", {"ml/1_build.py": build})
    assert [(f.outcome, f.location.line) for f in found] == [("positive", 5)]
    own = {"ml/1_build.py": "import pickle\n\nx = loader.load_data()\nwith open('x.pkl', 'wb') as f:\n    pickle.dump(x, f)\n"}
    assert run(tmp_path / "b", "data-prep", own) == []  # the repository's own load_data: not a library read


def test_a_vertex_managed_dataset_under_any_import_name_is_partial_data_versioning(tmp_path):
    nb = notebook("from google.cloud import aiplatform as vertex_ai",
                  "dataset = vertex_ai.TabularDataset.create(display_name='d', bq_source=uri)")
    assert answers(tmp_path / "a", {"01-dataset.ipynb": nb})["data-1-versioning"] == "partial"
    plain = {"data.py": "import pandas as pd\n\n\nclass TabularDataset:\n    pass\n\n\nds = pd.TabularDataset.create()\n"}
    assert run(tmp_path / "b", "data-versioning", plain) == []


def test_sagemaker_model_metrics_on_a_model_package_are_partial_experiment_tracking(tmp_path):
    step = ("from sagemaker.model_metrics import MetricsSource, ModelMetrics\n\n"
            "metrics = ModelMetrics(model_statistics=MetricsSource(s3_uri=uri, content_type='application/json'))\n")
    found = answers(tmp_path / "a", {"pipelines/pipeline.py": step})
    assert found["model-1-experiment-tracking"] == "partial"
    other = {"report.py": "class ModelMetrics:\n    pass\n\n\nm = ModelMetrics()\n"}
    assert run(tmp_path / "b", "experiment-tracking", other) == []


def test_evidently_data_quality_metrics_are_partial_quality_monitoring_only(tmp_path):
    job = ("from evidently import Report\nfrom evidently.metrics import DuplicatedRowCount, MissingValueCount, ValueDrift\n\n"
           "report = Report([\n    DuplicatedRowCount(),\n    MissingValueCount(column='x'),\n    ValueDrift(column='x'),\n])\n")
    found = answers(tmp_path / "a", {"monitoring/run.py": job})
    assert found["data-3-quality-monitoring"] == "partial"
    assert "data-2-validation" not in found and "data-3-data-contracts" not in found
    assert [f.location.line for f in run(tmp_path / "b", "data-validation", {"monitoring/run.py": job})] == [5, 6]
    drift_only = {"monitoring/run.py": "from evidently import Report\nfrom evidently.metrics import ValueDrift\n\n"
                                       "report = Report([ValueDrift(column='x')])\n"}
    assert run(tmp_path / "c", "data-validation", drift_only) == []


def test_a_tfx_transform_and_a_tf_transform_serving_layer_are_features_computed_as_in_training(tmp_path):
    pipeline = ("from tfx.components import StatisticsGen, Transform\n\n"
                "stats = StatisticsGen(examples=gen.outputs['examples'])\n"
                "transform = Transform(examples=gen.outputs['examples'], schema=schema, module_file='t.py')\n")
    assert [f.location.line for f in run(tmp_path / "a", "feature-transforms", {"pipeline.py": pipeline})] == [4]
    serving = ("import tensorflow_transform as tft\n\n\ndef serve_fn(model, tft_output):\n"
               "    model.tft_layer = tft_output.transform_features_layer()\n")
    assert answers(tmp_path / "b", {"exporter.py": serving})["data-2-automated-features"] == "partial"
    stats_only = {"pipeline.py": "from tfx.components import StatisticsGen\n\nstats = StatisticsGen(examples=e)\n"}
    assert run(tmp_path / "c", "feature-transforms", stats_only) == []


def test_a_tfdv_schema_or_an_enforced_dbt_contract_is_cited_first_for_data_contracts(tmp_path):
    files = {"src/raw_schema/schema.pbtxt": "feature {\n  name: \"trip_miles\"\n  type: FLOAT\n}\n",
             "src/pipeline.py": "from tfx.components import StatisticsGen\n\nstats = StatisticsGen(examples=e)\n"}
    assert cited(tmp_path / "a", files)["data-3-data-contracts"][0] == ("src/raw_schema/schema.pbtxt", None)
    dbt = {"models/schema.yml": "version: 2\nmodels:\n  - name: trips\n    config:\n      contract:\n        enforced: true\n"}
    found = run(tmp_path / "b", "data-validation", dbt)
    assert [(f.location.line, f.criterion) for f in found] == [(5, "data-3-data-contracts")]
    assert "data-2-validation" not in answers(tmp_path / "c", dbt)
    loose = {"models/schema.yml": "version: 2\nmodels:\n  - name: trips\n    config:\n      contract:\n        enforced: false\n",
             "schema.pbtxt": "# empty\n"}
    assert run(tmp_path / "d", "data-validation", loose) == []


def test_batch_scoring_cites_the_pipeline_step_before_the_call_inside_it(tmp_path):
    azure = ("from azureml.pipeline.steps import ParallelRunConfig, ParallelRunStep\n\n"
             "config = ParallelRunConfig(entry_script='score.py', mini_batch_size='1')\n"
             "step = ParallelRunStep(name='score', parallel_run_config=config, inputs=[ds])\n")
    assert cited(tmp_path / "a", {"ml/pipeline.py": azure})["data-2-batch-and-realtime"][0] == ("ml/pipeline.py", 4)
    component = ("from google.cloud import aiplatform as vertex_ai\n\n\ndef vertex_batch_prediction(model):\n"
                 "    batch_prediction_job = vertex_ai.BatchPredictionJob.create(model_name=model)\n")
    pipeline = "from components import vertex_batch_prediction\n\nscore = vertex_batch_prediction(model=m)\n"
    found = cited(tmp_path / "b", {"src/components.py": component, "src/prediction_pipeline.py": pipeline})
    assert found["data-2-batch-and-realtime"][:2] == [("src/prediction_pipeline.py", 3), ("src/components.py", 5)]
    assert "data-2-batch-and-realtime" not in answers(tmp_path / "c", {"src/predict.py": "def predict(x):\n    return m(x)\n"})
