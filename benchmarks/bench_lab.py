"""A lab move to new data at the lab's default volume (5 levels x 52 weeks x 500 rows, 8 seeds), where
the time goes, and how long the page waits (target: <= 1 s).

    python benchmarks/bench_lab.py [--moves 5] [--busy]

A move answers in two steps (`ui/lab.py`): the one-stream charts and tables from the kernel's own seed
("first answer": the slider's handler returns, the inputs come back), then the money chart, headline
and table once the seven worker seeds are back ("money"). Each move sets the magnitude to a value not
seen before, so nothing comes from the lab's kept runs. The parts are timed apart on the same
settings afterwards: the own stream's `simulate()` alone, one worker seed, each chart's SVG, the
tables. `--busy` keeps the machine's other core busy (`while 1: pass`) for the whole measurement.
Wall-clock seconds from `time.perf_counter`; the median and the worst of the moves.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import replace

from _load import other_core_busy  # benchmarks/ is on sys.path when a benchmark runs


def bench(moves: int) -> dict[str, list[float]]:
    from mlops_workbook.charts import drift_heatmap, net_cost_chart, offline_svg_renderer, timeline_chart
    from mlops_workbook.simulation import simulate
    from mlops_workbook.simulation.uncertainty import _one_seed
    from mlops_workbook.ui.lab import DriftLab
    from mlops_workbook.ui.tables import kpi_table_html, money_headline, money_table_html

    lab = DriftLab()
    times: dict[str, list[float]] = {k: [] for k in ("first answer", "money", "own stream alone", "one worker seed",
                                                    "timeline chart", "heatmap chart", "net-cost chart", "tables")}
    for i in range(moves):
        magnitude = round(1.05 + 0.1 * i, 2)  # never the lab's 1.0, never twice
        start = time.perf_counter()
        lab.controls.magnitude.value = magnitude
        times["first answer"].append(time.perf_counter() - start)
        lab.wait()
        times["money"].append(time.perf_counter() - start)
    config, costs = lab.config, lab.controls.costs
    result, multi = lab.result, lab.multi

    def chart_html(chart):  # noqa: ANN001, ANN202 - as charts.chart_html, without its cache of drawn specs
        return offline_svg_renderer(chart.to_dict(validate=False))["text/html"]

    parts = {
        "timeline chart": lambda: chart_html(timeline_chart(result.timeline, result.events, metric="cumulative_loss",
                                                            onset=result.scenario.onset)),
        "heatmap chart": lambda: chart_html(drift_heatmap(result.drift)),
        "net-cost chart": lambda: chart_html(net_cost_chart(multi.summary())),
        "tables": lambda: (kpi_table_html(result.kpis), money_table_html(multi), money_headline(multi)),
    }
    for i in range(moves):  # the parts, one at a time; the simulations on settings of their own (nothing cached)
        fresh = replace(config, magnitude=round(0.15 + 0.1 * i, 2))
        timed = {"own stream alone": lambda f=fresh: simulate(f, costs=costs),
                 "one worker seed": lambda f=fresh: _one_seed(replace(f, seed=1), costs), **parts}
        for name, work in timed.items():
            start = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - start)
    return times


def report(title: str, moves: int) -> None:
    print(f"{title} (load average {os.getloadavg()[0]:.1f} at start): {moves} moves to new data")
    for name, values in bench(moves).items():
        target = "   target <= 1 s: " + ("meets" if statistics.median(values) <= 1 else "misses") \
            if name == "first answer" else ""
        print(f"  {name:<18} median {statistics.median(values):6.3f} s, worst {max(values):6.3f} s{target}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--moves", type=int, default=5)
    parser.add_argument("--busy", action="store_true", help="also measure with the other core busy")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores")
    report("idle", args.moves)
    if not args.busy:
        return
    with other_core_busy():
        report("other core busy", args.moves)


if __name__ == "__main__":
    main()
