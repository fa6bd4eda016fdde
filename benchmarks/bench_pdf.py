"""PDF printing speed: one chromium for the batch (ours) vs one chromium per report (the obvious loop).

    python benchmarks/bench_pdf.py [--reports 12] [--repeat 3] [--busy]

Both print the same exported report pages (built from the sample teams without a kernel) with Debian's
chromium through Playwright, every request routed. The obvious loop a user would write launches a
browser per report (`with PdfPrinter() as p: p.print(...)` inside the loop); ours keeps one open.
`--busy` keeps the machine's other core busy (`python3 -c 'while 1: pass'`) while measuring.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _answers import SAMPLES  # benchmarks/ is on sys.path when a benchmark runs
from _load import other_core_busy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_pages(folder: Path, count: int) -> list[Path]:
    from mlops_workbook.report.content import ReportParameters, TeamReport
    from mlops_workbook.report.batch import page

    pages = []
    for i in range(count):
        report = TeamReport.build(ReportParameters(str(SAMPLES[i % len(SAMPLES)]), include_simulation=False))
        body = "".join([report.summary_html(), report.flags_html(), report.roadmap_html(), report.kpis_html(),
                        report.dimensions_html(), report.appendix_html()])
        path = folder / f"team-{i:02d}.html"
        path.write_text(page(report.team, body))
        pages.append(path)
    return pages


def one_browser(pages: list[Path], out: Path) -> float:
    from mlops_workbook.report.pdf import PdfPrinter

    start = time.perf_counter()
    with PdfPrinter() as printer:
        for html in pages:
            printer.print(html, out / f"{html.stem}.pdf")
    return time.perf_counter() - start


def browser_per_report(pages: list[Path], out: Path) -> float:
    from mlops_workbook.report.pdf import PdfPrinter

    start = time.perf_counter()
    for html in pages:
        with PdfPrinter() as printer:
            printer.print(html, out / f"{html.stem}.naive.pdf")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--busy", action="store_true", help="keep one core busy while measuring")
    args = parser.parse_args()
    with other_core_busy(args.busy):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            pages = make_pages(folder, args.reports)
            ours, naive = [], []
            for _ in range(args.repeat):
                ours.append(one_browser(pages, folder))
                naive.append(browser_per_report(pages, folder))
    o, n = statistics.median(ours), statistics.median(naive)
    state = "other core busy" if args.busy else "idle (shared machine)"
    print(f"{args.reports} reports, median of {args.repeat}, {state}")
    print(f"| one chromium for the batch (ours) | {o:.1f} s | {o / args.reports:.2f} s |")
    print(f"| one chromium per report | {n:.1f} s | {n / args.reports:.2f} s |")
    print(f"ratio {n / o:.1f}x")


if __name__ == "__main__":
    main()
