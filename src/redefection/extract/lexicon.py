"""Language knowledge as data: lexicons and patterns in ``redefection/data/lexicon/*.toml``.

Each file holds one concern (``relevance.toml``, ``claims.toml``, ...) with a
table per language (``[en]``, ``[ko]``, ``[zh]``) and, where useful, a shared
``[all]`` table. Code asks for a concern and a language and gets plain data;
patterns are compiled once.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from ._literals import Needs, absent, needed

# A matcher reads the words its patterns need (``_literals.needed``) after this many uses: a command that
# reads a page or two does not pay the analysis, a batch recovers it within a few documents.
LEARN_AFTER = 50
SEEN_TEXTS = 256  # the texts a matcher remembers its answer for (the sentences of a page or two)
_UNSEEN = object()
_MATCHERS: list[AnyOf] = []  # every matcher ``compile_any`` built, for ``learn_all``


@lru_cache(maxsize=32)
def load_lexicon(concern: str) -> dict[str, Any]:
    """The whole ``data/lexicon/<concern>.toml`` table."""
    text = resources.files("redefection.data").joinpath("lexicon", f"{concern}.toml").read_text("utf-8")
    return tomllib.loads(text)


@lru_cache(maxsize=256)
def _section(concern: str, language: str | None) -> dict[str, Any]:
    data = load_lexicon(concern)
    merged: dict[str, Any] = dict(data.get("all", {}))
    merged.update(data.get(language if language in data else "en", {}))
    return merged


def section(concern: str, language: str | None) -> dict[str, Any]:
    """The table of ``concern`` for ``language`` merged over its ``[all]`` table (language wins).

    The same dictionary is returned on every call: read it, do not change it.
    """
    return _section(concern, language)


class AnyOf:
    """Matches any of several regular expressions; each may use the same group names.

    A sentence without any of the words every match needs (``_literals.needed``) is not searched, once
    the matcher has been used ``LEARN_AFTER`` times.
    """

    __slots__ = ("_each", "_each_needs", "_joined", "_needs", "_seen", "_sources", "_uses")

    def __init__(self, sources: tuple[str, ...], flags: int) -> None:
        joined = "|".join(f"(?:{p})" for p in sources) if sources else r"(?!x)x"
        self._each: tuple[re.Pattern[str], ...] = ()  # compiled only when the joined pattern cannot be
        self._each_needs: tuple[Needs | None, ...] = ()  # the words each of them needs, once learned
        self._needs: Needs | None = None
        self._uses = 0  # the words are read from the patterns once the matcher has been used a while
        self._seen: dict[str, object] = {}  # the latest texts searched: a sentence is asked again
        try:
            self._joined: re.Pattern[str] | None = re.compile(joined, flags)
            self._sources: tuple[str, ...] = (joined,)
        except re.error:  # repeated group names: fall back to one pattern at a time
            self._joined = None
            self._each = tuple(re.compile(p, flags) for p in sources)
            self._sources = sources

    @property
    def learned(self) -> bool:
        """Whether the matcher has read the words its patterns need (and skips texts without them)."""
        return self._uses >= LEARN_AFTER

    def learn(self) -> None:
        """Read the words the patterns need now, rather than after ``LEARN_AFTER`` uses."""
        if self._uses < LEARN_AFTER:
            self._read_needs()

    def _read_needs(self) -> None:
        self._uses = LEARN_AFTER
        if self._joined is not None:
            self._needs = needed(self._sources, self._joined.flags)
        else:
            self._needs = needed(self._sources, self._each[0].flags)
            self._each_needs = tuple(needed((p.pattern,), p.flags) for p in self._each)

    def _skips(self, text: str) -> bool:
        """Whether ``text`` lacks every word the patterns need (see ``_literals``)."""
        if self._uses < LEARN_AFTER:
            self._uses += 1
            if self._uses == LEARN_AFTER:
                self._read_needs()
            return False
        return absent(self._needs, text)

    def _live(self, text: str) -> tuple[re.Pattern[str], ...] | list[re.Pattern[str]]:
        """The separate patterns that may match ``text``: those holding a word each needs, once learned."""
        if not self._each_needs:
            return self._each
        return [p for p, needs in zip(self._each, self._each_needs, strict=True) if not absent(needs, text)]

    def search(self, text: str) -> re.Match[str] | None:
        """The earliest match of any pattern."""
        seen = self._seen
        known = seen.get(text, _UNSEEN)
        if known is not _UNSEEN:
            return known  # type: ignore[return-value]
        if self._skips(text):
            found = None
        elif self._joined is not None:
            found = self._joined.search(text)
        else:
            each = [m for m in (p.search(text) for p in self._live(text)) if m]
            found = min(each, key=lambda m: m.start()) if each else None
        if len(seen) >= SEEN_TEXTS:
            seen.clear()
        seen[text] = found
        return found

    def finditer(self, text: str) -> list[re.Match[str]]:
        """Every match of every pattern, by position (overlaps between patterns kept)."""
        if self._skips(text):
            return []
        if self._joined is not None:
            return list(self._joined.finditer(text))
        return sorted((m for p in self._live(text) for m in p.finditer(text)), key=lambda m: m.start())


@lru_cache(maxsize=512)
def compile_any(sources: tuple[str, ...], flags: int = re.IGNORECASE) -> AnyOf:
    """A matcher for any of ``sources``."""
    matcher = AnyOf(sources, flags)
    _MATCHERS.append(matcher)
    return matcher


def learn_all() -> None:
    """Have every matcher built so far read the words its patterns need (see ``AnyOf.learn``).

    A process that reads many documents calls it once its tables are built (``extract.prepare``):
    the analysis is then paid before the first document rather than in the middle of a batch, and
    processes forked afterwards share it.
    """
    for matcher in _MATCHERS:
        matcher.learn()


@lru_cache(maxsize=1024)
def patterns(concern: str, language: str | None, key: str) -> AnyOf:
    """The matcher of ``section(concern, language)[key]``."""
    values = section(concern, language).get(key, [])
    return compile_any(tuple(values))
