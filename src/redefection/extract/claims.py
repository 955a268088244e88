"""Extract aggregate figures (claims) about defectors' returns, whereabouts, arrivals and moves abroad.

A number becomes a claim when it counts people (a counter such as 명/人/名, a noun such as "defectors",
a verb right after it as in "31 returned", an existential "there were about 30", or a frame such as
"the number of North Koreans arriving") and when a subject cue ("returned to the North", 재입북, 重返 ...)
stands next to it, or the figure continues one already found: a list that states the noun once
("three defectors crossed back in 2015, four in 2016 and another four in 2017"), a range ("from 2,700 in
2011 to 1,277 last year"), a per-year breakdown or bullet list ("△2017년 4명 △2019년 1명", "2015年3人"),
a partitive ("14 of them", "其中6人") or a sentence about the figure itself ("the true number might be
fewer than ten"). "Each" gives one figure per year of its clause. A number in apposition to a name
("Choi Min-seo, 37, ...") is an age, never a count. Figures about people who came back south again, were
punished for trying to go back or left for other countries have the subject ``other`` and a ``label``.
The period, the reference date and the source (from the sentence, else its paragraph) are looked for
around the figure. Vocabulary lives in ``data/lexicon/claims.toml``; attribution in ``extract/sources.py``.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ..records import Claim, Document, Quote, Subject
from ._literals import Needs, absent, pattern_needs
from .lexicon import section
from .numbers import Number, alternation, find_numbers
from .sentences import Sentence
from .sources import SourceFinder

logger = logging.getLogger(__name__)

# When cues of several kinds sit near one figure, the more specific wins: in "30 defectors who had
# settled in the South have gone back", the relative clause about arriving only describes the people;
# in "five of those who went back have since come south again", the return describes them too. Keys
# other than the four subjects are the subject "other" with the key as its label.
CUE_ORDER: tuple[str, ...] = (
    "back_south", "punished", "returned_north", "whereabouts_unknown", "left_country", "third_country",
    "protection", "other", "arrivals",
)  # fmt: skip
SUBJECTS: tuple[Subject, ...] = ("returned_north", "whereabouts_unknown", "arrivals", "other")
CLAUSE_START = re.compile(r"(?:^|[,;:]\s*|\b(?:and|but|while)\s+)$", re.IGNORECASE)
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)(?:\s?[년年])?")
# A row of a data table as cleaning writes it ("Caption: 2012 7; 2013 7; Total 31", see clean/tables.py).
TABLE_ROW = re.compile(
    r"(?:(?<=:\s)|(?<=;\s))(?P<label>(?:19|20)\d\d\s?(?:년|年)?)\s(?P<value>\d{1,3}(?:,\d{3})+|\d+)(?=;|$)"
)
MIN_TABLE_ROWS = 3
TOPIC_REACH = 8  # sentences back a topic is looked for: the work per figure stays bounded on hostile text
CHAIN_REACH = 12  # figures back a continuing figure looks for its source
SOURCE_REACH = 2  # paragraphs back a continuing figure looks for the source of its subject
CLAUSE_END = re.compile(r"[,;:]\s|\s[—–-]+\s")  # where the clause holding a figure ends (English)
OLDEST_AGE = 120  # a bare number in apposition above this is not an age


@dataclass(frozen=True, slots=True)
class _Rules:
    language: str
    subjects: tuple[tuple[str, re.Pattern[str]], ...]
    subject_needs: tuple[Needs | None, ...]  # the words each subject pattern needs (see ``_literals``)
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
    figure_words: re.Pattern[str]
    existential: re.Pattern[str]
    each: re.Pattern[str]
    each_before: re.Pattern[str]
    opening: re.Pattern[str]
    apposition: re.Pattern[str] | None
    reference: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class _Cue:
    key: str  # a subject or, for the subject "other", its label
    start: int
    end: int
    is_stock: bool


@dataclass(frozen=True, slots=True)
class _Count:
    """Why a number counts people: where its noun ends, whether it refers back, whether a frame made it."""

    noun_end: int
    is_anaphoric: bool = False
    is_framed: bool = False  # "the number of North Koreans arriving ... 2,700": the subject came before
    is_part: bool = False  # a year's share of a breakdown or a list: a single person counts here


@dataclass(frozen=True, slots=True)
class _Draft:
    sentence: int
    paragraph: int
    number: Number
    subject: Subject
    label: str | None
    evidence: tuple[int, int]
    period: str | None
    as_of: str | None
    source: str | None
    continues: bool = False  # part of a figure given before ("that number rose to 815"): may share its source


@lru_cache(maxsize=8)
def _rules(language: str) -> _Rules:
    data: dict[str, Any] = section("claims", language)
    subjects = data.get("subjects", {})
    lead_in = data.get("lead_in", "")
    strip = data.get("period_strip", "")
    apposition = data.get("apposition", "")
    cues = tuple((key, alternation(subjects[key])) for key in CUE_ORDER if subjects.get(key))
    return _Rules(
        language=language,
        subjects=cues,
        subject_needs=tuple(pattern_needs(pattern) for _, pattern in cues),
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
        figure_words=alternation(data.get("figure_words", [])),
        existential=alternation(data.get("existential", [])),
        each=alternation(data.get("each", [])),
        each_before=alternation(data.get("each_before", [])),
        opening=alternation(data.get("opening", [])),
        apposition=re.compile(apposition) if apposition else None,
        reference=re.compile(ref, re.IGNORECASE) if (ref := data.get("reference_before", "")) else None,
    )


def _subject_of(key: str) -> tuple[Subject, str | None]:
    """The subject and label a cue key stands for."""
    for subject in SUBJECTS:
        if subject == key:
            return subject, None
    return "other", key


def _cues(text: str, rules: _Rules) -> list[_Cue]:
    return [
        _Cue(key, m.start(), m.end(), bool(rules.stock.search(m.group())))
        for (key, pattern), needs in zip(rules.subjects, rules.subject_needs, strict=True)
        if not absent(needs, text)  # a word the subject needs is nowhere in the sentence
        for m in pattern.finditer(text)
    ]


def _best_cue(cues: Sequence[_Cue], start: int, end: int, anchor: int) -> _Cue | None:
    inside = [c for c in cues if c.start >= start and c.end <= end]
    if not inside:
        return None
    return min(inside, key=lambda c: (CUE_ORDER.index(c.key), abs(c.start - anchor)))


def _is_apposition(text: str, number: Number, rules: _Rules) -> bool:
    """ "Choi Min-seo, 37, returned", "김모(37)": a bare number set off after a name is an age."""
    if rules.apposition is None or number.value > OLDEST_AGE or number.qualifier != "exact":
        return False
    if not rules.apposition.search(text, max(0, number.start - 40), number.start):
        return False
    return bool(re.match(r"\s*(?:[,)]|$|and\s+(?:a\s+)?[A-Z])", text[number.end :]))


def _people(
    text: str, number: Number, rules: _Rules, previous: int, has_count: bool, about_figure: bool
) -> _Count | None:
    """Whether ``number`` counts people, and how we know."""
    before = text[: number.start]
    if number.counted:
        part = bool(rules.breakdown.search(before))
        return _Count(number.end, part or bool(rules.anaphoric.match(text, number.end)), is_part=part)
    noun = rules.people.match(text, number.end)
    if noun:
        part = bool(rules.breakdown.search(before))
        anaphoric = bool(rules.anaphoric.search(noun.group())) or part
        return _Count(noun.end(), anaphoric, is_part=part or (has_count and bool(rules.continuation.search(before))))
    if _is_apposition(text, number, rules) or (rules.reference is not None and rules.reference.search(before)):
        return None  # "Choi Min-seo, 37, ...": an age; "how the three left": people counted before
    if rules.lead_in is not None:
        lead = rules.lead_in.match(text, number.end)
        positions = {
            lead.end() if lead else number.end,
            number.end + len(text[number.end :]) - len(text[number.end :].lstrip()),
        }
        if any(pattern.match(text, position) for _, pattern in rules.subjects for position in positions):
            return _Count(number.end)
    if rules.bare_after is not None and not rules.bare_after.match(text, number.end):
        return None  # "32 men": a noun we do not count
    if has_count and rules.continuation.search(text[previous : number.start]):
        return _Count(number.end, is_part=True)
    if rules.count_frame.search(before):
        return _Count(number.end, is_framed=True)
    if rules.existential.search(before) or about_figure:  # "there were about 30", "the figure was 20"
        return _Count(number.end, is_anaphoric=True, is_framed=True)
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
    # "31名脱北者重返朝鲜，其中7人...": a share of this figure after it does not take the words between them
    next_is_part = next((c.is_part for c in counts[i + 1 :] if c), False)
    preceding = [n for n, c in zip(numbers[:i], counts[:i], strict=True) if c]
    after_end = following[0].start if following else len(text)
    if rules.clause_break is not None and (cut := rules.clause_break.search(text, number.end, after_end)):
        after_end = cut.start()
    if rules.opening.search(text, 0, number.start) and (comma := text.find(",", number.end, after_end)) > 0:
        after_end = comma  # "Of the 29 who went back ..., six later returned": the opening phrase is its scope
    after = (number.end, after_end, bool(following) and not next_is_part)
    before_start = preceding[-1].end if preceding else 0
    if rules.cue_first_after and not (count and count.is_framed):
        near = re.search(r"(?:\S+\s+){0,3}$", text[before_start : number.start])
        before_start += near.start() if near else 0
    before = (before_start, number.start, bool(preceding))
    windows = [after, before] if rules.cue_first_after else [before, after]
    if count is not None and count.is_part and preceding:
        windows = [after]  # "其中6人后来又回到韩国": the words before a share describe the whole figure
    found: _Cue | None = None
    for rank, (a, b, crowded) in enumerate(windows):
        if rank and crowded:
            continue
        cue = None
        if rules.cue_first_after and a == number.end:  # its own clause first: "34,000 have defected to the South, ..."
            clause = CLAUSE_END.search(text, max(a, count.noun_end if count else a), b)
            if clause is not None:
                cue = _best_cue(cues, a, clause.start(), number.start)
        cue = cue or _best_cue(cues, a, b, number.start)
        if cue is None:
            continue
        # "the whereabouts of 900 resettled defectors": arriving describes the people, the other side says more
        if found is None and cue.key == "arrivals" and count is not None and cue.end <= count.noun_end:
            found = cue
            continue
        return cue if found is None or cue.key != "arrivals" else found
    return found


def _each_years(text: str, rules: _Rules, number: Number, window: tuple[int, int]) -> list[str]:
    """The years a figure with "each" (각각, 各) holds for, when there are several; else none."""
    after = rules.each.match(text, number.value_end) or rules.each.match(text, number.end)
    if not (after or rules.each_before.search(text, window[0], number.start)):
        return []
    scope = text[number.end : window[1]] if rules.cue_first_after else text[window[0] : number.start]
    years = list(dict.fromkeys(m.group() for m in YEAR.finditer(scope)))
    return years if len(years) > 1 else []


def _evidence(number: Number, count: _Count, cue: _Cue | None, window: tuple[int, int]) -> tuple[int, int]:
    """The figure with its noun and, when it stands next to it, the cue that gives its subject."""
    start, end = number.start, max(number.end, count.noun_end)
    if cue is not None and ((window[0] <= cue.start and cue.end <= number.start) or cue.start >= number.end):
        start, end = min(start, cue.start), max(end, cue.end)
    return start, end


@dataclass(frozen=True, slots=True)
class _Topic:
    """What the latest sentence with a subject cue was about: the antecedent of "cases", "the number"."""

    key: str
    sentence: int
    paragraph: int


class _Context:
    """What a sentence's figures may refer to, computed only when a figure needs it: subject cues of earlier
    sentences (the topic) and the document's sources. Most sentences hold no count and need neither."""

    def __init__(self, document: Document, sentences: Sequence[Sentence], rules: _Rules) -> None:
        self._document = document
        self._sentences = sentences
        self._rules = rules
        self._cues: dict[int, list[_Cue]] = {}
        self._finder: SourceFinder | None = None

    @property
    def finder(self) -> SourceFinder:
        if self._finder is None:
            self._finder = SourceFinder(self._document, self._sentences)
        return self._finder

    def _question(self, paragraph: int) -> bool:
        """Whether ``paragraph`` is one question."""
        own = [s for s in self._sentences if s.paragraph == paragraph]
        return len(own) == 1 and own[0].text.rstrip().endswith(("?", "？"))

    def cues(self, index: int) -> list[_Cue]:
        if index not in self._cues:
            self._cues[index] = _cues(self._sentences[index].text, self._rules)
        return self._cues[index]

    def topic(self, index: int) -> _Topic | None:
        """The latest earlier sentence with a subject cue, in this paragraph or the one before.

        A question standing as its own paragraph ("How often does this happen?" in an interview) passes
        on the topic of the paragraph before it: its most specific cue, as the question names none."""
        paragraph = self._sentences[index].paragraph
        asked = False
        for position in range(index - 1, max(-1, index - 1 - TOPIC_REACH), -1):
            sentence = self._sentences[position]
            if sentence.paragraph < paragraph - 1:
                return None
            if sentence.paragraph < paragraph and self._question(sentence.paragraph):
                paragraph, asked = sentence.paragraph, True
                continue
            cues = self.cues(position)
            if asked:  # the whole paragraph before the question
                same = range(position, max(-1, position - TOPIC_REACH), -1)
                cues = [c for p in same if self._sentences[p].paragraph == sentence.paragraph for c in self.cues(p)]
            if cues:
                best = min(cues, key=lambda c: CUE_ORDER.index(c.key))
                return _Topic(best.key, position, self._sentences[position].paragraph)
        return None


