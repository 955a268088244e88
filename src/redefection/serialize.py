"""The one JSON form of a document (the shape of the annotated corpus, see docs/schema.md) and of a case."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .records import (
    Case,
    Claim,
    Document,
    FieldValue,
    Incident,
    MatchFeature,
    Quote,
    Relevance,
    SourcedIncident,
    Span,
    relevance_of,
)


def _text(span: Span | None) -> str | None:
    return span.text if span is not None else None


def incident_to_json(incident: Incident) -> dict[str, Any]:
    person = incident.person
    return {
        "person": {
            "name": person.name,
            "surname": person.surname,
            "age": person.age,
            "age_range": [person.age_min, person.age_max] if person.age_min is not None else None,
            "gender": person.gender,
            "occupation": person.occupation,
        },
        "group_size": incident.group_size,
        "arrived_south": incident.arrived_south,
        "returned": incident.returned,
        "route": incident.route,
        "status": incident.status,
        "reasons": list(incident.reasons),
        "evidence": [span.text for span in incident.evidence],
    }


def claim_to_json(claim: Claim) -> dict[str, Any]:
    data: dict[str, Any] = {
        "subject": claim.subject,
        "value": claim.value,
        "qualifier": claim.qualifier,
        "period": claim.period,
        "as_of": claim.as_of,
        "source": claim.source,
        "evidence": _text(claim.evidence),
    }
    if claim.label is not None:  # what the people of an "other" figure did; scorers ignore it
        data["label"] = claim.label
    return data


def quote_to_json(quote: Quote) -> dict[str, Any]:
    return {
        "speaker": quote.speaker,
        "role": quote.role,
        "organization": quote.organization,
        "evidence": _text(quote.evidence),
    }


def document_to_json(document: Document) -> dict[str, Any]:
    """The corpus-schema dict of ``document``; unfilled stages give empty lists and nulls.

    Only a relevant document carries facts here: a possibly relevant one's
    candidate facts wait in the store for an editor.
    """
    article = document.article
    relevance: Relevance = relevance_of(document) or "not_relevant"
    relevant = relevance == "relevant"
    return {
        "id": document.id,
        "format": document.format,
        "language": document.language,
        "relevant": relevant,
        "relevance": relevance,
        "article": {
            "title": article.title,
            "byline": article.byline,
            "published": article.published.isoformat() if article.published else None,
            "outlet": article.outlet,
            "body": list(article.body),
        },
        "incidents": [incident_to_json(item) for item in document.incidents] if relevant else [],
        "claims": [claim_to_json(item) for item in document.claims] if relevant else [],
        "quotes": [quote_to_json(item) for item in document.quotes] if relevant else [],
    }


def _feature(feature: MatchFeature) -> dict[str, Any]:
    return {"name": feature.name, "score": feature.score, "detail": feature.detail}


def _sources(keys: Iterable[str], by_key: Mapping[str, SourcedIncident]) -> list[dict[str, Any]]:
    return [{"source": by_key[k].source, "incident": by_key[k].index, "outlet": by_key[k].outlet} for k in keys]


def case_to_json(case: Case) -> dict[str, Any]:
    """The JSON form of a case: fields (values with sources), conflicts, ladder, dates and incidents."""
    by_key = {member.item.key: member.item for member in case.incidents}

    def values(items: Iterable[FieldValue]) -> list[dict[str, Any]]:
        return [{"value": v.value, "sources": _sources(v.incidents, by_key)} for v in items]

    return {
        "key": case.key,
        "label": case.label,
        "status": case.status,
        "confirmation": case.confirmation,
        "confirmed_by": {rung: _sources(keys, by_key) for rung, keys in case.confirmed_by},
        "event_date": case.event_date,
        "disclosure_date": case.disclosure_date.isoformat() if case.disclosure_date else None,
        "independent_sources": case.independent_sources,
        "documents": case.documents,
        "fields": {name: values(items) for name, items in case.fields},
        "conflicts": [{"field": c.field, "values": values(c.values)} for c in case.conflicts],
        "incidents": [
            {
                "id": m.item.id,  # incidents.id when stored: what ``merge`` and ``split`` take
                "source": m.item.source,
                "incident": m.item.index,
                "document": m.item.document,
                "published": m.item.published.isoformat() if m.item.published else None,
                "outlet": m.item.outlet,
                "score": m.score,
                "linked_to": _sources([m.linked_to], by_key)[0] if m.linked_to in by_key else None,
                "features": [_feature(f) for f in m.features],
            }
            for m in case.incidents
        ],
    }
