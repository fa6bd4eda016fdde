"""Shared building blocks for probes: pure functions over RawResults, no file system access."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..collector import RawResults, RepoFile
from ..findings import Finding, Location
from ._markdown import DOC_SUFFIXES, under_heading

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


# A function's header (in a notebook's JSON, a quoted code line): it defines a name, it calls nothing.
DEF_LINE = re.compile(r'^\s*"?\s*(?:async\s+)?def\s')


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
        # `def get_online_features(self, ...)`: a wrapper named after the library's call defines, not calls, it.
        positive = [loc for loc in positive if not DEF_LINE.match(raw.line(loc.path, loc.line))]
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


def is_test_file(path: str) -> bool:
    """pytest's and unittest's usual names: test_*.py, tests_*.py, *_test.py, *_tests.py."""
    name = path.rsplit("/", 1)[-1]
    return name.endswith(".py") and (name.startswith(("test_", "tests_")) or name.endswith(("_test.py", "_tests.py")))


def is_test_code(path: str) -> bool:
    """A file in a `tests/` folder or named like a test: code that checks the project, not the project's work."""
    return "/tests/" in f"/{path}" or path.rsplit("/", 1)[-1].startswith("test_")


# Folders a team keeps old code in: `archive/`, `archive_2025_11_07/`, `deprecated/`, `legacy/`, `old/`.
_RETIRED = re.compile(r"^(?:archived?|deprecated|legacy|old|obsolete)(?:[_\-.].*)?$", re.IGNORECASE)


def retired_folder(path: str) -> str:
    """The folder name when a path lies in a folder of retired code: it no longer runs, so it is no
    evidence of what the team does now (at most a hint)."""
    return next((part for part in path.split("/")[:-1] if _RETIRED.match(part)), "")


def aside_folder(path: str) -> str:
    """'tests' when a path lies in a folder beside production code: a library used only in tests,
    benchmarks, examples or docs is a hint (partial), not evidence of a practice; so is retired code."""
    for part in path.split("/")[:-1]:
        if part.lower() in ASIDE_FOLDERS:
            return part
    return retired_folder(path)


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


# `name = Something(...)` on a cited line (in a notebook's JSON, the code line is a quoted string).
_ASSIGNED_CALL = re.compile(r'^\s*"?\s*([A-Za-z_][\w.]*)\s*=\s*([\w.]+)\s*\(')
# A pipeline's definition lists its steps, which is what a finding about it claims: it stays cited.
_DEFINITION = re.compile(r"(?:^|\.)(?:\w*Pipeline|make_pipeline)$")
# What an object built on one line is then asked to do: the calls that run the practice (fit a search or a
# transformer, run a study, a tuner, a pipeline, a monitoring schedule, log or register to a tracker).
WORK_METHODS = ("fit", "fit_transform", "fit_resample", "optimize", "run", "submit", "upsert", "start", "execute",
                "deploy", "train", "tune", "create_monitoring_schedule", "log", "log_metric", "log_metrics",
                "log_param", "log_params", "log_artifact", "log_model", "register_model", "create_model_version",
                "transition_model_version_stage", "set_registered_model_alias", "evaluate", "calculate", "validate",
                "inc", "observe", "ingest", "put_record")
WORK_ROWS = 40  # how far below the constructor its working call is looked for
# Or the object is handed to the call that runs it: `fn = project.get_function("prep")` ... `project.run_function(fn)`,
# `config = ScriptRunConfig(...)` ... `experiment.submit(config)`. Only runners of jobs: `model.fit(df)` takes data,
# `uvicorn.run(app)` starts a dev server; neither is the work of what was built.
_RUNNERS = ("run_function", "run_step", "submit")


def at_the_work(raw: RawResults, location: Location) -> Location:
    """Where a finding's evidence should point: the call below a constructor (`working_call`), the text
    under a Markdown heading (`_markdown.under_heading`), else the location itself. `assess.run_probes`
    applies it to every probe's findings, so the rule holds for all of them."""
    if location.line and location.path.endswith(DOC_SUFFIXES):
        line = under_heading(raw, location.path, location.line)
        return location if line == location.line else Location(location.path, line, location.detail)
    return working_call(raw, location)


def working_call(raw: RawResults, location: Location) -> Location:
    """The line that does the work, for a location that cites a constructor: `search = GridSearchCV(...)`
    is set-up, `search.fit(X, y)` a few lines below is the search. Why: the issue counts a constructor
    before the working call as evidence *near* the practice, not at it. The first such call on the same
    name within `WORK_ROWS` lines is cited instead (same detail); a pipeline's definition, which lists
    the steps the finding is about, and any other location are returned as they are."""
    match = _ASSIGNED_CALL.match(raw.line(location.path, location.line)) if location.line else None
    if match is None or _DEFINITION.search(match.group(2)):
        return location
    name = re.escape(match.group(1))
    call = re.compile(rf"\b{name}\.(?:labels\s*\(.*\)\.)?(?:{'|'.join(WORK_METHODS)})\s*\(|"
                      rf"\.(?:{'|'.join(_RUNNERS)})\s*\(\s*{name}\b(?!\s*[.(\[])")
    # A metric built at a module's top level (`REQUEST_COUNT = Counter(...)`) is counted anywhere in the module.
    metric = re.compile(rf"\b{name}\.(?:labels\s*\(.*\)\.)?(?:inc|observe)\s*\(")
    rows = len(raw.text(location.path).split("\n")) if not match.group(0)[:1].isspace() else WORK_ROWS
    for number in range(location.line + 1, location.line + 1 + rows):  # type: ignore[operator]
        text = raw.line(location.path, number)
        if text.rstrip().endswith("("):  # the call's first argument on the next line
            text += raw.line(location.path, number + 1).strip()  # type: ignore[operator]
        if (call if number <= location.line + WORK_ROWS else metric).search(text):  # type: ignore[operator]
            return Location(location.path, number, location.detail)
    return location
