"""The name of a person whose incident was told without one, from how the story goes on to call them.

A story may report a return before it names anyone ("A defector who has spent a decade in Seoul plans
to go back ...") and name the person where no incident is told ("NK News sat down with Son Jong-hoon
to discuss ..."), then call them by the family name alone ("Son, a former official, has announced
..."). When the incident's own sentences use a family name as a subject and the document names one
person (not an official or an analyst) with that family name, the incident is theirs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .mentions import _name_lists, find_people
from .sentences import Sentence

# A family name alone as a subject: opening a sentence or a quote, after a title, before a comma or a verb.
BARE_SUBJECT = re.compile(
    r"(?:^|[.!?]\s+|[“\"]\s*|\b(?:Mr|Ms|Mrs)\.?\s+)(?P<sur>[A-Z][a-z]{1,6})"
    r"(?=,\s|\s+(?:said|says|told|added|has|had|is|was|wants|wanted|knows|knew|plans|planned|hopes|hoped)\b)"
)


def name_from_story(own: Iterable[Sentence], sentences: list[Sentence], language: str | None) -> tuple[str, str] | None:
    """(full name, family name) for an incident with neither, from its ``own`` sentences and the document's."""
    if language != "en":
        return None
    surnames = _name_lists()[0]
    called = [m.group("sur") for s in own for m in BARE_SUBJECT.finditer(s.text) if m.group("sur") in surnames]
    for surname in dict.fromkeys(called):
        names = {
            mention.name
            for sentence in sentences
            if surname + " " in sentence.text
            for mention in find_people(sentence.text, language)
            if mention.surname == surname and mention.may_return
        }
        if len(names) == 1:
            return names.pop(), surname
    return None
