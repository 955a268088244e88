"""The literal test that skips regular-expression searches never skips one that would match."""

from __future__ import annotations

import random
import re

import pytest

from redefection.extract._literals import FOLDS_TO_ASCII, absent, caseless, needed, pattern_needs
from redefection.extract.lexicon import load_lexicon, section

ASCII = re.compile(r"[\x00-\x7f]", re.IGNORECASE)


def test_folds_to_ascii_lists_every_character_ignorecase_matches_with_an_ascii_letter() -> None:
    # Every code point outside ASCII that re.IGNORECASE matches with an ASCII letter, and that
    # str.lower() does not lower into ASCII: those are the letters that turn the test off.
    unsafe = {
        chr(code) for code in range(0x80, 0x110000) if ASCII.fullmatch(chr(code)) and not chr(code).lower().isascii()
    }
    assert unsafe == set(FOLDS_TO_ASCII)


def test_caseless_characters_have_no_other_case() -> None:
    assert caseless("통") and caseless("统") and caseless("（") and caseless("a") and caseless("Q")
    assert not caseless("é") and not caseless("Σ")


@pytest.mark.parametrize(
    ("source", "needs"),
    [
        (r"\bre-?defect(?:ed|ion|ing|ors?)?\b", {"defect"}),
        (r"\b(?:went|gone) back\b", {" back"}),  # the longest of the words it needs
        (r"\b(?:went|gone)\b", {"went", "gone"}),
        (r"(?:(?<=\bsaid\s)|(?<=\bsays\s))(?P<name>[A-Z][a-z]+)", {"said", "says"}),
        (r"(?<![가-힣])당국(?:자)?", {"당국"}),
        (r"Mr\.? (?P<sur>[A-Z][a-z]+)", {"mr"}),
    ],
)
def test_needed_gives_the_words_a_match_cannot_do_without(source: str, needs: set[str]) -> None:
    assert needed((source,), re.IGNORECASE) == needs


@pytest.mark.parametrize("source", [r"\d+", r"[A-Z][a-z]+", r"(?:a|\d)", r"x?", r"(?!north)\w+"])
def test_a_pattern_that_can_match_without_a_literal_needs_nothing(source: str) -> None:
    assert needed((source,)) is None
    assert not absent(needed((source,)), "anything at all")


def test_a_letter_that_folds_onto_ascii_turns_the_test_off() -> None:
    pattern = re.compile(r"\bsaid\b", re.IGNORECASE)
    text = "He \u017faid so"  # long s: re.IGNORECASE matches it with "s"
    assert pattern.search(text)
    assert not absent(pattern_needs(pattern), text)


def _lexicon_patterns() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for concern in ("incidents", "relevance", "claims", "quotes", "sources"):
        for language in ("en", "ko", "zh"):
            for key, values in section(concern, language).items():
                if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
                    for value in values:
                        try:
                            out.append((f"{concern}.{language}.{key}", re.compile(value, re.IGNORECASE)))
                        except re.error:
                            continue
    assert load_lexicon("incidents")
    return out


def _sentences() -> list[str]:
    """Invented sentences built from the lexicons' own words, mixed, with case changed at random."""
    rng = random.Random(16)
    sentence = (
        "a man who defected to the South in 2015 swam back across the estuary to the North and was shown on "
        "state TV , the ministry said on Tuesday ; officials said Kim , 24 , had crossed back . 통일부는 "
        "탈북민 김모(24)씨가 월북했다고 밝혔다 . 统一部表示 , 一名脱北者已返回朝鲜 . she wanted to go home "
        "according to Rep. Park Jung-soo of the Unification Ministry ; he was arrested near the bridge"
    )
    words = sentence.split(" ")
    out = []
    for _ in range(400):
        chosen = rng.sample(words, rng.randint(3, 18))
        text = " ".join(w.upper() if rng.random() < 0.1 else w for w in chosen)
        out.append(text)
    return out


def test_no_lexicon_pattern_matches_a_sentence_the_test_would_skip() -> None:
    sentences = _sentences()
    checked = skipped = 0
    for _, pattern in _lexicon_patterns():
        needs = pattern_needs(pattern)
        for text in sentences:
            checked += 1
            if absent(needs, text):
                skipped += 1
                assert pattern.search(text) is None, (pattern.pattern, text)
    assert skipped > checked // 4  # the test does skip searches: most sentences lack most words


def test_source_names_are_looked_for_exactly_when_the_literal_test_allows() -> None:
    from redefection.extract.sources import _lexicon, _live_names

    rng = random.Random(7)
    compared = kept = 0
    for language in ("en", "ko", "zh"):
        lexicon = _lexicon(language)
        words = sorted({word for needs in lexicon.needs.values() if needs for word in needs})
        extra = ["the", "said", "\u0130stanbul", "\u017f", "ministry", "통일부", "统一部", " "]
        for _ in range(1500):
            text = " ".join(rng.choice(words if rng.random() < 0.5 else extra) for _ in range(rng.randint(0, 6)))
            text = text.upper() if rng.random() < 0.3 else text
            expected = [(name, p) for name, p in lexicon.names if not absent(lexicon.needs[p], text)]
            assert _live_names(text, lexicon) == expected, (language, text)
            compared += 1
            kept += len(expected)
    assert compared == 4500 and 0 < kept < compared * 10
