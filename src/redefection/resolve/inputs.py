"""Incidents and claims with their source, from ``Document`` records or from extract JSON files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, cast, get_args

from ..records import (
    REASON_CODES,
    Claim,
    Document,
    Gender,
    Incident,
    Person,
    Qualifier,
    SourcedClaim,
    SourcedIncident,
    Span,
    Status,
    Subject,
)


def incidents_of(documents: Iterable[Document]) -> list[SourcedIncident]:
    """Every incident of ``documents``, numbered as in each document's extract output."""
    return [
        SourcedIncident(
            incident,
            source=document.uri or document.source,
            index=n,
            document=document.id,
            published=document.article.published,
            outlet=document.article.outlet,
            language=document.language,
        )
        for document in documents
        for n, incident in enumerate(document.incidents)
    ]


def claims_of(documents: Iterable[Document]) -> list[SourcedClaim]:
    """Every claim of ``documents`` with its document's source, date and outlet."""
    return [
        SourcedClaim(
            claim,
            source=document.uri or document.source,
            document=document.id,
            published=document.article.published,
            outlet=document.article.outlet,
            index=n,
        )
        for document in documents
        for n, claim in enumerate(document.claims)
    ]


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _choice(value: object, allowed: tuple[str, ...], default: str | None) -> str | None:
    return value if isinstance(value, str) and value in allowed else default


def incident_from_json(data: Mapping[str, Any]) -> Incident:
    """An ``Incident`` from the corpus JSON shape (see docs/schema.md); unknown values become ``None``."""
    person = data.get("person") or {}
    age = person.get("age")
    bounds = person.get("age_range")
    low, high = bounds if isinstance(bounds, list) and len(bounds) == 2 else (None, None)
    return Incident(
        person=Person(
            name=person.get("name") or None,
            surname=person.get("surname") or None,
            age=age if isinstance(age, int) else None,
            age_min=_whole(person.get("age_min", low)),
            age_max=_whole(person.get("age_max", high)),
            gender=cast(Gender | None, _choice(person.get("gender"), get_args(Gender), None)),
            occupation=person.get("occupation") or None,
        ),
        group_size=int(data.get("group_size") or 1),
        arrived_south=data.get("arrived_south") or None,
        returned=data.get("returned") or None,
        route=data.get("route") or None,
        status=cast(Status, _choice(data.get("status"), get_args(Status), "returned")),
        reasons=tuple(r for r in data.get("reasons") or () if r in REASON_CODES),
        evidence=tuple(Span(-1, -1, str(text)) for text in data.get("evidence") or ()),
    )


def claim_from_json(data: Mapping[str, Any]) -> Claim | None:
    """A ``Claim`` from the corpus JSON shape; ``None`` without an integer value."""
    value = data.get("value")
    if not isinstance(value, int):
        return None
    evidence = data.get("evidence")
    return Claim(
        subject=cast(Subject, _choice(data.get("subject"), get_args(Subject), "other")),
        value=value,
        qualifier=cast(Qualifier, _choice(data.get("qualifier"), get_args(Qualifier), "exact")),
        period=data.get("period") or None,
        as_of=data.get("as_of") or None,
        source=data.get("source") or None,
        evidence=Span(-1, -1, str(evidence)) if evidence else None,
        label=str(data["label"]) if data.get("label") else None,
    )


def _article(data: Mapping[str, Any]) -> Mapping[str, Any]:
    return cast(Mapping[str, Any], data.get("article") or {})


def incidents_from_json(data: Mapping[str, Any], source: str) -> list[SourcedIncident]:
    """The incidents of one extract (or gold) JSON document; ``source`` says where the document came from."""
    article = _article(data)
    return [
        SourcedIncident(
            incident_from_json(item),
            source=source,
            index=n,
            document=str(data.get("id") or ""),
            published=_date(article.get("published")),
            outlet=article.get("outlet") or None,
            language=data.get("language") or None,
        )
        for n, item in enumerate(data.get("incidents") or ())
    ]


def claims_from_json(data: Mapping[str, Any], source: str) -> list[SourcedClaim]:
    """The claims of one extract (or gold) JSON document."""
    article = _article(data)
    out = []
    for n, item in enumerate(data.get("claims") or ()):
        claim = claim_from_json(item)
        if claim is not None:
            out.append(
                SourcedClaim(
                    claim,
                    source=source,
                    document=str(data.get("id") or ""),
                    published=_date(article.get("published")),
                    outlet=article.get("outlet") or None,
                    index=n,
                )
            )
    return out


__all__ = [
    "claim_from_json",
    "claims_from_json",
    "claims_of",
    "incident_from_json",
    "incidents_from_json",
    "incidents_of",
]
