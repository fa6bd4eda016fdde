"""`python -m mlops_workbook.scan --markdown` prints the README's table of probes."""

from __future__ import annotations

import sys

from .table import probe_table_markdown

if __name__ == "__main__":
    if sys.argv[1:] != ["--markdown"]:
        print("usage: python -m mlops_workbook.scan --markdown   (scan itself: mlops-workbook scan PATH)", file=sys.stderr)
        sys.exit(2)
    print(probe_table_markdown())
