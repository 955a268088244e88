"""Extract aggregate figures (claims) about defectors' returns, whereabouts, arrivals and moves abroad.

A number becomes a claim when it counts people (a counter such as 명/人/名, a noun such as "defectors",
a verb right after it as in "31 returned", or a frame such as "the number of North Koreans arriving")
and when a subject cue ("returned to the North", 재입북, 重返 ...) stands next to it, or the figure
continues one already found ("from 2,700 in 2011 to 1,277 last year", "2015년 3명, 2016년 4명",
"14 of them"). The period, the reference date and the source are looked for around the figure.
Vocabulary lives in ``data/lexicon/claims.toml``; attribution in ``extract/sources.py``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ..records import Claim, Document, Subject
from .lexicon import section
from .numbers import Number, alternation, find_numbers
from .sentences import Sentence
from .sources import SourceFinder

logger = logging.getLogger(__name__)

# When cues of several subjects sit near one figure, the more specific wins: in "30 defectors who had
# settled in the South have gone back", the relative clause about arriving only describes the people.
SUBJECT_ORDER: tuple[Subject, ...] = ("returned_north", "whereabouts_unknown", "other", "arrivals")
CLAUSE_START = re.compile(r"(?:^|[,;:]\s*|\b(?:and|but|while)\s+)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Rules:
    subjects: tuple[tuple[Subject, re.Pattern[str]], ...]
    stock: re.Pattern[str]
    people: re.Pattern[str]
    anaphoric: re.Pattern[str]
    breakdown: re.Pattern[str]
    continuation: re.Pattern[str]
    count_frame: re.Pattern[str]
    bare_after: re.Pattern[str] | None
    lead_in: re.Pattern[str] | None
    clause_break: re.Pattern[str] | None
    period: re.Pattern[str]
    period_strip: re.Pattern[str] | None
    as_of: re.Pattern[str]
    cue_first_after: bool


@dataclass(frozen=True, slots=True)
class _Cue:
    subject: Subject
    start: int
    end: int
    is_stock: bool


@dataclass(frozen=True, slots=True)
class _Count:
    """Why a number counts people: where its noun ends, whether it refers back, whether a frame made it."""

    noun_end: int
    is_anaphoric: bool = False
    is_framed: bool = False  # "the number of North Koreans arriving ... 2,700": the subject came before


@dataclass(frozen=True, slots=True)
class _Draft:
    sentence: int
    paragraph: int
    number: Number
    subject: Subject
    evidence: tuple[int, int]
    period: str | None
    as_of: str | None
    source: str | None


@lru_cache(maxsize=8)
def _rules(language: str) -> _Rules:
    data: dict[str, Any] = section("claims", language)
    subjects = data.get("subjects", {})
    lead_in = data.get("lead_in", "")
    strip = data.get("period_strip", "")
    return _Rules(
        subjects=tuple((name, alternation(subjects.get(name, []))) for name in SUBJECT_ORDER),
        stock=alternation(data.get("stock", [])),
        people=alternation(data.get("people", [])),
        anaphoric=alternation(data.get("anaphoric", [])),
        breakdown=alternation(data.get("breakdown_before", [])),
        continuation=alternation(data.get("continuation_before", [])),
        count_frame=alternation(data.get("count_frame", [])),
        bare_after=re.compile(bare, re.IGNORECASE) if (bare := data.get("bare_after", "")) else None,
        lead_in=re.compile(lead_in, re.IGNORECASE) if lead_in else None,
        clause_break=re.compile(brk, re.IGNORECASE) if (brk := data.get("clause_break", "")) else None,
        period=alternation(data.get("period", [])),
        period_strip=re.compile(strip, re.IGNORECASE) if strip else None,
        as_of=alternation(data.get("as_of", [])),
        cue_first_after=data.get("cue_order", "after") == "after",
    )


def _cues(text: str, rules: _Rules) -> list[_Cue]:
    return [
        _Cue(subject, m.start(), m.end(), bool(rules.stock.search(m.group())))
        for subject, pattern in rules.subjects
        for m in pattern.finditer(text)
    ]


def _best_cue(cues: Sequence[_Cue], start: int, end: int, anchor: int) -> _Cue | None:
    inside = [c for c in cues if c.start >= start and c.end <= end]
    if not inside:
        return None
    return min(inside, key=lambda c: (SUBJECT_ORDER.index(c.subject), abs(c.start - anchor)))


def _people(text: str, number: Number, rules: _Rules, previous: int, has_count: bool) -> _Count | None:
    """Whether ``number`` counts people, and how we know."""
    before = text[: number.start]
    if number.counted:
        return _Count(number.end, bool(rules.breakdown.search(before) or rules.anaphoric.match(text, number.end)))
    noun = rules.people.match(text, number.end)
    if noun:
        return _Count(noun.end(), bool(rules.anaphoric.search(noun.group()) or rules.breakdown.search(before)))
    if rules.lead_in is not None:
        lead = rules.lead_in.match(text, number.end)
        position = lead.end() if lead else number.end
        if any(pattern.match(text, position) for _, pattern in rules.subjects):
            return _Count(number.end)
    if rules.bare_after is not None and not rules.bare_after.match(text, number.end):
        return None  # "32 men": a noun we do not count
    if has_count and rules.continuation.search(text[previous : number.start]):
        return _Count(number.end)
    if rules.count_frame.search(before):
        return _Count(number.end, is_framed=True)
    return None


def _period(
    text: str, rules: _Rules, number: Number, window: tuple[int, int], masked: list[tuple[int, int]]
) -> str | None:
    found = [
        m
        for m in rules.period.finditer(text, window[0], window[1])
        if not any(m.start() < b and m.end() > a for a, b in masked)
    ]
    after = [m for m in found if m.start() >= number.end]
    before = [m for m in found if m.end() <= number.start]
    if rules.cue_first_after:  # English: "11 ... in the past five years"; before only when it opens the clause
        before = [m for m in before if CLAUSE_START.search(text[window[0] : m.start()])]
        chosen = after[0] if after else (before[-1] if before else None)
    else:  # Korean, Chinese: "2012년부터 2020년까지 ... 30명"
        chosen = before[-1] if before else (after[0] if after else None)
    if chosen is None:
        return None
    value = chosen.group()
    lead = rules.period_strip.match(value) if rules.period_strip is not None else None
    return value[lead.end() if lead else 0 :].strip() or None


def _subject(
    text: str, cues: Sequence[_Cue], rules: _Rules, numbers: Sequence[Number], counts: Sequence[_Count | None], i: int
) -> _Cue | None:
    """The cue that gives the subject of ``numbers[i]``.

    The cue is looked for between the figure and its neighbouring counts of people (years and dates do not
    cut the text), first on the side where the language puts it. The other side counts only when no other
    count sits there, since its words then describe that count; in English, words before a figure describe
    it only from close by ("the whereabouts of 640 defectors") or through a frame ("the number of ...").
    """
    number, count = numbers[i], counts[i]
    following = [n for n, c in zip(numbers[i + 1 :], counts[i + 1 :], strict=True) if c]
    preceding = [n for n, c in zip(numbers[:i], counts[:i], strict=True) if c]
    after_end = following[0].start if following else len(text)
    if rules.clause_break is not None and (cut := rules.clause_break.search(text, number.end, after_end)):
        after_end = cut.start()
    after = (number.end, after_end, bool(following))
    before_start = preceding[-1].end if preceding else 0
    if rules.cue_first_after and not (count and count.is_framed):
        near = re.search(r"(?:\S+\s+){0,3}$", text[before_start : number.start])
        before_start += near.start() if near else 0
    before = (before_start, number.start, bool(preceding))
    windows = [after, before] if rules.cue_first_after else [before, after]
    for rank, (a, b, crowded) in enumerate(windows):
        if rank and crowded:
            continue
        cue = _best_cue(cues, a, b, number.start)
        if cue:
            return cue
    return None


def _evidence(number: Number, count: _Count, cue: _Cue | None, window: tuple[int, int]) -> tuple[int, int]:
    """The figure with its noun and, when it stands next to it, the cue that gives its subject."""
    start, end = number.start, max(number.end, count.noun_end)
    if cue is not None and ((window[0] <= cue.start and cue.end <= number.start) or cue.start >= number.end):
        start, end = min(start, cue.start), max(end, cue.end)
    return start, end


def _sentence_claims(
    index: int, sentence: Sentence, language: str, last: _Draft | None, finder: SourceFinder
) -> list[_Draft]:
    rules = _rules(language)
    text = sentence.text
    numbers = find_numbers(text, language)
    counts: list[_Count | None] = []
    for i, number in enumerate(numbers):
        if number.kind != "count" or number.value < 2:  # one person is an incident, not a figure
            counts.append(None)
            continue
        has_count = any(c is not None for c in counts)
        counts.append(_people(text, number, rules, numbers[i - 1].end if i else 0, has_count))
    cues = _cues(text, rules)
    as_of_matches = list(rules.as_of.finditer(text))
    masked = [m.span() for m in as_of_matches]
    drafts: list[_Draft] = []
    antecedents: dict[int, _Draft | int] = {}  # a figure that continues another takes its source if it has none
    for i, (number, count) in enumerate(zip(numbers, counts, strict=True)):
        if count is None:
            continue
        cue = _subject(text, cues, rules, numbers, counts, i)
        subject = cue.subject if cue else None
        if subject is None and drafts:  # "from 2,700 in 2011 to 1,277 last year"
            subject = drafts[-1].subject
            antecedents[len(drafts)] = len(drafts) - 1
        elif count.is_anaphoric and last is not None and last.paragraph >= sentence.paragraph - 1:
            subject = subject or last.subject  # "14 of them", "2015년 3명": part of the figure before
            antecedents[len(drafts)] = last
        if subject is None:
            continue
        later = [n.start for n, c in zip(numbers, counts, strict=True) if c and n.start > number.start]
        window = (drafts[-1].number.end if drafts else 0, later[0] if later else len(text))
        period = _period(text, rules, number, window, masked)
        as_of = min(as_of_matches, key=lambda m: abs(m.start() - number.start)).group() if as_of_matches else None
        if cue is not None and cue.is_stock and as_of is None:  # a standing total: its date is a reference date
            period, as_of = None, period
        evidence = _evidence(number, count, cue, window)
        drafts.append(_Draft(index, sentence.paragraph, number, subject, evidence, period, as_of, None))
    out: list[_Draft] = []
    for position, draft in enumerate(drafts):
        later_starts = [d.number.start for d in drafts[position + 1 :]]
        source = finder.source_for(index, draft.number.start, draft.number.end, later_starts)
        antecedent = antecedents.get(position)
        if source is None and antecedent is not None:
            source = out[antecedent].source if isinstance(antecedent, int) else antecedent.source
        out.append(replace(draft, source=source))
    return out


def extract_claims(document: Document, sentences: list[Sentence]) -> tuple[Claim, ...]:
    """Aggregate figures stated in a relevant ``document``, in text order."""
    language = document.language or "en"
    finder = SourceFinder(document, sentences)
    drafts: list[_Draft] = []
    for index, sentence in enumerate(sentences):
        drafts.extend(_sentence_claims(index, sentence, language, drafts[-1] if drafts else None, finder))
    claims: list[Claim] = []
    seen: set[tuple[str, int, str | None]] = set()
    for draft in drafts:
        key = (draft.subject, draft.number.value, draft.period)
        if key in seen:  # a figure restated later in the text is the same claim
            continue
        seen.add(key)
        sentence = sentences[draft.sentence]
        claims.append(
            Claim(
                subject=draft.subject,
                value=draft.number.value,
                qualifier=draft.number.qualifier,
                period=draft.period,
                as_of=draft.as_of,
                source=draft.source,
                evidence=sentence.span(*draft.evidence),
            )
        )
    logger.debug("%s: %d claims", document.id, len(claims))
    return tuple(claims)
