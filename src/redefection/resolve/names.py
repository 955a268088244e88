"""Names across scripts: Hangul romanisation, surname tables and script-aware name keys.

The same person is printed as 김우정, Kim Woo-jeong, Kim U-jong or 金雨舟. Matching
works on keys: a surname maps to its Hangul form (김 / Kim / Gim / 金 -> 김), and a
given name to a coarse sound key that RR, McCune-Reischauer and the popular
spellings share (woo-jeong, u-jeong, u-chŏng -> "ojong"). A given name in
Chinese characters is compared through the Sino-Korean readings of its
characters (``data/hanja.toml``: 智贤 -> 지현, the key of Ji-hyun); Chinese
reports sometimes render a name by its sound instead (金雨舟 for 김우정), so a
reading that does not match is never held against a pair.
"""

from __future__ import annotations

import itertools
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

Script = Literal["hangul", "han", "latin", "other"]
System = Literal["rr", "mr"]

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
MEDIALS, FINALS = 21, 28
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LATIN = re.compile(r"[A-Za-z]")
VOICING = re.compile(r"(?:[aeiouyŏŭ]|n|m|ng|l)$")  # MR voices k, t, p, ch after these

# Coarse sound key: spellings of one Korean syllable that English-language reports use interchangeably.
# Order matters: digraphs first, then the vowel merges, then consonant voicing pairs.
SOUND_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"tch|ch|tj", "j"),
        (r"sh", "s"),
        (r"([aeiouwy])h(?![aeiouwy])", r"\1"),  # Ahn, Oh, Koh
        (r"ee", "i"),
        (r"eo", "o"),
        (r"eu", "u"),
        (r"oo", "u"),
        (r"ui", "i"),
        (r"ae", "e"),
        (r"yi", "i"),
        (r"u", "o"),  # eo / o / u: Jung, Jeong, Jong, Chung all name 정
        (r"wo", "o"),  # Woo, U
        (r"k", "g"),
        (r"t", "d"),
        (r"p", "b"),
        (r"r", "l"),
        (r"(.)\1+", r"\1"),
    )
)


@dataclass(frozen=True, slots=True)
class NameKey:
    """What a printed name says, in comparable form.

    ``surnames`` holds the Hangul surnames the printed surname can stand for
    (an unknown surname gives ``"?<sound key>"``). ``given`` is the sound key of
    the given name, or ``"han:<characters>"`` for a Chinese rendering; ``None``
    when only a surname is known.
    """

    script: Script
    surnames: frozenset[str]
    given: str | None = None
    readings: frozenset[str] = frozenset()  # sound keys a given name in Chinese characters may be read as

    @property
    def is_phonetic(self) -> bool:
        """Whether ``given`` is a sound key, comparable across Hangul and Latin spellings."""
        return self.given is not None and not self.given.startswith("han:")


@lru_cache(maxsize=1)
def _tables() -> dict[str, Any]:
    text = resources.files("redefection.data").joinpath("romanization.toml").read_text("utf-8")
    return tomllib.loads(text)


@lru_cache(maxsize=1)
def _hanja_readings() -> dict[str, tuple[str, ...]]:
    text = resources.files("redefection.data").joinpath("hanja.toml").read_text("utf-8")
    found: dict[str, list[str]] = {}
    for hangul, characters in tomllib.loads(text)["readings"].items():
        for character in characters:
            found.setdefault(character, []).append(hangul)
    return {character: tuple(readings) for character, readings in found.items()}


MAX_READINGS = 16  # combinations of readings kept for one given name


def han_readings(given: str) -> frozenset[str]:
    """The sound keys a given name in Chinese characters may be read as in Korean; empty if a character is unknown.

    ``han_readings("智贤") == {given_key("지현")}``; 莲 is read 련 or 연, so 莲姬 gives the keys of both.
    """
    table = _hanja_readings()
    characters = HAN.findall(given)
    if not characters or any(ch not in table for ch in characters):
        return frozenset()
    keys: set[str] = set()
    for combo in itertools.islice(itertools.product(*(table[ch] for ch in characters)), MAX_READINGS):
        key = given_key("".join(combo))
        if key:
            keys.add(key)
    return frozenset(keys)


