"""``BrowseStore`` over SQLAlchemy: a mixin of ``SqlStore`` (which owns the engine and transactions).

Every list is filtered and paged in the database and loads what one page
shows in a fixed number of queries. Cases live in ``case_pages``, the search
syntax of each backend in ``search_sql``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Float,
    Index,
    Integer,
    ScalarSelect,
    bindparam,
    func,
    literal_column,
    select,
)
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..errors import NotFound, StoreError
from . import case_pages
from .case_pages import escape_like, no_nul
from .cases import REJECTED
from .document_rows import counted, documents_query, stored_document
from .rows import StoredDocument
from .search_sql import apply_search, parse_query, snippet
from .stored_facts import KINDS, fact_kind, load_rows, stored_fact
from .tables import (
    CaptureRow,
    CaseDecisionRow,
    CaseRow,
    ClaimRow,
    ClusterMemberRow,
    DocumentRow,
    DropRow,
    FailureRow,
    IncidentRow,
    QuoteRow,
)
from .web import (
    CLAIM_SORTS,
    CaseDetail,
    CaseFilter,
    CaseSummary,
    ClaimEntry,
    ClaimFilter,
    DocumentFilter,
    DocumentHit,
    FactKind,
    Page,
    QuoteEntry,
    SourceRef,
    StoredFact,
)
from .web_tables import AuditRow

T = TypeVar("T")
FactTable = type[ClaimRow] | type[QuoteRow]
CHUNK = 500  # ids per IN (...) list
# Documents by id (every case page asks for its documents): built once, the ids bound per call.
_DOCUMENTS_BY_ID = documents_query().where(DocumentRow.id.in_(bindparam("ids", expanding=True)))
# What a SourceRef shows of a document: a list of claims reads these, not the documents' text.
REF_COLUMNS = (
    DocumentRow.id,
    DocumentRow.title,
    DocumentRow.outlet,
    DocumentRow.published,
    DocumentRow.language,
    DocumentRow.uri,
    DocumentRow.source,
)
# Rows whose newest id moves when something is added; with the newest case change, the count of cases
# (a merge can remove one) and the newest audit entry (every review), the store's change signature.
SIGNED_IDS = (
    DocumentRow.id,
    CaptureRow.id,
    IncidentRow.id,
    ClaimRow.id,
    QuoteRow.id,
    FailureRow.id,
    DropRow.id,
    CaseDecisionRow.id,
    AuditRow.id,
)
# The signature itself: the newest id of each of those tables, the newest case change and the number of cases.
SIGNATURE = select(
    *(select(func.max(column)).scalar_subquery() for column in SIGNED_IDS),
    select(func.max(CaseRow.updated_at)).scalar_subquery(),
    select(func.count()).select_from(CaseRow).scalar_subquery(),
)

# Migration 0008 creates these. Lists sort documents by publication date; the listing index answers the
# filters and sorting of a search's matches without reading the documents' text (SQLite keeps a row's
# columns together, so reading ``relevant`` after ``body_text`` meant reading the whole text).
Index("ix_documents_published", DocumentRow.published)
Index(
    "ix_documents_listing",
    DocumentRow.id,
    DocumentRow.published,
    DocumentRow.language,
    DocumentRow.relevant,
    DocumentRow.outlet,
)


def _check_page(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise ValueError("limit and offset must not be negative")


def _year(column: Any, year: int) -> ColumnElement[bool]:
    return column.between(date(year, 1, 1), date(year, 12, 31))  # type: ignore[no-any-return]


def _document_conditions(filters: DocumentFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.language is not None:
        conditions.append(DocumentRow.language == no_nul(filters.language))
    if filters.relevant is not None:
        conditions.append(DocumentRow.relevant.is_(filters.relevant))
    if filters.relevance is not None:
        conditions.append(DocumentRow.relevance == filters.relevance)
    if filters.outlet is not None:
        conditions.append(DocumentRow.outlet == no_nul(filters.outlet))
    if filters.year is not None:
        conditions.append(_year(DocumentRow.published, int(filters.year)))
    return conditions


def _cluster_of() -> ScalarSelect[int | None]:
    return (
        select(func.min(ClusterMemberRow.cluster_id))
        .where(ClusterMemberRow.document_id == DocumentRow.id)
        .correlate(DocumentRow)
        .scalar_subquery()
    )


def _newest_report(table: FactTable) -> tuple[Any, ...]:
    return (DocumentRow.published.desc().nulls_last(), DocumentRow.id.desc(), table.position)


def _claim_order(filters: ClaimFilter) -> tuple[Any, ...]:
    """ORDER BY of the claim list: the chosen column (texts without case; no outlet or date is the smallest
    value), then newest report first, so that equal values keep the default order in both directions."""
    if filters.sort is None:
        return _newest_report(ClaimRow)
    if filters.sort not in CLAIM_SORTS:
        raise ValueError(f"sort: {filters.sort!r} is not one of {', '.join(CLAIM_SORTS)}")
    keys: dict[str, Any] = {
        "subject": ClaimRow.subject,
        "value": ClaimRow.value,
        "source": func.coalesce(func.lower(ClaimRow.source), ""),
        "outlet": func.coalesce(func.lower(DocumentRow.outlet), ""),
        "date": DocumentRow.published,
    }
    key = keys[filters.sort]
    first = key.asc().nulls_first() if filters.ascending else key.desc().nulls_last()
    return (first, *_newest_report(ClaimRow))


def _fact_page(
    session: Session,
    table: FactTable,
    conditions: list[ColumnElement[bool]],
    order: tuple[Any, ...],
    limit: int,
    offset: int,
) -> list[tuple[ClaimRow | QuoteRow, SourceRef]]:
    """One page of claims or quotes with the documents reporting them, in ``order``.

    The page's ids are sorted first over narrow rows; then only those facts and their documents' reference
    columns are read (sorting whole rows carried every document's text through the sort).
    """
    # SQLite alone would scan every fact and look each document up by id to sort them (14 ms for 11,000
    # claims); with the document id hidden from its index it walks ``ix_documents_published`` newest first
    # and stops after a page (under 1 ms).
    hidden = DocumentRow.id + 0 if session.get_bind().dialect.name == "sqlite" else DocumentRow.id
    ids = list(
        session.scalars(
            select(table.id)
            .join(DocumentRow, hidden == table.document_id)
            .where(*conditions)
            .order_by(*order)
            .limit(limit)
            .offset(offset)
        )
    )
    if not ids:
        return []
    rows = session.execute(
        select(table, _cluster_of(), *REF_COLUMNS)
        .join(DocumentRow, DocumentRow.id == table.document_id)
        .where(table.id.in_(ids))
    )
    found: dict[int, tuple[ClaimRow | QuoteRow, SourceRef]] = {}
    for row, cluster_id, document_id, title, outlet, published, language, uri, source in rows:
        fact = cast(ClaimRow | QuoteRow, row)
        ref = SourceRef(document_id, title, outlet, published, language, uri, source, cluster_id=cluster_id)
        found[fact.id] = (fact, ref)
    return [found[i] for i in ids]


class BrowseSql:
    """The browsing half of ``SqlStore``; ``_transaction`` and ``url`` come from it."""

    url: str
    engine: Engine
    _transaction: Callable[..., object]

    def _browse_run(self, what: str, problem: str, work: Callable[[Session], T]) -> T:
        result: T = self._transaction(what, problem, work)  # type: ignore[assignment]
        return result

    def list_cases(self, filters: CaseFilter, limit: int = 50, offset: int = 0) -> Page[CaseSummary]:
        _check_page(limit, offset)
        return self._browse_run(
            self.url, "cannot list cases", lambda s: case_pages.list_cases(s, filters, limit, offset)
        )

    def get_case(self, case_id: int) -> CaseDetail:
        return self._browse_run(f"case {case_id}", "cannot load the case", lambda s: case_pages.get_case(s, case_id))

    def facet_counts(self) -> dict[str, dict[str, int]]:
        return self._browse_run(self.url, "cannot count cases and documents", case_pages.facet_counts)

    def get_documents(self, document_ids: Sequence[int]) -> dict[int, StoredDocument]:
        wanted = list(dict.fromkeys(document_ids))

        def work(session: Session) -> dict[int, StoredDocument]:
            found: dict[int, StoredDocument] = {}
            for start in range(0, len(wanted), CHUNK):
                chunk = {"ids": wanted[start : start + CHUNK]}
                found.update((row[0].id, stored_document(*row)) for row in session.execute(_DOCUMENTS_BY_ID, chunk))
            return found

        return self._browse_run(self.url, "cannot load documents", work)

    def change_signature(self) -> tuple[object, ...]:
        # Asked before every cached read of every page: on a plain connection, not an ORM session (0.07 ms
        # instead of 0.5 ms on a 20,000-document store). One statement: one consistent snapshot.
        try:
            with self.engine.connect() as connection:
                return tuple(connection.execute(SIGNATURE).one())
        except SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot read what changed: {exc}") from exc

    def search_documents(self, filters: DocumentFilter, limit: int = 50, offset: int = 0) -> Page[DocumentHit]:
        _check_page(limit, offset)
        terms = parse_query(filters.q)
        conditions = _document_conditions(filters)

        def work(session: Session) -> Page[DocumentHit]:
            # Two steps: rank and page the matching ids, counting them in the same pass (narrow rows: sorting
            # thousands of whole documents took seconds), then load the page's documents.
            newest = (DocumentRow.published.desc().nulls_last(), DocumentRow.id.desc())
            found: Sequence[Row[int, int, float]]
            if terms.is_empty:
                # No words: the page comes from the date index and the count on its own (a window count made
                # the page wait for every document: 15 ms on 20,000 documents, 3 ms without it).
                listed = select(DocumentRow.id, literal_column("0", Integer), literal_column("0.0", Float))
                found = session.execute(listed.where(*conditions).order_by(*newest).limit(limit).offset(offset)).all()
                total = session.scalar(select(func.count()).select_from(DocumentRow).where(*conditions)) or 0
            else:
                ids = select(DocumentRow.id, func.count().over().label("total")).where(*conditions)
                ids, rank = apply_search(ids, session.get_bind().dialect.name, terms)
                if rank is None:  # only scanned terms: no rank
                    ranked = ids.add_columns(literal_column("0.0", Float)).order_by(*newest)
                else:
                    ranked = ids.add_columns(rank).order_by(rank.desc(), *newest)
                found = session.execute(ranked.limit(limit).offset(offset)).all()
                if found:
                    total = found[0][1]
                elif offset == 0:
                    total = 0
                else:  # past the end: count on its own
                    total = session.scalar(select(func.count()).select_from(ids.order_by(None).subquery())) or 0
            page_query = documents_query().where(DocumentRow.id.in_([f[0] for f in found]))
            rows = {row[0].id: row for row in session.execute(page_query)}
            hits = []
            for document_id, _, rank_value in found:
                row, sha256, incidents, claims, quotes = rows[document_id]
                document = stored_document(row, sha256, incidents, claims, quotes)
                hits.append(DocumentHit(document, snippet(row.body_text, terms), float(rank_value or 0.0)))
            return Page(tuple(hits), total, limit, offset)

        return self._browse_run(self.url, "cannot search documents", work)

    def list_facts(self, document_id: int) -> list[StoredFact]:
        def work(session: Session) -> list[StoredFact]:
            if session.get(DocumentRow, document_id) is None:
                raise NotFound(f"document {document_id}", "no such document in the store")
            facts: list[StoredFact] = []
            for kind in KINDS:
                facts.extend(stored_fact(kind, row) for row in load_rows(session, kind, document_id=document_id))
            return facts

        return self._browse_run(f"document {document_id}", "cannot load its facts", work)

    def get_fact(self, kind: FactKind, fact_id: int) -> StoredFact:
        checked = fact_kind(kind)

        def work(session: Session) -> StoredFact:
            rows = load_rows(session, checked, fact_id=fact_id)
            if not rows:
                raise NotFound(f"{checked} {fact_id}", f"no such {checked} in the store")
            return stored_fact(checked, rows[0])

        return self._browse_run(f"{checked} {fact_id}", f"cannot load the {checked}", work)

    def list_claims(self, filters: ClaimFilter, limit: int = 50, offset: int = 0) -> Page[ClaimEntry]:
        _check_page(limit, offset)
        conditions: list[ColumnElement[bool]] = [ClaimRow.review_state != REJECTED, counted(ClaimRow.document_id)]
        if filters.subject is not None:
            conditions.append(ClaimRow.subject == no_nul(filters.subject))
        if filters.source:
            for word in filters.source.split()[:8]:
                conditions.append(ClaimRow.source.ilike(f"%{escape_like(word)}%", escape="\\"))
        if filters.year is not None:
            conditions.append(_year(DocumentRow.published, int(filters.year)))
        if filters.review == "machine":
            conditions.append(ClaimRow.review_state == "machine")
        elif filters.review == "reviewed":
            conditions.append(ClaimRow.review_state != "machine")
        order = _claim_order(filters)

        def work(session: Session) -> Page[ClaimEntry]:
            counted = select(func.count()).select_from(ClaimRow)
            if filters.year is not None:  # the only condition on the document
                counted = counted.join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
            total = session.scalar(counted.where(*conditions)) or 0
            found = _fact_page(session, ClaimRow, conditions, order, limit, offset)
            return Page(tuple(ClaimEntry(stored_fact("claim", c), ref) for c, ref in found), total, limit, offset)

        return self._browse_run(self.url, "cannot list claims", work)

    def list_quotes(self, limit: int = 50, offset: int = 0) -> Page[QuoteEntry]:
        _check_page(limit, offset)

        def work(session: Session) -> Page[QuoteEntry]:
            kept = [QuoteRow.review_state != REJECTED, counted(QuoteRow.document_id)]
            total = session.scalar(select(func.count()).select_from(QuoteRow).where(*kept)) or 0
            found = _fact_page(session, QuoteRow, kept, _newest_report(QuoteRow), limit, offset)
            return Page(tuple(QuoteEntry(stored_fact("quote", q), ref) for q, ref in found), total, limit, offset)

        return self._browse_run(self.url, "cannot list quotes", work)

    def get_raw_capture(self, document_id: int) -> tuple[bytes, str | None]:
        def work(session: Session) -> tuple[bytes, str | None]:
            found = session.execute(
                select(CaptureRow.raw, CaptureRow.content_type)
                .join(DocumentRow, DocumentRow.capture_id == CaptureRow.id)
                .where(DocumentRow.id == document_id)
            ).one_or_none()
            if found is None:
                raise NotFound(f"document {document_id}", "no such document in the store")
            return bytes(found[0]), found[1]

        return self._browse_run(f"document {document_id}", "cannot load its capture", work)


__all__ = ["BrowseSql"]
