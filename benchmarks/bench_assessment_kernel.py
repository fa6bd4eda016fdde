"""RSS of a kernel that ran notebooks/01_assessment.ipynb's code (PYTHONPATH picks the version)."""
import os, sys, json, tempfile, psutil
from jupyter_client import KernelManager
root = sys.argv[1]
nb = json.load(open(os.path.join(root, "notebooks/01_assessment.ipynb")))
code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
env = dict(os.environ, PYTHONPATH=root, MLOPS_WORKBOOK_ANSWERS_DIR=tempfile.mkdtemp())
rss = []
for i in range(int(sys.argv[2])):
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=os.path.join(root, "notebooks"), env=env)
    kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=120)
    reply = kc.execute_interactive(code + "\napp = _ if '_' in dir() else None", timeout=300)
    assert reply["content"]["status"] == "ok", reply["content"]
    rss.append(psutil.Process(km.provisioner.process.pid).memory_info().rss / 2**20)
    kc.stop_channels(); km.shutdown_kernel(now=True)
rss.sort()
print(f"{root}: RSS MiB per kernel {[round(r) for r in rss]}, median {rss[len(rss)//2]:.0f}")
