"""The README's package layout table names every module of the package, and only modules that exist.

A newcomer reads the table to find the one owner of a concept; a module missing from it (or a row
for a module that moved) sends them to the wrong place. Probe modules and stat-test modules are a
registry: the table names their package, and the README's probe table lists the probes.
"""

from __future__ import annotations

import re

from .conftest import ROOT

PACKAGE = ROOT / "mlops_workbook"
REGISTRIES = ("scan/probes/", "drift/stattests/")


def package_modules() -> set[str]:
    """What the table must name: `pkg/` for a subpackage, `pkg/mod.py` for a module."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if "__pycache__" in rel or rel in ("__init__.py", "__main__.py"):
            continue
        if rel.startswith(REGISTRIES) and not rel.endswith("/__init__.py"):
            continue
        names.add(rel.removesuffix("__init__.py") if rel.endswith("/__init__.py") else rel)
    assert len(names) > 60
    return names


def readme_rows() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Package layout", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE))


def test_readme_layout_table_matches_the_package():
    modules, rows = package_modules(), readme_rows()
    assert not modules - rows, f"modules missing from README's 'Package layout': {sorted(modules - rows)}"
    assert not rows - modules, f"README's 'Package layout' names modules that do not exist: {sorted(rows - modules)}"
