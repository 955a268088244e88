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


@lru_cache(maxsize=1)
def chrome_words() -> ChromeWords:
    """The chrome vocabulary, read once from the package data."""
    raw = tomllib.loads(resources.files("redefection.data").joinpath("chrome.toml").read_text("utf-8"))
    patterns = tuple(re.compile(p) for p in raw.pop("attribution_patterns"))
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
    )
