"""The one ``Store`` implementation: SQLAlchemy 2 over SQLite or PostgreSQL.

Every public method is one transaction. Database errors become ``StoreError``
naming the source or the database, so one bad row never surfaces as a raw
driver exception.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from .. import __version__
from ..errors import NotFound, StoreError
from ..fingerprint import fingerprint_text
from ..records import (
    Capture,
    Case,
    Document,
    MinhashIndex,
    SourcedClaim,
    SourcedIncident,
    SyndicationCluster,
    relevance_of,
)
from . import cases as case_rows
from . import clusters, scans
from .account_sql import AccountSql
from .browse_sql import BrowseSql
from .document_rows import documents_query, stored_document
from .facts import claim_from_row, fact_values, incident_from_row, insert_facts, quote_from_row
from .monitor_sql import MonitorSql
from .review_sql import ReviewSql
from .reviewed_sql import ReviewedSql
from .rows import NearCopies, SaveResult, ScanCheckpoint, StoredDecision, StoredDocument, StoredFacts
from .tables import (
    CaptureRow,
    CaptureSourceRow,
    ClaimRow,
    DocumentRow,
    DropRow,
    FailureRow,
    IncidentRow,
    QuoteRow,
    core_table,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")
C = TypeVar("C", Session, Connection)  # what a transaction works on

# A concurrent writer may insert the same bytes between our check and our insert; one retry then
# finds its row. More attempts would only hide a real constraint problem.
SAVE_ATTEMPTS = 2
# Other transactions (indexing, clustering, cases) read, then write: a concurrent writer can insert the same
# key in between (IntegrityError), or commit first so that SQLite refuses our upgrade to a write lock at
# once ("database is locked", which busy_timeout does not cover), or PostgreSQL finds a deadlock. The
# whole transaction was rolled back, so running it again is safe; 2-writer tests needed one retry at most.
TRANSACTION_ATTEMPTS = 4
TRANSIENT_SQLSTATES = {"40001", "40P01"}  # PostgreSQL: serialization failure, deadlock detected


def is_transient(exc: SQLAlchemyError) -> bool:
    """Whether running the failed transaction again may succeed: a race with another writer."""
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, OperationalError):
        return "database is locked" in str(exc.orig) or getattr(exc.orig, "sqlstate", None) in TRANSIENT_SQLSTATES
    return False


def _now() -> datetime:
    return datetime.now(UTC)


def capture_values(capture: Capture, now: datetime, sha256: str | None = None) -> dict[str, Any]:
    """The column values of a new ``captures`` row; ``sha256``: the capture's, when already computed."""
    return {
        "sha256": sha256 or capture.sha256,
        "source": capture.source,
        "uri": capture.uri,
        "content_type": capture.content_type,
        "fetched_at": capture.fetched_at,
        "size_bytes": len(capture.data),
        "raw": capture.data,
        "created_at": now,
    }


def document_values(capture_id: int, document: Document, fingerprint: str, now: datetime) -> dict[str, Any]:
    """The column values of a new ``documents`` row."""
    article = document.article
    return {
        "capture_id": capture_id,
        "doc_key": document.id,
        "source": document.source,
        "uri": document.uri,
        "format": document.format,
        "language": document.language,
        "encoding": document.encoding,
        "title": article.title,
        "byline": article.byline,
        "published": article.published,
        "outlet": article.outlet,
        "body_json": json.dumps(list(article.body), ensure_ascii=False),
        "body_text": document.text,
        "fingerprint": fingerprint,
        "relevant": document.relevant,
        "relevance": relevance_of(document),
        "relevance_cues_json": json.dumps(list(document.relevance_cues), ensure_ascii=False),
        "created_at": now,
    }


