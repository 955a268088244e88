"""Where records start and end inside a WARC archive, so it can be read in ranges and past damage.

A per-record gzip archive (each record its own gzip member: the norm) is a
sequence of members; a plain WARC file a sequence of ``WARC/1.x`` header
blocks. Both let a reader jump to any record: search for the next member (or
header) at or after an offset and check that it really begins a record. A
whole-file gzip archive has no such seams; it is read from the start, in one
piece.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from ..errors import SourceError

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = re.compile(rb"(?:^|\n)WARC/1\.[01]\r?\n")
CONTENT_LENGTH = re.compile(rb"\r?\nContent-Length:[ \t]*(\d+)", re.I)
BLOCK = 1 << 20  # search window: members and headers are found within one or two reads
HEADER_LIMIT = 1 << 16  # WARC headers past 64 KiB are not headers
PROBE_LIMIT = 16 << 20  # a first member longer than this is a whole-file gzip: read it in one piece
# Whether a local archive (path, size, modification time) is splittable, found once per process: a scan
# reads a large archive as dozens of ranges, and the probe inflates the whole first record each time.
_SPLITTABLE: dict[tuple[str, int, int], bool] = {}
_SPLITTABLE_MAX = 4096


def is_url(path: str) -> bool:
    """Whether ``path`` names a remote object (``s3://``, ``https://``...) rather than a local file."""
    return "://" in path and not path.startswith("file://")


@dataclass
class Archive:
    """An open archive: its size, its kind, and handles for reading and searching it."""

    url: str
    size: int | None
    is_gzip: bool
    _fs: Any = None  # an fsspec filesystem for remote archives, None for local files
    _path: str = ""
    _stamp: tuple[int, int] | None = None  # a local file's size and modification time (ns)
    _search: IO[bytes] | None = field(default=None, repr=False)

    def reopen(self, position: int) -> IO[bytes]:
        """A new handle at ``position`` (the caller closes it)."""
        handle: IO[bytes] = open(self._path, "rb") if self._fs is None else self._fs.open(self._path, "rb")  # noqa: SIM115
        if position:
            handle.seek(position)
        return handle

    def _read(self, position: int, size: int) -> bytes:
        if self._search is None:
            self._search = self.reopen(0)
        self._search.seek(position)
        return self._search.read(size)

    def close(self) -> None:
        if self._search is not None:
            self._search.close()

    def is_splittable(self) -> bool:
        """Whether the archive can be read from any record: plain WARC or one gzip member per record."""
        if self.size is None:
            return False
        if not self.is_gzip:
            return True
        key = None if self._stamp is None else (self._path, *self._stamp)
        if key is not None and key in _SPLITTABLE:
            return _SPLITTABLE[key]
        end = self.end_of_record(0, limit=PROBE_LIMIT)
        splittable = end is not None and end < self.size
        if key is not None:
            if len(_SPLITTABLE) >= _SPLITTABLE_MAX:
                _SPLITTABLE.clear()
            _SPLITTABLE[key] = splittable
        return splittable

    def next_record(self, position: int) -> int | None:
        """The offset of the first intact record at or after ``position``, or None."""
        while self.size is None or position < self.size:
            window = self._read(position, BLOCK + HEADER_LIMIT)
            if not window:
                return None
            found = self._first_in(window, position)
            if found is not None:
                return found
            position += BLOCK
        return None

    def _first_in(self, window: bytes, base: int) -> int | None:
        if self.is_gzip:
            at = window.find(GZIP_MAGIC)
            while 0 <= at < BLOCK:
                if _starts_record(window[at : at + HEADER_LIMIT]):
                    return base + at
                at = window.find(GZIP_MAGIC, at + 1)
            return None
        for m in WARC_MAGIC.finditer(window):
            at = m.start() if m.group(0).startswith(b"W") else m.start() + 1
            if at >= BLOCK:
                return None
            head = window[at : at + HEADER_LIMIT]
            if b"WARC-Type:" in head.split(b"\r\n\r\n", 1)[0]:
                return base + at
        return None

    def first_record(self, start: int, end: int | None) -> int | None:
        """The first intact record in ``[start, end)``; reading from 0 needs no search."""
        if start == 0 or not self.is_splittable():
            return 0 if start == 0 else None
        found = self.next_record(start)
        return found if found is not None and (end is None or found < end) else None

    def end_of_record(self, offset: int, limit: int | None = None) -> int | None:
        """Where the record (gzip member) at ``offset`` ends, or None if it is damaged or cut short."""
        if not self.is_gzip:
            head = self._read(offset, HEADER_LIMIT)
            header, sep, _ = head.partition(b"\r\n\r\n")
            m = CONTENT_LENGTH.search(header)
            if not sep or m is None:
                return None
            end = offset + len(header) + 4 + int(m.group(1)) + 4
            return end if self.size is None or end <= self.size else None
        decompressor = zlib.decompressobj(31)
        fed = 0
        try:
            while not decompressor.eof:
                if limit is not None and fed >= limit:
                    return None
                chunk = self._read(offset + fed, BLOCK)
                if not chunk:
                    return None
                fed += len(chunk)
                data = chunk
                while data and not decompressor.eof:  # inflate a bounded amount at a time; output is dropped
                    decompressor.decompress(data, BLOCK)
                    data = decompressor.unconsumed_tail
        except zlib.error:
            return None
        return offset + fed - len(decompressor.unused_data)


def _starts_record(data: bytes) -> bool:
    try:
        return zlib.decompressobj(31).decompress(data, 8).startswith(b"WARC/1.")
    except zlib.error:
        return False


@contextmanager
def open_archive(url: str) -> Iterator[Archive]:
    """Open the archive at a local path or an fsspec URL for reading by ranges.

    Raises:
        SourceError: it does not exist or cannot be read.
    """
    fs: Any = None
    stamp: tuple[int, int] | None = None
    path = url[len("file://") :] if url.startswith("file://") else url
    try:
        if is_url(url):
            import fsspec

            fs, path = fsspec.core.url_to_fs(url)
            size: int | None = fs.size(path)
            with fs.open(path, "rb") as handle:
                head = handle.read(3)
        else:
            stat = os.stat(path)
            size, stamp = stat.st_size, (stat.st_size, stat.st_mtime_ns)
            with open(path, "rb") as handle:
                head = handle.read(3)
    except FileNotFoundError as exc:
        raise SourceError(url, "no such archive") from exc
    except (OSError, ValueError, ImportError) as exc:
        raise SourceError(url, f"cannot open the archive: {exc}") from exc
    if not head:
        raise SourceError(url, "empty archive")
    if not head.startswith(GZIP_MAGIC) and not head.startswith(b"WAR"):
        raise SourceError(url, "not a WARC or WARC.gz archive (it starts with neither 'WARC/' nor a gzip header)")
    archive = Archive(url, size, head.startswith(GZIP_MAGIC), fs, path, stamp)
    try:
        yield archive
    finally:
        archive.close()


def plan_ranges(url: str, chunk_bytes: int) -> tuple[int | None, list[tuple[int, int | None]]]:
    """The archive's size and byte ranges of about ``chunk_bytes``, each starting at a record.

    An archive that cannot be split is one range ``(0, None)``.
    """
    with open_archive(url) as archive:
        if archive.size is None or archive.size <= chunk_bytes or not archive.is_splittable():
            return archive.size, [(0, None)]
        starts = [0]
        position = chunk_bytes
        while position < archive.size:
            found = archive.next_record(position)
            if found is None:
                break
            if found > starts[-1]:
                starts.append(found)
            position = max(found + 1, starts[-1] + chunk_bytes)
        bounds: list[int | None] = [*starts[1:], None]
        return archive.size, list(zip(starts, bounds, strict=True))


__all__ = ["Archive", "is_url", "open_archive", "plan_ranges"]
