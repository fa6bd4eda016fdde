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

The scenarios are a table (`SCENARIOS`, filled by `register_scenario`): each is data (a registered
strength shape, the knobs of the world's equations it drives, an optional registered batch
transform), never a branch on its name. The population is drawn from a base stream shared by all
scenarios, so a week where a scenario does not act is the same rows as `none`; a transform's own draws
come from the scenario's own stream (seeded by seed, week and its name), so adding a draw to one
scenario, or a new scenario, changes no other scenario's data.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
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


StrengthShape = Callable[["Scenario", int], float]
SHAPES: dict[str, StrengthShape] = {}  # how much of a scenario is active in a week from its onset on


def register_shape(name: str) -> Callable[[StrengthShape], StrengthShape]:
    """Register a strength shape under `name` (a scenario names its shape; no branching on scenario names)."""
    def add(shape: StrengthShape) -> StrengthShape:
        SHAPES[name] = shape
        return shape
    return add


@register_shape("off")
def _off(scenario: Scenario, week: int) -> float:
    return 0.0


@register_shape("step")
def _step(scenario: Scenario, week: int) -> float:
    return scenario.magnitude


@register_shape("ramp")
def _ramp(scenario: Scenario, week: int) -> float:
    return scenario.magnitude * min(1.0, (week - scenario.onset + 1) / max(scenario.duration, 1))


@register_shape("recurring")
def _recurring(scenario: Scenario, week: int) -> float:
    return scenario.magnitude if (week - scenario.onset) % SEASON_PERIOD < scenario.duration else 0.0


@register_shape("window")
def _window(scenario: Scenario, week: int) -> float:
    return scenario.magnitude if week < scenario.onset + scenario.duration else 0.0


KNOBS = ("shift", "season", "concept")  # what a scenario's strength can drive in the world's equations


@dataclass(frozen=True)
class Scenario:
    """A named drift scenario as data: when (`shape` from `onset`, with `magnitude` and `duration`), what
    its strength drives (`drives`: knobs of the input and label equations) and an optional `transform`
    of the week's batch (a registered function that draws, if it must, from the scenario's own stream).
    `strength(week)` says how much of it is active."""

    name: str
    onset: int = 20
    magnitude: float = 1.0
    duration: int = 6
    description: str = ""
    shape: str = "step"
    drives: tuple[str, ...] = ()
    transform: str = ""

    def strength(self, week: int) -> float:
        """How much of the scenario acts in `week`: 0 before the onset, then its shape's value."""
        return 0.0 if week < self.onset else SHAPES[self.shape](self, week)

    def active(self, week: int) -> bool:
        """Whether the scenario changes anything in `week`."""
        return self.strength(week) > 0

    def knobs(self, week: int) -> dict[str, float]:
        """The strength of each knob in `week` (0 for the knobs this scenario does not drive)."""
        strength = self.strength(week)
        return {knob: strength if knob in self.drives else 0.0 for knob in KNOBS}


SCENARIOS: dict[str, Scenario] = {}


def register_scenario(scenario: Scenario) -> Scenario:
    """Add a scenario to the table (a later registration of a name replaces the earlier one). Its own
    draws come from its own random stream, so adding one changes no other scenario's data."""
    unknown = set(scenario.drives) - set(KNOBS)
    if scenario.shape not in SHAPES or unknown or (scenario.transform and scenario.transform not in TRANSFORMS):
        raise DataError(f"scenario {scenario.name!r}: unknown shape, knob or transform", field="scenario")
    SCENARIOS[scenario.name] = scenario
    return scenario


def get_scenario(name: str, *, onset: int | None = None, magnitude: float | None = None,
                 duration: int | None = None) -> Scenario:
    """A registered scenario, with its onset, magnitude or duration changed when given."""
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
        """The week as a DataFrame with category names, the label and `week` (what users and the CSV snapshot see)."""
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


Draw = Callable[[np.random.Generator, int], "WeekArrays"]
Transform = Callable[["WeekArrays", float, np.random.Generator, Draw], "WeekArrays"]
TRANSFORMS: dict[str, Transform] = {}  # what a scenario does to a week's batch beyond the equations' knobs


def register_transform(name: str) -> Callable[[Transform], Transform]:
    """Register a batch transform under `name`: (week's batch, strength, the scenario's own generator,
    a function drawing more rows of this week's world from a generator) -> the batch served."""
    def add(transform: Transform) -> Transform:
        TRANSFORMS[name] = transform
        return transform
    return add


