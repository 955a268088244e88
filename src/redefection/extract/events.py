"""Events: a Korean or Chinese sentence that tells several dated moves north, cut into one part per move.

Incidents are read sentence by sentence (``incidents.py``); a sentence such as "2020년 7월에는 A가
헤엄쳐 건너갔고, 2022년 새해 첫날에는 B가 철책을 넘어 돌아갔다" reports two returns, so it is
read as two parts, each with its own date and person (``review.py`` cuts the clauses of review
sentences listing earlier cases the same way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from .lexicon import patterns
from .people import movement as moves_north
from .sentences import Sentence
from .when import find_times

# Where a Korean or Chinese sentence may join two events, each with its own date: a comma, or the particle
# joining two noun phrases ("...건너간 탈북민과 올해 1월 1일 ... 넘은 탈북민도").
EVENT_JOINT = re.compile(r"(?:[,，、]|(?<=[가-힣])[과와])\s*$")


@dataclass(slots=True)
class EventParts:
    """Sentences with those telling several dated moves split (``split_events``)."""

    sentences: list[Sentence]
    cues: set[int]
    second: set[int] = field(default_factory=set)  # parts that begin another event: someone else's
    dates: dict[int, str] = field(default_factory=dict)  # a part's start in the text -> its first date


def split_events(sentences: list[Sentence], cues: set[int], language: str | None, today: date | None) -> EventParts:
    """Split each Korean or Chinese sentence that tells several dated moves north into one part per move.

    "2020년 7월에는 A가 헤엄쳐 건너갔고, 2022년 새해 첫날에는 B가 철책을 넘어 돌아갔다" reports two
    returns: a part begins where a time expression follows a comma (or 과/와), the part before it gives
    another date and tells a move north or names a defector, and a move north follows. A cue sentence's
    parts are all cues. A part's person is someone else than the part before's, even when neither is
    named, and its first date is the date of its event when no verb in it says so.
    """
    if language not in ("ko", "zh"):
        return EventParts(sentences, cues)
    movement = moves_north(language)
    defector = patterns("relevance", language, "defector")
    arrival = patterns("incidents", language, "arrival")  # "2019년 탈북해 한국에 왔고, ...": the way south
    found = EventParts([], set())
    for index, sentence in enumerate(sentences):
        text = sentence.text
        cuts: list[int] = []
        firsts: list[str] = []  # the first date of each part
        begin, dates = 0, set[str]()  # where the current part begins, and the dates it gives
        for time in find_times(text, language, today) if movement.search(text) else ():
            if time.value is None:
                continue
            joint = EVENT_JOINT.search(text, begin, time.start) if dates else None
            if (
                joint is not None
                and time.value not in dates
                and (
                    movement.search(before := text[begin : joint.start()])
                    or (defector.search(before) and not arrival.search(before))
                )
                and movement.search(text[time.end :])
            ):
                cuts.append(time.start)
                begin, dates = time.start, set()
            if not dates:
                firsts.append(time.value)
            dates.add(time.value)
        bounds = [0, *cuts, len(text)]
        for n, (start, end) in enumerate(pairwise(bounds)):
            part = text[start:end].rstrip()
            at = len(found.sentences)
            if index in cues:
                found.cues.add(at)
            if cuts:
                found.dates[sentence.start + start] = firsts[n]
                if start:
                    found.second.add(at)
            found.sentences.append(
                Sentence(sentence.start + start, sentence.start + start + len(part), part, sentence.paragraph)
            )
    return found


__all__ = ["EventParts", "split_events"]
