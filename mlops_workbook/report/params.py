"""The report notebook's parameters as the batch and the button know them, without loading the report.

Why apart from `content`: the batch and "Create my report" need the default scenario and the
parameter names, and `content` imports pandas and the simulation; a participant's kernel must not
pay for those to click a button. `content` takes its default from here (one definition).
"""

from __future__ import annotations

# The `scenario` parameter's default: "" = the scenario the team's context gives (how fast its data
# changes, `simulation.from_context`; without an answer, concept drift, which separates the levels most clearly).
REPORT_SCENARIO = ""

# The names of the `parameters` cell of notebooks/03_report.ipynb, in order (a test compares them).
PARAMETER_NAMES = ("answers_path", "rubric", "target_level", "scenario", "seed", "include_simulation", "costs",
                   "replay")
