"""One operating policy per maturity level, run over the same weekly stream.

Faithful to the seeds' level descriptions:

- **L0 manual**: trained once and copied to production, no monitoring. A problem is noticed only
  when the business complains (accuracy, as outcomes come in, stays `complaint_drop` below launch
  for `complaint_weeks` weeks); a person retrains by hand `manual_delay` weeks later.
- **L1 scripted**: a script retrains on a slow fixed schedule (quarterly) and deploys with no
  quality check; serving-error logging catches rows the endpoint cannot score (missing or broken
  inputs) as errors, not the silent accuracy loss.
- **L2 automated**: a pipeline retrains monthly through the gates (data validation, threshold,
  champion/challenger); a bad candidate is blocked.
- **L3 monitored**: L2 plus data-drift, prediction-drift and performance monitoring (performance
  once the delayed labels arrive). An alert opens a retrain that a person approves
  (`approval_delay`, one manual intervention); the challenger goes to a canary share of traffic
  and is promoted, or rolled back automatically, once the canary week's labels are in.
- **L4 optimized**: the same signals trigger retraining, evaluation and promotion with no person
  in the loop; self-healing: a promoted model that underperforms its predecessor on fresh labels
  is rolled back and a retrain started.

Every week each level serves that week's rows with its model; accuracy and AUC are measured
against the true labels (known to us, reaching the policy only `label_delay` weeks later). An
oracle retrained every week on the freshest labelled weeks is the yardstick for accuracy lost.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .drift import DriftReport, FeatureDrift, ReferenceProfile, prediction_drift
from .errors import DataError
from .gating import (
    Decision,
    GateMode,
    GateResult,
    MetricThreshold,
    ModelRegistry,
    champion_challenger_gate,
    data_validation_gate,
    decide,
    threshold_gate,
    validated_range,
)
from .metrics import accuracy, roc_auc
from .model import LoanModel, Prepared, prepare
from .sample_data import FEATURES, NUMERIC_FEATURES, Scenario, generate_stream, get_scenario

LEVEL_NAMES = {0: "L0 manual", 1: "L1 scripted", 2: "L2 automated", 3: "L3 monitored", 4: "L4 optimized"}
# Compute cost units (documented in the README): training costs its rows / 1000; each weekly
# monitoring check, gate evaluation or canary week costs a fixed amount.
COST_TRAIN_PER_1000_ROWS = 1.0
COST_DRIFT_CHECK = 0.2
COST_PERFORMANCE_CHECK = 0.05
COST_GATES = 0.3
COST_CANARY_WEEK = 0.5
ARCHIVE_SIZE = 8  # models an L4 registry keeps ready for automated re-selection
SELECTION_MARGIN = 0.01
REGIME_MATCH_RATIO = 0.5  # an archived model's data must drift half as much as the champion's to be re-selected  # accuracy an archived model must gain over the champion to be re-selected


@dataclass(frozen=True)
class SimulationConfig:
    scenario: str = "sudden-covariate-shift"
    weeks: int = 52
    rows_per_week: int = 2000
    seed: int = 0
    onset: int | None = None
    magnitude: float | None = None
    duration: int | None = None
    levels: tuple[int, ...] = (0, 1, 2, 3, 4)
    label_delay: int = 2
    train_weeks: int = 4
    # gates
    gate_mode: str = "enabled"
    auc_threshold: float = 0.70
    champion_delta: float = 0.02
    n_boot: int = 150
    # monitoring
    drift_threshold: float = 0.1
    drift_share: float = 0.25
    prediction_drift_threshold: float = 0.1
    performance_drop: float = 0.06
    serving_error_rate: float = 0.01
    # people
    complaint_drop: float = 0.04
    complaint_weeks: int = 4
    manual_delay: int = 4
    approval_delay: int = 2
    min_weeks_after_change: int = 1
    canary_share: float = 0.1
    schedule_l1: int = 13
    schedule_l2: int = 4

    def validate(self) -> None:
        if self.weeks < 4 or self.weeks > 520:
            raise DataError("weeks must be between 4 and 520", field="weeks")
        if self.rows_per_week < 200:
            raise DataError("rows_per_week must be at least 200", field="rows_per_week")
        if not self.levels or any(lv not in LEVEL_NAMES for lv in self.levels):
            raise DataError(f"levels must be among 0-4, got {list(self.levels)}", field="levels")
        if self.label_delay < 0 or self.train_weeks < 1:
            raise DataError("label_delay must be >= 0 and train_weeks >= 1", field="label_delay")
        if self.gate_mode not in {m.value for m in GateMode}:
            raise DataError(f"gate_mode must be one of {', '.join(m.value for m in GateMode)}", field="gate_mode")
        get_scenario(self.scenario)

    @property
    def scenario_spec(self) -> Scenario:
        return get_scenario(self.scenario, onset=self.onset, magnitude=self.magnitude, duration=self.duration)


@dataclass
class SimulationResult:
    config: SimulationConfig
    timeline: pd.DataFrame
    kpis: pd.DataFrame
    events: pd.DataFrame
    decisions: dict[int, ModelRegistry]
    drift: pd.DataFrame
    scenario: Scenario

    def kpi(self, level: int, name: str) -> Any:
        return self.kpis.set_index("level").loc[level, name]

    def to_dict(self) -> dict[str, Any]:
        def clean(value: Any) -> Any:
            if isinstance(value, (np.floating, float)):
                return None if math.isnan(value) else round(float(value), 4)
            if isinstance(value, np.integer):
                return int(value)
            return value

        return {
            "config": asdict(self.config),
            "scenario": asdict(self.scenario),
            "kpis": [{k: clean(v) for k, v in row.items()} for row in self.kpis.to_dict("records")],
            "events": self.events.to_dict("records"),
        }


# --------------------------------------------------------------------------- the shared world


@dataclass
class _Trained:
    key: tuple[int, int]
    model: LoanModel
    holdout_week: int
    profile: ReferenceProfile
    train_scores: np.ndarray
    metrics: dict[str, float]
    validation: GateResult | None = None


class _World:
    """The stream, prepared once, and caches shared by every level (same window, same model)."""

    def __init__(self, config: SimulationConfig):
        self.config = config
        self.scenario = config.scenario_spec
        warmup = config.train_weeks + 1 + config.label_delay
        self.stream = generate_stream(self.scenario, weeks=config.weeks, rows_per_week=config.rows_per_week,
                                      seed=config.seed, warmup_weeks=warmup)
        self.first_week = -warmup
        self.frames = {int(w): f.reset_index(drop=True) for w, f in self.stream.groupby("week", sort=True)}
        self.prepared = {w: prepare(f) for w, f in self.frames.items()}
        self.labels = {w: p.y.astype(np.int8) for w, p in self.prepared.items() if p.y is not None}
        self._models: dict[tuple[int, int], _Trained] = {}
        self._scores: dict[tuple[tuple[int, int], int], np.ndarray] = {}
        self.reference_profile = ReferenceProfile.from_frame(
            pd.concat([self.frames[w] for w in range(self.first_week, 0)]), columns=list(FEATURES))
        self._validation: dict[tuple[int, int], GateResult] = {}
        self._drift: dict[tuple[tuple[int, int], int], DriftReport] = {}
        self._guarded: dict[int, Prepared] = {}
        self._pdrift: dict[tuple[tuple[int, int], int], FeatureDrift] = {}
        self.trainings = 0
        self.error_rates = {w: float(np.isnan(self.prepared[w].raw).any(axis=1).mean()) for w in self.prepared}

    def train(self, start: int, end: int) -> _Trained:
        """Model trained on weeks [start, end), holdout week `end` (cached by window)."""
        key = (start, end)
        if key not in self._models:
            data = Prepared.concat([self.prepared[w] for w in range(start, end)])
            model = LoanModel.fit(data, version=f"w{start}..{end - 1}")
            self.trainings += 1
            frame = pd.concat([self.frames[w] for w in range(start, end)], ignore_index=True)
            profile = ReferenceProfile.from_frame(frame, columns=list(FEATURES))
            holdout = self.scores(model, key, end) if end in self.prepared else np.empty(0)
            y = self.labels.get(end, np.empty(0, dtype=np.int8))
            metrics = {"auc": roc_auc(y, holdout), "accuracy": accuracy(y, holdout)} if len(y) else {}
            self._models[key] = _Trained(key, model, end, profile, model.predict_proba(data), metrics)
        return self._models[key]

    def scores(self, model: LoanModel, key: tuple[int, int], week: int) -> np.ndarray:
        cache_key = (key, week)
        if cache_key not in self._scores:
            self._scores[cache_key] = model.predict_proba(self.prepared[week])
        return self._scores[cache_key]

    def predict(self, trained: _Trained, week: int, guarded: bool = False) -> np.ndarray:
        if not guarded:
            return self.scores(trained.model, trained.key, week)
        cache_key = (trained.key, -week - 10_000)  # a separate slot for guarded inputs
        if cache_key not in self._scores:
            self._scores[cache_key] = trained.model.predict_proba(self.guarded(week))
        return self._scores[cache_key]

    def guarded(self, week: int) -> Prepared:
        """Serving-side data quality guard (L3+): a value outside the reference's validated range is
        treated as missing, so the model imputes it instead of extrapolating from garbage."""
        if week not in self._guarded:
            frame, prepared = self.frames[week], self.prepared[week]
            raw = prepared.raw.copy()
            for i, name in enumerate(NUMERIC_FEATURES):
                low, high = validated_range(self.reference_profile.columns[name])
                values = frame[name].to_numpy(dtype=float, na_value=np.nan)
                raw[(values < low) | (values > high), i] = np.nan
            self._guarded[week] = Prepared(raw, prepared.onehot, prepared.y)
        return self._guarded[week]

    def data_drift(self, trained: _Trained, week: int) -> DriftReport:
        key = (trained.key, week)
        if key not in self._drift:
            cfg = self.config
            self._drift[key] = trained.profile.compare(self.frames[week], thresholds=_limits(cfg),
                                                       drift_share=cfg.drift_share)
        return self._drift[key]

    def prediction_drift(self, trained: _Trained, week: int) -> FeatureDrift:
        key = (trained.key, week)
        if key not in self._pdrift:
            self._pdrift[key] = prediction_drift(trained.train_scores, self.predict(trained, week), test="wasserstein",
                                                 threshold=self.config.prediction_drift_threshold)
        return self._pdrift[key]

    def validate_window(self, start: int, end: int) -> GateResult:
        """Data validation of a training window (and its holdout week) against the original reference."""
        key = (start, end)
        if key not in self._validation:
            frame = pd.concat([self.frames[w] for w in range(start, end + 1) if w in self.frames], ignore_index=True)
            self._validation[key] = data_validation_gate(frame, self.reference_profile, columns=list(NUMERIC_FEATURES))
        return self._validation[key]


# --------------------------------------------------------------------------- one level


@dataclass
class _Pending:
    due: int
    reason: str
    since: int | None  # train only on weeks from here (post-alert data), None = regular window
    manual: bool


@dataclass
class _Canary:
    challenger: _Trained
    start: int
    decision_index: int
    is_bad: bool


@dataclass
class _LevelRun:
    level: int
    world: _World
    champion: _Trained
    registry: ModelRegistry = field(default_factory=ModelRegistry)
    previous: _Trained | None = None
    promoted_week: int = -1
    pending: _Pending | None = None
    canary: _Canary | None = None
    baseline_accuracy: float = float("nan")
    complaint_run: int = 0
    last_alert: dict[str, int] = field(default_factory=dict)
    serving_incident: bool = False
    events: list[tuple[int, str, str]] = field(default_factory=list)
    counts: dict[str, float] = field(default_factory=lambda: {
        "retrains": 0, "deployments": 0, "blocked": 0, "rolled_back": 0, "bad_models_shipped": 0,
        "manual_interventions": 0, "alerts": 0, "false_alerts": 0, "compute_cost": 0.0})
    detected_week: int | None = None
    version_number: int = 0
    archive: dict[tuple[int, int], tuple[str, _Trained]] = field(default_factory=dict)

    @property
    def config(self) -> SimulationConfig:
        return self.world.config

    def scores(self, trained: _Trained, week: int) -> np.ndarray:
        """What this level's serving stack returns for a week (L3+ guard their inputs)."""
        return self.world.predict(trained, week, guarded=self.level >= 3)

    def event(self, week: int, kind: str, detail: str) -> None:
        self.events.append((week, kind, detail))

    def detect(self, week: int) -> None:
        scenario = self.world.scenario
        if scenario.name != "none" and week >= scenario.onset and self.detected_week is None:
            self.detected_week = week

    def alert(self, week: int, kind: str, detail: str) -> bool:
        """Raise an alert unless the same kind fired last week (an ongoing condition is one alert)."""
        previous = self.last_alert.get(kind)
        self.last_alert[kind] = week
        if previous is not None and previous >= week - 1:
            return False
        self.counts["alerts"] += 1
        scenario = self.world.scenario
        if scenario.name == "none" or week < scenario.onset:
            self.counts["false_alerts"] += 1
        self.event(week, "alert", f"{kind}: {detail}")
        self.detect(week)
        return True

    # ----------------------------------------------------------------- serving

    def serve(self, week: int) -> np.ndarray:
        scores = self.scores(self.champion, week)
        if self.canary is not None and week >= self.canary.start:
            mask = _canary_mask(len(scores), self.config.canary_share, self.config.seed, week)
            scores = np.where(mask, self.scores(self.canary.challenger, week), scores)
            self.counts["compute_cost"] += COST_CANARY_WEEK
        return scores

    # ----------------------------------------------------------------- end-of-week monitoring

    def monitor(self, week: int) -> None:
        cfg, world = self.config, self.world
        labelled = week - cfg.label_delay
        if self.level >= 1:
            rate = world.error_rates[week]
            if rate > cfg.serving_error_rate:
                if self.alert(week, "serving errors", f"{rate:.0%} of requests failed validation"):
                    if self.level <= 2:
                        self.counts["manual_interventions"] += 1  # someone reads the logs
            self.serving_incident = rate > cfg.serving_error_rate
        if self.level >= 3:
            self.counts["compute_cost"] += COST_DRIFT_CHECK + COST_PERFORMANCE_CHECK
            report = world.data_drift(self.champion, week)
            if report.dataset_drift:
                top = ", ".join(report.drifted_features[:4])
                if self.alert(week, "data drift", f"{report.share_drifted:.0%} of features drifted ({top})"):
                    if not (self.level == 4 and self.match_regime(week)):
                        self.open_retrain(week, "data drift", since=week)
            pdrift = world.prediction_drift(self.champion, week)
            if pdrift.drifted:
                if self.alert(week, "prediction drift", f"score distribution moved {pdrift.statistic:.2f} std"):
                    if not (self.level == 4 and self.match_regime(week)):
                        self.open_retrain(week, "prediction drift", since=week)
            if labelled in world.labels and labelled > self.promoted_week:
                y = world.labels[labelled]
                scores = self.scores(self.champion, labelled)
                auc_now, acc_now = roc_auc(y, scores), accuracy(y, scores)
                expected_auc = self.champion.metrics.get("auc", float("nan"))
                expected_acc = self.champion.metrics.get("accuracy", float("nan"))
                if auc_now < expected_auc - cfg.performance_drop or acc_now < expected_acc - cfg.performance_drop:
                    detail = (f"week {labelled}: AUC {auc_now:.3f} (was {expected_auc:.3f}), "
                              f"accuracy {acc_now:.1%} (was {expected_acc:.1%})")
                    if self.alert(week, "performance", detail):
                        self.open_retrain(week, "performance drop", since=labelled)
                self.roll_back_if_worse(week, labelled, auc_now)
        elif labelled in world.labels and labelled > self.promoted_week:
            # No performance monitoring: the business notices a sustained drop in outcomes.
            acc = accuracy(world.labels[labelled], self.scores(self.champion, labelled))
            self.complaint_run = self.complaint_run + 1 if acc < self.baseline_accuracy - cfg.complaint_drop else 0
            if self.complaint_run >= cfg.complaint_weeks and self.pending is None:
                self.event(week, "incident noticed", f"business complains: accuracy {acc:.1%} vs "
                                                     f"{self.baseline_accuracy:.1%} at launch for {self.complaint_run} weeks")
                self.detect(week)
                self.counts["manual_interventions"] += 1
                self.complaint_run = 0
                self.pending = _Pending(week + cfg.manual_delay, "manual retrain after the complaint", None, True)
        if self.canary is not None:
            self.evaluate_canary(week)

    def open_retrain(self, week: int, reason: str, since: int) -> None:
        """An alert opens a retrain on post-alert data (it replaces a plain scheduled one)."""
        if self.canary is not None or (self.pending is not None and self.pending.since is not None):
            return
        cfg = self.config
        if self.level == 3:
            self.counts["manual_interventions"] += 1  # a person approves the retrain
            self.pending = _Pending(week + cfg.approval_delay, f"{reason} (approved)", since, True)
        else:
            self.pending = _Pending(week + 1, reason, since, False)

    def roll_back_if_worse(self, week: int, labelled: int, auc_now: float) -> None:
        """Automated rollback (L3) and self-healing (L4: rollback, then a retrain) when a freshly promoted
        model does worse than its predecessor on the first labelled weeks it served."""
        if self.previous is None or labelled <= self.promoted_week or labelled > self.promoted_week + 4:
            return
        auc_before = roc_auc(self.world.labels[labelled], self.scores(self.previous, labelled))
        if auc_now < auc_before - self.config.champion_delta:
            bad = self.champion
            self.champion, self.previous = self.previous, None
            self.promoted_week = week
            self.counts["rolled_back"] += 1
            self.event(week, "rolled back", f"{bad.model.version} AUC {auc_now:.3f} < predecessor {auc_before:.3f}")
            if self.level == 4:
                self.pending = None
                self.open_retrain(week, "self-healing after rollback", since=labelled)

    def match_regime(self, week: int) -> bool:
        """L4 self-optimisation without waiting for labels: if an archived model was trained on data
        that matches this week's inputs far better than the champion's (a recurring regime such as a
        season), switch to it at once."""
        def mean_shift(trained: _Trained) -> float:
            self.counts["compute_cost"] += COST_DRIFT_CHECK
            return float(np.mean([f.statistic for f in self.world.data_drift(trained, week).features]))

        best, best_shift = None, REGIME_MATCH_RATIO * mean_shift(self.champion)
        for key, (version, trained) in self.archive.items():
            if key == self.champion.key or self.world.prediction_drift(trained, week).drifted:
                continue
            shift = mean_shift(trained)
            if shift < best_shift:
                best, best_shift = (version, trained), shift
        if best is None:
            return False
        version, trained = best
        self.switch_to(week, trained, f"{version} re-selected from the registry: its training data matches "
                                      f"week {week}'s inputs")
        return True

    def switch_to(self, week: int, trained: _Trained, detail: str) -> None:
        self.previous, self.champion = self.champion, trained
        self.promoted_week = week
        self.baseline_accuracy = trained.metrics.get("accuracy", self.baseline_accuracy)
        self.counts["deployments"] += 1
        self.pending = None  # the alert is explained by a regime the registry already knows
        self.event(week, "promoted", detail)

    # ----------------------------------------------------------------- decisions

    def decide(self, week: int) -> None:
        cfg = self.config
        scheduled = {1: cfg.schedule_l1, 2: cfg.schedule_l2, 3: cfg.schedule_l2, 4: cfg.schedule_l2}.get(self.level)
        if self.pending is None and scheduled and (week + 1) % scheduled == 0 and self.canary is None:
            # With monitoring, a window that straddles a detected change is cut at the change:
            # training on both sides would fit a world that no longer exists.
            last_alert = max(self.last_alert.values(), default=None) if self.level >= 3 else None
            window_start = week - cfg.label_delay - cfg.train_weeks
            since = last_alert if last_alert is not None and last_alert > window_start else None
            self.pending = _Pending(week, "scheduled retrain", since, False)
        if self.pending is None or week < self.pending.due:
            return
        holdout = week - cfg.label_delay  # the freshest labelled week
        start = holdout - cfg.train_weeks
        if self.pending.since is not None:
            if holdout - self.pending.since < cfg.min_weeks_after_change:
                return  # wait until enough labelled data after the change exists
            start = max(start, self.pending.since)
        pending, self.pending = self.pending, None
        self.train_and_decide(week, start, holdout, pending)

    def train_and_decide(self, week: int, start: int, holdout: int, pending: _Pending) -> None:
        cfg, world = self.config, self.world
        challenger = world.train(start, holdout)
        self.counts["retrains"] += 1
        self.counts["compute_cost"] += COST_TRAIN_PER_1000_ROWS * challenger.model.train_rows / 1000
        if pending.manual and self.level == 0:
            self.counts["manual_interventions"] += 1  # the retrain itself is done by hand
        self.version_number += 1
        version = f"v{self.version_number}"
        self.event(week, "retrain", f"{version} on weeks {start}..{holdout - 1} ({pending.reason})")
        validation = world.validate_window(start, holdout)
        y = world.labels[holdout]
        champion_scores = self.scores(self.champion, holdout)
        challenger_scores = self.scores(challenger, holdout)
        thresholds = {"auc": MetricThreshold(threshold=cfg.auc_threshold)}
        is_bad = (not validation.passed) or not threshold_gate(challenger.metrics, thresholds).passed
        gates: tuple[GateResult, ...] = ()
        if self.level >= 2 and cfg.gate_mode != "disabled":
            self.counts["compute_cost"] += COST_GATES
            mode = GateMode(cfg.gate_mode)
            gates = (
                replace(validation, mode=mode),
                threshold_gate(challenger.metrics, thresholds, mode=mode),
                champion_challenger_gate(y, champion_scores, challenger_scores, delta=cfg.champion_delta,
                                         n_boot=cfg.n_boot, seed=cfg.seed * 1000 + week, mode=mode),
            )
        ok, reason = decide(gates)
        window = (start, holdout)
        if not ok:
            self.counts["blocked"] += 1
            self.registry.add(Decision(week, version, window, challenger.metrics, gates, "blocked", reason))
            self.event(week, "blocked", f"{version}: {reason}")
            if not validation.passed:
                self.detect(week)
            return
        if self.level == 3:
            index = len(self.registry.records)
            self.registry.add(Decision(week, version, window, challenger.metrics, gates, "canary",
                                       f"{cfg.canary_share:.0%} of traffic from week {week + 1}"))
            self.canary = _Canary(challenger, week + 1, index, is_bad)
            self.event(week, "canary", f"{version} on {cfg.canary_share:.0%} of traffic")
            return
        label = "promoted" if self.level >= 2 else "shipped unchecked"
        self.registry.add(Decision(week, version, window, challenger.metrics, gates, label, reason if gates else
                                   "copied to production by hand" if self.level == 0 else "deployed by script"))
        self.promote(week, challenger, version, is_bad)

    def promote(self, week: int, challenger: _Trained, version: str, is_bad: bool) -> None:
        self.archive[challenger.key] = (version, challenger)
        if len(self.archive) > ARCHIVE_SIZE:
            self.archive.pop(next(iter(self.archive)))
        self.previous, self.champion = self.champion, challenger
        self.promoted_week = week
        self.baseline_accuracy = challenger.metrics.get("accuracy", self.baseline_accuracy)
        self.complaint_run = 0
        self.counts["deployments"] += 1
        self.counts["bad_models_shipped"] += int(is_bad)
        self.event(week, "promoted", f"{version} (trained on weeks {challenger.key[0]}..{challenger.key[1] - 1})")

    def evaluate_canary(self, week: int) -> None:
        """After one canary week: promote if the challenger's live scores look sane (no prediction drift
        against its own training scores, no serving errors); labels judge it later (automated rollback)."""
        canary = self.canary
        assert canary is not None
        if week < canary.start:
            return
        record = self.registry.records[canary.decision_index]
        self.canary = None
        live = self.world.prediction_drift(canary.challenger, week)
        errors = self.world.error_rates[week]
        if not live.drifted and errors <= self.config.serving_error_rate:
            self.registry.records[canary.decision_index] = replace(
                record, decision="promoted",
                reason=f"canary week {week}: scores stable ({live.statistic:.2f} std), {errors:.1%} errors")
            self.promote(week, canary.challenger, record.model_version, canary.is_bad)
        else:
            self.counts["rolled_back"] += 1
            why = f"scores moved {live.statistic:.2f} std" if live.drifted else f"{errors:.0%} serving errors"
            self.registry.records[canary.decision_index] = replace(
                record, decision="rolled back", reason=f"canary week {week}: {why}")
            self.event(week, "rolled back", f"{record.model_version} after the canary ({why})")


