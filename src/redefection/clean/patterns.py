"""Chrome vocabulary loaded from ``data/chrome.toml``: what marks navigation, bylines and footers."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class ChromeWords:
    home_words: tuple[str, ...]
    label_prefixes: tuple[str, ...]
    copyright_markers: tuple[str, ...]
    staff_words: frozenset[str]
    published_labels: tuple[str, ...]
    updated_labels: tuple[str, ...]
    byline_before: tuple[str, ...]
    byline_after: tuple[str, ...]
    outlet_suffixes: tuple[str, ...]
    boilerplate_phrases: tuple[str, ...]
    attribution_patterns: tuple[re.Pattern[str], ...]
    # One regex each for "contains any of": a single search in C instead of a Python loop per line.
    copyright_any: re.Pattern[str]
    boilerplate_any: re.Pattern[str]
    attribution_any: re.Pattern[str]  # matches wherever one of ``attribution_patterns`` does


def _any_of(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(phrase) for phrase in sorted(phrases, key=len, reverse=True)))


GLOBAL_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")


def _union(patterns: list[str]) -> re.Pattern[str]:
    """A regex matching where any of ``patterns`` matches (their ``outlet`` groups left unnamed)."""
    parts = []
    for pattern in patterns:
        body = pattern.replace("(?P<outlet>", "(?:")
        flags = GLOBAL_FLAGS.match(body)  # "(?i)..." becomes "(?i:...)": global flags must open the whole regex
        parts.append(f"(?{flags.group(1)}:{body[flags.end() :]})" if flags else f"(?:{body})")
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def chrome_words() -> ChromeWords:
    """The chrome vocabulary, read once from the package data."""
    raw = tomllib.loads(resources.files("redefection.data").joinpath("chrome.toml").read_text("utf-8"))
    sources = raw.pop("attribution_patterns")
    patterns = tuple(re.compile(p) for p in sources)
    lower = {key: tuple(str(v).lower() for v in values) for key, values in raw.items()}
    return ChromeWords(
        home_words=lower["home_words"],
        label_prefixes=lower["label_prefixes"],
        copyright_markers=lower["copyright_markers"],
        staff_words=frozenset(lower["staff_words"]),
        published_labels=lower["published_labels"],
        updated_labels=lower["updated_labels"],
        byline_before=lower["byline_before"],
        byline_after=lower["byline_after"],
        outlet_suffixes=lower["outlet_suffixes"],
        boilerplate_phrases=lower["boilerplate_phrases"],
        attribution_patterns=patterns,
        copyright_any=_any_of(lower["copyright_markers"]),
        boilerplate_any=_any_of(lower["boilerplate_phrases"]),
        attribution_any=_union(sources),
    )