# Saving is the hot path of ingest and scan: Core statements built once, no ORM objects or flushes.
_CAPTURES = core_table(CaptureRow)
_SOURCES = core_table(CaptureSourceRow)
_DOCUMENTS = core_table(DocumentRow)
_CAPTURE_ID = select(_CAPTURES.c.id).where(_CAPTURES.c.sha256 == bindparam("sha256"))
_INSERT_CAPTURE = insert(_CAPTURES).returning(_CAPTURES.c.id)
_SOURCE_SEEN = select(_SOURCES.c.capture_id).where(
    _SOURCES.c.capture_id == bindparam("capture_id"), _SOURCES.c.source == bindparam("source")
)
_INSERT_SOURCE = insert(_SOURCES)
_SAME_DOCUMENT = (
    select(_DOCUMENTS.c.id)
    .where(
        (_DOCUMENTS.c.capture_id == bindparam("capture_id")) | (_DOCUMENTS.c.fingerprint == bindparam("fingerprint"))
    )
    .limit(1)
)
_INSERT_DOCUMENT = insert(_DOCUMENTS).returning(_DOCUMENTS.c.id)


class SqlStore(MonitorSql, BrowseSql, ReviewSql, AccountSql, ReviewedSql):
    """A ``Store`` over any SQLAlchemy engine whose schema is at the latest migration."""

    def __init__(self, engine: Engine, shown_url: str) -> None:
        self.engine = engine
        self.url = shown_url  # password hidden: safe for messages and logs
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def __repr__(self) -> str:
        return f"SqlStore({self.url!r})"

    def save_document(self, capture: Capture, document: Document, index: MinhashIndex | None = None) -> SaveResult:
        sha256 = capture.sha256  # hashed on each access: once here
        if document.sha256 != sha256:
            raise ValueError(f"{capture.source}: document {document.id!r} was not cleaned from this capture")
        fingerprint = document.fingerprint or fingerprint_text(document.text)
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                with self.engine.begin() as connection:
                    return self._save(connection, sha256, capture, document, fingerprint, index)
            except IntegrityError as exc:
                if attempt == SAVE_ATTEMPTS:
                    raise StoreError(capture.source, f"cannot save the document: {exc.orig}") from exc
                logger.debug("retrying save of %s after %s", capture.source, exc.orig)
            except SQLAlchemyError as exc:
                raise StoreError(capture.source, f"cannot save the document: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _save(
        self,
        connection: Connection,
        sha256: str,
        capture: Capture,
        document: Document,
        fingerprint: str,
        index: MinhashIndex | None,
    ) -> SaveResult:
        now = _now()
        capture_id = connection.scalar(_CAPTURE_ID, {"sha256": sha256})
        if capture_id is None:
            capture_id = connection.scalar(_INSERT_CAPTURE, capture_values(capture, now, sha256))
            new_source = True
        else:
            new_source = connection.scalar(_SOURCE_SEEN, {"capture_id": capture_id, "source": capture.source}) is None
        if new_source:
            connection.execute(_INSERT_SOURCE, {"capture_id": capture_id, "source": capture.source, "seen_at": now})
        existing = connection.scalar(_SAME_DOCUMENT, {"capture_id": capture_id, "fingerprint": fingerprint})
        if existing is not None:
            return SaveResult("duplicate", existing)
        document_id: int = connection.scalar(_INSERT_DOCUMENT, document_values(capture_id, document, fingerprint, now))
        insert_facts(connection, fact_values(document_id, document, __version__, now))
        if index is None:
            return SaveResult("stored", document_id)
        # In the same transaction: no reader sees the document without its index rows.
        clusters.index_document(
            connection,
            document_id,
            index.signature,
            index.buckets,
            scheme=index.scheme,
            shingle_count=index.shingle_count,
            now=now,
            is_new=True,
        )
        return SaveResult("stored", document_id, indexed=True)

    def record_failure(self, source: str, stage: str, message: str) -> None:
        self._add(source, FailureRow(source=source, stage=stage, message=message, created_at=_now()))

    def record_drop(self, source: str, stage: str, reason: str, detail: str) -> None:
        row = DropRow(source=source, stage=stage, reason=reason, detail=detail, created_at=_now())
        self._add(source, row)

    def _add(self, source: str, row: FailureRow | DropRow) -> None:
        try:
            with self._sessions.begin() as session:
                session.add(row)
        except SQLAlchemyError as exc:
            raise StoreError(source, f"cannot record the {row.__tablename__[:-1]}: {exc}") from exc

    def counts(self) -> dict[str, int]:
        tables = {
            "documents": DocumentRow,
            "captures": CaptureRow,
            "failures": FailureRow,
            "drops": DropRow,
            "incidents": IncidentRow,
            "claims": ClaimRow,
            "quotes": QuoteRow,
        }
        queries = {name: select(func.count()).select_from(table) for name, table in tables.items()}
        queries["relevant"] = select(func.count()).select_from(DocumentRow).where(DocumentRow.relevant.is_(True))
        queries["possible"] = select(func.count()).select_from(DocumentRow).where(DocumentRow.relevance == "possible")
        try:
            with self._sessions() as session:
                return {name: session.scalar(query) or 0 for name, query in queries.items()}
        except SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot count rows: {exc}") from exc

    def list_documents(self, limit: int = 50, offset: int = 0) -> list[StoredDocument]:
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        newest = (DocumentRow.published.desc().nulls_last(), DocumentRow.id.desc())  # undated last, then latest stored
        query = documents_query().order_by(*newest).limit(limit).offset(offset)
        try:
            with self._sessions() as session:
                return [stored_document(*found) for found in session.execute(query)]
        except SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot list documents: {exc}") from exc

    def get_document(self, doc_id: int) -> StoredDocument:
        query = documents_query().where(DocumentRow.id == doc_id)
        try:
            with self._sessions() as session:
                found = session.execute(query).one_or_none()
        except SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot load document {doc_id}: {exc}") from exc
        if found is None:
            raise NotFound(f"document {doc_id}", f"no such document in {self.url}")
        return stored_document(*found)

    def get_facts(self, document_id: int) -> StoredFacts:
        try:
            with self._sessions() as session:
                if session.scalar(select(DocumentRow.id).where(DocumentRow.id == document_id)) is None:
                    raise NotFound(f"document {document_id}", f"no such document in {self.url}")
                incidents = session.scalars(
                    select(IncidentRow)
                    .where(IncidentRow.document_id == document_id)
                    .order_by(IncidentRow.position)
                    .options(selectinload(IncidentRow.evidence))
                ).all()
                claims = session.scalars(
                    select(ClaimRow).where(ClaimRow.document_id == document_id).order_by(ClaimRow.position)
                ).all()
                quotes = session.scalars(
                    select(QuoteRow).where(QuoteRow.document_id == document_id).order_by(QuoteRow.position)
                ).all()
                return StoredFacts(
                    document_id=document_id,
                    incidents=tuple(incident_from_row(row) for row in incidents),
                    claims=tuple(claim_from_row(row) for row in claims),
                    quotes=tuple(quote_from_row(row) for row in quotes),
                )
        except SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot load the facts of document {document_id}: {exc}") from exc

    def index_document(
        self, document_id: int, signature: bytes, buckets: Sequence[int], *, scheme: str, shingle_count: int
    ) -> None:
        def work(connection: Connection) -> None:
            clusters.index_document(
                connection, document_id, signature, buckets, scheme=scheme, shingle_count=shingle_count, now=_now()
            )

        self._core(f"document {document_id}", "cannot index the document", work)

    def similar_documents(self, document_id: int, buckets: Sequence[int]) -> list[int]:
        return self._core(
            f"document {document_id}",
            "cannot look up near duplicates",
            lambda connection: clusters.similar_documents(connection, document_id, buckets),
        )

    def near_copies(self, capture_sha256: str, document_id: int, buckets: Sequence[int]) -> NearCopies:
        return self._core(
            f"document {document_id}",
            "cannot look up near duplicates",
            lambda connection: clusters.near_copies(connection, capture_sha256, document_id, buckets),
        )

    def cluster_of_page(self, capture_sha256: str) -> SyndicationCluster | None:
        def work(connection: Connection) -> SyndicationCluster | None:
            found = clusters.cluster_id_of_page(connection, capture_sha256)
            return None if found is None else clusters.load_clusters(connection, [found])[0]

        return self._core(f"capture {capture_sha256[:12]}", "cannot load its cluster", work)

    def cluster_of_document(self, document_id: int) -> SyndicationCluster | None:
        def work(connection: Connection) -> SyndicationCluster | None:
            found = clusters.cluster_id_of_document(connection, document_id)
            return None if found is None else clusters.load_clusters(connection, [found])[0]

        return self._core(f"document {document_id}", "cannot load its cluster", work)

    def clusters_of_documents(self, document_ids: Iterable[int]) -> dict[int, SyndicationCluster]:
        return self._core(
            self.url,
            "cannot load clusters",
            lambda connection: clusters.clusters_of_documents(connection, document_ids),
        )

    def document_texts(self, document_ids: Iterable[int]) -> dict[int, str]:
        return self._core(
            self.url, "cannot load document texts", lambda connection: clusters.document_texts(connection, document_ids)
        )

    def assign_cluster(self, cluster: SyndicationCluster, replaces: Sequence[int] = ()) -> SyndicationCluster:
        def work(connection: Connection) -> SyndicationCluster:
            cluster_id = clusters.save_cluster(connection, cluster, replaces, _now())
            return clusters.load_clusters(connection, [cluster_id])[0]

        return self._core(cluster.canonical.sources[0], "cannot save its cluster", work)

    def list_clusters(self, min_size: int = 2) -> list[SyndicationCluster]:
        return self._core(
            self.url,
            "cannot list clusters",
            lambda connection: clusters.load_clusters(connection, clusters.cluster_ids(connection, min_size)),
        )

    def list_sourced_incidents(self) -> list[SourcedIncident]:
        return self._transaction(self.url, "cannot load incidents", case_rows.sourced_incidents)

    def list_sourced_claims(self) -> list[SourcedClaim]:
        return self._transaction(self.url, "cannot load claims", case_rows.sourced_claims)

    def document_clusters(self) -> dict[str, str]:
        return self._transaction(self.url, "cannot load syndication clusters", case_rows.document_clusters)

    def replace_cases(self, cases: Sequence[Case]) -> list[int]:
        return self._transaction(
            self.url, "cannot save cases", lambda session: case_rows.replace_cases(session, cases, _now())
        )

    def save_case_decision(self, decision: StoredDecision) -> StoredDecision:
        return self._transaction(
            self.url,
            f"cannot save the {decision.kind}",
            lambda session: case_rows.save_decision(session, decision, _now()),
        )

    def list_case_decisions(self) -> list[StoredDecision]:
        return self._transaction(self.url, "cannot load case decisions", case_rows.list_decisions)

    def _transaction(self, what: str, problem: str, work: Callable[[Session], T]) -> T:
        return self._retrying(what, problem, self._sessions.begin, work)

    def _core(self, what: str, problem: str, work: Callable[[Connection], T]) -> T:
        """``_transaction`` on a plain connection, for work done with Core statements only (no ORM session)."""
        return self._retrying(what, problem, self.engine.begin, work)

    def _retrying(
        self, what: str, problem: str, begin: Callable[[], AbstractContextManager[C]], work: Callable[[C], T]
    ) -> T:
        for attempt in range(1, TRANSACTION_ATTEMPTS + 1):
            try:
                with begin() as opened:
                    return work(opened)
            except SQLAlchemyError as exc:
                if attempt == TRANSACTION_ATTEMPTS or not is_transient(exc):
                    raise StoreError(what, f"{problem}: {exc}") from exc
                logger.debug("retrying (%s) after a concurrent writer: %s", problem, exc)
            except LookupError as exc:
                raise StoreError(what, f"{problem}: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def scan_checkpoint(self, archive: str) -> ScanCheckpoint | None:
        return self._transaction(
            archive, "cannot read the scan checkpoint", lambda s: scans.load_checkpoint(s, archive)
        )

    def save_scan_checkpoint(self, checkpoint: ScanCheckpoint) -> None:
        self._transaction(
            checkpoint.archive, "cannot save the scan checkpoint", lambda s: scans.save_checkpoint(s, checkpoint)
        )

    def close(self) -> None:
        self.engine.dispose()
