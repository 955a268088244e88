"""Relevance cues per language, with the hard negatives."""

from __future__ import annotations

import pytest

from extract_helpers import make_doc
from redefection.relevance import describe, find_cues, relevance_stage
from redefection.settings import Settings


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "A defector who had settled in Incheon swam back across the estuary to the North on Friday."),
        ("en", "The man, a defector, crossed back over the military demarcation line, officials said."),
        ("en", "A defector who lives in Busan says she wants to go back to the North to see her son."),
        ("en", "Police stopped a defector who tried to drive a truck toward the North across the bridge."),
        ("en", "A woman who had lived in the South since 2009 reappeared in Pyongyang in a state media video."),
        ("ko", "지난해 입국한 탈북민 이모씨가 배를 타고 북한으로 돌아간 것으로 확인됐다."),
        ("ko", "탈북민 최모(51)씨의 재입북 사실이 확인됐다."),
        ("ko", "해경은 작은 배를 타고 북쪽으로 향한 남성이 탈북민으로 확인됐다고 밝혔다."),
        ("ko", "탈북민 박모씨는 북한에 있는 가족에게 돌아갈 수 있게 해 달라며 송환을 요구했다."),
        ("zh", "一名在韩国生活多年的脱北者近日返回朝鲜。"),
        ("zh", "韓國官員證實，一名脫北者越過軍事分界線重返北韓。"),
    ],
)
def test_reports_of_returns_are_relevant(language: str, text: str) -> None:
    document = relevance_stage(make_doc(text, language=language), Settings())
    assert document.relevant
    assert document.relevance_cues and text in document.relevance_cues[0]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Some 196 defectors arrived in the South last year, up from 67 the year before, the ministry said."),
        (
            "en",
            "China appears to have forcibly repatriated hundreds of North Koreans, including defectors, to the North.",
        ),
        ("en", "Seoul sent four North Korean fishermen back to the North after their boat drifted south."),
        ("en", "The defector said she would never go back to the North, whatever happened."),
        ("en", "A South Korean citizen crossed into the North without permission, the military said."),
        ("en", "Asked whether she had ever thought of returning to the North, the defector laughed."),
        ("en", "A defector who opened a bakery in Seoul says business is finally growing."),
        ("ko", "중국이 탈북민 수백 명을 강제북송한 것으로 알려졌다."),
        ("ko", "정부는 동해에서 표류하다 구조된 북한 어민 2명을 북으로 돌려보냈다."),
        ("ko", "지난해 입국한 탈북민은 236명으로 집계됐다."),
        ("zh", "中国将大批脱北者遣返回朝鲜，人权团体表示担忧。"),
        ("zh", "韩国将获救的朝鲜渔民送回北方。"),
    ],
)
def test_hard_negatives_are_not_relevant(language: str, text: str) -> None:
    document = relevance_stage(make_doc(text, language=language), Settings())
    assert not document.relevant
    assert document.relevance_cues == ()


def test_defector_named_in_previous_sentence_counts() -> None:
    document = make_doc("A man crossed the fence on Saturday. He was a defector who had come south in 2020.")
    assert not find_cues(document)  # the move comes before the defector: no cue in the later sentence alone
    document = make_doc("Officials named the man as a defector. He swam back across the river on Saturday.")
    cues = find_cues(document)
    assert len(cues) == 1 and cues[0].sentence.text.startswith("He swam back")


def test_headline_sets_the_subject() -> None:
    document = make_doc("She flew back to the North via China in May.", title="Defector resurfaces in Pyongyang")
    assert find_cues(document)


def test_cue_description_names_the_matched_words() -> None:
    cue = find_cues(make_doc("A defector swam back across the estuary."))[0]
    assert describe(cue).startswith("[defector + swam back]")