def _limits(cfg: SimulationConfig) -> dict[str, float]:
    return {"wasserstein": cfg.drift_threshold, "js": cfg.drift_threshold, "psi": cfg.drift_threshold}


def _canary_mask(n: int, share: float, seed: int, week: int) -> np.ndarray:
    return np.random.default_rng([seed, week + 1000, 17]).random(n) < share


# --------------------------------------------------------------------------- the run


def simulate(config: SimulationConfig | None = None, **overrides: Any) -> SimulationResult:
    """Run every requested level over one stream; same config, same numbers."""
    config = replace(config or SimulationConfig(), **overrides)
    config.validate()
    world = _World(config)
    first_start = -config.train_weeks - 1
    initial = world.train(first_start, -1)
    runs = {}
    for level in config.levels:
        run = _LevelRun(level, world, initial)
        run.baseline_accuracy = initial.metrics["accuracy"]
        run.registry.add(Decision(-1, "v0", initial.key, initial.metrics, (), "promoted", "first model"))
        run.archive[initial.key] = ("v0", initial)
        runs[level] = run

    rows = []
    oracle_acc: dict[int, float] = {}
    oracle_auc: dict[int, float] = {}
    for week in range(config.weeks):
        oracle = world.train(week - config.train_weeks, week) if week - config.train_weeks >= world.first_week else initial
        y = world.labels[week]
        o_scores = world.predict(oracle, week)
        oracle_acc[week], oracle_auc[week] = accuracy(y, o_scores), roc_auc(y, o_scores)
        for level, run in runs.items():
            before = len(run.events)
            scores = run.serve(week)
            version = run.champion.model.version
            run.monitor(week)
            run.decide(week)
            rows.append({
                "week": week, "level": level, "level_name": LEVEL_NAMES[level],
                "accuracy": accuracy(y, scores), "auc": roc_auc(y, scores),
                "oracle_accuracy": oracle_acc[week], "oracle_auc": oracle_auc[week],
                "model": version, "drift_onset": world.scenario.active(week),
                "events": "; ".join(f"{k}: {d}" for _, k, d in run.events[before:]),
            })
    timeline = pd.DataFrame(rows)
    events = pd.DataFrame(
        [{"level": lv, "week": w, "event": k, "detail": d} for lv, run in runs.items() for (w, k, d) in run.events],
        columns=["level", "week", "event", "detail"],
    )
    kpis = _kpis(runs, timeline, world.scenario)
    return SimulationResult(config, timeline, kpis, events, {lv: r.registry for lv, r in runs.items()},
                            drift_by_week(world), world.scenario)


