"""The room overview a batch writes beside the reports: `index.html` (every team's levels, its report
and PDF, every failure with its reason) and `index.json` (the same outcomes as data).

Apart from the batch because it is a page, not a process: it reads finished outcomes and nothing else.
The page frame (`page`, `PAGE_CSS`) is shared with the exported reports so both print alike.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from .._files import atomic_write_text
from ..html import render, trusted
from ..style import TONES, level_css

if TYPE_CHECKING:
    from .batch import ReportOutcome


PAGE_CSS = """
body { margin: 0 auto; padding: 1.5em 2em 3em; max-width: 1040px; background: #fff; color: #1d2733;
       font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
.jp-InputPrompt, .jp-OutputPrompt, .prompt, .input_prompt, .output_prompt { display: none; }
.jp-OutputArea-output img, .jp-OutputArea-output svg { max-width: 100%; height: auto; }
pre { white-space: pre-wrap; }
@page { size: A4; margin: 14mm 12mm; }
@media print { body { max-width: none; padding: 0; } a { color: inherit; } }
""" + f".jp-RenderedText pre, .output_stderr {{ color: {TONES['error']}; }}\n"


def page(title: str, body: str, *, css: str = PAGE_CSS) -> str:
    """A complete, self-contained HTML page: no script, no external stylesheet, no font download."""
    return render("report/page.html.j2", title=title, css=trusted(css), body=trusted(body)) + "\n"


def write_index(outcomes: Sequence[ReportOutcome], out_dir: Path, *, scenario: str = "") -> Path:
    """The room overview: every team's levels, a link to its report, and every failure with its reason."""
    dimensions: list[str] = []
    for o in outcomes:
        for name in o.summary.get("dimension_levels", {}):
            if name not in dimensions:
                dimensions.append(name)
    failed = sum(not o.ok for o in outcomes)
    css = PAGE_CSS + f"""
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #dde3ea; padding: .35em .6em; text-align: left; }}
th {{ background: #f3f6f9; }} .lv {{ text-align: center; font-weight: 600; color: #fff; }}
{level_css("lv")} .err {{ color: {TONES["error"]}; }}
a.pdf {{ font-size: .8em; margin-left: .4em; padding: 0 .35em; border: 1px solid {TONES["muted"]}; border-radius: .3em; }}
"""
    body = render("report/index.html.j2", outcomes=outcomes, dimensions=dimensions, scenario=scenario,
                  ok=len(outcomes) - failed, failed=failed, since=any("previous" in o.summary for o in outcomes))
    path = out_dir / "index.html"
    atomic_write_text(path, page("MLOps maturity: room overview", body, css=css))
    atomic_write_text(out_dir / "index.json", json.dumps([asdict(o) for o in outcomes], indent=2, default=str))
    return path
