"""Widget apps: each a VBox holding its state, testable without a browser, displayed by a notebook.

No `display()` in constructors; callback errors go to an Output widget in the page.
"""

from __future__ import annotations

from .assessment import AssessmentApp
from .dashboard import WorkshopDashboard
from .lab import DriftLab
from .landing import landing

__all__ = ["AssessmentApp", "DriftLab", "WorkshopDashboard", "landing"]
