"""Incidents, claims and quotes to table rows and back.

A fact row holds its document, its position in the document's extract output,
its evidence span (offsets into ``documents.body_text``), the extractor
version that produced it and its review state, which starts as "machine".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import cast

from ..records import Claim, Document, Gender, Incident, Person, Qualifier, Quote, Span, Status, Subject
from .tables import ClaimRow, IncidentEvidenceRow, IncidentRow, QuoteRow

MACHINE = "machine"  # review state of a fact no person has looked at yet

FactRow = IncidentRow | ClaimRow | QuoteRow


def fact_rows(document_id: int, document: Document, extractor_version: str, now: datetime) -> list[FactRow]:
    """One row per incident, claim and quote of ``document``; incident rows carry their evidence rows."""
    stamp = {"document_id": document_id, "extractor_version": extractor_version, "review_state": MACHINE}
    rows: list[FactRow] = []
    rows.extend(_incident_row(position, item, stamp, now) for position, item in enumerate(document.incidents))
    rows.extend(_claim_row(position, item, stamp, now) for position, item in enumerate(document.claims))
    rows.extend(_quote_row(position, item, stamp, now) for position, item in enumerate(document.quotes))
    return rows


def _incident_row(position: int, incident: Incident, stamp: dict[str, object], now: datetime) -> IncidentRow:
    person = incident.person
    evidence = [
        IncidentEvidenceRow(position=index, start_offset=span.start, end_offset=span.end, text=span.text)
        for index, span in enumerate(incident.evidence)
    ]
    return IncidentRow(
        **stamp,
        position=position,
        name=person.name,
        surname=person.surname,
        age=person.age,
        age_min=person.age_min,
        age_max=person.age_max,
        gender=person.gender,
        occupation=person.occupation,
        group_size=incident.group_size,
        arrived_south=incident.arrived_south,
        returned=incident.returned,
        route=incident.route,
        status=incident.status,
        reasons_json=json.dumps(list(incident.reasons), ensure_ascii=False),
        evidence=evidence,
        created_at=now,
    )


def _claim_row(position: int, claim: Claim, stamp: dict[str, object], now: datetime) -> ClaimRow:
    return ClaimRow(
        **stamp,
        **_evidence_columns(claim.evidence),
        position=position,
        subject=claim.subject,
        value=claim.value,
        qualifier=claim.qualifier,
        period=claim.period,
        as_of=claim.as_of,
        source=claim.source,
        label=claim.label,
        created_at=now,
    )


def _quote_row(position: int, quote: Quote, stamp: dict[str, object], now: datetime) -> QuoteRow:
    return QuoteRow(
        **stamp,
        **_evidence_columns(quote.evidence),
        position=position,
        speaker=quote.speaker,
        role=quote.role,
        organization=quote.organization,
        created_at=now,
    )


def _evidence_columns(span: Span | None) -> dict[str, object]:
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
