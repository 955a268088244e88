"""Stored documents as the rest of the code sees them: one query shape and one row-to-record conversion.

Shared by ``SqlStore`` and its mixins (browsing, monitoring), so a document
listed, searched or fetched by id is always built the same way.
"""

from __future__ import annotations

import json
from typing import cast

from sqlalchemy import ColumnElement, ScalarSelect, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute

from ..records import Relevance
from .rows import StoredDocument
from .tables import CaptureRow, ClaimRow, DocumentRow, IncidentRow, QuoteRow


def _fact_count(table: type[IncidentRow] | type[ClaimRow] | type[QuoteRow]) -> ScalarSelect[int]:
    # Correlated per document row; the (document_id, position) index makes each one an index lookup.
    return select(func.count()).where(table.document_id == DocumentRow.id).correlate(DocumentRow).scalar_subquery()


def counted(document_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """Facts of documents that count: not of a possibly relevant one awaiting review, nor of one judged off-topic.

    Cases, claim and quote lists, exports, alerts and the public view read only these. Written as
    ``document_id NOT IN (documents whose relevance is possible / not_relevant)`` so it reads the
    ``ix_documents_relevance`` index, never the documents' rows.
    """
    hidden = select(DocumentRow.id).where(DocumentRow.relevance.in_(("possible", "not_relevant")))
    return document_id.not_in(hidden)


def documents_query() -> Select[DocumentRow, str, int, int, int]:
    """Documents with their capture's sha256 and their fact counts: rows for ``stored_document``."""
    return select(
        DocumentRow, CaptureRow.sha256, _fact_count(IncidentRow), _fact_count(ClaimRow), _fact_count(QuoteRow)
    ).join(CaptureRow, DocumentRow.capture_id == CaptureRow.id)


def stored_document(row: DocumentRow, sha256: str, incidents: int, claims: int, quotes: int) -> StoredDocument:
    """The ``StoredDocument`` of one row of ``documents_query``."""
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
        relevance=cast(Relevance | None, row.relevance),
        relevance_cues=tuple(json.loads(row.relevance_cues_json)),
        sha256=sha256,
        created_at=row.created_at,
        incidents=incidents,
        claims=claims,
        quotes=quotes,
    )
