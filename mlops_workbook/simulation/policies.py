"""What each maturity level does, written once as data, and the one runner that reads it.

Each level keeps what the level below does and adds to it (the rubric's gating):

| level | scheduled retrain | gates | serving-error log | monitoring + input guard + rollback | an unscheduled retrain is started by |
| --- | --- | --- | --- | --- | --- |
| L0 manual | never | no | no | no | a person, after the business complains (4 weeks) |
| L1 scripted | every 13 weeks | no | yes | no | a person running the scripts (2 weeks) |
| L2 automated | every 4 weeks | yes | yes | no | a person triggering the pipeline (1 week) |
| L3 monitored | every 4 weeks | yes | yes | yes | the pipeline; a person approves its promotion (1 week) |
| L4 optimized | every 4 weeks | yes | yes | yes | the pipeline itself, at once |

Levels without performance monitoring learn of a problem when the business complains (realised
profit well below launch for several weeks). Policies see only inputs, labels once they are due,
and their own signals; they never see the scenario or the true default probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..gating import Decision, GateMode, GateResult, ModelRegistry
from .ledger import Event, Ledger
from .world import Trained, World


@dataclass(frozen=True)
class Capabilities:
    schedule_weeks: int | None  # retrain on a fixed schedule
    gates: bool  # data validation, minimum AUC, champion/challenger on the holdout's log-loss
    error_log: bool  # serving errors logged and looked at
    monitoring: bool  # data drift, prediction drift, performance on delayed labels (+ input guard, rollback)
    react_weeks: int  # weeks from a signal (complaint or alert) to the retrain it asks for
    react_cost: str  # the costs.yaml field pricing the person who starts that retrain ("" = nobody)
    scheduled_cost: str  # the people cost of a scheduled retrain ("" = none: the pipeline does it)
    alert_cost: str  # the people cost of reading an alert ("" = nobody reads it)
    approve_weeks: int = 0  # weeks a person takes to approve an alert's candidate that passed the gates


CAPABILITIES: dict[int, Capabilities] = {
    0: Capabilities(None, False, False, False, 4, "manual_retrain_days", "", ""),
    1: Capabilities(13, False, True, False, 2, "scripted_retrain_days", "scripted_retrain_days", ""),
    2: Capabilities(4, True, True, False, 1, "pipeline_trigger_days", "", ""),
    3: Capabilities(4, True, True, True, 0, "", "", "alert_triage_days", approve_weeks=1),
    4: Capabilities(4, True, True, True, 0, "", "", ""),
}
ROLLBACK_WEEKS = 2  # labelled weeks a freshly promoted model is watched against its predecessor


@dataclass
class Retrain:
    due: int
    reason: str
    since: int | None  # train only on data from this week (a detected change), None = regular window


class Deployer:
    """The serving model, its predecessor and the registry of decisions."""

    def __init__(self, initial: Trained):
        self.champion, self.previous = initial, None
        self.promoted_week = -1
        self.versions = {"v0": initial}
        self.version_of = {initial.key: "v0"}
        self.registry = ModelRegistry()
        self.registry.add(Decision(-1, "v0", initial.key, initial.holdout, (), "promoted", "first model"))
        self.count = 0

    def name(self, trained: Trained) -> str:
        if trained.key not in self.version_of:
            self.count += 1
            self.version_of[trained.key] = f"v{self.count}"
            self.versions[f"v{self.count}"] = trained
        return self.version_of[trained.key]

    def promote(self, week: int, trained: Trained) -> tuple[str, str]:
        old = self.version_of[self.champion.key]
        self.previous, self.champion = self.champion, trained
        self.promoted_week = week
        return self.version_of[trained.key], old


class LevelRun:
    """One level over the stream: monitor (signals), pipeline (retrains and gates), deployer (promotions)."""

    def __init__(self, level: int, world: World, initial: Trained, ledger: Ledger):
        self.level, self.world, self.ledger = level, world, ledger
        self.cap = CAPABILITIES[level]
        self.deployer = Deployer(initial)
        self.pending: Retrain | None = None
        self.change_since: int | None = None
        self.last_alert: dict[str, int] = {}
        self.complaint_run = 0
        self.awaiting: tuple[int, Trained, int, int] | None = None  # (due week, candidate, start, holdout)

    @property
    def config(self):  # noqa: ANN201
        return self.world.config

    def scores(self, trained: Trained, week: int) -> np.ndarray:
        return self.world.scores(trained, week, guarded=self.cap.monitoring)

    def log(self, week: int, kind: str, detail: str, **extra) -> None:  # noqa: ANN003
        self.ledger.add(Event(week, self.level, kind, detail, **extra))

    def days(self, field_name: str) -> float:
        return float(getattr(self.world.costs, field_name)) if field_name else 0.0

    # ----------------------------------------------------------------- the week

    def week(self, week: int) -> np.ndarray:
        served = self.scores(self.deployer.champion, week)
        self.monitor(week, served)
        self.pipeline(week)
        return served

    # ----------------------------------------------------------------- monitor

    def alert(self, week: int, kind: str, detail: str, data_week: int) -> bool:
        """An ongoing condition is one alert: the same kind firing on consecutive weeks is not repeated."""
        previous = self.last_alert.get(kind)
        self.last_alert[kind] = week
        if previous is not None and previous >= week - 1:
            return False
        self.log(week, "alert", f"{kind}: {detail}", data_week=data_week, people_days=self.days(self.cap.alert_cost))
        return True

    def request(self, week: int, reason: str, since: int | None, days_field: str) -> None:
        if self.pending is not None and self.pending.since is not None:
            return  # a change is already being handled
        self.pending = Retrain(week + self.cap.react_weeks, reason, since)
        if since is not None:
            self.change_since = since if self.change_since is None else max(self.change_since, since)
        if days_field:
            self.log(week, "approval" if self.cap.alert_cost else "retrain requested", reason,
                     people_days=self.days(days_field))

    def monitor(self, week: int, served: np.ndarray) -> None:
        cfg, world, champion = self.config, self.world, self.deployer.champion
        labelled = week - cfg.label_delay
        if self.cap.error_log:
            rate = world.error_rate(week)
            if rate > cfg.serving_error_rate and self.alert(week, "serving errors",
                                                            f"{rate:.0%} of requests had missing inputs", week):
                if not self.cap.monitoring:
                    self.log(week, "incident", "serving errors investigated", people_days=self.days("incident_days"))
        if self.cap.monitoring:
            stats = world.data_drift(champion, week)
            drifted = stats > cfg.drift_threshold
            if drifted.mean() >= cfg.drift_share and self.alert(week, "data drift",
                                                                f"{drifted.mean():.0%} of features drifted", week):
                self.request(week, "data drift", week, self.cap.react_cost)
            moved = world.prediction_drift(champion, served)
            if moved > cfg.prediction_drift_threshold and self.alert(week, "prediction drift",
                                                                     f"scores moved {moved:.2f} std", week):
                self.request(week, "prediction drift", week, self.cap.react_cost)
        if labelled < world.first_week or labelled <= self.deployer.promoted_week:
            return
        now = world.measured(champion, labelled, guarded=self.cap.monitoring)
        expected = champion.holdout
        worse_profit = now["profit"] < expected["profit"] - cfg.profit_drop * _volume(world, labelled)
        if self.cap.monitoring:
            if now["auc"] < expected["auc"] - cfg.performance_drop or worse_profit:
                detail = f"week {labelled}: AUC {now['auc']:.3f} (was {expected['auc']:.3f}), profit down"
                if self.alert(week, "performance", detail, labelled):
                    self.request(week, "performance drop", labelled, self.cap.react_cost)
            self.roll_back_if_worse(week, labelled, now["profit"])
            return
        # No performance monitoring: the business notices a sustained fall in realised profit.
        self.complaint_run = self.complaint_run + 1 if worse_profit else 0
        if self.complaint_run >= cfg.complaint_weeks and self.pending is None:
            self.complaint_run = 0
            self.log(week, "complaint", f"the business complains: profit down for {cfg.complaint_weeks} weeks",
                     data_week=labelled, people_days=self.days("incident_days"))
            self.request(week, "retrain after the complaint", None, self.cap.react_cost)

    def roll_back_if_worse(self, week: int, labelled: int, profit_now: float) -> None:
        d = self.deployer
        if d.previous is None or labelled > d.promoted_week + ROLLBACK_WEEKS:
            return
        before = self.world.measured(d.previous, labelled, guarded=True)["profit"]
        if profit_now < before - self.config.profit_drop * _volume(self.world, labelled):
            bad = d.version_of[d.champion.key]
            new, old = d.promote(week, d.previous)
            d.previous = None
            self.log(week, "rolled back", f"{bad} earned less than {new} on week {labelled}", version=new,
                     replaced=old)

    # ----------------------------------------------------------------- pipeline

    def pipeline(self, week: int) -> None:
        """Scheduled retrains always run (as the level below does); a signal's retrain runs when due
        and, after a detected change, once enough labelled data from after the change exists."""
        cfg = self.config
        if self.awaiting is not None and week >= self.awaiting[0]:
            due, candidate, start, holdout = self.awaiting
            self.awaiting = None
            if self.deployer.promoted_week < due - self.cap.approve_weeks:  # nothing newer shipped meanwhile
                self.ship(week, candidate, start, holdout, gated=True, days=self.days("approval_days"))
        schedule = self.cap.schedule_weeks
        scheduled = bool(schedule) and (week + 1) % schedule == 0
        signalled = self.pending is not None and week >= self.pending.due
        if not (scheduled or signalled):
            return
        holdout = week - cfg.label_delay  # the freshest labelled week
        start = holdout - cfg.train_weeks
        since = self.pending.since if self.pending is not None and self.pending.since is not None \
            else self.change_since
        starts = [start]
        if self.cap.monitoring and since is not None and since > start:
            if holdout - since >= cfg.min_weeks_after_change:
                # A detected change may have made older data misleading: train on the regular window and
                # on the data since the change, and keep the candidate that scores better on the holdout.
                starts.append(since)
            elif not scheduled:
                return  # wait for labelled data from after the change
        if len(starts) > 1 or not self.pending or self.pending.since is None:
            pending, self.pending = self.pending or Retrain(week, "scheduled retrain", None), None
        else:
            pending = Retrain(week, "scheduled retrain", None)  # the change's own retrain still waits for data
        if scheduled and pending.reason != "scheduled retrain" and len(starts) == 1:
            pending = Retrain(week, "scheduled retrain", None)
        if len(starts) > 1:
            scored = [(self.world.measured(self.world.train(s, holdout), holdout,
                                           guarded=self.cap.monitoring)["log_loss"], s) for s in starts]
            start = min(scored)[1]
            self.log(week, "candidates", f"{len(starts)} windows trained, weeks {start}.. kept",
                     compute=sum(self.world.costs.training_per_1000_rows * self.world.train(s, holdout).model.train_rows
                                 / 1000 for s in starts if s != start))
        self.train_and_decide(week, start, holdout, pending)

    def train_and_decide(self, week: int, start: int, holdout: int, pending: Retrain) -> None:
        world, cfg, costs, d = self.world, self.config, self.world.costs, self.deployer
        challenger = world.train(start, holdout)
        version = d.name(challenger)
        rows = challenger.model.train_rows
        days = self.days(self.cap.scheduled_cost) if pending.since is None and pending.reason == "scheduled retrain" else 0
        self.log(week, "retrain", f"{version} on weeks {start}..{holdout - 1} ({pending.reason})",
                 compute=costs.training_per_1000_rows * rows / 1000, people_days=days, version=version)
        gates: tuple[GateResult, ...] = ()
        if self.cap.gates and cfg.gate_mode != "disabled":
            gates = self.gates(challenger, start, holdout, GateMode(cfg.gate_mode))
        blocking = [g for g in gates if g.blocking]
        if blocking:
            reason = "; ".join(f"{g.gate}: {g.reason}" for g in blocking)
            d.registry.add(Decision(week, version, (start, holdout), challenger.holdout, gates, "blocked", reason))
            self.log(week, "blocked", f"{version}: {reason}", compute=costs.gate_evaluation, version=version)
            return
        label = "promoted" if gates else "shipped unchecked"
        d.registry.add(Decision(week, version, (start, holdout), challenger.holdout, gates, label,
                                "all gates passed" if gates else "deployed without checks"))
        if challenger.key == d.champion.key:
            return
        if self.cap.approve_weeks and pending.reason != "scheduled retrain":
            self.awaiting = (week + self.cap.approve_weeks, challenger, start, holdout)
            return
        self.ship(week, challenger, start, holdout, gated=bool(gates))

    def ship(self, week: int, challenger: Trained, start: int, holdout: int, *, gated: bool, days: float = 0.0) -> None:
        new, old = self.deployer.promote(week, challenger)
        self.complaint_run = 0
        approved = " approved" if days else ""
        self.log(week, "promoted", f"{new}{approved} (trained on weeks {start}..{holdout - 1})",
                 compute=self.world.costs.gate_evaluation if gated else 0.0, people_days=days, version=new, replaced=old)

    def gates(self, challenger: Trained, start: int, holdout: int, mode: GateMode) -> tuple[GateResult, ...]:
        world, cfg = self.world, self.config
        problems = world.validation_failures(start, holdout)
        validation = GateResult("data_validation", not problems, "; ".join(problems[:4]) or "inputs in range", mode)
        ours = world.measured(challenger, holdout, guarded=self.cap.monitoring)
        threshold = GateResult("threshold", ours["auc"] >= cfg.auc_threshold,
                               f"AUC {ours['auc']:.3f} vs the bound {cfg.auc_threshold:.2f}", mode, {"metrics": ours})
        theirs = world.measured(self.deployer.champion, holdout, guarded=self.cap.monitoring)
        # Log-loss, a proper score: it sees calibration (what the cut-off needs) as well as ranking, and
        # is far less noisy on one week than the profit at a cut-off.
        better = ours["log_loss"] <= theirs["log_loss"] + cfg.champion_delta
        versus = GateResult("champion_challenger", better,
                            f"holdout log-loss {ours['log_loss']:.4f} vs the champion's {theirs['log_loss']:.4f}", mode,
                            {"challenger": ours, "champion": theirs})
        return validation, threshold, versus


def _volume(world: World, week: int) -> float:
    """The week's potential margin (every loan repaid): the scale for 'profit fell by x%'."""
    return float(world.amount[week].sum() * world.costs.margin)
