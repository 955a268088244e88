"""Compare two incidents: the features that say they are one case, and the conflicts that say not.

A pair's score is the sum of its features' scores; a hard conflict (two ages
five years apart, two arrival years, two given names, a different surname,
return dates more than ``NEAR_MONTH_DAYS`` apart, two incidents of one
document) blocks the pair whatever the score. A different gender blocks it
unless the rest of the evidence reaches ``GENDER_OVERRIDE``. A
shared surname is worth little on its own (``SURNAME``), so two people are
never merged only because they are both called Kim.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from ..ages import age_text
from ..records import MatchFeature, SourcedIncident
from .names import NameKey, name_key, readings_agree, surnames_agree

# Weights: set by hand on the dev corpus (benchmarks/cases_benchmark.py). There the weakest link that
# holds a true case together scores 2.45 on gold incidents (surname, age, arrival year, reason) and 3.0
# on extracted ones, while no pair of different cases without a hard conflict scores above 0.5.
MERGE_THRESHOLD = 2.0
FULL_NAME = 3.0
SURNAME = 0.5
AGE_SAME, AGE_IN_RANGE, AGE_CLOSE = 1.0, 0.5, 0.25
RETURNED = {3: 2.0, 2: 1.0, 1: 0.3}  # by the precision both dates share: day, month, year
ARRIVED = {3: 1.5, 2: 1.5, 1: 0.7}
NEAR_DATE = 0.5  # two day-precise dates a few days apart: one event, reported with a conflict
NEAR_DAYS = 3
# Two dates given to the month or day that miss each other by at most this many days ("June" in one report,
# "July 19" in another) are one event misdated, a conflict to show, not two people: no score, no block.
NEAR_MONTH_DAYS = 45
# A gender disagreement is usually a pronoun misread by extraction: it keeps two incidents apart (and so their
# groups) only when the rest of the evidence could not link them anyway. On dev, pairs of different cases with
# a gender disagreement score at most 0.95 (gold incidents) and 1.5 (extracted), while 12 extracted pairs of one
# case, one side misgendered, score 2.2 to 5.95.
GENDER_OVERRIDE = MERGE_THRESHOLD
# A full name (spelled alike, or read alike from Chinese characters) is rarer than a return date is reliable:
# timelines date an entry by the year it was reported, and a "same year" can be read off the wrong clause. So
# two dates of one year, or any two dates when one more fact agrees (age, arrival, details), are a conflict
# to show, not two people. On dev, three true pairs were blocked by such dates and no pair of different cases
# shares a full name.
DATE_OVERRIDE = FULL_NAME + 1.0
CONCEPT_CAP = 2.0
STATUS = 0.5  # both attempted, or both intended: rarer than a return
GROUP = 0.5
REASON = 0.25
# A surname whose bearer arrived and went back in the same years as the other's: returns are a few a year, so
# the three together single out one person ("a defector surnamed Yoo who came in 1998 and went back in 2000"
# and "Yoo Tae-joon ... in 2000, having come in 1998"). On dev no two cases share all three.
SURNAME_EVENTS = 0.5
REPORTED_TOGETHER, REPORTED_DAYS = 0.5, 7
AGE_RANGE_SLACK = 2  # 29 vs "in his 30s" is a conflict to show, not two people
# Two unnamed reports giving one decade ("a man in his 30s" twice): weaker than one exact age.
AGE_RANGE_SAME, AGE_RANGE_WIDEST = 0.5, 9
# A report without a return date published on the day of another's dated return, or a few days after
# ("police detained a defector early Tuesday"): it tells that event, as much as a shared return month does.
REPORTED_ON_EVENT = RETURNED[2]

PartialDate = tuple[int, int | None, int | None]
PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
DECADE_PARTS = {
    "early": (0, 3),
    "초반": (0, 3),
    "mid": (3, 6),
    "mid-": (3, 6),
    "중반": (3, 6),
    "late": (7, 9),
    "후반": (7, 9),
}


@dataclass(frozen=True, slots=True)
class Match:
    """How two incidents compare: positive features, and hard conflicts that keep them apart."""

    a: str
    b: str
    score: float
    features: tuple[MatchFeature, ...] = ()
    blocked_by: tuple[MatchFeature, ...] = ()

    @property
    def is_blocked(self) -> bool:
        return bool(self.blocked_by)


@dataclass(frozen=True, slots=True)
class Profile:
    """What resolution reads from one incident, computed once."""

    item: SourcedIncident
    name: NameKey | None
    age: int | None
    age_range: tuple[int, int] | None  # from the evidence when no exact age is given
    age_text: str | None  # the range as shown to a user ("30s", "early 30s")
    returned: PartialDate | None
    arrived: PartialDate | None
    concepts: frozenset[str]
    authority: bool
    state_media: bool


@lru_cache(maxsize=1)
def matching_data() -> dict[str, Any]:
    """The ``data/matching.toml`` tables: concepts, confirmation ladder terms, age-range patterns."""
    text = resources.files("redefection.data").joinpath("matching.toml").read_text("utf-8")
    return tomllib.loads(text)


def _term_pattern(terms: Iterable[str]) -> re.Pattern[str]:
    parts = []
    for term in sorted(terms, key=len, reverse=True):
        escaped = re.escape(term)
        parts.append(rf"\b{escaped}\b" if term.isascii() else escaped)
    return re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE)


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict[str, tuple[float, re.Pattern[str]]], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    data = matching_data()
    concepts = {
        name: (float(entry["weight"]), _term_pattern(entry["terms"])) for name, entry in data["concepts"].items()
    }
    ladder = data["ladder"]
    return (
        concepts,
        _term_pattern(ladder["authority"]),
        _term_pattern(ladder["attribution"]),
        _term_pattern(ladder["state_media"]),
    )


@lru_cache(maxsize=1)
def _age_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in matching_data()["age_range"]["patterns"])


def concept_weight(name: str) -> float:
    return _patterns()[0][name][0]


def parse_partial(value: str | None) -> PartialDate | None:
    """``"2020-07"`` -> ``(2020, 7, None)``; ``None`` for missing or malformed values."""
    found = PARTIAL.match(value or "")
    if found is None:
        return None
    year, month, day = found.groups()
    return int(year), int(month) if month else None, int(day) if day else None


@lru_cache(maxsize=1 << 16)  # a corpus has few distinct dates; comparing pairs reads them over and over
def interval(value: PartialDate) -> tuple[date, date]:
    year, month, day = value
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            end = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            return date(year, month, 1), end
        return date(year, month, day), date(year, month, day)
    except ValueError:
        return date(year, 1, 1), date(year, 12, 31)


def precision(value: PartialDate) -> int:
    return 1 if value[1] is None else 2 if value[2] is None else 3


def date_gap(a: PartialDate, b: PartialDate) -> int:
    """Days between two partial dates read as intervals; 0 when they overlap (agree at their shared precision)."""
    a_start, a_end = interval(a)
    b_start, b_end = interval(b)
    return max(0, (b_start - a_end).days, (a_start - b_end).days)


def _age_range(texts: Iterable[str]) -> tuple[tuple[int, int], str] | None:
    for text in texts:
        for pattern in _age_patterns():
            found = pattern.search(text)
            if found is None:
                continue
            decade = int(found.group("decade"))
            part = found.groupdict().get("part")
            low, high = DECADE_PARTS.get(part or "", (0, 9))
            shown = f"{part.rstrip('-') + ' ' if part and part.isascii() else ''}{decade}s"
            return (decade + low, decade + high), shown
    return None


def _stored_age_range(low: int | None, high: int | None) -> tuple[tuple[int, int], str] | None:
    """The range an incident holds (extracted or corrected: "30s" is 30-39), as ``_age_range`` gives it."""
    if low is None or high is None:
        return None
    return (low, high), age_text(None, low, high) or f"{low}-{high}"


def _is_authority(sentence: str) -> bool:
    _, authority, attribution, _ = _patterns()
    return bool(authority.search(sentence) and attribution.search(sentence))


@lru_cache(maxsize=1 << 15)
def profile(item: SourcedIncident) -> Profile:
    """Read the comparable facts of one incident (names as keys, dates, age range, concepts, attributions).

    Remembered: a long-running process (the web app, ``watch``) rebuilds cases
    from mostly the same incidents again and again, and reading an incident's
    evidence with the concept patterns is a third of a rebuild's time.
    """
    incident, person = item.incident, item.incident.person
    evidence = [span.text for span in incident.evidence]
    text = "\n".join([incident.route or "", person.occupation or "", *evidence])
    concepts, _, _, state_media = _patterns()
    found = (_stored_age_range(person.age_min, person.age_max) or _age_range(evidence)) if person.age is None else None
    return Profile(
        item=item,
        name=name_key(person.name, person.surname),
        age=person.age,
        age_range=found[0] if found else None,
        age_text=found[1] if found else None,
        returned=parse_partial(incident.returned),
        arrived=parse_partial(incident.arrived_south),
        concepts=frozenset(name for name, (_, pattern) in concepts.items() if pattern.search(text)),
        authority=any(_is_authority(sentence) for sentence in evidence),
        state_media=any(state_media.search(sentence) for sentence in evidence),
    )


def _names(a: Profile, b: Profile, out: list[MatchFeature], hard: list[MatchFeature]) -> None:
    if a.name is None or b.name is None:
        return
    shown = f"{a.item.incident.person.name or a.item.incident.person.surname} ~ "
    shown += f"{b.item.incident.person.name or b.item.incident.person.surname}"
    if not surnames_agree(a.name, b.name):
        hard.append(MatchFeature("surname", 0.0, shown))
        return
    if readings_agree(a.name, b.name):  # 林智贤 read as 임지현 / Lim Ji-hyun
        out.append(MatchFeature("name", FULL_NAME, shown))
        return
    if a.name.given is not None and b.name.given is not None and a.name.is_phonetic == b.name.is_phonetic:
        if a.name.given == b.name.given:
            out.append(MatchFeature("name", FULL_NAME, shown))
            return
        if a.name.is_phonetic:  # two renderings in Chinese characters may differ; two spellings may not
            hard.append(MatchFeature("given name", 0.0, shown))
            return
    out.append(MatchFeature("surname", SURNAME, shown))


def _years_apart(a: SourcedIncident, b: SourcedIncident) -> int:
    if a.published is None or b.published is None:
        return 0
    return abs((a.published - b.published).days) // 365


def _ages(a: Profile, b: Profile, out: list[MatchFeature], hard: list[MatchFeature]) -> None:
    if a.age is not None and b.age is not None:
        gap, allowed = abs(a.age - b.age), 1 + _years_apart(a.item, b.item)
        detail = f"{a.age} ~ {b.age}"
        if gap == 0:
            out.append(MatchFeature("age", AGE_SAME, detail))
        elif gap <= allowed:
            out.append(MatchFeature("age close", AGE_CLOSE, detail))
        else:
            hard.append(MatchFeature("age", 0.0, detail))
        return
    if a.age is None and b.age is None and a.age_range is not None and a.age_range == b.age_range:
        low, high = a.age_range
        if high - low <= AGE_RANGE_WIDEST:
            out.append(MatchFeature("age range", AGE_RANGE_SAME, a.age_text or f"{low}-{high}"))
        return
    exact, ranged = (a, b) if a.age is not None else (b, a)
    if exact.age is None or ranged.age_range is None:
        return
    low, high = ranged.age_range
    outside = max(0, low - exact.age, exact.age - high)
    detail = f"{exact.age} ~ {ranged.age_text}"
    if outside == 0:
        out.append(MatchFeature("age in range", AGE_IN_RANGE, detail))
    elif outside > AGE_RANGE_SLACK:
        hard.append(MatchFeature("age", 0.0, detail))


def _dates(name: str, a: PartialDate | None, b: PartialDate | None, weights: dict[int, float]) -> MatchFeature | None:
    if a is None or b is None:
        return None
    gap = date_gap(a, b)
    detail = f"{_show(a)} ~ {_show(b)}"
    if gap == 0:
        return MatchFeature(name, weights[min(precision(a), precision(b))], detail)
    if gap <= NEAR_DAYS and precision(a) == precision(b) == 3:
        return MatchFeature(f"{name} near", NEAR_DATE, detail)
    if gap <= NEAR_MONTH_DAYS and min(precision(a), precision(b)) >= 2:
        return MatchFeature(f"{name} near", 0.0, detail)
    return MatchFeature(name, -1.0, detail)  # a negative score marks a disagreement; the caller decides


@lru_cache(maxsize=1 << 16)
def _show(value: PartialDate) -> str:
    year, month, day = value
    return f"{year}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")


def _events(a: Profile, b: Profile, out: list[MatchFeature], hard: list[MatchFeature]) -> None:
    returned = _dates("returned", a.returned, b.returned, RETURNED)
    if returned is not None:
        (hard if returned.score < 0 else out).append(returned)
    arrived = _dates("arrived", a.arrived, b.arrived, ARRIVED)
    if arrived is not None and arrived.score >= 0:
        out.append(arrived)
    elif arrived is not None and a.arrived and b.arrived and abs(a.arrived[0] - b.arrived[0]) > 1:
        hard.append(arrived)  # a year off is a conflict to show; more is another person
    for first, second in ((a, b), (b, a)):
        published = second.item.published
        if first.returned is None or published is None:
            continue
        if second.returned is None and precision(first.returned) == 3:
            days = (published - interval(first.returned)[0]).days
            if 0 <= days <= NEAR_DAYS:
                out.append(MatchFeature("reported when it happened", REPORTED_ON_EVENT, f"{_show(first.returned)}"))
        if second.item.incident.status != "returned":
            continue
        if interval(first.returned)[0] > published:
            hard.append(MatchFeature("reported before the return", 0.0, f"{published} < {_show(first.returned)}"))


def _context(a: Profile, b: Profile, out: list[MatchFeature], hard: list[MatchFeature]) -> None:
    ia, ib = a.item.incident, b.item.incident
    shared = sorted(a.concepts & b.concepts)
    if shared:
        score = min(CONCEPT_CAP, sum(concept_weight(name) for name in shared))
        out.append(MatchFeature("details", score, ", ".join(shared)))
    if ia.status == ib.status != "returned":
        out.append(MatchFeature("status", STATUS, ia.status))
    if ia.group_size > 1 and ia.group_size == ib.group_size:
        out.append(MatchFeature("group", GROUP, str(ia.group_size)))
    reasons = (set(ia.reasons) & set(ib.reasons)) - {"unknown"}
    if reasons:
        out.append(MatchFeature("reasons", REASON, ", ".join(sorted(reasons))))
    pa, pb = a.item.published, b.item.published
    if pa is not None and pb is not None and abs((pa - pb).days) <= REPORTED_DAYS:
        out.append(MatchFeature("reported together", REPORTED_TOGETHER, f"{pa} ~ {pb}"))


def _outweigh_dates(
    a: PartialDate, b: PartialDate, score: float, out: list[MatchFeature], hard: list[MatchFeature]
) -> None:
    """Keep a return-date disagreement of two reports agreeing on the full name as a conflict (``DATE_OVERRIDE``)."""
    clash = next((f for f in hard if f.name == "returned"), None)
    if clash is None or (a[0] != b[0] and score < DATE_OVERRIDE):
        return
    hard.remove(clash)
    out.append(MatchFeature("returned differs", 0.0, clash.detail))


def compare(a: Profile, b: Profile) -> Match:
    """Score the pair (a, b): the sum of matching features, blocked by any hard conflict."""
    out: list[MatchFeature] = []
    hard: list[MatchFeature] = []
    if a.item.source == b.item.source:
        hard.append(MatchFeature("same document", 0.0, a.item.source))
    _names(a, b, out, hard)
    _ages(a, b, out, hard)
    _events(a, b, out, hard)
    _context(a, b, out, hard)
    names = {feature.name for feature in out}
    if {"surname", "arrived", "returned"} <= names:
        out.append(MatchFeature("surname, arrival and return", SURNAME_EVENTS, ""))
    score = round(sum(feature.score for feature in out), 3)
    if "name" in names and a.returned is not None and b.returned is not None:
        _outweigh_dates(a.returned, b.returned, score, out, hard)
    ga, gb = a.item.incident.person.gender, b.item.incident.person.gender
    if ga and gb and ga != gb:
        (out if score >= GENDER_OVERRIDE else hard).append(MatchFeature("gender", 0.0, f"{ga} ~ {gb}"))
    return Match(a.item.key, b.item.key, score, tuple(out), tuple(hard))


__all__ = [
    "DATE_OVERRIDE",
    "MERGE_THRESHOLD",
    "Match",
    "PartialDate",
    "Profile",
    "compare",
    "date_gap",
    "interval",
    "parse_partial",
    "profile",
]
