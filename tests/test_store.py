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
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Date, DateTime, LargeBinary, column, create_engine, inspect, table, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql.expression import TableClause

from redefection import __version__
from redefection.errors import NotFound, StoreError
from redefection.records import Capture, Claim, Document, Incident, Person, Quote, Span
from redefection.store import Store, StoredDocument, StoredFacts, connect, open_store, sql
from redefection.store.connect import alembic_config, hide_password, make_engine, parse_url
from redefection.store.facts import FactValues
from redefection.store.search_sql import include_name
from redefection.store.sql import SqlStore
from redefection.store.tables import Base

POSTGRES_URL = os.environ.get("REDEFECTION_TEST_POSTGRES_URL")
COMPARE_OPTS = {"include_name": include_name}  # full-text search objects no model describes
TABLES = {"captures", "capture_sources", "documents", "failures", "drops"}
FACT_TABLES = {"incidents", "incident_evidence", "claims", "quotes"}

MakeCapture = Callable[..., Capture]
MakeDocument = Callable[..., Document]


def counts(**nonzero: int) -> dict[str, int]:
    """What ``Store.counts()`` returns when only ``nonzero`` kinds have rows."""
    kinds = ("documents", "captures", "failures", "drops", "relevant", "possible", "incidents", "claims", "quotes")
    return {kind: nonzero.get(kind, 0) for kind in kinds}


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
    assert any_store.counts() == counts(documents=1, captures=2)
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
    assert any_store.counts() == counts(failures=2, drops=1)
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
    monkeypatch.setattr(sql, "document_values", fail)
    capture = make_capture(source="pages/doomed.html")
    with pytest.raises(StoreError, match=re.escape("pages/doomed.html")):
        any_store.save_document(capture, make_document(capture))
    assert any_store.counts() == counts()
    assert _sources(any_store) == []


def test_migrations_create_the_tables_the_models_describe(any_store: Store) -> None:
    assert isinstance(any_store, SqlStore)
    with any_store.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= TABLES | FACT_TABLES
        columns = {column["name"] for column in inspect(connection).get_columns("documents")}
        assert {"doc_key", "body_json", "body_text", "fingerprint", "relevance_cues_json"} <= columns
        differences = compare_metadata(MigrationContext.configure(connection, opts=COMPARE_OPTS), Base.metadata)
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
    assert reopened.counts() == counts(documents=1, captures=1, drops=1)
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


def test_open_store_names_a_sqlite_too_old_for_returning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connect.sqlite3, "sqlite_version_info", (3, 34, 1))
    monkeypatch.setattr(connect.sqlite3, "sqlite_version", "3.34.1")
    with pytest.raises(StoreError, match=r"SQLite 3\.34\.1 is too old: redefection needs 3\.35\.0 or later"):
        open_store(str(tmp_path / "store.db"))
    assert not (tmp_path / "store.db").exists()


def test_open_existing_store_refuses_to_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database file"):
        open_store(str(tmp_path / "absent.db"), create=False)
    assert not (tmp_path / "absent.db").exists()


def test_hide_password() -> None:
    assert hide_password("postgresql://ana:s3cret@db.example/cases") == "postgresql://ana:***@db.example/cases"
    assert hide_password("sqlite:///plain.db") == "sqlite:///plain.db"


# A story we wrote for the fact tests; every evidence span below is cut from its text.
FACT_BODY = (
    "Kim Woo-jeong, 29, a former soldier who arrived in 2017, swam back across the river in July, police said.",
    "A woman surnamed Lee went back through China with her son, a relative said.",
    "The ministry said 31 defectors had returned north since 2012.",
    '"We are still checking how they crossed," said Park Ji-hoon, a spokesman for the unification ministry.',
)
FACT_TEXT = "\n\n".join(FACT_BODY)


def span(phrase: str) -> Span:
    start = FACT_TEXT.index(phrase)
    return Span(start, start + len(phrase), phrase)


INCIDENTS = (
    Incident(
        person=Person(name="Kim Woo-jeong", surname="Kim", age=29, gender="male", occupation="soldier"),
        arrived_south="2017",
        returned="2023-07",
        route="swam across the river",
        reasons=("unknown",),
        evidence=(span("Kim Woo-jeong, 29"), span("swam back across the river in July")),
    ),
    Incident(
        person=Person(surname="Lee", gender="female"),
        group_size=2,
        route="China",
        status="attempted",
        reasons=("coercion", "maladjustment"),
        evidence=(span("went back through China with her son"),),
    ),
)
CLAIM = Claim(
    subject="returned_north",
    value=31,
    qualifier="exact",
    period="2012-2024",
    as_of="2024-02",
    source="the ministry",
    evidence=span("31 defectors had returned north since 2012"),
)
QUOTE = Quote(
    speaker="Park Ji-hoon",
    role="spokesman",
    organization="unification ministry",
    evidence=span('"We are still checking how they crossed,"'),
)