@register_transform("prior")
def _more_defaulters(week: WeekArrays, strength: float, rng: np.random.Generator, draw: Draw) -> WeekArrays:
    """Prior shift: keep P(x|y), raise P(y=1) from its natural ~15% by (1 + strength), by selecting the
    week's rows from a pool three times its size (the extra rows from the scenario's own stream)."""
    n = len(week)
    extra = draw(rng, 2 * n)
    numeric, codes = np.vstack([week.numeric, extra.numeric]), np.vstack([week.codes, extra.codes])
    y, p = np.concatenate([week.y, extra.y]), np.concatenate([week.p, extra.p])
    target_rate = min(0.9, y.mean() * (1 + strength))
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    n_pos = min(len(pos), int(round(target_rate * n)))
    keep = np.concatenate([rng.choice(pos, n_pos, replace=False), rng.choice(neg, n - n_pos, replace=False)])
    keep.sort()
    # Bayes: the selection reweights the classes, so the true odds scale by the kept shares.
    base = p[keep]
    odds = base / (1 - base) * (n_pos / max(len(pos), 1)) / ((n - n_pos) / max(len(neg), 1))
    return WeekArrays(week.week, numeric[keep], codes[keep], y[keep], odds / (1 + odds))


@register_transform("broken-feed")
def _broken_feed(week: WeekArrays, strength: float, rng: np.random.Generator, draw: Draw) -> WeekArrays:
    """An upstream bug: income arrives in thousands and credit_score is missing for strength x 40% of rows."""
    numeric = week.numeric.copy()
    income = NUMERIC_FEATURES.index("income")
    numeric[:, income] = (numeric[:, income] / 1000).round(1)
    missing = rng.random(len(week)) < min(1.0, 0.4 * strength)
    numeric[missing, NUMERIC_FEATURES.index("credit_score")] = np.nan
    return replace(week, numeric=numeric)


def scenario_generator(scenario: Scenario, seed: int, week: int) -> np.random.Generator:
    """The scenario's own random stream for a week: seeded by (seed, week, the scenario's name), so its
    draws never shift the shared base stream nor another scenario's."""
    return np.random.default_rng(np.random.SeedSequence([seed, week + 1000, 7919, zlib.crc32(scenario.name.encode())]))


def _world_rows(rng: np.random.Generator, n: int, week: int, knobs: dict[str, float]) -> WeekArrays:
    """n rows of the world at these knob strengths: inputs, then the labels, all from `rng`."""
    x = _inputs(rng, n, knobs["shift"], knobs["season"])
    p = 1 / (1 + np.exp(-true_logit(x, knobs["concept"], knobs["season"])))
    y = (rng.random(n) < p).astype(np.int8)
    numeric = np.column_stack([x[name] for name in NUMERIC_FEATURES]).astype(float)
    codes = np.column_stack([x[name] for name in CATEGORICAL_FEATURES]).astype(np.intp)
    return WeekArrays(week, numeric, codes, y, p)


def generate_week_arrays(week: int, n: int, scenario: Scenario, seed: int) -> WeekArrays:
    """One week's batch as arrays. Same (week, n, scenario, seed), same rows. The population is drawn
    from a base stream shared by every scenario (so a week where no scenario acts is the same in all);
    a scenario's transform draws only from its own stream."""
    knobs = scenario.knobs(week)
    batch = _world_rows(np.random.default_rng([seed, week + 1000, 7919]), n, week, knobs)
    strength = scenario.strength(week)
    if scenario.transform and strength > 0:
        def draw(rng: np.random.Generator, m: int) -> WeekArrays:
            return _world_rows(rng, m, week, knobs)
        batch = TRANSFORMS[scenario.transform](batch, strength, scenario_generator(scenario, seed, week), draw)
    return batch


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


# --------------------------------------------------------------------------- the scenario table

for _scenario in (
    Scenario("none", shape="off", description="No drift: the world stays the same."),
    Scenario("sudden-covariate-shift", onset=20, duration=0, drives=("shift",),
             description="A new customer segment arrives at once: lower income and credit scores, higher utilisation."),
    Scenario("gradual-drift", onset=15, duration=20, shape="ramp", drives=("shift",),
             description="The same shift in the customer base, phased in over several months."),
    Scenario("seasonal", onset=8, duration=6, shape="recurring", drives=("season",),
             description="Holiday borrowing every quarter for six weeks: bigger loans, higher utilisation, riskier car "
                         "and home loans and online applications, safer broker deals."),
    Scenario("concept-drift", onset=20, duration=0, drives=("concept",),
             description="What predicts default changes (online fraud ring); the inputs look the same."),
    Scenario("prior-shift", onset=20, duration=0, transform="prior",
             description="The default rate rises: more applicants who will default, same profiles per class."),
    Scenario("data-quality-bug", onset=18, duration=6, shape="window", transform="broken-feed",
             description="An upstream change sends income in thousands and drops credit scores for weeks, then is fixed."),
):
    register_scenario(_scenario)


if __name__ == "__main__":  # pragma: no cover
    root = Path(__file__).resolve().parent.parent.parent / "data"
    print(write_snapshot(root / "loan_stream_sample.csv"))
    ref = generate_week(0, 2000, SCENARIOS["none"], 0)
    cur = generate_week(30, 2000, SCENARIOS["sudden-covariate-shift"], 0)
    ref.drop(columns=["week"]).to_csv(root / "reference.csv", index=False, float_format="%.6g")
    cur.drop(columns=["week"]).to_csv(root / "current.csv", index=False, float_format="%.6g")
    print(root / "reference.csv", root / "current.csv")
