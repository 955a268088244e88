"""Contract tests for the store, run against every backend.

PostgreSQL runs only when ``REDEFECTION_TEST_POSTGRES_URL`` names a scratch
database (its tables are dropped before each test), e.g.
``postgresql+psycopg://postgres@localhost/redefection_test``.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import OperationalError

from redefection.errors import NotFound, StoreError
from redefection.records import Capture, Document
from redefection.store import Store, StoredDocument, open_store, sql
from redefection.store.connect import hide_password
from redefection.store.sql import SqlStore
from redefection.store.tables import Base

POSTGRES_URL = os.environ.get("REDEFECTION_TEST_POSTGRES_URL")
TABLES = {"captures", "capture_sources", "documents", "failures", "drops"}

MakeCapture = Callable[..., Capture]
MakeDocument = Callable[..., Document]


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture(
    params=[
        "memory",
        "file",
        pytest.param(
            "postgres",
            marks=pytest.mark.skipif(not POSTGRES_URL, reason="REDEFECTION_TEST_POSTGRES_URL is not set"),
        ),
    ]
)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "sqlite://"
    if request.param == "file":
        return str(tmp_path / "store.db")
    assert POSTGRES_URL is not None
    _reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def any_store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


def _sources(store: Store) -> list[tuple[str, str]]:
    assert isinstance(store, SqlStore)
    with store.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT captures.sha256, capture_sources.source FROM capture_sources "
                "JOIN captures ON captures.id = capture_sources.capture_id ORDER BY capture_sources.source"
            )
        )
        return [(sha, source) for sha, source in rows]


def test_save_then_load_round_trips(any_store: Store, make_capture: MakeCapture, make_document: MakeDocument) -> None:
    capture = make_capture()
    document = make_document(capture, relevant=True, relevance_cues=("went back", "북송"))
    result = any_store.save_document(capture, document)
    assert result.status == "stored"
    assert not result.is_duplicate
    loaded = any_store.get_document(result.document_id)
    assert isinstance(loaded, StoredDocument)
    assert loaded.id == result.document_id
    assert loaded.key == "sample"
    assert loaded.source == capture.source
    assert loaded.sha256 == capture.sha256
    assert loaded.format == "html"
    assert loaded.language == "en"
    assert (loaded.title, loaded.byline, loaded.outlet) == ("A sample headline", "Kim Min-ji", "Sample Daily")
    assert loaded.published == date(2024, 2, 28)
    assert loaded.body == document.article.body
    assert loaded.paragraphs == 2
    assert loaded.text == document.text
    assert loaded.relevant is True
    assert loaded.relevance_cues == ("went back", "북송")
    assert loaded.created_at.tzinfo is not None
    assert any_store.list_documents() == [loaded]


def test_non_ascii_and_null_fields_round_trip(
    any_store: Store, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    capture = make_capture(source="pages/탈북.txt", data="재입북 기사".encode(), content_type=None, fetched_at=None)
    document = make_document(
        capture, format="text", title=None, byline=None, published=None, outlet=None, body=("재입북한 사람.",)
    )
    loaded = any_store.get_document(any_store.save_document(capture, document).document_id)
    assert (loaded.title, loaded.byline, loaded.published, loaded.outlet, loaded.relevant) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert loaded.body == ("재입북한 사람.",)
    assert loaded.key == "탈북"


def test_same_bytes_twice_keep_one_document_and_both_sources(
    any_store: Store, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    first = make_capture(source="a/page.html")
    second = make_capture(source="b/copy-of-page.html")
    stored = any_store.save_document(first, make_document(first))
    again = any_store.save_document(second, make_document(second))
    assert stored.status == "stored"
    assert again.status == "duplicate"
    assert again.document_id == stored.document_id
    assert any_store.counts()["documents"] == 1
    assert any_store.counts()["captures"] == 1
    assert [source for _, source in _sources(any_store)] == ["a/page.html", "b/copy-of-page.html"]


def test_same_source_saved_twice_is_recorded_once(
    any_store: Store, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    capture = make_capture()
    any_store.save_document(capture, make_document(capture))
    assert any_store.save_document(capture, make_document(capture)).is_duplicate
    assert len(_sources(any_store)) == 1


def test_same_text_from_different_bytes_is_a_duplicate(
    any_store: Store, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    original = make_capture(source="site-a/story.html")
    syndicated = make_capture(source="site-b/story.html", data=b"<html><p>Other chrome, same story.</p></html>")
    stored = any_store.save_document(original, make_document(original))
    copy = any_store.save_document(syndicated, make_document(syndicated, title="Another headline"))
    assert copy.status == "duplicate"
    assert copy.document_id == stored.document_id
    assert any_store.counts() == {"documents": 1, "captures": 2, "failures": 0, "drops": 0}
    # The copy's bytes and location are kept as evidence even though no second document is made.
    assert {source for _, source in _sources(any_store)} == {"site-a/story.html", "site-b/story.html"}


def test_document_must_come_from_the_capture(
    any_store: Store, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    other = make_capture(data=b"different bytes")
    with pytest.raises(ValueError, match="not cleaned from this capture"):
        any_store.save_document(make_capture(), make_document(other))


def test_failures_and_drops_are_counted(any_store: Store) -> None:
    any_store.record_failure("in/empty.txt", "ingest", "file is empty")
    any_store.record_failure("in/broken.html", "clean", "clean failed: ValueError()")
    any_store.record_drop("in/weather.html", "relevance", "off-topic", "no cue words")
    assert any_store.counts() == {"documents": 0, "captures": 0, "failures": 2, "drops": 1}
    assert isinstance(any_store, SqlStore)
    with any_store.engine.connect() as connection:
        drop = connection.execute(text("SELECT source, stage, reason, detail FROM drops")).one()
        failure = connection.execute(text("SELECT stage, message FROM failures WHERE source = 'in/empty.txt'")).one()
    assert tuple(drop) == ("in/weather.html", "relevance", "off-topic", "no cue words")
    assert tuple(failure) == ("ingest", "file is empty")


def test_list_documents_is_newest_first_and_pages(
    any_store: Store, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    ids = []
    for number in range(3):
        capture = make_capture(source=f"pages/{number}.html", data=f"<p>page {number}</p>".encode())
        document = make_document(capture, body=(f"Paragraph number {number} of its own.",))
        ids.append(any_store.save_document(capture, document).document_id)
    assert [item.id for item in any_store.list_documents()] == ids[::-1]
    assert [item.id for item in any_store.list_documents(limit=1, offset=1)] == [ids[1]]
    assert any_store.list_documents(offset=3) == []


def test_get_missing_document_raises_not_found(any_store: Store) -> None:
    with pytest.raises(NotFound, match="document 404"):
        any_store.get_document(404)


def test_failed_save_rolls_back_everything(
    any_store: Store, make_capture: MakeCapture, make_document: MakeDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object) -> None:
        raise OperationalError("INSERT INTO documents", {}, Exception("disk I/O error"))

    # The capture row is already flushed when the document row is built: both must go.
    monkeypatch.setattr(sql, "document_row", fail)
    capture = make_capture(source="pages/doomed.html")
    with pytest.raises(StoreError, match=re.escape("pages/doomed.html")):
        any_store.save_document(capture, make_document(capture))
    assert any_store.counts() == {"documents": 0, "captures": 0, "failures": 0, "drops": 0}
    assert _sources(any_store) == []


def test_migrations_create_the_tables_the_models_describe(any_store: Store) -> None:
    assert isinstance(any_store, SqlStore)
    with any_store.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= TABLES
        columns = {column["name"] for column in inspect(connection).get_columns("documents")}
        assert {"doc_key", "body_json", "body_text", "fingerprint", "relevance_cues_json"} <= columns
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_file_store_uses_wal_and_keeps_data_when_reopened(
    tmp_path: Path, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    path = tmp_path / "kept.db"
    store = open_store(str(path))
    capture = make_capture()
    doc_id = store.save_document(capture, make_document(capture)).document_id
    store.record_drop("x.html", "relevance", "off-topic", "")
    assert isinstance(store, SqlStore)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    store.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    reopened = open_store(f"sqlite:///{path}", create=False)
    assert reopened.get_document(doc_id).title == "A sample headline"
    assert reopened.counts() == {"documents": 1, "captures": 1, "failures": 0, "drops": 1}
    reopened.close()


def test_timestamps_come_back_in_utc(tmp_path: Path, make_capture: MakeCapture, make_document: MakeDocument) -> None:
    store = open_store(str(tmp_path / "times.db"))
    capture = make_capture()
    store.save_document(capture, make_document(capture))
    assert isinstance(store, SqlStore)
    with store.engine.connect() as connection:
        fetched = connection.execute(text("SELECT fetched_at FROM captures")).scalar()
    assert str(fetched).startswith("2024-03-01 09:30:00")
    assert store.list_documents()[0].created_at.tzinfo == UTC
    assert abs(store.list_documents()[0].created_at - datetime.now(UTC)).total_seconds() < 60
    store.close()


def test_open_store_accepts_paths_and_memory_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for url in (None, "relative.db", ":memory:", "sqlite:///:memory:"):
        open_store(url).close()
    assert (tmp_path / "redefection.db").is_file()
    assert (tmp_path / "relative.db").is_file()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url://at all", "not a database URL"),
        ("nosuchdb://somewhere/db", "invalid database URL"),
        ("mysql://someone:hunter2@localhost/db", "driver not installed"),
    ],
)
def test_open_store_explains_bad_urls(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message) as caught:
        open_store(url)
    assert "hunter2" not in str(caught.value)


def test_open_store_explains_unwritable_paths(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder exists and is writable") as caught:
        open_store(str(tmp_path / "missing-folder" / "store.db"))
    assert "missing-folder" in str(caught.value)
    with pytest.raises(StoreError, match="cannot open the database"):
        open_store(str(tmp_path))  # a folder, not a file


def test_open_existing_store_refuses_to_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database file"):
        open_store(str(tmp_path / "absent.db"), create=False)
    assert not (tmp_path / "absent.db").exists()


def test_hide_password() -> None:
    assert hide_password("postgresql://ana:s3cret@db.example/cases") == "postgresql://ana:***@db.example/cases"
    assert hide_password("sqlite:///plain.db") == "sqlite:///plain.db"
