"""Retraining started by a monitoring signal: a drift check or an alert whose result submits the training pipeline."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, findings

ID = "retrain-trigger"
SHORT = ("A drift or performance check that starts retraining in the same code: a drift result followed by a pipeline "
         "submission (`PipelineJob(...).submit`, `start_pipeline_execution`, `jobs run-now`, `trigger_dag`, a CI dispatch, "
         "a Prefect flow run); an Alertmanager webhook whose alert (`alertname`) starts a flow run; an EventBridge rule on "
         "a `CloudWatch Alarm State Change` that targets a pipeline")
CRITERIA = {"monitor-3-retrain-on-alert": "yes", "monitor-4-drift-triggered-retraining": "partial"}
REMEDIATION = "Let a drift or performance alert start the retraining pipeline automatically, with a person approving the result."
EFFORT = "high"

_DRIFT = re.compile(r"\bdrift\w*\b", re.IGNORECASE)
_TRIGGER = re.compile(r"\bPipelineJob\s*\(|\.submit\s*\(|\bstart_pipeline_execution\s*\(|\brun_now\s*\(|\bjobs\s+run-now\b|"
                      r"\btrigger_dag\w*\s*\(|\bTriggerDagRunOperator\s*\(|/dispatches\b|\brepository_dispatch\b|"
                      r"\bcreate_run\s*\(|\bretrain\w*\s*\(|\bcreate_flow_run\w*\b|\brun_deployment\s*\(|/dagRuns\b")
# A drift result, or a Prometheus Alertmanager alert read by name (`alertname` is Alertmanager's label).
_CONDITION = re.compile(r"^[ \t]*(?:if|elif)\b[^\n]*(?:\bdrift\w*|\balertname\b)", re.IGNORECASE | re.MULTILINE)
_DEF = re.compile(r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(", re.MULTILINE)
WINDOW = 15  # lines below a condition where the run it starts is looked for

# EventBridge: a rule whose event pattern is a CloudWatch alarm changing state, targeting a pipeline
# (a SageMaker pipeline, CodePipeline, CodeBuild, Step Functions), from the CDK or CloudFormation.
_ALARM_EVENT = re.compile(r"CloudWatch Alarm State Change")
_RULE = re.compile(r"\b(?:events\.)?(?:Cfn)?Rule\s*\(|\bAWS::Events::Rule\b")
_PIPELINE_TARGET = re.compile(r"\btargets\.(?:CodePipeline|CodeBuildProject|SfnStateMachine)\s*\(|SageMakerPipelineParameters|"
                              r"sage_maker_pipeline_parameters|\bpipeline_arn\b|\bstart_pipeline_execution\b|"
                              r"arn:aws:sagemaker:[^\s'\"]*:pipeline/|arn:aws:codepipeline:")


def _trigger_functions(lines: list[str]) -> set[str]:
    """Functions of one file whose body starts a run: a condition calling one of them starts it too."""
    text = "\n".join(lines)
    names = set()
    for match in _DEF.finditer(text):
        indent, row = len(match.group(1)), text.count("\n", 0, match.start())
        for line in lines[row + 1:]:
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                break
            if _TRIGGER.search(line):
                names.add(match.group(2))
                break
    return names


def _code_triggers(raw: RawResults) -> list[Location]:
    """A drift result or an alert followed, within WINDOW lines, by what starts a run."""
    code = [f.path for f in raw.with_suffix(".py", ".ipynb")
            if any(word in raw.text(f.path) for word in ("drift", "Drift", "DRIFT", "alertname"))]
    found = []
    for path in code:
        conditions = raw.grep(_CONDITION, [path], first_only=False)
        if not conditions:
            continue
        lines = raw.text(path).split("\n")
        calls = _trigger_functions(lines)
        starts = re.compile(_TRIGGER.pattern + (r"|\b(?:" + "|".join(sorted(calls)) + r")\s*\(" if calls else ""))
        for loc in conditions:
            window = lines[loc.line - 1: loc.line + WINDOW]
            hit = next((n for n, line in enumerate(window) if starts.search(line)), None)
            if hit is None:
                continue
            what = "alert" if "alertname" in lines[loc.line - 1] else "drift result"
            found.append(Location(path, loc.line + hit if what == "drift result" else loc.line,
                                  f"{what} starts retraining: {window[hit].strip()[:70]}"))
    return found


def _alarm_rules(raw: RawResults) -> list[Location]:
    """EventBridge rules that start a pipeline when a CloudWatch alarm fires, cited at the rule."""
    files = [f.path for f in raw.with_suffix(".py", ".ts", ".json", *YAML)
             if "CloudWatch Alarm State Change" in raw.text(f.path) and _PIPELINE_TARGET.search(raw.text(f.path))]
    found = []
    for loc in raw.grep(_ALARM_EVENT, files, first_only=False):
        lines = raw.text(loc.path).split("\n")
        above = range(loc.line - 1, max(loc.line - 16, -1), -1)
        row = next((n for n in above if _RULE.search(lines[n])), loc.line - 1)
        found.append(Location(loc.path, row + 1, "a CloudWatch alarm starts the pipeline (EventBridge rule)"))
    return found


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    return findings(ID, _code_triggers(raw) + _alarm_rules(raw))
