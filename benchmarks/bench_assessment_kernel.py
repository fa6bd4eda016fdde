"""RSS of a kernel that ran notebooks/01_assessment.ipynb's code, for a checkout at ROOT.

Usage: python benchmarks/bench_assessment_kernel.py ROOT N   (before/after: `git archive <commit>` to a folder)
"""
import json
import os
import sys
import tempfile

import psutil
from jupyter_client import KernelManager

root = sys.argv[1]
with open(os.path.join(root, "notebooks/01_assessment.ipynb"), encoding="utf-8") as handle:
    nb = json.load(handle)
code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
env = dict(os.environ, PYTHONPATH=root, MLOPS_WORKBOOK_ANSWERS_DIR=tempfile.mkdtemp())
rss = []
for _ in range(int(sys.argv[2])):
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=os.path.join(root, "notebooks"), env=env)
    kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=120)
    reply = kc.execute_interactive(code + "\napp = _ if '_' in dir() else None", timeout=300)
    assert reply["content"]["status"] == "ok", reply["content"]
    rss.append(psutil.Process(km.provisioner.process.pid).memory_info().rss / 2**20)
    kc.stop_channels(); km.shutdown_kernel(now=True)
rss.sort()
print(f"{root}: RSS MiB per kernel {[round(r) for r in rss]}, median {rss[len(rss)//2]:.0f}")