def _kpis(runs: dict[int, _LevelRun], timeline: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    rows = []
    for level, run in runs.items():
        t = timeline[timeline.level == level]
        weeks_to_detect = (run.detected_week - scenario.onset) if run.detected_week is not None else float("nan")
        rows.append({
            "level": level,
            "name": LEVEL_NAMES[level],
            "mean_auc": float(t.auc.mean()),
            "mean_accuracy": float(t.accuracy.mean()),
            "accuracy_weeks_lost": float((t.oracle_accuracy - t.accuracy).sum()),
            "weeks_to_detect": weeks_to_detect,
            "alerts": int(run.counts["alerts"]),
            "false_alerts": int(run.counts["false_alerts"]),
            "retrains": int(run.counts["retrains"]),
            "deployments": int(run.counts["deployments"]),
            "blocked": int(run.counts["blocked"]),
            "rolled_back": int(run.counts["rolled_back"]),
            "bad_models_shipped": int(run.counts["bad_models_shipped"]),
            "manual_interventions": int(run.counts["manual_interventions"]),
            "compute_cost": round(float(run.counts["compute_cost"]), 2),
        })
    return pd.DataFrame(rows)


def drift_by_week(world: _World) -> pd.DataFrame:
    """Feature x week drift statistic against the first model's training data (for the heatmap)."""
    rows = []
    for week in range(world.config.weeks):
        report = world.reference_profile.compare(world.frames[week], thresholds=_limits(world.config))
        for f in report.features:
            rows.append({"week": week, "feature": f.feature, "test": f.test, "statistic": f.statistic,
                         "drifted": f.drifted})
    return pd.DataFrame(rows)
