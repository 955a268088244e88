"""Language of a text: script counts decide CJK, lingua decides among the rest.

Hangul, kana and Han characters identify Korean, Japanese and Chinese more
reliably than any n-gram model on short or mixed pages (a Korean article on a
Chinese portal keeps some Han chrome), so scripts are counted first.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

from ..settings import DEFAULT_LANGUAGES

HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
KANA = re.compile(r"[\u3040-\u30ff]")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# Enough letters to judge; more only costs time.
SAMPLE_CHARS = 1500


@lru_cache(maxsize=8)
def _detector(languages: tuple[str, ...]) -> LanguageDetector:
    codes = [getattr(IsoCode639_1, code.upper()) for code in languages if hasattr(IsoCode639_1, code.upper())]
    if len(codes) < 2:
        codes = [IsoCode639_1.EN, IsoCode639_1.KO, IsoCode639_1.ZH]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models().build()


def script_counts(text: str) -> tuple[int, int, int, int]:
    """Counts of Hangul, kana, Han and all letters in ``text``."""
    return (
        len(HANGUL.findall(text)),
        len(KANA.findall(text)),
        len(HAN.findall(text)),
        len(LETTER.findall(text)),
    )


def guess_by_script(text: str) -> str | None:
    """A cheap guess from scripts alone: 'ko', 'zh', 'ja', 'ru', or 'en' for any Latin-script text."""
    hangul, kana, han, letters = script_counts(text[:SAMPLE_CHARS])
    if letters < 3:
        return None
    cjk = hangul + kana + han
    if cjk >= 0.3 * letters:
        return "ko" if hangul >= 0.2 * cjk else ("ja" if kana >= 0.1 * cjk else "zh")
    cyrillic = len(CYRILLIC.findall(text[:SAMPLE_CHARS]))
    return "ru" if cyrillic >= 0.5 * letters else "en"


def detect_language(text: str, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> str | None:
    """ISO 639-1 code of the main language of ``text``, or None when there is too little text."""
    sample = text[:SAMPLE_CHARS]
    hangul, kana, han, letters = script_counts(sample)
    if letters < 3:
        return None
    cjk = hangul + kana + han
    if cjk >= 0.3 * letters:
        if hangul >= 0.2 * cjk:
            return "ko"
        if kana >= 0.1 * cjk:
            return "ja"
        return "zh"
    found = _detector(tuple(languages)).detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else None
