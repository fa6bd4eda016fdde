"""Unpack an uploaded repository zip for scanning, refusing anything that could leave the folder or
fill the disk: absolute names, `..`, symlinks, too many members, too many bytes (counted while
extracting, since a zip's declared sizes can lie), extreme compression ratios (zip bombs)."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path, PurePosixPath

from .collector import ScanError

MAX_MEMBERS = 20_000
MAX_TOTAL_BYTES = 200_000_000
MAX_RATIO = 200


def _safe_parts(name: str, source: str) -> tuple[str, ...]:
    text = name.replace("\\", "/")
    path = PurePosixPath(text)
    if path.is_absolute() or (len(text) > 1 and text[1] == ":") or ".." in path.parts:
        raise ScanError(f"refusing member {name!r} (it would leave the folder)", source=source)
    return tuple(p for p in path.parts if p not in ("", "."))


def extract_zip(data: bytes, dest: str | Path, *, source: str = "upload.zip", max_members: int = MAX_MEMBERS,
                max_total_bytes: int = MAX_TOTAL_BYTES, max_ratio: int = MAX_RATIO) -> Path:
    """Extract `data` (a zip archive) into `dest`; raises ScanError naming the archive and the member."""
    root = Path(dest)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ScanError("not a zip archive", source=source) from None
    with archive:
        members = archive.infolist()
        if len(members) > max_members:
            raise ScanError(f"{len(members)} members, more than the limit of {max_members}", source=source)
        written = 0
        for info in members:
            parts = _safe_parts(info.filename, source)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise ScanError(f"refusing member {info.filename!r} (a symlink)", source=source)
            if not parts or info.is_dir():
                continue
            if info.compress_size and info.file_size / info.compress_size > max_ratio:
                raise ScanError(f"member {info.filename!r} expands {info.file_size // info.compress_size}x "
                                "(a zip bomb?)", source=source)
            target = root.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as src, open(target, "wb") as out:
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > max_total_bytes:
                            raise ScanError(f"more than {max_total_bytes:,} bytes uncompressed", source=source)
                        out.write(chunk)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
                raise ScanError(f"cannot extract {info.filename!r} ({exc})", source=source) from None
    return root
