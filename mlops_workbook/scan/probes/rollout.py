"""Progressive rollout: canary or traffic-split configuration."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, findings

ID = "rollout"
SHORT = ("Canary and traffic-split configs: Argo Rollouts (`kind: Rollout` with `canary`), Flagger `Canary`, "
         "KServe `canaryTrafficPercent`, Istio `VirtualService` weights (literal or templated), Seldon `traffic:` splits; "
         "an Anyscale service's `rollout_strategy: ROLLOUT` (a gradual shift, canary only)")
CRITERIA = {"deploy-3-canary": "yes", "deploy-2-ab-testing": "partial", "deploy-3-automated-rollback": "partial"}
REMEDIATION = "Roll new models out to a small share of traffic first (Argo Rollouts, Flagger, KServe canaryTrafficPercent)."
EFFORT = "high"  # low: an afternoon, medium: days, high: weeks

_ROLLOUT = re.compile(r"^kind:\s*Rollout\s*$[\s\S]*?^\s*canary\s*:", re.MULTILINE)
_FLAGGER = re.compile(r"^kind:\s*Canary\s*$", re.MULTILINE)
_KSERVE = re.compile(r"\bcanaryTrafficPercent\s*:\s*\d+")
_ISTIO = re.compile(r"^kind:\s*VirtualService\s*$[\s\S]*?^\s*weight\s*:\s*(?:\d+|\{\{)", re.MULTILINE)
_ROUTE = re.compile(r"^\s*-?\s*route\s*:")
# Anyscale services: ROLLOUT shifts traffic to the new version gradually (IN_PLACE replaces it at once).
_ANYSCALE = re.compile(r"^\s*rollout_strategy\s*:\s*['\"]?ROLLOUT\b", re.MULTILINE)
CANARY = "deploy-3-canary"
_SELDON = re.compile(r"^\s*traffic\s*:\s*\d+", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """Progressive rollout: canary or traffic-split configuration: one finding per place seen, the strongest first."""
    yaml = raw.with_suffix(*YAML)
    positive = raw.grep(_ROLLOUT, yaml, detail="Argo Rollouts canary")
    positive += raw.grep(_FLAGGER, [loc.path for loc in raw.grep(re.compile(r"flagger\.app/"), yaml)], detail="Flagger canary")
    positive += raw.grep(_KSERVE, yaml, detail="KServe canary")
    positive += [_weighted_route(raw, loc) for loc in raw.grep(_ISTIO, yaml, detail="Istio traffic split")]
    seldon = [loc.path for loc in raw.grep(re.compile(r"^kind:\s*SeldonDeployment\s*$", re.MULTILINE), yaml)]
    positive += raw.grep(_SELDON, seldon, detail="Seldon traffic split")
    # A gradual shift with no split to compare: evidence of a canary rollout only, not of A/B tests or rollback.
    gradual = [Finding(ID, "positive", loc, CANARY)
               for loc in raw.grep(_ANYSCALE, yaml, detail="Anyscale gradual rollout", needles=("rollout_strategy",))]
    return findings(ID, positive) + gradual


def _weighted_route(raw: RawResults, loc: Location) -> Location:
    """An Istio split cited at the `route:` that holds the weights, not at the `kind:` line."""
    lines = raw.text(loc.path).split("\n")
    weight = next((n for n in range(loc.line - 1, len(lines)) if re.match(r"^\s*weight\s*:", lines[n])), loc.line - 1)
    route = next((n for n in range(weight, max(weight - 12, loc.line - 2), -1) if _ROUTE.match(lines[n])), weight)
    return Location(loc.path, route + 1, loc.detail)
