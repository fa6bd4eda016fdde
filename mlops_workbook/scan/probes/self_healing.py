"""Serving that heals itself: health probes that restart replicas, automated rollback on failed analysis."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import YAML, findings

ID = "self-healing"
SHORT = ("Self-healing serving: Kubernetes `livenessProbe`/`readinessProbe` on model servers, Argo Rollouts `AnalysisTemplate` "
         "(automatic abort), SageMaker deployment `AutoRollbackConfiguration`")
CRITERIA = {"deploy-4-self-healing": "partial", "deploy-3-automated-rollback": "partial"}
REMEDIATION = "Give model servers health checks and let a failed rollout analysis roll back by itself."
EFFORT = "medium"

_PROBES = re.compile(r"^\s*(?:livenessProbe|readinessProbe)\s*:", re.MULTILINE)
_ANALYSIS = re.compile(r"^kind:\s*AnalysisTemplate\s*$|^\s*AutoRollbackConfiguration\s*[:=(]|\bauto_rollback_config\w*\s*=",
                       re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    yaml = raw.with_suffix(*YAML)
    positive = raw.grep(_PROBES, yaml, detail="container health probe", needles=("Probe:",))
    positive += raw.grep(_ANALYSIS, yaml + raw.with_suffix(".py"), detail="automated rollback",
                         needles=("AnalysisTemplate", "AutoRollback", "auto_rollback"))
    return findings(ID, positive)
