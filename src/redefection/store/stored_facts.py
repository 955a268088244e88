"""Fact rows as the web app sees them (``StoredFact``: row id, values, evidence, review state), and back.

Shared by browsing (which reads facts) and review (which corrects them and
replaces machine facts on re-extraction). ``values`` hold exactly the
columns of ``EDITABLE_FIELDS[kind]``, ``reasons`` as a list of codes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from ..records import Claim, Incident, Quote, Span
from .facts import MACHINE, record_values
from .tables import ClaimRow, IncidentEvidenceRow, IncidentRow, QuoteRow
from .web import EDITABLE_FIELDS, FactKind, ReviewState, StoredFact

FactRow = IncidentRow | ClaimRow | QuoteRow
FACT_ROWS: Mapping[FactKind, type[IncidentRow] | type[ClaimRow] | type[QuoteRow]] = {
    "incident": IncidentRow,
    "claim": ClaimRow,
    "quote": QuoteRow,
}
KINDS: tuple[FactKind, ...] = ("incident", "claim", "quote")


def fact_kind(kind: str) -> FactKind:
    """``kind`` checked to be one of incident, claim, quote; ``ValueError`` otherwise."""
    if kind not in FACT_ROWS:
        raise ValueError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    return cast(FactKind, kind)


def load_rows(
    session: Session, kind: FactKind, *, fact_id: int | None = None, document_id: int | None = None
) -> list[FactRow]:
    """Fact rows of one kind by id or by document, in position order; an incident's evidence is loaded with it."""
    table = FACT_ROWS[kind]
    query: Select[Any] = select(table).order_by(table.position)
    if fact_id is not None:
        query = query.where(table.id == fact_id)
    if document_id is not None:
        query = query.where(table.document_id == document_id)
    if kind == "incident":
        query = query.options(selectinload(IncidentRow.evidence))
    return cast(list[FactRow], list(session.scalars(query)))


def row_value(row: FactRow, field: str) -> Any:
    """The current value of ``field`` in ``row`` (``reasons`` decoded to a list)."""
    if field == "reasons":
        return list(json.loads(cast(IncidentRow, row).reasons_json))
    return getattr(row, field)


def set_row_value(row: FactRow, field: str, value: Any) -> None:
    if field == "reasons":
        cast(IncidentRow, row).reasons_json = json.dumps(list(value), ensure_ascii=False)
    else:
        setattr(row, field, value)


def _span(start: int | None, end: int | None, text: str | None) -> tuple[Span, ...]:
    if start is None or end is None or text is None:
        return ()
    return (Span(start, end, text),)


def evidence_of(row: FactRow) -> tuple[Span, ...]:
    """The evidence spans of a row (an incident's rows must have their evidence loaded)."""
    if isinstance(row, IncidentRow):
        return tuple(Span(e.start_offset, e.end_offset, e.text) for e in row.evidence)
    return _span(row.evidence_start, row.evidence_end, row.evidence_text)


def stored_fact(kind: FactKind, row: FactRow) -> StoredFact:
    """The ``StoredFact`` of a fact row."""
    return StoredFact(
        kind=kind,
        id=row.id,
        document_id=row.document_id,
        position=row.position,
        values={field: row_value(row, field) for field in EDITABLE_FIELDS[kind]},
        evidence=evidence_of(row),
        review_state=cast(ReviewState, row.review_state),
        extractor_version=row.extractor_version,
    )


def record_fact(kind: FactKind, item: Incident | Claim | Quote, document_id: int, position: int) -> StoredFact:
    """An extracted fact as a (not yet stored) ``StoredFact``: id 0, review state machine."""
    evidence: tuple[Span, ...] = item.evidence if isinstance(item, Incident) else ()
    if isinstance(item, Claim | Quote) and item.evidence is not None:
        evidence = (item.evidence,)
    return StoredFact(kind, 0, document_id, position, record_values(item), evidence, "machine", "")


