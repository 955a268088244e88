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


# Document-level evidence: each kind of sentence, in invented text.


def outcome(*paragraphs: str, language: str = "en", title: str | None = None) -> str:
    document = relevance_stage(make_doc(*paragraphs, language=language, title=title), Settings())
    assert document.relevant == (document.relevance == "relevant")
    return str(document.relevance)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # a wider vocabulary of returning and of the North
        ("en", "A defector who had settled in Daegu returned home to the North last spring."),
        ("en", "The defector crossed into North Korea near Kaesong on Monday, the army said."),
        ("en", "Officials said the defector swam back in the dark and was not seen again."),
        ("en", "A defector living in Incheon asked to be repatriated to the North, her lawyer said."),
        ("en", "A defector who came south in 2012 went back to the DPRK last year."),
        ("en", "The defector returned to NK through a third country, a rights group said."),
        ("en", "The defector made her way back to the communist country via China."),
        ("en", "A man who had spent six years in South Korea went to the North via Russia."),
        ("en", "Defecting to the South in 2014 did not work out for him, and he went back to North Korea in 2019."),
        ("en", "A defector in his 40s wants to return home to his family in Hamhung, his lawyer said."),
        ("en", "A defector was indicted for plotting to escape to North Korea by boat."),
        ("en", "State media on Sunday showed a woman who had escaped to the South in 2014 praising the leader."),
        ("en", "The couple, who fled the North in 2011, slipped across the border into North Korea in June."),
        ("en", "A North Korean refugee living in Seoul has disappeared and is believed to be in the North."),
        ("ko", "탈북민 김모씨는 지난달 배를 타고 북으로 돌아갔다."),
        ("ko", "경찰은 한강을 헤엄쳐 북한으로 넘어간 남성이 탈북민이라고 밝혔다."),
        ("ko", "2015년 탈북한 최모씨는 지난해 중국을 거쳐 입북했으며 북한 매체에 등장했다."),
        ("ko", "탈북민 출신 이모씨의 월북 사실이 확인됐다."),
        ("ko", "탈북민 A씨는 북한 대사관을 찾아가 북한으로 돌려보내 달라고 요청했다."),
        ("zh", "一名脱北者上月经由中国返回了朝鲜。"),
        ("zh", "这名脱北者去年回到北韩，官方媒体随后播出了他的讲话。"),
        ("zh", "定居韩国多年的脱北者重返朝鲜。"),
        ("zh", "一名脱北者去年投奔朝鲜，引发关注。"),
    ],
)
def test_wider_vocabulary_of_returning(language: str, text: str) -> None:
    assert outcome(text, language=language) == "relevant"


def test_defector_introduced_once_is_the_subject_of_later_sentences() -> None:
    # A pronoun a paragraph later, a few sentences after the defector was introduced.
    lede = "A defector who reached the South in 2006 told reporters she had been tricked into leaving."
    middle = "Her father died two months after she arrived."
    later = "She lived in Busan before returning to North Korea by plane in May."
    assert outcome(lede, middle, later) == "relevant"
    # A surname first given beside the defector word, many sentences later.
    filler = " ".join(f"Sentence {n} about the weather in the port city." for n in range(8))
    named = "Kwon Chol-nam, a defector from Hyesan, opened a shop in Suwon in 2015."
    assert outcome(named, filler, "Kwon crossed into the North in March, police said.") == "relevant"
    # The same move with no one to refer to is only a candidate.
    assert outcome(named, filler, "Some people crossed into the North in March.") == "possible"


def test_vetoes_apply_to_their_own_actor() -> None:
    # The subject is a defector: fishermen elsewhere in the sentence do not veto it.
    assert outcome("A defector stole a boat from local fishermen and sailed back to the North.") == "relevant"
    assert outcome("Seoul sent two fishermen back to the North after their boat drifted south.") == "not_relevant"
    # Forced repatriation by China, however worded, is no return; a return elsewhere in the sentence still is.
    assert outcome("China repatriated three defectors to the North last week.") == "not_relevant"
    assert outcome("Three defectors were repatriated from China to the North last week.") == "not_relevant"
    assert outcome("Some defectors were sent back to the North last month, an official said.") == "not_relevant"
    once = "A defector who had been repatriated from China in 2008 later settled in Seoul and returned to the North."
    assert outcome(once) == "relevant"
    assert outcome("선원들과 함께 있던 탈북민 김모씨가 배를 몰고 북한으로 넘어갔다.", language="ko") == "relevant"
    assert outcome("정부는 북한 선원 2명을 북으로 돌려보냈다.", language="ko") == "not_relevant"
    assert outcome("중국 당국이 탈북민 50여 명을 강제 북송했다.", language="ko") == "not_relevant"
    assert outcome("中国当局将约50名脱北者送回朝鲜。", language="zh") == "not_relevant"
    # Defectors set against another actor in one sentence: the move north is the other actor's.
    contrast = "Thousands of defectors have come south, while only a few South Koreans have defected to the North."
    assert outcome(contrast) == "not_relevant"
    # ... but a defector who became a South Korean citizen and went back is still a return.
    citizen = "The defector, who had become a South Korean citizen in 2016, returned to the North in June."
    assert outcome(citizen) == "relevant"


