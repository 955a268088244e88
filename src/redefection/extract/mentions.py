"""Named people in a sentence, each with the role the sentence gives them.

A mention is a full name as printed: Latin with the family name first ("Kim Woo-jeong",
"Ju Ok Soon") or last ("Yeon-ju Kim"), Hangul ("김우정(29)씨", "49살 난 박진근은") or Han
("名叫金某某", "权哲男"). Its role comes from the words around it: a title before the name
("spokesperson Koo", "lawmaker Ji"), an apposition after it (", a professor at", ", who heads"),
a speech verb that closes the sentence ("..., said Lee Kwang-baek."), or the marks of a
returnee (", 64,", "(24)", "defector Kim"). The roles and their patterns are data
(``[<lang>.role_before]`` and ``[<lang>.role_after]`` in ``data/lexicon/incidents.toml``).

Only ``returnee`` and ``unknown`` mentions can be the person of an incident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import AnyOf, compile_any, load_lexicon, patterns, section

# "Kim Woo-jeong", "Ju Ok Soon", "Gim U-jeong": family name, then a given name (hyphenated or in two parts).
FAMILY_FIRST = re.compile(
    r"(?<![\w-])(?P<sur>[A-Z][a-z]{0,5})\s+"
    r"(?P<given>[A-Z][a-z]*-[a-z]+|[A-Z][a-z]+(?:\s[A-Z][a-z]+(?![\w-]))?)(?![\w-])"
)
# "Yeon-ju Kim": a hyphenated given name, then the family name.
FAMILY_LAST = re.compile(r"(?<![\w-])(?P<given>[A-Z][a-z]+-[a-z]+)\s+(?P<sur>[A-Z][a-z]{0,5})(?![\w-])")
RETURNEE_ROLES = ("returnee", "unknown")


@dataclass(frozen=True, slots=True)
class Mention:
    """One named person in a sentence: offsets in the sentence, the name as printed, its family name, role."""

    start: int
    end: int
    name: str
    surname: str
    role: str = "unknown"

    @property
    def may_return(self) -> bool:
        """Whether this person can be the one an incident is about (not an official, analyst, ...)."""
        return self.role in RETURNEE_ROLES


@lru_cache(maxsize=1)
def _name_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], str, str]:
    data = load_lexicon("names")["all"]
    return (
        frozenset(data["romanized_surnames"]),
        frozenset(data["ambiguous_surnames"]),
        frozenset(data["not_given_names"]),
        frozenset(data["public_figures"]),
        data["hangul_surnames"],
        data["han_surnames"],
    )


@lru_cache(maxsize=8)
def _role_tables(language: str) -> tuple[tuple[tuple[str, AnyOf], ...], tuple[tuple[str, AnyOf], ...]]:
    table = section("incidents", language)
    flags = re.IGNORECASE if language == "en" else 0
    before = tuple((role, compile_any(tuple(p), flags)) for role, p in table.get("role_before", {}).items())
    after = tuple((role, compile_any(tuple(p), flags)) for role, p in table.get("role_after", {}).items())
    return before, after


def role_of(text: str, start: int, end: int, language: str) -> str:
    """The role the words around ``text[start:end]`` give the person named there."""
    before_text, after_text = text[max(0, start - 48) : start], text[end : end + 64]
    before, after = _role_tables(language)
    for role, pattern in before:
        if role != "returnee" and pattern.search(before_text):
            return role
    for role, pattern in after:
        if role != "returnee" and pattern.search(after_text):
            return role
    if language == "en":
        said_before = patterns("incidents", "en", "speaker_before").search(before_text)
        if said_before and patterns("incidents", "en", "speaker_after").search(after_text):
            return "speaker"  # "..., said Lee Kwang-baek." or "said Lee Kwang-baek, president of ..."
    returnee_before = dict(before).get("returnee")
    returnee_after = dict(after).get("returnee")
    if (returnee_before and returnee_before.search(before_text)) or (
        returnee_after and returnee_after.search(after_text)
    ):
        return "returnee"
    return "unknown"


def _family_first(text: str, surnames: frozenset[str]) -> list[re.Match[str]]:
    """``FAMILY_FIRST`` matches whose family name is one: a capitalised word before a name ("When Lim Ji-hyun",
    "Then Kim Woo-jeong") does not hide the name, as it would if matches could not overlap."""
    out: list[re.Match[str]] = []
    position = 0
    while (m := FAMILY_FIRST.search(text, position)) is not None:
        if m.group("sur") in surnames:
            out.append(m)
            position = m.end()
        else:
            position = m.start("given")
    return out


def _latin_names(text: str) -> list[tuple[int, int, str, str]]:
    surnames, ambiguous, not_given, public, _, _ = _name_lists()
    found: list[tuple[int, int, str, str]] = []
    for m in _family_first(text, surnames):
        sur, given = m.group("sur"), m.group("given")
        if given.split()[0].split("-")[0] in not_given or m.group(0) in public:
            continue
        if sur in ambiguous and "-" not in given and " " not in given:
            continue  # "In January", "Song Hyun": a plain word pair needs more to be a name
        found.append((m.start(), m.start("given") + len(given), f"{sur} {given}", sur))
    for m in FAMILY_LAST.finditer(text):
        sur = m.group("sur")
        if sur not in surnames or sur in ambiguous or m.group(0) in public:
            continue
        if any(s <= m.start() < e for s, e, _, _ in found):
            continue
        if text[m.end() : m.end() + 1] == "-":
            continue
        found.append((m.start(), m.end(), m.group(0), sur))
    return sorted(found)


def _cjk_names(text: str, language: str) -> list[tuple[int, int, str, str]]:
    _, _, _, public, hangul, han = _name_lists()
    letters = hangul if language == "ko" else han
    found: list[tuple[int, int, str, str]] = []
    for m in patterns("incidents", language, "name_patterns").finditer(text):
        name = m.group("name")
        if not name or (name[-1] in "모某" and len(name) == 2):  # "김모씨", "金某": a surname only
            continue
        if name in public or name[0] not in letters:
            continue
        start = m.start("name")
        if any(s <= start < e for s, e, _, _ in found):
            continue
        found.append((start, start + len(name), name, name[0]))
    return sorted(found)


def find_people(text: str, language: str | None) -> list[Mention]:
    """Every named person in ``text`` (one sentence), in order, with a role."""
    lang = language if language in ("en", "ko", "zh") else "en"
    spans = _latin_names(text) if lang == "en" else _cjk_names(text, lang)
    return [Mention(start, end, name, sur, role_of(text, start, end, lang)) for start, end, name, sur in spans]


def plausible_subject(text: str, mention: Mention) -> bool:
    """Whether an English name of unknown role stands where a story's subject is named."""
    if mention.role == "returnee":
        return True
    if mention.role != "unknown":
        return False
    before, after = text[max(0, mention.start - 30) : mention.start], text[mention.end : mention.end + 40]
    if patterns("incidents", "en", "name_excluded_before").search(before):
        return False
    return bool(
        patterns("incidents", "en", "name_before").search(before)
        or patterns("incidents", "en", "name_after").search(after)
    )
