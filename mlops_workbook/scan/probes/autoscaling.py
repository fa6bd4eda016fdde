"""Serving and training capacity that scales with load: HPA, KEDA, KServe/Knative replica bounds, AWS
Application Auto Scaling, Vertex AI replica counts, Databricks cluster autoscale, Azure ML autoscale."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import YAML, findings

ID = "autoscaling"
SHORT = ("Autoscaling configs: `HorizontalPodAutoscaler`, KEDA `ScaledObject`, KServe/Knative `minReplicas`/`maxReplicas`, "
         "AWS Application Auto Scaling (`register_scalable_target`, CDK `ScalableTarget`, "
         "`AWS::ApplicationAutoScaling::ScalableTarget`), Vertex AI `min_replica_count`/`max_replica_count` or gcloud's `--max-replica-count` (equal bounds "
         "are partial), a Databricks cluster's `autoscale:` `max_workers`, SageMaker serverless inference, an Azure ML "
         "compute cluster's scale settings or `min_instances`/`max_instances`, AKS node pool autoscaling")
CRITERIA = {"deploy-3-autoscaling": "yes"}
REMEDIATION = "Let serving scale with load (a HorizontalPodAutoscaler, KEDA, or KServe min/max replicas)."
EFFORT = "medium"  # low: an afternoon, medium: days, high: weeks

_KINDS = re.compile(r"^kind:\s*(?:HorizontalPodAutoscaler|ScaledObject|ScaledJob)\s*$", re.MULTILINE)
_REPLICAS = re.compile(r"^\s*maxReplicas\s*:\s*\d+|autoscaling\.knative\.dev/max-scale", re.MULTILINE)
# AWS Application Auto Scaling: the scalable target that bounds a SageMaker variant's (or an ECS
# service's) instance count, from boto3, the CDK, or CloudFormation.
_AWS = re.compile(r"\bregister_scalable_target\s*\(|\b(?:Cfn)?ScalableTarget\s*\(|\bauto_scale_instance_count\s*\(|"
                  r"\bAWS::ApplicationAutoScaling::ScalableTarget\b")
# Vertex AI endpoint deployment: `max_replica_count` as a deploy() argument or a spec's key.
# `gcloud ai endpoints deploy-model --min-replica-count=1 --max-replica-count=3` is the same bound from the CLI.
_VERTEX_MAX = re.compile(r"[\"']?(?:\bmax_replica_count[\"']?\s*[:=]|--max-replica-count(?:=|\s+))\s*[\"']?(\d+)?")
_VERTEX_MIN = re.compile(r"[\"']?(?:\bmin_replica_count[\"']?\s*[:=]|--min-replica-count(?:=|\s+))\s*[\"']?(\d+)")
# Databricks clusters (jobs, bundles, cluster specs): `autoscale` with worker bounds.
_DATABRICKS = re.compile(r"^\s*[\"']?autoscale[\"']?\s*:\s*\{?\s*(?:\n\s*)?[\"']?(?:min|max)_workers[\"']?\s*:", re.MULTILINE)


def _vertex(raw: RawResults) -> tuple[list[Location], list[Location]]:
    """(positive, weak): replica bounds that let an endpoint scale, and bounds fixed to one count."""
    positive, weak = [], []
    for loc in raw.grep(_VERTEX_MAX, suffixes=(".py", ".json", ".sh", *YAML), first_only=False,
                        needles=("max_replica_count", "max-replica-count")):
        most = _VERTEX_MAX.search(raw.line(loc.path, loc.line))
        least = _VERTEX_MIN.search(raw.text(loc.path))
        if most and most.group(1) and least and most.group(1) == least.group(1):
            weak.append(Location(loc.path, loc.line, f"replica bounds fixed at {most.group(1)}: no scaling"))
        else:
            positive.append(Location(loc.path, loc.line, "Vertex AI replica bounds"))
    return positive, weak


# SageMaker serverless inference: capacity follows the requests, up to a concurrency bound.
_SERVERLESS = re.compile(r"\bServerlessInferenceConfig\s*\(|\bServerlessConfig\s*[:=]")
# Azure ML compute clusters: Terraform `scale_settings { min_node_count, max_node_count }`, the CLI's or a compute
# YAML's `min_instances` / `max_instances`; AKS node pools with autoscaling on.
_AML_SCALE = re.compile(r"^\s*scale_settings\s*\{", re.MULTILINE)
_NODE_BOUND = re.compile(r"\b(min|max)_node_count\s*=\s*(\d+)")
_INSTANCE_BOUND = re.compile(r"^\s*-?\s*(min|max)_instances\s*:\s*['\"]?(\d+)", re.MULTILINE)
_AKS = re.compile(r"^\s*(?:enable_auto_scaling|auto_scaling_enabled)\s*=\s*true\b", re.MULTILINE)


def _scales(bounds: dict[str, int]) -> bool:
    return "max" in bounds and bounds["max"] > bounds.get("min", 1)


def _compute_clusters(raw: RawResults) -> list[Location]:
    found = []
    for loc in raw.grep(_AML_SCALE, raw.with_suffix(".tf"), first_only=False, needles=("scale_settings",)):
        block = "\n".join(raw.text(loc.path).split("\n")[loc.line - 1: loc.line + 8])
        if _scales({k: int(v) for k, v in _NODE_BOUND.findall(block)}):
            found.append(Location(loc.path, loc.line, "Azure ML compute cluster scale settings"))
    found += raw.grep(_AKS, raw.with_suffix(".tf"), detail="AKS node pool autoscaling", needles=("auto_scaling",))
    for f in raw.with_suffix(*YAML):
        text = raw.text(f.path)
        if "max_instances" not in text:
            continue
        lines = text.split("\n")
        for match in _INSTANCE_BOUND.finditer(text):
            if match.group(1) != "max":
                continue
            row = text.count("\n", 0, match.start())
            near = "\n".join(lines[max(row - 6, 0): row + 6])
            bounds = {k: int(v) for k, v in _INSTANCE_BOUND.findall(near)}
            if _scales(bounds) and re.search(r"comput|cluster", near, re.IGNORECASE):
                found.append(Location(f.path, row + 1, "compute cluster scales between its instance bounds"))
    return found


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    yaml = raw.with_suffix(*YAML)
    positive = raw.grep(_KINDS, yaml, detail="autoscaler") + raw.grep(_REPLICAS, yaml, detail="replica bounds")
    positive += raw.grep(_AWS, suffixes=(".py", ".ts", ".json", *YAML), first_only=False,
                         detail="AWS Application Auto Scaling target", needles=("calable", "auto_scale_instance_count"))
    vertex, weak = _vertex(raw)
    positive += vertex
    positive += raw.grep(_DATABRICKS, suffixes=(".json", *YAML), detail="Databricks cluster autoscale",
                         needles=("autoscale",))
    positive += raw.grep(_SERVERLESS, raw.importing_files("sagemaker", "boto3"), detail="SageMaker serverless inference",
                         needles=("Serverless",))
    positive += _compute_clusters(raw)
    return findings(ID, positive, weak)