def new_row(fact: StoredFact, document_id: int, position: int, version: str, now: datetime) -> FactRow:
    """A new machine fact row holding ``fact``'s values and evidence at ``position``."""
    stamp: dict[str, Any] = {
        "document_id": document_id,
        "position": position,
        "extractor_version": version,
        "review_state": MACHINE,
        "created_at": now,
    }
    values = {field: fact.values[field] for field in EDITABLE_FIELDS[fact.kind] if field in fact.values}
    if fact.kind == "incident":
        values["reasons_json"] = json.dumps(list(values.pop("reasons", ())), ensure_ascii=False)
        values.setdefault("group_size", 1)
        values.setdefault("status", "returned")
        evidence = [
            IncidentEvidenceRow(position=n, start_offset=s.start, end_offset=s.end, text=s.text)
            for n, s in enumerate(fact.evidence)
        ]
        return IncidentRow(**stamp, **values, evidence=evidence)
    span = fact.evidence[0] if fact.evidence else None
    columns = {
        "evidence_start": span.start if span else None,
        "evidence_end": span.end if span else None,
        "evidence_text": span.text if span else None,
    }
    if fact.kind == "claim":
        return ClaimRow(**stamp, **columns, **values)
    return QuoteRow(**stamp, **columns, **values)


def _spans_key(evidence: tuple[Span, ...]) -> tuple[tuple[int, int], ...]:
    return tuple((span.start, span.end) for span in evidence)


def found_again(rows: Sequence[FactRow], facts: Sequence[StoredFact]) -> list[FactRow | None]:
    """For each new fact, the stored machine row it is the same fact as (or None): its identity.

    A fact is the same when it has the same evidence spans; failing that, when
    its evidence overlaps the row's (the extractor widened or narrowed the
    span); a fact without evidence, when it has the same values. Each row is
    taken at most once, in document order.
    """
    free = list(rows)
    found: list[FactRow | None] = [None] * len(facts)

    def same_spans(fact: StoredFact, row: FactRow) -> bool:
        return bool(fact.evidence) and _spans_key(fact.evidence) == _spans_key(evidence_of(row))

    def overlapping(fact: StoredFact, row: FactRow) -> bool:
        return overlaps(fact.evidence, evidence_of(row))

    def same_values(fact: StoredFact, row: FactRow) -> bool:
        if fact.evidence or evidence_of(row):
            return False
        return all(row_value(row, k) == v for k, v in fact.values.items())

    for same in (same_spans, overlapping, same_values):
        for n, fact in enumerate(facts):
            if found[n] is None:
                row = next((row for row in free if same(fact, row)), None)
                if row is not None:
                    found[n] = row
                    free.remove(row)
    return found


def update_row(session: Session, row: FactRow, fact: StoredFact, version: str) -> None:
    """``row`` (a machine fact) takes ``fact``'s values and evidence; its id and position stay."""
    for field in EDITABLE_FIELDS[fact.kind]:
        if field in fact.values:
            set_row_value(row, field, fact.values[field])
    row.extractor_version = version
    if isinstance(row, IncidentRow):
        if _spans_key(evidence_of(row)) != _spans_key(fact.evidence):
            row.evidence.clear()
            session.flush()  # the old spans' positions are free before the new ones take them
            row.evidence.extend(
                IncidentEvidenceRow(position=n, start_offset=s.start, end_offset=s.end, text=s.text)
                for n, s in enumerate(fact.evidence)
            )
        return
    span = fact.evidence[0] if fact.evidence else None
    row.evidence_start = span.start if span else None
    row.evidence_end = span.end if span else None
    row.evidence_text = span.text if span else None


def overlaps(a: tuple[Span, ...], b: tuple[Span, ...]) -> bool:
    """Whether any span of ``a`` shares a character with any span of ``b``."""
    return any(x.start < y.end and y.start < x.end for x in a for y in b)


__all__ = [
    "FACT_ROWS",
    "KINDS",
    "FactRow",
    "evidence_of",
    "fact_kind",
    "found_again",
    "load_rows",
    "new_row",
    "overlaps",
    "record_fact",
    "record_values",
    "row_value",
    "set_row_value",
    "stored_fact",
    "update_row",
]
