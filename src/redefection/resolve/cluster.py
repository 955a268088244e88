"""Group incidents into cases: people's decisions first, then machine links from the strongest down.

Machine links are single-link with constraints: a pair scoring at least
``MERGE_THRESHOLD`` joins two groups unless any incident of one has a hard
conflict with any incident of the other (or a person split them). Manual
merges override machine conflicts; manual splits override everything the
machine would do. Decisions are applied in the order they were taken, so a
later merge undoes an earlier split of the same incidents.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import product

from ..records import CaseDecision
from .features import (
    AGE_SAME,
    ARRIVED,
    GROUP,
    MERGE_THRESHOLD,
    NEAR_DAYS,
    NEAR_MONTH_DAYS,
    REASON,
    REPORTED_TOGETHER,
    RETURNED,
    STATUS,
    SURNAME,
    Match,
    Profile,
    compare,
    concept_weight,
    interval,
)

logger = logging.getLogger(__name__)

Pair = tuple[int, int]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The most each weak token kind adds to a pair (see features.py); concepts weigh what data/matching.toml says.
WEAK_WEIGHTS = {
    "ry": RETURNED[1],
    "ay": ARRIVED[1],
    "g": AGE_SAME,
    "p": REPORTED_TOGETHER,
    "s": SURNAME,
    "st": STATUS,
    "gr": GROUP,
}
MAX_KEY_SIZE = 4
# A gender disagreement between two groups is a misread pronoun, not two people, when the joined reports say
# one gender at least this many times as often as the other (and at least this many times): on dev, one
# misgendered report of a case reported sixteen times.
GENDER_MAJORITY = 3  # with these weights no smallest set of weak tokens reaching the threshold is larger


def pair_of(i: int, j: int) -> Pair:
    return (i, j) if i < j else (j, i)


def _strong_tokens(p: Profile) -> set[str]:
    """Facts selective enough to block on alone: a full name, a return day or month, an arrival month."""
    tokens: set[str] = set()
    if p.name is not None and p.name.given is not None:
        given = {p.name.given, *p.name.readings}  # a name in Chinese characters also by its Korean readings
        tokens |= {f"n:{surname}:{key}" for surname in p.name.surnames for key in given}
    year, month, day = p.returned or (0, None, None)
    if month is not None:
        tokens.add(f"rm:{year}-{month}")
        if day is not None:  # days a few apart are one event reported with a conflict
            start = date(year, month, day)
            tokens |= {f"rd:{start + timedelta(days=d)}" for d in range(-NEAR_DAYS, NEAR_DAYS + 1)}
    elif p.returned is None and p.item.published is not None:  # features.REPORTED_ON_EVENT: the days before
        tokens.add(f"rd:{p.item.published}")
    if p.arrived is not None and p.arrived[1] is not None:
        tokens.add(f"am:{p.arrived[0]}-{p.arrived[1]}")
    return tokens


def _weak_tokens(p: Profile) -> set[str]:
    """Facts that add too little alone; a pair reaching the threshold without a strong token shares several."""
    tokens = {f"c:{name}" for name in p.concepts}
    if p.name is not None:
        tokens |= {f"s:{surname}" for surname in p.name.surnames}
    if p.returned is not None:  # other years are a hard conflict, so no neighbours
        tokens.add(f"ry:{p.returned[0]}")
    if p.arrived is not None:  # a year off adds nothing either
        tokens.add(f"ay:{p.arrived[0]}")
    if p.age is not None:  # decades around the age: same, close and in-range ages all share one
        tokens |= {f"g:{(p.age + delta) // 10}" for delta in (-1, 0, 1)}
    elif p.age_range is not None:
        tokens |= {f"g:{p.age_range[0] // 10}", f"g:{p.age_range[1] // 10}"}
    published = p.item.published
    if published is not None:  # own month and the previous one: dates a week apart always share one
        previous = (published.year, published.month - 1) if published.month > 1 else (published.year - 1, 12)
        tokens |= {f"p:{published.year}-{published.month}", f"p:{previous[0]}-{previous[1]}"}
    incident = p.item.incident
    if incident.status != "returned":
        tokens.add(f"st:{incident.status}")
    if incident.group_size > 1:
        tokens.add(f"gr:{incident.group_size}")
    return tokens


def _weight(token: str) -> float:
    kind, _, value = token.partition(":")
    return concept_weight(value) if kind == "c" else WEAK_WEIGHTS[kind]


def block_keys(p: Profile) -> set[str]:
    """Keys two incidents must share to be compared at all.

    Every feature worth (nearly) a merge alone is a key (``_strong_tokens``).
    Without one, a pair reaches the threshold only by sharing several weak
    features whose weights add up to it (less the reasons bonus, which has no
    token), so each smallest such set of weak tokens is a key: "same age and a
    shared route detail", "surname, age and reported the same month" ... A
    shared surname is never a key on its own: that would compare every Kim.
    """
    weak = sorted(_weak_tokens(p), key=lambda token: (-_weight(token), token))
    needed = MERGE_THRESHOLD - REASON
    keys = _strong_tokens(p)

    def extend(start: int, chosen: tuple[str, ...], total: float, kinds: frozenset[str]) -> None:
        for n in range(start, len(weak)):
            token = weak[n]
            kind = token.split(":", 1)[0]
            if kind in kinds and kind != "c":  # one value per kind can match; concepts add up
                continue
            grown, score = (*chosen, token), total + _weight(token)
            if score >= needed:
                keys.add("|".join(sorted(grown)))
            elif len(grown) < MAX_KEY_SIZE:
                extend(n + 1, grown, score, kinds | {kind})

    extend(0, (), 0.0, frozenset())
    if p.name is not None and p.returned is not None and p.arrived is not None:  # features.SURNAME_EVENTS
        keys |= {f"sar:{surname}:{p.arrived[0]}:{p.returned[0]}" for surname in p.name.surnames}
    return keys


@dataclass
class Grouping:
    """Union-find over incident indices, with the pair matches it has computed."""

    profiles: Sequence[Profile]
    matches: dict[Pair, Match] = field(default_factory=dict)  # links, and pairs looked at inside a group
    blocked: set[Pair] = field(default_factory=set)  # candidate pairs with a hard conflict
    manual: dict[Pair, str] = field(default_factory=dict)  # "merge" or "split" per pair, latest decision wins
    parent: list[int] = field(default_factory=list)
    members: dict[int, list[int]] = field(default_factory=dict)
    index: dict[str, int] = field(default_factory=dict)  # incident key -> position in profiles

    def __post_init__(self) -> None:
        self.index = {p.item.key: i for i, p in enumerate(self.profiles)}
        self.parent = list(range(len(self.profiles)))
        self.members = {i: [i] for i in range(len(self.profiles))}

    def match(self, i: int, j: int) -> Match:
        pair = pair_of(i, j)
        if pair not in self.matches:
            self.matches[pair] = compare(self.profiles[pair[0]], self.profiles[pair[1]])
        return self.matches[pair]

    def is_blocked(self, i: int, j: int) -> bool:
        pair = pair_of(i, j)
        return pair in self.blocked or self.match(i, j).is_blocked

    def consider(self, pair: Pair) -> Match | None:
        """Compare a candidate pair; keep it if it is a link, remember only that it is blocked otherwise."""
        found = compare(self.profiles[pair[0]], self.profiles[pair[1]])
        if found.is_blocked:
            self.blocked.add(pair)
            return None
        if found.score < MERGE_THRESHOLD:
            return None
        self.matches[pair] = found
        return found

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def only_gender(self, i: int, j: int) -> bool:
        blocked_by = self.match(i, j).blocked_by
        return bool(blocked_by) and all(f.name == "gender" for f in blocked_by)

    def only_date_of_one_name(self, i: int, j: int) -> bool:
        """Whether the pair agrees on the full name and is kept apart only by its return dates."""
        found = self.match(i, j)
        named = any(f.name == "name" for f in found.features)
        return named and bool(found.blocked_by) and all(f.name == "returned" for f in found.blocked_by)

    def date_outweighed(self, x: int, y: int, ri: int, rj: int) -> bool:
        """Whether ``x`` or ``y`` agrees with a report of the two groups on the full name strongly enough to
        outweigh their return dates (``features.DATE_OVERRIDE``): then its clash with the other is that
        same conflict, not another person."""
        return any(
            not found.is_blocked and any(f.name == "returned differs" for f in found.features)
            for one in (x, y)
            for other in (*self.members[ri], *self.members[rj])
            if other != one and (found := self.match(one, other))
        )

    def gender_agreed(self, ri: int, rj: int) -> bool:
        """Whether the reports of two groups agree on a gender overwhelmingly (``GENDER_MAJORITY``)."""
        counts: dict[str, int] = defaultdict(int)
        for i in (*self.members[ri], *self.members[rj]):
            gender = self.profiles[i].item.incident.person.gender
            if gender:
                counts[gender] += 1
        most, fewest = max(counts.values(), default=0), min(counts.values(), default=0)
        return len(counts) == 2 and most >= GENDER_MAJORITY * fewest

    def can_join(self, ri: int, rj: int, *, manual: bool) -> bool:
        agreed: bool | None = None  # computed on the first pair blocked by gender alone
        for x in self.members[ri]:
            for y in self.members[rj]:
                rule = self.manual.get(pair_of(x, y))
                if rule == "split":
                    return False
                if manual or rule == "merge" or not self.is_blocked(x, y):
                    continue
                if self.only_date_of_one_name(x, y):
                    if self.date_outweighed(x, y, ri, rj):
                        continue
                    return False
                if not self.only_gender(x, y):
                    return False
                if agreed is None:
                    agreed = self.gender_agreed(ri, rj)
                if not agreed:
                    return False
        return True

    def join(self, i: int, j: int, *, manual: bool = False) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj or not self.can_join(ri, rj, manual=manual):
            return False
        if len(self.members[ri]) < len(self.members[rj]):
            ri, rj = rj, ri
        self.parent[rj] = ri
        self.members[ri].extend(self.members.pop(rj))
        return True

    def groups(self) -> list[list[int]]:
        return sorted((sorted(m) for m in self.members.values()), key=lambda m: m[0])


def _manual_rules(decisions: Iterable[CaseDecision], index: dict[str, int]) -> dict[Pair, str]:
    rules: dict[Pair, str] = {}
    ordered = sorted(enumerate(decisions), key=lambda pair: (pair[1].at or EPOCH, pair[0]))
    for _, decision in ordered:
        chosen = [index[key] for key in decision.incidents if key in index]
        if decision.kind == "merge":
            pairs = [pair_of(a, b) for n, a in enumerate(chosen) for b in chosen[n + 1 :]]
        else:
            others = [index[key] for key in decision.others if key in index and key not in decision.incidents]
            pairs = [pair_of(a, b) for a in chosen for b in others]
        for pair in pairs:
            rules[pair] = decision.kind
    return rules


def _return_years(p: Profile) -> frozenset[int] | None:
    """The years the return may fall in, for blocking: two incidents whose return dates are known in different
    years always have a hard conflict (``features._events``), except dates given to the month or day that are
    at most ``NEAR_MONTH_DAYS`` apart (December and the next January)."""
    if p.returned is None:
        return None
    year, month, _ = p.returned
    if month is None:
        return frozenset({year})
    start, end = interval(p.returned)
    slack = timedelta(days=NEAR_MONTH_DAYS)
    return frozenset(range((start - slack).year, (end + slack).year + 1))


Facets = tuple[frozenset[int] | None, frozenset[str] | None]  # return years, surname keys; None: unknown


def _facets(p: Profile) -> Facets:
    return _return_years(p), (frozenset(p.name.surnames) if p.name is not None and p.name.surnames else None)


def _compatible(a: Facets, b: Facets) -> bool:
    return all(x is None or y is None or bool(x & y) for x, y in zip(a, b, strict=True))


def _block_pairs(members: Sequence[int], facets: Sequence[Facets]) -> Iterable[Pair]:
    """Pairs of a block that can link: return years and surnames that can agree (an unknown agrees with any).

    Different return years and surnames that cannot be one are hard conflicts
    (``features``), so such pairs are never compared.
    """
    buckets: dict[tuple[int, str], list[int]] = defaultdict(list)
    partial: list[int] = []
    for i in members:
        years, surnames = facets[i]
        if years is None or surnames is None:
            partial.append(i)
            continue
        for key in product(sorted(years), sorted(surnames)):
            buckets[key].append(i)
    for bucket in buckets.values():
        yield from (pair_of(a, b) for n, a in enumerate(bucket) for b in bucket[n + 1 :])
    for a in partial:
        yield from (pair_of(a, b) for b in members if b != a and _compatible(facets[a], facets[b]))


def candidate_pairs(profiles: Sequence[Profile]) -> set[Pair]:
    """Pairs sharing a blocking token and not kept apart by a hard conflict: the only ones worth comparing.

    A block of incidents sharing a token (often a common route, such as the
    Han estuary off Ganghwa) is split by return year and surname first, since
    returns in different years, or of people with different surnames, never
    link: that keeps comparisons near-linear in a block rather than quadratic.
    """
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(profiles):
        for key in block_keys(p):
            blocks[key].append(i)
    facets = [_facets(p) for p in profiles]
    pairs: set[Pair] = set()
    for token, members in blocks.items():
        if len(members) < 2:
            continue
        if token.startswith("n:"):  # one full name: return dates of other years may be outweighed (DATE_OVERRIDE)
            pairs.update(pair_of(a, b) for n, a in enumerate(members) for b in members[n + 1 :])
        else:
            pairs.update(_block_pairs(members, facets))
    return pairs


def group(profiles: Sequence[Profile], decisions: Iterable[CaseDecision] = ()) -> Grouping:
    """Cluster ``profiles`` into cases; ``Grouping.groups()`` lists them as index lists."""
    grouping = Grouping(profiles)
    index = grouping.index
    grouping.manual = _manual_rules(decisions, index)
    for (i, j), rule in sorted(grouping.manual.items()):
        if rule == "merge" and not grouping.join(i, j, manual=True):
            logger.info(
                "manual merge of %s and %s conflicts with a manual split", profiles[i].item.key, profiles[j].item.key
            )
    links = [m for m in map(grouping.consider, candidate_pairs(profiles)) if m is not None]
    for link in sorted(links, key=lambda m: (-m.score, m.a, m.b)):
        grouping.join(index[link.a], index[link.b])
    return grouping


__all__ = ["Grouping", "block_keys", "candidate_pairs", "group", "pair_of"]
