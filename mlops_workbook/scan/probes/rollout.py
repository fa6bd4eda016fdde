"""Progressive rollout: canary or traffic-split configuration."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import YAML, findings

ID = "rollout"
SHORT = ("Canary and traffic-split configs: Argo Rollouts (`kind: Rollout` with `canary`), Flagger `Canary`, "
         "KServe `canaryTrafficPercent`, Istio `VirtualService` weights, Seldon `traffic:` splits")
CRITERIA = {"deploy-3-canary": "yes", "deploy-2-ab-testing": "partial", "deploy-3-automated-rollback": "partial"}
REMEDIATION = "Roll new models out to a small share of traffic first (Argo Rollouts, Flagger, KServe canaryTrafficPercent)."
EFFORT = "high"  # low: an afternoon, medium: days, high: weeks

_ROLLOUT = re.compile(r"^kind:\s*Rollout\s*$[\s\S]*?^\s*canary\s*:", re.MULTILINE)
_FLAGGER = re.compile(r"^kind:\s*Canary\s*$", re.MULTILINE)
_KSERVE = re.compile(r"\bcanaryTrafficPercent\s*:\s*\d+")
_ISTIO = re.compile(r"^kind:\s*VirtualService\s*$[\s\S]*?^\s*weight\s*:\s*\d+", re.MULTILINE)
_SELDON = re.compile(r"^\s*traffic\s*:\s*\d+", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """Progressive rollout: canary or traffic-split configuration: one finding per place seen, the strongest first."""
    yaml = raw.with_suffix(*YAML)
    positive = raw.grep(_ROLLOUT, yaml, detail="Argo Rollouts canary")
    positive += raw.grep(_FLAGGER, [loc.path for loc in raw.grep(re.compile(r"flagger\.app/"), yaml)], detail="Flagger canary")
    positive += raw.grep(_KSERVE, yaml, detail="KServe canary")
    positive += raw.grep(_ISTIO, yaml, detail="Istio traffic split")
    seldon = [loc.path for loc in raw.grep(re.compile(r"^kind:\s*SeldonDeployment\s*$", re.MULTILINE), yaml)]
    positive += raw.grep(_SELDON, seldon, detail="Seldon traffic split")
    return findings(ID, positive)
