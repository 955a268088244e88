"""Direct quotations: which quoted words the text attributes to which speaker.

A quote is a stretch in quotation marks that the words right around it attribute to someone:
``"A," said a researcher at a Seoul think tank``, ``한 전문가는 "A"며 "B"고 말했다``,
``首尔一家智库的研究员表示：“A”``. Fragments of one statement (``"A," said X. "B."``) make one
quote. Scare quotes, titles, quotations with no attribution beside them and statements of
institutions or media ("the ministry said") are not quotes.

Marks, speech verbs, attribution patterns and the role and organisation words live in
``data/lexicon/quotes.toml``; speaker phrases are read by ``_speakers``.
"""

from __future__ import annotations

import bisect
import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from ..records import Document, Quote, Span
from ._quote_rules import Pattern, QuoteRules, quote_rules
from ._speakers import Speaker, full_name, last_name_in, parse_speaker
from .sentences import Sentence

logger = logging.getLogger(__name__)

# "he said" refers back to a quote at most this many paragraphs earlier; a name to resolve it is
# looked for from the start of the previous paragraph.
NEARBY_PARAGRAPHS = 2
# A first clause shorter than this share of its sentence is too short to stand for the whole quote.
SHORT_CLAUSE = 0.4
CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


# --- quoted fragments --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Fragment:
    """Quoted words: ``open`` is the opening mark, ``close`` the closing mark (or the paragraph end)."""

    open: int
    close: int
    paragraph: int


def _is_opening(text: str, i: int, single: bool) -> bool:
    after = text[i + 1 : i + 2]
    before = text[i - 1 : i]
    if single and not after.isalpha():  # "'90s" is no quotation
        return False
    return bool(after) and not after.isspace() and not (before.isascii() and before.isalnum())


def _is_closing(text: str, j: int) -> bool:
    after = text[j + 1 : j + 2]
    return not text[j - 1].isspace() and not (after.isascii() and after.isalnum())  # "Korea's" is no close


@lru_cache(maxsize=64)
def _one_of(chars: str) -> re.Pattern[str]:
    """A pattern matching any one of ``chars`` (none when it is empty)."""
    if not chars:
        return re.compile(r"(?!x)x")
    return re.compile("[" + "".join(re.escape(char) for char in sorted(set(chars))) + "]")


def _fragments(paragraph: str, offset: int, index: int, rules: QuoteRules) -> list[_Fragment]:
    """Quoted fragments of one paragraph; single marks count only outside double ones."""
    out: list[_Fragment] = []
    openers = _one_of("".join(rules.marks))  # jump from mark to mark: most characters are none
    i = 0
    while i < len(paragraph):
        mark = openers.search(paragraph, i)
        if mark is None:
            break
        i = mark.start()
        closers = rules.marks[paragraph[i]]
        single = paragraph[i] in rules.single_marks
        if not _is_opening(paragraph, i, single):
            i += 1
            continue
        ends = _one_of(closers)
        j = next((m.start() for m in ends.finditer(paragraph, i + 2) if _is_closing(paragraph, m.start())), -1)
        if j < 0 and single:  # an apostrophe after all
            i += 1
            continue
        if j < 0:  # a quotation running on to the next paragraph
            out.append(_Fragment(offset + i, offset + len(paragraph), index))
            break
        out.append(_Fragment(offset + i, offset + j, index))
        i = j + 1
    return out


class _Context:
    """Sentence and paragraph bounds of one document, to cut the text around each fragment."""

    def __init__(self, document: Document, sentences: list[Sentence], rules: QuoteRules) -> None:
        self.text = document.text
        self.rules = rules
        self.sentences = sorted(sentences, key=lambda s: s.start)
        self.starts = [s.start for s in self.sentences]
        self.paragraphs: list[tuple[int, int]] = []
        offset = 0
        for paragraph in document.article.body:
            self.paragraphs.append((offset, offset + len(paragraph)))
            offset += len(paragraph) + 2
        self.fragments: list[_Fragment] = []
        for index, (start, end) in enumerate(self.paragraphs):
            self.fragments.extend(_fragments(self.text[start:end], start, index, rules))

    def _sentence(self, position: int, paragraph: int) -> tuple[int, int]:
        k = bisect.bisect_right(self.starts, position) - 1
        if k >= 0 and self.sentences[k].start <= position < self.sentences[k].end:
            return self.sentences[k].start, self.sentences[k].end
        return self.paragraphs[paragraph]

    def sentence_before(self, position: int, paragraph: int) -> tuple[int, int] | None:
        """The sentence before the one holding ``position``, in the same or the previous paragraph."""
        k = bisect.bisect_right(self.starts, position) - 1
        if k < 1 or self.sentences[k - 1].paragraph < paragraph - 1:
            return None
        return self.sentences[k - 1].start, self.sentences[k - 1].end

    def lead(self, k: int) -> str:
        """Text before fragment ``k``: from its sentence start (or the previous fragment) to the mark."""
        frag = self.fragments[k]
        low = self._sentence(frag.open, frag.paragraph)[0]
        if k > 0 and self.fragments[k - 1].paragraph == frag.paragraph:
            low = max(low, self.fragments[k - 1].close + 1)
        para_start, _ = self.paragraphs[frag.paragraph]
        if frag.open == para_start and frag.paragraph > 0:  # "... put it this way:" closing the paragraph before
            end = self.paragraphs[frag.paragraph - 1][1]
            if self.text[end - 1 : end] in (":", "："):
                return self.text[self._sentence(end - 1, frag.paragraph - 1)[0] : end] + " "
        return self.text[low : frag.open]

    def tail(self, k: int) -> str:
        """Text after fragment ``k``: from the closing mark to its sentence end (or the next fragment)."""
        frag = self.fragments[k]
        para_end = self.paragraphs[frag.paragraph][1]
        if frag.close >= para_end:
            return ""
        high = min(self._sentence(frag.close, frag.paragraph)[1], para_end)
        if high <= frag.close + 1 and self.rules.tail_next_sentence:  # "“…。”他说。"
            rest = self.text[frag.close + 1 : para_end]
            nearest = frag.close + 1 + len(rest) - len(rest.lstrip())
            high = min(self._sentence(nearest, frag.paragraph)[1], para_end) if nearest < para_end else high
        if k + 1 < len(self.fragments) and self.fragments[k + 1].paragraph == frag.paragraph:
            high = min(high, self.fragments[k + 1].open)
        return self.text[frag.close + 1 : high]

    def gap(self, k: int) -> str:
        return self.text[self.fragments[k].close + 1 : self.fragments[k + 1].open]

    def inner(self, k: int) -> str:
        return self.text[self.fragments[k].open + 1 : self.fragments[k].close]


