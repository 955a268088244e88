"""Recognise bylines and reduce them to author names."""

from __future__ import annotations

import re

from ._text import EMAIL, normalize_space
from .dates import find_dates
from .patterns import chrome_words

LATIN_NAME = re.compile(
    r"^(?:[A-Z][a-z]+(?:[-'][A-Za-z][a-z]+)?|[A-Z]\.|[A-Z][a-z]?\.?)(?:\s+(?:[A-Z][a-z]+(?:[-'][A-Za-z][a-z]+)?|[A-Z]\.|van|de|von|der|la|bin))*$"
)
HANGUL_NAME = re.compile(r"^[\uac00-\ud7af]{2,4}$")
HAN_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
SEPARATORS = re.compile(r"\s*(?:\||｜|·|•|/|,|，|、| - | — )\s*")
JOINERS = re.compile(r"\s+(?:and|&)\s+|\s*,\s*|\s*[、·]\s*")
ROLE_TAIL = re.compile(r",\s*[a-z].*$|,\s*(?:Seoul|Beijing|Tokyo|Washington)\b.*$")


def is_person_name(text: str) -> bool:
    """Whether ``text`` reads as one person's name (2 to 4 words, or 2 to 4 Hangul or Han characters)."""
    text = text.strip()
    if not text or len(text) > 40:
        return False
    words = text.lower().split()
    if any(word.strip(".,") in chrome_words().staff_words for word in words):
        return False
    if HANGUL_NAME.match(text) or HAN_NAME.match(text):
        return True
    return bool(LATIN_NAME.match(text)) and 2 <= len(text.split()) <= 4


def names_in(text: str) -> list[str]:
    """Split a credit like "Kim Tong-hyung and Hyung-jin Kim" into names; empty if any part is not a name."""
    text = ROLE_TAIL.sub("", normalize_space(text)).strip(" .,;:|")
    parts = [part.strip() for part in JOINERS.split(text) if part.strip()]
    if parts and all(is_person_name(part) for part in parts):
        return parts
    return []


def parse_byline(line: str) -> list[str] | None:
    """Author names if ``line`` is a byline ("By Jane Doe", "최수영 기자 | 승인 ...", "Name | date"), else None."""
    words = chrome_words()
    text = EMAIL.sub("", normalize_space(line)).strip()
    if not text or len(text) > 120:
        return None
    lowered = text.lower()
    for marker in words.byline_before:
        if lowered.startswith(marker):
            rest = text[len(marker) :].strip()
            head = SEPARATORS.split(rest, maxsplit=1)[0] if "|" in rest or "｜" in rest else rest
            return names_in(head) or _before_date(head)
    segments = [seg for seg in re.split(r"\s*[|｜·•]\s*", text) if seg]
    first = segments[0] if segments else text
    for marker in words.byline_after:
        index = first.find(marker)
        if index > 0:
            candidate = first[:index].strip()
            if is_person_name(candidate):
                return [candidate]
    if len(segments) >= 2 and find_dates(" ".join(segments[1:])) and (names := names_in(first)):
        return names
    return None


def _before_date(text: str) -> list[str] | None:
    dates = find_dates(text)
    if dates:
        return names_in(text[: dates[0][0]]) or None
    return None
