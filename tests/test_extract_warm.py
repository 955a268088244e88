"""Tables built ahead of the first document give the same answers as tables built on first use.

Matchers whose patterns share group names ("age", "sur") are searched pattern by pattern; a learned one
skips the patterns whose words the sentence lacks, so those are compared here too.
"""

from __future__ import annotations

import re

from redefection.extract.lexicon import AnyOf, patterns, section
from redefection.extract.warm import prepare

SENTENCES = (
    "A defector who settled in the South in 2016 swam back across the estuary to the North, officials said.",
    "The man, 27, was shown on state television on Tuesday saying he had been lured back.",
    "Nothing in this sentence concerns anyone in particular.",
    "탈북민 김모(31)씨가 지난달 월북한 것으로 확인됐다고 통일부가 밝혔다.",
    "一名2018年来到韩国的脱北者上月返回朝鲜，现年29岁。",
    "  ",
)


def _spans(matcher: AnyOf, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in matcher.finditer(text)]


def test_a_learned_matcher_finds_what_a_new_one_finds() -> None:
    compared = matched = 0
    for language in ("en", "ko", "zh"):
        for key, values in section("incidents", language).items():
            if not (isinstance(values, list) and values and all(isinstance(v, str) for v in values)):
                continue
            fresh, learned = AnyOf(tuple(values), re.IGNORECASE), AnyOf(tuple(values), re.IGNORECASE)
            learned.learn()
            assert learned.learned and not fresh.learned
            for text in SENTENCES:
                first, second = fresh.search(text), learned.search(text)
                assert (first and first.span()) == (second and second.span()), (language, key, text)
                assert _spans(fresh, text) == _spans(learned, text), (language, key, text)
                compared += 1
                matched += first is not None
    assert compared > 100 and matched > 20


def test_prepare_builds_and_learns_a_languages_matchers() -> None:
    prepare("zh")
    keys = [key for key, values in section("incidents", "zh").items() if isinstance(values, list) and values]
    assert keys
    assert all(patterns("incidents", "zh", key).learned for key in keys)


def test_a_language_without_tables_is_prepared_with_the_english_ones() -> None:
    prepare("de")
    assert patterns("incidents", "en", "age").learned
