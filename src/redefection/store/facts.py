"""Incidents, claims and quotes to table rows and back.

A fact row holds its document, its position in the document's extract output,
its evidence span (offsets into ``documents.body_text``), the extractor
version that produced it and its review state, which starts as "machine".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, insert

from ..records import Claim, Document, Gender, Incident, Person, Qualifier, Quote, Span, Status, Subject
from .tables import ClaimRow, IncidentEvidenceRow, IncidentRow, QuoteRow, core_table
from .web import EDITABLE_FIELDS

MACHINE = "machine"  # review state of a fact no person has looked at yet

Values = dict[str, Any]

# Core statements, built once: a saved document's facts go in as a few executemany inserts, not ORM objects.
_INCIDENTS = core_table(IncidentRow)
_INSERT_INCIDENTS = insert(_INCIDENTS).returning(_INCIDENTS.c.id, sort_by_parameter_order=True)
_INSERT_EVIDENCE = insert(core_table(IncidentEvidenceRow))
_INSERT_CLAIMS = insert(core_table(ClaimRow))
_INSERT_QUOTES = insert(core_table(QuoteRow))


@dataclass(frozen=True, slots=True)
class FactValues:
    """The column values of a document's fact rows: one dict per incident (with its evidence rows), claim, quote."""

    incidents: list[Values] = field(default_factory=list)
    evidence: list[list[Values]] = field(default_factory=list)  # per incident, without its incident_id yet
    claims: list[Values] = field(default_factory=list)
    quotes: list[Values] = field(default_factory=list)


def fact_values(document_id: int, document: Document, extractor_version: str, now: datetime) -> FactValues:
    """One row per incident, claim and quote of ``document``, as "machine" facts of ``extractor_version``."""
    stamp = {"document_id": document_id, "extractor_version": extractor_version, "review_state": MACHINE}
    return FactValues(
        incidents=[_incident_values(n, item, stamp, now) for n, item in enumerate(document.incidents)],
        evidence=[
            [{"position": n, "start_offset": s.start, "end_offset": s.end, "text": s.text} for n, s in enumerate(spans)]
            for spans in (item.evidence for item in document.incidents)
        ],
        claims=[_claim_values(n, item, stamp, now) for n, item in enumerate(document.claims)],
        quotes=[_quote_values(n, item, stamp, now) for n, item in enumerate(document.quotes)],
    )


def insert_facts(connection: Connection, values: FactValues) -> None:
    """Insert the rows ``values`` describes: incidents first, returning their ids for their evidence rows."""
    if values.incidents:
        ids = connection.scalars(_INSERT_INCIDENTS, values.incidents).all()
        evidence = [
            {**row, "incident_id": incident_id}
            for incident_id, rows in zip(ids, values.evidence, strict=True)
            for row in rows
        ]
        if evidence:
            connection.execute(_INSERT_EVIDENCE, evidence)
    if values.claims:
        connection.execute(_INSERT_CLAIMS, values.claims)
    if values.quotes:
        connection.execute(_INSERT_QUOTES, values.quotes)


def _incident_values(position: int, incident: Incident, stamp: Values, now: datetime) -> Values:
    values = record_values(incident)
    values["reasons_json"] = json.dumps(values.pop("reasons"), ensure_ascii=False)
    return {**stamp, "position": position, **values, "created_at": now}


def _claim_values(position: int, claim: Claim, stamp: Values, now: datetime) -> Values:
    evidence = _evidence_columns(claim.evidence)
    return {**stamp, **evidence, "position": position, **record_values(claim), "created_at": now}


def _quote_values(position: int, quote: Quote, stamp: Values, now: datetime) -> Values:
    evidence = _evidence_columns(quote.evidence)
    return {**stamp, **evidence, "position": position, **record_values(quote), "created_at": now}


def record_values(item: Incident | Claim | Quote) -> dict[str, Any]:
    """The ``values`` of an extracted incident, claim or quote."""
    if isinstance(item, Incident):
        person = item.person
        return {
            "name": person.name,
            "surname": person.surname,
            "age": person.age,
            "age_min": person.age_min,
            "age_max": person.age_max,
            "gender": person.gender,
            "occupation": person.occupation,
            "group_size": item.group_size,
            "arrived_south": item.arrived_south,
            "returned": item.returned,
            "route": item.route,
            "status": item.status,
            "reasons": list(item.reasons),
        }
    fields = EDITABLE_FIELDS["claim"] if isinstance(item, Claim) else EDITABLE_FIELDS["quote"]
    return {field: getattr(item, field) for field in fields}


def _evidence_columns(span: Span | None) -> Values:
    if span is None:
        return {"evidence_start": None, "evidence_end": None, "evidence_text": None}
    return {"evidence_start": span.start, "evidence_end": span.end, "evidence_text": span.text}


def _span(start: int | None, end: int | None, text: str | None) -> Span | None:
    if start is None or end is None or text is None:
        return None
    return Span(start, end, text)


def incident_from_row(row: IncidentRow) -> Incident:
    """The ``Incident`` a row (with its evidence loaded) was made from."""
    person = Person(
        name=row.name,
        surname=row.surname,
        age=row.age,
        age_min=row.age_min,
        age_max=row.age_max,
        gender=cast(Gender | None, row.gender),
        occupation=row.occupation,
    )
    return Incident(
        person=person,
        group_size=row.group_size,
        arrived_south=row.arrived_south,
        returned=row.returned,
        route=row.route,
        status=cast(Status, row.status),
        reasons=tuple(json.loads(row.reasons_json)),
        evidence=_spans(row.evidence),
    )


def _spans(rows: Iterable[IncidentEvidenceRow]) -> tuple[Span, ...]:
    return tuple(Span(row.start_offset, row.end_offset, row.text) for row in rows)


def claim_from_row(row: ClaimRow) -> Claim:
    """The ``Claim`` a row was made from."""
    return Claim(
        subject=cast(Subject, row.subject),
        value=row.value,
        qualifier=cast(Qualifier, row.qualifier),
        period=row.period,
        as_of=row.as_of,
        source=row.source,
        evidence=_span(row.evidence_start, row.evidence_end, row.evidence_text),
        label=row.label,
    )


def quote_from_row(row: QuoteRow) -> Quote:
    """The ``Quote`` a row was made from."""
    return Quote(
        speaker=row.speaker,
        role=row.role,
        organization=row.organization,
        evidence=_span(row.evidence_start, row.evidence_end, row.evidence_text),
    )
