"""Batch report speed: `mlops-workbook report` vs the naive loop a user would write, same 24 files.

    python benchmarks/bench_reports.py [--files 24] [--jobs N]

Naive loop (one Python process): papermill.execute_notebook, then nbconvert's HTMLExporter, one
report after another (a fresh kernel each time, as papermill does by default). Ours: worker
processes with warm, reused kernels, the simulation computed once, the `basic` offline export.
Target on the 2-core machine: at least 3x faster than the naive loop.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from _answers import answers_files  # benchmarks/ is on sys.path when a benchmark runs

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "03_report.ipynb"


def probe_kernel() -> tuple[float, float]:
    """Seconds to start a fresh kernel, and to run the report's imports in it."""
    from jupyter_client import KernelManager

    start = time.perf_counter()
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(NOTEBOOK.parent))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    ready = time.perf_counter() - start
    start = time.perf_counter()
    kc.execute_interactive("import mlops_workbook.report.content, mlops_workbook.charts, IPython.display",
                           timeout=300, output_hook=lambda msg: None)
    imports = time.perf_counter() - start
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return ready, imports


def naive(files: list[Path], out: Path) -> dict[str, float]:
    import papermill
    from nbconvert import HTMLExporter

    papermill_s, export_s = [], []
    start = time.perf_counter()
    for path in files:
        t0 = time.perf_counter()
        nb = papermill.execute_notebook(str(NOTEBOOK), str(out / f"{path.stem}.ipynb"), progress_bar=False,
                                        parameters={"answers_path": str(path.resolve())}, cwd=str(NOTEBOOK.parent))
        t1 = time.perf_counter()
        body, _ = HTMLExporter().from_notebook_node(nb)
        (out / f"{path.stem}.html").write_text(body)
        papermill_s.append(t1 - t0)
        export_s.append(time.perf_counter() - t1)
    return {"wall": time.perf_counter() - start, "papermill": statistics.mean(papermill_s),
            "export": statistics.mean(export_s)}


def ours(files: list[Path], out: Path, jobs: int | None) -> tuple[float, dict[str, float]]:
    from mlops_workbook.report.batch import run_reports

    start = time.perf_counter()
    result = run_reports([str(p) for p in files], out, jobs=jobs)
    wall = time.perf_counter() - start
    assert result.ok, [o.error for o in result.failed]
    keys = ["kernel_start", "wait_for_imports", "execute", "export"]
    totals = {k: sum(o.timings.get(k, 0.0) for o in result.outcomes) for k in keys}
    return wall, totals


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=24)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = answers_files(folder / "in", args.files, stem="team-{i:02d}", team="{i:02d}")
        ready, imports = probe_kernel()
        (folder / "naive").mkdir()
        slow = naive(files, folder / "naive")
        fast_wall, fast = ours(files, folder / "ours", args.jobs)
    n = len(files)
    execution = slow["papermill"] - ready - imports
    print(f"{n} answers files, {os.cpu_count()} CPUs")
    print(f"naive loop (papermill + HTMLExporter, one process): {slow['wall']:7.1f} s  ({slow['wall'] / n:.2f} s a report)")
    print(f"  per report: kernel start {ready:.2f} s, imports in the kernel {imports:.2f} s, "
          f"execution {execution:.2f} s, export {slow['export']:.2f} s")
    print(f"mlops-workbook report (jobs={args.jobs or os.cpu_count()}):            {fast_wall:7.1f} s  "
          f"({fast_wall / n:.2f} s a report)")
    print(f"  summed over reports: kernel start {fast['kernel_start']:.1f} s, waiting for imports "
          f"{fast['wait_for_imports']:.1f} s, execution {fast['execute']:.1f} s, export {fast['export']:.1f} s")
    ratio = slow["wall"] / fast_wall
    print(f"ratio naive / ours: {ratio:.1f}x  ({'meets' if ratio >= 3 else 'misses'} the 3x target)")


if __name__ == "__main__":
    main()
