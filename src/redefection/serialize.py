"""The one JSON form of a document: the shape of the annotated corpus (see docs/schema.md)."""

from __future__ import annotations

from typing import Any

from .records import Claim, Document, Incident, Quote, Span


def _text(span: Span | None) -> str | None:
    return span.text if span is not None else None


def incident_to_json(incident: Incident) -> dict[str, Any]:
    person = incident.person
    return {
        "person": {
            "name": person.name,
            "surname": person.surname,
            "age": person.age,
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
    return {
        "subject": claim.subject,
        "value": claim.value,
        "qualifier": claim.qualifier,
        "period": claim.period,
        "as_of": claim.as_of,
        "source": claim.source,
        "evidence": _text(claim.evidence),
    }


def quote_to_json(quote: Quote) -> dict[str, Any]:
    return {
        "speaker": quote.speaker,
        "role": quote.role,
        "organization": quote.organization,
        "evidence": _text(quote.evidence),
    }


def document_to_json(document: Document) -> dict[str, Any]:
    """The corpus-schema dict of ``document``; unfilled stages give empty lists and nulls."""
    article = document.article
    return {
        "id": document.id,
        "format": document.format,
        "language": document.language,
        "relevant": bool(document.relevant),
        "article": {
            "title": article.title,
            "byline": article.byline,
            "published": article.published.isoformat() if article.published else None,
            "outlet": article.outlet,
            "body": list(article.body),
        },
        "incidents": [incident_to_json(item) for item in document.incidents],
        "claims": [claim_to_json(item) for item in document.claims],
        "quotes": [quote_to_json(item) for item in document.quotes],
    }
