"""Relevance stage: does the document report defectors going back (or trying, or wanting, to go back) north?

Explainable by construction: a sentence is a *cue* when it names a defector
and a move north, and no veto (forced repatriation from China, fishermen sent
home, "I will never go back", a South Korean crossing) applies to it. The
document is relevant when it has a cue; the cue sentences are kept on the
record (``Document.relevance_cues``) so an analyst sees why. Patterns per
language live in ``data/lexicon/relevance.toml``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

from .extract.lexicon import AnyOf, patterns
from .extract.sentences import Sentence, split_sentences, split_text
from .pipeline import register_stage
from .records import Article, Document
from .settings import Settings

# A defector named in the sentence before (same paragraph) still is the subject: "A man crossed the
# DMZ on Saturday. He was a defector who came south in 2020."
WINDOW = 1


@dataclass(frozen=True, slots=True)
class Cue:
    """A sentence that made the document relevant, with the words that matched."""

    sentence: Sentence
    defector: str
    movement: str


def _match(pattern: AnyOf, text: str) -> str | None:
    m = pattern.search(text)
    return m.group(0) if m else None


def analyse(document: Document) -> tuple[list[Sentence], list[Cue]]:
    """The sentences of ``document`` and its cues, computed once for the relevance and extract stages."""
    return _analyse(document.text, document.language, document.article.title)


@lru_cache(maxsize=4)
def _analyse(text: str, language: str | None, title: str | None) -> tuple[list[Sentence], list[Cue]]:
    document = Document(id="", source="", sha256="", format="text", language=language, article=Article(title=title))
    sentences = split_text(text, language)
    return sentences, find_cues(document, sentences)


def find_cues(document: Document, sentences: list[Sentence] | None = None) -> list[Cue]:
    """Every sentence of ``document`` that reports a defector's return, attempt or wish to return."""
    language = document.language
    defector = patterns("relevance", language, "defector")
    movement = patterns("relevance", language, "return")
    veto = patterns("relevance", language, "veto")
    sentences = split_sentences(document) if sentences is None else sentences
    # A headline about a defector makes the defector the subject of the whole story.
    headline = _match(defector, document.article.title or "")
    cues: list[Cue] = []
    for index, sentence in enumerate(sentences):
        moved = _match(movement, sentence.text)
        if not moved or veto.search(sentence.text):
            continue
        who = _match(defector, sentence.text)
        for back in range(1, WINDOW + 1):
            if who or index - back < 0 or sentences[index - back].paragraph != sentence.paragraph:
                break
            who = _match(defector, sentences[index - back].text)
        who = who or headline
        if who:
            cues.append(Cue(sentence, who, moved))
    return cues


def describe(cue: Cue) -> str:
    """One line for the record and the UI: the matched words, then the sentence."""
    return f"[{cue.defector} + {cue.movement}] {cue.sentence.text}"


@register_stage("relevance")
def relevance_stage(document: Document, settings: Settings) -> Document:
    """Set ``relevant`` and ``relevance_cues``; never drops (irrelevant documents are kept and counted)."""
    _, cues = analyse(document)
    return dataclasses.replace(document, relevant=bool(cues), relevance_cues=tuple(describe(c) for c in cues))
