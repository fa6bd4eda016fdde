"""The room overview a batch writes beside the reports: `index.html` (every team's levels, its report
and PDF, every failure with its reason) and `index.json` (the same outcomes as data).

Apart from the batch because it is a page, not a process: it reads finished outcomes and nothing else.
The page frame (`page`, `PAGE_CSS`) is shared with the exported reports so both print alike.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from .._files import atomic_write_text

if TYPE_CHECKING:
    from .batch import ReportOutcome


PAGE_CSS = """
body { margin: 0 auto; padding: 1.5em 2em 3em; max-width: 1040px; background: #fff; color: #1d2733;
       font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
.jp-InputPrompt, .jp-OutputPrompt, .prompt, .input_prompt, .output_prompt { display: none; }
.jp-OutputArea-output img, .jp-OutputArea-output svg { max-width: 100%; height: auto; }
pre { white-space: pre-wrap; }
.jp-RenderedText pre, .output_stderr { color: #b0413e; }
@page { size: A4; margin: 14mm 12mm; }
@media print { body { max-width: none; padding: 0; } a { color: inherit; } }
"""

def page(title: str, body: str, *, css: str = PAGE_CSS) -> str:
    """A complete, self-contained HTML page: no script, no external stylesheet, no font download."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )

def write_index(outcomes: Sequence[ReportOutcome], out_dir: Path, *, scenario: str = "") -> Path:
    """The room overview: every team's levels, a link to its report, and every failure with its reason."""
    esc = html.escape
    dimensions: list[str] = []
    for o in outcomes:
        for name in o.summary.get("dimension_levels", {}):
            if name not in dimensions:
                dimensions.append(name)
    head = "".join(f"<th>{esc(d)}</th>" for d in dimensions)
    since = any("previous" in o.summary for o in outcomes)
    rows = []
    for o in outcomes:
        s = o.summary
        team = f'<a href="{esc(o.html)}">{esc(o.team)}</a>' if o.ok and o.html else esc(o.team)
        if o.ok and o.pdf:
            team += f' <a class="pdf" href="{esc(o.pdf)}">PDF</a>'
        before = s.get("previous")
        previous = (f"<td>L{before['overall_level']} on {esc(before['date'])}</td>" if before else "<td></td>") \
            if since else ""
        cells = "".join(f"<td class=\"lv lv{s['dimension_levels'][d]}\">{s['dimension_levels'][d]}</td>"
                        if d in s.get("dimension_levels", {}) else "<td></td>" for d in dimensions)
        status = "ok" if o.ok else f'<span class="err">failed: {esc(o.error or "")}</span>'
        overall = s.get("overall_level", "")
        rows.append(f"<tr><td>{team}</td>{previous}<td class=\"lv lv{overall}\">{overall}</td>"
                    f"<td>{s.get('target_level', '')}</td>"
                    f"{cells}<td>{esc(', '.join(s.get('flags', [])))}</td><td>{status}</td></tr>")
    failed = sum(not o.ok for o in outcomes)
    css = PAGE_CSS + """
table { border-collapse: collapse; } th, td { border: 1px solid #dde3ea; padding: .35em .6em; text-align: left; }
th { background: #f3f6f9; } .lv { text-align: center; font-weight: 600; color: #fff; }
.lv0 { background: #b0413e; } .lv1 { background: #e07b39; } .lv2 { background: #c9a227; }
.lv3 { background: #6a994e; } .lv4 { background: #2a6f97; } .err { color: #b0413e; }
a.pdf { font-size: .8em; margin-left: .4em; padding: 0 .35em; border: 1px solid #5c6b7a; border-radius: .3em; }
"""
    body = (
        "<h1>MLOps maturity: room overview</h1>"
        f"<p>{len(outcomes) - failed} reports, {failed} failed. Simulation scenario: {esc(scenario)}. "
        "Overall level = the weakest dimension.</p>"
        f"<table><thead><tr><th>Team</th>{'<th>Previous</th>' if since else ''}<th>Overall</th><th>Target</th>"
        f"{head}<th>Flags</th><th>Status</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )
    path = out_dir / "index.html"
    atomic_write_text(path, page("MLOps maturity: room overview", body, css=css))
    atomic_write_text(out_dir / "index.json", json.dumps([asdict(o) for o in outcomes], indent=2, default=str))
    return path

