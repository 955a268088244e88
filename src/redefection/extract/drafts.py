"""Drafts: the incidents of one document while its sentences are read, indexed by who they are about.

``incidents.build_drafts`` opens and feeds them; ``incident_fields`` reads their fields at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import patterns
from .people import Profile
from .sentences import Sentence

# A draft keeps at most this many sentences of each kind (the work per page is bounded: ``incidents``).
MAX_SENTENCES_PER_DRAFT = 200
WORD = re.compile(r"[A-Z][a-z]+")


@dataclass(slots=True, eq=False)
class Draft:
    """An incident being assembled from sentences (compared by identity)."""

    order: int = 0
    profile: Profile = field(default_factory=Profile)
    # The dated heading the first report sits under ("July 2020: a swimmer ..."), and whether that report
    # tells the move itself (its date is the heading's) or only an appearance (the year at most).
    section: tuple[str, bool] | None = None
    # the year the person left for a third country on the way ("In April she left for China")
    departed: str | None = None
    anchors: list[Sentence] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)

    def absorb(self, found: Profile, sentence: Sentence, anchor: bool, dates: bool = True) -> None:
        mine = self.profile
        # "a couple and a third woman": a group told without a name gives no gender of its lead
        told = (
            ("name", "surname", "occupation")
            if (found.group_size or 1) > 1 and not found.name
            else ("name", "surname", "gender", "occupation")
        )
        for name in told:
            if getattr(mine, name) is None and getattr(found, name) is not None:
                setattr(mine, name, getattr(found, name))
        if (mine.age is None and mine.age_min is None and found.age_min is not None) or (
            mine.age is None and found.age is not None
        ):
            mine.age, mine.age_min, mine.age_max = found.age, found.age_min, found.age_max
        if dates:
            mine.arrived = _finer(mine.arrived, found.arrived)
            if anchor:
                mine.returned = _finer(mine.returned, found.returned)
        if found.group_size and (mine.group_size or 1) < found.group_size:
            mine.group_size = found.group_size
        kept = self.anchors if anchor else self.sentences
        if len(kept) < MAX_SENTENCES_PER_DRAFT and (not kept or kept[-1] is not sentence):
            kept.append(sentence)

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
            return re.search(re.escape(mine.surname) + r"\s?(?:씨|모|某|姓|氏)", text) is not None
        return re.search(rf"\b{re.escape(mine.surname)}\b(?![-\s][A-Z][a-z]+-)", text) is not None


class Drafts:
    """The drafts of one document, indexed by name and surname.

    A sentence is compared only with the drafts it could name, so the cost per sentence does not
    grow with the number of drafts.
    """

    def __init__(self) -> None:
        self.all: list[Draft] = []
        self._keys: dict[str, dict[int, Draft]] = {}  # a name or surname -> drafts by creation order
        self._groups: dict[int, Draft] = {}  # drafts of several people ("the couple")
        self._indexed: dict[int, tuple[str | None, str | None, bool]] = {}

    def __len__(self) -> int:
        return len(self.all)

    def new(self) -> Draft:
        draft = Draft(order=len(self.all))
        self.all.append(draft)
        return draft

    def index(self, draft: Draft) -> None:
        """Record the draft's current name and surname (call after it absorbed a sentence)."""
        p = draft.profile
        state = (p.name, p.surname, (p.group_size or 1) > 1)
        if self._indexed.get(draft.order) == state:
            return
        self._indexed[draft.order] = state
        for key in (p.name, p.surname):
            if key:
                self._keys.setdefault(key, {})[draft.order] = draft
        if state[2]:
            self._groups[draft.order] = draft

    def named_in(self, text: str, language: str | None) -> list[Draft]:
        """The drafts whose person ``text`` names by name or surname ("the couple" for a group), in order."""
        if language in ("ko", "zh", "ja"):
            letters = set(text)
            keys = [k for k in self._keys if k[0] in letters]
        else:
            words = set(WORD.findall(text))
            keys = [k for k in self._keys if k.split()[0] in words]
        found: dict[int, Draft] = {}
        for key in keys:
            found.update(self._keys[key])
        found.update(self._groups)
        return [found[order] for order in sorted(found) if found[order].refers(text, language)]


def _finer(old: str | None, new: str | None) -> str | None:
    """Keep the first date, unless a later one says the same more precisely ("2020-07" -> "2020-07-19")."""
    if old is None:
        return new
    if new is not None and len(new) > len(old) and new.startswith(old):
        return new
    return old


def same_person(draft: Draft, found: Profile) -> bool:
    """A draft the sentence names (see ``Drafts.named_in``) with no differing name, surname or age."""
    mine = draft.profile
    return not any(
        a is not None and b is not None and a != b
        for a, b in ((mine.name, found.name), (mine.surname, found.surname), (mine.age, found.age))
    )


__all__ = ["MAX_SENTENCES_PER_DRAFT", "Draft", "Drafts", "same_person"]
