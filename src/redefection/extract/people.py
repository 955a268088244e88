"""What one sentence says about the person of an incident: name, surname, age, gender, group, dates.

Every value comes from a pattern in ``data/lexicon/incidents.toml`` (or the
name lists in ``names.toml``) matched in the sentence, so the sentence is the
evidence for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from .lexicon import AnyOf, load_lexicon, patterns, section
from .when import find_times

WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
DAY_ONLY = re.compile(r"\d{1,2}\s*일")
KO_REPORT_DAY = re.compile(r"^[^,.]{0,24}[은는이가]\s*$")
ROMANIZED = re.compile(r"\b(?P<sur>[A-Z][a-z]{0,5})\s+(?P<given>[A-Z][a-z]+(?:-[a-z]+)?(?:\s[A-Z][a-z]+(?![\w-]))?)\b")


@dataclass(slots=True)
class Profile:
    """Attributes of the person a sentence talks about; None where the sentence says nothing."""

    name: str | None = None
    surname: str | None = None
    age: int | None = None
    gender: str | None = None
    group_size: int | None = None
    arrived: str | None = None
    returned: str | None = None
    occupation: str | None = None
    singular: bool = False
    aggregate: bool = False
    pronoun_only: bool = False
    introduces: bool = False
    notes: list[str] = field(default_factory=list)

    def conflicts(self, other: Profile) -> bool:
        """Whether the two describe different people: a differing identifier both give."""
        pairs = (
            (self.name, other.name),
            (self.surname, other.surname),
            (self.age, other.age),
            (self.arrived and self.arrived[:4], other.arrived and other.arrived[:4]),
            (self.returned and self.returned[:4], other.returned and other.returned[:4]),
            (self.gender, other.gender),
        )
        return any(a is not None and b is not None and a != b for a, b in pairs)


@lru_cache(maxsize=1)
def _names() -> tuple[frozenset[str], str, str, frozenset[str]]:
    data = load_lexicon("names")["all"]
    return (
        frozenset(data["romanized_surnames"]),
        data["hangul_surnames"],
        data["han_surnames"],
        frozenset(data["public_figures"]),
    )


@lru_cache(maxsize=1)
def _name_words() -> tuple[frozenset[str], frozenset[str]]:
    data = load_lexicon("names")["all"]
    return frozenset(data["ambiguous_surnames"]), frozenset(data["not_given_names"])


def _english_name(text: str) -> tuple[str, str] | None:
    surnames, _, _, public = _names()
    before_ok = patterns("incidents", "en", "name_before")
    after_ok = patterns("incidents", "en", "name_after")
    excluded = patterns("incidents", "en", "name_excluded_before")
    speaker_before = patterns("incidents", "en", "speaker_before")
    speaker_after = patterns("incidents", "en", "speaker_after")
    for m in ROMANIZED.finditer(text):
        name, given = m.group(0), m.group("given")
        ambiguous, not_given = _name_words()
        if m.group("sur") not in surnames or name in public or given.split()[0] in not_given:
            continue
        if m.group("sur") in ambiguous and "-" not in given and " " not in given:
            continue
        before, after = text[max(0, m.start() - 30) : m.start()], text[m.end() : m.end() + 40]
        if excluded.search(before):
            continue
        if speaker_before.search(before) and speaker_after.search(after):
            continue
        if before_ok.search(before) or after_ok.search(after):
            return name, m.group("sur")
    return None


def _cjk_name(text: str, language: str) -> tuple[str, str] | None:
    _, hangul, han, public = _names()
    letters = hangul if language == "ko" else han
    for m in patterns("incidents", language, "name_patterns").finditer(text):
        name = m.group("name")
        if name and name[-1] in "모某" and len(name) == 2:  # "김모씨", "金某": a surname only
            continue
        if name and name not in public and name[0] in letters:
            return name, name[0]
    return None


def _first_group(pattern: AnyOf, text: str, group: str) -> str | None:
    for m in pattern.finditer(text):
        value = m.groupdict().get(group)
        if value:
            return value
    return None


def _group_size(text: str, language: str | None) -> int | None:
    family = _first_group(patterns("incidents", language, "group_family"), text, "n")
    if family:
        size = WORD_NUMBERS.get(family.lower()) or (int(family) if family.isdigit() else None)
        if size:
            return size
    size = 2 if patterns("incidents", language, "group_couple").search(text) else 1
    if patterns("incidents", language, "group_children").search(text):
        size += 1
    return size if size > 1 else None


def _occupation(text: str, language: str | None) -> str | None:
    if language == "en":
        value = _first_group(patterns("incidents", "en", "occupation"), text, "occ")
        return value.strip() if value else None
    mapping: dict[str, str] = section("incidents", language).get("occupation_map", {})
    return next((english for word, english in mapping.items() if word in text), None)


def _dates(text: str, language: str | None, today: date | None) -> tuple[str | None, str | None]:
    """(arrival, return) dates of a sentence.

    Each time expression goes to the nearest verb of arriving, leaving or reporting ("said on
    Friday" is when the news came, not the event). English dates follow their verb ("defected in
    2017 crossed back..."), Korean and Chinese dates precede it, so the other side counts less.
    """
    mentions = [(m, m.value) for m in find_times(text, language, today) if m.value is not None]
    if not mentions:
        return None, None
    verbs = {
        "arrival": [m.span() for m in patterns("incidents", language, "arrival").finditer(text)],
        "return": [m.span() for m in patterns("relevance", language, "return").finditer(text)],
        "report": [m.span() for m in patterns("incidents", language, "report").finditer(text)]
        + [m.span() for m in patterns("incidents", language, "appearance").finditer(text)],
    }
    cjk = language in ("ko", "zh", "ja")
    best: dict[str, tuple[int, str]] = {}
    for mention, value in mentions:
        said = text[mention.start : mention.end]
        if language == "ko" and DAY_ONLY.fullmatch(said) and KO_REPORT_DAY.match(text[: mention.start]):
            continue  # "정부는 9일 ...": right after the opening subject, the day the news was given

        def distance(span: tuple[int, int], start: int = mention.start, end: int = mention.end) -> int:
            if span[0] >= end:  # the verb follows the date
                gap = span[0] - end
                return gap if cjk else gap * 4 + 10
            if span[1] <= start:  # the verb precedes the date
                gap = start - span[1]
                return gap * 3 + 10 if cjk else gap
            return 0

        if mention.start <= 3 and not cjk:
            # "In July 2020, a man swam back ...": an opening date belongs to the first event verb after it.
            after = [(v[0], kind) for kind, spans in verbs.items() for v in spans if kind != "report"]
            if after:
                kind = min(after)[1]
                best.setdefault(kind, (0, value))
                continue
        scored = [(min((distance(v) for v in spans), default=10**6), kind) for kind, spans in verbs.items()]
        gap, kind = min(scored)
        if gap > 120 or kind == "report":
            continue
        if kind not in best or gap < best[kind][0]:
            best[kind] = (gap, value)
    return best.get("arrival", (0, None))[1], best.get("return", (0, None))[1]


def profile_of(text: str, language: str | None, today: date | None, moves: bool = True) -> Profile:
    """Everything ``text`` (one sentence) says about a person.

    ``moves`` says whether the sentence tells of a move north; a sentence that neither does that nor
    refers to one person is not read further.
    """
    lang = language if language in ("en", "ko", "zh") else "en"
    found = Profile()
    found.aggregate = bool(patterns("incidents", lang, "aggregate").search(text))
    found.singular = bool(patterns("incidents", lang, "single").search(text))
    named = _english_name(text) if lang == "en" else _cjk_name(text, lang)
    if named:
        found.name, found.surname = named
        found.singular = True
    found.surname = found.surname or _first_group(patterns("incidents", lang, "surname"), text, "sur")
    if found.surname:
        found.singular = True
    if not (found.singular or moves):
        return found  # about no one in particular: nothing more to read
    age = _first_group(patterns("incidents", lang, "age"), text, "age")
    found.age = int(age) if age and 10 <= int(age) <= 99 else None
    male = patterns("incidents", lang, "male_noun").search(text)
    female = patterns("incidents", lang, "female_noun").search(text)
    if not (male or female):
        male = patterns("incidents", lang, "male").search(text)
        female = patterns("incidents", lang, "female").search(text)
    if male and not female:
        found.gender = "male"
    elif female and not male:
        found.gender = "female"
    elif male and female:  # "Kim and his wife": the first named is the lead
        found.gender = "male" if male.start() < female.start() else "female"
    found.group_size = _group_size(text, lang)
    found.arrived, found.returned = _dates(text, lang, today)
    found.occupation = _occupation(text, lang)
    found.pronoun_only = found.singular and not (found.name or found.surname or found.age)
    new = patterns("incidents", lang, "introduces").search(text)
    old = patterns("incidents", lang, "continues").search(text)
    found.introduces = new is not None and not (old is not None and old.start() < new.start())
    return found
