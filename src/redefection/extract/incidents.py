"""Incidents: one per person or family whose return (or attempt, or wish) a document reports.

People before events: every sentence's named people come with a role (``mentions.py``), and only
returnees can be the person of an incident. Reading the sentences in order, a cue about one person
(not a count of many) opens an incident or continues the current one; a cue whose person differs
(another name, surname, age, arrival or return year, "another defector", an earlier case named after
"since") opens a new one. A sentence naming several returnees opens one incident each; a later
sentence naming several of them gives each the date of its own clause. Later sentences that name
the person, or refer to them ("he", "the man", the surname), add what they say. Reasons come from
the incident's sentences, its paragraphs when no other incident shares them, and the whole page when
it reports one incident; the status from the first sentence with a modality. Drafts are indexed by
name and surname and their number and the sentences read are capped, so a long page stays linear.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from ..records import Document, Incident, Person, Span
from . import incident_fields as fields
from .drafts import MAX_SENTENCES_PER_DRAFT, Draft, Drafts, same_person
from .events import split_events
from .later_names import name_from_story
from .lexicon import patterns
from .mentions import Mention
from .people import Profile, age_of, profile_of
from .people import movement as moves_north
from .review import split_reviews
from .sentences import Sentence
from .when import find_times

logger = logging.getLogger(__name__)

MAX_EVIDENCE = 4
# The work per document is bounded: a page is not expected to report more incidents or more
# sentences about them than this; past it, the rest is not read and a warning says so.
MAX_DRAFTS = 60
MAX_READ_SENTENCES = 3000
# Clauses of a sentence about several people; in Korean, a clause ending in 고/며 before a comma ("... 말했고, ...").
CLAUSE = re.compile(r",\s*(?:and|but|while|whereas)\s+|;\s*|，|；|(?<=[고며]),\s*")
OWN_CLAUSE_END = re.compile(r";|\band\b|、|·")
LEADING_AGE = re.compile(r"\b(?P<age>[1-9]\d)-year-old\s+$")
APPOSED_AGE = re.compile(r"^\s*(?:,\s*|\(|（)(?P<age>[1-9]\d)(?:\)|）|,|\.|\s|$)")


def _same_return(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and (a.startswith(b) or b.startswith(a))


def _assign(named: list[Draft], current: Draft | None, found: Profile) -> Draft | None:
    """The incident a non-cue sentence talks about, if any: the one it names, else the current one."""
    for draft in named:
        if same_person(draft, found):
            return draft
    if current is not None and found.singular and not found.aggregate and not found.conflicts(current.profile):
        return current
    return None


def _one_of_many(found: Profile, mention: Mention, text: str, following: int, language: str | None) -> Profile:
    """What a sentence naming several people says of one of them: the name, and the words up to the next
    name ("Park Kyung-eun, 64, Kang Cheol-woo, 40, and a woman, Kim Yeon-ju, 22")."""
    own = Profile(name=mention.name, surname=mention.surname, singular=True)
    clause = text[mention.end : following]
    before = text[max(0, mention.start - 16) : mention.start]
    lang = language if language in ("en", "ko", "zh") else "en"
    apposition = APPOSED_AGE.match(clause)
    leading = LEADING_AGE.search(before) if language == "en" else None
    stated = apposition or leading  # "Park, 64," / "(64)" after the name, "64-year-old Park" before it
    if stated:
        own.age = own.age_min = own.age_max = int(stated.group("age"))
    else:
        own.age, own.age_min, own.age_max = age_of(clause, lang)
    own_words = before + OWN_CLAUSE_END.split(clause, maxsplit=1)[0]  # not the "and a woman," of the next one
    male = patterns("incidents", lang, "male_noun").search(own_words)
    female = patterns("incidents", lang, "female_noun").search(own_words)
    own.gender = "male" if male and not female else "female" if female and not male else None
    own.arrived, own.returned = found.arrived, found.returned
    return own


def _by_clause(
    named: list[Draft], sentence: Sentence, language: str | None, today: date | None, moves: bool, context: str | None
) -> None:
    """A sentence about several known people: each takes the date of its own clause ("Park returned in
    June, and Kang and Kim in September"); a clause without a date takes the next one's."""
    waiting: list[Draft] = []
    for clause in CLAUSE.split(sentence.text):
        waiting += [d for d in named if d.refers(clause, language) and d not in waiting]
        times = [m.value for m in find_times(clause, language, today, context) if m.value]
        if not times or not waiting:
            continue
        # the clause's own arrival and return dates ("went south in August 2009 and came back late last
        # year"); a clause without a verb ("and Kang in September") gives its first date to the return
        said = profile_of(clause, language, today, True, None, context)
        for draft in waiting:
            empty = Profile()
            if moves:
                empty.returned = said.returned or (None if said.arrived else times[0])
                empty.arrived = said.arrived
            draft.absorb(empty, sentence, anchor=moves)
        waiting = []
    for draft in waiting:
        draft.absorb(Profile(), sentence, anchor=moves, dates=False)


YEAR_IN = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _own_move(text: str, language: str | None) -> bool:
    """Whether the move north ``text`` tells is someone's own: not only a forced repatriation ("China sent
    her back"; its words are masked, a move elsewhere in the sentence still counts), and not another
    actor's ("fishermen drifted ...", a South Korean citizen) unless a defector is named in the sentence."""
    defector = patterns("relevance", language, "defector")
    if patterns("relevance", language, "actor").search(text) and not defector.search(text):
        return False
    forced = patterns("relevance", language, "forced")
    if forced.search(text) is None:
        return True
    masked = [m.span() for m in forced.finditer(text)]
    moves = [*moves_north(language).finditer(text), *patterns("incidents", language, "appears_north").finditer(text)]
    return any(not any(a < m.end() and m.start() < b for a, b in masked) for m in moves)


def _came_south(mention: Mention, text: str, language: str | None) -> bool:
    """Whether the person named at ``mention`` is the subject of a move south ("Kim Tae-ho and Ko Mi-ra
    escaped to the South in 2009"): a defector introduced by their story, not a witness."""
    after = text[mention.end : mention.end + 60]
    found = patterns("incidents", language, "arrival").search(after)
    return found is not None and not re.search(r"[,;:]|\bsaid\b|\bsays\b", after[: found.start()])


def _section_date(draft: Draft, month: str, language: str | None, today: date | None) -> str:
    """``month``, the date of the heading an incident sits under, or a day of it its sentences give ("on Oct. 1")."""
    for sentence in (*draft.anchors, *draft.sentences):
        for time in find_times(sentence.text, language, today, month):
            if time.value and len(time.value) > len(month) and time.value.startswith(month):
                return time.value
    return month


def _dated_heading(text: str, language: str | None, today: date | None) -> str | None:
    """The date a heading opens with ("June 2012: Park Jung-sook", "2016년 7월 —"): the section's date."""
    if not _heading(text):
        return None
    times = find_times(text, language, today)
    if times and times[0].start <= 1 and times[0].value and YEAR_IN.match(times[0].value):
        return times[0].value[:7]
    return None


def _heading(text: str) -> bool:
    """A short line without a closing stop: a subheading such as "June 2012: Park Jung-sook"."""
    return len(text) <= 80 and not text.rstrip("\"'”’」) ").endswith((".", "。", "!", "?", "！", "？"))


def _recall_names(found: Profile, text: str, known: dict[str, Mention]) -> None:
    """Hangul and Han names are found by their constructions ("朴贞淑（音译）", "김우정(29)씨"); once
    met, the same name printed bare later in the document ("2006年抵达韩国的朴贞淑") is the same person."""
    for mention in found.people:
        if len(known) < MAX_DRAFTS * 4:
            known.setdefault(mention.name, mention)
    if found.people or not known:
        return
    at = sorted((text.find(name), name) for name in known if name in text)
    if at:
        start, name = at[0]
        found.people = [Mention(start, start + len(name), name, known[name].surname, known[name].role)]
        found.name, found.surname, found.singular = name, known[name].surname, True


def build_drafts(
    document: Document,
    sentences: list[Sentence],
    cues: set[int],
    second_events: set[int] | None = None,
    clauses: dict[int, bool] | None = None,
) -> list[Draft]:
    """Group the sentences of ``document`` into incident drafts; ``cues`` are sentence indexes,
    ``second_events`` those that tell of another person than the sentence before (see ``split_events``),
    ``clauses`` the indexes of clauses a review sentence was cut into (see ``review.py``): True for a
    clause that tells a case of its own."""
    language = document.language
    today: date | None = document.article.published
    drafts = Drafts()
    current: Draft | None = None
    pending: list[tuple[Sentence, Profile]] = []  # person sentences before any incident was opened
    # A sentence naming someone else than the current incident's person, before the report of their own
    # return in the same paragraph ("北韓媒體播出64歲女性崔桂順的談話 ... 她何時重返北韓不得而知")
    held: tuple[Sentence, Profile] | None = None
    roles: dict[str, str] = {}  # people named as officials, analysts, ... stay so in the whole document
    movement = moves_north(language)
    veto = patterns("relevance", language, "veto")
    hypothetical = patterns("incidents", language, "hypothetical")
    appears = patterns("incidents", language, "appears_north")
    question = patterns("incidents", language, "question")
    commentator = patterns("incidents", language, "commentator_after")
    departure = patterns("incidents", language, "departure")
    read, warned = 0, False
    cjk = language in ("ko", "zh", "ja")
    group: list[Draft] = []  # the people of the last enumeration, for "they both"
    together = patterns("incidents", language, "plural_reference")
    known: dict[str, Mention] = {}  # Hangul and Han names met once in a construction, found bare later
    section_date: str | None = None  # the date of the last dated heading ("June 2012: ...") of a timeline
    clauses = clauses or {}
    year_before: str | None = None  # the last year named earlier in the paragraph, for "同年", "that year"
    paragraph = -1
    for index, sentence in enumerate(sentences):
        if sentence.paragraph != paragraph:
            paragraph, year_before = sentence.paragraph, section_date[:4] if section_date else None
            held = None
        years = YEAR_IN.findall(sentence.text)
        dated = _dated_heading(sentence.text, language, today) if years and index not in clauses else None
        if dated:  # a timeline's new entry: a new story, whatever the last one was about
            section_date = year_before = dated
            current, pending = None, []
        named = drafts.named_in(sentence.text, language)
        moving = movement.search(sentence.text) is not None or appears.search(sentence.text) is not None
        worth_reading = index in cues or moving or bool(named)
        if worth_reading:
            read += 1
            if read > MAX_READ_SENTENCES:
                logger.warning(
                    "%s: too many candidate sentences for incidents; read the first %d",
                    document.id,
                    MAX_READ_SENTENCES,
                )
                break
        found = profile_of(sentence.text, language, today, worth_reading, roles, section_date, year_before)
        if years:
            year_before = years[-1]
        if second_events and index in second_events:  # the second event of a sentence that tells two
            found.introduces = found.another = True
        if cjk:
            _recall_names(found, sentence.text, known)
        # In a relevant document, a move north told of one person is an incident even when the sentence
        # itself does not say "defector" ("a 40-year-old man crossed back in March").
        possible = hypothetical.search(sentence.text) is not None  # "he might go back" is no event
        if question.search(sentence.text) and not (found.people or found.returned):
            possible = True  # "Can a defector legally go back?"
        others = moving and not _own_move(sentence.text, language)  # a forced repatriation, fishermen, ...
        moves = not possible and moving and veto.search(sentence.text) is None and not others
        is_cue = not possible and (index in cues or (moves and found.singular))
        full = len(drafts) >= MAX_DRAFTS
        if full and not warned and is_cue and not named:
            warned = True
            logger.warning("%s: more than %d incidents; the rest are not read", document.id, MAX_DRAFTS)
        if found.people and not (is_cue or moves) and commentator.search(sentence.text[found.people[0].end :]):
            # "Park Sang-hak, a defector, said he knew her": a witness, in this sentence and the rest
            roles[found.people[0].name] = "speaker"
            found.people, found.name, found.surname = [], None, None
        people = {m.name: m for m in found.people}
        drafted = {d.profile.name for d in named}
        # "X was followed by Park Jin-ho (49) and Jang Mi-ran (33)": people marked as returnees, beside
        # ones already met, are listed too
        listed = (
            len(people) > 1
            and sum(m.role == "returnee" for m in people.values()) > 1
            and all(m.role == "returnee" or m.name in drafted for m in people.values())
        )
        if (is_cue or moves or listed) and len(people) > 1 and not full:
            # An enumeration or coordinated subjects: one incident per person named. Listed without a move
            # ("They are Park Kyung-eun, 64; Kang ..."), each waits for a sentence that tells of its return.
            anchor = is_cue or moves
            mentions = list(people.values())
            for i, mention in enumerate(mentions):
                following = mentions[i + 1].start if i + 1 < len(mentions) else len(sentence.text)
                own = _one_of_many(found, mention, sentence.text, following, language)
                listed_draft = next((d for d in named if d.profile.name == mention.name), None) or drafts.new()
                listed_draft.absorb(own, sentence, anchor=anchor)
                drafts.index(listed_draft)
                group.append(listed_draft)
            group = group[-len(mentions) :]
            current = next(d for d in drafts.named_in(sentence.text, language) if d.profile.name in people)
            continue
        if (
            (is_cue or moves)
            and not found.people
            and len(group) > 1
            and together.search(sentence.text)
            and (not named or all(d in named for d in group))
        ):
            # "They both returned to the North": each person of the last enumeration (not "Kim said ...
            # introducing both his wife and daughter", which names one of them).
            for member in group:
                member.absorb(found, sentence, anchor=True, dates=True)
            continue
        if len(named) > 1 and not (is_cue and found.people):
            _by_clause(named, sentence, language, today, moves, section_date)
            continue
        if is_cue and not (found.aggregate and not found.singular):
            target = next((d for d in named if same_person(d, found)), None)
            recalled = found.another and bool(found.people) and not named  # "since Kim ...", "remember Kim ..."
            fresh = (found.introduces or recalled) and current is not None and bool(current.anchors)
            if (
                fresh
                and current is not None
                and not found.another
                and not clauses.get(index)
                and (found.returned is None or _same_return(found.returned, current.profile.returned))
            ):
                # "a man" without a new date is the same event told again ("state media said a man ..."); "another
                # defector" is always someone else.
                fresh = False
            if target is None and current is not None and not fresh and not found.conflicts(current.profile):
                target = current
            if target is None:
                if full:
                    continue
                target = drafts.new()
                # The lede often names the person before the sentence that reports the return.
                for earlier, profile in [*pending, *([held] if held else [])]:
                    if not profile.conflicts(found):
                        target.absorb(profile, earlier, anchor=False)
                pending, held = [], None
            target.absorb(found, sentence, anchor=True)
            if section_date and target.section is None:
                told = movement.search(sentence.text) is not None and not appears.search(sentence.text)
                target.section = (section_date, told)
            drafts.index(target)
            current = target
        else:
            target = _assign(named, current, found) if not (others and not named) else None
            recalled = bool(found.people) and found.another and not named  # "I often think about Kim Yeon-ju, ..."
            if recalled:
                target = None
            introduced = (
                bool(found.people)
                and not found.aggregate
                and (
                    found.people[0].role == "returnee"
                    or (
                        found.people[0].role == "unknown"
                        and (
                            _heading(sentence.text)
                            or recalled
                            # after a named story only: an unnamed one may be about this very person
                            or (
                                (current is None or current.profile.name is not None)
                                and _came_south(found.people[0], sentence.text, language)
                            )
                        )
                    )
                )
            )
            heading_anew = target is current and current is not None and bool(current.anchors) and not named
            if (
                introduced
                and (target is None or (heading_anew and _heading(sentence.text)))
                and len(drafts)
                and not full
            ):
                # A new person described as a returnee ("Ko Kyong Hui, 37, said ..."): the sentences that
                # follow are about them; the draft counts only once one of them tells of the return.
                target = drafts.new()
            if target is not None:
                if not moves and found.returned and departure.search(sentence.text):
                    target.departed = target.departed or found.returned
                target.absorb(found, sentence, anchor=moves)
                drafts.index(target)
                current = target
            elif current is None and found.singular and not found.aggregate and len(pending) < MAX_SENTENCES_PER_DRAFT:
                pending.append((sentence, found))
            elif current is not None and found.people and not found.aggregate and found.conflicts(current.profile):
                held = (sentence, found)
    return drafts.all


def _scope(
    draft: Draft, sentences: list[Sentence], by_paragraph: dict[int, list[Sentence]], owners: dict[int, set[int]]
) -> list[Sentence]:
    """The sentences an incident's reasons come from: its own, the rest of its paragraphs when no other
    incident shares them, and the whole document when it reports this incident only (at most a bounded
    number of further sentences, so that a long page costs no more)."""
    own = {*draft.anchors, *draft.sentences}
    limit = MAX_SENTENCES_PER_DRAFT * 2
    if len(owners) and all(o == {draft.order} for o in owners.values()):
        wider = sentences[:limit]
    else:
        paragraphs = sorted({s.paragraph for s in own if owners.get(s.paragraph) == {draft.order}})
        wider = [s for p in paragraphs for s in by_paragraph.get(p, ())][:limit]
    return sorted(own.union(wider), key=lambda s: s.start)


def extract_incidents(document: Document, sentences: list[Sentence], cues: set[int]) -> tuple[Incident, ...]:
    """The incidents of a relevant document, in order of first mention."""
    language = document.language
    sentences, cues, clauses = split_reviews(sentences, cues, language)
    clause_at = {sentences[i].start: cut for i, cut in clauses.items()}  # split_events renumbers sentences
    parts = split_events(sentences, cues, language, document.article.published)
    sentences = parts.sentences
    clauses = {i: clause_at[s.start] for i, s in enumerate(sentences) if s.start in clause_at}
    drafts = [draft for draft in build_drafts(document, sentences, parts.cues, parts.second, clauses) if draft.anchors]
    out: list[Incident] = []
    owners: dict[int, set[int]] = {}  # paragraph -> the drafts with a sentence in it
    by_paragraph: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        by_paragraph.setdefault(sentence.paragraph, []).append(sentence)
    for draft in drafts:
        for sentence in (*draft.anchors, *draft.sentences):
            owners.setdefault(sentence.paragraph, set()).add(draft.order)
    for draft in drafts:
        scope = _scope(draft, sentences, by_paragraph, owners)
        # Sentences about many people ("why some defectors go back") give no reasons for this one.
        about_one = [s for s in scope if not patterns("incidents", language, "aggregate").search(s.text)]
        reasons, reason_sentences = fields.reasons(about_one, language)
        spans: list[Span] = []
        for sentence in [*draft.anchors, *reason_sentences]:
            span = sentence.span()
            if span not in spans:
                spans.append(span)
        p = draft.profile
        if p.name is None and p.surname is None:
            named = name_from_story((*draft.anchors, *draft.sentences), sentences, language)
            if named:
                p.name, p.surname = named
        if p.gender is None:
            p.gender = (
                fields.gender_from_spouse(scope, language)
                or fields.gender_from_name(p.name, scope, language)
                or fields.gender_from_pronoun(draft, language)
            )
        person = Person(
            name=p.name,
            surname=p.surname,
            age=p.age,
            age_min=p.age_min,
            age_max=p.age_max,
            gender="male" if p.gender == "male" else "female" if p.gender == "female" else None,
            occupation=p.occupation,
        )
        status = fields.status(draft, scope, language)
        unknown = patterns("incidents", language, "date_unknown")
        own = (*draft.anchors, *draft.sentences)
        dated = any(YEAR_IN.search(s.text) and not _heading(s.text) for s in own)  # a year besides a heading's
        if any(unknown.search(s.text) for s in own) and not dated:
            # "When she went back is not known": no date from the heading of a timeline, nor a departure
            p.returned = None
        elif p.returned is None and (
            own_part := [parts.dates[s.start] for s in draft.anchors if s.start in parts.dates]
        ):
            p.returned = own_part[0]  # "2020년 7월 ... 헤엄쳐 건너간 탈북민과, ...": the date of its own part
        elif p.returned is None and draft.departed is not None:
            p.returned = draft.departed
        elif p.returned is None and draft.section is not None:
            month, told = draft.section
            p.returned = _section_date(draft, month, language, document.article.published) if told else month[:4]
        out.append(
            Incident(
                person=person,
                group_size=p.group_size or 1,
                arrived_south=p.arrived,
                returned=None if status == "intended" else p.returned,  # a wish has no return date
                route=fields.route(draft, language),
                status=status,  # type: ignore[arg-type]
                reasons=tuple(reasons),
                evidence=tuple(spans[:MAX_EVIDENCE]),
            )
        )
    return tuple(out)