def _sentence_claims(
    index: int, sentence: Sentence, rules: _Rules, last: _Draft | None, context: _Context
) -> list[_Draft]:
    text = sentence.text
    rows = list(TABLE_ROW.finditer(text)) if ";" in text else []
    if len(rows) >= MIN_TABLE_ROWS:
        return _table_claims(index, sentence, rules, rows, context)
    numbers = find_numbers(text, rules.language)
    about_figure = bool(rules.figure_words.search(text))
    counts: list[_Count | None] = []
    for i, number in enumerate(numbers):
        if number.kind != "count":
            counts.append(None)
            continue
        has_count = any(c is not None for c in counts)
        count = _people(text, number, rules, numbers[i - 1].end if i else 0, has_count, about_figure)
        if number.value < 2 and count is not None and not count.is_part:
            count = None  # one person is an incident, not a figure, unless it is a year's share of one
        if count is not None and about_figure and not count.is_anaphoric:
            count = replace(count, is_anaphoric=True)
        counts.append(count)
    if not any(counts):
        return []
    cues = context.cues(index)
    finder = context.finder
    as_of_matches = list(rules.as_of.finditer(text))
    masked = [m.span() for m in as_of_matches]
    drafts: list[_Draft] = []
    antecedents: dict[int, _Draft | int] = {}  # a figure that continues another takes its source if it has none
    for i, (number, count) in enumerate(zip(numbers, counts, strict=True)):
        if count is None:
            continue
        cue = _subject(text, cues, rules, numbers, counts, i)
        if (
            cue is None and count.is_anaphoric and drafts
        ):  # "..., the number of those trying to return is low: 31 cases"
            start = drafts[-1].evidence[1]
            framed = rules.figure_words.search(text, start, number.start) or rules.count_frame.search(
                text, start, number.start
            )
            between = _best_cue(cues, start, number.start, number.start) if framed else None
            cue = between if between is not None and between.key != "arrivals" else None
        subject, label = _subject_of(cue.key) if cue else (None, None)
        if subject is None and drafts:  # "from 2,700 in 2011 to 1,277 last year"
            subject, label = drafts[-1].subject, drafts[-1].label
            antecedents[len(drafts)] = len(drafts) - 1
        elif count.is_anaphoric and last is not None and last.paragraph >= sentence.paragraph - 1:
            if subject is None:  # "14 of them", "2015년 3명": part of the figure before
                subject, label = last.subject, last.label
                # "Only a few are known to have gone back. The ministry confirmed 31 cases": the later topic
                topic = context.topic(index)
                if topic is not None and topic.sentence >= last.sentence:
                    subject, label = _subject_of(topic.key)
            antecedents[len(drafts)] = last
        elif count.is_anaphoric and subject is None and (topic := context.topic(index)) is not None:
            subject, label = _subject_of(topic.key)
        if subject is None:
            continue
        later = [n.start for n, c in zip(numbers, counts, strict=True) if c and n.start > number.start]
        window = (drafts[-1].number.end if drafts else 0, later[0] if later else len(text))
        period = _period(text, rules, number, window, masked)
        as_of = min(as_of_matches, key=lambda m: abs(m.start() - number.start)).group() if as_of_matches else None
        if cue is not None and cue.is_stock and as_of is None:  # a standing total: its date is a reference date
            period, as_of = None, period
        evidence = _evidence(number, count, cue, window)
        draft = _Draft(index, sentence.paragraph, number, subject, label, evidence, period, as_of, None)
        years = _each_years(text, rules, number, window)
        if years:  # "seven each in 2012 and 2013": one figure per year
            drafts.extend(replace(draft, period=year) for year in years)
        else:
            drafts.append(draft)
    out: list[_Draft] = []
    for position, draft in enumerate(drafts):
        later_starts = [d.number.start for d in drafts[position + 1 :]]
        source = finder.source_for(index, draft.number.start, draft.number.end, later_starts)
        antecedent = antecedents.get(position)
        if source is None and antecedent is not None:
            source = out[antecedent].source if isinstance(antecedent, int) else antecedent.source
        out.append(replace(draft, source=source, continues=antecedent is not None))
    return out


