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

from .lexicon import AnyOf, compile_any, patterns, section
from .mentions import Mention, find_people, plausible_subject
from .when import find_times

WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
DECADE_WORDS = {"二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
ANOTHER = ("another", "또 다른", "另一", "又一")
DAY_ONLY = re.compile(r"\d{1,2}\s*일")
KO_REPORT_DAY = re.compile(r"^[^,.]{0,24}[은는이가]\s*$")


@dataclass(slots=True)
class Profile:
    """Attributes of the person a sentence talks about; None where the sentence says nothing."""

    name: str | None = None
    surname: str | None = None
    age: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    gender: str | None = None
    group_size: int | None = None
    arrived: str | None = None
    returned: str | None = None
    occupation: str | None = None
    singular: bool = False
    aggregate: bool = False
    pronoun_only: bool = False
    introduces: bool = False
    another: bool = False  # "another defector", "또 다른", "另一名": a new person even without a new date
    people: list[Mention] = field(default_factory=list)  # the named people who may be returnees, in order

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
        if any(a is not None and b is not None and a != b for a, b in pairs):
            return True
        # "a man in his 30s" and "a man in his 20s" (or "28"): ages that cannot be one
        low, high, other_low, other_high = self.age_min, self.age_max, other.age_min, other.age_max
        if low is None or high is None or other_low is None or other_high is None:
            return False
        return high < other_low or other_high < low


@lru_cache(maxsize=8)
def movement(language: str | None) -> AnyOf:
    """A move north: the relevance stage's verbs of returning and the further forms incidents date
    ("북한으로 헤엄쳐 건너간", "crossed into the North")."""
    found = section("relevance", language).get("return", []) + section("incidents", language).get("return_more", [])
    return compile_any(tuple(found))


def _candidates(text: str, language: str, roles: dict[str, str] | None) -> list[Mention]:
    """The named people of ``text`` who may be the person of an incident."""
    out: list[Mention] = []
    for mention in find_people(text, language):
        if roles is not None:
            if not mention.may_return:
                roles.setdefault(mention.name, mention.role)
            if roles.get(mention.name, "unknown") not in ("unknown", "returnee"):
                continue
        if mention.may_return and (language != "en" or plausible_subject(text, mention)):
            out.append(mention)
    return out


def age_of(text: str, language: str) -> tuple[int | None, int | None, int | None]:
    """(age, lowest, highest): an exact age gives all three; a decade or "about 30" only the bounds."""
    age = _first_group(patterns("incidents", language, "age"), text, "age")
    if age and 10 <= int(age) <= 99:
        return int(age), int(age), int(age)
    decade = _first_group(patterns("incidents", language, "age_decade"), text, "dec")
    if decade:
        low = int(decade) if decade.isdigit() else DECADE_WORDS.get(decade, 0) * 10
        if 10 <= low <= 90:
            return None, low, low + 9
    about = _first_group(patterns("incidents", language, "age_about"), text, "approx")
    if about and 10 <= int(about) <= 99:
        return None, int(about) - 2, int(about) + 2
    return None, None, None


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


def _day_of(day: str, month: str) -> bool:
    """Whether ``day`` ("2020-07-18") is a day of ``month`` ("2020-07"): the same time, said more precisely."""
    return len(month) == 7 and len(day) == 10 and day.startswith(month)


def _dates(
    text: str, language: str | None, today: date | None, context: str | None = None, year_before: str | None = None
) -> tuple[str | None, str | None]:
    """(arrival, return) dates of a sentence.

    Each time expression goes to the nearest verb of arriving, leaving or reporting ("said on
    Friday" is when the news came, not the event). English dates follow their verb ("defected in
    2017 crossed back..."), Korean and Chinese dates precede it, so the other side counts less.
    """
    times = find_times(text, language, today, context, year_before)
    mentions = [(m, m.value) for m in times if m.value is not None]
    if not mentions:
        return None, None
    verbs = {
        "arrival": [m.span() for m in patterns("incidents", language, "arrival").finditer(text)],
        "return": [m.span() for m in movement(language).finditer(text)],
        "departure": [m.span() for m in patterns("incidents", language, "departure").finditer(text)],
        "report": [m.span() for m in patterns("incidents", language, "report").finditer(text)]
        + [m.span() for m in patterns("incidents", language, "appearance").finditer(text)],
    }
    cjk = language in ("ko", "zh", "ja")
    if verbs["report"] and verbs["return"]:  # "reappeared in July in a propaganda video": when it was shown
        shown = {start for start, _ in verbs["report"]}
        verbs["return"] = [r for r in verbs["return"] if r[0] not in shown]
    if cjk and verbs["arrival"]:
        # "철책을 넘어 귀순했던": a crossing that runs into a verb of arriving is the way south, not a return
        verbs["return"] = [r for r in verbs["return"] if not any(0 <= a[0] - r[1] <= 3 for a in verbs["arrival"])]
    best: dict[str, tuple[int, str]] = {}
    for mention, value in mentions:
        said = text[mention.start : mention.end]
        if cjk and text.startswith("발", mention.end):
            continue  # "(평양 9월 30일발 조선중앙통신)": a dateline, the day the report was sent
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
            if kind in best and _day_of(best[kind][1], value):
                continue  # "上月 ... 上月18日": keep the day, the same month said more precisely
            best[kind] = (gap, value)
        elif _day_of(value, best[kind][1]):
            best[kind] = (best[kind][0], value)
    returned = best.get("return", (0, None))[1]
    if returned is None and "departure" in best:  # "left for China in July" and crossed from there: the year
        returned = best["departure"][1][:4]
    return best.get("arrival", (0, None))[1], returned


def profile_of(
    text: str,
    language: str | None,
    today: date | None,
    moves: bool = True,
    roles: dict[str, str] | None = None,
    context: str | None = None,
    year_before: str | None = None,
) -> Profile:
    """Everything ``text`` (one sentence) says about a person.

    ``moves`` says whether the sentence tells of a move north; a sentence that neither does that nor
    refers to one person is not read further. ``roles`` remembers, across the sentences of a
    document, the people named as officials, analysts and the like: they stay what they were.
    """
    lang = language if language in ("en", "ko", "zh") else "en"
    found = Profile()
    found.aggregate = bool(patterns("incidents", lang, "aggregate").search(text))
    found.singular = bool(patterns("incidents", lang, "single").search(text))
    found.people = _candidates(text, lang, roles)
    if found.people:
        found.name, found.surname = found.people[0].name, found.people[0].surname
        found.singular = True
    found.surname = found.surname or _first_group(patterns("incidents", lang, "surname"), text, "sur")
    if found.surname:
        found.singular = True
    if not (found.singular or moves):
        return found  # about no one in particular: nothing more to read
    found.age, found.age_min, found.age_max = age_of(text, lang)
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
    found.arrived, found.returned = _dates(text, lang, today, context, year_before)
    found.occupation = _occupation(text, lang)
    found.pronoun_only = found.singular and not (found.name or found.surname or found.age)
    new = patterns("incidents", lang, "introduces").search(text)
    old = patterns("incidents", lang, "continues").search(text)
    found.introduces = new is not None and not (old is not None and old.start() < new.start())
    found.another = found.introduces and new is not None and new.group(0).lower().startswith(ANOTHER)
    if found.people:  # "the first case since Kim Ryon-hee ...": an earlier case, someone else
        before = text[max(0, found.people[0].start - 40) : found.people[0].start]
        found.another = found.another or bool(patterns("incidents", lang, "earlier_case").search(before))
    return found
