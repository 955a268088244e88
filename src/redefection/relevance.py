"""Relevance stage: does the document report defectors going back (or trying, or wanting, to go back) north?

Explainable by construction, and decided on the whole document. Each sentence
is read for a *defector* (a word for someone who left the North and settled
or stayed abroad, or a description such as "had lived in South Korea for six
years") and for a *move north* ("returned to North Korea", "crossed into the
North", 재입북, 돌아갔다, 返回朝鲜). A move north is a **cue** when it is tied to
a defector: in the same sentence, earlier in the same paragraph, in one of the
few sentences before when the move's sentence refers back to someone ("he",
"the man", a surname first given beside the defector word), or in the
headline. Vetoes apply to their own actor only: a forced repatriation ("China
repatriated ...", "repatriated from China") masks the words it covers, so a
move north elsewhere in the sentence still counts; fishermen, crews and
South Korean citizens veto a sentence only when no defector is named in it;
denials, questions and hypotheticals veto the whole sentence.

Three outcomes, each with its evidence (``Document.relevance_cues``):

- ``relevant``: at least one cue.
- ``possible``: weaker evidence an analyst should see: a defector and a move
  north in the document but not tied; a return word ("went back",
  "repatriated") beside the North in a document about defectors; or cues only
  inside fiction (a film or novel review). Its facts wait in the store for
  review; exports, alerts and the public view leave it out until promoted.
- ``not_relevant``: nothing of the above.

Patterns per language live in ``data/lexicon/relevance.toml``; Korean and
Chinese documents are also read with the English patterns (machine-translated
pages keep a Korean banner).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache

from .extract.lexicon import AnyOf, compile_any, section
from .extract.sentences import Sentence, split_sentences, split_text
from .pipeline import register_stage
from .records import Article, Document, Relevance
from .settings import Settings

# How many sentences before a move north (across paragraph breaks) may introduce the defector it
# refers back to ("A woman who had lived in the South ... She crossed into the North from there.").
NEARBY = 4


@dataclass(frozen=True, slots=True)
class Cue:
    """A sentence that made the document relevant (or a candidate), with the words that matched.

    ``link`` says how the defector was tied to the move north: ``sentence``,
    ``paragraph``, ``nearby`` (a referring word after a defector a few
    sentences before), ``headline``; for candidates ``document`` (not tied),
    ``theme`` (a return word beside the North) or ``fiction``.
    """

    sentence: Sentence
    defector: str
    movement: str
    link: str = "sentence"


@dataclass(frozen=True, slots=True)
class Assessment:
    """The outcome for a document and the cues that support it (empty when not relevant)."""

    outcome: Relevance
    cues: tuple[Cue, ...]


@dataclass(frozen=True, slots=True)
class _Lexicon:
    defector: AnyOf
    movement: AnyOf
    weak: AnyOf  # return words without a direction: "went back", "repatriated", 돌아갔다
    north: AnyOf
    veto: AnyOf  # the whole sentence: denials, questions, hypotheticals
    forced: AnyOf  # masks its own words: forced repatriation
    actor: AnyOf  # another actor's sentence unless a defector is named in it
    refer: AnyOf  # words that refer back to a person introduced before
    fiction: AnyOf


@lru_cache(maxsize=8)
def _lexicon(language: str | None) -> _Lexicon:
    own = section("relevance", language)
    # Korean and Chinese pages often carry English (translations, quoted wire copy): read both.
    tables = [own] if language not in ("ko", "zh") else [own, section("relevance", "en")]

    def joined(key: str) -> AnyOf:
        return compile_any(tuple(p for table in tables for p in table.get(key, [])), re.IGNORECASE)

    return _Lexicon(*(joined(k) for k in ("defector", "return", "weak", "north", "veto", "forced", "actor")),
                    refer=joined("refer"), fiction=joined("fiction"))  # fmt: skip


def _match(pattern: AnyOf, text: str) -> str | None:
    m = pattern.search(text)
    return m.group(0) if m else None


@dataclass(frozen=True, slots=True)
class _Read:
    """What one sentence says: a defector word, a move north (outside forced repatriations), a return word."""

    defector: str | None
    movement: str | None
    weak: str | None
    north: bool
    refers: bool
    fiction: bool


def _movement(lexicon: _Lexicon, text: str) -> str | None:
    """The first move north in ``text`` that no forced repatriation covers."""
    masked = [m.span() for m in lexicon.forced.finditer(text)]
    for m in lexicon.movement.finditer(text):
        if not any(a < m.end() and m.start() < b for a, b in masked):
            return m.group(0)
    return None


def _read(lexicon: _Lexicon, text: str, names: set[str]) -> _Read:  # noqa: C901
    defector = _match(lexicon.defector, text)
    movement = weak = None
    vetoed = lexicon.veto.search(text) is not None or (defector is None and lexicon.actor.search(text) is not None)
    if not vetoed:
        movement = _movement(lexicon, text)
        weak = None if movement else _match(lexicon.weak, text)
        if weak and lexicon.forced.search(text):
            weak = None
    refers = lexicon.refer.search(text) is not None or any(name in text for name in names)
    north = lexicon.north.search(text) is not None
    return _Read(defector, movement, weak, north, refers, lexicon.fiction.search(text) is not None)


# A capitalised name next to a defector word ("Kwon Chol-nam, a defector", "defector Jon Yong-chol"): its
# parts, so that a later sentence naming only "Kwon" refers back to the defector.
NAME = re.compile(r"\b[A-Z][a-z]+(?:[- ][A-Z]?[a-z]+){0,2}\b")
NOT_NAMES = frozenset(
    "The A An He She They His Her It In On At As But And North South Korea Korean Koreans China Chinese Seoul "
    "Pyongyang Ministry Unification Police State January February March April May June July August September "
    "October November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mr Ms Mrs".split()
)


def _names(text: str) -> set[str]:
    found: set[str] = set()
    for m in NAME.finditer(text):
        for part in re.split(r"[- ]", m.group(0)):
            if len(part) > 2 and part[0].isupper() and part not in NOT_NAMES:
                found.add(part)
    return found


def assess(document: Document, sentences: list[Sentence] | None = None) -> Assessment:
    """Relevant, possible or not relevant, with the cues (or candidate sentences) that decided it."""
    lexicon = _lexicon(document.language)
    sentences = split_sentences(document) if sentences is None else sentences
    headline = _match(lexicon.defector, document.article.title or "")
    defector_sentences = [s.text for s in sentences if lexicon.defector.search(s.text)]
    # Names given beside a defector word, anywhere in the document, refer back to that defector.
    names = set().union(*map(_names, defector_sentences)) if document.language == "en" else set()
    reads = [_read(lexicon, sentence.text, names) for sentence in sentences]
    cues: list[Cue] = []
    untied: list[Cue] = []
    for index, (sentence, read) in enumerate(zip(sentences, reads, strict=True)):
        if read.movement is None:
            continue
        who, link = read.defector, "sentence"
        for back in range(1, NEARBY + 1):
            if who or index - back < 0:
                break
            earlier, before = sentences[index - back], reads[index - back]
            if before.defector and earlier.paragraph == sentence.paragraph:
                who, link = before.defector, "paragraph"
            elif before.defector and read.refers:
                who, link = before.defector, "nearby"
        if who is None and names and any(name in sentence.text for name in names):
            who, link = next(n for n in names if n in sentence.text), "name"
        if who is None and headline:
            who, link = headline, "headline"
        if who is not None:
            cues.append(Cue(sentence, who, read.movement, link))
        else:
            untied.append(Cue(sentence, "", read.movement, "document"))
    fiction = any(r.fiction for r in reads[:3]) or lexicon.fiction.search(document.article.title or "") is not None
    if cues and not fiction:
        return Assessment("relevant", tuple(cues))
    if cues:
        return Assessment("possible", tuple(dataclasses.replace(c, link="fiction") for c in cues))
    first = next((r.defector for r in reads if r.defector), headline)
    if first is None:
        return Assessment("not_relevant", ())
    candidates = [dataclasses.replace(c, defector=first) for c in untied]
    # A story about forced repatriation is full of return words that are not a defector's choice.
    forced = any(lexicon.forced.search(s.text) for s in sentences)
    for sentence, read in zip(sentences, reads, strict=True):
        if read.weak and (read.north or read.defector) and not forced:
            candidates.append(Cue(sentence, read.defector or first, read.weak, "theme"))
    if not candidates:
        return Assessment("not_relevant", ())
    return Assessment("possible", tuple(sorted(candidates, key=lambda c: c.sentence.start)))


def analyse(document: Document) -> tuple[list[Sentence], list[Cue]]:
    """The sentences of ``document`` and its cues (a candidate's sentences when possible), computed once."""
    sentences, assessment = _analyse(document.text, document.language, document.article.title)
    return sentences, list(assessment.cues)


@lru_cache(maxsize=4)
def _analyse(text: str, language: str | None, title: str | None) -> tuple[list[Sentence], Assessment]:
    document = Document(id="", source="", sha256="", format="text", language=language, article=Article(title=title))
    sentences = split_text(text, language)
    return sentences, assess(document, sentences)


def find_cues(document: Document, sentences: list[Sentence] | None = None) -> list[Cue]:
    """Every sentence of ``document`` that reports a defector's return, attempt or wish to return."""
    found = assess(document, sentences)
    return list(found.cues) if found.outcome == "relevant" else []


def describe(cue: Cue) -> str:
    """One line for the record and the UI: the matched words, then the sentence."""
    terms = " + ".join(t for t in (cue.defector, cue.movement) if t)
    return f"[{terms}] {cue.sentence.text}"


@register_stage("relevance")
def relevance_stage(document: Document, settings: Settings) -> Document:
    """Set ``relevance``, ``relevant`` and ``relevance_cues``; never drops (off-topic documents are kept)."""
    sentences, assessment = _analyse(document.text, document.language, document.article.title)
    return dataclasses.replace(
        document,
        relevance=assessment.outcome,
        relevant=assessment.outcome == "relevant",
        relevance_cues=tuple(describe(c) for c in assessment.cues),
    )
