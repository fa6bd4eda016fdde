"""Automated model selection and architecture search: AutoML libraries and managed AutoML jobs."""

from __future__ import annotations

import re
from dataclasses import replace

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings, is_test_code, libraries
from .hyperparameter_search import MODEL_FACTORY

ID = "automl"
SHORT = ("AutoML: AutoGluon, FLAML, auto-sklearn, TPOT, H2O AutoML, PyCaret `compare_models`, Vertex AI and SageMaker "
         "AutoML jobs, Keras Tuner / NNI architecture search, neuro_mf's `ModelFactory.get_best_model`; a script that trains two or more model families and keeps "
         "the best by a metric (`best_model = max(...)`, `best_model = list(sorted(...))[-1]`, `if rmse < best_rmse: best_algorithm = ...`); in part, the "
         "best tracked run picked by a metric (`search_runs(order_by=[\"metrics.rmse ASC\"])`)")
CRITERIA = {"model-3-automated-selection": "yes", "model-4-architecture-search": "partial"}
REMEDIATION = "Let the pipeline compare candidate algorithms against agreed metrics (an AutoML step or a scripted comparison)."
EFFORT = "medium"

_TOOLS = (
    (("autogluon",), ("autogluon",), re.compile(r"\b(?:TabularPredictor|MultiModalPredictor|TimeSeriesPredictor)\s*\("), "AutoGluon"),
    (("flaml",), ("flaml",), re.compile(r"\bAutoML\s*\("), "FLAML"),
    (("autosklearn",), ("auto-sklearn",), re.compile(r"\bAutoSklearn\w*\s*\("), "auto-sklearn"),
    (("tpot",), ("tpot",), re.compile(r"\bTPOT\w*\s*\("), "TPOT"),
    (("h2o",), ("h2o",), re.compile(r"\bH2OAutoML\s*\("), "H2O AutoML"),
    (("pycaret",), ("pycaret",), re.compile(r"\bcompare_models\s*\("), "PyCaret"),
    (("google",), ("google-cloud-aiplatform",), re.compile(r"\bAutoML\w+TrainingJob\s*\("), "Vertex AI AutoML"),
    (("sagemaker",), ("sagemaker",), re.compile(r"\bAutoML(?:V2)?\s*\("), "SageMaker Autopilot"),
    (("keras_tuner", "kerastuner"), ("keras-tuner",), re.compile(r"\b(?:Hyperband|RandomSearch|BayesianOptimization)\s*\("),
     "Keras Tuner"),
    (("nni",), ("nni",), re.compile(r"\bnni\.\w+\s*\(|\bExperiment\s*\("), "NNI"),
    (("neuro_mf",), ("neuro-mf",), MODEL_FACTORY, "neuro_mf ModelFactory keeps the best of its candidates"),
)


# A scripted comparison: a script that trains models of two or more families and keeps the best by a metric
# (`best_model = max(models, key=...)`, or `if rmse < best_rmse:` then `best_algorithm = algorithm`).
_BEST_BY = re.compile(r"^[ \t]*(?:best|max|min)_\w*\s*=\s*(?:(?:list|dict|tuple)\s*\(\s*)?(?:max|min|sorted)\s*\(",
                      re.MULTILINE)
_BETTER = re.compile(r"^[ \t]*(?:if|elif)\b[^\n]*[<>]=?\s*best_\w+\s*:|^[ \t]*(?:if|elif)\s+best_\w+\s*[<>]", re.MULTILINE)
_KEEPS = re.compile(r"^[ \t]*best_(?:model|algorithm|algo|estimator|name|clf|classifier|regressor|type|run)\w*\s*=", re.MULTILINE)
_FAMILIES = re.compile(r"\b(?:lgbm|lightgbm|xgb\w*|xgboost|catboost|random_?forest|RandomForest\w*|rf|logistic\w*|"
                       r"LogisticRegression|svm|SVC|SVR|adaboost|AdaBoost\w*|GradientBoosting\w*|KNeighbors\w*|knn|"
                       r"DecisionTree\w*|LinearRegression|Ridge|Lasso|ElasticNet|arima|ARIMA|lstm|LSTM|MLP\w*)\b")
FAMILIES = 2


_FAMILY_OF = (("lgbm", "lgbm"), ("lightgbm", "lgbm"), ("xgb", "xgb"), ("catboost", "catboost"), ("random", "rf"),
              ("rf", "rf"), ("logistic", "logistic"), ("svm", "svm"), ("svc", "svm"), ("svr", "svm"), ("adaboost", "ada"),
              ("gradientboosting", "gb"), ("kneighbors", "knn"), ("knn", "knn"), ("decisiontree", "tree"),
              ("linearregression", "linear"), ("ridge", "ridge"), ("lasso", "lasso"), ("elasticnet", "elasticnet"),
              ("arima", "arima"), ("lstm", "lstm"), ("mlp", "mlp"))


def _family(name: str) -> str:
    """One name per model family: `rf`, `random_forest` and `RandomForestRegressor` are one."""
    low = name.lower().replace("_", "")
    return next((family for prefix, family in _FAMILY_OF if low.startswith(prefix)), low)


def _scripted_selection(raw: RawResults) -> list[Location]:
    found = []
    for f in raw.with_suffix(".py"):
        if is_test_code(f.path):
            continue
        text = raw.text(f.path)
        if "best_" not in text or len({_family(m.group(0)) for m in _FAMILIES.finditer(text)}) < FAMILIES:
            continue
        picks = [loc.line for loc in raw.grep(_BEST_BY, [f.path], first_only=False, needles=("best_",))]
        lines = text.split("\n")
        for loc in raw.grep(_BETTER, [f.path], first_only=False, needles=("best_",)):
            if any(_KEEPS.match(line) for line in lines[loc.line: loc.line + 4]):
                picks.append(loc.line)
        if picks:
            found.append(Location(f.path, min(picks), f"keeps the best of several model families: "
                                                      f"{lines[min(picks) - 1].strip()[:60]}"))
    return found


# The best of the tracked runs, picked by a metric: `client.search_runs(..., order_by=["metrics.rmse ASC"])`.
# Part of automated selection: which candidates the runs hold is not in the call.
_ORDER_BY_METRIC = re.compile(r"""\border_by\s*=\s*\[?\s*f?["']metrics\.""")
_SEARCH_RUNS = re.compile(r"\bsearch_runs\s*\(")
SEARCH_LINES = 8  # how far above its `order_by` the `search_runs(` call is looked for


def _best_run(raw: RawResults) -> list[Location]:
    found = []
    for f in raw.with_suffix(".py"):
        text = raw.text(f.path)
        if "order_by" not in text or is_test_code(f.path):
            continue
        lines = text.split("\n")
        for loc in raw.grep(_ORDER_BY_METRIC, [f.path], first_only=False, needles=("order_by",)):
            above = range(loc.line - 1, max(loc.line - 1 - SEARCH_LINES, -1), -1)
            call = next((row for row in above if _SEARCH_RUNS.search(lines[row])), None)
            if call is not None:
                found.append(Location(f.path, call + 1, f"picks the best tracked run by a metric: "
                                                        f"{lines[loc.line - 1].strip()[:50]}"))
    return found


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive, weak = libraries(raw, _TOOLS)
    # Keeping the best of several families is model selection, no search over architectures.
    scripted = [replace(f, criterion="model-3-automated-selection")
                for f in findings(ID, _scripted_selection(raw), _best_run(raw))]
    return findings(ID, positive, weak) + scripted
