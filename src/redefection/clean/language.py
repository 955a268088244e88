"""Language of a text: scripts decide where they can, lingua only among languages sharing one script.

Hangul, kana and Han characters identify Korean, Japanese and Chinese more
reliably than any n-gram model on short or mixed pages (a Korean article on a
Chinese portal keeps some Han chrome), so scripts are counted first. A script
used by only one of the languages asked for (Cyrillic for Russian, Thai,
Arabic) decides too. Only a text whose script several of those languages share
(Latin: English, German, French, Spanish, Portuguese, Italian, Vietnamese) goes
to lingua, and the detector knows only those languages; a Latin-script text of
which a tenth of the words or more are English function words ("the", "of",
"and", ...) is English without it (other languages written in Latin letters use
almost none of them).

The detector is built on first need, never at import, and lingua loads each
language's n-gram models lazily: a text of 120 characters or more needs only
the trigram models (about 0.1 s for the seven Latin-script languages, against
2-3 s to preload every model of all thirteen), a shorter one all of them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

from ..settings import DEFAULT_LANGUAGES

HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
KANA = re.compile(r"[\u3040-\u30ff]")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_ANY = re.compile("[" + "".join(pattern.pattern[1:-1] for pattern in (HANGUL, KANA, HAN)) + "]")  # any of the three
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# Enough letters to judge; more only costs time.
SAMPLE_CHARS = 1500
# lingua's time grows with the text: 800 characters gave the same language as 1,500 on all 280
# Latin-script pages of the dev corpus, the public benchmark and the real-page cache, in half the time.
DETECTOR_CHARS = 800
# Alphabets other than Latin and CJK, and the languages (ISO 639-1) that lingua knows written in each
# (and in CJK scripts). A language not listed here is written in the Latin alphabet.
SCRIPTS: dict[str, re.Pattern[str]] = {
    "cyrillic": CYRILLIC,
    "arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f]"),
    "thai": re.compile(r"[\u0e00-\u0e7f]"),
    "greek": re.compile(r"[\u0370-\u03ff]"),
    "hebrew": re.compile(r"[\u0590-\u05ff]"),
    "devanagari": re.compile(r"[\u0900-\u097f]"),
    "georgian": re.compile(r"[\u10a0-\u10ff]"),
    "armenian": re.compile(r"[\u0530-\u058f]"),
}
WRITTEN_IN = {
    "ko": "hangul", "ja": "kana", "zh": "han",  # decided by script counts before any of these
    "ru": "cyrillic", "uk": "cyrillic", "be": "cyrillic", "bg": "cyrillic", "mk": "cyrillic", "sr": "cyrillic",
    "kk": "cyrillic", "mn": "cyrillic",
    "ar": "arabic", "fa": "arabic", "ur": "arabic",
    "th": "thai", "el": "greek", "he": "hebrew", "hi": "devanagari", "mr": "devanagari",
    "ka": "georgian", "hy": "armenian",
}  # fmt: skip
# Share of the letters a script needs to be the text's script.
SCRIPT_SHARE = 0.5
# English function words. Among the first 800 characters of the 316 Latin-script article bodies of the dev
# corpus, the public benchmark and the real-page cache, they are 14% or more of the words of every English
# text in running prose, and at most 1.6% of the words of the German, French, Spanish, Portuguese and Italian
# ones: a text with this share of them is English without asking lingua (a millisecond a page).
ENGLISH_WORDS = frozenset({
    "the", "of", "and", "to", "that", "is", "was", "for", "with", "it", "on", "by", "this", "are", "from", "have",
    "has", "be", "were", "which", "their", "his", "he", "she", "they", "said", "at", "not", "but", "or", "its",
    "been", "who", "will", "would", "had",
})  # fmt: skip
ENGLISH_SHARE = 0.1
ENGLISH_MIN_WORDS = 30  # a shorter text goes to lingua
WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=8)
def _detector(languages: tuple[str, ...]) -> LanguageDetector:
    """A lingua detector for ``languages`` (at least two it knows), built on first use."""
    codes = [getattr(IsoCode639_1, code.upper()) for code in languages if hasattr(IsoCode639_1, code.upper())]
    if len(codes) < 2:
        codes = [IsoCode639_1.EN, IsoCode639_1.KO, IsoCode639_1.ZH]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def script_counts(text: str) -> tuple[int, int, int, int]:
    """Counts of Hangul, kana, Han and all letters in ``text``."""
    if not CJK_ANY.search(text):  # most pages: one search instead of three counts
        return 0, 0, 0, len(LETTER.findall(text))
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


NON_LATIN = re.compile("|".join(pattern.pattern for pattern in SCRIPTS.values()))


def script_of(sample: str, letters: int) -> str:
    """The alphabet (a key of ``SCRIPTS``, or 'latin') holding most of the ``letters`` of ``sample``."""
    if len(NON_LATIN.findall(sample)) < SCRIPT_SHARE * letters:
        return "latin"  # one pass for the usual case instead of one per alphabet
    for name, pattern in SCRIPTS.items():
        if len(pattern.findall(sample)) >= SCRIPT_SHARE * letters:
            return name
    return "latin"


def candidates(script: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    """The languages among ``languages`` written in ``script``."""
    return tuple(code for code in languages if WRITTEN_IN.get(code, "latin") == script)


def _reads_as_english(text: str) -> bool:
    words = WORD.findall(text.lower())
    if len(words) < ENGLISH_MIN_WORDS:
        return False
    return sum(word in ENGLISH_WORDS for word in words) >= ENGLISH_SHARE * len(words)


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
    among = candidates(script_of(sample, letters), tuple(languages))
    if len(among) == 1:
        return among[0]
    if "en" in among and _reads_as_english(sample[:DETECTOR_CHARS]):
        return "en"
    found = _detector(among or tuple(languages)).detect_language_of(sample[:DETECTOR_CHARS])
    return found.iso_code_639_1.name.lower() if found is not None else None
