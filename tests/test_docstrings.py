"""Every public class and function of the package says what it is for.

Public: a module-level or class-level name without a leading underscore, in a module whose own name
has none. Methods that implement a protocol (dunders) and property setters are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "mlops_workbook"


def public_modules() -> list[Path]:
    paths = [p for p in sorted(PACKAGE.rglob("*.py"))
             if not any(part.startswith("_") and part != "__init__.py" for part in p.relative_to(PACKAGE).parts)]
    assert len(paths) > 40
    return paths


def undocumented(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    missing: list[str] = []

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if node.name.startswith("_"):
                continue
            if any(isinstance(d, ast.Attribute) and d.attr in ("setter", "deleter") for d in node.decorator_list):
                continue
            if any(isinstance(d, ast.Name) and d.id == "overload" for d in node.decorator_list):
                continue
            if ast.get_docstring(node) is None:
                missing.append(f"{path.relative_to(root)}:{node.lineno} {prefix}{node.name}")
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{node.name}.")

    visit(tree.body, "")
    return missing


def test_every_public_definition_has_a_docstring():
    missing = [item for path in public_modules() for item in undocumented(path)]
    assert not missing, f"{len(missing)} public definitions without a docstring:\n" + "\n".join(missing)


def test_the_checker_finds_a_missing_docstring(tmp_path):
    source = PACKAGE / "errors.py"
    assert source.exists()
    bad = tmp_path / "mlops_workbook" / "x.py"
    bad.parent.mkdir()
    bad.write_text('def documented():\n    """Why."""\n\ndef bare():\n    pass\n\nclass C:\n    def m(self):\n        pass\n')
    names = [line.split()[-1] for line in undocumented(bad, tmp_path)]
    assert names == ["bare", "C", "C.m"]
