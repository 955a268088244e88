"""Find and parse the numbers of a text: digits, spelled words, Korean and Chinese numerals.

Every number is returned with its qualifier ("at least", "about", ...) and a kind that says whether it
can count people: a year, an age, a date, money or a share cannot. The words (number words, counters,
qualifiers, units) live in ``data/lexicon/claims.toml``; this module holds only the digit grammar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from ..records import Qualifier
from ._literals import Needs, absent, pattern_needs
from .lexicon import section

Kind = Literal["count", "year", "other"]
QUALIFIERS: tuple[Qualifier, ...] = ("at least", "about", "more than", "fewer than")
DIGITS = r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d])|(?<![\d.,])\d+"
DECIMAL = re.compile(r"[.,]\d")
YEARS = range(1900, 2100)


@dataclass(frozen=True, slots=True)
class Number:
    """A number in a text. Offsets index that text; ``start``/``end`` include qualifier and counter."""

    start: int
    end: int
    value: int
    qualifier: Qualifier
    kind: Kind
    counted: bool  # a counter of people follows (명, 人, 名)
    value_start: int
    value_end: int


@dataclass(frozen=True, slots=True)
class _Grammar:
    language: str
    token: re.Pattern[str]
    counter: re.Pattern[str] | None
    before: tuple[tuple[Qualifier, re.Pattern[str]], ...]
    before_needs: tuple[Needs | None, ...]  # the words each ``before`` pattern needs (see ``_literals``)
    after: tuple[tuple[Qualifier, re.Pattern[str]], ...]
    not_before: re.Pattern[str]
    not_after: re.Pattern[str]
    words: dict[str, int]
    scales: dict[str, int]
    cjk_digits: dict[str, int]
    cjk_units: dict[str, int]
    needs_counter: bool
    range_before: re.Pattern[str] | None
    range_join: re.Pattern[str] | None


def alternation(values: list[str] | tuple[str, ...], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One regular expression matching any of ``values`` (never matches when there are none)."""
    return re.compile("|".join(f"(?:{value})" for value in values) or r"(?!x)x", flags)


def _qualifier_patterns(table: dict[str, list[str]], template: str) -> tuple[tuple[Qualifier, re.Pattern[str]], ...]:
    out = []
    for name in QUALIFIERS:
        values = table.get(name, [])
        if values:
            joined = "|".join(f"(?:{value})" for value in values)
            out.append((name, re.compile(template.format(joined), re.IGNORECASE)))
    return tuple(out)


@lru_cache(maxsize=8)
def _grammar(language: str) -> _Grammar:
    data: dict[str, Any] = section("claims", language)
    words: dict[str, int] = data.get("number_words", {})
    scales: dict[str, int] = data.get("scale_words", {})
    cjk_digits: dict[str, int] = data.get("cjk_digits", {})
    cjk_units: dict[str, int] = data.get("cjk_units", {})
    counter = data.get("counter", "")
    attached = "|".join(f"(?:{v})" for values in data.get("qualifier_after", {}).values() for v in values)
    parts = []
    if cjk_units:  # "3만3천670", "2700", "3万": digits with multipliers
        units = "".join(cjk_units)
        parts.append(rf"(?<![\d.,])\d[\d,]*(?:\.\d+)?(?:\s?[{units}](?:\s?\d+(?![\d.]))?)+(?![{units}])")
    if cjk_digits:  # "三十", "十一", "两千": only before a counter, as in "三十多名"; 统一部 holds no number
        chars = "".join(cjk_digits) + "".join(cjk_units)
        parts.append(rf"[{chars}]+(?=(?:{attached})?{counter})" if counter else rf"[{chars}]+")
    parts.append(DIGITS)
    if words:
        tens = [w for w, v in words.items() if v >= 10 and v % 10 == 0]
        units_words = [w for w, v in words.items() if v < 10]
        word = "|".join(sorted(words, key=len, reverse=True))
        separator = data.get("compound_separator", "[- ]")
        compound = rf"(?:{'|'.join(tens)}){separator}(?:{'|'.join(units_words)})" if tens and units_words else "(?!x)x"
        scale = rf"(?:\s+(?:{'|'.join(scales)}))?" if scales else ""
        tail = rf"(?=\s?{counter})" if counter else ""
        article = data.get("article_words", "")
        alone = rf"|{article}(?:{'|'.join(scales)})" if article and scales else ""  # "a hundred"
        lead = rf"(?:{article})?" if article else ""
        parts.append(rf"(?<![\w-])(?:{lead}(?:{compound}|{word}){scale}{alone})(?![\w-]){tail}")
    before = _qualifier_patterns(data.get("qualifier_before", {}), r"(?:{})\s*$")
    return _Grammar(
        language=language,
        token=re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE),
        counter=re.compile(counter) if counter else None,
        before=before,
        before_needs=tuple(pattern_needs(pattern) for _, pattern in before),
        after=_qualifier_patterns(data.get("qualifier_after", {}), r"(?:{})"),
        not_before=alternation(data.get("not_count_before", [])),
        not_after=alternation(data.get("not_count_after", [])),
        words={k.lower(): v for k, v in words.items()},
        scales={k.lower(): v for k, v in scales.items()},
        cjk_digits=cjk_digits,
        cjk_units=cjk_units,
        needs_counter=bool(counter),
        range_before=re.compile(data["range_before"], re.IGNORECASE) if "range_before" in data else None,
        range_join=re.compile(data["range_join"], re.IGNORECASE) if "range_join" in data else None,
    )


