"""Shared building blocks for probes: pure functions over RawResults, no file system access."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..collector import RawResults, RepoFile
from ..findings import Finding, Location

CODE = (".py", ".ipynb")
YAML = (".yaml", ".yml")


def findings(probe: str, positive: Iterable[Location], weak: Iterable[Location] = (),
             enforced: Iterable[Location] = (), *, aside_is_evidence: bool = False) -> list[Finding]:
    """Enforced findings first, then positive, then weak; one per location (path, line), the strongest.

    The one place the tests-only rule holds for every probe: a positive location in a folder beside
    production code (tests, benchmarks, examples, docs: `ASIDE_FOLDERS`) is weak, the practice tried,
    not run, so alone it gives "partial", never "yes". `aside_is_evidence` is for the probes whose
    practice lives there (ML tests in tests/, documentation in docs/)."""
    positive = list(positive)
    if not aside_is_evidence:
        weak = [*(Location(loc.path, loc.line, f"{loc.detail} (in {aside_folder(loc.path)} only)")
                  for loc in positive if aside_folder(loc.path)), *weak]
        positive = [loc for loc in positive if not aside_folder(loc.path)]
    out: list[Finding] = []
    seen: set[tuple[str, int | None]] = set()
    for outcome, locations in (("enforced", enforced), ("positive", positive), ("weak", weak)):
        for loc in locations:
            if (loc.path, loc.line) not in seen:
                seen.add((loc.path, loc.line))
                out.append(Finding(probe, outcome, loc))  # type: ignore[arg-type]
    return out


def file_locations(files: Iterable[RepoFile], detail: str) -> list[Location]:
    return [Location(f.path, None, detail) for f in files]


def library(raw: RawResults, *, modules: Iterable[str], packages: Iterable[str] = (),
            calls: re.Pattern[str] | None = None, label: str = "",
            needles: Iterable[str] = ()) -> tuple[list[Location], list[Location]]:
    """(positive, weak) evidence that a Python library is used: the call site that does the work.

    With `calls`, only a matching call in a file that imports one of `modules` counts; a bare import
    or a declared dependency is no evidence at all (declared is not used: a `lime` requirement says
    nothing of explanations being produced). Without `calls`, the import itself is the evidence (for
    libraries whose import is the configuration). A call seen only in tests, benchmarks, examples or
    docs is weak: the practice is tried, not run in production code.
    """
    modules = tuple(modules)
    imports = raw.imported(*modules)
    if calls is None:
        positive = imports
    else:
        positive = raw.grep(calls, sorted({loc.path for loc in imports}), first_only=False, needles=needles)
    if label:
        positive = [Location(loc.path, loc.line, f"{label}: {loc.detail}") for loc in positive]
    aside = [Location(loc.path, loc.line, f"{loc.detail} (in {aside_folder(loc.path)} only)") for loc in positive if aside_folder(loc.path)]
    positive = [loc for loc in positive if not aside_folder(loc.path)]
    return positive, aside


def libraries(raw: RawResults, tools: Iterable[tuple[tuple[str, ...], tuple[str, ...], re.Pattern[str] | None, str]]
              ) -> tuple[list[Location], list[Location]]:
    """`library` over a probe's table of (modules, packages, calls, label), evidence pooled."""
    positive: list[Location] = []
    weak: list[Location] = []
    for modules, packages, calls, label in tools:
        pos, wk = library(raw, modules=modules, packages=packages, calls=calls, label=label)
        positive += pos
        weak += wk
    return positive, weak


ASIDE_FOLDERS = ("tests", "test", "benchmarks", "bench", "examples", "example", "docs")


def aside_folder(path: str) -> str:
    """'tests' when a path lies in a folder beside production code: a library used only in tests,
    benchmarks, examples or docs is a hint (partial), not evidence of a practice."""
    for part in path.split("/")[:-1]:
        if part.lower() in ASIDE_FOLDERS:
            return part
    return ""


def line_text(raw: RawResults, location: Location) -> str:
    """The text of a location's line ("" for a whole-file location)."""
    return raw.line(location.path, location.line)


def bundle_files(raw: RawResults) -> list[RepoFile]:
    """A Databricks asset bundle's configuration: each `databricks.yml` and the files its `include:`
    globs name (relative to the bundle's folder), plus YAML under a `resources/` folder."""
    import fnmatch

    found: dict[str, RepoFile] = {}
    yaml_files = [f for f in raw.files if f.suffix in YAML]
    for bundle in raw.named("databricks.yml", "databricks.yaml"):
        found[bundle.path] = bundle
        base = bundle.path.rsplit("/", 1)[0] + "/" if "/" in bundle.path else ""
        text = raw.text(bundle.path)
        block = re.search(r"^include\s*:\s*\n((?:[ \t]+.*\n|[ \t]*#.*\n|\s*\n)*)", text + "\n", re.MULTILINE)
        globs = re.findall(r"^\s*-\s*['\"]?([^'\"#\n]+?)['\"]?\s*$", block.group(1), re.MULTILINE) if block else []
        for pattern in globs:
            wanted = base + pattern.strip().removeprefix("./")
            for f in yaml_files:
                if fnmatch.fnmatch(f.path, wanted):
                    found[f.path] = f
    for f in yaml_files:
        if "/resources/" in f"/{f.path}":
            found.setdefault(f.path, f)
    return sorted(found.values(), key=lambda f: f.path)


def yaml_children(text: str, key: str) -> list[tuple[int, str]]:
    """(line, name) of each key directly under every `key:` mapping of a YAML text (the jobs under
    `jobs:`), found by indentation."""
    lines = text.split("\n")
    out: list[tuple[int, str]] = []
    for row, line in enumerate(lines):
        if not re.match(rf"^\s*{re.escape(key)}\s*:\s*(?:#.*)?$", line):
            continue
        indent = len(line) - len(line.lstrip())
        child = None
        for number, text_line in enumerate(lines[row + 1:], start=row + 2):
            stripped = text_line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            here = len(text_line) - len(text_line.lstrip())
            if here <= indent:
                break
            child = here if child is None else child
            name = re.match(r"^\s*([\w.-]+)\s*:", text_line)
            if here == child and name:
                out.append((number, name.group(1)))
    return out


_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")


def outside_code_blocks(raw: RawResults, locations: Iterable[Location]) -> list[Location]:
    """The Markdown locations that are not inside a fenced code block: a `# Rollback` comment in a
    shell example is no heading."""
    fenced: dict[str, set[int]] = {}
    out = []
    for loc in locations:
        if loc.path not in fenced:
            inside, rows, marker = False, set(), ""
            for number, line in enumerate(raw.text(loc.path).split("\n"), start=1):
                fence = _FENCE.match(line)
                if fence and (not inside or fence.group(1) == marker):
                    inside, marker = not inside, fence.group(1)
                    rows.add(number)
                elif inside:
                    rows.add(number)
            fenced[loc.path] = rows
        if loc.line is None or loc.line not in fenced[loc.path]:
            out.append(loc)
    return out
