"""What each maturity level catches and loses, in money, over a drifting loan stream.

- `config`: the settings and level names; `costs`: the loan book's economics and run costs (YAML);
- `world`: one seed's stream and the caches every level shares; `policies`: the per-level
  capability table and the runner that reads it; `ledger`: events, and KPIs computed from them;
- `run`: one seed (`simulate`); `uncertainty`: many seeds, means, intervals and paired comparisons.
- `explorer`: the lab's kept runs per setting (a day-rate change repriced, not re-run).
- `history_data`: a team's own history (CSV or Parquet) read into periods with delayed labels;
  `block_bootstrap`: intervals over one history (moving blocks of periods), for the replay to come.
"""

from __future__ import annotations

from .block_bootstrap import Interval, PairedInterval, block_bootstrap_interval, default_block, paired_block_bootstrap
from .config import LEVEL_NAMES, SimulationConfig
from .costs import Costs, default_costs, load_costs
from .history_data import MIN_PERIODS, History, load_history
from .policies import CAPABILITIES, Capabilities
from .run import SimulationResult, drift_by_week, simulate
from .uncertainty import MultiSeedResult, compare_levels, simulate_seeds

__all__ = [
    "CAPABILITIES", "LEVEL_NAMES", "MIN_PERIODS", "Capabilities", "Costs", "History", "Interval", "MultiSeedResult",
    "PairedInterval", "SimulationConfig", "SimulationResult", "block_bootstrap_interval", "compare_levels",
    "default_block", "default_costs", "drift_by_week", "load_costs", "load_history", "paired_block_bootstrap",
    "simulate", "simulate_seeds",
]
