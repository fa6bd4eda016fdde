"""CI, read the same way for every system: which files are CI configurations, which commands they
run (following a `make` target or a shell script one level), and whether a failing command fails the job.

Shared by the CI probes. A command found through a make target or a script is reported at the line
that does the work (the recipe or script line), with the CI line that calls it in the detail. A
command that cannot fail its job (`|| true`, `continue-on-error: true`, GitLab's `allow_failure`,
Azure's `continueOnError`, Buildkite's `soft_fail`, Cloud Build's `allowFailure`, a shell script
without `set -e` where it is not the last command, a Databricks `run_mode: dry_run`) is still seen,
but it cannot block anything: probes give it at most `partial`, and say why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..collector import RawResults, RepoFile
from ..findings import Location
from ._util import is_test_file

CI_NAMES = frozenset({".gitlab-ci.yml", ".gitlab-ci.yaml", "azure-pipelines.yml", "azure-pipelines.yaml",
                      "bitbucket-pipelines.yml", ".travis.yml", "buildspec.yml", "buildspec.yaml",
                      "buildkite.yml", "buildkite.yaml", ".drone.yml", "codemagic.yaml"})
_CI_DIRS = (".github/workflows/", ".circleci/", ".buildkite/", ".azure-pipelines/", ".azuredevops/", ".gitlab/",
            ".pipelines/", "azure-pipelines/")
_YAML = (".yml", ".yaml")
# Cloud Build files have no fixed name (`build/*.yaml` is common): their steps name builder images.
_CLOUD_BUILD = re.compile(r"^\s*-?\s*name:\s*['\"]?(?:gcr\.io/|[\w-]+-docker\.pkg\.dev/|gcr\.io/cloud-builders)",
                          re.MULTILINE)
_STEPS_KEY = re.compile(r"^steps:\s*$", re.MULTILINE)


def ci_files(raw: RawResults) -> list[RepoFile]:
    """CI configurations: GitHub Actions, GitLab CI, Azure Pipelines, Cloud Build, CircleCI, Jenkins,
    Buildkite, Bitbucket, Travis, AWS CodeBuild and Drone, by name, folder or (Cloud Build) content."""
    found = []
    for f in raw.files:
        yaml = f.suffix in _YAML
        if f.name in CI_NAMES or f.name.startswith("jenkinsfile") or f.name.endswith(".jenkinsfile"):
            found.append(f)
        elif yaml and (f.path.startswith(_CI_DIRS) or f.name.startswith(("azure-pipelines", "cloudbuild", "buildspec"))):
            found.append(f)
        elif yaml and _STEPS_KEY.search(raw.text(f.path)) and _CLOUD_BUILD.search(raw.text(f.path)):
            found.append(f)
    return found


@dataclass(frozen=True)
class Command:
    """One command a CI job runs: where it stands, the text, and whether its failure fails the job."""

    location: Location
    text: str
    can_fail: bool
    why_not: str = ""  # what keeps it from failing the job
    via: str = ""  # the CI line that reached it through a make target or a script, "" when direct


_SOFT_KEYS = re.compile(r"^\s*-?\s*(continue-on-error|allow_failure|continueOnError|soft_fail|allowFailure|"
                        r"ignore_failure)\s*:\s*['\"]?(true|yes|on|"
                        r"\[)", re.IGNORECASE)
_SWALLOW = re.compile(r"\|\|\s*(?:true|:|exit\s+0|echo\b)|;\s*(?:true|exit\s+0)\s*$|\bset\s+\+e\b")
_DRY_RUN = re.compile(r"\brun_mode[\s:=]+['\"]?dry_run|--dry-run\b|\bdry_run\s*[:=]\s*['\"]?true", re.IGNORECASE)
# What a CI line says before its command: a list dash, a YAML key naming a shell command, a quote.
_PREFIX = re.compile(r"^(?:-\s+)?(?:(?:run|script|scripts|command|commands|entrypoint|args|inlineScript|bash|pwsh|sh|cmd)"
                     r"\s*:\s*(?:[|>][-+]?\s*)?)?(?:sh\s+)?['\"]?")
_MAKE = re.compile(r"\bmake\s+(?:-\S+\s+)*([A-Za-z0-9_./-]+)")
_SCRIPT = re.compile(r"(?:\b(?:bash|sh|zsh)\s+|(?:^|[\s;&|])\./)((?:[\w.-]+/)*[\w.-]+\.(?:sh|bash))\b")


# A step's or job's label says what it is for, it runs nothing: "- name: Run tests with pytest" is
# not the line that runs pytest.
_LABEL_KEY = re.compile(r"^(?:-\s+)?(?:name|displayName|description|label|title|stage|id)\s*:(?!\s*[|>])")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _own_keys(lines: list[str], row: int) -> Iterator[str]:
    """The keys of the mapping that starts at `row` (a `key:` line or a `- key: value` list item):
    the line itself and the lines of its first child indentation, until the block ends."""
    head = lines[row]
    indent = _indent(head)
    yield head.replace("- ", "  ", 1)
    child = indent + 2 if head.lstrip().startswith("- ") else None
    for text in lines[row + 1:]:
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if _indent(text) <= indent:
            return
        child = _indent(text) if child is None else child
        if _indent(text) == child:
            yield text


def _soft_in_enclosing_blocks(lines: list[str], index: int) -> str:
    """The failure-tolerance key of an enclosing YAML mapping (a step, a job), if any: each ancestor is
    the nearest line above with less indentation; its own keys are looked at."""
    current = _indent(lines[index])
    for row in range(index, -1, -1):
        line = lines[row]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if row != index and _indent(line) >= current:
            continue
        current = _indent(line)
        for key in _own_keys(lines, row):
            match = _SOFT_KEYS.match(key)
            if match:
                return f"{match.group(1)}: true"
        if current == 0:
            break
    return ""


def _commands_in(path: str, text: str, *, yaml: bool) -> Iterator[Command]:
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "//")) or (yaml and _LABEL_KEY.match(stripped)):
            continue
        why = ""
        if _SWALLOW.search(line):
            why = "its failure is swallowed (`|| true` or `set +e`)"
        elif _DRY_RUN.search(line):
            why = "it runs as a dry run"
        elif yaml:
            soft = _soft_in_enclosing_blocks(lines, number - 1)
            if soft:
                why = f"its job or step has `{soft}`"
        command = _PREFIX.sub("", stripped, count=1)
        yield Command(Location(path, number, " ".join(stripped.split())[:80]), command, not why, why)


def _make_targets(raw: RawResults) -> dict[str, list[tuple[str, int, str]]]:
    """target -> its recipe lines (path, line, text), from every Makefile in the tree."""
    targets: dict[str, list[tuple[str, int, str]]] = {}
    for f in raw.named("makefile", "gnumakefile"):
        current: list[str] = []
        for number, line in enumerate(raw.text(f.path).split("\n"), start=1):
            header = re.match(r"^([A-Za-z0-9_./ -]+?)\s*:(?!=)", line)
            if header and not line.startswith("\t"):
                current = header.group(1).split()
                for name in current:
                    targets.setdefault(name, [])
                rest = line[header.end():].strip()
                for dep in rest.split(";")[0].split():
                    if dep in targets or re.fullmatch(r"[A-Za-z0-9_.-]+", dep):
                        for name in current:
                            targets[name].append((f.path, number, f"make {dep}"))
            elif line.startswith("\t") and current:
                for name in current:
                    targets[name].append((f.path, number, line.strip()))
            elif line.strip() and not line.startswith(("\t", "#", " ")):
                current = []
    return targets


def _recipe(targets: dict[str, list[tuple[str, int, str]]], name: str, depth: int = 0) -> list[tuple[str, int, str]]:
    """A target's recipe lines with its prerequisites' recipes first (running `make check` runs them too)."""
    lines: list[tuple[str, int, str]] = []
    for path, number, text in targets.get(name, ()):
        prerequisite = re.fullmatch(r"make (\S+)", text)
        if prerequisite and depth < 5:
            lines += _recipe(targets, prerequisite.group(1), depth + 1)
        elif not prerequisite:
            lines.append((path, number, text.lstrip("@-+")))
    return lines


def _script_commands(raw: RawResults, script: str) -> list[Command]:
    """A shell script's commands; without `set -e` only its last command decides the exit status."""
    text = raw.text(script)
    if not text:
        return []
    strict = re.search(r"^\s*set\s+-[a-z]*e", text, re.MULTILINE) is not None or text.startswith("#!/bin/bash -e")
    commands = [c for c in _commands_in(script, text, yaml=False) if not c.text.startswith("#!")]
    if strict or not commands:
        return commands
    last = commands[-1]
    return [c if c is last or not c.can_fail else
            Command(c.location, c.text, False, "the script has no `set -e` and this is not its last command")
            for c in commands]


