"""Words a pattern cannot match without: a cheap test that skips a regular-expression search.

Most sentences contain none of the words a lexicon pattern is built on, and Python's ``re`` tries
every position of the sentence before it says so. ``needed(sources)`` reads the patterns' syntax
trees once and gives a few strings of which every match must contain one (``"defector"`` for
``\\bre-?defectors?\\b``); ``absent(needs, text)`` says, with a few substring tests, that none is in
the sentence, so the search would find nothing. The test only ever skips searches that would fail:

* literals are compared lower-cased on both sides, so it holds with and without ``re.IGNORECASE``;
* a literal is kept only from characters whose matches lower-case to the character itself: ASCII
  (unless the sentence holds one of the three letters ``re.IGNORECASE`` folds onto ASCII, see
  ``FOLDS_TO_ASCII``) and characters without case (Hangul, Han, punctuation);
* whatever the analysis does not know (a new node type, a back-reference) gives no literal, and a
  pattern without one is searched as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

try:  # the parser behind ``re.compile``; its node types are read by name
    import re._parser as _parser  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - Python before 3.11 names it sre_parse
    import sre_parse as _parser  # type: ignore[no-redef, unused-ignore]

# The non-ASCII characters that re.IGNORECASE matches with an ASCII letter and that str.lower() does
# not turn into it (tests/test_extract_literals.py checks every code point): a sentence holding one
# is searched without the test.
FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f")
_LITERAL = "LITERAL"
_ZERO_WIDTH = frozenset({"AT"})  # \b, ^, $: consume nothing, so the literals on either side stay adjacent
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})

Needs = frozenset[str]


def caseless(char: str) -> bool:
    """Whether ``char`` can stand in a literal: a match of it lower-cases to ``char.lower()``."""
    if char.isascii():
        return True
    return char.lower() == char and char.upper() == char and char.casefold() == char


def _sequence(items: Iterable[tuple[Any, Any]]) -> Needs | None:
    """Strings one of which any match of the sequence ``items`` contains (lower-cased), or None."""
    options: list[Needs] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            options.append(frozenset(("".join(run),)))
            run.clear()

    for op, value in items:
        name = str(op)
        if name == _LITERAL and caseless(chr(value)):
            run.append(chr(value).lower())
            continue
        if name in _ZERO_WIDTH:
            continue
        flush()
        found: Needs | None = None
        if name == "SUBPATTERN":
            found = _sequence(value[-1])
        elif name == "BRANCH":
            branches = [_sequence(branch) for branch in value[1]]
            if all(branch is not None for branch in branches):
                found = frozenset().union(*branches)  # type: ignore[arg-type]
        elif name in _REPEATS and value[0] >= 1:
            found = _sequence(value[2])
        elif name == "ASSERT":  # a lookahead or lookbehind: what it looks for is in the text too
            found = _sequence(value[1])
        if found:
            options.append(found)
    flush()
    if not options:
        return None
    # The most selective option: the longest shortest string, then the fewest strings.
    return max(options, key=lambda need: (min(map(len, need)), -len(need)))


def _needed_one(source: str, flags: int) -> Needs | None:
    try:
        tree = _parser.parse(source, flags)
        return _sequence(tree.data if hasattr(tree, "data") else tree)
    except Exception:  # an unknown pattern shape only means no shortcut
        return None


@lru_cache(maxsize=1024)
def needed(sources: tuple[str, ...], flags: int = 0) -> Needs | None:
    """Strings one of which every match of any of ``sources`` contains, lower-cased; None when unknown.

    Empty strings never appear: a pattern that could match without a literal gives None.
    """
    if not sources:
        return None
    found: set[str] = set()
    for source in sources:
        one = _needed_one(source, flags)
        if not one or "" in one:
            return None
        found.update(one)
    return frozenset(_minimal(found))


def _minimal(strings: Iterable[str]) -> list[str]:
    """Drop strings that contain another one: "defector" is enough when "defectors" is also listed."""
    kept: list[str] = []
    for value in sorted(set(strings), key=len):
        if not any(shorter in value for shorter in kept):
            kept.append(value)
    return kept


def pattern_needs(pattern: re.Pattern[str]) -> Needs | None:
    """``needed`` for one compiled pattern."""
    return needed((pattern.pattern,), pattern.flags)


@lru_cache(maxsize=256)
def folded(text: str) -> str | None:
    """``text`` lower-cased for the test, or None when it holds a letter that folds onto ASCII."""
    if not text.isascii() and not FOLDS_TO_ASCII.isdisjoint(text):
        return None
    return text.lower()


def absent(needs: Sequence[str] | Needs | None, text: str) -> bool:
    """True when no string of ``needs`` is in ``text``: then no pattern they came from matches it."""
    if not needs:
        return False
    lowered = folded(text)
    if lowered is None:
        return False
    for need in needs:  # noqa: SIM110 - a plain loop costs less than all() over a generator
        if need in lowered:
            return False
    return True
