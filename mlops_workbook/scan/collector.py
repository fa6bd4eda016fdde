"""The one walk over a repository: which files exist, the text of the ones worth reading, imports and
declared dependencies. Probes never touch the file system; all hostile-input handling lives here.

Reads files only: no network, never runs the repository's code. Symlinked directories are not
entered at all; a symlinked file is read only when it resolves to a regular file inside the tree.
Directories are walked iteratively (any depth), each (device, inode) once. Before opening, lstat
must say "regular file" (FIFOs, sockets and devices are skipped) and the size must be under the limit;
files are opened with O_NONBLOCK | O_NOFOLLOW as a second guard and read up to the limit only.
A NUL byte in the first block marks a binary; invalid UTF-8 is replaced, not fatal.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import WorkbookError
from .findings import Location

if TYPE_CHECKING:
    from .mlflow.records import StoreSnapshot

MAX_FILE_BYTES = 1_000_000
MAX_FILES = 200_000
BINARY_SNIFF = 8192

PRUNED_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".tox", ".nox", ".ipynb_checkpoints", "site-packages", ".eggs", ".idea", ".cache",
    "mlruns", "wandb", ".terraform", ".hypothesis", ".gradle", "target",
})
PRUNED_PATHS = frozenset({".dvc/cache", ".dvc/tmp"})
# Build output: copies of the repository's own files (setuptools' build/lib*, build/bdist.*, build/temp.*;
# dist/; *.egg-info; __pypackages__), which would show every piece of evidence twice.
PRUNED_BUILD_DIRS = frozenset({"dist", "__pypackages__", "pip-wheel-metadata"})
_SETUPTOOLS_BUILD = re.compile(r"(?:lib|bdist|temp|scripts)(?:[.-].*)?")


def pruned(name: str, rel_dir: str) -> bool:
    """Whether the walk skips the folder `name` inside `rel_dir` ("" at the root, else ending in "/"):
    tool state and caches (`PRUNED_DIRS`, `PRUNED_PATHS`) and build output (`PRUNED_BUILD_DIRS`,
    `*.egg-info`, and `lib*`, `bdist.*`, `temp.*`, `scripts-*` inside a `build` folder)."""
    if name in PRUNED_DIRS or name in PRUNED_BUILD_DIRS or f"{rel_dir}{name}" in PRUNED_PATHS:
        return True
    if name.endswith(".egg-info"):
        return True
    return rel_dir.rstrip("/").rsplit("/", 1)[-1] == "build" and bool(_SETUPTOOLS_BUILD.fullmatch(name))

# Only what some probe reads is read: code, configuration, dependency files and documentation
# (Markdown and reStructuredText: READMEs, docs/, model cards, runbooks). Data and lock files are
# recorded by name only; JSON only where dashboards, expectation suites or IAM policies live.
TEXT_SUFFIXES = frozenset({
    ".py", ".ipynb", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".txt", ".in", ".sh", ".pbtxt", ".conf",
    ".dockerfile", ".groovy", ".md", ".markdown", ".rst", ".tf", ".bash", ".json5",
})
# A notebook's weight is in its outputs (images, tables): its code is read whatever the file weighs,
# up to this much, and only its cells' sources are kept (outputs never count as evidence).
MAX_NOTEBOOK_BYTES = 64_000_000
TEXT_NAMES = frozenset({
    "dockerfile", "containerfile", "makefile", "jenkinsfile", "mlproject", "pipfile", "codeowners",
    "config", "procfile", "justfile",
})
_JSON_HINTS = ("grafana", "dashboard", "expectations", "policy", "iam/")  # and IAM policy documents


def _wanted(name: str, suffix: str, rel: str) -> bool:
    if suffix in TEXT_SUFFIXES or name in TEXT_NAMES or name.startswith(("dockerfile", "requirements")):
        return True
    return suffix == ".json" and any(hint in rel.lower() for hint in _JSON_HINTS)


_PY_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b|import[ \t]+([A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*))",
    re.MULTILINE)
_NB_IMPORT = re.compile(r"\"[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b|import[ \t]+([A-Za-z_][\w.]*))")
_REQ_LINE = re.compile(r"^[ \t]*(?:-[ \t]+)?([A-Za-z0-9][A-Za-z0-9._-]*)", re.MULTILINE)
_QUOTED_DEP = re.compile(r"[\"']([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?[ \t]*(?:[<>=!~;@][^\"']*)?[\"']")
_TOML_KEY_DEP = re.compile(r"^[ \t]*([A-Za-z0-9][A-Za-z0-9._-]*)[ \t]*=[ \t]*[\"{]", re.MULTILINE)


class ScanError(WorkbookError):
    """The path to scan is missing, not a folder, or unreadable."""


@dataclass(frozen=True)
class RepoFile:
    """One file the walk saw: its path from the root, lowercase name and suffix (what probes match on), size."""
    path: str  # relative to the root, with forward slashes
    name: str  # lowercase file name
    suffix: str  # lowercase suffix, "" for none
    size: int


# Files where a line starting with "#" is a comment (not Markdown, where it is a heading).
_HASH_COMMENT_SUFFIXES = frozenset({".py", ".sh", ".bash", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".tf", ".conf", ".txt"})
_HASH_COMMENT_NAMES = frozenset({"makefile", "dockerfile", "procfile", "mlproject", "justfile", "containerfile"})


def _hash_comments(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    dot = name.rfind(".")
    return (name[dot:] if dot > 0 else "") in _HASH_COMMENT_SUFFIXES or name in _HASH_COMMENT_NAMES


def _commented(text: str, offset: int) -> bool:
    """True when the match at `offset` stands after a "#" on its line (a comment, or commented-out code)."""
    prefix = text[text.rfind("\n", 0, offset) + 1:offset]
    hash_at = prefix.find("#")
    if hash_at < 0:
        return False
    before = prefix[:hash_at]
    return before.count('"') % 2 == 0 and before.count("'") % 2 == 0  # not a "#" inside a string


def _text_start(match: re.Match[str]) -> int:
    """Where a match's text begins: a pattern such as `^\\s*KEY` under re.MULTILINE also matches the
    blank lines before KEY, and the evidence line must be KEY's, not the first blank one."""
    matched = match.group(0)
    return match.start() + len(matched) - len(matched.lstrip())


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def normalise_package(name: str) -> str:
    """A distribution name as pip compares them (PEP 503): `Scikit_Learn` and `scikit-learn` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


_T = TypeVar("_T")


@dataclass
class RawResults:
    """Everything probes may look at. Built once per scan by `collect`."""

    root: str
    files: list[RepoFile] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    imports: dict[str, list[Location]] = field(default_factory=dict)
    dependencies: dict[str, list[Location]] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    mlflow: StoreSnapshot | None = None  # the team's tracking store, when `scan --mlflow URI` read one

    @property
    def files_scanned(self) -> int:
        """How many files the walk saw (read or recorded by name)."""
        return len(self.files)

    # -- file queries -------------------------------------------------------------------------
    @cached_property
    def _by_name(self) -> dict[str, list[RepoFile]]:
        index: dict[str, list[RepoFile]] = {}
        for f in self.files:
            index.setdefault(f.name, []).append(f)
        return index

    @cached_property
    def _by_suffix(self) -> dict[str, list[RepoFile]]:
        index: dict[str, list[RepoFile]] = {}
        for f in self.files:
            index.setdefault(f.suffix, []).append(f)
        return index

    def named(self, *names: str) -> list[RepoFile]:
        """Files with any of these names (case-insensitive), in path order."""
        return sorted((f for n in {n.lower() for n in names} for f in self._by_name.get(n, ())),
                      key=lambda f: f.path)

    def with_suffix(self, *suffixes: str) -> list[RepoFile]:
        """Files with any of these suffixes (`.py`, `.yaml`), in path order."""
        return sorted((f for s in {s.lower() for s in suffixes} for f in self._by_suffix.get(s, ())),
                      key=lambda f: f.path)

    def under(self, prefix: str) -> list[RepoFile]:
        """Files below a folder of this name, at the root or deeper (`tests` matches `src/tests/x.py`)."""
        prefix = prefix.rstrip("/") + "/"
        return [f for f in self.files if f.path.startswith(prefix) or f"/{prefix}" in f"/{f.path}"]

    def text(self, path: str) -> str:
        """The text of a read file; empty for a file recorded by name only (binary, too large, not wanted)."""
        return self.texts.get(path, "")

    @cached_property
    def _lines(self) -> dict[str, list[str]]:
        return {}

    def line(self, path: str, number: int | None) -> str:
        """Line `number` (1-based) of a read file, "" when there is none; each file is split once per scan."""
        if not number:
            return ""
        lines = self._lines.get(path)
        if lines is None:
            lines = self._lines[path] = self.text(path).split("\n")
        return lines[number - 1] if number <= len(lines) else ""

    @cached_property
    def _derived(self) -> dict[tuple[Any, ...], Any]:
        return {}

    def derived(self, compute: Callable[..., _T], *args: Any) -> _T:
        """`compute(self, *args)`, once per scan. Why: some facts are asked for by several probes (the ML
        tests ci-tests needs, a document's code blocks each Markdown reader skips); the first caller pays
        and the others read the same value, which they must not change."""
        key = (compute, *args)
        if key not in self._derived:
            self._derived[key] = compute(self, *args)
        return self._derived[key]

    # -- content queries ----------------------------------------------------------------------
    def grep(self, pattern: re.Pattern[str], files: Iterable[RepoFile | str] | None = None, *,
             suffixes: Iterable[str] = (), detail: str = "", first_only: bool = True,
             needles: Iterable[str] = ()) -> list[Location]:
        """Locations where `pattern` matches, in the given files (or all read files with those suffixes).

        `needles`: plain substrings one of which must occur for the pattern to be tried (a fast
        prefilter for patterns Python's regex engine cannot anchor on a literal).
        """
        if files is None:
            wanted = set(suffixes)
            chosen = self.files if not wanted else self.with_suffix(*wanted) + self.named(*wanted)
            paths: Iterable[str] = (f.path for f in chosen if f.path in self.texts)
        else:
            paths = (f if isinstance(f, str) else f.path for f in files)
        required = tuple(needles)
        found = []
        for path in paths:
            text = self.texts.get(path)
            if not text or (required and not any(n in text for n in required)):
                continue
            hashed = _hash_comments(path)
            matches = pattern.finditer(text) if first_only is False or hashed else [pattern.search(text)]
            line, offset = 1, 0
            for match in matches:
                if match is not None:
                    start = _text_start(match)
                    if hashed and _commented(text, start):
                        continue  # commented-out code is no evidence
                    line += text.count("\n", offset, start)
                    offset = start
                    snippet = detail or " ".join(match.group(0).split())[:80].rstrip("( :=")
                    found.append(Location(path, line, snippet))
                    if first_only:
                        break
        return found

    def imported(self, *modules: str) -> list[Location]:
        """Where any of the top-level modules is imported (Python files and notebooks)."""
        return [loc for m in modules for loc in self.imports.get(m, ())]

    def importing_files(self, *modules: str) -> list[str]:
        """The files that import any of these top-level modules, in path order."""
        return sorted({loc.path for loc in self.imported(*modules)})

    def declared(self, *packages: str) -> list[Location]:
        """Where any of the packages is declared as a dependency (requirements, pyproject, conda, Pipfile)."""
        return [loc for p in packages for loc in self.dependencies.get(normalise_package(p), ())]


# --------------------------------------------------------------------------- the walk


_DEPENDENCY_FILES = frozenset({"pyproject.toml", "pipfile", "setup.py", "setup.cfg", "environment.yml",
                               "environment.yaml", "conda.yaml", "conda.yml"})


def _is_dependency_file(name: str, rel: str) -> bool:
    if name in _DEPENDENCY_FILES:
        return True
    in_requirements_dir = "/requirements/" in f"/{rel}"
    return name.endswith((".txt", ".in")) and (name.startswith("requirements") or in_requirements_dir)


def _read_limited(full: str, size_limit: int) -> bytes | None:
    """Open without following a final symlink and without blocking; None unless a regular file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(full, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, remaining = [], size_limit
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _walk(root: str, raw: RawResults, max_files: int) -> Iterator[tuple[str, str, os.stat_result, str]]:
    """Yield (full path, relative path, lstat or the in-tree target's stat, real path) of regular files."""
    real_root = os.path.realpath(root)
    seen_dirs: set[tuple[int, int]] = set()
    stack = [(root, "")]
    while stack:
        directory, rel_dir = stack.pop()
        try:
            dir_stat = os.stat(directory, follow_symlinks=False)
            key = (dir_stat.st_dev, dir_stat.st_ino)
            if key in seen_dirs:
                raw.skipped["loop"] += 1
                continue
            seen_dirs.add(key)
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            raw.skipped["unreadable"] += 1
            continue
        subdirs = []
        for entry in entries:
            rel = f"{rel_dir}{entry.name}"
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                raw.skipped["unreadable"] += 1
                continue
            mode = st.st_mode
            if stat.S_ISDIR(mode):
                if pruned(entry.name, rel_dir):
                    raw.skipped["pruned"] += 1
                else:
                    subdirs.append((entry.path, rel + "/"))
            elif stat.S_ISREG(mode):
                if len(raw.files) >= max_files:
                    raw.skipped["file limit"] += 1
                    continue
                yield entry.path, rel, st, entry.path
            elif stat.S_ISLNK(mode):
                target = os.path.realpath(entry.path)
                try:
                    inside = os.path.commonpath([real_root, target]) == real_root
                    target_stat = os.stat(target, follow_symlinks=False) if inside else None
                except (OSError, ValueError):
                    inside, target_stat = False, None
                if target_stat is not None and stat.S_ISREG(target_stat.st_mode) and len(raw.files) < max_files:
                    yield entry.path, rel, target_stat, target
                else:
                    raw.skipped["symlink"] += 1
            else:
                raw.skipped["special"] += 1  # FIFO, socket, device
        stack.extend(reversed(subdirs))


def collect(root: str | Path, *, max_file_bytes: int = MAX_FILE_BYTES, max_files: int = MAX_FILES) -> RawResults:
    """Walk `root` once and gather the raw results every probe reads."""
    root_text = str(root)
    path = Path(root_text).expanduser()
    if not path.exists():
        raise ScanError("no such folder", source=root_text)
    if not path.is_dir():
        raise ScanError("not a folder (scan takes a repository's root folder)", source=root_text)
    if not os.access(path, os.R_OK | os.X_OK):
        raise ScanError("cannot read this folder (permission denied)", source=root_text)
    raw = RawResults(root=str(path))
    for _full, rel, st, real in _walk(str(path), raw, max_files):
        name = rel.rsplit("/", 1)[-1].lower()
        dot = name.rfind(".")
        suffix = name[dot:] if dot > 0 else ""
        repo_file = RepoFile(rel, name, suffix, st.st_size)
        raw.files.append(repo_file)
        if not _wanted(name, suffix, rel):
            continue
        limit = max(max_file_bytes, MAX_NOTEBOOK_BYTES) if suffix == ".ipynb" else max_file_bytes
        if st.st_size > limit:
            raw.skipped["too large"] += 1
            continue
        try:
            data = _read_limited(real, limit)
        except OSError:
            raw.skipped["unreadable"] += 1
            continue
        if data is None:
            raw.skipped["special"] += 1
            continue
        if b"\0" in data[:BINARY_SNIFF]:
            raw.skipped["binary"] += 1
            continue
        text = data.decode("utf-8", errors="replace")
        if suffix == ".ipynb":
            text = notebook_sources(text)
        raw.texts[rel] = text
        if suffix == ".py":
            _gather_imports(raw, rel, text, _PY_IMPORT)
        elif suffix == ".ipynb":
            _gather_notebook_imports(raw, rel, text)
        if _is_dependency_file(name, rel):
            _gather_dependencies(raw, rel, name, text)
    return raw


_SOURCE_OPEN = re.compile(r'^\s*"source":\s*\[\s*$')
_SOURCE_INLINE = re.compile(r'^\s*"source":\s*"')
_LIST_CLOSE = re.compile(r"^\s*\],?\s*$")


def notebook_sources(text: str) -> str:
    """A notebook's JSON with everything but its cells' sources blanked, line for line.

    Evidence keeps pointing at the line of the .ipynb file where the code stands, while outputs (a
    traceback mentioning pytest, a logged table, base64 images) never count as evidence. nbformat
    writes one source line per JSON line; a notebook on one line (minified) keeps no source lines.
    """
    lines = text.split("\n")
    if len(lines) < 3:
        return _minified_sources(text)
    out: list[str] = []
    in_source = False
    for line in lines:
        if in_source:
            if _LIST_CLOSE.match(line):
                in_source = False
                out.append("")
            else:
                out.append(line)
        elif _SOURCE_OPEN.match(line):
            in_source = True
            out.append("")
        elif _SOURCE_INLINE.match(line) and len(line) < 100_000:
            out.append(line)
        else:
            out.append("")
    return "\n".join(out)


def _minified_sources(text: str) -> str:
    """A notebook written without line breaks: its cells' source lines, one JSON string a line (the
    form the notebook import pattern reads); outputs dropped. Lines then count cells' lines, not the file's."""
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return ""
    out: list[str] = []
    for cell in cells if isinstance(cells, list) else []:
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        parts = source if isinstance(source, list) else str(source).splitlines(keepends=True)
        out += [json.dumps(str(part)) + "," for part in parts]
    return "\n".join(out)


_IMPORT_WORD = re.compile("import")


def _gather_imports(raw: RawResults, rel: str, text: str, pattern: re.Pattern[str]) -> None:
    """The first import of each top-level module in a file. The scan jumps from one literal "import"
    to the next and matches only that line (an anchored regex tried at every offset is far slower)."""
    seen: set[str] = set()
    line, counted_to, last_start = 1, 0, -1
    for word in _IMPORT_WORD.finditer(text):
        start = text.rfind("\n", 0, word.start()) + 1
        if start == last_start:
            continue
        last_start = start
        match = pattern.match(text, start)
        if match is None:
            continue
        line += text.count("\n", counted_to, start)
        counted_to = start
        names = match.group(1) or match.group(2) or ""
        for dotted in names.split(","):
            dotted = dotted.strip()
            top = dotted.split(".")[0]
            if top and top not in seen:
                seen.add(top)
                raw.imports.setdefault(top, []).append(Location(rel, line, f"import {dotted}"))


def _gather_notebook_imports(raw: RawResults, rel: str, text: str) -> None:
    """Imports in a notebook's JSON: each source line is a JSON string starting with a quote."""
    seen: set[str] = set()
    line, counted_to = 1, 0
    for match in _NB_IMPORT.finditer(text):
        line += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        dotted = match.group(1) or match.group(2) or ""
        top = dotted.split(".")[0]
        if top and top not in seen:
            seen.add(top)
            raw.imports.setdefault(top, []).append(Location(rel, line, f"import {dotted}"))


def _gather_dependencies(raw: RawResults, rel: str, name: str, text: str) -> None:
    if name.endswith((".txt", ".in")) or name.startswith(("environment", "conda")):
        pattern = _REQ_LINE
    else:
        pattern = _QUOTED_DEP
    names = [(m.group(1), m.start()) for m in pattern.finditer(text)]
    if name in {"pyproject.toml", "pipfile"}:
        names += [(m.group(1), m.start()) for m in _TOML_KEY_DEP.finditer(text)]
    for package, offset in names:
        key = normalise_package(package)
        locations = raw.dependencies.setdefault(key, [])
        if not any(loc.path == rel for loc in locations):
            locations.append(Location(rel, _line_of(text, offset), f"depends on {package}"))