def _resolve_script(raw: RawResults, name: str) -> str | None:
    name = name.lstrip("./")
    if name in raw.texts:
        return name
    matches = [f.path for f in raw.files if f.path.endswith("/" + name) and f.path in raw.texts]
    return matches[0] if len(matches) == 1 else None


# Only a deployment reader looks further (deploy-command knowledge, not shared by the test and training
# probes): GitHub workflows in a template folder that seeds another repository (`seedcode/.github/workflows/`),
# and Cloud Build files whose steps name other builder images (`hashicorp/terraform`), known by Cloud Build's
# own structure: a top-level `steps:` list whose items have `entrypoint:` or `args:`, beside one of its
# top-level keys.
_NESTED_WORKFLOW = "/.github/workflows/"
_STEP_KEYS = re.compile(r"^\s*-?\s*(?:entrypoint|args)\s*:", re.MULTILINE)
_CLOUD_BUILD_KEYS = re.compile(r"^(?:substitutions|options|timeout|images|availableSecrets|artifacts|logsBucket|"
                               r"serviceAccount)\s*:", re.MULTILINE)


def deploy_ci_files(raw: RawResults) -> list[RepoFile]:
    """`ci_files`, plus the CI configurations only the deployment probes read: GitHub workflows under a
    nested `.github/workflows/` folder and Cloud Build files known by their structure."""
    found = ci_files(raw)
    known = {f.path for f in found}
    for f in raw.files:
        if f.path in known or f.suffix not in _YAML:
            continue
        text = raw.text(f.path)
        if _NESTED_WORKFLOW in f"/{f.path}":
            found.append(f)
        elif _STEPS_KEY.search(text) and _STEP_KEYS.search(text) and _CLOUD_BUILD_KEYS.search(text):
            found.append(f)
    return found


