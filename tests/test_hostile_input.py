"""Hostile and broken input through the real command: a clear error naming each bad input, the batch goes on,
memory stays bounded, exit code 1 (issue 7).

Complements ``test_cli.py`` (empty, binary, 50 MB page, broken HTML, unreadable, missing, dangling link).
"""

from __future__ import annotations

import gzip
import os
import sqlite3
import time
import zlib
from pathlib import Path

import pytest

from proc_helpers import page_html, run_cli
from redefection.errors import SourceError
from redefection.ingest.files import display_path, iter_captures, read_capture
from warc_helpers import Rec, record_bytes, write_warc

# The hostile batch peaks near 470 MB here (models, a 64 MiB input buffer and its decompressed copy);
# reading the 1 GB file or inflating the 200 MB bomb whole would pass this.
MEMORY_BOUND_MB = 800
GIB = 1 << 30


def _bomb(size: int) -> bytes:
    """Gzip of ``size`` spaces: about 1/1000 of ``size`` on disk."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b" " * (1 << 20)
    parts = [compressor.compress(b"<p>")]
    parts += [compressor.compress(chunk) for _ in range(size >> 20)]
    return b"".join(parts) + compressor.flush()


def _stored_sources(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT source FROM documents ORDER BY source")]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A folder of every kind of bad input, plus good pages that must still be stored."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.html").write_bytes(page_html(1))
    (inbox / "truncated.html.gz").write_bytes(gzip.compress(page_html(2))[:-25])
    (inbox / "bomb.html.gz").write_bytes(_bomb(200 << 20))
    with open(inbox / "huge.html", "wb") as handle:  # sparse: 1 GB on paper, nothing on disk
        handle.truncate(GIB)
    (inbox / "one-line.txt").write_bytes(b"x" * (100 << 20))  # one 100 MB line
    deep = "<div>" * 10_000 + page_html(3).decode() + "</div>" * 10_000
    (inbox / "nested.html").write_text(f"<html><body>{deep}</body></html>")
    (inbox / "nul-bytes.html").write_bytes(page_html(4).replace(b"</p>", b"\x00</p>", 2))
    (inbox / "all-nul.html").write_bytes(b"\x00" * 4096)
    # Lying and mixed encodings: the header says one thing, the bytes another.
    korean = (
        "<p>탈북민 김모씨가 지난주 북한으로 돌아간 것으로 확인됐다고 통일부가 밝혔다. 경찰은 경위를 조사 중이다.</p>"
        * 3
    )
    (inbox / "says-euc-kr-is-utf8.html").write_bytes(
        f"<html><head><meta charset='euc-kr'><title>재입북</title></head><body>{korean}</body></html>".encode()
    )
    (inbox / "says-utf8-is-cp949.html").write_bytes(
        f"<html><head><meta charset='utf-8'><title>재입북 2</title></head><body>{korean}2</body></html>".encode("cp949")
    )
    (inbox / "mixed.html").write_bytes(page_html(5).replace(b"</h1>", "</h1><p>Café ø</p>".encode("latin-1")))
    # Wrong extensions.
    (inbox / "page-named.txt").write_bytes(page_html(6))
    (inbox / "gzip-named.html").write_bytes(gzip.compress(page_html(7)))
    (inbox / "png-named.html").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(4096))
    (inbox / "warc-named.html").write_bytes(record_bytes(Rec("https://example.org/", page_html(8)), 1))
    # Names, links and special files.
    Path(os.fsdecode(os.fsencode(inbox) + b"/caf\xe9-latin1-name.html")).write_bytes(page_html(9))
    (inbox / "loop.html").symlink_to(inbox / "loop.html")
    (inbox / "sub").mkdir()
    (inbox / "sub" / "up").symlink_to(inbox)
    os.mkfifo(inbox / "fifo.html")
    return inbox


def test_hostile_batch_names_each_bad_input_stores_the_rest_and_stays_bounded(hostile: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    db = tmp_path / "store.db"
    bytes_name = os.fsencode(hostile) + b"/caf\xe9-latin1-name.html"  # a non-UTF-8 name on the command line
    result = run_cli("ingest", str(hostile), str(empty), bytes_name, str(tmp_path / "missing.html"), "--db", str(db))
    assert result.code == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    expected = {
        "truncated.html.gz": "truncated gzip data",
        "bomb.html.gz": "gzip expands past the 67,108,864-byte limit",
        "huge.html": "file is 1,073,741,824 bytes, over the 67,108,864-byte limit",
        "one-line.txt": "over the 67,108,864-byte limit",
        "all-nul.html": "binary data",
        "png-named.html": "PNG image",
        "warc-named.html": "WARC archive (use the scan command)",
        "loop.html": "symbolic link loop",
        "sub/up": "symbolic link loop",
        "fifo.html": "not a regular file",
        "empty-folder": "folder holds no files",
        "missing.html": "no such file",
    }
    for name, problem in expected.items():
        assert any(name in line and problem in line for line in errors), (name, errors)
    assert len(errors) == len(expected), errors
    stored = _stored_sources(db)
    names = {Path(source).name for source in stored}
    assert {"good.html", "nul-bytes.html", "mixed.html", "page-named.txt", "gzip-named.html"} <= names
    assert {"says-euc-kr-is-utf8.html", "says-utf8-is-cp949.html"} <= names
    assert "caf\\xe9-latin1-name.html" in names  # escaped once, valid UTF-8 in the database
    assert "1 duplicate" in result.stderr  # the same file named twice, once with a bytes path
    assert result.peak_rss_mb < MEMORY_BOUND_MB, result.peak_rss_mb
    print(f"hostile batch: peak RSS {result.peak_rss_mb:.0f} MB")
    with sqlite3.connect(db) as connection:
        bodies = dict(connection.execute("SELECT doc_key, body_text FROM documents"))
    for lying in ("says-euc-kr-is-utf8", "says-utf8-is-cp949"):  # read as what the bytes are
        assert "탈북민 김모씨가" in bodies[lying] and "\ufffd" not in bodies[lying]
    assert "\x00" not in bodies["nul-bytes"]


def test_ten_thousand_deep_html_neither_crashes_nor_fails(tmp_path: Path) -> None:
    deep = "<div>" * 10_000 + page_html(3).decode() + "</div>" * 10_000
    (tmp_path / "nested.html").write_text(f"<html><body>{deep}</body></html>")
    result = run_cli("extract", str(tmp_path / "nested.html"))
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    # libxml2 stops building the tree past its depth limit, so the story inside may be lost: a skip, named.
    assert result.stdout or "nested.html: no article text" in result.stderr


def test_sentence_splitting_is_linear_in_paragraph_length() -> None:
    # A one-paragraph page of 1 MB (a 100 MB one-line page under a raised limit is cut to max_html_bytes)
    # took 270 s in the extract stage while each sentence end re-searched the whole text before it.
    from redefection.extract.sentences import split_text

    sentence = "The man crossed back over the border on Friday, officials said. "

    def seconds(count: int) -> float:  # the fastest of five runs: other processes only ever add time
        text = sentence * count
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            split_text(text, "en")
            runs.append(time.perf_counter() - started)
        return min(runs)

    small, large = seconds(2000), seconds(8000)  # 4x the text: about 4x the time if linear, 16x if quadratic
    assert large < 8 * max(small, 1e-3)


def test_a_one_gigabyte_file_is_refused_by_its_size_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "huge.html"
    with open(huge, "wb") as handle:
        handle.truncate(GIB)

    def no_reading(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(SourceError, match="1,073,741,824 bytes, over the"):
        read_capture(huge, 64 << 20)


def test_gzip_limits_hold_for_every_member(tmp_path: Path) -> None:
    two = tmp_path / "two-members.html.gz"
    two.write_bytes(gzip.compress(b"<p>first member</p>") + gzip.compress(b"<p>second member</p>"))
    assert read_capture(two, 1 << 20).data == b"<p>first member</p><p>second member</p>"
    bomb = tmp_path / "second-member-bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<p>small</p>") + _bomb(4 << 20))
    with pytest.raises(SourceError, match="gzip expands past the 1,048,576-byte limit"):
        read_capture(bomb, 1 << 20)
    cut = tmp_path / "cut.html.gz"
    cut.write_bytes(gzip.compress(b"<p>first</p>") + gzip.compress(b"<p>second</p>")[:-10])
    with pytest.raises(SourceError, match="truncated gzip data"):
        read_capture(cut, 1 << 20)


def test_non_utf8_names_become_readable_escapes(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/\xff\xfe-name.html"
    Path(os.fsdecode(raw)).write_bytes(page_html(1))
    assert display_path(raw).endswith("\\xff\\xfe-name.html")
    (item,) = list(iter_captures([tmp_path], 1 << 20))
    assert not isinstance(item, SourceError)
    assert item.source.endswith("\\xff\\xfe-name.html")
    item.source.encode("utf-8")  # no lone surrogates left


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file; test_cli.py fakes the refusal instead")
def test_unreadable_file_in_a_folder_is_named(tmp_path: Path) -> None:
    (tmp_path / "good.html").write_bytes(page_html(1))
    locked = tmp_path / "locked.html"
    locked.write_bytes(page_html(2))
    locked.chmod(0)
    result = run_cli("ingest", str(tmp_path), "--db", str(tmp_path / "store.db"))
    assert result.code == 1
    assert "locked.html: cannot read: Permission denied" in result.stderr


def test_hostile_archives_are_named_and_the_scan_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "crawl"
    folder.mkdir()
    relevant = page_html(1).replace(b"Report number 1", b"Defector went back to North Korea, ministry says")
    records = [Rec(f"https://e.org/{i}", relevant + b"%d" % i) for i in range(4)]
    write_warc(folder / "truncated.warc.gz", records, cut=300)
    bomb = Rec("https://e.org/bomb", _bomb(100 << 20), extra_http="Content-Encoding: gzip\r\n")
    write_warc(folder / "bomb.warc.gz", [bomb, Rec("https://e.org/ok", relevant + b"ok")])
    (folder / "garbage.warc.gz").write_bytes(b"\x1f\x8b\x08" + b"garbage" * 1000)
    (folder / "empty.warc").write_bytes(b"")
    with open(folder / "sparse.warc", "wb") as handle:
        handle.truncate(GIB)
    result = run_cli("scan", str(folder), "--db", str(tmp_path / "store.db"), "--workers", "1")
    assert result.code == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    expected = {
        "truncated.warc.gz": "cut short (truncated archive?)",
        "bomb.warc.gz": "expands past the 67,108,864-byte limit",
        "garbage.warc.gz": "unreadable data",
        "empty.warc": "empty archive",
        "sparse.warc": "not a WARC or WARC.gz archive",
    }
    for name, problem in expected.items():
        assert any(name in line and problem in line for line in errors), (name, errors)
    assert result.peak_rss_mb < MEMORY_BOUND_MB, result.peak_rss_mb


def test_response_record_without_http_headers_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    head = (
        b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        b"WARC-Target-URI: https://e.org/\r\nContent-Length: 4\r\n\r\n"
    )
    (tmp_path / "no-http.warc").write_bytes(head + b"oops\r\n\r\n")
    result = run_cli("scan", str(tmp_path / "no-http.warc"), "--db", str(tmp_path / "store.db"), "--workers", "1")
    assert "Traceback" not in result.stderr


def test_an_oversized_record_is_a_named_failure_not_a_silent_skip_issue_14(tmp_path: Path) -> None:
    folder = tmp_path / "crawl"
    folder.mkdir()
    relevant = page_html(7, relevant=True)
    huge = Rec("https://e.org/huge", b"<html><body><p>" + b" " * (70 << 20) + b"</p></body></html>")
    write_warc(folder / "huge.warc.gz", [huge, Rec("https://e.org/after", relevant)])  # 70 MB over the 64 MiB cap
    result = run_cli("scan", str(folder), "--db", str(tmp_path / "store.db"), "--workers", "1")
    assert result.code == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert any("huge.warc.gz" in line and "exceed the 67,108,864-byte limit" in line for line in errors), errors
    assert "1 failed" in result.stderr, result.stderr  # counted like any other failure
    with sqlite3.connect(tmp_path / "store.db") as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 1  # the next record is read


LONG_PAGE_SENTENCES = (
    "The defector Kim Chol-su, 34, crossed back into North Korea on Friday, officials said, "
    "after struggling to find work. ",
    "A 40-year-old man swam back to the North in March 2019, the ministry said. ",
    "Lee Young-hee, 52, and Park Min-jun, 31, went back to the North in June, and Choi in September. ",
    "Another defector returned to North Korea last week; he had faced a police investigation. ",
)


@pytest.mark.parametrize("megabytes", [1, 5, pytest.param(50, marks=pytest.mark.slow)])
def test_incidents_of_a_long_relevant_page_cost_a_bounded_multiple_of_cleaning_it(
    megabytes: int, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # One relevant paragraph repeated to 1 MB took 14.6 s in incidents against 0.75 s to clean it (every
    # incident draft was compared with every sentence); now the drafts are indexed and the work capped.
    import dataclasses

    from redefection.extract.incidents import MAX_DRAFTS, extract_incidents
    from redefection.pipeline import Pipeline
    from redefection.relevance import analyse
    from redefection.settings import Settings

    unit = "".join(LONG_PAGE_SENTENCES)
    page = tmp_path / "long.txt"
    page.write_text("Defector returns north\n\n" + unit * (megabytes * 1_000_000 // len(unit)))
    capture = read_capture(page, 1 << 27)
    clean = Pipeline(Settings(stages=("clean",), max_html_bytes=1 << 27))
    warm = tmp_path / "warm.txt"
    warm.write_text("Defector returns north\n\n" + unit)
    clean(read_capture(warm, 1 << 20))  # models and lexicons load once, outside the timing
    started = time.perf_counter()
    outcome = clean(capture)
    cleaning = time.perf_counter() - started
    assert outcome.document is not None
    document = dataclasses.replace(outcome.document, relevant=True)
    sentences, found = analyse(document)
    cue_sentences = {cue.sentence for cue in found}
    cues = {index for index, sentence in enumerate(sentences) if sentence in cue_sentences}
    started = time.perf_counter()
    with caplog.at_level("WARNING", logger="redefection.extract.incidents"):
        incidents = extract_incidents(document, sentences, cues)
    extracting = time.perf_counter() - started
    print(f"{megabytes} MB: cleaning {cleaning:.2f} s, incidents {extracting:.2f} s")
    assert extracting < 6 * cleaning + 1.0
    assert 0 < len(incidents) <= MAX_DRAFTS
    assert "too many candidate sentences" in caplog.text
