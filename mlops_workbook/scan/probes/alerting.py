"""Alerts that reach an owner: Prometheus alert rules, Alertmanager routes, Grafana alerting."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import YAML, findings

ID = "alerting"
SHORT = "Alert rules: Prometheus `groups:`/`alert:` rules or `PrometheusRule`, Alertmanager `route`/`receivers`, Grafana alert rules"
CRITERIA = {"monitor-2-alerting": "yes"}
REMEDIATION = "Write alert rules for serving errors and metric thresholds, routed to the model's owner."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_RULE = re.compile(r"^\s*-?\s*alert\s*:\s*\S+", re.MULTILINE)
_GROUPS = re.compile(r"^\s*groups\s*:|^kind:\s*PrometheusRule\s*$", re.MULTILINE)
_ALERTMANAGER = re.compile(r"^route\s*:[\s\S]*?^receivers\s*:", re.MULTILINE)
_GRAFANA = re.compile(r"^\s*(?:contactPoints|policies)\s*:", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    yaml = raw.with_suffix(*YAML)
    rule_files = [loc.path for loc in raw.grep(_GROUPS, yaml)]
    positive = raw.grep(_RULE, rule_files, first_only=False)
    positive += raw.grep(_ALERTMANAGER, yaml, detail="Alertmanager routing")
    positive += raw.grep(_GRAFANA, [f for f in yaml if "grafana" in f.path.lower() or "alert" in f.name],
                         detail="Grafana alerting")
    return findings(ID, positive)
