"""Rebuild employment_MA.parquet from the three files in the nannyml 0.13.1 wheel.

Why a script: nannyml ships the stream in three parts (2015 reference with labels, 2016-2018
analysis without labels, the analysis labels in a third file keyed by `id`). A replay needs one
stream, so the parts are joined here, deterministically, and the script is kept so anyone can
check that the vendored file is what the wheel holds and nothing else.

What changes: the analysis labels are joined back on `id`; the rows are concatenated in the
wheel's order (which is already `year`, then `id`); nannyml's own model outputs (`prediction`,
`predicted_probability`) and the row key `id` are dropped, since a reader that takes every other
column as a feature would otherwise learn from another model's scores or from the row number.
Values and dtypes (the categorical codes included) are left as they are.

    pip download --no-deps -d /tmp/wheels nannyml==0.13.1
    unzip -q /tmp/wheels/nannyml-0.13.1-py3-none-any.whl -d /tmp/nannyml
    python data/real/build_employment.py /tmp/nannyml/nannyml/datasets/data data/real/employment_MA.parquet
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

DROPPED = ("id", "prediction", "predicted_probability")


def build(source: Path) -> pd.DataFrame:
    reference = pd.read_parquet(source / "employment_MA_reference.pq")
    analysis = pd.read_parquet(source / "employment_MA_analysis.pq")
    target = pd.read_parquet(source / "employment_MA_analysis_target.pq")
    analysis = analysis.merge(target, on="id", how="left", validate="1:1")
    if analysis["employed"].isna().any():
        raise SystemExit("some analysis rows have no label in employment_MA_analysis_target.pq")
    analysis["employed"] = analysis["employed"].astype(reference["employed"].dtype)
    frame = pd.concat([reference, analysis[reference.columns]], ignore_index=True)
    if not frame["id"].is_monotonic_increasing or not frame["year"].is_monotonic_increasing:
        raise SystemExit("the wheel's rows are no longer in year, id order: check before vendoring")
    return frame.drop(columns=list(DROPPED))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    frame = build(Path(argv[0]))
    # no compression codec choice left to the defaults of whichever pyarrow runs this
    frame.to_parquet(argv[1], index=False, compression="zstd")
    print(f"{argv[1]}: {len(frame)} rows, {frame.shape[1]} columns")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
