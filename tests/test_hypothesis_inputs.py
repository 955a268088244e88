"""Property tests for reading inputs and for extraction: only the project's documented errors escape (issue 7).

``test_hypothesis.py`` covers decoding and cleaning; these cover gzip files, WARC reading (round trip and
damaged archives) and the relevance + extract stages on arbitrary documents.
"""

from __future__ import annotations

import contextlib
import gzip
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from redefection.errors import SourceError
from redefection.extract import extract_facts
from redefection.ingest.files import InputFailure, read_capture
from redefection.ingest.warc import iter_warc
from redefection.records import Article, Capture, Document
from redefection.relevance import relevance_stage
from redefection.settings import Settings
from warc_helpers import Rec, write_warc

FAST = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
URI = st.from_regex(r"https://[a-z]{1,12}\.example/[a-z0-9/_-]{0,30}", fullmatch=True)
PAYLOAD = st.binary(min_size=1, max_size=2000).map(lambda body: b"<html><body><p>" + body + b"</p></body></html>")
WORDS = st.sampled_from(
    [
        "defector",
        "went",
        "back",
        "to",
        "North",
        "Korea",
        "탈북민",
        "재입북",
        "脱北者",
        "返回朝鲜",
        "said",
        "aged",
        "24",
        "2019",
        '"',
        "“",
        ".",
        ",",
        "Mr.",
        "Kim",
        "\n\n",
        "ministry",
        "police",
        "three",
        "people",
        "year",
    ]
)


def _read_all(path: Path) -> list[Capture | InputFailure]:
    return list(iter_warc(str(path), max_bytes=1 << 20))


@FAST
@given(st.lists(st.tuples(URI, PAYLOAD), min_size=1, max_size=4), st.booleans())
def test_warc_records_round_trip(records: list[tuple[str, bytes]], compress: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("crawl.warc.gz" if compress else "crawl.warc")
        write_warc(path, [Rec(uri, payload) for uri, payload in records], compress=compress)
        items = _read_all(path)
    assert all(isinstance(item, Capture) for item in items), items
    assert [(item.uri, item.data) for item in items if isinstance(item, Capture)] == records


@FAST
@given(
    st.lists(PAYLOAD, min_size=1, max_size=3),
    st.booleans(),
    st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=6),
    st.integers(min_value=0, max_value=400),
)
def test_damaged_warc_raises_only_source_errors(
    payloads: list[bytes], compress: bool, flips: list[tuple[int, int]], cut: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("crawl.warc.gz" if compress else "crawl.warc")
        write_warc(path, [Rec(f"https://e.example/{i}", p) for i, p in enumerate(payloads)], compress=compress)
        data = bytearray(path.read_bytes())
        for position, value in flips:
            data[position % len(data)] = value
        path.write_bytes(bytes(data[: max(0, len(data) - cut)]))
        try:
            items = _read_all(path)
        except SourceError:
            return
    for item in items:
        assert isinstance(item, Capture | InputFailure)
        if isinstance(item, InputFailure):
            assert str(path) in item.source and item.error.problem


@FAST
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_as_a_warc_raise_only_source_errors(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, blob in (("a.warc", b"WARC/1.1\r\n" + data), ("b.warc.gz", gzip.compress(data)[: len(data) // 2])):
            path = Path(folder) / name
            path.write_bytes(blob)
            with contextlib.suppress(SourceError):
                _read_all(path)


@FAST
@given(st.binary(max_size=2000), st.integers(min_value=0, max_value=60))
def test_gzip_files_raise_only_source_errors(data: bytes, cut: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.html.gz"
        packed = gzip.compress(data)
        kept = packed[: len(packed) - cut] if cut else packed
        path.write_bytes(kept)
        try:
            capture = read_capture(path, 1500)
        except SourceError as exc:
            assert exc.uri == str(path)
            return
    if kept.startswith(b"\x1f\x8b"):
        assert capture.data == data and not cut  # a cut member is always refused
    else:
        assert capture.data == kept  # cut before the magic number: not gzip, read as it is


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(WORDS, min_size=1, max_size=40).map(" ".join), min_size=1, max_size=5),
    st.sampled_from(["en", "ko", "zh", None]),
)
def test_relevance_and_extract_never_raise(paragraphs: list[str], language: str | None) -> None:
    body = tuple(p.strip() for p in paragraphs if p.strip())
    assume(body)
    capture = Capture(source="fuzz.html", data="\n".join(body).encode())
    document = Document(
        id="fuzz",
        source="fuzz.html",
        sha256=capture.sha256,
        format="text",
        article=Article(title=body[0][:80], body=body),
        language=language,
    )
    judged = relevance_stage(document, Settings())
    extracted = extract_facts(judged)
    text = extracted.text
    for incident in extracted.incidents:
        for span in incident.evidence:
            assert text[span.start : span.end] == span.text
