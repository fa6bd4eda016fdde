"""Scan speed: `scan` over a generated 20,000-file repository vs what a user would do instead
(grep -rlE for the same things, one combined pattern, and one grep per question), idle and with the
machine's other core busy.

    python benchmarks/bench_scan.py              # 20,000 files
    python benchmarks/bench_scan.py --files 5000

Target: 20,000 files in at most 10 s. The tree: 200 folders of 100 files (half Python with imports
and calls, YAML, Markdown, JSON, CSV, PNG-like binaries), a few real evidence files among them.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import time
from pathlib import Path

from _load import other_core_busy  # benchmarks/ is on sys.path when a benchmark runs

from mlops_workbook.scan import scan
from mlops_workbook.scan.collector import PRUNED_DIRS

# One pattern per question a user would grep for (the probes' main signals).
PATTERNS = [
    r"dvc\.yaml|\.dvc|lakefs", r"great_expectations|pandera|soda|tensorflow_data_validation",
    r"feast|FeatureView|hopsworks", r"params\.yaml|hydra\.main", r"mlflow\.(log_|autolog|start_run)|wandb\.(init|log)",
    r"register_model|transition_model_version_stage", r"optuna|ray\.tune|GridSearchCV",
    r"from (airflow|dagster|prefect|kfp|zenml|metaflow)", r"^def test_", r"==[0-9]",
    r"pytest|tox|nox", r"dvc repro|setup-cml|cml comment", r"bentoml|SeldonDeployment|InferenceService|FastAPI\(",
    r"kind: Rollout|canaryTrafficPercent|VirtualService", r"HorizontalPodAutoscaler|ScaledObject|maxReplicas",
    r"evidently|nannyml|whylogs|alibi_detect", r"prometheus_client|scrape_configs|\"panels\"", r"alert:|PrometheusRule",
    r"[Mm]odel[-_ ]?[Cc]ard", r"CODEOWNERS", r"fairlearn|aif360", r"shap\.|captum|lime",
]

PY_IMPORTS = [
    "import os", "import json", "import numpy as np", "import pandas as pd", "from sklearn.linear_model import LogisticRegression",
    "import logging", "from pathlib import Path", "from dataclasses import dataclass", "import re", "import typing",
]
PY_LINES = [
    "def load(path):", "    return pd.read_csv(path)", "def features(frame):", "    frame['x2'] = frame['x'] ** 2",
    "    return frame", "class Model:", "    def fit(self, X, y):", "        self.clf = LogisticRegression().fit(X, y)",
    "        return self", "# a comment about the data", "CONFIG = {'lr': 0.1, 'epochs': 10}",
]


def build_tree(root: Path, files: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    per_dir = 100
    for i in range(files):
        folder = root / f"pkg{i // per_dir:03d}" / ("sub" if i % 3 else "")
        folder.mkdir(parents=True, exist_ok=True)
        kind = i % 20
        if kind < 10:
            imports = rng.sample(PY_IMPORTS, 6)  # a module's imports at the top, then code (60 lines)
            (folder / f"mod{i}.py").write_text("\n".join(imports + [rng.choice(PY_LINES) for _ in range(54)]) + "\n")
        elif kind < 12:
            (folder / f"conf{i}.yaml").write_text("".join(f"key{j}: value{j}\n" for j in range(30)))
        elif kind < 14:
            (folder / f"doc{i}.md").write_text("# Notes\n\n" + "Some words about the model. " * 40 + "\n")
        elif kind < 16:
            (folder / f"data{i}.json").write_text('{"a": [' + ",".join(str(j) for j in range(200)) + "]}\n")
        elif kind < 18:
            (folder / f"table{i}.csv").write_text("a,b,c\n" + "1,2,3\n" * 100)
        else:
            (folder / f"img{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n\0" + os.urandom(2000))
    (root / "dvc.yaml").write_text("stages:\n  train:\n    cmd: python train.py\n")
    (root / "train.py").write_text("import mlflow\nmlflow.autolog()\n")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text("on: [push]\njobs:\n  t:\n    steps:\n      - run: pytest\n")


def best_of(runs: int, func) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def grep_args() -> list[str]:
    return ["grep", "-rlE", "-I", *[f"--exclude-dir={d}" for d in sorted(PRUNED_DIRS)]]


def measure(root: Path, runs: int) -> dict[str, float]:
    combined = "|".join(f"({p})" for p in PATTERNS)
    results: dict[str, float] = {}
    results["scan"] = best_of(runs, lambda: scan(root))
    cpu = time.process_time()
    scan(root)
    results["scan CPU (one run)"] = time.process_time() - cpu
    results["grep combined"] = best_of(runs, lambda: subprocess.run([*grep_args(), combined, str(root)],
                                                                    stdout=subprocess.DEVNULL, check=False))
    results["grep per question"] = best_of(runs, lambda: [subprocess.run([*grep_args(), p, str(root)],
                                                                         stdout=subprocess.DEVNULL, check=False)
                                                          for p in PATTERNS])
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        build_tree(root, args.files)
        print(f"built {args.files} files in {time.perf_counter() - start:.1f} s")
        result = scan(root)
        print(f"scan: {result.files_scanned} files, {len(result.findings)} criteria with evidence, skipped {result.skipped}")
        for state in ("idle", "other core busy"):
            with other_core_busy(state != "idle"):
                # first, a cold-ish pass is not separated: the tree was just written, so the page cache is warm
                times = measure(root, args.runs)
            print(f"\n{state} (best of {args.runs}):")
            for name, seconds in times.items():
                print(f"  {name:<20} {seconds:7.3f} s")
            print(f"  scan / grep combined     {times['scan'] / times['grep combined']:.2f}x")
            print(f"  grep per question / scan {times['grep per question'] / times['scan']:.2f}x")


if __name__ == "__main__":
    main()
