"""Read WARC and WARC.gz archives, local or remote, as captures of their HTML responses.

Records stream through FastWARC (C++; about 900 MB/s of records on one core
here), so memory holds one record at a time whatever the archive's size. Each
capture's ``source`` is ``"<archive>#<record id>@<offset>"``: the archive, the
WARC-Record-ID and the byte offset of the record (of its gzip member in a
WARC.gz), enough to fetch the record again; ``uri`` is the WARC-Target-URI and
``fetched_at`` the WARC-Date.

A damaged archive never stops a batch: a corrupt gzip member, a record cut
short or a truncated end becomes an ``InputFailure`` naming the archive and the
offset, and reading resumes at the next intact record. Per-record gzip archives
(the norm: Common Crawl, Heritrix, wget) and plain WARC files can be read in
byte ranges (``start``/``end``), which is how ``redefection scan`` spreads one
large archive over several workers; see ``_warc_bounds.py``.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from ..errors import SourceError
from ..records import WARC_RECORD_SOURCE, Capture
from ._warc_bounds import Archive, open_archive
from .files import InputFailure

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head)\b", re.I | re.S)


@dataclass(slots=True)
class ReadStats:
    """Running totals of one read: every response record seen, and its payload bytes."""

    records: int = 0
    bytes: int = 0


def record_source(archive: str, record_id: str, offset: int) -> str:
    """The provenance string of a record: ``"<archive>#<record id>@<offset>"``."""
    return f"{archive}#{record_id}@{offset}"


def parse_source(source: str) -> tuple[str, str, int] | None:
    """(archive, record id, offset) from a capture's ``source``, or None if it is not a WARC record."""
    m = WARC_RECORD_SOURCE.match(source)
    return (m["archive"], m["record_id"], int(m["offset"])) if m else None


def is_html(content_type: str | None, payload: bytes) -> bool:
    """Whether a response is an HTML page: its declared type, or its first bytes when it declares none."""
    if content_type:
        return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES
    return HTML_START.match(payload[:1024]) is not None


def iter_warc(
    url: str,
    start: int = 0,
    end: int | None = None,
    *,
    keep: Callable[[bytes], bool] | None = None,
    stats: ReadStats | None = None,
    max_bytes: int = 64 * 1024 * 1024,
) -> Iterator[Capture | InputFailure]:
    """Yield a capture per HTML response record starting in ``[start, end)`` of the archive at ``url``.

    ``keep`` sees each HTML payload first; records it refuses are counted in
    ``stats`` but never become captures (building one costs more than the
    prefilter's look). Damage becomes ``InputFailure`` items; reading goes on
    at the next intact record.

    Raises:
        SourceError: the archive cannot be opened at all.
    """
    stats = stats if stats is not None else ReadStats()
    with open_archive(url) as archive:
        splittable = archive.is_splittable()
        position: int | None = archive.first_record(start, end)
        while position is not None and (end is None or position < end):
            last: int | None = None
            try:
                for record in _records(archive, position):
                    offset = record.stream_pos
                    if end is not None and offset >= end:
                        return
                    last = offset
                    if record.record_type != WarcRecordType.response:  # warcinfo, request, metadata...
                        continue
                    stats.records += 1
                    item = _capture(url, record, offset, keep, stats, max_bytes)
                    if item is not None:
                        yield item
            except OSError as exc:  # FastWARC reports damaged compressed data as OSError
                damaged = _damaged_at(archive, last, position)
                if end is not None and damaged >= end:
                    return  # the next range reports it
                position = archive.next_record(damaged + 1) if splittable else None
                yield _failure(url, damaged, f"unreadable data ({exc})", position)
                continue
            if not splittable or archive.size is None:
                return
            # The iterator stops without an error at the end, or at a garbled record header.
            damaged = _damaged_at(archive, last, position)
            if damaged >= archive.size:
                return
            position = archive.next_record(damaged + 1)
            if last is not None and archive.end_of_record(last) is None and position is None:
                return  # the last record is cut short: reported when it was read
            if end is None or damaged < end:
                yield _failure(url, damaged, "garbled record", position)


def _damaged_at(archive: Archive, last: int | None, position: int) -> int:
    """The offset of the first damaged byte: the end of the last good record, or the record itself."""
    if last is None:
        return position
    end = archive.end_of_record(last)
    return last if end is None else end


def _failure(url: str, offset: int, problem: str, resume: int | None = -1) -> InputFailure:
    if resume is None:
        problem = f"{problem} at offset {offset}; nothing readable after it"
    elif resume >= 0:
        problem = f"{problem} at offset {offset}; skipped to the next record at offset {resume}"
    logger.info("%s: %s", url, problem)
    return InputFailure(f"{url}@{offset}", SourceError(url, problem))


