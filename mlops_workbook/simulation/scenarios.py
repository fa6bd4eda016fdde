"""The seeded weekly stream of loan applications and the named drift scenarios.

A realistic tabular binary classification problem: will a loan default within a year? 13 features
(9 numeric, 4 categorical), a non-linear label relation (a utilisation hinge, an age x utilisation
interaction, a saturating credit-score effect) and class imbalance (about 15% defaults). Batches
arrive weekly; labels arrive `label_delay` weeks later, as in production.

Scenarios (parameters: onset week, magnitude, duration in weeks):

- ``none``: the world stays the same.
- ``sudden-covariate-shift``: from the onset a new customer segment arrives: lower incomes and
  credit scores, higher utilisation and debt-to-income, more debt consolidation. P(y|x) is unchanged,
  but the stale model meets inputs it barely saw (the utilisation hinge it never learned).
- ``gradual-drift``: the same shift, phased in linearly over `duration` weeks.
- ``seasonal``: every 13 weeks, for `duration` weeks, holiday borrowing: bigger loans, higher
  utilisation, more car and home purposes; those loans and online applications default more while
  broker deals default less (recurring; inputs and P(y|x) both move, so one model cannot fit both).
- ``concept-drift``: P(y|x) changes, inputs do not: online applications become risky (a fraud ring),
  the credit score matters less and debt-to-income more.
- ``prior-shift``: the default rate rises (class balance changes) through more defaulters applying,
  with P(x|y) unchanged.
- ``data-quality-bug``: an upstream change for `duration` weeks: income arrives in thousands (units
  change) and credit_score is missing for a share of rows (magnitude x 40%); then it is fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError

NUMERIC_FEATURES = (
    "income", "loan_amount", "debt_to_income", "credit_score", "utilization",
    "age", "employment_years", "num_open_accounts", "interest_rate",
)
CATEGORICAL_FEATURES = ("home_ownership", "purpose", "channel", "region")
FEATURES = NUMERIC_FEATURES + CATEGORICAL_FEATURES
TARGET = "default"
CATEGORIES = {
    "home_ownership": ("rent", "own", "mortgage"),
    "purpose": ("debt_consolidation", "credit_card", "home", "car", "business", "other"),
    "channel": ("branch", "online", "broker"),
    "region": ("north", "south", "east", "west"),
}
_PURPOSE_P = np.array([0.35, 0.20, 0.15, 0.12, 0.08, 0.10])
_PURPOSE_EFFECT = {"debt_consolidation": 0.3, "credit_card": 0.2, "home": -0.2, "car": -0.1, "business": 0.6, "other": 0.0}
_HOME_EFFECT = {"rent": 0.25, "own": -0.2, "mortgage": 0.0}
_CHANNEL_EFFECT = {"branch": -0.1, "online": 0.0, "broker": 0.3}
SEASON_PERIOD = 13


@dataclass(frozen=True)
class Scenario:
    """A named drift scenario with its parameters; `strength(week)` says how much of it is active."""

    name: str
    onset: int = 20
    magnitude: float = 1.0
    duration: int = 6
    description: str = ""

    def strength(self, week: int) -> float:
        if self.name == "none" or week < self.onset:
            return 0.0
        if self.name == "gradual-drift":
            return self.magnitude * min(1.0, (week - self.onset + 1) / max(self.duration, 1))
        if self.name == "seasonal":
            return self.magnitude if (week - self.onset) % SEASON_PERIOD < self.duration else 0.0
        if self.name == "data-quality-bug":
            return self.magnitude if week < self.onset + self.duration else 0.0
        return self.magnitude

    def active(self, week: int) -> bool:
        return self.strength(week) > 0


SCENARIOS: dict[str, Scenario] = {
    "none": Scenario("none", description="No drift: the world stays the same."),
    "sudden-covariate-shift": Scenario(
        "sudden-covariate-shift", onset=20, duration=0,
        description="A new customer segment arrives at once: lower income and credit scores, higher utilisation."),
    "gradual-drift": Scenario(
        "gradual-drift", onset=15, duration=20,
        description="The same shift in the customer base, phased in over several months."),
    "seasonal": Scenario(
        "seasonal", onset=8, duration=6,
        description="Holiday borrowing every quarter for six weeks: bigger loans, higher utilisation, riskier car "
                    "and home loans and online applications, safer broker deals."),
    "concept-drift": Scenario(
        "concept-drift", onset=20, duration=0,
        description="What predicts default changes (online fraud ring); the inputs look the same."),
    "prior-shift": Scenario(
        "prior-shift", onset=20, duration=0,
        description="The default rate rises: more applicants who will default, same profiles per class."),
    "data-quality-bug": Scenario(
        "data-quality-bug", onset=18, duration=6,
        description="An upstream change sends income in thousands and drops credit scores for weeks, then is fixed."),
}


def get_scenario(name: str, *, onset: int | None = None, magnitude: float | None = None,
                 duration: int | None = None) -> Scenario:
    if name not in SCENARIOS:
        raise DataError(f"unknown scenario {name!r} (choose from {', '.join(SCENARIOS)})", field="scenario")
    scenario = SCENARIOS[name]
    changes = {k: v for k, v in {"onset": onset, "magnitude": magnitude, "duration": duration}.items() if v is not None}
    if "magnitude" in changes and changes["magnitude"] < 0:
        raise DataError("magnitude must be >= 0", field="magnitude")
    return replace(scenario, **changes) if changes else scenario


# --------------------------------------------------------------------------- generation


_PURPOSE_EFFECTS = np.array([_PURPOSE_EFFECT[c] for c in CATEGORIES["purpose"]])
_HOME_EFFECTS = np.array([_HOME_EFFECT[c] for c in CATEGORIES["home_ownership"]])
_CHANNEL_EFFECTS = np.array([_CHANNEL_EFFECT[c] for c in CATEGORIES["channel"]])
_ONLINE, _BROKER = CATEGORIES["channel"].index("online"), CATEGORIES["channel"].index("broker")
_CAR_HOME = np.isin(np.array(CATEGORIES["purpose"]), ("car", "home"))


@dataclass(frozen=True)
class WeekArrays:
    """One week as arrays: numeric columns (NaN = missing), categorical codes (index into CATEGORIES),
    the label and the world's true default probability (ground truth: the simulation's yardstick,
    never shown to a policy)."""

    week: int
    numeric: np.ndarray  # rows x len(NUMERIC_FEATURES)
    codes: np.ndarray  # rows x len(CATEGORICAL_FEATURES), int
    y: np.ndarray
    p: np.ndarray

    def __len__(self) -> int:
        return len(self.y)

    def frame(self) -> pd.DataFrame:
        data: dict[str, np.ndarray] = {name: self.numeric[:, i] for i, name in enumerate(NUMERIC_FEATURES)}
        for j, name in enumerate(CATEGORICAL_FEATURES):
            data[name] = np.array(CATEGORIES[name], dtype=object)[self.codes[:, j]]
        frame = pd.DataFrame(data)
        frame[TARGET] = self.y
        frame.insert(0, "week", self.week)
        return frame


def _inputs(rng: np.random.Generator, n: int, shift: float, season: float) -> dict[str, np.ndarray]:
    """Categoricals come back as codes (same draws as choosing the names)."""
    income = rng.lognormal(np.log(55_000) - 0.2 * shift, 0.5, n)
    loan = rng.lognormal(np.log(15_000) + 0.4 * season, 0.6, n).clip(1_000, 150_000)
    dti = (rng.beta(2, 5, n) * 0.8 + 0.03 * shift).clip(0, 1.2)
    score = rng.normal(690 - 20 * shift, 55, n).clip(300, 850)
    util = rng.beta(2, 3, n)
    util = (1 - (1 - util) * (1 - 0.55 * shift - 0.45 * season)).clip(0, 1)
    age = (21 + rng.gamma(3, 6, n)).clip(18, 90)
    employment = np.minimum(age - 18, rng.exponential(6, n))
    accounts = rng.poisson(6, n).astype(float)
    rate = (0.05 + 0.10 * (850 - score) / 550 + rng.normal(0, 0.01, n)).clip(0.02, 0.35)
    purpose_p = _PURPOSE_P.copy()
    purpose_p[0] += 0.15 * shift
    purpose_p[3] += 0.12 * season
    purpose_p[2] += 0.08 * season
    purpose_p /= purpose_p.sum()
    return {
        "income": income.round(0),
        "loan_amount": loan.round(0),
        "debt_to_income": dti,
        "credit_score": score.round(0),
        "utilization": util,
        "age": age.round(0),
        "employment_years": employment.round(1),
        "num_open_accounts": accounts,
        "interest_rate": rate,
        "home_ownership": rng.choice(3, n, p=[0.4, 0.2, 0.4]),
        "purpose": rng.choice(6, n, p=purpose_p),
        "channel": rng.choice(3, n, p=[0.3, 0.55, 0.15]),
        "region": rng.choice(4, n),
    }


def true_logit(x: dict[str, np.ndarray], concept: float = 0.0, season: float = 0.0) -> np.ndarray:
    """The world's P(default | x) on the logit scale (categoricals as codes); `concept` > 0 moves it
    (concept drift), and so does `season` (holiday loans for cars and homes and online applications
    default more, while broker deals, normally the riskier channel, become the safer one)."""
    score_effect = np.tanh((650 - x["credit_score"]) / 60) * (1.4 * (1 - 0.6 * concept))
    dti_effect = (x["debt_to_income"] - 0.23) / 0.12 * (0.8 * (1 + 0.6 * concept))
    hinge = 25.0 * np.maximum(x["utilization"] - 0.8, 0)  # risk jumps past 80% utilisation
    income_effect = -0.5 * np.log(x["income"] / 55_000)
    burden = 0.9 * (x["loan_amount"] / x["income"] > 0.4)
    tenure = -0.08 * np.minimum(x["employment_years"], 10)
    young = 1.0 * (x["age"] < 25) * (x["utilization"] > 0.6)
    online, broker = x["channel"] == _ONLINE, x["channel"] == _BROKER
    purpose = _PURPOSE_EFFECTS[x["purpose"]] + 2.0 * season * _CAR_HOME[x["purpose"]]
    home = _HOME_EFFECTS[x["home_ownership"]]
    channel = _CHANNEL_EFFECTS[x["channel"]] + 1.5 * concept * online + season * (1.2 * online - 1.2 * broker)
    return -1.9 + score_effect + dti_effect + hinge + income_effect + burden + tenure + young + purpose + home + channel


def generate_week_arrays(week: int, n: int, scenario: Scenario, seed: int) -> WeekArrays:
    """One week's batch as arrays. Same (week, n, scenario, seed), same rows."""
    rng = np.random.default_rng([seed, week + 1000, 7919])
    strength = scenario.strength(week)
    shift = strength if scenario.name in ("sudden-covariate-shift", "gradual-drift") else 0.0
    season = strength if scenario.name == "seasonal" else 0.0
    concept = strength if scenario.name == "concept-drift" else 0.0
    pool = n * 3 if scenario.name == "prior-shift" and strength > 0 else n
    x = _inputs(rng, pool, shift, season)
    p = 1 / (1 + np.exp(-true_logit(x, concept, season)))
    y = (rng.random(pool) < p).astype(np.int8)
    if pool != n:
        # Prior shift: keep P(x|y), raise P(y=1) from its natural ~15% by (1 + magnitude).
        target_rate = min(0.9, y.mean() * (1 + strength))
        pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
        n_pos = min(len(pos), int(round(target_rate * n)))
        keep = np.concatenate([rng.choice(pos, n_pos, replace=False), rng.choice(neg, n - n_pos, replace=False)])
        keep.sort()
        x = {k: v[keep] for k, v in x.items()}
        y = y[keep]
        # Bayes: the selection reweights the classes, so the true odds scale by the kept shares.
        base = p[keep]
        odds = base / (1 - base) * (n_pos / max(len(pos), 1)) / ((n - n_pos) / max(len(neg), 1))
        p = odds / (1 + odds)
    numeric = np.column_stack([x[name] for name in NUMERIC_FEATURES]).astype(float)
    if scenario.name == "data-quality-bug" and strength > 0:
        income = NUMERIC_FEATURES.index("income")
        numeric[:, income] = (numeric[:, income] / 1000).round(1)  # upstream sends thousands
        missing = rng.random(n) < min(1.0, 0.4 * strength)
        numeric[missing, NUMERIC_FEATURES.index("credit_score")] = np.nan
    codes = np.column_stack([x[name] for name in CATEGORICAL_FEATURES]).astype(np.intp)
    return WeekArrays(week, numeric, codes, y, p)


