"""Jinja2 templates for the report's HTML, with autoescape: user text is escaped by the template engine,
not by hand at each string concatenation. `render("report/summary.html.j2", **data)`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def environment() -> Environment:
    """One environment per process (templates are compiled once); undefined names raise."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)


def render(name: str, **data: Any) -> str:
    return environment().get_template(name).render(**data)