def _records(archive: Archive, position: int) -> Iterator[WarcRecord]:
    handle = archive.reopen(position)
    try:
        # Every record type, so that the end of the last one read is known (damage is what lies after it).
        yield from ArchiveIterator(handle, parse_http=True)
    finally:
        handle.close()


def _capture(
    url: str,
    record: WarcRecord,
    offset: int,
    keep: Callable[[bytes], bool] | None,
    stats: ReadStats,
    max_bytes: int,
) -> Capture | InputFailure | None:
    length = record.content_length
    stats.bytes += length
    http: Any = record.http_headers  # None when the block holds no HTTP message (dns:, a bare resource)
    content_type = http.get("Content-Type") if http is not None else None
    status = http.status_code if http is not None else None
    page = status is not None and 200 <= status < 300 and (content_type is None or is_html(content_type, b""))
    if page and length > max_bytes:  # a page we would read, but too large: a failure like any other, named
        if record.reader.consume() < length:
            return _cut_short(url, record, offset)
        problem = f"record {record.record_id} at offset {offset}: {length:,} bytes exceed the {max_bytes:,}-byte limit"
        return _failure(url, offset, problem + "; skipped")
    if not page:
        return _cut_short(url, record, offset) if record.reader.consume() < length else None
    payload = record.reader.read()
    if len(payload) < length:
        return _cut_short(url, record, offset)
    if content_type is None and not is_html(None, payload):
        return None
    encoding = http.get("Content-Encoding") or http.get("Transfer-Encoding")
    if encoding is not None and encoding.strip().lower() not in ("", "identity"):
        try:
            payload = decode_payload(payload, http.to_tuples(), max_bytes)
        except ValueError as exc:
            return _failure(url, offset, f"record {record.record_id} at offset {offset}: {exc}")
    if keep is not None and not keep(payload):
        return None
    record_id = record.record_id or ""
    return Capture(
        source=record_source(url, record_id, offset),
        data=payload,
        content_type=content_type,
        fetched_at=_as_utc(record.record_date),
        headers=http.to_tuples(),
        uri=record.headers.get("WARC-Target-URI"),
    )


def _cut_short(url: str, record: WarcRecord, offset: int) -> InputFailure:
    return _failure(url, offset, f"record {record.record_id} at offset {offset} is cut short (truncated archive?)")


def decode_payload(payload: bytes, headers: tuple[tuple[str, str], ...], max_bytes: int) -> bytes:
    """Undo ``Transfer-Encoding: chunked`` and gzip/deflate/br ``Content-Encoding`` of a stored payload.

    Most crawlers store payloads decoded (Common Crawl does); some keep them as sent.

    Raises:
        ValueError: an encoding we cannot undo, corrupt data, or more than ``max_bytes`` once decoded.
    """
    values = {name.lower(): value.strip().lower() for name, value in headers}
    if "chunked" in values.get("transfer-encoding", ""):
        payload = _dechunk(payload)
    for coding in reversed([c.strip() for c in values.get("content-encoding", "").split(",") if c.strip()]):
        if coding in ("gzip", "x-gzip", "deflate"):
            payload = _inflate(payload, max_bytes)
        elif coding == "br":
            payload = _unbrotli(payload)
        elif coding != "identity":
            raise ValueError(f"unsupported content encoding {coding!r}")
        if len(payload) > max_bytes:
            raise ValueError(f"payload expands past the {max_bytes:,}-byte limit")
    return payload


def _dechunk(data: bytes) -> bytes:
    out, pos = bytearray(), 0
    while True:
        eol = data.find(b"\r\n", pos)
        if eol < 0:
            return bytes(out)  # cut short: keep what arrived
        try:
            size = int(data[pos:eol].split(b";", 1)[0], 16)
        except ValueError:
            return data if pos == 0 else bytes(out)  # not chunked after all
        if size == 0:
            return bytes(out)
        out += data[eol + 2 : eol + 2 + size]
        pos = eol + 2 + size + 2


def _inflate(data: bytes, max_bytes: int) -> bytes:
    for wbits in (47, -15):  # gzip or zlib header (auto-detected), then raw deflate
        try:
            decompressor = zlib.decompressobj(wbits)
            return decompressor.decompress(data, max_bytes + 1)
        except zlib.error:
            continue
    raise ValueError("corrupt gzip or deflate payload")


def _unbrotli(data: bytes) -> bytes:
    try:
        import brotli  # optional: FastWARC's own dependency where wheels exist
    except ImportError as exc:
        raise ValueError("brotli-encoded payload; pip install brotli") from exc
    module: Any = brotli
    try:
        result: bytes = module.decompress(data)
    except Exception as exc:  # brotli.error has no stable import path
        raise ValueError(f"corrupt brotli payload ({exc})") from exc
    return result


def _as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


__all__ = ["ReadStats", "decode_payload", "is_html", "iter_warc", "parse_source", "record_source"]