def _fact_document(make_document: MakeDocument, capture: Capture, **overrides: object) -> Document:
    values: dict[str, object] = {
        "body": FACT_BODY,
        "relevant": True,
        "incidents": INCIDENTS,
        "claims": (CLAIM,),
        "quotes": (QUOTE,),
    }
    values.update(overrides)
    return make_document(capture, **values)


def test_facts_round_trip(any_store: Store, make_capture: MakeCapture, make_document: MakeDocument) -> None:
    capture = make_capture()
    doc_id = any_store.save_document(capture, _fact_document(make_document, capture)).document_id
    facts = any_store.get_facts(doc_id)
    assert facts == StoredFacts(document_id=doc_id, incidents=INCIDENTS, claims=(CLAIM,), quotes=(QUOTE,))
    loaded = any_store.get_document(doc_id)
    assert loaded.text == FACT_TEXT
    for evidence in (*INCIDENTS[0].evidence, *INCIDENTS[1].evidence, CLAIM.evidence, QUOTE.evidence):
        assert evidence is not None
        assert loaded.text[evidence.start : evidence.end] == evidence.text
    assert (loaded.incidents, loaded.claims, loaded.quotes) == (2, 1, 1)
    assert any_store.list_documents() == [loaded]
    assert any_store.counts() == counts(documents=1, captures=1, relevant=1, incidents=2, claims=1, quotes=1)