def _length(words: str, rules: QuoteRules) -> int:
    if rules.count_chars:
        return sum(ch.isalnum() for ch in words)
    return len(words.split())


def _is_title(words: str, rules: QuoteRules) -> bool:
    """Title Case words without sentence punctuation: a book, film or programme name."""
    if not rules.title_case or rules.trim.search(words):
        return False
    long = [w for w in re.findall(r"[^\W\d_][\w'’-]*", words) if len(w) > 3]
    return bool(long) and all(w[0].isupper() for w in long)


def _is_term(ctx: _Context, k: int) -> bool:
    """Quoted words named as a title, a website or a term by the words around them."""
    words = ctx.inner(k).strip()
    return _is_title(words, ctx.rules) or bool(
        ctx.rules.not_before.search(ctx.lead(k)) or ctx.rules.not_after.search(ctx.tail(k))
    )


# --- attribution -------------------------------------------------------------------------------------


def _attribution(patterns: tuple[Pattern, ...], text: str) -> list[str]:
    """The speaker phrases of the patterns matching ``text``, in order ("" for one without ``who``)."""
    found: list[str] = []
    for pattern in patterns:
        m = pattern.search(text)
        if m:
            found.append((m.group("who") or "") if "who" in pattern.groupindex else "")
    return found


def _bridges(ctx: _Context, k: int) -> bool:
    """Whether fragment ``k + 1`` continues the statement of fragment ``k``."""
    a, b = ctx.fragments[k], ctx.fragments[k + 1]
    if a.paragraph != b.paragraph:
        return False
    gap = ctx.gap(k)
    if ctx.rules.bridge.search(gap):
        return True
    tail = ctx.tail(k)
    if not _attribution(ctx.rules.after, tail) or gap[len(tail) :].strip():
        return False
    own = [parse_speaker(who, ctx.rules) for who in _attribution(ctx.rules.after, ctx.tail(k + 1))]
    return not any(s.kind in ("named", "unnamed") for s in own)  # "B," said Y: a second speaker


def _tokens(text: str) -> int:
    """Length as overlap scores count it: one per CJK character, one per other word."""
    return len(CJK.findall(text)) + len(re.findall(r"\w+", CJK.sub(" ", text)))


def _clause_cut(sentence: str, rules: QuoteRules) -> int:
    """Where to end the evidence within its first sentence.

    Annotators mark either the first clause or the whole sentence. When the first clause is short
    against the sentence, stop at the clause boundary nearest their geometric mean, so the span
    overlaps either choice by at least the square root of their ratio.
    """
    cuts = [m.start() for m in rules.clause_end.finditer(sentence) if _length(sentence[: m.start()], rules) >= 2]
    total = _tokens(sentence)
    if not cuts or _tokens(sentence[: cuts[0]]) >= SHORT_CLAUSE * total:
        return len(sentence)
    target = math.sqrt(_tokens(sentence[: cuts[0]]) * total)
    return min([*cuts, len(sentence)], key=lambda cut: abs(math.log(max(_tokens(sentence[:cut]), 1) / target)))