@lru_cache(maxsize=1)
def _surname_index() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], dict[str, str]]:
    by_latin: dict[str, set[str]] = {}
    by_han: dict[str, set[str]] = {}
    by_hangul: dict[str, str] = {}
    for hangul, entry in _tables()["surnames"].items():
        by_hangul[hangul] = hangul
        if "also" in entry:
            by_hangul[entry["also"]] = hangul
        for latin in entry["latin"]:
            by_latin.setdefault(latin, set()).add(hangul)
        han = entry["han"]
        for form in han if isinstance(han, list) else list(han):
            by_han.setdefault(form, set()).add(hangul)
    return (
        {k: frozenset(v) for k, v in by_latin.items()},
        {k: frozenset(v) for k, v in by_han.items()},
        by_hangul,
    )


def script_of(text: str) -> Script:
    """The script a name is printed in: Hangul first, then Chinese characters, then Latin."""
    if HANGUL.search(text):
        return "hangul"
    if HAN.search(text):
        return "han"
    if LATIN.search(text):
        return "latin"
    return "other"


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if "a" <= ch <= "z")


def sound_key(text: str) -> str:
    """The coarse sound key of romanised text: ``sound_key("Woo-jeong") == sound_key("U-chŏng")``.

    Each hyphen- or space-separated part is keyed on its own, so a vowel at a
    syllable boundary (Woo-il) is not read as a diphthong.
    """
    keys = []
    for part in re.split(r"[\s\-'’.]+", text):
        key = _ascii(part)
        for pattern, replacement in SOUND_RULES:
            key = pattern.sub(replacement, key)
        keys.append(key)
    return "".join(keys)


def _jamo(syllable: str) -> tuple[int, int, int] | None:
    code = ord(syllable)
    if not HANGUL_FIRST <= code <= HANGUL_LAST:
        return None
    offset = code - HANGUL_FIRST
    return offset // (MEDIALS * FINALS), (offset // FINALS) % MEDIALS, offset % FINALS


def romanize_syllables(hangul: str, system: System = "rr") -> list[str]:
    """Romanise each Hangul syllable on its own (the rule for personal names); other characters are dropped."""
    table = _tables()[system]
    out: list[str] = []
    for ch in hangul:
        parts = _jamo(ch)
        if parts is None:
            continue
        initial, medial, final = parts
        initials = table["initials"]
        if system == "mr" and out and VOICING.search(out[-1]):
            initials = table["voiced_initials"]
        out.append(initials[initial] + table["medials"][medial] + table["finals"][final])
    return out


def split_name(name: str, surname: str | None = None) -> tuple[str, str]:
    """(surname, given name) of a printed name; Korean order unless only the last word is a surname."""
    text = " ".join(name.split())
    script = script_of(text)
    if script in ("hangul", "han"):
        compact = text.replace(" ", "")
        if surname and compact.startswith(surname) and len(compact) > len(surname):
            size = len(surname)
        else:
            size = 2 if len(compact) > 2 and _is_compound_surname(compact[:2]) else 1
        return compact[:size], compact[size:]
    words = text.split(" ")
    if len(words) == 1:
        return words[0], ""
    if surname and _ascii(words[-1]) == _ascii(surname) and _ascii(words[0]) != _ascii(surname):
        return words[-1], " ".join(words[:-1])
    if _is_unknown(surname_keys(words[0])) and not _is_unknown(surname_keys(words[-1])):
        return words[-1], " ".join(words[:-1])
    return words[0], " ".join(words[1:])


def _is_compound_surname(text: str) -> bool:
    _, by_han, by_hangul = _surname_index()
    return text in by_hangul or text in by_han


def _is_unknown(keys: frozenset[str]) -> bool:
    return all(key.startswith("?") for key in keys)


def surname_keys(surname: str) -> frozenset[str]:
    """The Hangul surnames a printed surname can stand for: ``surname_keys("Pak") == {"박"}``."""
    by_latin, by_han, by_hangul = _surname_index()
    text = surname.strip()
    script = script_of(text)
    if script == "hangul" and text in by_hangul:
        return frozenset({by_hangul[text]})
    if script == "han" and text in by_han:
        return by_han[text]
    if script == "latin" and _ascii(text) in by_latin:
        return by_latin[_ascii(text)]
    if script == "hangul":
        return frozenset({"?" + sound_key("".join(romanize_syllables(text)))})
    return frozenset({"?" + (sound_key(text) if script == "latin" else text)})


