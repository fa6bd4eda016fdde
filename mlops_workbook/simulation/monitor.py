"""What a level notices: serving errors, drift, performance on delayed labels, or the business complaining.

Signals are computed only from what a team has (inputs, its models' scores, labels once they are due);
each asks the pipeline for a retrain. Monitoring levels also roll back a fresh model that earns less
than its predecessor on the first labelled weeks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .policies import LevelRun

ROLLBACK_WEEKS = 2  # labelled weeks a freshly promoted model is watched against its predecessor


class Monitor:
    """What a level notices each week and which retrains it asks for (its capabilities decide which checks run)."""
    def __init__(self, run: LevelRun):
        self.run = run
        self.last_alert: dict[str, int] = {}
        self.complaint_run = 0
        self.watched = run.deployer.champion.key

    def check(self, week: int, served: np.ndarray) -> None:
        """This week's checks: serving errors, drift, performance on the labels that arrived, complaints, rollback."""
        run, world, cfg = self.run, self.run.world, self.run.config
        if run.deployer.champion.key != self.watched:  # a new model: an old condition is news again
            self.watched, self.last_alert = run.deployer.champion.key, {}
        if run.cap.error_log:
            self.serving_errors(week)
        if run.cap.monitoring:
            self.drift(week, served)
        labelled = week - cfg.label_delay
        deployer = run.deployer
        if labelled < world.first_week or labelled <= deployer.promoted_week:
            return
        now = run.measured(deployer.champion, labelled)
        worse_profit = now["profit"] < deployer.expected["profit"] - cfg.profit_drop * run.volume(labelled)
        if run.cap.monitoring:
            if now["auc"] < deployer.expected["auc"] - cfg.performance_drop or worse_profit:
                detail = f"week {labelled}: AUC {now['auc']:.3f} (was {deployer.expected['auc']:.3f}), profit down"
                if self.alert(week, "performance", detail, labelled):
                    run.pipeline.request(week, "performance drop", labelled)
            self.roll_back_if_worse(week, labelled, now["profit"])
        else:
            self.complaints(week, labelled, worse_profit)

    def alert(self, week: int, kind: str, detail: str, data_week: int) -> bool:
        """An ongoing condition is one alert: the same kind firing on consecutive weeks is not repeated."""
        previous = self.last_alert.get(kind)
        self.last_alert[kind] = week
        if previous is not None and previous >= week - 1:
            return False
        self.run.log(week, "alert", f"{kind}: {detail}", data_week=data_week,
                     people_days=self.run.days(self.run.cap.alert_cost))
        return True

    def serving_errors(self, week: int) -> None:
        """Alert when more requests than the limit had missing inputs; without monitoring a person investigates."""
        rate = self.run.world.error_rate(week)
        if rate > self.run.config.serving_error_rate and self.alert(
                week, "serving errors", f"{rate:.0%} of requests had missing inputs", week):
            if not self.run.cap.monitoring:
                self.run.log(week, "incident", "serving errors investigated", people_days=self.run.days("incident_days"))

    def drift(self, week: int, served: np.ndarray) -> None:
        """Alert on data drift (share of features drifted by the registered tests' verdicts) and on prediction drift."""
        run, cfg = self.run, self.run.config
        champion = run.deployer.champion
        drifted = run.world.drifted(champion, week)
        if drifted.mean() >= cfg.drift_share and self.alert(week, "data drift", f"{drifted.mean():.0%} of features drifted",
                                                            week):
            run.pipeline.request(week, "data drift", week)
        moved = run.world.prediction_drift(champion, served)
        if moved > cfg.prediction_drift_threshold and self.alert(week, "prediction drift", f"scores moved {moved:.2f} std",
                                                                 week):
            run.pipeline.request(week, "prediction drift", week)

    def complaints(self, week: int, labelled: int, worse_profit: bool) -> None:
        """No performance monitoring: the business notices a sustained fall in realised profit."""
        run, cfg = self.run, self.run.config
        self.complaint_run = self.complaint_run + 1 if worse_profit else 0
        if self.complaint_run >= cfg.complaint_weeks and run.pipeline.pending is None:
            self.complaint_run = 0
            run.log(week, "complaint", f"the business complains: profit down for {cfg.complaint_weeks} weeks",
                    data_week=labelled, people_days=run.days("incident_days"))
            run.pipeline.request(week, "retrain after the complaint", None)

    def roll_back_if_worse(self, week: int, labelled: int, profit_now: float) -> None:
        """Restore the previous model when the fresh one earns measurably less on its first labelled weeks."""
        run, deployer = self.run, self.run.deployer
        if deployer.previous is None or labelled > deployer.promoted_week + ROLLBACK_WEEKS:
            return
        before = run.measured(deployer.previous[0], labelled)["profit"]
        if profit_now < before - run.config.profit_drop * run.volume(labelled):
            restored, withdrawn = deployer.roll_back(week)
            run.log(week, "rolled back", f"{withdrawn} earned less than {restored} on week {labelled}", version=restored,
                    replaced=withdrawn)
