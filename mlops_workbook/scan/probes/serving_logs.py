"""Prediction endpoints that log their requests and errors: logging in the request handler, Application
Insights on an Azure ML web service, request capture on a SageMaker or Vertex AI endpoint."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, findings

ID = "serving-logs"
SHORT = ("Logging in a prediction endpoint's request path: a `logger`/`logging` call in a FastAPI/Flask/Litestar route "
         "handler or an Azure ML entry script's `run()`, Application Insights on an Azure ML service "
         "(`appInsightsEnabled`, `enable_app_insights`, `app_insights_enabled`); partial: a `print` in the handler "
         "(stdout only), SageMaker data capture or Vertex AI request sampling (requests kept, errors not)")
CRITERIA = {"monitor-1-serving-logs": "yes"}
REMEDIATION = "Log each prediction request and every error in the serving app (or turn on the platform's request logging)."
EFFORT = "low"

_ROUTE = re.compile(r"^([ \t]*)@\w+(?:\.\w+)*\.(?:get|post|put|patch|delete|route|api_route|websocket)\s*\(", re.MULTILINE)
_DEF = re.compile(r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)
_LOG = re.compile(r"\b(?:logger|logging|log|_logger|LOGGER|app\.logger|current_app\.logger)\."
                  r"(?:debug|info|warning|warn|error|exception|critical|log)\s*\(")
_PRINT = re.compile(r"^\s*print\s*\(")
APP_INSIGHTS = re.compile(r"^\s*[\"']?(?:appInsightsEnabled|app_insights_enabled)[\"']?\s*:\s*[\"']?true\b|"
                           r"\benable_app_insights\s*=\s*True\b", re.IGNORECASE | re.MULTILINE)
_CAPTURE = re.compile(r"\bDataCaptureConfig(?:Property)?\s*\(|\bdata_capture_config\s*=|\bEnableCapture\s*:\s*true\b|"
                      r"^\s*DataCaptureConfig\s*:|"  # CloudFormation's AWS::SageMaker::EndpointConfig
                      r"\blogging_sampling_strategy\s*=|\bSamplingStrategy\s*\(", re.IGNORECASE | re.MULTILINE)


# A handler that answers predictions (its route or its name says so): where a request log matters most.
_PREDICTS = re.compile(r"predict|infer|scor|classif|recommend|forecast|invocations|\bdef run\b", re.IGNORECASE)


_SIDE = re.compile(r"(?:^|/)(?:tools?|simulators?|\w*[-_]simulator|scripts|examples?|demo)/", re.IGNORECASE)


def _handlers(text: str) -> list[tuple[int, list[str], bool]]:
    """(line of the def, body lines, whether it answers predictions) of each route handler (a decorated def)
    and of an Azure ML entry script's `run()` (a file defining both `init()` and `run()` at the top level)."""
    lines = text.split("\n")
    starts = [text.count("\n", 0, m.start()) for m in _ROUTE.finditer(text)]
    defs = {m.group(2): text.count("\n", 0, m.start()) for m in _DEF.finditer(text) if not m.group(1)}
    out = []
    rows: dict[int, bool] = {}
    for start in starts:  # the def under the decorators
        row = next((n for n in range(start, min(start + 8, len(lines))) if _DEF.match(lines[n])), None)
        if row is not None:
            rows[row] = rows.get(row, False) or bool(_PREDICTS.search("\n".join(lines[start:row + 1])))
    if "init" in defs and "run" in defs:
        rows[defs["run"]] = True
    for row in sorted(rows):
        indent = len(lines[row]) - len(lines[row].lstrip())
        body = []
        for line in lines[row + 1:]:
            if line.strip() and len(line) - len(line.lstrip()) <= indent and not line.lstrip().startswith((")", "@")):
                break
            body.append(line)
        out.append((row + 1, body, rows[row]))
    return out


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    handled: list[tuple[bool, Location]] = []
    weak = []
    apps = set(raw.importing_files("fastapi", "flask", "litestar", "azureml"))
    for path in sorted(apps):
        text = raw.text(path)
        if not path.endswith(".py") or "def " not in text:
            continue
        for row, body, predicts in _handlers(text):
            logged = next((n for n, line in enumerate(body, start=row + 1) if _LOG.search(line)), None)
            printed = next((n for n, line in enumerate(body, start=row + 1) if _PRINT.match(line)), None)
            if logged is not None:
                handled.append((predicts, Location(path, logged, "the request handler logs")))
            elif printed is not None:
                weak.append(Location(path, printed, "the request handler prints (stdout only)"))
    # The prediction handlers' logs first (a health check's warning says little of the predictions), then
    # production code's before a tool's or a simulator's (stable: path order breaks ties).
    positive = [loc for _, loc in sorted(handled, key=lambda pair: (not pair[0], bool(_SIDE.search(pair[1].path))))]
    positive += raw.grep(APP_INSIGHTS, suffixes=(".py", ".json", *YAML), detail="Application Insights on the service",
                         needles=("nsights", "NSIGHTS"))
    weak += raw.grep(_CAPTURE, suffixes=(".py", ".ipynb", ".json", *YAML), detail="endpoint requests captured, errors not",
                     needles=("apture", "ampling"))
    return findings(ID, positive, weak)
