"""Reading WARC archives: HTML responses become captures with provenance; damage is reported, never fatal."""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime
from pathlib import Path

import fsspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redefection.errors import SourceError
from redefection.ingest import InputFailure
from redefection.ingest._warc_bounds import Archive, plan_ranges
from redefection.ingest.warc import ReadStats, decode_payload, iter_warc, parse_source
from redefection.records import Capture
from warc_helpers import Rec, record_bytes, record_id, write_warc

PAGE = b"<html><head><title>A page</title></head><body><p>Hello.</p></body></html>"


def _records(count: int = 3) -> list[Rec]:
    return [Rec(f"https://news.example/{i}", PAGE.replace(b"Hello", b"Hello %d" % i)) for i in range(count)]


def test_html_responses_become_captures_with_provenance(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    offsets = write_warc(path, [*_records(2), Rec("https://news.example/logo.png", b"\x89PNG...", "image/png")])
    stats = ReadStats()
    items = list(iter_warc(str(path), stats=stats))
    assert all(isinstance(item, Capture) for item in items)
    first = items[0]
    assert isinstance(first, Capture)
    assert first.source == f"{path}#{record_id(1)}@{offsets[0]}"
    assert parse_source(first.source) == (str(path), record_id(1), offsets[0])
    assert first.uri == "https://news.example/0"
    assert first.fetched_at == datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    assert first.content_type == "text/html; charset=utf-8"
    assert ("Content-Type", "text/html; charset=utf-8") in first.headers
    assert first.name == f"crawl-{offsets[0]}"
    assert [c.uri for c in items if isinstance(c, Capture)] == ["https://news.example/0", "https://news.example/1"]
    assert stats.records == 3  # the image is read and counted, not captured


def test_truncated_gzip_member_at_the_end_names_the_file_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    offsets = write_warc(path, _records(3), cut=30)
    items = list(iter_warc(str(path)))
    assert [type(item) for item in items] == [Capture, Capture, InputFailure]
    failure = items[-1]
    assert isinstance(failure, InputFailure)
    assert failure.source == f"{path}@{offsets[2]}"
    assert str(path) in str(failure.error) and f"offset {offsets[2]}" in str(failure.error)


def test_corrupt_member_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "bad.warc.gz"
    offsets = write_warc(path, _records(4))
    data = bytearray(path.read_bytes())
    data[offsets[1] + 25 : offsets[1] + 40] = b"\x00" * 15  # inside the second member's deflate stream
    path.write_bytes(bytes(data))
    items = list(iter_warc(str(path)))
    kinds = [type(item).__name__ for item in items]
    assert kinds.count("InputFailure") == 1
    assert [i.uri for i in items if isinstance(i, Capture)] == ["https://news.example/0", *(
        f"https://news.example/{n}" for n in (2, 3)
    )]  # fmt: skip
    failure = next(i for i in items if isinstance(i, InputFailure))
    assert f"offset {offsets[1]}" in failure.error.problem
    assert f"next record at offset {offsets[2]}" in failure.error.problem


def test_plain_warc_and_truncated_plain_warc(tmp_path: Path) -> None:
    path = tmp_path / "plain.warc"
    write_warc(path, _records(3), compress=False, cut=20)
    items = list(iter_warc(str(path)))
    assert [type(item) for item in items] == [Capture, Capture, InputFailure]


@pytest.mark.parametrize("compress", [True, False])
def test_byte_ranges_read_every_record_exactly_once(tmp_path: Path, compress: bool) -> None:
    path = tmp_path / ("r.warc.gz" if compress else "r.warc")
    write_warc(path, _records(12), compress=compress)
    size, ranges = plan_ranges(str(path), 700)
    assert size == path.stat().st_size and len(ranges) > 2
    uris = [c.uri for start, end in ranges for c in iter_warc(str(path), start, end) if isinstance(c, Capture)]
    assert uris == [f"https://news.example/{i}" for i in range(12)]


def test_an_archive_is_probed_for_seams_once_until_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.warc.gz"
    write_warc(path, _records(12))
    probes: list[int] = []
    probe = Archive.end_of_record

    def counted(self: Archive, offset: int, limit: int | None = None) -> int | None:
        if limit is not None:  # only the splittability probe passes a limit
            probes.append(offset)
        return probe(self, offset, limit)

    monkeypatch.setattr(Archive, "end_of_record", counted)
    _, ranges = plan_ranges(str(path), 700)
    for start, end in ranges:
        list(iter_warc(str(path), start, end))
    assert len(ranges) > 2 and len(probes) == 1
    write_warc(path, _records(13))  # rewritten: another size, so probed again
    assert len(plan_ranges(str(path), 700)[1]) > 2 and len(probes) == 2


def test_whole_file_gzip_is_read_in_one_piece(tmp_path: Path) -> None:
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(b"".join(record_bytes(rec, n) for n, rec in enumerate(_records(3), 1))))
    assert plan_ranges(str(path), 10)[1] == [(0, None)]
    assert len([c for c in iter_warc(str(path)) if isinstance(c, Capture)]) == 3


