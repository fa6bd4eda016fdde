"""A candidate compared with the production model before promotion: TFMA change thresholds, MLflow's
baseline evaluation, champion/challenger code, SageMaker pipeline quality conditions."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import findings

ID = "baseline-comparison"
SHORT = ("Comparison against the production model: TFMA `GenericChangeThreshold` / `change_threshold`, "
         "`mlflow.evaluate(..., baseline_model=...)` or `MetricThreshold(min_relative_change=...)`, "
         "champion/challenger comparisons, SageMaker `ConditionGreaterThanOrEqualTo` gates whose other side is the production "
         "(baseline, champion) model's metric, not a fixed number; a condition comparing the "
         "production (current, champion) model's metric with the new (candidate, challenger, retrained) one's, or the new "
         "model's metric with the best of the registered versions scored in a loop")
CRITERIA = {"model-2-baseline-comparison": "yes", "deploy-2-champion-challenger": "yes"}
REMEDIATION = ("Evaluate each candidate against the current production model on the same held-out data and block "
               "promotion when it is worse (TFMA change thresholds, mlflow.evaluate with baseline_model).")
EFFORT = "medium"

_CALLS = re.compile(r"\bGenericChangeThreshold\s*\(|\bchange_threshold\s*=|\bbaseline_model\s*=|"
                    r"\bmin_(?:absolute|relative)_change\s*=|\bvalidate_evaluation_results\s*\(")
# A SageMaker pipeline condition compares two values; it compares with the production model only when one
# side reads that model's metric (a JsonGet on the baseline's evaluation step): `right=0.8` is a fixed bar.
_CONDITION = re.compile(r"\bCondition(?:GreaterThan|LessThan)(?:OrEqualTo)?\s*\(")
_CONDITION_ROWS = 12  # lines of the condition's arguments
_CHAMPION = re.compile(r"\b(?:challenger|candidate)\w*\s*(?:\[[^\]]*\]\s*)?(?:\.\w+\s*)?[<>]=?\s*\w*champion|"
                       r"\bchampion\w*\s*(?:\[[^\]]*\]\s*)?(?:\.\w+\s*)?[<>]=?\s*\w*(?:challenger|candidate)", re.IGNORECASE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    code = [f.path for f in raw.with_suffix(".py", ".ipynb")]
    positive = raw.grep(_CALLS, code, first_only=False,
                        needles=("Threshold", "threshold", "baseline_model", "_change", "validate_evaluation"))
    positive += [loc for loc in raw.grep(_CONDITION, code, first_only=False, needles=("Condition",))
                 if _names_production(" ".join(raw.line(loc.path, n) for n in range(loc.line, loc.line + _CONDITION_ROWS)))]
    positive += [Location(loc.path, loc.line, f"champion/challenger comparison: {loc.detail}")
                 for loc in raw.grep(_CHAMPION, code, needles=("champion", "Champion", "CHAMPION"))]
    positive += _models_compared(raw, code)
    positive += _versions_compared(raw, code)
    return findings(ID, positive)


# The new model's metric against the best of the registered versions, scored in a loop over the registry's
# versions (`for v in client.search_model_versions(...)`, then `if score >= max(scores.values())`).
_VERSIONS = re.compile(r"\b(?:search_model_versions|get_latest_versions)\s*\(")
_BEATS_ALL = re.compile(r"^[ \t]*(?:if|elif)\b[^\n]*[<>]=?\s*(?:max|min)\s*\(", re.MULTILINE)
VERSIONS_WINDOW = 30  # lines below the versions lookup where the comparison is looked for


def _versions_compared(raw: RawResults, code: list[str]) -> list[Location]:
    found = []
    for loc in raw.grep(_VERSIONS, code, first_only=False, needles=("search_model_versions", "get_latest_versions")):
        lines = raw.text(loc.path).split("\n")
        for number in range(loc.line, min(loc.line + VERSIONS_WINDOW, len(lines))):
            if _BEATS_ALL.match(lines[number]):
                found.append(Location(loc.path, number + 1, f"the new model against every registered version: "
                                                            f"{lines[number].strip()[:60]}"))
                break
    return found


# A metric of the model in production compared with the same metric of the new one, by the names the code
# gives them: `new_model_mse < production_model_mse`, `new_r2 > current_r2`, `m_chall < m_champ`,
# `staging_eval_metric > production_eval_metric`, or one metric and its retrained twin (`test_acc >
# retrain_test_acc`).
# Words that name the model in production and the new one. `old`/`prev`/`best` are left out: a training loop
# compares `new_loss < old_loss` (early stopping), which is no comparison with production.
_OLD = frozenset({"prod", "production", "champion", "champ", "current", "existing", "deployed", "baseline",
                  "incumbent"})
_NEW = frozenset({"new", "candidate", "cand", "challenger", "chall", "retrain", "retrained", "staging"})
# A metric and its twin named after one model (`test_acc` and `retrain_test_acc`): only a model's role, not
# `new_` (`new_loss < loss` is an optimiser's step).
_TWIN = frozenset({"retrain", "retrained", "candidate", "challenger", "champion", "prod", "production", "baseline",
                   "deployed"})
_NOT_METRIC = frozenset({"version", "versions", "id", "ids", "date", "time", "timestamp", "step", "epoch", "count", "len",
                         "size", "num", "idx", "index", "stage", "name", "day", "days", "year", "month", "price", "row",
                         "rows", "length"})
_METRIC = frozenset({"acc", "accuracy", "auc", "roc", "f1", "loss", "rmse", "mse", "mae", "mape", "r2", "score", "scores",
                     "precision", "recall", "metric", "metrics", "error", "perf", "performance", "eval", "logloss"})
_COMPARISON = re.compile(r"(?<![\w.])([A-Za-z_][\w.]*(?:\[[^\]\n]*\])?)\s*([<>]=?)\s*([A-Za-z_][\w.]*(?:\[[^\]\n]*\])?)(?![\w(])")
_CUE_LINE = re.compile(r"^[ \t]*(?:if|elif|return|\w+\s*=|\()[^\n]*[<>][^\n]*$", re.MULTILINE)
_CONTEXT = re.compile(r"metric|eval|score", re.IGNORECASE)
CONTEXT_LINES = 15


def _names_production(text: str) -> bool:
    """Whether a condition's arguments name the model in production (`step_eval_prod`, `baseline_report`);
    `current` and `existing` are left out: in a condition they name the data (`current_data`)."""
    return bool((_OLD - {"current", "existing"}) & set(_tokens(text)))


def _tokens(operand: str) -> list[str]:
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"\[[^\]]*\]", "", operand))
    return [w for w in re.split(r"[^A-Za-z0-9]+", words.lower()) if w]


def _pair(left: str, right: str) -> bool:
    """Whether two operands are one metric of the production model and of the new one."""
    a, b = _tokens(left), _tokens(right)
    if not a or not b or _NOT_METRIC & set(a + b):
        return False
    if (_OLD & set(a) and _NEW & set(b)) or (_NEW & set(a) and _OLD & set(b)):
        return True
    short, long = sorted((a, b), key=len)
    twin = len(long) == len(short) + 1 and long[1:] == short and long[0] in _TWIN
    return twin and bool(_METRIC & set(short))


def _models_compared(raw: RawResults, code: list[str]) -> list[Location]:
    """Conditions (and booleans) comparing the production model's metric with the candidate's."""
    found = []
    # Every pair names the production model (or a twin's role): `new` alone never makes one.
    needles = ("prod", "champ", "current", "existing", "deployed", "baseline", "incumbent", "retrain", "candidate",
               "chall")
    for loc in raw.grep(_CUE_LINE, code, first_only=False, needles=needles):
        line = raw.line(loc.path, loc.line)
        if not any(_pair(m.group(1), m.group(3)) for m in _COMPARISON.finditer(line)):
            continue
        lines = raw.text(loc.path).split("\n")
        near = "\n".join(lines[max(loc.line - 1 - CONTEXT_LINES, 0): loc.line + CONTEXT_LINES])
        if _CONTEXT.search(near) or any(_METRIC & set(_tokens(m.group(1)) + _tokens(m.group(3)))
                                        for m in _COMPARISON.finditer(line)):
            found.append(Location(loc.path, loc.line, f"production model compared with the new one: {line.strip()[:70]}"))
    return found
