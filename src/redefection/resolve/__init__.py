"""Resolve: merge incidents reported by different documents into cases, and keep claims as series.

``resolve_incidents`` compares incidents on script-aware name keys
(``names``), dates, ages, arrival year and route details (``features``),
groups them under people's merge/split decisions (``cluster``), and builds
each case with every value its sources give, the conflicts between them, the
event and disclosure dates and the confirmation ladder (``cases``). Stages
never import the store: the store's service feeds this module records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from ..records import (
    LADDER,
    Case,
    CaseDecision,
    CaseIncident,
    Conflict,
    FieldValue,
    SourcedClaim,
    SourcedIncident,
)
from .cases import FIELDS, build_case
from .claims import ClaimPoint, SeriesKey, claim_series, series_to_json
from .cluster import group
from .features import MERGE_THRESHOLD, Match, compare, profile
from .inputs import claims_from_json, claims_of, incident_from_json, incidents_from_json, incidents_of
from .names import han_readings, name_key, name_variants, readings_agree, romanize_name, sound_key, surname_keys


def resolve_incidents(
    items: Sequence[SourcedIncident],
    *,
    clusters: Mapping[str, str] | None = None,
    decisions: Iterable[CaseDecision] = (),
) -> list[Case]:
    """Merge ``items`` into cases, earliest disclosed first.

    ``clusters`` maps a document (its source path/URL or its id) to its
    syndication cluster, so copies of one article count as one independent
    source; without it, documents of one outlet count once. ``decisions`` are
    people's merges and splits, applied before (and over) the machine's links.
    """
    profiles = [profile(item) for item in items]
    grouping = group(profiles, decisions)
    cases = [build_case(grouping, indices, clusters or {}) for indices in grouping.groups()]
    return sorted(cases, key=lambda c: (c.disclosure_date is None, c.disclosure_date or date.min, c.key))


def explain(a: SourcedIncident, b: SourcedIncident) -> Match:
    """Why two incidents would (or would not) be merged: their features and hard conflicts, with scores."""
    return compare(profile(a), profile(b))


__all__ = [
    "FIELDS",
    "LADDER",
    "MERGE_THRESHOLD",
    "Case",
    "CaseDecision",
    "CaseIncident",
    "ClaimPoint",
    "Conflict",
    "FieldValue",
    "Match",
    "SeriesKey",
    "SourcedClaim",
    "SourcedIncident",
    "claim_series",
    "claims_from_json",
    "claims_of",
    "explain",
    "han_readings",
    "incident_from_json",
    "incidents_from_json",
    "incidents_of",
    "name_key",
    "name_variants",
    "readings_agree",
    "resolve_incidents",
    "romanize_name",
    "series_to_json",
    "sound_key",
    "surname_keys",
]
