"""The case list, a case's page and the facet counts, as queries over cases and their incidents.

Every function takes an open session; ``SqlStore`` owns the transactions.
Filters and paging run in the database; each page then costs one query for
the summaries of its cases (incidents, reasons, languages, review counts),
whatever its length, so nothing is loaded per case.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any
from typing import cast as cast_as

from sqlalchemy import ColumnElement, Integer, String, and_, bindparam, cast, exists, func, literal_column, or_, select
from sqlalchemy.orm import Session, defer

from ..errors import NotFound
from ..records import REASON_CODES, Span
from .cases import REJECTED
from .tables import CaseIncidentRow, CaseRow, ClusterMemberRow, DocumentRow, IncidentEvidenceRow, IncidentRow
from .web import (
    EDITABLE_FIELDS,
    CaseDetail,
    CaseFilter,
    CaseSummary,
    CaseValue,
    Page,
    ReviewState,
    SourceRef,
    StoredFact,
)

MAX_Q_WORDS = 8


def no_nul(value: str | None) -> str | None:
    """A filter value without NUL characters: PostgreSQL refuses them in text, and no stored value has one."""
    return None if value is None else value.replace("\x00", "")


def escape_like(value: str) -> str:
    """``value`` for a LIKE pattern: wildcards literal, NUL dropped (PostgreSQL refuses it in text)."""
    return value.replace("\x00", "").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _year_of_case() -> ColumnElement[Any]:
    """The year a case is filed under: of its event date, else of its disclosure date ("YYYY", text)."""
    disclosed = func.substr(cast(CaseRow.disclosure_date, String), 1, 4)
    return func.coalesce(func.substr(CaseRow.event_date, 1, 4), disclosed)


def _sort_date() -> ColumnElement[Any]:
    return func.coalesce(CaseRow.event_date, cast(CaseRow.disclosure_date, String))


def _incident_exists(*conditions: ColumnElement[bool], with_document: bool = False) -> ColumnElement[bool]:
    query = (
        select(CaseIncidentRow.incident_id)
        .join(IncidentRow, IncidentRow.id == CaseIncidentRow.incident_id)
        .where(CaseIncidentRow.case_id == CaseRow.id, IncidentRow.review_state != REJECTED, *conditions)
    )
    if with_document:
        query = query.join(DocumentRow, DocumentRow.id == IncidentRow.document_id)
    return exists(query.correlate(CaseRow))


def case_conditions(filters: CaseFilter) -> list[ColumnElement[bool]]:
    """The WHERE conditions of ``filters`` over ``cases``."""
    conditions: list[ColumnElement[bool]] = []
    if filters.year is not None:
        conditions.append(_year_of_case() == f"{int(filters.year):04d}")
    if filters.status:
        conditions.append(CaseRow.status == no_nul(filters.status))
    if filters.reason:
        pattern = f'%"{escape_like(filters.reason)}"%'
        conditions.append(_incident_exists(IncidentRow.reasons_json.like(pattern, escape="\\")))
    if filters.language:
        conditions.append(_incident_exists(DocumentRow.language == no_nul(filters.language), with_document=True))
    if filters.review == "machine":
        conditions.append(_incident_exists(IncidentRow.review_state == "machine"))
    elif filters.review == "reviewed":
        conditions.append(~_incident_exists(IncidentRow.review_state == "machine"))
    for word in (filters.q or "").split()[:MAX_Q_WORDS]:
        pattern = f"%{escape_like(word)}%"
        named = or_(IncidentRow.name.ilike(pattern, escape="\\"), IncidentRow.surname.ilike(pattern, escape="\\"))
        conditions.append(or_(CaseRow.label.ilike(pattern, escape="\\"), _incident_exists(named)))
    return conditions


def _reason_order(codes: Iterable[str]) -> tuple[str, ...]:
    known = {code: n for n, code in enumerate(REASON_CODES)}
    return tuple(sorted(set(codes), key=lambda code: (known.get(code, len(known)), code)))


def _summary(row: Any, incidents: Iterable[tuple[str, str, str | None]]) -> CaseSummary:
    """The list row of a case (a ``CaseRow`` or a plain row with its columns) from its incidents' review
    state, reasons (JSON) and document language."""
    reasons: set[str] = set()
    languages: set[str] = set()
    reviewed = n = 0
    for state, reasons_json, language in incidents:
        n += 1
        reviewed += state != "machine"
        reasons.update(json.loads(reasons_json))
        if language:
            languages.add(language)
    return CaseSummary(
        id=row.id,
        label=row.label,
        status=row.status,
        confirmation=row.confirmation,
        event_date=row.event_date,
        disclosure_date=row.disclosure_date,
        independent_sources=row.independent_sources,
        documents=row.documents,
        conflicts=len(json.loads(row.conflicts_json)),
        reasons=_reason_order(reasons),
        languages=tuple(sorted(languages)),
        reviewed=reviewed,
        incidents=n,
        updated_at=row.updated_at,
    )


def summaries(session: Session, rows: Sequence[CaseRow]) -> list[CaseSummary]:
    """The list rows of these cases, in their order: one query for all their incidents."""
    ids = [row.id for row in rows]
    facts: dict[int, list[tuple[str, str, str | None]]] = {i: [] for i in ids}
    if ids:
        query = (
            select(CaseIncidentRow.case_id, IncidentRow.review_state, IncidentRow.reasons_json, DocumentRow.language)
            .join(IncidentRow, IncidentRow.id == CaseIncidentRow.incident_id)
            .join(DocumentRow, DocumentRow.id == IncidentRow.document_id)
            .where(CaseIncidentRow.case_id.in_(ids))
        )
        for case_id, state, reasons_json, language in session.execute(query):
            facts[case_id].append((state, reasons_json, language))
    return [_summary(row, facts[row.id]) for row in rows]


def list_cases(session: Session, filters: CaseFilter, limit: int, offset: int) -> Page[CaseSummary]:
    conditions = case_conditions(filters)
    # Sort ids, then load the page: sorting whole rows carried every case's fields_json (10 kB on average).
    # With filters, the page's ids come with the count of every match, so that the filters (a name looked up
    # in every case's incidents) are evaluated once rather than for a count and again for the page.
    counted = func.count().over() if conditions else literal_column("0", Integer)
    found = session.execute(
        select(CaseRow.id, counted)
        .where(*conditions)
        .order_by(_sort_date().desc().nulls_last(), CaseRow.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    ids = [case_id for case_id, _ in found]
    if found and conditions:
        total = found[0][1]
    elif found or offset:  # no filter (a count from the index), or past the last page
        total = session.scalar(select(func.count()).select_from(CaseRow).where(*conditions)) or 0
    else:
        total = 0
    unordered = session.scalars(
        select(CaseRow).where(CaseRow.id.in_(ids)).options(defer(CaseRow.fields_json), defer(CaseRow.confirmed_by_json))
    )
    by_id = {row.id: row for row in unordered}
    return Page(tuple(summaries(session, [by_id[i] for i in ids])), total, limit, offset)


# What a source reference shows of a document: a case page loads these, never the documents' text.
_REF_COLUMNS = (
    DocumentRow.id,
    DocumentRow.title,
    DocumentRow.outlet,
    DocumentRow.published,
    DocumentRow.language,
    DocumentRow.uri,
    DocumentRow.source,
)
# A case page is built from plain rows (Core SELECTs): loading ORM objects cost most of its time.
_INCIDENT_COLUMNS = tuple(
    getattr(IncidentRow, name)
    for name in (
        "id",
        "document_id",
        "position",
        "reasons_json",
        "review_state",
        "extractor_version",
        *(field for field in EDITABLE_FIELDS["incident"] if field != "reasons"),
    )
)
_CASE_COLUMNS = (
    CaseRow.id,
    CaseRow.label,
    CaseRow.status,
    CaseRow.confirmation,
    CaseRow.event_date,
    CaseRow.disclosure_date,
    CaseRow.independent_sources,
    CaseRow.documents,
    CaseRow.conflicts_json,
    CaseRow.updated_at,
    CaseRow.fields_json,
    CaseRow.confirmed_by_json,
)
# Built once (statement construction cost as much as running them); the case or the ids are bound per call.
_CASE_QUERY = select(*_CASE_COLUMNS).where(CaseRow.id == bindparam("case_id"))
_INCIDENTS_QUERY = (
    select(*_INCIDENT_COLUMNS, *(column.label(f"doc_{column.key}") for column in _REF_COLUMNS))
    .join(CaseIncidentRow, CaseIncidentRow.incident_id == IncidentRow.id)
    .join(DocumentRow, DocumentRow.id == IncidentRow.document_id)
    .where(CaseIncidentRow.case_id == bindparam("case_id"))
    .order_by(DocumentRow.published, DocumentRow.id, IncidentRow.position)
)
_EVIDENCE_QUERY = (
    select(
        IncidentEvidenceRow.incident_id,
        IncidentEvidenceRow.start_offset,
        IncidentEvidenceRow.end_offset,
        IncidentEvidenceRow.text,
    )
    .join(CaseIncidentRow, CaseIncidentRow.incident_id == IncidentEvidenceRow.incident_id)
    .where(CaseIncidentRow.case_id == bindparam("case_id"))
    .order_by(IncidentEvidenceRow.incident_id, IncidentEvidenceRow.position)
)
_CLUSTER_OF_QUERY = (
    select(ClusterMemberRow.document_id, func.min(ClusterMemberRow.cluster_id))
    .where(ClusterMemberRow.document_id.in_(bindparam("ids", expanding=True)))
    .group_by(ClusterMemberRow.document_id)
)
_MEMBERS_QUERY = (
    select(
        ClusterMemberRow.cluster_id,
        ClusterMemberRow.title.label("page_title"),
        ClusterMemberRow.outlet.label("page_outlet"),
        ClusterMemberRow.published.label("page_published"),
        *_REF_COLUMNS,
    )
    .join(DocumentRow, DocumentRow.id == ClusterMemberRow.document_id)
    .where(ClusterMemberRow.cluster_id.in_(bindparam("ids", expanding=True)))
    .order_by(ClusterMemberRow.cluster_id, ClusterMemberRow.position)
)


def _sources(session: Session, documents: Sequence[SourceRef]) -> tuple[SourceRef, ...]:
    """One reference per syndication cluster of ``documents``: its canonical page, the other pages as copies."""
    ids = [document.document_id for document in documents]
    connection = session.connection()
    member_of: dict[int, int] = {}
    if ids:
        member_of = {
            document_id: cluster_id for document_id, cluster_id in connection.execute(_CLUSTER_OF_QUERY, {"ids": ids})
        }
    cluster_ids = sorted(set(member_of.values()))
    canonical: dict[int, Any] = {}
    sizes: dict[int, int] = {}
    if cluster_ids:
        members = connection.execute(_MEMBERS_QUERY, {"ids": cluster_ids}).all()
        for member in members:
            sizes[member.cluster_id] = sizes.get(member.cluster_id, 0) + 1
            canonical.setdefault(member.cluster_id, member)
    refs: list[SourceRef] = []
    for cluster_id in cluster_ids:
        member = canonical[cluster_id]
        ref = SourceRef.of(member, cluster_id, sizes[cluster_id] - 1)
        refs.append(_with_page(ref, member.page_title, member.page_outlet, member.page_published))
    refs.extend(document for document in documents if document.document_id not in member_of)
    return tuple(sorted(refs, key=lambda ref: (ref.published or date.max, ref.document_id)))


def _with_page(ref: SourceRef, title: str | None, outlet: str | None, published: date | None) -> SourceRef:
    """The canonical page's own title, outlet and date where it has them (an exact copy shares a document)."""
    return replace(ref, title=title or ref.title, outlet=outlet or ref.outlet, published=published or ref.published)


