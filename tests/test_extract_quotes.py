"""Direct quotations: speaker, role, organisation and the quoted words, in English, Korean and Chinese.

Every sentence here was written for these tests.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redefection.extract.quotes import extract_quotes
from redefection.extract.sentences import split_sentences
from redefection.records import Article, Document, Quote

MakeDocument = Callable[..., Document]


@pytest.fixture
def quotes(make_document: MakeDocument) -> Callable[..., tuple[Quote, ...]]:
    """Quotes of a document made of ``paragraphs`` in ``language``."""

    def run(language: str, *paragraphs: str) -> tuple[Quote, ...]:
        document = make_document(body=paragraphs, language=language)
        found = extract_quotes(document, split_sentences(document))
        for quote in found:  # every span points at the words it holds
            assert quote.evidence is not None
            assert document.text[quote.evidence.start : quote.evidence.end] == quote.evidence.text
        return found

    return run


def test_named_speaker_after_the_quote(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes(
        "en",
        '"Nobody follows up once the grant runs out," said Han Mi-rae, director of the Seoul Bridge Institute.',
    )
    assert quote.speaker == "Han Mi-rae"
    assert quote.role == "director"
    assert quote.organization == "Seoul Bridge Institute"
    assert quote.evidence is not None and quote.evidence.text == "Nobody follows up once the grant runs out"


def test_named_speaker_before_the_quote(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes(
        "en", 'Oh Jin-seok, a professor at Hanbit University, said: "Debt pushes people into bad choices."'
    )
    assert (quote.speaker, quote.role, quote.organization) == ("Oh Jin-seok", "professor", "Hanbit University")


def test_unnamed_speaker_with_role_and_organisation(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes(
        "en", '"Most of them call us only when the rent is due," said a counselor at a Busan support center.'
    )
    assert quote.speaker is None
    assert quote.role == "counselor"
    assert quote.organization == "Busan support center"


def test_unnamed_analyst_without_organisation(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes(
        "en", '"Crossing twice takes a kind of despair," said a Busan-based analyst who studies the border.'
    )
    assert (quote.speaker, quote.role, quote.organization) == (None, "analyst", None)


def test_two_fragments_of_one_statement_make_one_quote(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes(
        "en", '"Winters are the worst," said a volunteer social worker. "People stop answering the phone."'
    )
    assert quote.role == "social worker"
    assert quote.evidence is not None and quote.evidence.text == "Winters are the worst"


def test_quote_split_by_its_attribution_is_one_quote(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    found = quotes("en", '"The first winter," one researcher said, "decides whether people stay or drift."')
    assert len(found) == 1 and found[0].role == "researcher"


def test_pronoun_refers_to_the_person_named_before(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    found = quotes(
        "en",
        "Moon Seo-yeon came south in 2015 and now runs a bakery in Daejeon.",
        '"I tell the young ones to ask for help early," she said.',
    )
    assert [q.speaker for q in found] == ["Moon Seo-yeon"]


def test_bare_surname_takes_the_full_name_printed_earlier(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    found = quotes(
        "en",
        "Baek Tae-ung has counselled new arrivals for a decade.",
        '"Loneliness is the part nobody plans for," Baek told reporters.',
    )
    assert [q.speaker for q in found] == ["Baek Tae-ung"]


@pytest.mark.parametrize(
    "paragraph",
    [
        'Officials in the North label such people "traitors."',  # a scare quote
        'Her memoir, "A River Between Two Winters", sold a few thousand copies.',  # a book title
        'He wrote one word on the wall: "home."',  # a one-word quote
        '"Some people simply want to see their mothers again before they die."',  # no speech verb around it
        'The clip ran under the slogan "Back to the warm embrace" on state television.',  # a slogan
        '"We are looking into how he left," the defense ministry said.',  # an institution, not a person
    ],
)
def test_english_negatives(quotes: Callable[..., tuple[Quote, ...]], paragraph: str) -> None:
    assert quotes("en", paragraph) == ()


def test_korean_unnamed_speaker_with_mye_and_go_fragments(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes(
        "ko", '한 탈북민 지원단체 관계자는 "이사한 뒤로 전화를 받지 않았다"며 "많이 지쳐 보였다"고 말했다.'
    )
    assert (quote.speaker, quote.role, quote.organization) == (None, "official", "defector support group")
    assert quote.evidence is not None and quote.evidence.text == "이사한 뒤로 전화를 받지 않았다"


def test_korean_named_speaker_and_expert(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    found = quotes(
        "ko",
        '정수민 연구원은 "재입북 통계는 실제보다 적게 잡혀 있다"고 설명했다.',
        '한 북한 전문가는 "정착 3년 차가 가장 위험하다"고 지적했다.',
    )
    assert [(q.speaker, q.role) for q in found] == [("정수민", "researcher"), (None, "North Korea expert")]


def test_korean_suspect_statement_to_police(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes("ko", 'B씨는 경찰 조사에서 "빚을 갚을 방법이 없어 떠나려 했다"는 취지로 진술했다.')
    assert (quote.speaker, quote.role) == (None, "suspect")


@pytest.mark.parametrize(
    "paragraph",
    [
        "북한 매체는 이들을 ‘변절자’라고 부른다.",  # a scare quote
        "그는 ‘두 번의 탈출’이라는 책을 냈다.",  # a book title
        '"돌아가고 싶은 마음은 누구에게나 있다"',  # no attribution
        '통일부는 "관계 기관과 함께 경위를 확인하고 있다"고 밝혔다.',  # an institution
    ],
)
def test_korean_negatives(quotes: Callable[..., tuple[Quote, ...]], paragraph: str) -> None:
    assert quotes("ko", paragraph) == ()


def test_chinese_speaker_before_with_biaoshi(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes("zh", "一名釜山智库的研究员表示：“这类视频的观众其实在南边。”")
    assert (quote.speaker, quote.role, quote.organization) == (None, "researcher", "think tank")
    assert quote.evidence is not None and quote.evidence.text == "这类视频的观众其实在南边"


def test_chinese_speaker_after_with_shuo(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    found = quotes("zh", "“很多人第一年就撑不下去了，”一位社工说，“可是没有人注意。”")
    assert [(q.speaker, q.role) for q in found] == [(None, "social worker")]


def test_chinese_name_after_role(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes("zh", "脱北者支援团体负责人崔明浩（音译）指出：“债务是最常见的原因之一。”")
    assert (quote.speaker, quote.organization) == ("崔明浩", "defector support group")


@pytest.mark.parametrize(
    "paragraph",
    [
        "朝鲜官方把这些人称为“叛徒”。",  # a scare quote
        "宣传网站“我们的故乡之声”发布了视频。",  # a website's name
        "她曾以笔名出版回忆录“两条河之间的冬天”。",  # a title
        "韩国国防部表示：“目前正在调查此人的越境路线。”",  # an institution
    ],
)
def test_chinese_negatives(quotes: Callable[..., tuple[Quote, ...]], paragraph: str) -> None:
    assert quotes("zh", paragraph) == ()


def test_quotes_come_in_text_order(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    found = quotes(
        "en",
        '"Work was the first thing to go," said a pastor who runs a shelter.',
        "The ministry counted 31 such cases since 2012.",
        '"The second thing was his family," said a neighbour in Incheon.',
    )
    assert [q.role for q in found] == ["pastor", "neighbour"]
    starts = [q.evidence.start for q in found if q.evidence is not None]
    assert starts == sorted(starts)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("ab 가나다說 .\"“”‘’「」',:，。said고며")), max_size=60), max_size=4
    ),
    st.sampled_from(["en", "ko", "zh"]),
)
def test_never_raises_and_spans_hold_their_words(paragraphs: list[str], language: str) -> None:
    document = Document(
        id="x", source="x", sha256="", format="text", article=Article(body=tuple(paragraphs)), language=language
    )
    for quote in extract_quotes(document, split_sentences(document)):
        assert quote.evidence is not None
        assert document.text[quote.evidence.start : quote.evidence.end] == quote.evidence.text


def test_attribution_closing_the_paragraph_before(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    found = quotes(
        "en", "Yoo Han-byul, who runs a night school for arrivals, put it this way:", '"Nobody moves twice lightly."'
    )
    assert [q.speaker for q in found] == ["Yoo Han-byul"]


def test_quoted_as_saying_names_the_person_not_the_medium(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    found = quotes(
        "en",
        "Kang Eun-bi reappeared in Pyongyang in March.",
        'A propaganda site quoted her as saying, "I was misled about life in the South."',
    )
    assert [q.speaker for q in found] == ["Kang Eun-bi"]


def test_korean_pronoun_takes_role_from_the_sentence_before(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes("ko", '한 북한 전문가는 이번 일을 예견된 결과로 봤다. 그는 "3년 차 관리가 비어 있다"고 말했다.')
    assert (quote.speaker, quote.role) == (None, "North Korea expert")


def test_korean_explanation_after_the_quote(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes("ko", '"첫 겨울을 넘기면 대개 자리를 잡는다"는 게 한 탈북민 상담사의 설명이다.')
    assert (quote.speaker, quote.role) == (None, "counselor")


def test_chinese_attribution_as_the_next_sentence(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes("zh", "“第一年没有工作的人最容易想回去。”一位脱北者援助团体的负责人说。")
    assert (quote.role, quote.organization) == ("official", "defector support group")


@pytest.mark.parametrize(
    ("paragraph", "speaker", "role"),
    [
        ('"She never said goodbye," said Lee Soo-jin, a friend of Choi Min-seo.', "Lee Soo-jin", "friend"),
        ('"He kept to himself," said Oh Dae-hyun, a neighbour of the late Kang Tae-sik.', "Oh Dae-hyun", "neighbour"),
    ],
)
def test_a_person_named_after_a_relation_is_not_an_organization(
    quotes: Callable[..., tuple[Quote, ...]], paragraph: str, speaker: str, role: str
) -> None:
    (quote,) = quotes("en", paragraph)
    assert quote.speaker == speaker
    assert quote.role == role
    assert quote.organization is None


def test_an_organization_after_the_role_is_still_kept(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes("en", '"We were not told," said Yoon Ha-na, a counselor at the Incheon Hana Center.')
    assert quote.organization == "Incheon Hana Center"


def test_korean_broadcast_caption_names_the_speaker(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes("ko", '[인터뷰] 탈북민 지원단체 관계자 : "연락이 끊긴 뒤에야 떠난 줄 알게 됩니다."')
    assert (quote.speaker, quote.role, quote.organization) == (None, "official", "defector support group")
    assert quote.evidence is not None and quote.evidence.text.startswith("연락이 끊긴 뒤에야")


def test_korean_caption_without_a_person_is_not_a_quote(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    assert quotes("ko", '[자료] 통일부 발표 : "재입북 사례는 올해 두 건이다."') == ()


def test_korean_court_ruling(quotes: Callable[..., tuple[Quote, ...]]) -> None:
    (quote,) = quotes("ko", '항소심 재판부는 "원심의 형이 무겁다고 볼 사정이 없다"고 판시했다.')
    assert (quote.speaker, quote.role) == (None, "appeals court")
