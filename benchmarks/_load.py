"""The benchmarks' "other core busy": one spinning Python process beside the measurement.

The house rules ask for every speed figure idle and with the machine's other core busy; one owner
for that load keeps every benchmark's "busy" the same load.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def other_core_busy(busy: bool = True) -> Iterator[int | None]:
    """`python -c 'while 1: pass'` for the duration of the block (nothing when `busy` is false),
    stopped by its pid afterwards whatever happened inside; yields that pid (a benchmark that sums
    its process tree's CPU leaves it out)."""
    proc = subprocess.Popen([sys.executable, "-c", "while 1: pass"]) if busy else None
    try:
        yield None if proc is None else proc.pid
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()
