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

from .extract.lexicon import AnyOf, compile_any, learn_all, section
from .extract.sentences import Sentence, split_sentences, split_text
from .records import Article, Document, Relevance
from .settings import Settings
from .stages import register_stage

# How many sentences before a move north (across paragraph breaks) may introduce the defector it
# refers back to ("A woman who had lived in the South ... She crossed into the North from there.").
NEARBY = 4


@dataclass(frozen=True, slots=True)
class Cue:
    """A sentence that made the document relevant (or a candidate), with the words that matched.

    ``link`` says how the defector was tied to the move north: ``sentence``,
    ``paragraph``, ``nearby`` (a referring word after a defector a few
    sentences before), ``name`` (a name first given beside a defector word),
    ``headline``; for candidates ``document`` (not tied), ``theme`` (a return
    word beside the North or a defector) or ``fiction``.
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


KEYS = ("defector", "return", "weak", "north", "veto", "forced", "actor", "refer", "fiction")
# Korean and Chinese pages often carry English (machine translations under a Korean banner, quoted wire
# copy): a sentence without Hangul or Han characters is read with the English patterns.
CJK = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u3400-\u4dbf\u4e00-\u9fff]")


def _lowered(pattern: str) -> str:
    """``pattern`` for lower-cased text: letters lowered, escapes (``\\S``, ``\\W``, ``\\b``) kept as written."""
    return re.sub(r"\\.|[^\\]+", lambda m: m.group(0) if m.group(0).startswith("\\") else m.group(0).lower(), pattern)


@lru_cache(maxsize=8)
def _lexicon(language: str | None) -> _Lexicon:
    # Sentences are lower-cased once and read with lower-cased patterns: matching with IGNORECASE is four
    # times slower in Python's ``re``, and relevance reads every sentence of every document.
    table = section("relevance", language)

    def compiled(key: str) -> AnyOf:
        found = [*table.get(key, []), *(table.get("return_extra", []) if key == "return" else [])]
        return compile_any(tuple(_lowered(p) for p in found), 0)

    return _Lexicon(*(compiled(key) for key in KEYS))


@lru_cache(maxsize=8)
def prepare(language: str | None) -> None:
    """Build the lexicons documents in ``language`` are read with, and the words their matchers need,
    once per process: a batch's warm-up calls it (``scan.tasks.warm_up``); otherwise they are built
    where first used (see ``extract.warm``)."""
    _lexicon(language)
    _lexicon("en")
    learn_all()


def _match(pattern: AnyOf, text: str, original: str) -> str | None:
    """The words of ``original`` that ``pattern`` finds in ``text``, its lower-cased form."""
    m = pattern.search(text)
    return original[m.start() : m.end()] if m else None


@dataclass(frozen=True, slots=True)
class _Read:
    """What one sentence says: a defector word, a move north (outside forced repatriations)."""

    text: str  # lower-cased, with the offsets of ``original``
    original: str
    lexicon: _Lexicon
    defector: str | None
    movement: str | None

    def refers(self, names: set[str]) -> bool:
        """Does the sentence point back at someone: "he", "the man", a name given beside a defector word?"""
        return self.lexicon.refer.search(self.text) is not None or any(name in self.original for name in names)

    def weak(self) -> str | None:
        """A return word beside the North or a defector, outside vetoes and forced repatriations."""
        found = _match(self.lexicon.weak, self.text, self.original)
        if found is None or _vetoed(self.lexicon, self.text, self.defector) or self.lexicon.forced.search(self.text):
            return None
        return found if self.defector or self.lexicon.north.search(self.text) else None


def _vetoed(lexicon: _Lexicon, text: str, defector: str | None) -> bool:
    return lexicon.veto.search(text) is not None or (defector is None and lexicon.actor.search(text) is not None)


# Where one clause of a sentence ends and another begins: "X fled south, while only a few Y went north".
CLAUSE_BREAK = re.compile(r"[,;:]\s|\s(?:while|whereas|but)\s")


def _other_actor(lexicon: _Lexicon, text: str, start: int) -> bool:
    """Whether the clause around ``start`` names another actor (South Koreans, fishermen) and no defector.

    A sentence may set defectors against someone else ("30,000 defectors came south, but only a handful
    of South Koreans went north"): the move north then belongs to the other actor.
    """
    begin = end = None
    for m in CLAUSE_BREAK.finditer(text):
        if m.end() <= start:
            begin = m.end()
        elif end is None:
            end = m.start()
    clause = text[begin or 0 : end if end is not None else len(text)]
    return lexicon.actor.search(clause) is not None and lexicon.defector.search(clause) is None


def _movement(lexicon: _Lexicon, text: str, original: str, defector: str | None) -> str | None:
    """The first move north in ``text`` that no veto, no forced repatriation and no other actor covers."""
    first = lexicon.movement.search(text)
    if first is None or _vetoed(lexicon, text, defector):
        return None
    forced = lexicon.forced.search(text) is not None
    actor = defector is not None and lexicon.actor.search(text) is not None
    if not forced and not actor:
        return original[first.start() : first.end()]
    masked = [m.span() for m in lexicon.forced.finditer(text)] if forced else []
    for m in lexicon.movement.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in masked):
            continue
        if actor and _other_actor(lexicon, text, m.start()):
            continue
        return original[m.start() : m.end()]
    return None


def _read(own: _Lexicon, english: _Lexicon | None, text: str) -> _Read:
    lexicon = english if english is not None and CJK.search(text) is None else own
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer: keep offsets by lowering letter by letter
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    defector = _match(lexicon.defector, lowered, text)
    return _Read(lowered, text, lexicon, defector, _movement(lexicon, lowered, text, defector))


# A capitalised name next to a defector word ("Kwon Chol-nam, a defector", "defector Jon Yong-chol"): its
# parts, so that a later sentence naming only "Kwon" refers back to the defector.
NAME = re.compile(r"\b[A-Z][a-z]+(?:[- ][A-Z]?[a-z]+){0,2}\b")
NOT_NAMES = frozenset(
    re.split(
        r"\s+",
        "The A An He She They His Her It In On At As But And North South Korea Korean Koreans China Chinese Seoul "
        "Pyongyang Ministry Unification Police State January February March April May June July August September "
        "October November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mr Ms Mrs",
    )
)


def _names(text: str) -> set[str]:
    found: set[str] = set()
    for m in NAME.finditer(text):
        for part in re.split(r"[- ]", m.group(0)):
            if len(part) > 2 and part[0].isupper() and part not in NOT_NAMES:
                found.add(part)
    return found


def _tie(sentences: list[Sentence], reads: list[_Read], index: int, names: set[str]) -> tuple[str, str] | None:
    """The defector a move north at ``index`` is told of, and how it was tied; None when nothing ties it."""
    sentence, read = sentences[index], reads[index]
    if read.defector:
        return read.defector, "sentence"
    refers: bool | None = None
    for back in range(1, min(NEARBY, index) + 1):
        earlier, before = sentences[index - back], reads[index - back]
        if not before.defector:
            continue
        if earlier.paragraph == sentence.paragraph:
            return before.defector, "paragraph"
        refers = read.refers(names) if refers is None else refers
        if refers:
            return before.defector, "nearby"
    named = next((name for name in sorted(names) if name in sentence.text), None)
    return (named, "name") if named else None


def assess(document: Document, sentences: list[Sentence] | None = None) -> Assessment:
    """Relevant, possible or not relevant, with the cues (or candidate sentences) that decided it."""
    own = _lexicon(document.language)
    english = _lexicon("en") if document.language in ("ko", "zh") else None
    sentences = split_sentences(document) if sentences is None else sentences
    title = document.article.title or ""
    lowered = title.lower() if len(title.lower()) == len(title) else title
    headline = _match(own.defector, lowered, title) or (_match(english.defector, lowered, title) if english else None)
    reads = [_read(own, english, sentence.text) for sentence in sentences]
    # Names given beside a defector word, anywhere in the document, refer back to that defector.
    names = {n for r in reads if r.defector and r.lexicon is _lexicon("en") for n in _names(r.original)}
    cues: list[Cue] = []
    untied: list[Cue] = []
    for index, read in enumerate(reads):
        if read.movement is None:
            continue
        tie = _tie(sentences, reads, index, names) or ((headline, "headline") if headline else None)
        if tie is not None:
            cues.append(Cue(sentences[index], tie[0], read.movement, tie[1]))
        else:
            untied.append(Cue(sentences[index], "", read.movement, "document"))
    if cues:
        opening = [lowered, *(r.text for r in reads[:3])]  # lower-cased
        if not any(own.fiction.search(text) for text in opening):
            return Assessment("relevant", tuple(cues))
        return Assessment("possible", tuple(dataclasses.replace(c, link="fiction") for c in cues))
    first = next((r.defector for r in reads if r.defector), headline)
    if first is None:
        return Assessment("not_relevant", ())
    candidates = [dataclasses.replace(c, defector=first) for c in untied]
    # A story about forced repatriation is full of return words that are not a defector's choice.
    if not any(r.lexicon.forced.search(r.text) for r in reads):
        for sentence, read in zip(sentences, reads, strict=True):
            if (weak := read.weak()) is not None:
                candidates.append(Cue(sentence, read.defector or first, weak, "theme"))
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
    _, assessment = _analyse(document.text, document.language, document.article.title)
    return dataclasses.replace(
        document,
        relevance=assessment.outcome,
        relevant=assessment.outcome == "relevant",
        relevance_cues=tuple(describe(c) for c in assessment.cues),
    )
