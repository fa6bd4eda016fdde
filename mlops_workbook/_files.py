"""File-system helpers shared by every writer: atomic writes and safe names from user text."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def safe_name(text: str, *, default: str = "team", max_length: int = 80) -> str:
    """A file-name stem from user text that cannot leave its folder (no separators, no leading dots)."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = _UNSAFE.sub("-", ascii_text.lower()).strip("-._")
    slug = re.sub(r"-{2,}", "-", slug)[:max_length].strip("-._")
    return slug or default


def contained_path(folder: str | Path, name: str, suffix: str) -> Path:
    """`folder/<safe name><suffix>`, checked to resolve inside `folder`."""
    root = Path(folder).resolve()
    path = (root / f"{safe_name(name)}{suffix}").resolve()
    if path.parent != root:  # pragma: no cover - safe_name already prevents it; defence in depth
        raise ValueError(f"{name!r} would leave {root}")
    return path


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
