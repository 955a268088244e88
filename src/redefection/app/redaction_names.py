"""Private persons' names found anywhere in a free-text value of the public view, cut to the surname.

The public view names private persons by surname only. That must not depend
on which field a name lands in: an extractor may put a person into a quote's
``organization`` ("a friend of Choi Min-seo"), an editor may type a name into
a route or a claim's source. So every free-text value shown publicly is
checked against the names of the private persons of the same document or
case (the people who went back, and speakers without a public role), in every
script and romanisation the resolver compares (``resolve.names``): Hangul,
Chinese characters, Revised Romanization, McCune-Reischauer and the popular
spellings, in Korean or Western order, hyphenated or not. A match is replaced
by its surname ("a friend of Choi").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..resolve.names import NameKey, name_key, split_name

# Words of a name candidate: Latin words (with hyphens, apostrophes and McCune-Reischauer breves) or runs of
# Hangul or Chinese characters (a Korean name is 2 to 4 syllables, often with a particle attached: 최민서의).
LATIN_WORD = re.compile(r"[A-Za-zŏŭŎŬ][A-Za-zŏŭŎŬ'’\-]*")
CJK_RUN = re.compile(r"[\uac00-\ud7a3]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
POSSESSIVE = re.compile(r"[a-z]['’]s$")  # Choi's mother: the name is "Choi"
MAX_WORDS = 3  # Kim Woo Jeong
CJK_LENGTHS = (2, 3, 4)


def _same_person(candidate: NameKey, person: NameKey) -> bool:
    return bool(candidate.given) and candidate.given == person.given and bool(candidate.surnames & person.surnames)


@dataclass(frozen=True, slots=True)
class _Word:
    begin: int
    finish: int

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish


def _candidates(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every stretch of ``text`` that could be a printed full name."""
    words = [_Word(m.start(), m.end() - (2 if POSSESSIVE.search(m.group()) else 0)) for m in LATIN_WORD.finditer(text)]
    for i in range(len(words)):
        for size in range(2, MAX_WORDS + 1):
            if i + size <= len(words):
                gaps = (text[a.end() : b.start()] for a, b in itertools.pairwise(words[i : i + size]))
                if all(gap.isspace() for gap in gaps):  # the words of one name, not "Kim, Lee"
                    yield words[i].start(), words[i + size - 1].end()
    for run in CJK_RUN.finditer(text):
        for offset in range(len(run.group())):
            for size in CJK_LENGTHS:
                if offset + size <= len(run.group()):
                    yield run.start() + offset, run.start() + offset + size


@dataclass(frozen=True, slots=True)
class PrivateNames:
    """The full names of a document's or case's private persons, as comparable keys."""

    keys: tuple[NameKey, ...] = ()

    @classmethod
    def of(cls, names: Iterable[tuple[object, object]]) -> PrivateNames:
        """From (printed name, known surname) pairs; names without a given name are skipped (a surname is public)."""
        keys = []
        for name, surname in names:
            if not isinstance(name, str) or not name.strip():
                continue
            key = name_key(name, surname if isinstance(surname, str) else None)
            if key is not None and key.given and key not in keys:
                keys.append(key)
        return cls(tuple(keys))

    def __or__(self, other: PrivateNames) -> PrivateNames:
        return PrivateNames(self.keys + tuple(k for k in other.keys if k not in self.keys))

    def redact(self, text: str) -> str:
        """``text`` with every private person's full name replaced by the surname it was printed with."""
        if not self.keys or not text:
            return text
        found: list[tuple[int, int, str]] = []
        for start, end in _candidates(text):
            if any(start < e and s < end for s, e, _ in found):
                continue
            printed = text[start:end]
            key = name_key(printed)
            if key is not None and any(_same_person(key, person) for person in self.keys):
                found.append((start, end, split_name(printed)[0]))
        for start, end, surname in sorted(found, reverse=True):
            text = text[:start] + surname + text[end:]
        return text

    def redact_value(self, value: Any) -> Any:
        """A field value with names cut in every string it holds (a list of strings item by item)."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, (list, tuple)):
            return type(value)(self.redact_value(item) for item in value)
        return value

    def redact_values(self, values: Mapping[str, Any], keep: Iterable[str] = ()) -> dict[str, Any]:
        kept = set(keep)
        return {name: value if name in kept else self.redact_value(value) for name, value in values.items()}


__all__ = ["PrivateNames"]
