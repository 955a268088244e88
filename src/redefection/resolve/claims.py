"""Claims over time: every figure a source gave about a subject, in the order it was published.

Figures are never merged into one "true" number (DESIGN.md idea 2): the
ministry's 11 in five years, 28, 31 and "about 30 in a decade" stay side by
side, each with its date, qualifier, period and the document that reported it.
Syndicated copies of one article give one point, not one per copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..records import SourcedClaim

UNATTRIBUTED = None  # the series key of figures the text attributes to nobody


@dataclass(frozen=True, slots=True)
class ClaimPoint:
    """One figure in a series: when it was published, what it says, and where."""

    date: date | None
    value: int
    qualifier: str
    period: str | None
    as_of: str | None
    document: str  # the source (path or URL) of the earliest document giving it
    outlet: str | None = None
    copies: int = 1  # documents of one syndication cluster giving the same figure


SeriesKey = tuple[str, str | None, str | None]  # (subject, attributed source, label of an "other" figure)


_YEAR = re.compile(r"(?<!\d)(1[89]\d{2}|20\d{2})(?!\d)")
_SINCE = re.compile(
    r"\b(?:since|from|between|after)\b|以来|以來|起|以后|以後|이후|부터|\d\s*(?:~|-|–|至|到)", re.IGNORECASE
)
_ONE_YEAR = re.compile(
    r"^(?:(?:so far\s+)?(?:in\s+)?(?:this|last|that)\s+year(?:\s+alone)?|지난해|올해|작년|去年|今年|當年|当年)$",
    re.IGNORECASE,
)
_LEAD = re.compile(r"^(?:(?:in|over|during|for|within|throughout)\s+)?(?:the\s+)?", re.IGNORECASE)


def period_kind(period: str | None) -> str:
    """What a figure counts over, so that only comparable figures are joined in a chart.

    ``"since 2012"`` for a count from a year on ("between 2012 and 2020",
    "2012년부터", "自2012年以来"): its later figures may grow; ``"one year"``
    for a single year ("in 2019", "last year"); the window itself for a
    rolling one ("past five years"); ``"no period given"`` when none is. A
    figure "over the past five years" and one "between 2012 and 2020" are of
    different kinds: a line between them would show a trend that is not there.
    """
    if period is None or not period.strip():
        return "no period given"
    text = " ".join(period.split())
    years = _YEAR.findall(text)
    if years and (len(years) >= 2 or _SINCE.search(text)):
        return f"since {years[0]}"
    if years or _ONE_YEAR.match(text):
        return "one year"
    return _LEAD.sub("", text).casefold() or text.casefold()


def source_key(source: str | None) -> str | None:
    """The attributed source, whitespace-normalised; case is kept from the first spelling seen."""
    return " ".join(source.split()) if source and source.strip() else UNATTRIBUTED


def claim_series(
    claims: Iterable[SourcedClaim], clusters: Mapping[str, str] | None = None
) -> dict[SeriesKey, list[ClaimPoint]]:
    """Group claims by (subject, attributed source, label) and order each group by publication date.

    Figures of the subject ``other`` with different labels (punished, left the
    country...) count different people, so each label is a series of its own.

    ``clusters`` maps a document (source path/URL or document id) to its
    syndication cluster; copies in one cluster stating the same figure with the
    same qualifier and period make one point dated by the earliest copy.
    """
    clusters = clusters or {}
    spelled: dict[str | None, str | None] = {}
    grouped: dict[tuple[SeriesKey, tuple[object, ...]], list[SourcedClaim]] = {}
    for item in claims:
        claim = item.claim
        source = source_key(claim.source)
        folded = source.casefold() if source else None
        source = spelled.setdefault(folded, source)
        origin = clusters.get(item.source) or clusters.get(item.document) or f"doc:{item.source}"
        fingerprint = (origin, claim.value, claim.qualifier, claim.period, claim.as_of)
        grouped.setdefault(((claim.subject, source, claim.label), fingerprint), []).append(item)
    series: dict[SeriesKey, list[ClaimPoint]] = {}
    for (key, _), copies in grouped.items():
        first = min(copies, key=lambda c: (c.published is None, c.published or date.min, c.source))
        claim = first.claim
        point = ClaimPoint(
            first.published,
            claim.value,
            claim.qualifier,
            claim.period,
            claim.as_of,
            first.source,
            first.outlet,
            len(copies),
        )
        series.setdefault(key, []).append(point)
    for points in series.values():
        points.sort(key=lambda p: (p.date is None, p.date or date.min, p.value, p.document))
    return dict(
        sorted(series.items(), key=lambda kv: (kv[0][0], kv[0][2] or "", kv[0][1] is None, (kv[0][1] or "").casefold()))
    )


def series_to_json(series: Mapping[SeriesKey, list[ClaimPoint]]) -> list[dict[str, Any]]:
    """The series as JSON-ready dicts: one per (subject, source, label), points oldest first."""
    return [
        {
            "subject": subject,
            "source": source,
            "label": claim_label,
            "points": [
                {
                    "date": p.date.isoformat() if p.date else None,
                    "value": p.value,
                    "qualifier": p.qualifier,
                    "period": p.period,
                    "as_of": p.as_of,
                    "document": p.document,
                    "outlet": p.outlet,
                    "copies": p.copies,
                }
                for p in points
            ],
        }
        for (subject, source, claim_label), points in series.items()
    ]


__all__ = ["ClaimPoint", "SeriesKey", "SourcedClaim", "claim_series", "period_kind", "series_to_json", "source_key"]