def _values(items: Sequence[dict[str, Any]], known: dict[tuple[str, int], tuple[int, int]]) -> tuple[CaseValue, ...]:
    values = []
    for item in items:
        refs = [known[key] for s in item["sources"] if (key := (s["source"], s["incident"])) in known]
        values.append(
            CaseValue(
                item["value"],
                tuple(dict.fromkeys(incident for incident, _ in refs)),
                tuple(dict.fromkeys(document for _, document in refs)),
            )
        )
    return tuple(values)


def _incident_fact(row: Any, evidence: tuple[Span, ...]) -> StoredFact:
    """The ``StoredFact`` of a plain incident row (the columns of ``_INCIDENT_COLUMNS``), as ``stored_fact``."""
    values = {
        field: list(json.loads(row.reasons_json)) if field == "reasons" else getattr(row, field)
        for field in EDITABLE_FIELDS["incident"]
    }
    return StoredFact(
        kind="incident",
        id=row.id,
        document_id=row.document_id,
        position=row.position,
        values=values,
        evidence=evidence,
        review_state=cast_as(ReviewState, row.review_state),
        extractor_version=row.extractor_version,
    )


def get_case(session: Session, case_id: int) -> CaseDetail:
    connection = session.connection()  # plain rows: no ORM objects to build
    row = connection.execute(_CASE_QUERY, {"case_id": case_id}).first()
    if row is None:
        raise NotFound(f"case {case_id}", "no such case in the store; cases are rebuilt by `redefection cases`")
    found = connection.execute(_INCIDENTS_QUERY, {"case_id": case_id}).all()
    spans: dict[int, list[Span]] = {incident.id: [] for incident in found}
    if spans:
        for incident_id, start, end, text in connection.execute(_EVIDENCE_QUERY, {"case_id": case_id}):
            spans.setdefault(incident_id, []).append(Span(start, end, text))
    documents: dict[int, SourceRef] = {}
    for incident in found:
        if incident.document_id not in documents:
            documents[incident.document_id] = SourceRef(
                document_id=incident.doc_id,
                title=incident.doc_title,
                outlet=incident.doc_outlet,
                published=incident.doc_published,
                language=incident.doc_language,
                uri=incident.doc_uri,
                source=incident.doc_source,
            )
    # Cases name their sources as "<uri or path>" + position (see serialize.case_to_json).
    known = {
        (incident.doc_uri or incident.doc_source, incident.position): (incident.id, incident.document_id)
        for incident in found
    }
    fields = json.loads(row.fields_json)
    confirmed = json.loads(row.confirmed_by_json)
    states = [(incident.review_state, incident.reasons_json, incident.doc_language) for incident in found]
    return CaseDetail(
        summary=_summary(row, states),
        fields=tuple((name, _values(items, known)) for name, items in fields.items()),
        conflicts=tuple(conflict["field"] for conflict in json.loads(row.conflicts_json)),
        confirmed_by=tuple(
            (rung, tuple(dict.fromkeys(known[key][1] for s in refs if (key := (s["source"], s["incident"])) in known)))
            for rung, refs in confirmed.items()
        ),
        incidents=tuple(_incident_fact(incident, tuple(spans[incident.id])) for incident in found),
        sources=_sources(session, list(documents.values())),
    )


