"""Incidents: one per person or family whose return (or attempt, or wish) a document reports.

Reading the sentences in order, a relevance cue about one person (not a count
of many) opens an incident or continues the current one; a cue whose person
differs (another surname, age, arrival or return year) opens a new one. Later
sentences that name the person, or refer to them ("he", "the man", the
surname), add what they say. Reasons come from the incident's sentences and
from its paragraph when no other incident shares it; the status from the cue
sentences (caught or tried -> attempted; wants or asks -> intended).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ..records import REASON_CODES, Document, Incident, Person, Span
from .lexicon import AnyOf, compile_any, load_lexicon, patterns, section
from .people import Profile, profile_of
from .sentences import Sentence

MAX_EVIDENCE = 4
ROUTE_END = re.compile(r"[,;.]|\s(?:on|after|before|when|while|earlier|last|this|in (?:19|20)\d\d)\b")


@dataclass(slots=True)
class Draft:
    """An incident being assembled from sentences."""

    profile: Profile = field(default_factory=Profile)
    anchors: list[Sentence] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)

    def absorb(self, found: Profile, sentence: Sentence, anchor: bool) -> None:
        mine = self.profile
        for name in ("name", "surname", "age", "gender", "occupation"):
            if getattr(mine, name) is None and getattr(found, name) is not None:
                setattr(mine, name, getattr(found, name))
        mine.arrived = _finer(mine.arrived, found.arrived)
        if anchor:
            mine.returned = _finer(mine.returned, found.returned)
        if found.group_size and (mine.group_size or 1) < found.group_size:
            mine.group_size = found.group_size
        (self.anchors if anchor else self.sentences).append(sentence)

    def refers(self, text: str, language: str | None) -> bool:
        """Whether ``text`` names this incident's person by name or surname."""
        mine = self.profile
        if mine.name and mine.name in text:
            return True
        if (mine.group_size or 1) > 1 and patterns("incidents", language, "group_reference").search(text):
            return True
        if not mine.surname:
            return False
        if language in ("ko", "zh", "ja"):
            return re.search(re.escape(mine.surname) + r"(?:씨|모|某|姓)", text) is not None
        return re.search(rf"\b{re.escape(mine.surname)}\b(?![-\s][A-Z]?[a-z]+-)", text) is not None


def _finer(old: str | None, new: str | None) -> str | None:
    """Keep the first date, unless a later one says the same more precisely ("2020-07" -> "2020-07-19")."""
    if old is None:
        return new
    if new is not None and len(new) > len(old) and new.startswith(old):
        return new
    return old