def given_key(given: str) -> str | None:
    """The comparable key of a given name in any script, or ``None`` for an empty one."""
    text = given.strip()
    if not text:
        return None
    script = script_of(text)
    if script == "hangul":
        return "".join(sound_key(part) for part in romanize_syllables(text))
    if script == "han":
        return "han:" + "".join(HAN.findall(text))
    return sound_key(text) or None


def name_key(name: str | None, surname: str | None = None) -> NameKey | None:
    """The key of a person's printed name and/or surname; ``None`` when neither is given."""
    if name and name.strip():
        printed_surname, given = split_name(name, surname)
        script = script_of(name)
        readings = han_readings(given) if script == "han" else frozenset()
        return NameKey(script, surname_keys(printed_surname), given_key(given), readings)
    if surname and surname.strip():
        return NameKey(script_of(surname), surname_keys(surname), None)
    return None


def readings_agree(a: NameKey, b: NameKey) -> bool:
    """Whether a given name in Chinese characters reads as the other's (in Hangul, Latin or Chinese characters)."""
    if not a.readings and not b.readings:
        return False
    a_keys = a.readings or ({a.given} if a.is_phonetic and a.given else set())
    b_keys = b.readings or ({b.given} if b.is_phonetic and b.given else set())
    return bool(a_keys & b_keys)


def surnames_agree(a: NameKey, b: NameKey) -> bool:
    """Whether two keys can share a surname (an unknown surname only matches its own sound)."""
    return bool(a.surnames & b.surnames)


def romanize_name(name: str, system: System = "rr") -> str:
    """A Hangul name in RR ("Gim U-jeong") or McCune-Reischauer ("Kim U-jŏng"); other names unchanged."""
    if script_of(name) != "hangul":
        return name
    surname, given = split_name(name)
    family = "".join(romanize_syllables(surname, system)).capitalize()
    syllables = romanize_syllables(given, system)
    if system == "mr" and syllables:  # MR voicing runs on inside the given name, not from the surname
        syllables = romanize_syllables(given[0], system) + syllables[1:]
    return f"{family} {'-'.join(syllables).capitalize()}".strip()


def name_variants(name: str) -> frozenset[str]:
    """Lower-case Latin spellings a report may use for a Hangul name ("kim woo-jeong", "pak chŏng-suk" ...)."""
    if script_of(name) != "hangul":
        return frozenset({" ".join(name.casefold().split())})
    surname, given = split_name(name)
    key = next(iter(surname_keys(surname)))
    entry = _tables()["surnames"].get(key)
    families = list(entry["latin"]) if entry else ["".join(romanize_syllables(surname))]
    rr = romanize_syllables(given, "rr")
    mr = [romanize_syllables(ch, "mr")[0] for ch in given[:1]] + romanize_syllables(given, "mr")[1:]
    choices = [sorted({r, m, _ascii_mr(m), _popular(r)}) for r, m in zip(rr, mr, strict=True)]
    forms = {"-".join(combo) for combo in itertools.product(*choices)}
    return frozenset(f"{family} {form}".strip() for family in families for form in forms)


def _ascii_mr(text: str) -> str:
    return text.replace("ŏ", "o").replace("ŭ", "u").replace("'", "")


def _popular(syllable: str) -> str:
    # The spellings South Korean passports and newspapers favour: Woo, Sook, Jung, Young, Hee.
    if syllable in ("u", "yeong"):
        return {"u": "woo", "yeong": "young"}[syllable]
    out = re.sub(r"(?<![aeoy])u(?!i)", "oo", syllable)
    return out.replace("eong", "ung").replace("ui", "ee")


__all__ = [
    "NameKey",
    "han_readings",
    "name_key",
    "name_variants",
    "readings_agree",
    "romanize_name",
    "romanize_syllables",
    "script_of",
    "sound_key",
    "split_name",
    "surname_keys",
    "surnames_agree",
]
