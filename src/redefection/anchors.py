"""What survives translation: the numbers, dates and names of a text, in order, for finding copies across languages.

A machine translation of a Korean article shares no shingle with its original, and a Traditional Chinese
article converted to Simplified (with 北韓 turned into 朝鲜) shares few. What both keep is the sequence of
facts: the numbers (months named or numbered: "September 12" and "9월 12일" both give 9, 12), and the
people, whose names are compared by the script-aware keys of ``resolve.names`` (김광혁 and Kim Kwang-hyuk
share a key). Two independent reports of one event share names and dates too, but not the order and density
of everything else they cite; a translation keeps nearly all of it, in the same order.

``translation_copy`` decides on a pair of texts written in different scripts (Latin, Hangul, Traditional or
Simplified Chinese); texts in the same script are compared on their shingles by ``dedupe`` instead.
``anchor_buckets`` (the keys a text is indexed under) and ``anchor_queries`` (the keys it looks up) bring such
pairs together without comparing every pair.
"""

from __future__ import annotations

import bisect
import itertools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from .resolve.names import given_key, surname_keys

Variant = Literal["latin", "hangul", "hant", "hans", "none"]

# Measured on the dev corpus (benchmarks/dedupe_benchmark.py, "anchors" line): the translated and converted
# copies keep 0.92 and 1.0 of the longer anchor sequence, in order (12 anchors each); independent reports in
# other scripts of the same events (the same couple, the same swim across the border) keep at most 0.64 (7 and
# 9 anchors), and 0.71 only for 5 anchors. So: at least MIN_SHARED anchors in order, and MIN_ORDERED_SHARE of
# the longer sequence; two short texts citing a date and a name are never copies.
MIN_ANCHORS = 6
MIN_SHARED = 8
MIN_ORDERED_SHARE = 0.8
# Bounds for hostile input: anchors are read from the first MAX_CHARS characters (a long news article is under
# 15,000; the dev articles cite 6 to 60 anchors) and at most MAX_COMPARED of them are compared (the comparison
# grows with the product of the lengths: 0.2 s for two texts of 300).
MAX_CHARS = 40_000
MAX_COMPARED = 300

NUMBER = re.compile(r"\d+(?:[,.]\d{3})*")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# A capitalised month name, a number, or a capitalised Korean-style name (Kim Kwang-hyuk, Ko Jung-nam, Park In-suk).
MONTH_NAMES = "|".join(name.capitalize() for name in sorted(MONTHS, key=len, reverse=True))
LATIN_TOKEN = re.compile(
    rf"\b(?P<month>(?:{MONTH_NAMES}))\b\.?|(?P<number>\d+(?:[,.]\d{{3}})*)|"
    r"\b(?P<surname>[A-Z][a-z]{0,5})\s+(?P<given>[A-Z][a-z]{0,6}(?:-[a-z]{1,6})?)\b"
)
HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+|\d+(?:[,.]\d{3})*")
# Dates, so that "Nov. 9, 2012", "9 November 2012", "2012년 11월 9일" and "2012-11-09" all give the anchors
# 2012, 11, 9 in that order (and "June 2012" / "2012년 6월" give 2012, 6), whatever order the language writes.
NUMERIC_DATE = re.compile(r"\b(?P<year>\d{4})[-./](?P<month>\d{1,2})[-./](?P<day>\d{1,2})\b")
LATIN_DATES = (
    NUMERIC_DATE,
    re.compile(rf"\b(?P<month>{MONTH_NAMES})\b\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}})\b)?"),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{MONTH_NAMES})\b\.?(?:,?\s+(?P<year>\d{{4}})\b)?"
    ),
    re.compile(rf"\b(?P<month>{MONTH_NAMES})\b\.?,?\s+(?:of\s+)?(?P<year>\d{{4}})\b"),
)
CJK_DATES = (
    NUMERIC_DATE,
    re.compile(r"(?:(?P<year>\d{4})\s*[년年]\s*)?(?P<month>\d{1,2})\s*[월月]\s*(?:(?P<day>\d{1,2})\s*[일日号號])?"),
)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LATIN = re.compile(r"[A-Za-z]")
# Frequent characters written one way in Traditional and another in Simplified Chinese (each string holds the
# pairs in the same order); a text is Traditional when more of its characters come from the first string.
TRADITIONAL = "國韓們這來為說會與對後發時們報導員經過當關們實現區將從還進開體問題數資顯"
SIMPLIFIED = "国韩们这来为说会与对后发时们报导员经过当关们实现区将从还进开体问题数资显"
TRADITIONAL_ONLY = frozenset(TRADITIONAL) - frozenset(SIMPLIFIED)
SIMPLIFIED_ONLY = frozenset(SIMPLIFIED) - frozenset(TRADITIONAL)
DOMINANT_SHARE = 0.3