def _table_claims(
    index: int, sentence: Sentence, rules: _Rules, rows: list[re.Match[str]], context: _Context
) -> list[_Draft]:
    """One figure per row of a year-by-year table; its caption (or else the topic before it) gives the subject."""
    caption = sentence.text[: rows[0].start()]
    cues = _cues(caption, rules)
    topic = context.topic(index)
    key = min(cues, key=lambda c: CUE_ORDER.index(c.key)).key if cues else (topic.key if topic else None)
    if key is None:
        return []
    subject, label = _subject_of(key)
    finder = context.finder
    source = finder.source_for(index, rows[0].start(), rows[0].start()) or finder.paragraph_source(index)
    drafts = []
    for row in rows:
        value = int(row.group("value").replace(",", ""))
        start, end = row.start("value"), row.end("value")
        number = Number(start, end, value, "exact", "count", False, start, end)
        period = row.group("label")
        drafts.append(_Draft(index, sentence.paragraph, number, subject, label, row.span(), period, None, source))
    return drafts


def _chain_sources(drafts: list[_Draft]) -> list[_Draft]:
    """A figure that continues others and has no source takes the latest source of its subject close before it."""
    out: list[_Draft] = []
    for draft in drafts:
        if draft.continues and draft.source is None:
            for earlier in reversed(out[-CHAIN_REACH:]):
                if earlier.paragraph < draft.paragraph - SOURCE_REACH:
                    break
                if earlier.subject == draft.subject and earlier.source:
                    draft = replace(draft, source=earlier.source)
                    break
        out.append(draft)
    return out


