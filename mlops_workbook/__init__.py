"""MLOps Workbook: where an ML team stands on the MLOps maturity scale, what each level buys, what next.

The public API is re-exported here lazily (PEP 562), so `import mlops_workbook` stays cheap and a
command such as `mlops-workbook rubric list` does not pay for pandas and SciPy.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Answer": "assessment.answers",
    "Answers": "assessment.answers",
    "AnswersStore": "assessment.store",
    "AnswersError": "errors",
    "Assessment": "assessment.scoring",
    "Context": "assessment.answers",
    "DataError": "errors",
    "Decision": "gating",
    "Progress": "assessment.history",
    "DriftReport": "drift.table",
    "GateMode": "gating",
    "MetricThreshold": "gating",
    "ReferenceProfile": "drift.table",
    "Rubric": "assessment.rubric",
    "TeamRecord": "assessment.record",
    "RubricError": "errors",
    "SCENARIOS": "simulation.scenarios",
    "SimulationConfig": "simulation",
    "SimulationResult": "simulation",
    "WorkbookError": "errors",
    "answers_path": "assessment.store",
    "available_rubrics": "assessment.rubric",
    "champion_challenger_gate": "gating",
    "data_validation_gate": "gating",
    "drift_table": "drift.table",
    "find_progress": "assessment.store",
    "folder_movement": "assessment.room",
    "generate_stream": "simulation.scenarios",
    "load_answers": "assessment.store",
    "load_rubric": "assessment.rubric",
    "prediction_drift": "drift.table",
    "recommend_target": "assessment.scoring",
    "read_team": "assessment.store",
    "save_answers": "assessment.store",
    "score": "assessment.scoring",
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
