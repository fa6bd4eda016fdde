"""`mlops-workbook replay FILE`: the five levels' policies on a team's own labelled history.

- `value`: what each outcome (true/false positive/negative) is worth, from a YAML or JSON file;
- `world`: the history seen as the policies see the simulated loan book, thresholds calibrated on
  its launch periods, data validation against the serving champion's training data;
- `run`: every level over the history, KPIs with moving-block bootstrap intervals, paired comparisons;
- `saved`: a saved `replay --json` result read back (what a report shows of a team's own history).
"""

from __future__ import annotations

from .run import ReplayResult, replay, replay_file
from .saved import SavedReplay, load_saved_replay
from .value import OutcomeValue, load_value
from .world import HistoryWorld, model_factory

__all__ = ["HistoryWorld", "OutcomeValue", "ReplayResult", "SavedReplay", "load_saved_replay", "load_value",
           "model_factory", "replay", "replay_file"]
