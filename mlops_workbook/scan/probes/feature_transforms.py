"""Feature transforms that travel with the model: a scikit-learn pipeline that joins preprocessing to the
estimator, a fitted transformer saved beside the model, or a TensorFlow Transform graph (TFX `Transform`)
applied in the serving function, so serving computes the features as training did."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings

ID = "feature-transforms"
SHORT = ("Feature transforms fitted with the model: a scikit-learn `Pipeline` / `make_pipeline` holding a preprocessing "
         "step (`ColumnTransformer`, encoders, scalers, imputers, vectorizers), or such a transformer saved with "
         "`pickle`/`joblib`/`log_artifact`, a TFX `Transform` component or a tf.Transform `transform_features_layer()` in "
         "the serving function; partial: the features are computed the same way at serving, not by a feature pipeline")
CRITERIA = {"data-2-automated-features": "partial"}
REMEDIATION = ("Put feature preprocessing inside the model pipeline (a scikit-learn Pipeline with a ColumnTransformer) "
               "or a feature pipeline, so training and serving compute features with the same fitted code.")
EFFORT = "low"

# scikit-learn's preprocessing, imputation and feature-extraction transformers (what computes features).
_TRANSFORMER = re.compile(r"\b(?:ColumnTransformer|make_column_transformer|OneHotEncoder|OrdinalEncoder|StandardScaler|"
                          r"MinMaxScaler|RobustScaler|MaxAbsScaler|Normalizer|KBinsDiscretizer|PolynomialFeatures|"
                          r"FunctionTransformer|SimpleImputer|KNNImputer|IterativeImputer|DictVectorizer|"
                          r"TfidfVectorizer|CountVectorizer|HashingVectorizer|FeatureHasher|TargetEncoder|"
                          r"LabelBinarizer|PowerTransformer|QuantileTransformer)\s*\(")
_TRANSFORMER_NEEDLES = ("Transformer", "transformer", "Encoder", "Scaler", "Normalizer", "Discretizer", "Features",
                        "Imputer", "Vectorizer", "Hasher", "Binarizer")
_PIPELINE = re.compile(r"\b(?:Pipeline|make_pipeline)\s*\(")
_SAVED = re.compile(r"\b(?:pickle|joblib|cloudpickle|dill)\.dump\s*\(|\bmlflow\.log_artifacts?\s*\(|\bskops\.io\.dump\s*\(")
# TensorFlow Transform: the TFX component that fits the preprocessing graph, and the layer that applies the same
# graph inside the exported serving function.
_TFX_TRANSFORM = re.compile(r"\bTransform\s*\(")
_TFT_LAYER = re.compile(r"\.transform_features_layer\s*\(")
_STEP_ROWS = 25  # how far below a Pipeline( call its steps are looked for
_ESTIMATOR = re.compile(r"\b\w*(?:Regressor|Classifier|Regression|SVC|SVR|NB)\s*\(")


def _call(raw: RawResults, loc: Location, limit: int = 2000) -> str:
    """The text of the call that starts on the location's line, up to its balancing parenthesis."""
    text = "\n".join(raw.line(loc.path, n) for n in range(loc.line or 1, (loc.line or 1) + _STEP_ROWS))
    match = _PIPELINE.search(text)
    if match is None:
        return ""
    depth = 0
    for end in range(match.end() - 1, min(len(text), match.end() + limit)):
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        if depth == 0:
            return text[match.start():end + 1]
    return text[match.start():]


def _model_first(raw: RawResults, pipelines: list[Location]) -> list[Location]:
    """The pipeline that holds the estimator first: one whose steps name a Regressor, Classifier, ..., then one
    composed of objects built above it (no transformer of its own: the outer pipeline), then the others; in
    file order within each."""
    def rank(loc: Location) -> tuple[int, int]:
        block = _call(raw, loc)
        return (0 if _ESTIMATOR.search(block) else 1 if not _TRANSFORMER.search(block) else 2), loc.line or 0
    return sorted(pipelines, key=rank)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive: list[Location] = []
    for path in raw.importing_files("sklearn"):
        text = raw.text(path)
        transformers = raw.grep(_TRANSFORMER, [path], first_only=False, needles=_TRANSFORMER_NEEDLES)
        if not transformers:
            continue
        rows = {loc.line for loc in transformers}
        pipelines = [loc for loc in raw.grep(_PIPELINE, [path], first_only=False)
                     if any(loc.line - _STEP_ROWS <= row <= loc.line + _STEP_ROWS for row in rows)]
        if pipelines:
            positive += [Location(loc.path, loc.line, "scikit-learn pipeline with its preprocessing: features computed "
                                                      "by the fitted model at serving too") for loc in _model_first(raw, pipelines)]
        elif _SAVED.search(text):
            first = transformers[0]
            positive.append(Location(first.path, first.line, f"fitted transformer saved for serving: {first.detail}"))
    positive += raw.grep(_TFX_TRANSFORM, raw.importing_files("tfx"), needles=("Transform(",),
                         detail="TFX Transform: the preprocessing graph is fitted in the pipeline and exported for serving")
    positive += raw.grep(_TFT_LAYER, raw.importing_files("tensorflow_transform"),
                         detail="tf.Transform layer: serving applies the training preprocessing graph")
    return findings(ID, positive)
