"""The package's layers, read from every import in its source (function-level imports included).

Data flows one way: a module may import from its own layer or a lower one, never a higher one, and the
modules' import graph has no cycle. A change that needs an upward edge is a sign that a concept has
two homes; move the concept, not the test.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "mlops_workbook"

# Top to bottom. A module's layer is that of the longest prefix listed here.
LAYERS: list[tuple[str, ...]] = [
    ("cli", "__main__"),
    ("ui",),
    ("server",),
    ("report",),
    ("scan",),
    ("simulation",),
    ("assessment",),
    ("gating",),
    ("drift",),
    ("__init__", "errors", "_files", "charts", "metrics", "templates", "html", "settings", "resources",
     "style", "formatting", "limits", "schemas", "table_files"),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(module: str) -> int:
    head = module.split(".")[0]
    for index, names in enumerate(LAYERS):
        if head in names:
            return index
    raise AssertionError(f"module {module!r} is in no layer: add its top-level name to LAYERS")


def imports_of(path: Path, *, runtime_only: bool = False) -> set[str]:
    """Package-internal modules imported anywhere in the file, as dotted names below mlops_workbook."""
    return imports_in(path.read_text(encoding="utf-8"), module_name(path), is_package=path.name == "__init__.py",
                      runtime_only=runtime_only)


def type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside `if TYPE_CHECKING:` blocks: imports for annotations only, never run."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside.update(id(n) for n in ast.walk(child))
    return inside


def imports_in(source: str, module: str, *, is_package: bool = False, runtime_only: bool = False) -> set[str]:
    """The imports of one module's source. With runtime_only, those under `if TYPE_CHECKING:` are left out
    (they never run, so they make no runtime cycle; they still count for the layers)."""
    tree = ast.parse(source)
    skip = type_checking_nodes(tree) if runtime_only else set()
    here = module.split(".")
    package = here if is_package else here[:-1]
    if package == ["__init__"]:
        package = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("mlops_workbook."):
                    found.add(alias.name.removeprefix("mlops_workbook."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            elif node.module and (node.module == "mlops_workbook" or node.module.startswith("mlops_workbook.")):
                target = node.module.removeprefix("mlops_workbook").lstrip(".")
            else:
                continue
            if not target:  # `from mlops_workbook import x` / `from . import x` at the top
                found.update(alias.name for alias in node.names)
            else:
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names
                             if (PACKAGE / Path(*target.split(".")) / alias.name).exists()
                             or (PACKAGE / Path(*target.split(".")) / f"{alias.name}.py").exists())
    return found


def graph(*, runtime_only: bool = False) -> dict[str, set[str]]:
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) > 50, "the package's sources were not found"
    return {module_name(path): imports_of(path, runtime_only=runtime_only) for path in sources}


def test_every_import_goes_down_or_sideways():
    upward = []
    for module, targets in graph().items():
        for target in targets:
            if layer_of(target) < layer_of(module):
                upward.append(f"{module} -> {target}")
    assert not upward, "imports from a higher layer:\n" + "\n".join(sorted(upward))


def test_no_runtime_import_cycle_between_modules():
    edges = graph(runtime_only=True)
    known = set(edges)

    def resolve(target: str) -> str | None:
        while target and target not in known:
            target = target.rpartition(".")[0]
        return target or None

    adjacency = {m: {r for t in ts if (r := resolve(t)) and r != m} for m, ts in edges.items()}
    # A package's __init__ that re-exports its own submodules is not a cycle with them.
    for module, targets in adjacency.items():
        adjacency[module] = {t for t in targets if not t.startswith(module + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(adjacency[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(adjacency):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_checker_sees_function_level_relative_and_absolute_imports():
    source = "def f():\n    from ..ui import lab\n    import mlops_workbook.cli\n    from mlops_workbook.report import batch\n"
    found = imports_in(source, "assessment.scoring")
    assert {"ui", "ui.lab", "cli", "report", "report.batch"} <= found
    assert all(layer_of(t) < layer_of("assessment.scoring") for t in ("ui.lab", "cli", "report.batch"))
    typed = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .policies import LevelRun\n"
    assert imports_in(typed, "simulation.monitor") == {"simulation.policies"}
    assert imports_in(typed, "simulation.monitor", runtime_only=True) == set()