def test_facts_are_stamped_with_version_and_review_state(
    any_store: Store, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    capture = make_capture()
    any_store.save_document(capture, _fact_document(make_document, capture))
    assert isinstance(any_store, SqlStore)
    with any_store.engine.connect() as connection:
        for name in ("incidents", "claims", "quotes"):
            stamps = connection.execute(text(f"SELECT DISTINCT extractor_version, review_state FROM {name}")).all()
            assert [tuple(row) for row in stamps] == [(__version__, "machine")], name
        evidence = connection.execute(
            text(
                "SELECT incidents.position, incident_evidence.position, start_offset, end_offset, text "
                "FROM incident_evidence JOIN incidents ON incidents.id = incident_evidence.incident_id "
                "ORDER BY incidents.position, incident_evidence.position"
            )
        ).all()
        surname = connection.execute(text("SELECT surname, reasons_json FROM incidents WHERE position = 1")).one()
    first, second = INCIDENTS[0].evidence
    (third,) = INCIDENTS[1].evidence
    assert [tuple(row) for row in evidence] == [
        (0, 0, first.start, first.end, first.text),
        (0, 1, second.start, second.end, second.text),
        (1, 0, third.start, third.end, third.text),
    ]
    assert tuple(surname) == ("Lee", '["coercion", "maladjustment"]')


def test_facts_with_empty_fields_round_trip(
    any_store: Store, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    capture = make_capture()
    incidents = (Incident(),)
    claims = (Claim(subject="other", value=3, qualifier="about"),)
    quotes = (Quote(), Quote(speaker="박지훈", evidence=span('"We are still checking how they crossed,"')))
    document = _fact_document(make_document, capture, incidents=incidents, claims=claims, quotes=quotes)
    doc_id = any_store.save_document(capture, document).document_id
    assert any_store.get_facts(doc_id) == StoredFacts(doc_id, incidents, claims, quotes)


def test_document_without_facts_has_none(
    any_store: Store, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    capture = make_capture()
    doc_id = any_store.save_document(capture, make_document(capture, relevant=False)).document_id
    assert any_store.get_facts(doc_id) == StoredFacts(doc_id)
    assert any_store.counts() == counts(documents=1, captures=1)


def test_get_facts_of_missing_document_raises_not_found(any_store: Store) -> None:
    with pytest.raises(NotFound, match="document 404"):
        any_store.get_facts(404)


def test_duplicate_save_stores_no_second_set_of_facts(
    any_store: Store, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    first = make_capture(source="site-a/story.html")
    stored = any_store.save_document(first, _fact_document(make_document, first))
    # Same bytes again, then the same text in other bytes; both were extracted differently this time.
    again = any_store.save_document(first, _fact_document(make_document, first, incidents=INCIDENTS[:1]))
    copy = make_capture(source="site-b/story.html", data=b"<html><p>Same story, other chrome.</p></html>")
    syndicated = any_store.save_document(copy, _fact_document(make_document, copy, claims=(), quotes=(QUOTE, QUOTE)))
    assert (again.status, syndicated.status) == ("duplicate", "duplicate")
    assert again.document_id == syndicated.document_id == stored.document_id
    assert any_store.get_facts(stored.document_id) == StoredFacts(stored.document_id, INCIDENTS, (CLAIM,), (QUOTE,))
    assert any_store.counts() == counts(documents=1, captures=2, relevant=1, incidents=2, claims=1, quotes=1)


def test_failed_fact_insert_rolls_back_the_document(
    any_store: Store, make_capture: MakeCapture, make_document: MakeDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fact_values = sql.fact_values

    def unknown_review_state(*args: Any) -> FactValues:
        values = real_fact_values(*args)
        values.quotes[-1]["review_state"] = "guessed"  # refused by the review_state check constraint
        return values

    monkeypatch.setattr(sql, "fact_values", unknown_review_state)
    capture = make_capture(source="pages/doomed.html")
    with pytest.raises(StoreError, match=re.escape("pages/doomed.html")):
        any_store.save_document(capture, _fact_document(make_document, capture))
    assert any_store.counts() == counts()
    assert _sources(any_store) == []


# Column types the 0001 rows need for binding; untyped columns take their value as is.
OLD_TYPES: dict[str, Any] = {
    "fetched_at": DateTime(timezone=True),
    "seen_at": DateTime(timezone=True),
    "created_at": DateTime(timezone=True),
    "published": Date(),
    "raw": LargeBinary(),
}


def _old_table(name: str, *names: str) -> TableClause:
    """A table as the 0001 schema knew it, independent of today's models."""
    return table(name, *(column(each, OLD_TYPES.get(each)) for each in names))


def _insert_at_0001(connection: Connection, capture: Capture) -> int:
    """Insert a capture, its source, its document and a drop; return the document id."""
    when = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    captures = _old_table("captures", "id", "sha256", "source", "size_bytes", "fetched_at", "raw", "created_at")
    sources = _old_table("capture_sources", "capture_id", "source", "seen_at")
    documents = _old_table(
        "documents",
        *("id", "capture_id", "doc_key", "source", "format", "language", "title", "published"),
        *("body_json", "body_text", "fingerprint", "relevant", "relevance_cues_json", "created_at"),
    )
    drops = _old_table("drops", "source", "stage", "reason", "detail", "created_at")
    # No explicit ids: on PostgreSQL they would leave the id sequences behind the rows.
    capture_id = connection.execute(
        captures.insert()
        .returning(captures.c.id)
        .values(
            sha256=capture.sha256,
            source=capture.source,
            size_bytes=len(capture.data),
            fetched_at=when,
            raw=capture.data,
            created_at=when,
        )
    ).scalar_one()
    connection.execute(sources.insert().values(capture_id=capture_id, source=capture.source, seen_at=when))
    document_id = connection.execute(
        documents.insert()
        .returning(documents.c.id)
        .values(
            capture_id=capture_id,
            doc_key="old",
            source=capture.source,
            format="html",
            language="en",
            title="Stored before facts existed",
            published=date(2024, 2, 28),
            body_json='["Only paragraph."]',
            body_text="Only paragraph.",
            fingerprint="f" * 64,
            relevant=True,
            relevance_cues_json='["went back"]',
            created_at=when,
        )
    ).scalar_one()
    connection.execute(
        drops.insert().values(source="x.html", stage="relevance", reason="off-topic", detail="", created_at=when)
    )
    return int(document_id)


def test_migration_to_0002_keeps_existing_rows(
    store_url: str, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    engine = make_engine(parse_url(store_url))
    config = alembic_config()
    old = make_capture(source="pages/old.html", data=b"<p>old bytes</p>")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        old_id = _insert_at_0001(connection, old)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    store = SqlStore(engine, store_url)
    loaded = store.get_document(old_id)
    assert (loaded.title, loaded.body, loaded.relevant, loaded.sha256) == (
        "Stored before facts existed",
        ("Only paragraph.",),
        True,
        old.sha256,
    )
    assert (loaded.incidents, loaded.claims, loaded.quotes) == (0, 0, 0)
    assert loaded.published == date(2024, 2, 28)
    assert store.get_facts(old_id) == StoredFacts(old_id)
    assert store.counts() == counts(documents=1, captures=1, drops=1, relevant=1)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT raw FROM captures")).scalar() == old.data
    # The migrated database takes new documents with facts, next to the old one.
    capture = make_capture()
    new_id = store.save_document(capture, _fact_document(make_document, capture)).document_id
    assert store.get_facts(new_id).incidents == INCIDENTS
    assert store.counts() == counts(documents=2, captures=2, drops=1, relevant=2, incidents=2, claims=1, quotes=1)
    # And back: downgrading drops the fact tables only.
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
        names = set(inspect(connection).get_table_names())
        documents = connection.execute(text("SELECT count(*) FROM documents")).scalar()
    assert not names & FACT_TABLES
    assert names >= TABLES
    assert documents == 2
    store.close()