def _parse_cjk(text: str, digits: dict[str, int], units: dict[str, int]) -> int | None:
    total = section_total = 0.0
    current: float | None = None
    for piece in re.findall(r"\d+(?:\.\d+)?|\S", text.replace(",", "")):
        if piece[0].isdigit():
            current = float(piece)
        elif piece in digits:
            current = digits[piece] if current is None else current * 10 + digits[piece]
        elif piece in units:
            unit = units[piece]
            if unit >= 10000:
                total += (section_total + (current or 0)) * unit
                section_total = 0
            else:
                section_total += (1 if current is None else current) * unit
            current = None
        else:
            return None
    return round(total + section_total + (current or 0))


def _parse_words(text: str, words: dict[str, int], scales: dict[str, int]) -> int | None:
    value = 0
    pieces = re.split(r"[\s-]+", text.lower().strip())
    if len(pieces) > 1 and pieces[0] in ("a", "an", "one"):  # "a hundred", "a dozen"
        pieces, value = pieces[1:], 1
    for piece in pieces:
        if piece in words:
            value = words[piece] if value == 1 and len(pieces) == 1 else value + words[piece]
        elif piece in scales and value:
            value *= scales[piece]
        else:
            parts = _split_compound(piece, words)
            if parts is None:
                return None
            value += parts
    return value or None


def _split_compound(piece: str, words: dict[str, int]) -> int | None:
    """A tens word and a units word written as one ("열한" = 11, "스물두" = 22), or None."""
    for size in range(1, len(piece)):
        head, tail = piece[:size], piece[size:]
        if words.get(head, 0) >= 10 and words[head] % 10 == 0 and 0 < words.get(tail, 0) < 10:
            return words[head] + words[tail]
    return None


def parse_number(text: str, language: str | None = None) -> int | None:
    """The integer written in ``text`` ("1,277", "Twenty", "3만3천670", "三十"), or None."""
    stripped = text.strip()
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", stripped):
        return int(stripped.replace(",", ""))
    grammar = _grammar(language or "en")
    value = _parse_words(stripped, grammar.words, grammar.scales)
    if value is None and (grammar.cjk_units or grammar.cjk_digits):
        value = _parse_cjk(stripped, grammar.cjk_digits, grammar.cjk_units)
    if value is None and language not in (None, "en"):
        value = _parse_words(stripped, _grammar("en").words, _grammar("en").scales)
    return value


def _match_after(
    patterns: tuple[tuple[Qualifier, re.Pattern[str]], ...], text: str, pos: int
) -> tuple[Qualifier, int] | None:
    for name, pattern in patterns:
        found = pattern.match(text, pos)
        if found and found.end() > pos:
            return name, found.end()
    return None


def _number_at(text: str, found: re.Match[str], grammar: _Grammar) -> Number | None:
    value = parse_number(found.group(), grammar.language)
    if value is None:
        return None
    a, b = found.span()
    qualifier: Qualifier = "exact"
    end = b
    late = _match_after(grammar.after, text, b)
    if late:
        qualifier, end = late
    counted = False
    if grammar.counter:
        counter = grammar.counter.match(text, end)
        counted = counter is not None
        if counter:
            end = counter.end()
            late = _match_after(grammar.after, text, end)
            if late:
                qualifier, end = late
        elif grammar.needs_counter and late:  # "여" or "多" only qualify a counted figure
            qualifier, end = "exact", b
    start = a
    for (name, pattern), needs in zip(grammar.before, grammar.before_needs, strict=True):
        if absent(needs, text):  # a word the qualifier needs is nowhere in the sentence
            continue
        early = pattern.search(text, 0, a)
        if early:
            qualifier, start = name, early.start()
            break
    kind: Kind = "count"
    digits_only = found.group().isdigit()
    if DECIMAL.match(text, b) or grammar.not_before.search(text[:a]) or grammar.not_after.match(text, b):
        kind = "other"
    elif digits_only and value in YEARS and not counted:
        kind = "year"
    elif grammar.needs_counter and not counted:
        kind = "other"
    return Number(start, end, value, qualifier, kind, counted, a, b)


FROM = re.compile(r"\bfrom\s+$", re.IGNORECASE)


def _range(text: str, first: Number, second: Number, grammar: _Grammar) -> Number | None:
    """ "between 20 and 30 defectors", "20 to 30", "20~30명": one count at its lower bound ("at least")."""
    if grammar.range_join is None or first.value >= second.value or "year" in (first.kind, second.kind):
        return None
    if first.qualifier != "exact" and first.qualifier != "about":
        return None
    join = grammar.range_join.fullmatch(text, first.value_end, second.value_start)
    if join is None or first.end > second.value_start or FROM.search(text, 0, first.value_start):
        return None
    between = grammar.range_before.search(text, 0, first.value_start) if grammar.range_before else None
    if between is None and join.group().strip().lower() == "and":
        return None
    if second.kind != "count" or (first.kind != "count" and not (grammar.needs_counter and second.counted)):
        return None
    start = min(first.start, between.start()) if between else first.start
    counted = second.counted
    return Number(start, second.end, first.value, "at least", "count", counted, first.value_start, second.value_end)


def find_numbers(text: str, language: str | None) -> list[Number]:
    """Every number in ``text`` in order, with qualifier, counter and kind; a range of counts is one number."""
    grammar = _grammar(language or "en")
    out: list[Number] = []
    for found in grammar.token.finditer(text):
        number = _number_at(text, found, grammar)
        if number is None:
            continue
        joined = _range(text, out[-1], number, grammar) if out else None
        if joined is not None:
            out[-1] = joined
        else:
            out.append(number)
    return out