def facet_counts(session: Session) -> dict[str, dict[str, int]]:
    """Cases per status, reason and year; documents per language (documents of unknown language not counted)."""
    status = dict(session.execute(select(CaseRow.status, func.count()).group_by(CaseRow.status)).all())
    year_expr = _year_of_case()
    years = session.execute(select(year_expr, func.count()).where(year_expr.is_not(None)).group_by(year_expr))
    languages = session.execute(
        select(DocumentRow.language, func.count())
        .where(DocumentRow.language.is_not(None))
        .group_by(DocumentRow.language)
    )
    reasons: dict[int, set[str]] = {}
    query = (  # distinct: a case's reports mostly give the same reasons (1,000 rows to decode, not 9,000)
        select(CaseIncidentRow.case_id, IncidentRow.reasons_json)
        .join(IncidentRow, IncidentRow.id == CaseIncidentRow.incident_id)
        .where(and_(IncidentRow.review_state != REJECTED, IncidentRow.reasons_json != "[]"))
        .distinct()
    )
    for case_id, reasons_json in session.execute(query):
        reasons.setdefault(case_id, set()).update(json.loads(reasons_json))
    reason_counts: dict[str, int] = {}
    for codes in reasons.values():
        for code in codes:
            reason_counts[code] = reason_counts.get(code, 0) + 1
    return {
        "status": {str(k): int(v) for k, v in status.items()},
        "reason": {code: reason_counts[code] for code in _reason_order(reason_counts)},
        "year": {str(k): int(v) for k, v in sorted(years.all(), reverse=True)},
        "language": {str(k): int(v) for k, v in sorted(languages.all(), key=lambda kv: (-kv[1], kv[0]))},
    }


__all__ = ["case_conditions", "escape_like", "facet_counts", "get_case", "list_cases", "no_nul", "summaries"]