def test_a_government_sending_people_back_is_no_return() -> None:
    deported = "Seoul deported two men who had fled to the South back to the communist nation, officials said."
    assert outcome(deported) == "not_relevant"
    feared = "She came to South Korea in 2015 and now worries that the government could send her back to the North."
    assert outcome(feared) == "not_relevant"
    hoped = "The defector hoped the authorities would deport her home to the North, her lawyer said."
    assert outcome(hoped) == "relevant"


def test_denials_are_not_returns() -> None:
    assert outcome("탈북민 박씨는 다시 북으로 돌아갈 생각은 없다고 말했다.", language="ko") == "not_relevant"
    assert outcome("The defector said she does not want to go back to the North.") == "not_relevant"


@pytest.mark.parametrize(
    ("paragraphs", "title"),
    [
        # a defector and a move north in the document, not tied to each other
        (
            ("A defector opened a bakery in Seoul in 2015.", "Weather talk. " * 6, "Two men crossed back in March."),
            None,
        ),
        # a return word beside the North in a document about defectors
        (("Officials would not say how many defectors had returned.",), None),
        (("The ministry counts defectors each year.", "Nobody knows how many went back to North Korea."), None),
        # cues inside fiction
        (("The film follows a defector who decides to go back to the North.",), "Review: a quiet film"),
        (("드라마는 탈북민 설화가 북으로 돌아가는 이야기를 그린다.",), "[드라마 리뷰] 마지막 회"),
    ],
)
def test_weaker_evidence_is_possibly_relevant(paragraphs: tuple[str, ...], title: str | None) -> None:
    language = "ko" if any("탈북" in p for p in paragraphs) else "en"
    document = relevance_stage(make_doc(*paragraphs, language=language, title=title), Settings())
    assert (document.relevance, document.relevant) == ("possible", False)
    assert document.relevance_cues  # the sentences that made it a candidate


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "A defector returned to Seoul after visiting relatives in China."),
        ("en", "The defectors went back to their jobs in Incheon after the holiday."),
        ("en", "Defector activists floated leaflets into North Korea by balloon."),
        ("ko", "탈북민 단체는 북한으로 전단을 날려 보냈다."),
        ("ko", "정부는 동해상에서 나포한 북한 주민 2명을 판문점을 통해 북한으로 추방했다."),
        ("zh", "脱北者团体向朝鲜境内散发传单。"),
        ("en", "Park, a defector who runs an activist group, said the balloons crossed into North Korea."),
    ],
)
def test_a_defector_going_elsewhere_or_sending_things_north_is_not_a_return(language: str, text: str) -> None:
    assert outcome(text, language=language) == "not_relevant"


def test_without_a_defector_nothing_is_a_candidate() -> None:
    assert outcome("Two tourists went back home to Busan after the festival.") == "not_relevant"
    assert outcome("Apple growers returned to their orchards after the frost.") == "not_relevant"


def test_english_sentences_of_a_korean_page_are_read() -> None:
    banner = "이 기사는 한국어 원문을 자동 번역한 것입니다."
    body = "The government confirmed that the couple, defectors who had settled here, came back to the North."
    assert outcome(banner, body, language="ko") == "relevant"


def test_a_relevant_only_pipeline_extracts_no_facts_for_possible_documents() -> None:
    from redefection.pipeline import Pipeline
    from redefection.records import Capture

    page = (
        "<html><head><title>Market notes</title></head><body><p>Kim Su-jin, a defector, opened a shop in Suwon "
        "in 2015.</p><p>{}</p><p>A 40-year-old man crossed back into the North in March 2021, the army "
        "said.</p></body></html>"
    ).format(" ".join(f"Sentence {n} about the market." for n in range(6)))
    capture = Capture(source="possible.html", data=page.encode(), content_type="text/html")
    every = Pipeline(Settings())(capture).document
    scan = Pipeline(Settings(), relevant_only=True)(capture).document
    assert every is not None and scan is not None
    assert every.relevance == scan.relevance == "possible"
    assert every.incidents and not scan.incidents


def test_possible_documents_keep_candidate_facts_but_not_in_the_corpus_json() -> None:
    from redefection.extract import extract_facts
    from redefection.serialize import document_to_json

    paragraphs = (
        "Kim Su-jin, a defector, opened a shop in Suwon in 2015.",
        " ".join(f"Sentence {n} about the market." for n in range(6)),
        "A 40-year-old man crossed back into the North in March 2021, the army said.",
    )
    document = extract_facts(relevance_stage(make_doc(*paragraphs), Settings()))
    assert document.relevance == "possible" and document.incidents
    data = document_to_json(document)
    assert (data["relevant"], data["relevance"]) == (False, "possible")
    assert data["incidents"] == data["claims"] == data["quotes"] == []
    relevant = extract_facts(relevance_stage(make_doc("A defector swam back to the North in 2020."), Settings()))
    data = document_to_json(relevant)
    assert (data["relevant"], data["relevance"]) == (True, "relevant") and data["incidents"]
    off = document_to_json(relevance_stage(make_doc("Apple growers fear frost."), Settings()))
    assert (off["relevant"], off["relevance"]) == (False, "not_relevant")
