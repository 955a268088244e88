"""The fields of an incident read from its draft's sentences: status, reasons, gender and route.

``incidents.extract_incidents`` calls them once per draft, on the draft's own sentences and its
scope (the sentences around it no other incident claims).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..records import REASON_CODES
from .drafts import Draft
from .lexicon import AnyOf, compile_any, load_lexicon, patterns, section
from .people import movement as moves_north
from .sentences import Sentence

# Where a route phrase ends: punctuation, or a word that starts what follows the crossing (a date, "and said").
ROUTE_END = re.compile(
    r"[,;.]|\s(?:on|after|before|when|while|earlier|last|this|that|and (?:was|is|had|has|said)|"
    r"in (?:(?:early |late |mid-?)?(?:(?:19|20)\d\d|January|February|March|April|May|June|July|August|September|"
    r"October|November|December)))\b"
)
INFINITIVE = re.compile(r"\bto\s*$")  # "to cross": a crossing not done


def status(draft: Draft, scope: list[Sentence], language: str | None) -> str:
    """The modality of the first sentence that gives one: a wish ("wants to go back", "asked to be sent
    back") is ``intended``, a stopped or tried crossing ``attempted`` (both in one sentence: ``attempted``);
    a report without either ``returned``. The first is the lead of the story: "now wants to return"
    outweighs a failed try told further down. A crossing stopped at the border anywhere in the incident's
    sentences ("apprehended near the Unification Bridge") makes it ``attempted`` whatever the wish."""
    attempted = patterns("incidents", language, "attempted")
    intended = patterns("incidents", language, "intended")
    stopped = patterns("incidents", language, "stopped_at_border")
    hypothetical = patterns("incidents", language, "hypothetical")
    if any(stopped.search(s.text) and not hypothetical.search(s.text) for s in scope):
        return "attempted"
    movement = moves_north(language)
    for sentence in draft.anchors:
        tried, wished = attempted.search(sentence.text), intended.search(sentence.text)
        if tried and _crossed_before(sentence.text, tried.start(), movement):
            tried = None  # "crossed the river ... and was arrested within hours": caught in the North
        if tried:  # "caught trying to cross back, he said he wanted to go home": the stopped act counts
            return "attempted"
        if wished:
            return "intended"
        if language == "en" and _done(sentence.text, movement):
            return "returned"  # "Kim returned to the North in May": a later "he had wanted to go back" is past
    # A lede that names the person before the sentence that tells of the move ("Kim is planning on
    # returning. He knows that going back to the North ..."): its wish is the story's.
    first = draft.anchors[0].start if draft.anchors else 0
    if any(intended.search(s.text) for s in draft.sentences if s.start < first):
        return "intended"
    return "returned"


# A move told as done: a past form of the verb ("returned to", "have returned", "came back"), not "returning".
DONE = re.compile(
    r"(?:returned|went|gone|came|crossed|swam|swum|fled|slipped|walked|sailed|flew|drove|re-?entered|"
    r"re-?defected|defected|made (?:his|her|their) way)\b",
    re.IGNORECASE,
)
HYPOTHETICAL_BEFORE = re.compile(r"\b(?:to|would|could|might|may|will|if|not|never)\s+(?:have\s+)?$", re.IGNORECASE)


def _done(text: str, movement: AnyOf) -> bool:
    """Whether an English sentence tells a move north as done ("have returned to our Republic")."""
    return any(
        DONE.match(m.group(0)) and not HYPOTHETICAL_BEFORE.search(text, max(0, m.start() - 16), m.start())
        for m in movement.finditer(text)
    )


def _crossed_before(text: str, at: int, movement: AnyOf) -> bool:
    """Whether ``text`` tells a crossing done (not "to cross") before the arrest word at ``at``."""
    return any(
        m.end() <= at and not INFINITIVE.search(text, max(0, m.start() - 4), m.start()) for m in movement.finditer(text)
    )


def reasons(sentences: Iterable[Sentence], language: str | None) -> tuple[list[str], list[Sentence]]:
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


def gender_from_spouse(sentences: list[Sentence], language: str | None) -> str | None:
    text = " ".join(s.text for s in sentences)
    husband = patterns("incidents", language, "spouse_of_female").search(text)
    wife = patterns("incidents", language, "spouse_of_male").search(text)
    if husband and not wife:
        return "female"
    if wife and not husband:
        return "male"
    return None


def gender_from_name(name: str | None, sentences: list[Sentence], language: str | None) -> str | None:
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


def gender_from_pronoun(draft: Draft, language: str | None) -> str | None:
    """A pronoun said only of men in some languages' news ("그는"), when nothing surer is given."""
    pronoun = patterns("incidents", language, "pronoun_male")
    return "male" if any(pronoun.search(s.text) for s in (*draft.anchors, *draft.sentences)) else None


def route(draft: Draft, language: str | None) -> str | None:
    """How the person crossed: a path or a means ("swam across the estuary", "by plane via Vladivostok",
    "in a stolen boat"), never the bare move ("went back to the North") or an appearance in the North."""
    if language != "en":
        return None
    movement = moves_north(language)
    phrase = patterns("incidents", language, "route_phrase")
    means = patterns("incidents", language, "route_means")
    appearance = patterns("incidents", language, "appearance")
    for sentence in draft.anchors:
        starts = [m.start() for m in movement.finditer(sentence.text)] + [
            m.start() for m in phrase.finditer(sentence.text)
        ]
        for start in sorted(starts):
            rest = sentence.text[start:]
            end = ROUTE_END.search(rest, 8)
            route = (rest[: end.start()] if end else rest).strip()
            if means.search(route) and not appearance.search(route):
                return route
    return None


__all__ = [
    "gender_from_name",
    "gender_from_pronoun",
    "gender_from_spouse",
    "patterns_for",
    "reasons",
    "route",
    "status",
]