OPENING_QUOTES = ('"', "“", "「", "『", "‘")


def _speaker_sources(drafts: list[_Draft], sentences: Sequence[Sentence], quotes: Sequence[Quote]) -> list[_Draft]:
    """A figure with no source inside a quotation is its speaker's: the quote that holds it, or, for a
    sentence that opens a quotation after "..., she said.", the latest quote earlier in its paragraph."""
    spoken = [(q.evidence.start, q.evidence.end, q.speaker) for q in quotes if q.evidence and q.speaker]
    if not spoken:
        return drafts
    starts = [sentence.start for sentence in sentences]

    def paragraph_at(offset: int) -> int:
        return sentences[max(0, bisect_right(starts, offset) - 1)].paragraph

    def full(name: str) -> str:
        longer = [other for _, _, other in spoken if other.startswith(name + " ") or other.startswith(name + "-")]
        return longer[0] if " " not in name and longer else name

    out = []
    for draft in drafts:
        sentence = sentences[draft.sentence]
        if draft.source is None:
            at = sentence.start + draft.number.start
            holding = [who for a, b, who in spoken if a <= at < b]
            before = [(b, who) for a, b, who in spoken if b <= sentence.start and paragraph_at(a) == sentence.paragraph]
            if holding:
                draft = replace(draft, source=full(holding[0]))
            elif before and sentence.text.lstrip().startswith(OPENING_QUOTES):
                draft = replace(draft, source=full(max(before)[1]))
        out.append(draft)
    return out


