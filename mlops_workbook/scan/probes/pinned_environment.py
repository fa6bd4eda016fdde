"""A pinned, reproducible environment: lock files, fully pinned requirements, a container image."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._util import file_locations, findings

ID = "pinned-environment"
SHORT = ("Lock files (`poetry.lock`, `uv.lock`, `Pipfile.lock`, `pdm.lock`, `conda-lock.yml`), requirements "
         "pinned with `==`, a conda environment file pinning exact versions (`pkg=1.2.3`), a `Dockerfile`; partial: "
         "some pins (cited at the first), a pin in `setup.py`, or a ZenML `DockerSettings` image built for the pipeline; "
         "the environment placed or named for training first, not one for serving or development")
CRITERIA = {"model-1-reproducible-env": "yes"}
REMEDIATION = "Pin the training environment: commit a lock file (uv, Poetry, pip-tools) or build it as a container image."
EFFORT = "low"  # low: an afternoon, medium: days, high: weeks

LOCK_FILES = ("poetry.lock", "uv.lock", "pipfile.lock", "pdm.lock", "conda-lock.yml", "conda-lock.yaml",
              "requirements.lock", "pixi.lock")
_REQUIREMENT = re.compile(r"^[ \t]*([A-Za-z0-9][A-Za-z0-9._\[\],-]*)[ \t]*(==|===|@|>=|<=|~=|>|<|!=)?", re.MULTILINE)
_FROM = re.compile(r"^\s*FROM\s+\S+", re.MULTILINE | re.IGNORECASE)


PINNED_SHARE = 0.8  # this share of exact pins makes an environment reproducible enough to say yes


def _pinned_requirements(raw: RawResults) -> tuple[list[Location], list[Location]]:
    """(positive, weak): a requirements file with at least PINNED_SHARE of its lines pinned exactly is
    evidence, the whole file; one with some pins is partial, cited at its first exact pin (the file as a whole
    is not pinned, that line is). The share is in the finding (19 of 20 is not 0 of 20)."""
    positive, weak = [], []
    for f in raw.files:
        if not (f.name.startswith("requirements") and f.suffix == ".txt"):
            continue
        text = raw.text(f.path)
        entries = [m for m in _REQUIREMENT.finditer(text) if not text[m.start():m.end()].lstrip().startswith(("-", "#"))]
        exact = [m for m in entries if m.group(2) in ("==", "===", "@")]
        if not entries or not exact:
            continue
        full = len(exact) / len(entries) >= PINNED_SHARE
        line = None if full else text.count("\n", 0, exact[0].start()) + 1
        where = Location(f.path, line, f"{len(exact)} of {len(entries)} requirements pinned exactly")
        (positive if full else weak).append(where)
    return positive, weak


# A conda environment file: the entries under `dependencies:` (and its `pip:` list). Exact in conda is `==` or a
# full `=major.minor.patch` (`=1.2` matches 1.2.*); a `*` is a range.
_CONDA_FILES = ("environment.yml", "environment.yaml", "conda.yml", "conda.yaml")
_CONDA_ENTRY = re.compile(r"^[ \t]*-[ \t]+([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?[ \t]*([=<>!~]=?[^\s#]*)?[ \t]*(?:#.*)?$",
                          re.MULTILINE)
_CONDA_EXACT = re.compile(r"^(?:==[^*\s,]+|=\d+\.\d+\.\d+[^*\s,]*|=\d+\.\d+\.\d+=\S+)$")
# A partial pin elsewhere: an exact pin in a package's setup.py (install_requires).
_SETUP_PIN = re.compile(r"['\"][A-Za-z0-9][\w.\[\],-]*\s*==\s*[\w.]+['\"]")
_ZENML_DOCKER = re.compile(r"\bDockerSettings\s*\(")


def _conda_files(raw: RawResults) -> list:
    """Conda environment specs: the usual names, and any YAML with a top-level `dependencies:` list whose
    name says conda or environment (`train-conda.yml`, `conda_dependencies.yml`) or that names `channels:`."""
    out = list(raw.named(*_CONDA_FILES))
    for f in raw.files:
        if f.suffix not in (".yml", ".yaml") or f in out:
            continue
        text = raw.text(f.path)
        if "dependencies:" not in text or not re.search(r"^dependencies\s*:", text, re.MULTILINE):
            continue
        if re.search(r"conda|env", f.name, re.IGNORECASE) or re.search(r"^channels\s*:", text, re.MULTILINE):
            out.append(f)
    return out


def _pinned_conda(raw: RawResults) -> tuple[list[Location], list[Location]]:
    """(positive, weak) like `_pinned_requirements`, for conda environment files (pip itself is not counted)."""
    positive, weak = [], []
    for f in _conda_files(raw):
        text = raw.text(f.path)
        block = re.search(r"^dependencies\s*:[^\n]*\n((?:[ \t#-].*\n|\s*\n)*)", text + "\n", re.MULTILINE)
        if not block:
            continue
        entries = [m for m in _CONDA_ENTRY.finditer(block.group(1)) if m.group(1).lower() != "pip"]
        exact = [m for m in entries if m.group(2) and _CONDA_EXACT.match(m.group(2))]
        if not entries or not exact:
            continue
        full = len(exact) / len(entries) >= PINNED_SHARE
        line = None if full else text.count("\n", 0, block.start(1) + exact[0].start()) + 1
        where = Location(f.path, line, f"conda environment: {len(exact)} of {len(entries)} packages pinned exactly")
        (positive if full else weak).append(where)
    return positive, weak


# Which environment the training installs: one named or placed for training first, then not one for serving,
# a bot, the docs or the developer's tools (`api/requirements.txt`, `requirements-dev.txt`), then one a
# Dockerfile or compose file names.
_FOR_TRAINING = re.compile(r"train", re.IGNORECASE)
_FOR_OTHER = re.compile(r"(?:^|[/_.-])(?:api|app|apps|serving|serve|server|deploy|deployment|streaming|inference|web|"
                        r"frontend|lambda|monitoring|bot|dev|docs|lint|test|tests|ci)(?:$|[/_.-])", re.IGNORECASE)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive = file_locations(raw.named(*LOCK_FILES), "lock file")
    pinned, partly = _pinned_requirements(raw)
    positive += pinned
    conda_pinned, conda_partly = _pinned_conda(raw)
    positive += conda_pinned
    partly += conda_partly
    # ZenML builds each pipeline's image from its DockerSettings: a container, but what it installs is pinned
    # only if the requirements are (they then count above).
    partly += raw.grep(_ZENML_DOCKER, raw.importing_files("zenml"), first_only=False,
                       detail="ZenML DockerSettings: the pipeline runs in an image built for it")
    partly += raw.grep(_SETUP_PIN, raw.named("setup.py"), detail="setup.py pins a requirement exactly")
    dockerfiles = [f for f in raw.files if f.name in ("dockerfile", "containerfile") or f.name.startswith("dockerfile.")
                   or f.suffix == ".dockerfile"]
    positive += raw.grep(_FROM, dockerfiles, detail="container image")
    # The environment that runs is the one a container installs: requirements a Dockerfile (or a compose or
    # CI file) names come first, then the rest; the image itself after the files that pin it.
    builders = dockerfiles + raw.named("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")

    def used(loc: Location) -> bool:
        """A file that a Dockerfile or compose file beside (or above) it names by its relative path."""
        for f in builders:
            base = f.path.rsplit("/", 1)[0] + "/" if "/" in f.path else ""
            if loc.path.startswith(base) and loc.path[len(base):] in raw.text(f.path):
                return True
        return False

    locks = {f.path for f in raw.named(*LOCK_FILES)}
    training = [f.path for f in raw.with_suffix(".py") if _FOR_TRAINING.search(f.name)]

    def beside_training(path: str) -> bool:
        """An environment file whose folder holds a training script (at any depth): the one it installs."""
        base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        return any(t.startswith(base) for t in training)

    def order(loc: Location) -> tuple[bool, bool, bool, bool, bool]:
        return (not _FOR_TRAINING.search(loc.path), bool(_FOR_OTHER.search(loc.path.lower())),
                not beside_training(loc.path), loc.path not in locks, not used(loc))

    return findings(ID, sorted(positive, key=order), sorted(partly, key=order))
