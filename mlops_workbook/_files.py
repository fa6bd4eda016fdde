"""File-system helpers shared by every writer: atomic writes and safe names from user text."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def safe_name(text: str, *, default: str = "team", max_length: int = 80) -> str:
    """A file-name stem from user text that cannot leave its folder (no separators, no leading dots)."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = _UNSAFE.sub("-", ascii_text.lower()).strip("-._")
    slug = re.sub(r"-{2,}", "-", slug)[:max_length].strip("-._")
    return slug or default


_CANONICAL = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_STEM_MAX = 60
_HASH_CHARS = 10
# Names Windows refuses as files, and the report index's own name: always hashed.
_RESERVED = {"con", "prn", "aux", "nul", "index", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def exact_name(text: str) -> str:
    """The name a user means: surrounding spaces dropped, Unicode composed (NFC) so that an "é" typed
    two ways is one team."""
    return unicodedata.normalize("NFC", str(text)).strip()


def unique_stem(text: str) -> str:
    """A readable file stem that is different for every different exact name (an injective map).

    A name that is already a plain lowercase slug (``data-team``) is its own stem. Any other name
    (``Data Team``, ``Команда``, ``..``, 400 characters) becomes its ASCII slug, a double hyphen and
    10 hex digits of the SHA-256 of the exact name: ``data-team--3f2a9c01b7``, ``team--9a0c…``. Plain
    slugs never contain ``--``, so the two kinds cannot meet; stems have no dots or separators, so
    they never leave their folder and ``<stem>.<rubric>`` cannot be read two ways.
    """
    name = exact_name(text)
    if _CANONICAL.fullmatch(name) and len(name) <= _STEM_MAX and name not in _RESERVED:
        return name
    slug = re.sub(r"[^a-z0-9]+", "-", safe_name(name, default="team", max_length=_STEM_MAX)).strip("-") or "team"
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:_HASH_CHARS]
    return f"{slug}--{digest}"


def contained_path(folder: str | Path, name: str, suffix: str) -> Path:
    """`folder/<safe name><suffix>`, checked to resolve inside `folder`."""
    root = Path(folder).resolve()
    path = (root / f"{safe_name(name)}{suffix}").resolve()
    if path.parent != root:  # pragma: no cover - safe_name already prevents it; defence in depth
        raise ValueError(f"{name!r} would leave {root}")
    return path


def inside(folder: str | Path, file_name: str) -> Path:
    """`folder/file_name`, checked to resolve directly inside `folder` (defence in depth)."""
    root = Path(folder).resolve()
    path = (root / file_name).resolve()
    if path.parent != root:
        raise ValueError(f"{file_name!r} would leave {root}")
    return path


@contextmanager
def locked(path: str | Path) -> Iterator[None]:
    """An exclusive advisory lock beside `path` (a hidden `.<name>.lock`, skipped by folder listings),
    held for one read-modify-write; a no-op where fcntl does not exist."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    with open(target.parent / f".{target.name}.lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write to a temp file in the same folder, fsync, then rename: readers never see half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))
