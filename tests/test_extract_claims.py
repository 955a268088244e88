"""Claims: numbers, qualifiers, subjects, periods, reference dates and sources, on sentences we wrote."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redefection.extract.claims import extract_claims
from redefection.extract.numbers import find_numbers, parse_number
from redefection.extract.sentences import split_sentences
from redefection.extract.sources import canonical_source, find_mentions
from redefection.records import Article, Document

Row = tuple[str, int, str, str | None, str | None, str | None]


def make(language: str, *paragraphs: str) -> Document:
    return Document(
        id="t",
        source="t",
        sha256="",
        format="text",
        language=language,
        article=Article(body=paragraphs),
        relevant=True,
    )


def claims(language: str, *paragraphs: str) -> list[Row]:
    document = make(language, *paragraphs)
    found = extract_claims(document, split_sentences(document))
    for claim in found:  # evidence always points at the document text
        assert claim.evidence is not None
        assert document.text[claim.evidence.start : claim.evidence.end] == claim.evidence.text
    return [(c.subject, c.value, c.qualifier, c.period, c.as_of, c.source) for c in found]


# --- numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("2,481", "en", 2481),
        ("48,112", "en", 48112),
        ("seven", "en", 7),
        ("Thirteen", "en", 13),
        ("forty-two", "en", 42),
        ("two hundred", "en", 200),
        ("4만1천250", "ko", 41250),
        ("2천8", "ko", 2008),
        ("3.5만", "ko", 35000),
        ("四十", "zh", 40),
        ("十二", "zh", 12),
        ("两千", "zh", 2000),
        ("三万五千", "zh", 35000),
        ("4500", "zh", 4500),
    ],
)
def test_parse_number(text: str, language: str, value: int) -> None:
    assert parse_number(text, language) == value


def test_parse_number_rejects_words_that_are_not_numbers() -> None:
    assert parse_number("several", "en") is None
    assert parse_number("통일", "ko") is None


@pytest.mark.parametrize(
    ("text", "language", "value", "qualifier"),
    [
        ("at least 16 defectors", "en", 16, "at least"),
        ("roughly 45 defectors", "en", 45, "about"),
        ("nearly 70 people", "en", 70, "about"),
        ("some 55 people", "en", 55, "about"),
        ("more than 3,100 people", "en", 3100, "more than"),
        ("over 90 defectors", "en", 90, "more than"),
        ("the 27,000-plus defectors", "en", 27000, "more than"),
        ("fewer than 20 people", "en", 20, "fewer than"),
        ("약 4만 명", "ko", 40000, "about"),
        ("50여 명", "ko", 50, "about"),
        ("600명 가까이", "ko", 600, "about"),
        ("41명가량", "ko", 41, "about"),
        ("70명 이상", "ko", 70, "at least"),
        ("四十多名", "zh", 40, "more than"),
        ("3100多人", "zh", 3100, "more than"),
        ("约75人", "zh", 75, "about"),
        ("至少12名", "zh", 12, "at least"),
    ],
)
def test_qualifiers(text: str, language: str, value: int, qualifier: str) -> None:
    counts = [n for n in find_numbers(text, language) if n.kind == "count"]
    assert [(n.value, n.qualifier) for n in counts] == [(value, qualifier)]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("a 33-year-old man", "en"),
        ("Lee (44) said", "en"),
        ("in 2016", "en"),
        ("rose 5.6 percent", "en"),
        ("a 12-ton boat", "en"),
        ("paid $4,000", "en"),
        ("three years later", "en"),
        ("on March 3", "en"),
        ("in his 40s", "en"),
        ("박모(37)씨", "ko"),
        ("37세", "ko"),
        ("2016년", "ko"),
        ("40대 남성", "ko"),
        ("37岁", "zh"),
        ("2016年", "zh"),
        ("统一部", "zh"),
    ],
)
def test_numbers_that_do_not_count_people(text: str, language: str) -> None:
    assert [n for n in find_numbers(text, language) if n.kind == "count"] == []


@given(st.text(max_size=80), st.sampled_from(["en", "ko", "zh"]))
def test_find_numbers_never_raises(text: str, language: str) -> None:
    for number in find_numbers(text, language):
        assert 0 <= number.start <= number.value_start < number.value_end <= number.end <= len(text)


@given(st.lists(st.text(max_size=120), min_size=1, max_size=3), st.sampled_from(["en", "ko", "zh"]))
def test_extract_claims_never_raises(paragraphs: list[str], language: str) -> None:
    claims(language, *paragraphs)


# --- English -------------------------------------------------------------------------------------------


def test_english_claim_with_qualifier_period_and_source() -> None:
    text = (
        "At least 16 North Korean defectors have gone back to the North since 2014, "
        "according to the Unification Ministry."
    )
    assert claims("en", text) == [
        ("returned_north", 16, "at least", "since 2014", None, "Ministry of Unification"),
    ]


def test_english_number_word_and_trailing_attribution() -> None:
    text = "Nineteen defectors re-defected between 2013 and 2018, the Ministry of Unification said on Tuesday."
    assert claims("en", text) == [
        ("returned_north", 19, "exact", "between 2013 and 2018", None, "Ministry of Unification"),
    ]


def test_the_ministry_resolves_to_the_ministry_named_earlier() -> None:
    rows = claims(
        "en",
        "The Unification Ministry briefed reporters on Friday.",
        "Nineteen defectors re-defected between 2013 and 2018, the ministry said.",
    )
    assert rows[0][-1] == "Ministry of Unification"
    assert claims("en", "Nineteen defectors re-defected last year, the ministry said.")[0][-1] is None


def test_from_to_gives_two_claims() -> None:
    text = (
        "The number of defectors arriving in the South fell from more than 2,400 in 2012 to 190 in 2022, "
        "according to data from the Unification Ministry."
    )
    assert claims("en", text) == [
        ("arrivals", 2400, "more than", "2012", None, "Ministry of Unification"),
        ("arrivals", 190, "exact", "2022", None, "Ministry of Unification"),
    ]


def test_breakdown_of_them_inherits_subject_and_source() -> None:
    rows = claims(
        "en",
        "Some 27 defectors have returned to the North over the past decade, the Unification Ministry said.",
        "The ministry recorded 28 cases since 2013, eight of them in 2014 alone.",
    )
    assert rows == [
        ("returned_north", 27, "about", "past decade", None, "Ministry of Unification"),
        ("returned_north", 28, "exact", "since 2013", None, "Ministry of Unification"),
        ("returned_north", 8, "exact", "2014", None, "Ministry of Unification"),
    ]


def test_whereabouts_other_and_as_of() -> None:
    rows = claims(
        "en",
        "Government figures showed the whereabouts of 720 defectors were unknown as of May last year.",
        "About 650 defectors have emigrated to third countries, "
        "a study by the Korea Institute for National Unification found.",
    )
    assert rows == [
        ("whereabouts_unknown", 720, "exact", None, "as of May last year", "South Korean government"),
        ("other", 650, "about", None, None, "Korea Institute for National Unification"),
    ]


def test_protected_defectors_take_their_date_as_reference() -> None:
    assert claims("en", "Last year, police officers gave personal protection to 32,400 defectors.") == [
        ("other", 32400, "exact", None, "Last year", None),
    ]


def test_attribution_after_the_figure_does_not_cover_an_earlier_figure() -> None:
    text = (
        "Of the roughly 35,000 defectors who have settled in the South, the Unification Ministry "
        "has confirmed 29 who went back."
    )
    assert claims("en", text) == [
        ("arrivals", 35000, "about", None, None, None),
        ("returned_north", 29, "exact", None, None, "Ministry of Unification"),
    ]


def test_person_as_source() -> None:
    text = "Rep. Park Sang-min of the Justice Party said 23 defectors returned to the North between 2016 and 2021."
    assert claims("en", text)[0][-1] == "Park Sang-min"


def test_media_tally() -> None:
    text = "She is one of 18 defectors reported to have returned since 2012, according to tallies by local media."
    assert claims("en", text) == [("returned_north", 18, "exact", "since 2012", None, "South Korean media")]


@pytest.mark.parametrize(
    "text",
    [
        "A 26-year-old man who arrived in 2016 swam back across the river, officials said.",
        "The defector, 41, returned to the North in 2019.",
        "He was fined 3 million won before he went back to the North.",
        "Unemployment among defectors rose to 7.2 percent.",
        "Two soldiers who saw him said he had gone back to the North.",
        "One defector returned to the North last year.",
        "A family of four went back to the North by boat.",
        "He spent three years in China before arriving in the South.",
        "A 2019 survey of 400 defectors found that 20 percent had considered returning to the North.",
        "The 12 defectors were returned by China last month.",
        "After Kim went back to the North, police questioned 12 people who knew him.",
    ],
)
def test_english_negatives(text: str) -> None:
    assert claims("en", text) == []


# --- Korean --------------------------------------------------------------------------------------------


def test_korean_claim_with_range_period() -> None:
    text = "통일부에 따르면 2014년부터 2021년까지 재입북한 탈북민은 모두 26명이다."
    assert claims("ko", text) == [
        ("returned_north", 26, "exact", "2014년부터 2021년까지", None, "Ministry of Unification"),
    ]


def test_korean_yearly_breakdown_inherits_from_the_total() -> None:
    text = "국정원은 최근 4년간 북한으로 돌아간 탈북민이 12명이라고 밝혔다. 연도별로는 2019년 5명, 2020년 7명이다."
    assert claims("ko", text) == [
        ("returned_north", 12, "exact", "최근 4년간", None, "National Intelligence Service"),
        ("returned_north", 5, "exact", "2019년", None, "National Intelligence Service"),
        ("returned_north", 7, "exact", "2020년", None, "National Intelligence Service"),
    ]


def test_korean_lawmaker_and_surname_reference() -> None:
    rows = claims(
        "ko",
        "국민의힘 한수민 의원은 소재가 확인되지 않는 탈북민이 800명 가까이 된다고 밝혔다.",
        "한 의원은 2022년 12월 말 기준 국내 입국 탈북민은 약 3만4천명이라고 설명했다.",
    )
    assert rows == [
        ("whereabouts_unknown", 800, "about", None, None, "한수민"),
        ("arrivals", 34000, "about", None, "2022년 12월 말 기준", "한수민"),
    ]


def test_korean_negatives() -> None:
    assert claims("ko", "이모(31)씨는 2019년 입국했다. 40대 남성 탈북민이 1인 시위를 벌였다. 그는 27세였다.") == []


# --- Chinese -------------------------------------------------------------------------------------------


def test_chinese_claim_with_source_before() -> None:
    text = "据韩国统一部统计，2013年至2020年间共有27名脱北者重返朝鲜。"
    assert claims("zh", text) == [
        ("returned_north", 27, "exact", "2013年至2020年间", None, "Ministry of Unification"),
    ]


def test_chinese_media_more_than_and_whereabouts() -> None:
    rows = claims("zh", "韩国媒体报道称，自2014年以来三十多名脱北者返回朝鲜。另有约700人下落不明。")
    assert rows == [
        ("returned_north", 30, "more than", "自2014年以来", None, "South Korean media"),
        ("whereabouts_unknown", 700, "about", None, None, "South Korean media"),  # the paragraph's source
    ]


def test_chinese_two_claims_in_one_sentence() -> None:
    text = "韩国统一部数据显示，进入韩国的脱北者人数从2010年的2300多人降至2021年的63人。"
    assert claims("zh", text) == [
        ("arrivals", 2300, "more than", "2010年", None, "Ministry of Unification"),
        ("arrivals", 63, "exact", "2021年", None, "Ministry of Unification"),
    ]


def test_chinese_negatives() -> None:
    assert claims("zh", "金某今年31岁，2018年来到韩国。一名男子返回朝鲜。") == []


# --- sources -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "name"),
    [
        ("통일부", "ko", "Ministry of Unification"),
        ("统一部", "zh", "Ministry of Unification"),
        ("統一部", "zh", "Ministry of Unification"),
        ("the Unification Ministry", "en", "Ministry of Unification"),
        ("국정원", "ko", "National Intelligence Service"),
        ("합참", "ko", "Joint Chiefs of Staff"),
        ("朝中社", "zh", "Korean Central News Agency"),
        ("South Korean media", "en", "South Korean media"),
        ("Ministry of Unification", "ko", "Ministry of Unification"),
    ],
)
def test_canonical_source(text: str, language: str, name: str) -> None:
    assert canonical_source(text, language) == name


def test_canonical_source_unknown() -> None:
    assert canonical_source("a local church", "en") is None


def test_mentions_know_attribution_from_mere_mention() -> None:
    mentions = find_mentions("He protested in front of the Unification Ministry, the NIS said.", "en")
    assert [(m.name, m.is_attribution) for m in mentions] == [
        ("Ministry of Unification", False),
        ("National Intelligence Service", True),
    ]


# --- kinds of sentence: the claims grammar ----------------------------------------------------------


def subjects_values(language: str, *paragraphs: str) -> list[tuple[str, int]]:
    return [(row[0], row[1]) for row in claims(language, *paragraphs)]


def labelled(language: str, *paragraphs: str) -> list[tuple[str, str | None, int]]:
    document = make(language, *paragraphs)
    return [(c.subject, c.label, c.value) for c in extract_claims(document, split_sentences(document))]


def test_list_that_states_the_noun_once_gives_one_claim_per_item() -> None:
    text = "Three defectors crossed back into the North in 2015, four in 2016 and another four in 2017."
    rows = claims("en", text)
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("returned_north", 3, "2015"),
        ("returned_north", 4, "2016"),
        ("returned_north", 4, "2017"),
    ]


def test_each_gives_one_claim_per_year() -> None:
    rows = claims("en", "The agency counted 31 returnees in all. Seven each went back in 2018 and 2019.")
    assert [(r[1], r[3]) for r in rows if r[1] == 7] == [(7, "2018"), (7, "2019")]
    ko = claims("ko", "재입북한 탈북민은 모두 20명이다. 2018년과 2019년에 각각 6명이었다.")
    assert [(r[1], r[3]) for r in ko if r[1] == 6] == [(6, "2018년"), (6, "2019년")]


def test_existential_sentence_continues_the_topic_before_it() -> None:
    text = "Few defectors have gone back to the North. Officials said there were about 40 in the past decade."
    assert claims("en", text) == [("returned_north", 40, "about", "past decade", None, None)]


def test_sentence_about_the_figure_itself_continues_it() -> None:
    text = "A lawmaker said 90 defectors had returned to the North. The true number might be fewer than ten."
    assert subjects_values("en", text) == [("returned_north", 90), ("returned_north", 10)]


def test_partitive_of_them_and_cases_of() -> None:
    text = "Some 50 defectors returned to the North since 2012, 12 of them in the first year alone."
    assert subjects_values("en", text) == [("returned_north", 50), ("returned_north", 12)]
    assert subjects_values("en", "Officials recorded 17 cases of re-defection last year.") == [("returned_north", 17)]


@pytest.mark.parametrize(
    ("language", "text", "value"),
    [
        ("en", "Around a hundred defectors have returned to the North, an activist said.", 100),
        ("en", "A dozen defectors went back to the North last year.", 12),
        ("ko", "지난해 열한 명의 탈북민이 재입북했다.", 11),
        ("ko", "재입북한 탈북민은 스물두 명으로 집계됐다.", 22),
        ("zh", "去年共有十一名脱北者重返朝鲜。", 11),
    ],
)
def test_number_words_in_three_languages(language: str, text: str, value: int) -> None:
    assert subjects_values(language, text) == [("returned_north", value)]


def test_range_from_more_than_x_to_y() -> None:
    text = "Arrivals fell from more than 2,900 in 2009 to 1,180 in 2016, the ministry said."
    assert subjects_values("en", text) == [("arrivals", 2900), ("arrivals", 1180)]


def test_korean_bullet_list_gives_one_claim_per_year_single_people_included() -> None:
    text = "통일부에 따르면 재입북한 탈북민은 △2016년 5명 △2017년 2명 △2019년 1명이다."
    rows = claims("ko", text)
    assert [(r[1], r[3]) for r in rows] == [(5, "2016년"), (2, "2017년"), (1, "2019년")]
    assert {r[5] for r in rows} == {"Ministry of Unification"}


def test_chinese_breakdown_by_year_keeps_single_people() -> None:
    text = "据统一部统计，重返朝鲜的脱北者共9人，其中2015年1人、2016年8人。"
    assert [(r[1], r[3]) for r in claims("zh", text)][1:] == [(1, "2015年"), (8, "2016年")]
    assert next(r[1] for r in claims("zh", text)) == 9


def test_passive_reporting_with_according_to() -> None:
    text = "At least 14 defectors were reported to have returned to the North last year, according to Yonhap."
    assert claims("en", text) == [("returned_north", 14, "at least", "last year", None, "Yonhap News Agency")]


def test_source_from_the_paragraph_when_the_sentence_names_none() -> None:
    text = "The unification ministry said 20 defectors had returned to the North since 2015. Six went back in 2016."
    rows = claims("en", text)
    assert [(r[1], r[5]) for r in rows] == [(20, "Ministry of Unification"), (6, "Ministry of Unification")]
    # a figure restated with its source gives the source to the first mention
    text = "Eighteen defectors returned to the North. The Unification Ministry said 18 defectors returned to the North."
    assert [(r[1], r[5]) for r in claims("en", text)] == [(18, "Ministry of Unification")]


def test_subjects_beyond_returning_carry_a_label() -> None:
    assert labelled("en", "Of the 20 defectors who went back to the North, five later returned to the South.") == [
        ("returned_north", None, 20),
        ("other", "back_south", 5),
    ]
    assert labelled("en", "Nine defectors were punished last year for trying to go back to the North.") == [
        ("other", "punished", 9)
    ]
    assert labelled("en", "Some 40 defectors moved on to third countries between 2016 and 2020.") == [
        ("other", "third_country", 40)
    ]
    assert labelled("ko", "재입북 후 다시 국내로 들어온 탈북민은 3명이다.") == [("other", "back_south", 3)]
    assert labelled("zh", "重返朝鲜的脱北者共10人，其中4人后来又再次脱北回到韩国。") == [
        ("returned_north", None, 10),
        ("other", "back_south", 4),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Choi Min-seo, 37, returned to the North in March.",
        "Kang Ji-ho, 24, and Yoon Seo-yeon, 29, went back to the North together.",
        "The man, 41, who had returned to the North, was shown on state television.",
        "A defector identified by police as Han, 29, crossed back to the North on Jan. 1.",
    ],
)
def test_an_age_in_apposition_is_never_a_claim(text: str) -> None:
    assert claims("en", text) == []


def test_years_dates_and_ids_are_not_claims() -> None:
    text = "In 2019, on Sept. 14, defector No. 2231 returned to the North via route 12."
    assert claims("en", text) == []


def test_table_line_gives_one_claim_per_row_with_the_caption_subject_and_source() -> None:
    line = "Re-defections confirmed by the Ministry of Unification, by year: 2014 3; 2015 2; 2016 1; Total 6"
    rows = claims("en", "The ministry keeps a yearly count.", line)
    assert [(r[0], r[1], r[3], r[5]) for r in rows] == [
        ("returned_north", 3, "2014", "Ministry of Unification"),
        ("returned_north", 2, "2015", "Ministry of Unification"),
        ("returned_north", 1, "2016", "Ministry of Unification"),
    ]


def test_the_figures_own_clause_gives_its_subject_before_a_later_clause() -> None:
    text = "Almost 31,000 people have defected from North Korea - and only a handful have ever gone back."
    assert subjects_values("en", text) == [("arrivals", 31000)]
    text = "Over 32,000 North Koreans have defected to South Korea since 1953, while few have returned to the North."
    assert subjects_values("en", text) == [("arrivals", 32000)]


def test_a_share_after_a_figure_takes_its_own_subject() -> None:
    text = "据韩国统一部统计，2012年以来共有31名脱北者重返朝鲜，其中7人后来再次脱北回到韩国。"
    assert labelled("zh", text) == [("returned_north", None, 31), ("other", "back_south", 7)]
    text = "통일부에 따르면 2012년 이후 재입북한 탈북민은 31명이며, 이 가운데 7명은 다시 탈북해 국내로 돌아왔다."
    assert labelled("ko", text) == [("returned_north", None, 31), ("other", "back_south", 7)]
    text = "Twelve defectors were caught trying to return to the North, 9 of them in 2019."
    assert labelled("en", text) == [("other", "punished", 12), ("other", "punished", 9)]


def test_a_second_figure_in_the_list_with_its_own_predicate() -> None:
    text = "Some 770 defectors have left for third countries, and 24 remain missing, officials said."
    assert labelled("en", text) == [("other", "third_country", 770), ("whereabouts_unknown", None, 24)]


def test_cases_after_a_new_frame_take_that_frames_subject() -> None:
    text = (
        "South Korea takes in over 900 defectors a year, while the number of those trying to go back to the North "
        "stays small, with only 28 recorded cases since 2013."
    )
    assert subjects_values("en", text) == [("arrivals", 900), ("returned_north", 28)]


def test_a_range_of_counts_is_one_figure_at_its_lower_bound() -> None:
    assert claims("en", "Between 20 and 30 defectors have returned to the North since 2012.") == [
        ("returned_north", 20, "at least", "since 2012", None, None)
    ]
    assert claims("en", "Some 20 to 30 defectors have gone back to the North.") == [
        ("returned_north", 20, "at least", None, None, None)
    ]
    assert claims("ko", "2012년 이후 재입북한 탈북민은 20~30명으로 추산된다.") == [
        ("returned_north", 20, "at least", "2012년 이후", None, None)
    ]
    # a change is two figures, and a span of years is a period
    assert [row[1] for row in claims("en", "The number of defectors who went back rose from 20 to 30.")] == [20, 30]
    assert claims("en", "Between 2012 and 2020, 30 defectors returned to the North.")[0][1] == 30


def test_people_named_by_what_they_were_in_the_north_are_counted() -> None:
    text = "Some 20 North Korean officials who had defected to the South later returned to the North."
    assert claims("en", text) == [("returned_north", 20, "about", None, None, None)]
    assert claims("en", "At least 12 North Korean soldiers who fled south have gone back.")[0][:3] == (
        "returned_north",
        12,
        "at least",
    )


def test_re_entering_the_north_is_a_return() -> None:
    rows = claims("en", "Nine defectors re-entered the North in 2013 and two in 2014, the Unification Ministry said.")
    assert rows == [
        ("returned_north", 9, "exact", "2013", None, "Ministry of Unification"),
        ("returned_north", 2, "exact", "2014", None, "Ministry of Unification"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        '"Eleven defectors went back to the North last year," said Lee Min-ho, a ministry spokesman.',
        "Eleven defectors went back to the North last year, said Lee Min-ho.",
        '"Eleven defectors went back to the North last year," Lee Min-ho said.',
    ],
)
def test_speaker_of_a_figure_in_a_quote_or_after_an_inverted_verb_is_its_source(text: str) -> None:
    assert claims("en", text) == [("returned_north", 11, "exact", "last year", None, "Lee Min-ho")]


def test_unnamed_official_statistics_are_the_government() -> None:
    for text in (
        "According to official statistics, 25 defectors have returned to North Korea since 2012.",
        "Official statistics show that 25 defectors have returned to North Korea since 2012.",
    ):
        assert claims("en", text) == [("returned_north", 25, "exact", "since 2012", None, "South Korean government")]


def test_a_figure_in_a_speakers_quotation_is_theirs() -> None:
    from redefection.extract.quotes import extract_quotes

    document = make(
        "en",
        "Former lawmaker Han Mi-rae said the three had been lured back.",
        '"They went back through China after being promised new homes," she said. '
        '"The number of defectors who went back this year is estimated to top 40."',
    )
    sentences = split_sentences(document)
    found = extract_claims(document, sentences, extract_quotes(document, sentences))
    assert [(c.value, c.qualifier, c.source) for c in found] == [(40, "more than", "Han Mi-rae")]
    # without the quotations the figure has no source
    assert [c.source for c in extract_claims(document, sentences)] == [None]


def test_dozens_multiply() -> None:
    assert [(n.value, n.kind) for n in find_numbers("Around two dozen defectors went back.", "en")] == [(24, "count")]
    assert [(n.value, n.kind) for n in find_numbers("A dozen defectors went back.", "en")] == [(12, "count")]
    assert [n.kind for n in find_numbers("Half a dozen defectors went back.", "en")] == ["other"]


def test_an_interview_answer_takes_the_topic_before_the_question() -> None:
    rows = claims(
        "en",
        "Last month a defector swam back to the North, and re-defection was in the news again. We spoke with "
        "a counselor who has worked with newly arrived North Koreans for a decade.",
        "How often does this happen?",
        "The official figures put it somewhere between 20 and 30 over the past decade.",
    )
    assert rows == [("returned_north", 20, "at least", "past decade", None, "South Korean government")]


def test_defecting_to_the_south_a_second_time_is_coming_back_south() -> None:
    document = make("en", "Twelve defectors went back to the North. Two later defected to the South a second time.")
    found = extract_claims(document, split_sentences(document))
    assert [(c.subject, c.label, c.value) for c in found] == [
        ("returned_north", None, 12),
        ("other", "back_south", 2),
    ]


@pytest.mark.parametrize(
    ("language", "paragraphs"),
    [
        ("ko", ("재입북한 탈북민은 모두 23명으로 밝혀졌다. 통일부가 국회에 제출한 자료에서 이같이 보고했다.",)),
        (
            "en",
            (
                "A total of 23 defectors have returned to the North.",
                "The Unification Ministry released these figures on Monday.",
            ),
        ),
        ("zh", ("共有23名脱北者重返朝鲜。统一部公布了上述数据。",)),
    ],
)
def test_a_source_named_after_the_figure_with_words_pointing_back(language: str, paragraphs: tuple[str, ...]) -> None:
    (row,) = [r for r in claims(language, *paragraphs) if r[1] == 23]
    assert row[5] == "Ministry of Unification"


def test_a_source_named_after_the_figure_without_pointing_back_is_not_its_source() -> None:
    rows = claims(
        "en", "A total of 23 defectors have returned to the North.", "The Unification Ministry runs a hotline."
    )
    (row,) = [r for r in rows if r[1] == 23]
    assert row[5] is None