def ci_commands(raw: RawResults, files: list[RepoFile] | None = None) -> list[Command]:
    """Every command every CI file (or each of `files`) runs, plus, one level down, the recipe of each
    make target and the lines of each shell script a CI command calls. A followed command inherits the
    CI line's failure tolerance: a make target called with `|| true` cannot fail the job either."""
    targets: dict[str, list[tuple[str, int, str]]] | None = None
    out: list[Command] = []
    for f in ci_files(raw) if files is None else files:
        for command in _commands_in(f.path, raw.text(f.path), yaml=f.suffix in _YAML):
            out.append(command)
            via = command.location.ref()
            followed: list[Command] = []
            for target in _MAKE.findall(command.text):
                targets = _make_targets(raw) if targets is None else targets
                followed += [Command(Location(p, n, " ".join(t.split())[:80]), t, True) for p, n, t in _recipe(targets, target)]
            for script in _SCRIPT.findall(command.text):
                resolved = _resolve_script(raw, script)
                if resolved:
                    followed += _script_commands(raw, resolved)
            for sub in followed:
                can_fail = sub.can_fail and command.can_fail
                why = sub.why_not or command.why_not
                out.append(Command(sub.location, sub.text, can_fail, why if not can_fail else "", via))
    return out


def located(command: Command, detail: str) -> Location:
    """The command's location with a detail that names what it is and, if followed, who calls it."""
    text = f"{detail}: {command.location.detail}"
    if command.via:
        text += f" (run by CI at {command.via})"
    if not command.can_fail:
        text += f"; cannot fail the job: {command.why_not}"
    return Location(command.location.path, command.location.line, text)


def _module_path(module: str) -> str:
    return module.replace(".", "/") + ".py"


_RUNS_FILE = re.compile(r"\bpython3?\s+(?:-u\s+)?(?:-m\s+([\w.]+)|([\w./-]+\.py))")


def ci_callers(raw: RawResults, commands: list[Command] | None = None) -> dict[str, Command]:
    """Python file (repository path) -> the CI command that runs it (`python x.py` or `python -m pkg.mod`,
    directly or through a make target or script), the strongest one first: a file run by a command
    that can fail the job is enforced by CI. `commands`: these instead of `ci_commands(raw)`."""
    callers: dict[str, Command] = {}
    paths = [f.path for f in raw.with_suffix(".py")]
    for command in ci_commands(raw) if commands is None else commands:
        for module, script in _RUNS_FILE.findall(command.text):
            wanted = _module_path(module) if module else script.lstrip("./")
            for path in paths:
                if path == wanted or path.endswith("/" + wanted):
                    known = callers.get(path)
                    if known is None or (command.can_fail and not known.can_fail):
                        callers[path] = command
    return callers


_PYTEST = re.compile(r"\b(?:pytest|py\.test|python3?\s+-m\s+pytest)\b(?!-)")


def tests_run_by_ci(raw: RawResults, commands: list[Command] | None = None) -> dict[str, Command]:
    """Test file (repository path) -> the CI command whose pytest runs it, the strongest first: the files
    or folders named after `pytest` (prefixes of the path), every test file for a bare `pytest`.
    Why one owner: a data test, a model-quality test and a unit test are evidence only when CI runs them."""
    tests = [f.path for f in raw.with_suffix(".py") if is_test_file(f.path)]
    out: dict[str, Command] = {}
    for command in ci_commands(raw) if commands is None else commands:
        match = _PYTEST.search(command.text)
        if match is None:
            continue
        words = [w.strip("'\"").removeprefix("./").rstrip("/") for w in command.text[match.end():].split()]
        targets = [w for w in words if w and not w.startswith(("-", "$", "{")) and ("/" in w or w.endswith(".py")
                                                                              or w in ("tests", "test"))]
        for path in tests:
            if not targets or any(path == t or path.startswith(f"{t}/") or path.endswith(f"/{t}") for t in targets):
                known = out.get(path)
                if known is None or (command.can_fail and not known.can_fail):
                    out[path] = command
    return out
