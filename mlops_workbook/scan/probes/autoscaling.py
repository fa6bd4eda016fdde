"""Serving capacity that scales with load: HPA, KEDA, KServe/Knative replica bounds."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import YAML, findings

ID = "autoscaling"
SHORT = "Autoscaling configs: `HorizontalPodAutoscaler`, KEDA `ScaledObject`, KServe/Knative `minReplicas`/`maxReplicas`"
CRITERIA = {"deploy-3-autoscaling": "yes"}
REMEDIATION = "Let serving scale with load (a HorizontalPodAutoscaler, KEDA, or KServe min/max replicas)."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_KINDS = re.compile(r"^kind:\s*(?:HorizontalPodAutoscaler|ScaledObject|ScaledJob)\s*$", re.MULTILINE)
_REPLICAS = re.compile(r"^\s*maxReplicas\s*:\s*\d+|autoscaling\.knative\.dev/max-scale", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    yaml = raw.with_suffix(*YAML)
    return findings(ID, raw.grep(_KINDS, yaml, detail="autoscaler") + raw.grep(_REPLICAS, yaml, detail="replica bounds"))
