"""Automated hyperparameter search: Optuna, Ray Tune, Hyperopt, Katib, W&B sweeps, scikit-learn searches."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, findings, library

ID = "hyperparameter-search"
SHORT = ("Optuna studies and `OptunaSearchCV`, Ray Tune, Hyperopt, Katib `Experiment`, W&B sweeps, `GridSearchCV`/`RandomizedSearchCV`, Vertex AI "
         "`HyperparameterTuningJob`, SageMaker `HyperparameterTuner`, neuro_mf's `ModelFactory.get_best_model`; a search run only from a notebook is partial")
CRITERIA = {"model-2-hpo": "yes"}
REMEDIATION = "Run the hyperparameter search inside the pipeline (Optuna or Ray Tune), not by hand."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

_OPTUNA = re.compile(r"\boptuna\.create_study\s*\(|\.optimize\s*\(|\bOptunaSearchCV\s*\(")
# iNeuron's `neuro_mf.ModelFactory.get_best_model(...)` grid-searches each candidate of a model YAML
# (`grid_search: class: GridSearchCV`) and keeps the best: a search, and a selection (automl).
MODEL_FACTORY = re.compile(r"\.get_best_model\s*\(")
_TUNE = re.compile(r"\btune\.(?:run|Tuner)\s*\(|\bTuner\s*\(")
_HYPEROPT = re.compile(r"\bfmin\s*\(")
_SKLEARN = re.compile(r"\b(?:GridSearchCV|RandomizedSearchCV|HalvingGridSearchCV|BayesSearchCV)\s*\(")
_KATIB = re.compile(r"^kind:\s*Experiment\b[\s\S]{0,400}?\bkubeflow\.org|kubeflow\.org/v1beta1[\s\S]{0,200}?kind:\s*Experiment",
                    re.MULTILINE)
_SWEEP = re.compile(r"\bwandb\.sweep\s*\(")
_VERTEX = re.compile(r"\bHyperparameterTuningJob\s*\(")
_SAGEMAKER = re.compile(r"\bHyperparameterTuner\s*\(")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive, weak = [], []
    for modules, packages, calls, label, needles in (
        (("optuna",), ("optuna",), _OPTUNA, "Optuna", ()),
        (("neuro_mf",), ("neuro-mf",), MODEL_FACTORY, "neuro_mf ModelFactory grid search", ("get_best_model",)),
        (("ray",), ("ray",), _TUNE, "Ray Tune", ("tune", "Tuner")),
        (("hyperopt",), ("hyperopt",), _HYPEROPT, "Hyperopt", ()),
        (("sklearn", "skopt"), ("scikit-optimize",), _SKLEARN, "scikit-learn search", ("SearchCV",)),
        (("wandb",), ("wandb-sweeps",), _SWEEP, "W&B sweep", ("sweep",)),
        (("google",), ("google-cloud-aiplatform",), _VERTEX, "Vertex AI tuning job", ("HyperparameterTuningJob",)),
        (("sagemaker",), ("sagemaker",), _SAGEMAKER, "SageMaker tuning job", ("HyperparameterTuner",)),
    ):
        pos, wk = library(raw, modules=modules, packages=packages, calls=calls, label=label, needles=needles)
        positive += pos
        if label in ("Optuna", "Hyperopt"):
            weak += wk
    positive += raw.grep(_KATIB, suffixes=YAML, detail="Katib experiment")
    positive += [f for f in raw.grep(re.compile(r"^\s*program:|^method:\s*(?:bayes|grid|random)", re.MULTILINE),
                                     [f for f in raw.files if "sweep" in f.name and f.suffix in YAML],
                                     detail="W&B sweep config")]
    # A search started from a notebook is tuning by hand with a tool, not a search the pipeline runs.
    weak += [Location(loc.path, loc.line, f"{loc.detail} (in a notebook only)") for loc in positive if loc.path.endswith(".ipynb")]
    positive = [loc for loc in positive if not loc.path.endswith(".ipynb")]
    return findings(ID, positive, weak)