def test_archives_at_fsspec_urls_are_read() -> None:
    with fsspec.open("memory://bucket/crawl.warc.gz", "wb") as handle:
        handle.write(b"".join(gzip.compress(record_bytes(rec, n)) for n, rec in enumerate(_records(2), 1)))
    items = list(iter_warc("memory://bucket/crawl.warc.gz"))
    assert [c.source.split("#")[0] for c in items if isinstance(c, Capture)] == ["memory://bucket/crawl.warc.gz"] * 2


def test_missing_or_foreign_files_raise_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such archive"):
        list(iter_warc(str(tmp_path / "missing.warc.gz")))
    (tmp_path / "page.html").write_bytes(PAGE)
    with pytest.raises(SourceError, match="not a WARC"):
        list(iter_warc(str(tmp_path / "page.html")))


def test_encoded_payloads_are_decoded(tmp_path: Path) -> None:
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(PAGE), PAGE)
    zipped = gzip.compress(PAGE)
    path = tmp_path / "enc.warc.gz"
    write_warc(
        path,
        [
            Rec("https://a.example/", chunked, extra_http="Transfer-Encoding: chunked\r\n"),
            Rec("https://b.example/", zipped, extra_http="Content-Encoding: gzip\r\n"),
        ],
    )
    assert [c.data for c in iter_warc(str(path)) if isinstance(c, Capture)] == [PAGE, PAGE]
    deflated = zlib.compress(PAGE)[2:-4]  # raw deflate, as some servers send it
    assert decode_payload(deflated, (("Content-Encoding", "deflate"),), 1 << 20) == PAGE
    with pytest.raises(ValueError, match="unsupported"):
        decode_payload(PAGE, (("Content-Encoding", "compress"),), 1 << 20)


def test_keep_refuses_records_before_they_become_captures(tmp_path: Path) -> None:
    path = tmp_path / "k.warc.gz"
    write_warc(path, _records(3))
    stats = ReadStats()
    kept = list(iter_warc(str(path), keep=lambda data: b"Hello 1" in data, stats=stats))
    assert [c.uri for c in kept if isinstance(c, Capture)] == ["https://news.example/1"]
    assert stats.records == 3


@settings(max_examples=40, deadline=None)
@given(payload=st.binary(max_size=2000), path=st.text(alphabet="abcxyz019-_/", max_size=30))
def test_a_written_record_reads_back_the_same_issue_6(
    tmp_path_factory: pytest.TempPathFactory, payload: bytes, path: str
) -> None:
    target = tmp_path_factory.mktemp("rt") / "one.warc.gz"
    write_warc(target, [Rec(f"https://x.example/{path}", payload)])
    items = list(iter_warc(str(target)))
    assert len(items) == 1 and isinstance(items[0], Capture)
    assert items[0].data == payload and items[0].uri == f"https://x.example/{path}"


@settings(max_examples=60, deadline=None)
@given(garbage=st.binary(max_size=600), head=st.sampled_from([b"WARC/1.1\r\n", b"\x1f\x8b\x08", b""]))
def test_garbage_never_raises_anything_but_source_error_issue_6(
    tmp_path_factory: pytest.TempPathFactory, garbage: bytes, head: bytes
) -> None:
    target = tmp_path_factory.mktemp("garbage") / "x.warc.gz"
    good = gzip.compress(record_bytes(_records(1)[0], 1))
    target.write_bytes(good + head + garbage)
    try:
        items = list(iter_warc(str(target)))
    except SourceError:
        return
    assert isinstance(items[0], Capture)
    assert all(isinstance(item, (Capture, InputFailure)) for item in items)


@pytest.mark.parametrize("compress", [True, False])
def test_request_and_metadata_records_around_responses_are_no_damage(tmp_path: Path, compress: bool) -> None:
    path = tmp_path / ("triples.warc.gz" if compress else "triples.warc")
    records = []
    for rec in _records(3):
        request = f"GET / HTTP/1.1\r\nHost: {rec.uri}\r\n\r\n".encode()
        records += [
            Rec(rec.uri, request, "application/http; msgtype=request", warc_type="request"),
            rec,
            Rec(rec.uri, b"fetchTimeMs: 12\r\n", "application/warc-fields", warc_type="metadata"),
        ]
    write_warc(path, records, compress=compress)
    stats = ReadStats()
    items = list(iter_warc(str(path), stats=stats))
    assert [type(item) for item in items] == [Capture] * 3 and stats.records == 3
    _, ranges = plan_ranges(str(path), 300)
    assert len(ranges) > 3
    assert [c.uri for a, b in ranges for c in iter_warc(str(path), a, b)] == [r.uri for r in _records(3)]


def test_response_without_an_http_message_is_skipped(tmp_path: Path) -> None:
    head = (
        b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        b"WARC-Target-URI: dns:e.org\r\nContent-Length: 4\r\n\r\n"
    )
    path = tmp_path / "dns.warc"
    path.write_bytes(head + b"oops\r\n\r\n" + record_bytes(_records(1)[0], 2))
    stats = ReadStats()
    assert [c.uri for c in iter_warc(str(path), stats=stats) if isinstance(c, Capture)] == ["https://news.example/0"]
    assert stats.records == 2
