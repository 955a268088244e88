"""The case list, a case's page and the facet counts, as queries over cases and their incidents.

Every function takes an open session; ``SqlStore`` owns the transactions.
Filters and paging run in the database; each page then costs one query for
the summaries of its cases (incidents, reasons, languages, review counts),
whatever its length, so nothing is loaded per case.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, and_, cast, exists, func, literal_column, or_, select
from sqlalchemy.orm import Session, defer, load_only, selectinload

from ..errors import NotFound
from ..records import REASON_CODES
from .cases import REJECTED, document_source
from .stored_facts import stored_fact
from .tables import CaseIncidentRow, CaseRow, ClusterMemberRow, DocumentRow, IncidentRow
from .web import CaseDetail, CaseFilter, CaseSummary, CaseValue, Page, SourceRef

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


def summaries(session: Session, rows: Sequence[CaseRow]) -> list[CaseSummary]:
    """The list rows of these cases, in their order: one query for all their incidents."""
    ids = [row.id for row in rows]
    facts: dict[int, dict[str, Any]] = {i: {"reasons": set(), "languages": set(), "reviewed": 0, "n": 0} for i in ids}
    if ids:
        query = (
            select(CaseIncidentRow.case_id, IncidentRow.review_state, IncidentRow.reasons_json, DocumentRow.language)
            .join(IncidentRow, IncidentRow.id == CaseIncidentRow.incident_id)
            .join(DocumentRow, DocumentRow.id == IncidentRow.document_id)
            .where(CaseIncidentRow.case_id.in_(ids))
        )
        for case_id, state, reasons_json, language in session.execute(query):
            found = facts[case_id]
            found["n"] += 1
            found["reviewed"] += state != "machine"
            found["reasons"].update(json.loads(reasons_json))
            if language:
                found["languages"].add(language)
    return [
        CaseSummary(
            id=row.id,
            label=row.label,
            status=row.status,
            confirmation=row.confirmation,
            event_date=row.event_date,
            disclosure_date=row.disclosure_date,
            independent_sources=row.independent_sources,
            documents=row.documents,
            conflicts=len(json.loads(row.conflicts_json)),
            reasons=_reason_order(facts[row.id]["reasons"]),
            languages=tuple(sorted(facts[row.id]["languages"])),
            reviewed=facts[row.id]["reviewed"],
            incidents=facts[row.id]["n"],
            updated_at=row.updated_at,
        )
        for row in rows
    ]


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
_REF_ONLY = load_only(
    DocumentRow.id,
    DocumentRow.title,
    DocumentRow.outlet,
    DocumentRow.published,
    DocumentRow.language,
    DocumentRow.uri,
    DocumentRow.source,
)


def _document_ref(document: DocumentRow, cluster_id: int | None = None, copies: int = 0) -> SourceRef:
    return SourceRef(
        document_id=document.id,
        title=document.title,
        outlet=document.outlet,
        published=document.published,
        language=document.language,
        uri=document.uri,
        source=document.source,
        cluster_id=cluster_id,
        copies=copies,
    )


def _sources(session: Session, documents: Sequence[DocumentRow]) -> tuple[SourceRef, ...]:
    """One reference per syndication cluster of ``documents``: its canonical page, the other pages as copies."""
    ids = [document.id for document in documents]
    member_of = dict(
        session.execute(
            select(ClusterMemberRow.document_id, func.min(ClusterMemberRow.cluster_id))
            .where(ClusterMemberRow.document_id.in_(ids))
            .group_by(ClusterMemberRow.document_id)
        ).all()
    )
    cluster_ids = sorted(set(member_of.values()))
    canonical: dict[int, tuple[ClusterMemberRow, DocumentRow]] = {}
    sizes: dict[int, int] = {}
    if cluster_ids:
        members = session.execute(
            select(ClusterMemberRow, DocumentRow)
            .join(DocumentRow, DocumentRow.id == ClusterMemberRow.document_id)
            .where(ClusterMemberRow.cluster_id.in_(cluster_ids))
            .order_by(ClusterMemberRow.cluster_id, ClusterMemberRow.position)
            .options(_REF_ONLY)
        ).all()
        for member, document in members:
            sizes[member.cluster_id] = sizes.get(member.cluster_id, 0) + 1
            canonical.setdefault(member.cluster_id, (member, document))
    refs: list[SourceRef] = []
    for cluster_id in cluster_ids:
        member, document = canonical[cluster_id]
        ref = _document_ref(document, cluster_id, sizes[cluster_id] - 1)
        refs.append(_with_page(ref, member))
    refs.extend(_document_ref(document) for document in documents if document.id not in member_of)
    return tuple(sorted(refs, key=lambda ref: (ref.published or date.max, ref.document_id)))


def _with_page(ref: SourceRef, member: ClusterMemberRow) -> SourceRef:
    """The canonical page's own title, outlet and date where it has them (an exact copy shares a document)."""
    return SourceRef(
        document_id=ref.document_id,
        title=member.title or ref.title,
        outlet=member.outlet or ref.outlet,
        published=member.published or ref.published,
        language=ref.language,
        uri=ref.uri,
        source=ref.source,
        cluster_id=ref.cluster_id,
        copies=ref.copies,
    )


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


def get_case(session: Session, case_id: int) -> CaseDetail:
    row = session.get(CaseRow, case_id)
    if row is None:
        raise NotFound(f"case {case_id}", "no such case in the store; cases are rebuilt by `redefection cases`")
    found = session.execute(
        select(IncidentRow, DocumentRow)
        .join(CaseIncidentRow, CaseIncidentRow.incident_id == IncidentRow.id)
        .join(DocumentRow, DocumentRow.id == IncidentRow.document_id)
        .where(CaseIncidentRow.case_id == case_id)
        .order_by(DocumentRow.published, DocumentRow.id, IncidentRow.position)
        .options(selectinload(IncidentRow.evidence), _REF_ONLY)
    ).all()
    # Cases name their sources as "<uri or path>" + position (see serialize.case_to_json).
    known = {(document_source(document), incident.position): (incident.id, document.id) for incident, document in found}
    fields = json.loads(row.fields_json)
    documents = list({document.id: document for _, document in found}.values())
    confirmed = json.loads(row.confirmed_by_json)
    return CaseDetail(
        summary=summaries(session, [row])[0],
        fields=tuple((name, _values(items, known)) for name, items in fields.items()),
        conflicts=tuple(conflict["field"] for conflict in json.loads(row.conflicts_json)),
        confirmed_by=tuple(
            (rung, tuple(dict.fromkeys(known[key][1] for s in refs if (key := (s["source"], s["incident"])) in known)))
            for rung, refs in confirmed.items()
        ),
        incidents=tuple(stored_fact("incident", incident) for incident, _ in found),
        sources=_sources(session, documents),
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