def extract_claims(document: Document, sentences: list[Sentence], quotes: Sequence[Quote] = ()) -> tuple[Claim, ...]:
    """Aggregate figures stated in a relevant ``document``, in text order (``quotes`` give speakers as sources)."""
    language = document.language or "en"
    rules = _rules(language)
    context = _Context(document, sentences, rules)
    drafts: list[_Draft] = []
    for index, sentence in enumerate(sentences):
        drafts.extend(_sentence_claims(index, sentence, rules, drafts[-1] if drafts else None, context))
    claims: dict[tuple[str, str | None, int, str | None], Claim] = {}
    drafts = _speaker_sources(_chain_sources(drafts), sentences, quotes)
    for draft in drafts:
        key = (draft.subject, draft.label, draft.number.value, draft.period)
        if key in claims:  # a figure restated later in the text is the same claim; the restatement may name its source
            if claims[key].source is None and draft.source is not None:
                claims[key] = replace(claims[key], source=draft.source)
            continue
        sentence = sentences[draft.sentence]
        claims[key] = Claim(
            subject=draft.subject,
            label=draft.label,
            value=draft.number.value,
            qualifier=draft.number.qualifier,
            period=draft.period,
            as_of=draft.as_of,
            source=draft.source,
            evidence=sentence.span(*draft.evidence),
        )
    logger.debug("%s: %d claims", document.id, len(claims))
    return tuple(claims.values())