# Anchor buckets: MinHash of the set of consecutive number pairs ("2008 then 2009"), BUCKET_BANDS bands of
# BUCKET_ROWS rows, keyed by the text's script. A translation keeps its numbers in order, so the dev pairs share
# all their pairs (Jaccard 1.0) and meet with probability 1 - (1 - J^2)^20: 0.97 even at J = 0.4. Unordered
# anchors (names included) were far less selective: 4.4% of all dev pairs shared a bucket, against 0.5% here.
# A text publishes buckets under its own script and looks up those of the other scripts, so texts in one
# script (compared on their shingles anyway) never become candidates through these buckets.
BUCKET_BANDS = 20
BUCKET_ROWS = 2
MIN_PAIRS = 4  # five numbers in a row at least
VARIANTS: tuple[Variant, ...] = ("latin", "hangul", "hant", "hans")
BUCKET_SALT = zlib.crc32(b"anchors-v2")


@dataclass(frozen=True, slots=True)
class Anchor:
    """A number ("n:2008") or a name key ("p:김|gwanghyog").

    ``certain`` is False for a Hangul run that may be a name (정부는 "the government" starts like one).
    """

    key: str
    certain: bool = True


def variant(text: str) -> Variant:
    """The script a text is written in, telling Traditional from Simplified Chinese (read from its start)."""
    text = text[:MAX_CHARS]
    hangul = len(HANGUL.findall(text))
    han = len(HAN.findall(text))
    latin = len(LATIN.findall(text))
    letters = hangul + han + latin
    if not letters:
        return "none"
    if hangul >= DOMINANT_SHARE * letters:
        return "hangul"
    if han >= DOMINANT_SHARE * letters:
        traditional = sum(1 for ch in text if ch in TRADITIONAL_ONLY)
        simplified = sum(1 for ch in text if ch in SIMPLIFIED_ONLY)
        return "hant" if traditional > simplified else "hans"
    return "latin"


def _number(text: str) -> str:
    return "n:" + str(int(re.sub(r"[,.]", "", text)))


@lru_cache(maxsize=8192)
def _name(surname: str, given: str) -> Anchor | None:
    surnames = surname_keys(surname)
    if all(key.startswith("?") for key in surnames):
        return None
    key = given_key(given)
    if not key:
        return None
    return Anchor("p:" + "/".join(sorted(surnames)) + "|" + key)


def _month(value: str) -> int:
    return int(value) if value.isdigit() else MONTHS[value.casefold().rstrip(".")]


def _dates(text: str, patterns: Sequence[re.Pattern[str]]) -> list[tuple[int, int, list[Anchor]]]:
    """Non-overlapping dates in ``text`` as (start, end, anchors year, month, day), the first pattern first."""
    spans: list[tuple[int, int, list[Anchor]]] = []
    taken = bytearray(len(text) + 1)  # characters inside a date found already
    for pattern in patterns:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            parts = match.groupdict()
            values = [parts.get("year"), str(_month(parts["month"])), parts.get("day")]
            spans.append((start, end, [Anchor(_number(value)) for value in values if value]))
    return sorted(spans, key=lambda span: span[0])


def _merge(dates: list[tuple[int, int, list[Anchor]]], tokens: list[tuple[int, Anchor]]) -> tuple[Anchor, ...]:
    """Date anchors and the other tokens in text order, tokens inside a date dropped."""
    merged: list[tuple[int, list[Anchor]]] = [(start, parts) for start, _, parts in dates]
    starts = [start for start, _, _ in dates]
    for position, anchor in tokens:
        before = bisect.bisect_right(starts, position) - 1
        if before < 0 or position >= dates[before][1]:
            merged.append((position, [anchor]))
    return tuple(anchor for _, parts in sorted(merged, key=lambda item: item[0]) for anchor in parts)


