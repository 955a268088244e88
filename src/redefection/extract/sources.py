"""Who a figure is attributed to.

A *mention* is a named body ("통일부", "the Unification Ministry"), a person cited as a source
("조정식 ... 의원", "Rep. Kim Ki-hyeon") or a generic reference ("the ministry", "officials"). A mention is an
*attribution* when a frame around it says the words or the data are its own: "according to X", "X said",
"X's data showed", "X 자료에 따르면", "X는 ... 밝혔다", "据X", "X表示". Names, frames and canonical English
names live in ``data/lexicon/sources.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from ..records import Document
from ._literals import Needs, absent, folded, pattern_needs
from .lexicon import section
from .sentences import Sentence

MentionKind = Literal["body", "person", "generic"]
KIND_RANK: dict[MentionKind, int] = {"body": 0, "person": 1, "generic": 2}  # on overlap, a named body wins


@dataclass(frozen=True, slots=True)
class Mention:
    """A possible source in a sentence; offsets index the sentence text."""

    start: int
    end: int
    kind: MentionKind
    name: str  # canonical English name, person's name as printed, or the generic kind ("ministry")
    is_attribution: bool
    is_trailing: bool = False  # "..., according to X": the frame closes the clause before it


@dataclass(frozen=True, slots=True)
class _Lexicon:
    names: tuple[tuple[str, re.Pattern[str]], ...]
    generic: tuple[tuple[str, re.Pattern[str]], ...]
    persons: tuple[re.Pattern[str], ...]
    person_skip: re.Pattern[str]
    before: re.Pattern[str]
    after: re.Pattern[str]
    topic: re.Pattern[str]
    speech: re.Pattern[str]
    needs: dict[re.Pattern[str], Needs | None]  # the words each pattern needs (see ``_literals``)
    name_needs: tuple[tuple[str, tuple[int, ...]], ...]  # each word the names need: the names (indexes) needing it
    unconditional: frozenset[int]  # the names whose words are unknown: always looked for
    targets: dict[str, tuple[str, ...]]
    paragraph_generic: frozenset[str]
    back: re.Pattern[str]  # words pointing back at figures just given ("these figures", "이같이", "上述数据")


def _alternation(values: Sequence[str], template: str = "{}", flags: int = re.IGNORECASE) -> re.Pattern[str]:
    if not values:
        return re.compile(r"(?!x)x")
    return re.compile(template.format("|".join(f"(?:{value})" for value in values)), flags)


@lru_cache(maxsize=8)
def _lexicon(language: str) -> _Lexicon:
    data: dict[str, Any] = section("sources", language)
    names = tuple((name, _alternation(aliases)) for name, aliases in data.get("names", {}).items())
    generic = tuple((kind, _alternation(values)) for kind, values in data.get("generic", {}).items())
    persons = tuple(re.compile(p) for p in data.get("persons", []))
    before = _alternation(data.get("before", []), "(?:{})$")
    every = (*(p for _, p in names), *persons, *(p for _, p in generic), before)
    needs = {pattern: pattern_needs(pattern) for pattern in every}
    by_word: dict[str, list[int]] = {}
    for index, (_, pattern) in enumerate(names):
        for word in sorted(needs[pattern] or ()):
            by_word.setdefault(word, []).append(index)
    return _Lexicon(
        names=names,
        generic=generic,
        persons=persons,
        person_skip=_alternation(data.get("person_skip", [])),
        before=before,
        after=_alternation(data.get("after", [])),
        topic=_alternation(data.get("topic", [])),
        speech=_alternation(data.get("speech", [])),
        needs=needs,
        name_needs=tuple((word, tuple(indexes)) for word, indexes in by_word.items()),
        unconditional=frozenset(i for i, (_, pattern) in enumerate(names) if not needs[pattern]),
        targets={kind: tuple(names) for kind, names in data.get("generic_targets", {}).items()},
        paragraph_generic=frozenset(data.get("paragraph_generic", [])),
        back=_alternation(data.get("back_reference", [])),
    )


def canonical_source(text: str, language: str | None) -> str | None:
    """The canonical English name of the body ``text`` names ("통일부" -> "Ministry of Unification"), or None."""
    best: tuple[int, str] | None = None
    for lang in dict.fromkeys((language or "en", "en")):
        for name, pattern in _lexicon(lang).names:
            if name.casefold() == text.strip().casefold():
                return name
            for found in pattern.finditer(text):
                if best is None or found.end() - found.start() > best[0]:
                    best = (found.end() - found.start(), name)
    return best[1] if best else None


SOURCE_LANGUAGES = ("en", "ko", "zh")  # the languages ``sources.toml`` names bodies in


def known_source(text: str) -> str | None:
    """The canonical name of the body ``text`` names as a whole, in any language, or None.

    For values a person types (a corrected claim source): "통일부", "the
    Unification Ministry" and "MOU" all give "Ministry of Unification", so a
    correction joins the series extraction builds. A text that only mentions a
    body ("MOU officials in Seoul") is not a name of it.
    """
    wanted = " ".join(text.split())
    if wanted[:4].casefold() == "the ":
        wanted = wanted[4:]
    for language in SOURCE_LANGUAGES:
        for name, pattern in _lexicon(language).names:
            if name.casefold() == wanted.casefold() or pattern.fullmatch(wanted):
                return name
    return None


def known_source_names() -> tuple[str, ...]:
    """Every canonical source name, sorted: what a correction form offers."""
    return tuple(sorted({name for language in SOURCE_LANGUAGES for name, _ in _lexicon(language).names}))


def _is_attribution(text: str, end: int, frame: re.Match[str] | None, lexicon: _Lexicon) -> bool:
    """``frame``: the attribution frame just before the mention ("according to"), found by ``_frame_before``."""
    if frame or lexicon.after.match(text, end):
        return True
    return bool(lexicon.topic.match(text, end) and lexicon.speech.search(text, end))


def _frame_before(text: str, start: int, lexicon: _Lexicon) -> re.Match[str] | None:
    """The attribution frame ending right before ``start``; none when the sentence lacks its words."""
    if absent(lexicon.needs[lexicon.before], text):
        return None
    return lexicon.before.search(text[:start])


def _live_names(text: str, lexicon: _Lexicon) -> list[tuple[str, re.Pattern[str]]]:
    """The names, in order, whose words ``text`` holds (``absent`` for each, with each word tested once)."""
    lowered = folded(text)
    if lowered is None:
        return list(lexicon.names)
    live = set(lexicon.unconditional)
    for word, indexes in lexicon.name_needs:
        if word in lowered:
            live.update(indexes)
    return [entry for index, entry in enumerate(lexicon.names) if index in live]


def find_mentions(text: str, language: str | None) -> list[Mention]:
    """Named bodies, cited people and generic references in ``text``, without overlaps, in order."""
    lexicon = _lexicon(language or "en")
    found: list[tuple[int, int, MentionKind, str]] = []
    needs = lexicon.needs
    for name, pattern in _live_names(text, lexicon):
        found.extend((m.start(), m.end(), "body", name) for m in pattern.finditer(text))
    for pattern in lexicon.persons:
        if absent(needs[pattern], text):
            continue
        for m in pattern.finditer(text):
            if not lexicon.person_skip.search(m.group("name")):
                found.append((m.start(), m.end(), "person", m.group("name")))
    for kind, pattern in lexicon.generic:
        if absent(needs[pattern], text):
            continue
        found.extend((m.start(), m.end(), "generic", kind) for m in pattern.finditer(text))
    found.sort(key=lambda f: (KIND_RANK[f[2]], f[0] - f[1], f[0]))
    kept: list[tuple[int, int, MentionKind, str]] = []
    for item in found:
        if all(item[1] <= other[0] or item[0] >= other[1] for other in kept):
            kept.append(item)
    kept.sort()
    out = []
    for a, b, kind, name in kept:
        frame = _frame_before(text, a, lexicon)
        out.append(Mention(a, b, kind, name, _is_attribution(text, b, frame, lexicon), _is_trailing(text, frame)))
    return out


def _is_trailing(text: str, frame: re.Match[str] | None) -> bool:
    return bool(frame and re.search(r"[,，、]\s*$", text[: frame.start()]))


def _is_surname(name: str) -> bool:
    return " " not in name and "-" not in name and (len(name) == 1 or name[:1].isascii())


class SourceFinder:
    """The attributions of every sentence of a document, with references resolved to a name.

    "the ministry" stands for the latest ministry named earlier in the document ("the agency", "the
    foundation" likewise); "officials" for the latest source attributed earlier in the same paragraph;
    a surname with a title ("조 의원", "Rep. Kim") for the latest person with that surname.
    """

    def __init__(self, document: Document, sentences: Sequence[Sentence]) -> None:
        language = document.language or "en"
        self._lexicon = _lexicon(language)
        self._bodies: list[str] = []
        self._people: list[str] = []
        self._paragraph: dict[int, list[str]] = {}
        self._attributions: list[list[tuple[int, int, str]]] = []
        self._trailing: list[list[tuple[int, int, str]]] = []
        self._carried: list[str | None] = []  # the latest attribution before each sentence in its paragraph
        carried: str | None = None
        paragraph: int | None = None
        for sentence in sentences:
            resolved: list[tuple[int, int, str]] = []
            trailing: list[tuple[int, int, str]] = []
            for mention in find_mentions(sentence.text, language):
                name = self._resolve(mention, sentence.paragraph)
                if name and mention.is_attribution:
                    resolved.append((mention.start, mention.end, name))
                    if mention.is_trailing:
                        trailing.append((mention.start, mention.end, name))
            self._trailing.append(trailing)
            self._paragraph.setdefault(sentence.paragraph, []).extend(name for _, _, name in resolved)
            if sentence.paragraph != paragraph:
                carried, paragraph = None, sentence.paragraph
            self._carried.append(carried)
            carried = resolved[-1][2] if resolved else carried
            self._attributions.append(resolved)
        # "재입북한 탈북민은 16명으로 밝혀졌다. 통일부가 ... 이같이 보고했다.": a source named in the next
        # sentence (of the same or the next paragraph) with words pointing back gives the figures before it
        self._back: list[str | None] = [None] * len(sentences)
        for index in range(1, len(sentences)):
            later, earlier = sentences[index], sentences[index - 1]
            if (
                self._attributions[index]
                and later.paragraph - earlier.paragraph <= 1
                and self._lexicon.back.search(later.text)
            ):
                self._back[index - 1] = self._attributions[index][0][2]

    def _resolve(self, mention: Mention, paragraph: int) -> str | None:
        if mention.kind == "body":
            self._bodies.append(mention.name)
            return mention.name
        if mention.kind == "person":
            if not _is_surname(mention.name):
                self._people.append(mention.name)
                return mention.name
            full = [p for p in self._people if p.startswith(mention.name) and p != mention.name]
            return full[-1] if full else None
        targets = self._lexicon.targets.get(mention.name, ())
        in_paragraph = mention.name in self._lexicon.paragraph_generic
        pool = self._paragraph.get(paragraph, []) if in_paragraph else self._bodies
        matches = [name for name in pool if not targets or name in targets]
        return matches[-1] if matches else None

    def source_for(self, index: int, start: int, end: int, later_starts: Sequence[int] = ()) -> str | None:
        """The source of a figure at ``start:end`` of sentence ``index``.

        The nearest attribution before the figure wins ("according to X, 30 ..."). Otherwise an attribution
        after it counts only if no other figure follows that attribution: in "Of the 33,000 who settled,
        the ministry has confirmed 30 who went back", the ministry speaks for the 30 alone.
        """
        attributions = self._attributions[index]
        before = [a for a in attributions if a[1] <= start]
        if before:
            return max(before, key=lambda a: a[1])[2]
        after = [a for a in attributions if a[0] >= end and not any(s >= a[1] for s in later_starts)]
        if after:
            return min(after)[2]
        trailing = [a for a in self._trailing[index] if a[0] >= end]  # "Of the 29 ..., six ..., according to X; 19 ..."
        if trailing:
            return min(trailing)[2]
        return None if attributions else self.paragraph_source(index)

    def paragraph_source(self, index: int) -> str | None:
        """The source of a sentence that names none: the one the next sentence names pointing back at it
        ("... 이같이 보고했다", "The ministry released these figures"), else the latest one attributed earlier
        in its paragraph, else none: a later one may speak of other figures ("Seven went back in 2012" after
        "the ministry said 31 ...")."""
        return self._back[index] or self._carried[index]
