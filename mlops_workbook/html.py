"""The one way the package writes HTML: a single Jinja2 environment with autoescape, over the
templates in `mlops_workbook/templates/` (report sections, widget fragments, the index, the landing).

Everything a user typed (team names, evidence, notes, file names) is escaped by the engine, not by
hand at each string concatenation, and a test fails on HTML tags in the package's Python strings
outside this module. Level colours and names (`style`) and number formats (`formatting`) are
template globals and filters, so a template never spells a colour or a "never" itself.

- `render("report/summary.html.j2", **data)`: a whole template.
- `fragment("ui/status.html.j2", "status", text, tone="ok")`: one macro of a template (small
  widget fragments live as macros, several to a file).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import formatting, style

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """One environment per process (templates are compiled once); undefined names raise."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
    env.filters.update(money=formatting.money, interval=formatting.interval, weeks=formatting.weeks,
                       never_or=formatting.never_or, detection=formatting.detection, percent=formatting.percent,
                       plural=formatting.plural, level_colour=style.level_colour, code_spans=code_spans)
    env.globals.update(level_label=style.level_label, level_name=style.level_name, level_colour=style.level_colour,
                       level_css=style.level_css, tones=style.TONES, levels=style.LEVELS)
    return env


def code_spans(text: str) -> Markup:
    """Escaped text with its `backtick spans` as <code> (probe metadata is written in Markdown for the
    README; the report shows the same text): `dvc add` reads as code, not as two stray backticks."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick: show the text as it is
        return escape(text)
    return Markup("").join(escape(p) if i % 2 == 0 else Markup("<code>%s</code>") % p for i, p in enumerate(parts))


def render(name: str, **data: Any) -> str:
    """A whole template rendered with `data` (values are escaped unless they are `Markup`)."""
    return environment().get_template(name).render(**data)


def fragment(name: str, macro: str, *args: Any, **kwargs: Any) -> str:
    """One macro of template `name`, called with the arguments: the widgets' small pieces of HTML."""
    module = environment().get_template(name).module
    return str(getattr(module, macro)(*args, **kwargs))


def trusted(html: str) -> Markup:
    """Mark HTML this package rendered itself (a fragment inside a fragment) as not to be escaped again."""
    return Markup(html)
