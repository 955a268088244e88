"""Read captures from files and folders.

Folders are walked recursively in a stable order; symlink loops, unreadable
entries, empty and oversized files become ``InputFailure`` items instead of
exceptions, so one bad input never stops a batch.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
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
NOT_REGULAR = "not a regular file (a pipe, socket or device); nothing read"


def display_path(path: str | bytes | os.PathLike[str]) -> str:
    """``path`` as valid UTF-8 text: bytes of a non-UTF-8 file name become ``\\xNN`` escapes.

    Python keeps such bytes as lone surrogates, which no database, JSON encoder
    or terminal accepts; the escaped form names the file readably everywhere.
    """
    return os.fsdecode(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass(frozen=True, slots=True)
class InputFailure:
    """An input that could not be turned into a capture."""

    source: str
    error: SourceError


def iter_paths(paths: Iterable[str | bytes | Path]) -> Iterator[Path | InputFailure]:
    """Yield every file under ``paths`` (folders recursively, sorted), or a failure per bad path."""
    for raw in paths:
        path = Path(os.fsdecode(raw))
        shown = display_path(raw)
        try:
            if path.is_dir():
                yield from _walk(path)
            elif path.exists():
                yield path
            elif path.is_symlink():
                yield InputFailure(shown, SourceError(shown, _link_problem(path)))
            else:
                yield InputFailure(shown, SourceError(shown, "no such file or folder"))
        except OSError as exc:
            yield InputFailure(shown, SourceError(shown, f"cannot access: {exc.strerror or exc}"))


def _link_problem(path: Path) -> str:
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
    return "broken symbolic link"


def _fail(path: Path, problem: str) -> InputFailure:
    shown = display_path(path)
    return InputFailure(shown, SourceError(shown, problem))


def _walk(root: Path) -> Iterator[Path | InputFailure]:
    seen: set[tuple[int, int]] = set()
    stack = [root]
    found_any = False
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError as exc:
            yield _fail(folder, f"cannot access: {exc.strerror or exc}")
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            yield _fail(folder, "symbolic link loop; folder skipped")
            continue
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield _fail(folder, f"cannot list folder: {exc.strerror or exc}")
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
                    yield _fail(path, _link_problem(path))
                else:
                    yield _fail(path, NOT_REGULAR)
            except OSError as exc:
                problem = "symbolic link loop" if exc.errno == errno.ELOOP else f"cannot access: {exc.strerror or exc}"
                yield _fail(path, problem)
        stack.extend(reversed(subfolders))
    if not found_any:  # an error, not a warning: a batch given nothing to read has not done its job
        yield _fail(root, "folder holds no files")


def read_capture(path: Path, max_bytes: int) -> Capture:
    """Read one file into a capture; gzip files are decompressed with a size limit.

    Raises:
        SourceError: the file cannot be read, is not a regular file, is empty, or exceeds ``max_bytes``.
    """
    shown = display_path(path)
    try:
        st = path.stat()
        # A FIFO would block the batch forever and a device never ends: only regular files are read.
        if not stat.S_ISREG(st.st_mode):
            raise SourceError(shown, NOT_REGULAR)
        if st.st_size > max_bytes:
            raise SourceError(shown, f"file is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise SourceError(shown, f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:  # grew after the size check
        raise SourceError(shown, f"file is over the {max_bytes:,}-byte limit")
    if data.startswith(GZIP_MAGIC):
        data = _gunzip(shown, data, max_bytes)
    if not data.strip():
        raise SourceError(shown, "file is empty")
    mtime = datetime.fromtimestamp(st.st_mtime, tz=UTC)
    return Capture(source=shown, data=data, fetched_at=mtime)


def _gunzip(shown: str, data: bytes, max_bytes: int) -> bytes:
    """Decompress every gzip member (``cat a.gz b.gz`` is valid gzip), never past ``max_bytes``."""
    parts: list[bytes] = []
    size = 0
    while data:
        decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            out = decompressor.decompress(data, max_bytes - size + 1)
        except zlib.error as exc:
            raise SourceError(shown, f"corrupt gzip data: {exc}") from exc
        size += len(out)
        if size > max_bytes or decompressor.unconsumed_tail:
            raise SourceError(shown, f"gzip expands past the {max_bytes:,}-byte limit")
        if not decompressor.eof:
            raise SourceError(shown, "truncated gzip data")
        parts.append(out)
        data = decompressor.unused_data
        if not data.startswith(GZIP_MAGIC):
            break  # trailing zero padding (tape archives) or junk after the last member: ignored, as gzip does
    return b"".join(parts)


def iter_captures(paths: Iterable[str | bytes | Path], max_bytes: int) -> Iterator[Capture | InputFailure]:
    """Yield a capture per readable file under ``paths``, or a failure naming the file."""
    for item in iter_paths(paths):
        if isinstance(item, InputFailure):
            yield item
            continue
        try:
            yield read_capture(item, max_bytes)
        except SourceError as exc:
            yield InputFailure(display_path(item), exc)


__all__ = ["InputFailure", "display_path", "iter_captures", "iter_paths", "read_capture"]