def _same_return(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and (a.startswith(b) or b.startswith(a))


def _same_person(draft: Draft, found: Profile, text: str, language: str | None) -> bool:
    """Named by name or surname, with no differing name, surname or age."""
    mine = draft.profile
    if not draft.refers(text, language):
        return False
    return not any(
        a is not None and b is not None and a != b
        for a, b in ((mine.name, found.name), (mine.surname, found.surname), (mine.age, found.age))
    )


def _status(draft: Draft, language: str | None) -> str:
    texts = [s.text for s in draft.anchors]
    if any(patterns("incidents", language, "attempted").search(t) for t in texts):
        return "attempted"
    if any(patterns("incidents", language, "intended").search(t) for t in texts):
        return "intended"
    return "returned"


def _reasons(sentences: Iterable[Sentence], language: str | None) -> tuple[list[str], list[Sentence]]:
    table: dict[str, list[str]] = section("incidents", language).get("reasons", {})
    found: dict[str, int] = {}
    evidence: list[Sentence] = []
    for sentence in sentences:
        for code in REASON_CODES:
            if patterns_for(table, code).search(sentence.text):
                found[code] = found.get(code, 0) + 1
                if sentence not in evidence:
                    evidence.append(sentence)
    codes = [code for code in REASON_CODES if code in found and code != "unknown"]
    codes.sort(key=lambda code: -found[code])
    return (codes or ["unknown"]), evidence


def patterns_for(table: dict[str, list[str]], code: str) -> AnyOf:
    return compile_any(tuple(table.get(code, [])))


def _gender_from_spouse(sentences: list[Sentence], language: str | None) -> str | None:
    text = " ".join(s.text for s in sentences)
    husband = patterns("incidents", language, "spouse_of_female").search(text)
    wife = patterns("incidents", language, "spouse_of_male").search(text)
    if husband and not wife:
        return "female"
    if wife and not husband:
        return "male"
    return None


def _gender_from_name(name: str | None, sentences: list[Sentence], language: str | None) -> str | None:
    """For a Korean name: first of "A·B 부부" is the husband; else a sex-typical final syllable."""
    if language != "ko" or not name or len(name) < 3:
        return None
    data = load_lexicon("names")["all"]
    for sentence in sentences:
        for pattern in data["couple_lead"]:
            m = re.search(pattern, sentence.text)
            if m and m.group("name") == name:
                return "male"
    if name[-1] in data["female_name_endings"]:
        return "female"
    if name[-1] in data["male_name_endings"]:
        return "male"
    return None


def _route(draft: Draft, language: str | None) -> str | None:
    if language != "en":
        return None
    movement = patterns("relevance", language, "return")
    for sentence in draft.anchors:
        m = movement.search(sentence.text)
        if m:
            rest = sentence.text[m.start() :]
            end = ROUTE_END.search(rest, len(m.group(0)))
            route = rest[: end.start()] if end else rest
            return route.strip() or None
    return None


def _assign(
    drafts: list[Draft], current: Draft | None, found: Profile, text: str, language: str | None
) -> Draft | None:
    """The incident a non-cue sentence talks about, if any: the one it names, else the current one."""
    for draft in drafts:
        if _same_person(draft, found, text, language):
            return draft
    if current is not None and found.singular and not found.aggregate and not found.conflicts(current.profile):
        return current
    return None


def build_drafts(document: Document, sentences: list[Sentence], cues: set[int]) -> list[Draft]:
    """Group the sentences of ``document`` into incident drafts; ``cues`` are sentence indexes."""
    language = document.language
    today: date | None = document.article.published
    drafts: list[Draft] = []
    current: Draft | None = None
    pending: list[tuple[Sentence, Profile]] = []  # person sentences before any incident was opened
    movement = patterns("relevance", language, "return")
    veto = patterns("relevance", language, "veto")
    hypothetical = patterns("incidents", language, "hypothetical")
    for index, sentence in enumerate(sentences):
        worth_reading = (
            index in cues
            or movement.search(sentence.text) is not None
            or any(d.refers(sentence.text, language) for d in drafts)
        )
        found = profile_of(sentence.text, language, today, worth_reading)
        # In a relevant document, a move north told of one person is an incident even when the sentence
        # itself does not say "defector" ("a 40-year-old man crossed back in March").
        possible = hypothetical.search(sentence.text) is not None  # "he might go back" is no event
        moves = not possible and movement.search(sentence.text) is not None and veto.search(sentence.text) is None
        is_cue = not possible and (index in cues or (moves and found.singular))
        if is_cue and not (found.aggregate and not found.singular):
            target = next((d for d in drafts if _same_person(d, found, sentence.text, language)), None)
            fresh = found.introduces and current is not None and bool(current.anchors)
            if fresh and current is not None and _same_return(found.returned, current.profile.returned):
                fresh = False  # the same event told again from another source ("state media said a man...")
            if target is None and current is not None and not fresh and not found.conflicts(current.profile):
                target = current
            if target is None:
                target = Draft()
                drafts.append(target)
                # The lede often names the person before the sentence that reports the return.
                for earlier, profile in pending:
                    if not profile.conflicts(found):
                        target.absorb(profile, earlier, anchor=False)
                pending = []
            target.absorb(found, sentence, anchor=True)
            current = target
        else:
            target = _assign(drafts, current, found, sentence.text, language)
            if target is not None:
                target.absorb(found, sentence, anchor=moves)
                current = target
            elif not drafts and found.singular and not found.aggregate:
                pending.append((sentence, found))
    return drafts


def extract_incidents(document: Document, sentences: list[Sentence], cues: set[int]) -> tuple[Incident, ...]:
    """The incidents of a relevant document, in order of first mention."""
    language = document.language
    drafts = build_drafts(document, sentences, cues)
    out: list[Incident] = []
    for draft in drafts:
        scope = sorted({*draft.anchors, *draft.sentences}, key=lambda s: s.start)
        # Sentences about many people ("why some defectors go back") give no reasons for this one.
        about_one = [s for s in scope if not patterns("incidents", language, "aggregate").search(s.text)]
        reasons, reason_sentences = _reasons(about_one, language)
        spans: list[Span] = []
        for sentence in [*draft.anchors, *reason_sentences]:
            span = sentence.span()
            if span not in spans:
                spans.append(span)
        p = draft.profile
        if p.gender is None:
            p.gender = _gender_from_spouse(scope, language) or _gender_from_name(p.name, scope, language)
        person = Person(
            name=p.name,
            surname=p.surname,
            age=p.age,
            gender="male" if p.gender == "male" else "female" if p.gender == "female" else None,
            occupation=p.occupation,
        )
        out.append(
            Incident(
                person=person,
                group_size=p.group_size or 1,
                arrived_south=p.arrived,
                returned=p.returned,
                route=_route(draft, language),
                status=_status(draft, language),  # type: ignore[arg-type]
                reasons=tuple(reasons),
                evidence=tuple(spans[:MAX_EVIDENCE]),
            )
        )
    return tuple(out)