@lru_cache(maxsize=2048)
def anchors(text: str) -> tuple[Anchor, ...]:
    """The numbers, dates and names of ``text`` in order (Chinese names are left out: only their surname carries
    over)."""
    text = text[:MAX_CHARS]
    script = variant(text)
    tokens: list[tuple[int, Anchor]] = []
    if script == "hangul":
        for match in HANGUL_RUN.finditer(text):
            token = match.group()
            if token[0].isdigit():
                tokens.append((match.start(), Anchor(_number(token))))
            elif len(token) >= 3:
                name = _name(token[0], token[1:3])
                if name is not None:
                    tokens.append((match.start(), Anchor(name.key, certain=False)))
        return _merge(_dates(text, CJK_DATES), tokens)
    if script in ("hant", "hans"):
        tokens = [(match.start(), Anchor(_number(match.group()))) for match in NUMBER.finditer(text)]
        return _merge(_dates(text, CJK_DATES), tokens)
    for match in LATIN_TOKEN.finditer(text):
        if match.group("month"):
            tokens.append((match.start(), Anchor(f"n:{MONTHS[match.group('month').casefold()]}")))
        elif match.group("number"):
            tokens.append((match.start(), Anchor(_number(match.group("number")))))
        else:
            name = _name(match.group("surname"), match.group("given"))
            if name is not None:
                tokens.append((match.start(), name))
    return _merge(_dates(text, LATIN_DATES), tokens)


def _common_ordered(first: Sequence[str], second: Sequence[str]) -> int:
    """The length of the longest common subsequence of two anchor sequences."""
    previous = [0] * (len(second) + 1)
    for item in first:
        current = [0]
        for index, other in enumerate(second):
            current.append(previous[index] + 1 if item == other else max(previous[index + 1], current[index]))
        previous = current
    return previous[-1]


def _usable(own: Sequence[Anchor], other: Sequence[Anchor], *, names: bool) -> list[str]:
    """The anchors of one text worth comparing: numbers, and names that are certain or that the other text has."""
    other_keys = {anchor.key for anchor in other if anchor.certain}
    kept = []
    for anchor in own:
        if anchor.key.startswith("p:") and (not names or not (anchor.certain or anchor.key in other_keys)):
            continue
        kept.append(anchor.key)
    return kept


def ordered_share(first: str, second: str) -> tuple[float, int]:
    """(share of the longer anchor sequence found in order in the other, anchors shared in order) of two texts."""
    first_anchors, second_anchors = anchors(first), anchors(second)
    han = {variant(first), variant(second)} & {"hant", "hans"}
    a = _usable(first_anchors, second_anchors, names=not han)[:MAX_COMPARED]
    b = _usable(second_anchors, first_anchors, names=not han)[:MAX_COMPARED]
    if min(len(a), len(b)) < MIN_ANCHORS:
        return 0.0, 0
    shared = _common_ordered(a, b)
    return shared / max(len(a), len(b)), shared


def translation_copy(first: str, second: str) -> bool:
    """Whether two texts in different scripts carry one article: nearly all their anchors, in the same order."""
    first_variant, second_variant = variant(first), variant(second)
    if first_variant == second_variant or "none" in (first_variant, second_variant):
        return False
    share, shared = ordered_share(first, second)
    return shared >= MIN_SHARED and share >= MIN_ORDERED_SHARE


def _band_values(text: str) -> list[tuple[int, int]] | None:
    numbers = [anchor.key for anchor in anchors(text) if anchor.key.startswith("n:")]
    pairs = sorted({f"{first}>{second}" for first, second in itertools.pairwise(numbers)})
    if len(pairs) < MIN_PAIRS:
        return None
    hashes = [zlib.crc32(pair.encode()) for pair in pairs]
    values = []
    for band in range(BUCKET_BANDS):
        rows = []
        for row in range(BUCKET_ROWS):
            seed = (BUCKET_SALT + band * BUCKET_ROWS + row) * 0x9E3779B1 & 0xFFFFFFFF
            rows.append(min(((value ^ seed) * 0x85EBCA6B + seed) & 0xFFFFFFFF for value in hashes))
        values.append((rows[0], rows[1]))
    return values


def _keys(values: list[tuple[int, int]], script: Variant) -> list[int]:
    return [
        zlib.crc32(f"{BUCKET_SALT}:{script}:{band}:{first}:{second}".encode()) << 30 | band
        for band, (first, second) in enumerate(values)
    ]


def anchor_buckets(text: str) -> list[int]:
    """The bucket keys (63-bit integers) a text is indexed under, in its own script's name.

    Texts in other scripts citing nearly the same numbers in the same order find it through ``anchor_queries``.
    A text with fewer than ``MIN_PAIRS`` distinct pairs of consecutive numbers gets none.
    """
    script = variant(text)
    values = _band_values(text) if script in VARIANTS else None
    return _keys(values, script) if values else []


def anchor_queries(text: str) -> list[int]:
    """The bucket keys to look up for a text: those its copies in each other script are indexed under."""
    script = variant(text)
    values = _band_values(text) if script in VARIANTS else None
    if not values:
        return []
    return [key for other in VARIANTS if other != script for key in _keys(values, other)]


__all__ = ["Anchor", "anchor_buckets", "anchor_queries", "anchors", "ordered_share", "translation_copy", "variant"]
