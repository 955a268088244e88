"""The one ``Store`` implementation: SQLAlchemy 2 over SQLite or PostgreSQL.

Every public method is one transaction. Database errors become ``StoreError``
naming the source or the database, so one bad row never surfaces as a raw
driver exception.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import NotFound, StoreError
from ..fingerprint import fingerprint_text
from ..records import Capture, Document
from .base import SaveResult, StoredDocument
from .tables import CaptureRow, CaptureSourceRow, DocumentRow, DropRow, FailureRow

logger = logging.getLogger(__name__)

# A concurrent writer may insert the same bytes between our check and our insert; one retry then
# finds its row. More attempts would only hide a real constraint problem.
SAVE_ATTEMPTS = 2


def _now() -> datetime:
    return datetime.now(UTC)


def capture_row(capture: Capture, now: datetime) -> CaptureRow:
    return CaptureRow(
        sha256=capture.sha256,
        source=capture.source,
        uri=capture.uri,
        content_type=capture.content_type,
        fetched_at=capture.fetched_at,
        size_bytes=len(capture.data),
        raw=capture.data,
        created_at=now,
    )


def document_row(capture_id: int, document: Document, fingerprint: str, now: datetime) -> DocumentRow:
    article = document.article
    return DocumentRow(
        capture_id=capture_id,
        doc_key=document.id,
        source=document.source,
        uri=document.uri,
        format=document.format,
        language=document.language,
        encoding=document.encoding,
        title=article.title,
        byline=article.byline,
        published=article.published,
        outlet=article.outlet,
        body_json=json.dumps(list(article.body), ensure_ascii=False),
        body_text=document.text,
        fingerprint=fingerprint,
        relevant=document.relevant,
        relevance_cues_json=json.dumps(list(document.relevance_cues), ensure_ascii=False),
        created_at=now,
    )


def _stored(row: DocumentRow, sha256: str) -> StoredDocument:
    return StoredDocument(
        id=row.id,
        key=row.doc_key,
        source=row.source,
        uri=row.uri,
        format=row.format,
        language=row.language,
        title=row.title,
        byline=row.byline,
        published=row.published,
        outlet=row.outlet,
        body=tuple(json.loads(row.body_json)),
        relevant=row.relevant,
        relevance_cues=tuple(json.loads(row.relevance_cues_json)),
        sha256=sha256,
        created_at=row.created_at,
    )


class SqlStore:
    """A ``Store`` over any SQLAlchemy engine whose schema is at the latest migration."""

    def __init__(self, engine: Engine, shown_url: str) -> None:
        self.engine = engine
        self.url = shown_url  # password hidden: safe for messages and logs
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def __repr__(self) -> str:
        return f"SqlStore({self.url!r})"

    def save_document(self, capture: Capture, document: Document) -> SaveResult:
        if document.sha256 != capture.sha256:
            raise ValueError(f"{capture.source}: document {document.id!r} was not cleaned from this capture")
        fingerprint = document.fingerprint or fingerprint_text(document.text)
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                with self._sessions.begin() as session:
                    return self._save(session, capture, document, fingerprint)
            except IntegrityError as exc:
                if attempt == SAVE_ATTEMPTS:
                    raise StoreError(capture.source, f"cannot save the document: {exc.orig}") from exc
                logger.debug("retrying save of %s after %s", capture.source, exc.orig)
            except SQLAlchemyError as exc:
                raise StoreError(capture.source, f"cannot save the document: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _save(self, session: Session, capture: Capture, document: Document, fingerprint: str) -> SaveResult:
        now = _now()
        found = session.scalars(select(CaptureRow).where(CaptureRow.sha256 == capture.sha256)).one_or_none()
        if found is None:
            found = capture_row(capture, now)
            session.add(found)
            session.flush()
        if session.get(CaptureSourceRow, (found.id, capture.source)) is None:
            session.add(CaptureSourceRow(capture_id=found.id, source=capture.source, seen_at=now))
        existing = session.scalars(
            select(DocumentRow.id).where(
                (DocumentRow.capture_id == found.id) | (DocumentRow.fingerprint == fingerprint)
            )
        ).first()
        if existing is not None:
            return SaveResult("duplicate", existing)
        row = document_row(found.id, document, fingerprint, now)
        session.add(row)
        session.flush()
        return SaveResult("stored", row.id)

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
        tables = {"documents": DocumentRow, "captures": CaptureRow, "failures": FailureRow, "drops": DropRow}
        try:
            with self._sessions() as session:
                return {
                    name: session.scalar(select(func.count()).select_from(table)) or 0 for name, table in tables.items()
                }
        except SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot count rows: {exc}") from exc

    def list_documents(self, limit: int = 50, offset: int = 0) -> list[StoredDocument]:
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        query = (
            select(DocumentRow, CaptureRow.sha256)
            .join(CaptureRow, DocumentRow.capture_id == CaptureRow.id)
            .order_by(DocumentRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        try:
            with self._sessions() as session:
                return [_stored(row, sha256) for row, sha256 in session.execute(query)]
        except SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot list documents: {exc}") from exc

    def get_document(self, doc_id: int) -> StoredDocument:
        query = (
            select(DocumentRow, CaptureRow.sha256)
            .join(CaptureRow, DocumentRow.capture_id == CaptureRow.id)
            .where(DocumentRow.id == doc_id)
        )
        try:
            with self._sessions() as session:
                found = session.execute(query).one_or_none()
        except SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot load document {doc_id}: {exc}") from exc
        if found is None:
            raise NotFound(f"document {doc_id}", f"no such document in {self.url}")
        return _stored(*found)

    def close(self) -> None:
        self.engine.dispose()
