"""MLOps Workbook: where an ML team stands on the MLOps maturity scale, what each level buys, what next.

The public API is re-exported here lazily (PEP 562), so `import mlops_workbook` stays cheap and a
command such as `mlops-workbook rubric list` does not pay for pandas and SciPy.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Answer": "answers",
    "Answers": "answers",
    "AnswersError": "errors",
    "Assessment": "scoring",
    "Context": "answers",
    "DataError": "errors",
    "Decision": "gating",
    "Progress": "history",
    "DriftReport": "drift",
    "GateMode": "gating",
    "MetricThreshold": "gating",
    "ReferenceProfile": "drift",
    "Rubric": "rubric",
    "RubricError": "errors",
    "SCENARIOS": "sample_data",
    "SimulationConfig": "simulation",
    "SimulationResult": "simulation",
    "WorkbookError": "errors",
    "answers_path": "answers",
    "available_rubrics": "rubric",
    "champion_challenger_gate": "gating",
    "data_validation_gate": "gating",
    "drift_table": "drift",
    "find_progress": "history",
    "folder_movement": "history",
    "generate_stream": "sample_data",
    "load_answers": "answers",
    "load_rubric": "rubric",
    "prediction_drift": "drift",
    "recommend_target": "scoring",
    "save_answers": "answers",
    "score": "scoring",
    "simulate": "simulation",
    "threshold_gate": "gating",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'mlops_workbook' has no attribute {name!r}")
    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
