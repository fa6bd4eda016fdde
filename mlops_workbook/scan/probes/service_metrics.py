"""Serving metrics on a dashboard: Prometheus scraping or instrumentation, Grafana dashboards."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import YAML, findings, library
from .serving_logs import APP_INSIGHTS

# A dashboard shows metrics; it logs no request: Grafana alone says nothing of an endpoint's logs.
DASHBOARD_CRITERIA = ("monitor-1-basic-metrics", "monitor-3-dashboards")
# Application Insights on an Azure ML service collects request counts, durations and failures by itself; with
# no dashboard defined in the repository it is partial evidence of basic metrics, and of nothing else here.
BASIC_METRICS = "monitor-1-basic-metrics"

ID = "service-metrics"
SHORT = ("Prometheus (`prometheus.yml` scrape configs, `prometheus_client` metrics, FastAPI instrumentator), "
         "Grafana dashboards and provisioning; partial basic metrics only: Application Insights on an Azure ML service, "
         "Grafana provisioning with no dashboard, monitoring metrics an Evidently job inserts into a metrics table")
CRITERIA = {"monitor-1-basic-metrics": "yes", "monitor-3-dashboards": "partial", "monitor-1-serving-logs": "partial"}
REMEDIATION = "Expose request volume, latency, errors and score distribution as Prometheus metrics on a Grafana dashboard."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_METRICS = re.compile(r"\b(?:Counter|Histogram|Gauge|Summary|start_http_server|make_asgi_app|Instrumentator)\s*\(")
_SCRAPE = re.compile(r"^\s*scrape_configs\s*:", re.MULTILINE)
_GRAFANA = re.compile(r"\"panels\"\s*:\s*\[")
_PROVISIONING = re.compile(r"^\s*(?:apiVersion\s*:\s*1\s*$[\s\S]*?^\s*(?:providers|datasources)\s*:)", re.MULTILINE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive, weak = library(raw, modules=("prometheus_client", "prometheus_fastapi_instrumentator"),
                             packages=("prometheus-client", "prometheus-fastapi-instrumentator"),
                             calls=_METRICS, label="Prometheus metrics")
    scrape = raw.grep(_SCRAPE, suffixes=(".yml", ".yaml"), detail="Prometheus scrape config")
    grafana = [f for f in raw.files if f.suffix == ".json" and ("grafana" in f.path.lower() or "dashboard" in f.name)]
    dashboards = raw.grep(_GRAFANA, grafana, detail="Grafana dashboard")
    provisioning = raw.grep(_PROVISIONING, [f for f in raw.files if "grafana" in f.path.lower() and f.suffix in (".yml", ".yaml")],
                            detail="Grafana provisioning")
    # Provisioning with no dashboard in the repository shows nothing yet: with the metrics a monitoring job
    # stores for Grafana (an Evidently job inserting into a metrics table), partial basic metrics, no dashboard.
    stored = raw.grep(_STORED_METRICS, raw.importing_files("evidently", "nannyml", "whylogs"), first_only=False,
                      needles=("insert", "INSERT"), detail="monitoring metrics stored for a dashboard")
    if dashboards:
        dashboards += provisioning
        provisioning = []
    # Where the metrics are made first, then the dashboard that shows them, then the scrape config that
    # carries them (plumbing); a dashboard speaks only for the dashboard criteria.
    found = findings(ID, positive, weak)
    seen = {(f.location.path, f.location.line) for f in found}
    found += [Finding(ID, "positive", loc, criterion) for loc in dashboards if (loc.path, loc.line) not in seen
              for criterion in DASHBOARD_CRITERIA]
    found += [f for f in findings(ID, scrape) if (f.location.path, f.location.line) not in seen]
    insights = raw.grep(APP_INSIGHTS, suffixes=(".py", ".json", *YAML), needles=("nsights", "NSIGHTS"),
                        detail="Application Insights collects request metrics (no dashboard in the repository)")
    return (found + [Finding(ID, "weak", loc, BASIC_METRICS) for loc in stored + provisioning]
            + [Finding(ID, "weak", loc, BASIC_METRICS) for loc in insights])


_STORED_METRICS = re.compile(r"\binsert\s+into\s+\w*metric", re.IGNORECASE)
