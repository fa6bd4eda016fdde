"""How a level retrains: when (schedule or signal), on which weeks, and whether the result ships.

Every retrain judges its candidates on one labelled evaluation week that none of them trained on. A
level without monitoring evaluates on the freshest labelled week and trains on the weeks before it.
A monitoring level first asks which labelled weeks look like the data it serves now (the drift
statistics its monitor uses) and evaluates on the freshest of those. After a detected change it
also trains on the weeks since the change and keeps whichever candidate scores better; a signalled
retrain waits until that window exists, since retraining on the old data only would ship the same
mistake. When the data since the change looks like weeks from before it, with unlike weeks in
between, it has returned to something seen before (the next season, a fixed feed): that is not a
new regime, and a specialist trained on the last weeks would be wrong again at the next turn, so
the level retrains at once on the regular window, which covers a whole cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..gating import (
    Decision,
    GateMode,
    GateResult,
    MetricThreshold,
    champion_metric_gate,
    decide as gate_verdict,
    threshold_gate,
    validation_gate,
)
from .deployer import span
from .stream import Trained, week_spans

if TYPE_CHECKING:
    from .policies import LevelRun

RECENT = "recent weeks"


@dataclass
class Retrain:
    """A retrain asked for: due from week `due`, why, and from which week the change it answers dates."""

    due: int
    reason: str
    since: int | None  # the signal is about a change from this week on (None: a complaint)


@dataclass
class Plan:
    """What a retrain trains on and is judged on."""

    evaluation: int  # the labelled week every candidate and the champion are judged on
    windows: dict[str, tuple[int, ...]]  # candidate training weeks by the rule that chose them
    recurring: bool = False  # the data came back to a regime seen before the change: retrain now, on the whole cycle


class Pipeline:
    """One level's retraining: when it runs, which windows it trains, and whether the result ships."""

    def __init__(self, run: LevelRun):
        self.run = run
        self.pending: Retrain | None = None
        self.change_since: int | None = None

    def request(self, week: int, reason: str, since: int | None) -> None:
        """Ask for a retrain (an alert, a complaint): due after the level's reaction time, priced."""
        run = self.run
        if self.pending is not None and self.pending.since is not None:
            return  # a change is already being handled
        self.pending = Retrain(week + run.cap.react_weeks, reason, since)
        if since is not None:
            self.change_since = since if self.change_since is None else max(self.change_since, since)
        if run.cap.react_cost:
            run.log(week, "approval" if run.cap.alert_cost else "retrain requested", reason,
                    people_days=run.days(run.cap.react_cost))

    def step(self, week: int) -> None:
        """Run a scheduled or due retrain this week, unless a change's retrain must wait for its labels."""
        schedule = self.run.schedule_weeks
        scheduled = bool(schedule) and (week + 1) % schedule == 0
        signalled = self.pending is not None and week >= self.pending.due
        if not (scheduled or signalled):
            return
        plan = self.plan(week)
        pending = self.pending if signalled else None
        if pending is not None and pending.since is not None and len(plan.windows) == 1 and not plan.recurring:
            if not scheduled:
                return  # nothing labelled shows the change yet: wait for its labels
            pending = None  # the schedule runs; the change's own retrain still waits
        if pending is not None:
            self.pending = None
        reason = pending.reason if pending is not None else "scheduled retrain"
        self.decide(week, self.best(week, plan), plan.evaluation, reason)

    def plan(self, week: int) -> Plan:
        """The evaluation week and candidate windows, from what the level can see this week."""
        run, world, cfg = self.run, self.run.world, self.run.config
        labelled = list(world.labelled(week))
        seen = set(run.deployer.champion.key)  # judged on a week the champion trained on, it would look better
        unseen = [w for w in labelled if w not in seen] or labelled
        evaluation = unseen[-1]
        recurring = False
        if run.cap.monitoring:
            alike = world.alike(labelled, week)
            evaluation = next((w for w in reversed(alike) if w not in seen), evaluation)
            recurring = self.returned(week, alike)
            if recurring:
                self.change_since = None
        others = [w for w in labelled if w != evaluation]
        windows = {RECENT: tuple(others[-cfg.train_weeks:])}
        if self.change_since is not None and run.cap.monitoring:
            since = tuple(w for w in others if w >= self.change_since)[-cfg.train_weeks:]
            if len(since) >= cfg.min_weeks_after_change and since != windows[RECENT]:
                windows["weeks since the change"] = since
        return Plan(evaluation, windows, recurring)

    def returned(self, week: int, alike: list[int]) -> bool:
        """The data since the change looks like weeks from before it, with different weeks in between: a
        regime seen, left and come back (a season, a feed that was fixed), not a new one."""
        since = self.change_since
        if since is None:
            return False
        before = [w for w in alike if w < since]
        return bool(before) and any(not self.run.world.looks_like(v, week) for v in range(before[0] + 1, since))

    def best(self, week: int, plan: Plan) -> Trained:
        """Train every candidate window and keep the lowest log-loss on the evaluation week."""
        run, world = self.run, self.run.world
        trained = {rule: world.train(weeks) for rule, weeks in plan.windows.items()}
        if len(trained) == 1:
            return trained[RECENT]
        losses = {rule: run.measured(t, plan.evaluation)["log_loss"] for rule, t in trained.items()}
        rule = min(losses, key=losses.__getitem__)
        extra = sum(world.costs.training_per_1000_rows * t.model.train_rows / 1000 for r, t in trained.items() if r != rule)
        run.log(week, "candidates", f"{len(trained)} windows trained, {rule} kept ({week_spans(trained[rule].key)})",
                compute=extra)
        return trained[rule]

    def decide(self, week: int, challenger: Trained, evaluation: int, reason: str) -> None:
        """Gate the challenger (gating's gates and `gating.decide`), record the decision, ship it if it passed."""
        run, cfg, costs, deployer = self.run, self.run.config, self.run.world.costs, self.run.deployer
        version = deployer.name(challenger)
        days = run.days(run.cap.scheduled_cost) if reason == "scheduled retrain" else 0.0
        run.log(week, "retrain", f"{version} on weeks {week_spans(challenger.key)} ({reason})",
                compute=costs.training_per_1000_rows * challenger.model.train_rows / 1000, people_days=days, version=version)
        ours = run.measured(challenger, evaluation)
        gates: tuple[GateResult, ...] = ()
        if run.cap.gates and cfg.gate_mode != "disabled":
            gates = self.gates(challenger, evaluation, GateMode(cfg.gate_mode))
        promote, why = gate_verdict(gates)  # gating.decide: the one wording, dry runs included
        if not promote:
            deployer.registry.add(Decision(week, version, span(challenger), ours, gates, "blocked", why))
            run.log(week, "blocked", f"{version}: {why}", compute=costs.gate_evaluation, version=version)
            return
        deployer.registry.add(Decision(week, version, span(challenger), ours, gates,
                                       "promoted" if gates else "shipped unchecked", why))
        if challenger.key == deployer.champion.key:
            return
        self.ship(week, challenger, evaluation, gated=bool(gates))

    def ship(self, week: int, challenger: Trained, evaluation: int, *, gated: bool) -> None:
        """Promote the challenger and log it."""
        run = self.run
        new, old = run.deployer.promote(week, challenger, run.measured(challenger, evaluation))
        run.monitor.complaint_run = 0
        run.log(week, "promoted", f"{new} (trained on weeks {week_spans(challenger.key)})",
                compute=run.world.costs.gate_evaluation if gated else 0.0, version=new, replaced=old)

    def gates(self, challenger: Trained, evaluation: int, mode: GateMode) -> tuple[GateResult, ...]:
        """gating's own gates on the simulation's numbers: data validation of the training and evaluation
        weeks, the AUC bound, champion/challenger on the evaluation week's log-loss (a proper score: it
        sees calibration, which the cut-off needs, as well as ranking, and is far less noisy on one week
        than the profit at a cut-off)."""
        run, cfg = self.run, self.run.config
        validation = validation_gate(run.world.validation_failures((*challenger.key, evaluation),
                                                                  run.deployer.champion), mode=mode)
        ours = run.measured(challenger, evaluation)
        threshold = threshold_gate(ours, {"auc": MetricThreshold(threshold=cfg.auc_threshold)}, mode=mode)
        versus = champion_metric_gate(ours, run.measured(run.deployer.champion, evaluation), metric="log_loss",
                                      delta=cfg.champion_delta, where=f"week {evaluation} ", mode=mode)
        return validation, threshold, versus
