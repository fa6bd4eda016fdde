"""`mlops-workbook scan`: pre-fill the assessment with evidence found in a repository.

A collector walks the tree once (`collector.collect`), probes read its raw results
(`probes/`, one module each), and the rubric's `evidence:` lists map probe findings onto criteria
(`assess`). Modelled on OpenSSF Scorecard's probes.
"""

from __future__ import annotations

from .assess import SCAN_ORIGIN, assess, parse_ref, run_probes, scan, scan_mlflow, to_answer, to_answers
from .collector import RawResults, ScanError, collect
from .findings import CriterionFinding, Finding, Location, ScanResult
from .probes import PROBE_IDS, PROBES
from .table import default_evidence, probe_table_markdown

__all__ = [
    "PROBES", "PROBE_IDS", "SCAN_ORIGIN", "CriterionFinding", "Finding", "Location", "RawResults", "ScanError",
    "ScanResult", "assess", "collect", "default_evidence", "parse_ref", "probe_table_markdown", "run_probes", "scan",
    "scan_mlflow", "to_answer", "to_answers",
]
