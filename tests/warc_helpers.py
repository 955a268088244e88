"""Write small WARC archives for tests: records by hand, one gzip member each (as crawlers do)."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

DATE = "2024-03-01T09:30:00Z"


@dataclass(frozen=True)
class Rec:
    """One response record to write."""

    uri: str
    payload: bytes
    content_type: str = "text/html; charset=utf-8"
    record_id: str = ""
    extra_http: str = ""  # more HTTP header lines, each ending in \r\n
    status: int = 200
    warc_type: str = "response"  # "request" and "metadata" records are written as such


def record_bytes(rec: Rec, number: int) -> bytes:
    """The bytes of one WARC/1.1 response record."""
    record_id = rec.record_id or f"<urn:uuid:00000000-0000-4000-8000-{number:012d}>"
    if rec.warc_type != "response":
        return _other_record(rec, record_id)
    http = (
        f"HTTP/1.1 {rec.status} OK\r\nContent-Type: {rec.content_type}\r\n{rec.extra_http}"
        f"Content-Length: {len(rec.payload)}\r\n\r\n"
    ).encode() + rec.payload
    head = (
        f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: {record_id}\r\nWARC-Date: {DATE}\r\n"
        f"WARC-Target-URI: {rec.uri}\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def _other_record(rec: Rec, record_id: str) -> bytes:
    head = (
        f"WARC/1.1\r\nWARC-Type: {rec.warc_type}\r\nWARC-Record-ID: {record_id}\r\nWARC-Date: {DATE}\r\n"
        f"WARC-Target-URI: {rec.uri}\r\nContent-Type: {rec.content_type}\r\n"
        f"Content-Length: {len(rec.payload)}\r\n\r\n"
    ).encode()
    return head + rec.payload + b"\r\n\r\n"


def write_warc(path: Path, records: list[Rec], *, compress: bool = True, cut: int = 0) -> list[int]:
    """Write ``records`` to ``path`` (a gzip member each unless ``compress`` is false), dropping the
    last ``cut`` bytes of the file; return each record's offset."""
    offsets, parts, position = [], [], 0
    for number, rec in enumerate(records, start=1):
        data = record_bytes(rec, number)
        data = gzip.compress(data) if compress else data
        offsets.append(position)
        parts.append(data)
        position += len(data)
    blob = b"".join(parts)
    path.write_bytes(blob[: len(blob) - cut] if cut else blob)
    return offsets


def record_id(number: int) -> str:
    """The record id ``write_warc`` gives the record at 1-based ``number``."""
    return f"<urn:uuid:00000000-0000-4000-8000-{number:012d}>"
