"""Alerts that reach an owner: Prometheus alert rules, Alertmanager routes, Grafana alerting."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import YAML, findings

ID = "alerting"
SHORT = ("Alert rules: Prometheus `groups:`/`alert:` rules or `PrometheusRule`, Alertmanager `route`/`receivers`, Grafana "
         "alert rules; CloudWatch alarms, monitoring-job e-mail alerts and Airflow failure e-mails are partial (an e-mail "
         "named for a failure before one named for success)")
CRITERIA = {"monitor-2-alerting": "yes"}
REMEDIATION = "Write alert rules for serving errors and metric thresholds, routed to the model's owner."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_RULE = re.compile(r"^\s*-?\s*alert\s*:\s*\S+", re.MULTILINE)
_GROUPS = re.compile(r"^\s*groups\s*:|^kind:\s*PrometheusRule\s*$", re.MULTILINE)
_ALERTMANAGER = re.compile(r"^route\s*:[\s\S]*?^receivers\s*:", re.MULTILINE)
_GRAFANA = re.compile(r"^\s*(?:contactPoints|policies)\s*:", re.MULTILINE)


_MANAGED_ALERT = re.compile(r"\b(?:cloudwatch\.)?(?:Cfn)?Alarm\s*\(|\bput_metric_alarm\s*\(|\bEmailAlertConfig\s*\(|"
                            r"['\"]emailAlertConfig['\"]\s*:|"
                            r"['\"]?email_on_failure['\"]?\s*[:=]\s*True|\bEmailOperator\s*\(|\bsend_email\s*\(")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    yaml = raw.with_suffix(*YAML)
    rule_files = [loc.path for loc in raw.grep(_GROUPS, yaml)]
    positive = raw.grep(_RULE, rule_files, first_only=False)
    positive += raw.grep(_ALERTMANAGER, yaml, detail="Alertmanager routing")
    positive += raw.grep(_GRAFANA, [f for f in yaml if "grafana" in f.path.lower() or "alert" in f.name],
                         detail="Grafana alerting")
    # Alerts a managed service or an orchestrator sends: a CloudWatch alarm, a monitoring job's e-mail alert,
    # an Airflow task that e-mails on failure. They reach a person, on a pipeline or a monitor, not on serving
    # errors and latency: partial.
    weak = raw.grep(_MANAGED_ALERT, raw.with_suffix(".py", ".ipynb"), first_only=False,
                    needles=("Alarm", "alarm", "EmailAlertConfig", "emailAlertConfig", "email_on_failure", "EmailOperator",
                             "send_email"))
    return findings(ID, positive, sorted(weak, key=lambda loc: _notice(raw.line(loc.path, loc.line))))


# An e-mail named for a failure or a threshold is an alert; one named for success is a notice, not an alert.
_ASSIGNED = re.compile(r"^\s*(\w+)\s*=")
_SUCCESS = re.compile(r"success|succeed|complete|done|finish|start", re.IGNORECASE)
_FAILURE = re.compile(r"fail|error|alert|threshold|drift|anomal|violat", re.IGNORECASE)


def _notice(line: str) -> tuple[bool, bool]:
    target = _ASSIGNED.match(line)
    name = target.group(1) if target else ""
    return (bool(_SUCCESS.search(name)), not _FAILURE.search(name))
