"""Training code kept as scripts in the repository, not only as notebooks."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings
from .hyperparameter_search import MODEL_FACTORY

ID = "code-in-vcs"
SHORT = ("Training code as Python modules or scripts (a `fit(`/`train(` call, fastai's `fine_tune(`/`fit_one_cycle(`, a "
         "SageMaker `TrainingStep(`, outside notebooks and tests); notebooks only are not enough")
CRITERIA = {"model-1-code-in-vcs": "yes"}
REMEDIATION = "Move training out of notebooks into a versioned script or package that CI can run."
EFFORT = "low"

_FIT = re.compile(r"\.fit\s*\(|\btrainer\.train\s*\(|\bTrainer\s*\(|\.train\s*\(\s*\)|\bxgb\.train\s*\(|\blgb\.train\s*\(|"
                  r"\bmodel\.compile\s*\(|\.(?:fine_tune|fit_one_cycle|fit_flat_cos)\s*\(|\bTrainingStep\s*\(")
_ASIDE = ("tests/", "test/", "docs/", "examples/")
# The call that trains a model, over a preprocessor's `.fit` or a model being configured (`compile`, `Trainer(`).
_MODEL_FIT = re.compile(r"\b(?:model|clf|classifier|regressor|estimator|learner|booster|trainer|net|search|pipeline|pipe|"
                        r"grid|automl)\w*\.(?:fit|train)\s*\(|\b(?:xgb|lgb|xgboost|lightgbm)\.train|\.train\s*\(\s*\)|"
                        r"\.(?:fine_tune|fit_one_cycle|fit_flat_cos)\s*\(|\bTrainingStep\s*\(",
                        re.IGNORECASE)
_CONFIGURES = re.compile(r"compile|Trainer\s*\(")
_TRAINING_FILE = re.compile(r"train|fit", re.IGNORECASE)


def _order(raw: RawResults, location: Location) -> tuple[bool, bool]:
    """A model's training call in a training script first: a file named for training, then the call that
    fits a model (not a scaler's `.fit`, not `model.compile`)."""
    name = location.path.rsplit("/", 1)[-1]
    return (not _TRAINING_FILE.search(name), not _MODEL_FIT.search(raw.line(location.path, location.line)))


def _fits_first(raw: RawResults, locations: list[Location]) -> list[Location]:
    """Within one file, the model's fit before the compile or `Trainer(` that configures it."""
    fitted = {loc.path for loc in locations if _MODEL_FIT.search(raw.line(loc.path, loc.line))}
    return [loc for loc in locations if loc.path not in fitted or _MODEL_FIT.search(raw.line(loc.path, loc.line))]


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    scripts = [f.path for f in raw.with_suffix(".py") if not f.path.startswith(_ASIDE) and "/tests/" not in f"/{f.path}"
               and not f.name.startswith("test_")]
    hits = raw.grep(_FIT, scripts, needles=(".fit", ".train(", "Trainer(", ".compile(", ".fine_tune(", "TrainingStep("))
    # In a training script the model's own fit may come after a compile or a scaler's fit: look for it there.
    training = [p for p in scripts if _TRAINING_FILE.search(p.rsplit("/", 1)[-1])]
    hits += raw.grep(_MODEL_FIT, training, needles=(".fit", ".train"))
    # Elsewhere too, when the file's first match is a model being configured (`compile`, `Trainer(`), not trained.
    configured = [loc.path for loc in hits if _CONFIGURES.search(loc.detail)]
    hits += raw.grep(_MODEL_FIT, [p for p in configured if p not in training], needles=(".fit", ".train"))
    # neuro_mf's `ModelFactory.get_best_model(X=..., y=...)` fits every candidate of its model YAML.
    hits += raw.grep(MODEL_FACTORY, [p for p in raw.importing_files("neuro_mf") if p in set(scripts)],
                     needles=("get_best_model",))
    positive = [Location(loc.path, loc.line, f"training code in a script: {loc.detail}") 
                for loc in sorted(_fits_first(raw, hits), key=lambda loc: _order(raw, loc))]
    return findings(ID, positive)  # training only in notebooks is what the criterion says is not enough
