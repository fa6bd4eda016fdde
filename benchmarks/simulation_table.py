"""The README's simulation figures, generated from runs (never typed by hand).

    for s in none sudden-covariate-shift gradual-drift seasonal concept-drift prior-shift data-quality-bug; do
        mlops-workbook simulate --scenario $s --seeds 20 --json > build/sim-$s.json; done   # 2,000 rows a week
    python benchmarks/simulation_table.py build/sim-*.json
"""

from __future__ import annotations

import json
import sys

import pandas as pd

from mlops_workbook.simulation.uncertainty import compare_levels

ORDER = ["none", "sudden-covariate-shift", "gradual-drift", "seasonal", "concept-drift", "prior-shift",
         "data-quality-bug"]


def k(value: float) -> str:
    return f"{value / 1000:,.0f}k".replace("-0k", "0k")


def signed(value: float) -> str:
    text = k(abs(value))
    return text if text == "0k" else f"{'+' if value > 0 else '-'}{text}"


def main(paths: list[str]) -> None:
    runs = {}
    for path in paths:
        data = json.loads(open(path, encoding="utf-8").read())
        runs[data["config"]["scenario"]] = data
    print("| scenario | " + " | ".join(f"L{lv} net cost" for lv in range(5)) + " | L3 vs L2 | L4 vs L2 |")
    print("| --- " * 8 + "|")
    for name in [n for n in ORDER if n in runs]:
        data = runs[name]
        cells = [f"{k(r['net_cost'])} [{k(r['intervals']['net_cost'][0])}, {k(r['intervals']['net_cost'][1])}]"
                 for r in data["kpis"]]
        per_seed = pd.DataFrame(data["per_seed"])
        verdicts = []
        for level in (3, 4):
            c = compare_levels(per_seed, level, 2, "net_cost")
            verdicts.append(f"{signed(c.mean)} [{k(c.low)}, {k(c.high)}]"
                            + ("" if c.measurable else " no measurable difference"))
        print(f"| {name} | " + " | ".join(cells + verdicts) + " |")
    print()
    print("Business loss, level against the level below (paired, 90% interval; + = more loss):")
    print()
    print("| scenario | L1 vs L0 | L2 vs L1 | L3 vs L2 | L4 vs L3 |")
    print("| --- " * 5 + "|")
    for name in [n for n in ORDER if n in runs]:
        per_seed = pd.DataFrame(runs[name]["per_seed"])
        cells = []
        for level in range(1, 5):
            c = compare_levels(per_seed, level, level - 1, "business_loss")
            cells.append(f"{signed(c.mean)} [{k(c.low)}, {k(c.high)}]"
                         + ("" if c.measurable else " (none measurable)"))
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
