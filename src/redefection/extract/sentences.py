"""Split a document's cleaned text into sentences with character offsets.

Offsets index ``Document.text`` (paragraphs joined by blank lines), so every
fact built from a sentence can point at the exact words that support it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import Document, Span

# English abbreviations that end in a period but do not end a sentence.
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "rep", "sen", "gen", "col", "lt", "sgt", "capt", "gov", "st", "no", "vs",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "co", "corp",
    "ltd", "jr", "sr", "u.s", "u.n", "u.k", "n", "s", "a.m", "p.m", "e.g", "i.e", "etc", "approx", "est",
    "pvt", "pfc", "spc", "cpl", "maj", "adm", "brig", "cmdr", "amb", "rev", "hon",
}  # fmt: skip
EN_BREAK = re.compile(r"""(?<=[.!?])["'”’)\]]*\s+(?=["'“‘(\[]?[A-Z0-9])""")
CJK_BREAK = re.compile(
    r"""(?<=[。！？!?])["'”’」』）)]*\s*|(?<=[다요죠까][.!?])["'”’」』）)]*\s+|(?<=\.)["'”’」』）)]*\s+(?=[^\s])"""
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its span in ``Document.text`` and the index of its paragraph."""

    start: int
    end: int
    text: str
    paragraph: int

    def span(self, start: int | None = None, end: int | None = None) -> Span:
        """A span of this sentence; ``start``/``end`` are offsets within the sentence text."""
        a = self.start + (start or 0)
        b = self.start + (len(self.text) if end is None else end)
        return Span(a, b, self.text[a - self.start : b - self.start])


def _en_boundaries(text: str) -> list[int]:
    cuts = []
    for m in EN_BREAK.finditer(text):
        # Only the last word before the break matters: a short window keeps long paragraphs linear.
        before = text[max(0, m.start() - 64) : m.start()].rstrip("\"'”’)]")
        word = re.search(r"([A-Za-z.]+)\.$", before)
        if word and word.group(1).lower().rstrip(".") in ABBREVIATIONS:
            continue
        if word and len(word.group(1)) == 1:  # an initial: "N. Korean", "Kim J. Lee"
            continue
        cuts.append(m.end())
    return cuts


def _cjk_boundaries(text: str) -> list[int]:
    return [m.end() for m in CJK_BREAK.finditer(text) if m.end() < len(text)]


def split_sentences(document: Document) -> list[Sentence]:
    """Sentences of every body paragraph, in order, with offsets into ``document.text``."""
    return split_text(document.text, document.language)


def split_text(text: str, language: str | None) -> list[Sentence]:
    """Sentences of ``text`` (paragraphs separated by blank lines) with offsets into it."""
    out: list[Sentence] = []
    offset = 0
    cjk = language in ("ko", "zh", "ja")
    for index, paragraph in enumerate(text.split("\n\n") if text else []):
        cuts = _cjk_boundaries(paragraph) if cjk else _en_boundaries(paragraph)
        start = 0
        for cut in [*cuts, len(paragraph)]:
            piece = paragraph[start:cut]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                a = offset + start + lead
                out.append(Sentence(a, a + len(stripped), stripped, index))
            start = cut
        offset += len(paragraph) + 2  # the blank line between paragraphs
    return out
