"""Read captures from files and folders.

Folders are walked recursively in a stable order; symlink loops, unreadable
entries, empty and oversized files become ``InputFailure`` items instead of
exceptions, so one bad input never stops a batch.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import SourceError
from ..records import Capture

logger = logging.getLogger(__name__)

# Files we never treat as pages when walking a folder (explicitly named files are always tried).
SKIPPED_NAMES = {".DS_Store", "Thumbs.db"}
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class InputFailure:
    """An input that could not be turned into a capture."""

    source: str
    error: SourceError


def iter_paths(paths: Iterable[str | Path]) -> Iterator[Path | InputFailure]:
    """Yield every file under ``paths`` (folders recursively, sorted), or a failure per bad path."""
    for raw in paths:
        path = Path(raw)
        shown = os.fsdecode(raw) if isinstance(raw, (str, bytes)) else str(raw)
        try:
            if path.is_dir():
                yield from _walk(path)
            elif path.exists():
                yield path
            elif path.is_symlink():
                yield InputFailure(shown, SourceError(shown, "broken symbolic link"))
            else:
                yield InputFailure(shown, SourceError(shown, "no such file or folder"))
        except OSError as exc:
            yield InputFailure(shown, SourceError(shown, f"cannot access: {exc.strerror or exc}"))


def _walk(root: Path) -> Iterator[Path | InputFailure]:
    seen: set[tuple[int, int]] = set()
    stack = [root]
    found_any = False
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError as exc:
            yield InputFailure(str(folder), SourceError(str(folder), f"cannot access: {exc.strerror or exc}"))
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            yield InputFailure(str(folder), SourceError(str(folder), "symbolic link loop; folder skipped"))
            continue
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield InputFailure(str(folder), SourceError(str(folder), f"cannot list folder: {exc.strerror or exc}"))
            continue
        subfolders: list[Path] = []
        for entry in entries:
            if entry.name.startswith(".") or entry.name in SKIPPED_NAMES:
                continue
            path = Path(entry.path)
            try:
                if entry.is_dir():
                    subfolders.append(path)
                elif entry.is_file():
                    found_any = True
                    yield path
                elif entry.is_symlink():
                    yield InputFailure(str(path), SourceError(str(path), "broken symbolic link"))
            except OSError as exc:
                yield InputFailure(str(path), SourceError(str(path), f"cannot access: {exc.strerror or exc}"))
        stack.extend(reversed(subfolders))
    if not found_any:
        logger.warning("%s: folder holds no files", root)


def read_capture(path: Path, max_bytes: int) -> Capture:
    """Read one file into a capture; gzip files are decompressed with a size limit.

    Raises:
        SourceError: the file cannot be read, is empty, or exceeds ``max_bytes``.
    """
    shown = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(shown, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise SourceError(shown, f"cannot read: {exc.strerror or exc}") from exc
    if data.startswith(GZIP_MAGIC):
        data = _gunzip(shown, data, max_bytes)
    if not data.strip():
        raise SourceError(shown, "file is empty")
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return Capture(source=shown, data=data, fetched_at=mtime)


def _gunzip(shown: str, data: bytes, max_bytes: int) -> bytes:
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise SourceError(shown, f"corrupt gzip data: {exc}") from exc
    if len(out) > max_bytes or decompressor.unconsumed_tail:
        raise SourceError(shown, f"gzip expands past the {max_bytes:,}-byte limit")
    if not decompressor.eof:
        raise SourceError(shown, "truncated gzip data")
    return out


def iter_captures(paths: Iterable[str | Path], max_bytes: int) -> Iterator[Capture | InputFailure]:
    """Yield a capture per readable file under ``paths``, or a failure naming the file."""
    for item in iter_paths(paths):
        if isinstance(item, InputFailure):
            yield item
            continue
        try:
            yield read_capture(item, max_bytes)
        except SourceError as exc:
            yield InputFailure(str(item), exc)


__all__ = ["InputFailure", "iter_captures", "iter_paths", "read_capture"]
