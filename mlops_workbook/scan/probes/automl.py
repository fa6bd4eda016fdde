"""Automated model selection and architecture search: AutoML libraries and managed AutoML jobs."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import libraries, findings

ID = "automl"
SHORT = ("AutoML: AutoGluon, FLAML, auto-sklearn, TPOT, H2O AutoML, PyCaret `compare_models`, Vertex AI and SageMaker "
         "AutoML jobs, Keras Tuner / NNI architecture search")
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
)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive, weak = libraries(raw, _TOOLS)
    return findings(ID, positive, weak)