def generate_week(week: int, n: int, scenario: Scenario, seed: int) -> pd.DataFrame:
    """One week's batch: features, the label, and `week`. Same (week, n, scenario, seed), same rows."""
    return generate_week_arrays(week, n, scenario, seed).frame()


def generate_stream(scenario: Scenario | str = "none", *, weeks: int = 52, rows_per_week: int = 2000,
                    seed: int = 0, warmup_weeks: int = 4) -> pd.DataFrame:
    """Weeks -warmup..weeks-1 (negative weeks are the history the first model trains on)."""
    if isinstance(scenario, str):
        scenario = get_scenario(scenario)
    if weeks < 1 or rows_per_week < 50:
        raise DataError("need at least 1 week and 50 rows a week", field="weeks")
    return pd.concat([generate_week(w, rows_per_week, scenario, seed) for w in range(-warmup_weeks, weeks)],
                     ignore_index=True)


def write_snapshot(path: str | Path, *, scenario: str = "sudden-covariate-shift", weeks: int = 52,
                   rows_per_week: int = 500, seed: int = 0) -> Path:
    """The small shipped snapshot in data/ (regenerate: `python -m mlops_workbook.simulation.scenarios`)."""
    frame = generate_stream(scenario, weeks=weeks, rows_per_week=rows_per_week, seed=seed)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False, float_format="%.6g")
    return out


if __name__ == "__main__":  # pragma: no cover
    root = Path(__file__).resolve().parent.parent.parent / "data"
    print(write_snapshot(root / "loan_stream_sample.csv"))
    ref = generate_week(0, 2000, SCENARIOS["none"], 0)
    cur = generate_week(30, 2000, SCENARIOS["sudden-covariate-shift"], 0)
    ref.drop(columns=["week"]).to_csv(root / "reference.csv", index=False, float_format="%.6g")
    cur.drop(columns=["week"]).to_csv(root / "current.csv", index=False, float_format="%.6g")
    print(root / "reference.csv", root / "current.csv")