def _evidence(ctx: _Context, k: int) -> Span:
    """The first sentence of the quoted words (two when the first is very short), marks excluded."""
    frag = ctx.fragments[k]
    words = ctx.inner(k)
    start = len(words) - len(words.lstrip())
    end = len(words)
    for m in ctx.rules.sentence_end.finditer(words):
        if _length(words[start : m.end()], ctx.rules) >= ctx.rules.min_length:
            end = m.end()
            break
    end = start + _clause_cut(words[start:end], ctx.rules)
    trimmed = ctx.rules.trim.search(words[start:end])
    if trimmed and trimmed.start() > 0:
        end = start + trimmed.start()
    a, b = frag.open + 1 + start, frag.open + 1 + end
    return Span(a, b, ctx.text[a:b])


def _groups(ctx: _Context) -> list[list[int]]:
    """Fragment indices grouped into statements; titles and terms left out."""
    groups: list[list[int]] = []
    for k in range(len(ctx.fragments)):
        if _is_term(ctx, k):
            continue
        if groups and groups[-1][-1] == k - 1 and _bridges(ctx, k - 1):
            groups[-1].append(k)
        else:
            groups.append([k])
    return groups


@dataclass(frozen=True, slots=True)
class _Statement:
    """Quoted words with their attribution, before the speaker is resolved against earlier quotes."""

    speaker: Speaker
    evidence: Span
    paragraph: int
    opens_at: int
    around: str  # the attribution text, where a role may show ("told police")


def _statement(ctx: _Context, group: list[int]) -> _Statement | None:
    """The speaker and evidence of one group of fragments, or None when nothing attributes it."""
    rules = ctx.rules
    if sum(_length(ctx.inner(k), rules) for k in group) < rules.min_length:
        return None
    lead = ctx.lead(group[0])
    tails = [ctx.tail(k) for k in group]
    said = [who for tail in tails for who in _attribution(rules.after, tail)]
    before = _attribution(rules.before, lead)
    if not said and not before:
        return None
    phrases = [*said, *(before or _attribution(rules.before_who, lead))]
    # The first phrase that names a person; "the ministry said" only when no phrase does.
    speakers = [parse_speaker(who, rules) for who in phrases if who.strip()] or [parse_speaker("", rules)]
    speaker = next((s for s in speakers if s.kind != "institution"), speakers[0])
    main = next((k for k in group if _length(ctx.inner(k), rules) >= rules.min_length), group[0])
    first = ctx.fragments[group[0]]
    return _Statement(speaker, _evidence(ctx, main), first.paragraph, first.open, lead + " ".join(tails))


def _referent(ctx: _Context, statement: _Statement, previous: tuple[Quote, int] | None, role: str | None) -> Quote:
    """The quote for "he said" or "the analyst said": the speaker of a nearby quote or a name just before."""
    kind = statement.speaker.kind
    candidates: list[tuple[int, Quote]] = []
    if previous is not None:
        earlier, where = previous
        assert earlier.evidence is not None
        if statement.paragraph - where <= NEARBY_PARAGRAPHS and (kind == "pronoun" or (role and earlier.role == role)):
            candidates.append((earlier.evidence.start, Quote(earlier.speaker, earlier.role, earlier.organization)))
    if kind == "pronoun":
        start = ctx.paragraphs[max(statement.paragraph - 1, 0)][0]
        named = last_name_in(ctx.text[start : statement.opens_at], ctx.rules)
        if named:
            candidates.append((start + named[0], Quote(named[1], role, statement.speaker.organization)))
        prior = ctx.sentence_before(statement.opens_at, statement.paragraph)
        subject = _attribution(ctx.rules.subject_start, ctx.text[prior[0] : prior[1]]) if prior else []
        speaker = parse_speaker(subject[0], ctx.rules) if subject else None
        if prior and speaker and speaker.kind in ("named", "unnamed"):  # "A researcher said ... "…," she said."
            candidates.append((prior[0], Quote(speaker.name, speaker.role, speaker.organization)))
    base = max(candidates, key=lambda c: c[0])[1] if candidates else Quote(None, role, statement.speaker.organization)
    return Quote(
        base.speaker, base.role or role, base.organization or statement.speaker.organization, statement.evidence
    )


def extract_quotes(document: Document, sentences: list[Sentence]) -> tuple[Quote, ...]:
    """Direct quotations in ``document`` attributed to a person, in text order."""
    rules = quote_rules(document.language or "en")
    ctx = _Context(document, sentences, rules)
    quotes: list[Quote] = []
    previous: tuple[Quote, int] | None = None
    for group in _groups(ctx):
        statement = _statement(ctx, group)
        if statement is None or statement.speaker.kind == "institution":
            continue
        speaker = statement.speaker
        role = speaker.role or next((en for p, en in rules.context_roles if p.search(statement.around)), None)
        if speaker.kind in ("pronoun", "definite"):
            if previous is not None and previous[1] == statement.paragraph:
                continue  # "A," said X. "B," he added: the same statement goes on
            quote = _referent(ctx, statement, previous, role)
        else:
            name = speaker.name
            if name in rules.surnames:
                name = full_name(name, ctx.text[: statement.opens_at], rules)
            quote = Quote(name, role, speaker.organization, statement.evidence)
        quotes.append(quote)
        previous = (quote, statement.paragraph)
    logger.debug("%s: %d quotes", document.id, len(quotes))
    return tuple(quotes)
