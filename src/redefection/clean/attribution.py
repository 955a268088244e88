"""Credit lines naming the original publisher of a copied story ("Source: X", "Originally reported by X")."""

from __future__ import annotations

from ._text import normalize_space
from .patterns import chrome_words

MAX_CREDIT_LINE = 160  # characters: a longer line is prose, not a credit


def credited_outlet(line: str) -> str | None:
    """The outlet a credit line names, or None when ``line`` is not a credit line."""
    text = normalize_space(line)
    words = chrome_words()
    if not text or len(text) > MAX_CREDIT_LINE or not words.attribution_any.search(text):
        return None
    for pattern in words.attribution_patterns:
        m = pattern.search(text)
        if m:
            name = m.group("outlet").strip(" .,:;")
            if 2 <= len(name) <= 60 and len(name.split()) <= 6:
                return name
    return None


def is_boilerplate(text: str) -> bool:
    """Whether ``text`` is consent, paywall or subscription furniture."""
    return chrome_words().boilerplate_any.search(text.lower()) is not None
