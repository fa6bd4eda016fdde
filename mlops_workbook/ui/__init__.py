"""Widget apps: each a VBox holding its state, testable without a browser, displayed by a notebook.

No `display()` in constructors; callback errors go to an Output widget in the page.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Lazy (PEP 562): a participant's assessment kernel must not pay for the lab's SciPy and simulation
# or the dashboard's pandas.
_APPS = {"AssessmentApp": "assessment", "DriftLab": "lab", "ProjectorView": "projector", "WorkshopDashboard": "dashboard",
         "landing": "landing"}
__all__ = ["AssessmentApp", "DriftLab", "ProjectorView", "WorkshopDashboard", "landing"]


def __getattr__(name: str) -> Any:
    if name not in _APPS:
        raise AttributeError(f"module 'mlops_workbook.ui' has no attribute {name!r}")
    value = getattr(import_module(f".{_APPS[name]}", __name__), name)
    globals()[name] = value
    return value
