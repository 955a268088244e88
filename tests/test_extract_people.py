"""People before events: name forms, roles, enumerations, clause-bound fields, age ranges and routes.

Every document here is invented; each test stands for a kind of sentence, not for one article.
"""

from __future__ import annotations

from datetime import date

import pytest

from extract_helpers import make_doc
from redefection.extract import extract_facts
from redefection.extract.mentions import find_people, plausible_subject
from redefection.records import Document, Incident
from redefection.serialize import incident_to_json


def incidents(document: Document) -> tuple[Incident, ...]:
    return extract_facts(document).incidents


def only(*paragraphs: str, **options: object) -> Incident:
    (incident,) = incidents(make_doc(*paragraphs, **options))  # type: ignore[arg-type]
    return incident


# Name forms


@pytest.mark.parametrize(
    ("sentence", "name", "surname"),
    [
        ("A defector named Yeon-ju Kim went back to North Korea in 2016.", "Yeon-ju Kim", "Kim"),
        ("Ju Ok Soon, 60, crossed into the North from China.", "Ju Ok Soon", "Ju"),
        ("Gim U-jeong (김우정), a former gymnast, climbed back over the fence into North Korea.", "Gim U-jeong", "Gim"),
        ("The defector Kim Woo-jeong climbed back over the fence into North Korea.", "Kim Woo-jeong", "Kim"),
    ],
)
def test_latin_name_forms_give_the_family_name(sentence: str, name: str, surname: str) -> None:
    incident = only(sentence)
    assert (incident.person.name, incident.person.surname) == (name, surname)


def test_a_hyphenated_given_name_is_never_a_family_name() -> None:
    people = find_people("Neighbours of Woo-jeong Kim said Woo-jeong kept to himself.", "en")
    assert [(p.name, p.surname) for p in people] == [("Woo-jeong Kim", "Kim")]


@pytest.mark.parametrize(
    ("text", "language", "surname"),
    [
        ("탈북민 김모씨가 지난 1일 북한으로 돌아간 것으로 확인됐다.", "ko", "김"),
        ("탈북민 A씨가 지난 1일 북한으로 돌아간 것으로 확인됐다.", "ko", None),
        ("一名姓金的脱北者金某于1日越过军事分界线返回朝鲜。", "zh", "金"),
    ],
)
def test_placeholders_are_one_person_without_a_full_name(text: str, language: str, surname: str | None) -> None:
    incident = only(text, language=language, published=date(2022, 1, 3))
    assert incident.person.name is None
    assert incident.person.surname == surname
    assert incident.returned == "2022-01-01"


# Roles: only returnees open incidents


@pytest.mark.parametrize(
    "speaker",
    [
        "Unification Ministry spokesperson Lee Jong-joo",
        "Lawmaker Ha Tae-keung",
        "Park Sun-young, a professor at a Seoul university,",
        "Kim Song-min, who heads an activist group in Seoul,",
        "A spokesperson for the Ministry of Unification, Cha Deok-chul,",
    ],
)
def test_officials_lawmakers_analysts_and_activists_never_become_the_returnee(speaker: str) -> None:
    incident = only(
        f"{speaker} said a defector had crossed back into North Korea on Sunday.", published=date(2022, 1, 3)
    )
    assert incident.person.name is None and incident.person.surname is None
    assert incident.returned == "2022-01-02"


def test_a_role_given_once_holds_for_the_whole_document() -> None:
    document = make_doc(
        "Lawmaker Ha Tae-keung said a defector had crossed back into North Korea on Sunday.",
        "Ha Tae-keung said the military had missed him on camera several times.",
        published=date(2022, 1, 3),
    )
    (incident,) = incidents(document)
    assert incident.person.name is None


def test_an_alias_is_not_another_person() -> None:
    document = make_doc(
        "Choi Eun-mi, who had appeared on television shows in Seoul, surfaces in a video from Pyongyang under the "
        "name Hong Sun-hwa, three months after she went back to the North.",
        published=date(2017, 7, 20),
    )
    (incident,) = incidents(document)
    assert incident.person.name == "Choi Eun-mi"


# Enumerations and coordinated subjects


def test_an_enumeration_gives_one_incident_per_person_with_the_date_of_each_clause() -> None:
    document = make_doc(
        "They are Park Kyung-eun, 64, Kang Cheol-woo, 40, and a woman, Kim Yeon-ju, 22, all of whom had settled "
        "in the South as defectors.",
        "According to state media, Park returned to the North in June, and Kang and Kim in September.",
        published=date(2016, 11, 23),
    )
    found = {i.person.name: i for i in incidents(document)}
    assert set(found) == {"Park Kyung-eun", "Kang Cheol-woo", "Kim Yeon-ju"}
    assert found["Park Kyung-eun"].returned == "2016-06" and found["Park Kyung-eun"].person.age == 64
    assert found["Kang Cheol-woo"].returned == "2016-09" and found["Kang Cheol-woo"].person.age == 40
    assert found["Kim Yeon-ju"].returned == "2016-09" and found["Kim Yeon-ju"].person.age == 22
    assert found["Kim Yeon-ju"].person.gender == "female" and found["Kang Cheol-woo"].person.gender is None


def test_coordinated_subjects_of_a_move_each_open_an_incident() -> None:
    document = make_doc(
        "State media presented Ri Myong-chol, 49, and Jang Song-il, 33, who said they had come back to the "
        "Republic earlier that year.",
        published=date(2013, 9, 30),
    )
    names = {(i.person.name, i.person.age) for i in incidents(document)}
    assert names == {("Ri Myong-chol", 49), ("Jang Song-il", 33)}


def test_korean_name_lists_and_age_appositions() -> None:
    document = make_doc(
        "공화국의 품에 안긴 박진근, 장광철이 평양에서 기자회견을 했다.",
        "49살 난 박진근은 남조선에서 멸시를 받았다고 말하였다.",
        "33살 난 장광철은 일자리를 얻을 수 없었다고 이야기하였다.",
        language="ko",
        published=date(2013, 9, 30),
    )
    found = {i.person.name: i for i in incidents(document)}
    assert set(found) == {"박진근", "장광철"}
    assert found["박진근"].person.age == 49 and found["장광철"].person.age == 33
    assert found["박진근"].reasons == ("maladjustment",)


# Mentions of one person


def test_a_later_surname_only_mention_joins_the_full_name() -> None:
    document = make_doc(
        "The defector Jon Yong-chol, 52, said in Pyongyang that he had returned to the North in June.",
        "Nothing else was said in the first hour of the broadcast.",
        "Jon claimed he had been treated with contempt in the South.",
        published=date(2012, 7, 20),
    )
    (incident,) = incidents(document)
    assert incident.person.name == "Jon Yong-chol"
    assert incident.reasons == ("maladjustment",)


def test_a_person_introduced_as_a_returnee_gets_the_move_told_after() -> None:
    document = make_doc(
        "Two defectors spoke to reporters in Pyongyang on Thursday after a defector came back to the North.",
        "Ko Kyong-hui, 37, said she had been lured to the South in 2011.",
        "She said she returned to the Republic at the end of last year because she could not find a job.",
        published=date(2013, 1, 25),
    )
    found = {i.person.name for i in incidents(document)}
    assert "Ko Kyong-hui" in found


# Fields to their clause


def test_the_arrival_clause_gives_the_arrival_and_the_return_clause_the_return() -> None:
    incident = only(
        "Kim Chol-ho, who went to South Korea in 2008, returned to North Korea on September 12, state media said.",
        published=date(2012, 11, 9),
    )
    assert incident.arrived_south == "2008"
    assert incident.returned == "2012-09-12"


def test_a_yearless_day_resolves_only_against_the_article_date() -> None:
    text = "A man who had defected in 2020 went back across the border on Jan 1, officials said."
    assert only(text, published=date(2022, 1, 3)).returned == "2022-01-01"
    assert only(text).returned is None  # no article date: the arrival year is not borrowed


def test_leaving_for_a_third_country_gives_the_year_of_the_return() -> None:
    incident = only(
        "A ministry official said she had left for China in July and is believed to have crossed into the North "
        "from there.",
        published=date(2017, 10, 13),
    )
    assert incident.returned == "2017"


@pytest.mark.parametrize(
    ("sentence", "language", "age", "bounds"),
    [
        ("A defector (24) swam back to North Korea.", "en", 24, (24, 24)),
        ("A 29-year-old defector swam back to North Korea.", "en", 29, (29, 29)),
        ("A defector aged 29 swam back to North Korea.", "en", 29, (29, 29)),
        ("A man in his 30s who had defected swam back to North Korea.", "en", None, (30, 39)),
        ("A defector aged about 30 swam back to North Korea.", "en", None, (28, 32)),
        ("30대 남성 탈북민이 북한으로 돌아갔다.", "ko", None, (30, 39)),
        ("一名30多岁的脱北者返回朝鲜。", "zh", None, (30, 39)),
    ],
)
def test_ages_exact_or_as_a_range(sentence: str, language: str, age: int | None, bounds: tuple[int, int]) -> None:
    person = only(sentence, language=language).person
    assert person.age == age
    assert (person.age_min, person.age_max) == bounds


def test_an_apposed_age_in_brackets_after_a_name() -> None:
    person = only("Defector Lee Sun-hee (24) swam back to North Korea.").person
    assert (person.age, person.age_min, person.age_max) == (24, 24, 24)


def test_the_json_keeps_age_an_integer_and_adds_the_range() -> None:
    decade = incident_to_json(only("A man in his 30s who had defected swam back to North Korea."))
    assert decade["person"]["age"] is None and decade["person"]["age_range"] == [30, 39]
    exact = incident_to_json(only("A 29-year-old defector swam back to North Korea."))
    assert exact["person"]["age"] == 29 and exact["person"]["age_range"] == [29, 29]
    unknown = incident_to_json(only("A defector swam back to North Korea."))
    assert unknown["person"]["age_range"] is None


# Status from modality


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Choe Gye-sun, 64, a defector, is planning on returning to the North.", "intended"),
        ("A defector in her 40s reaffirmed her desire to return to North Korea.", "intended"),
        ("A defector asked to be sent back to the North.", "intended"),
        ("A defector is demanding the government allow him to return to North Korea.", "intended"),
        ("A defector was caught trying to swim back to the North across the estuary.", "attempted"),
        ("Police stopped a defector who drove a stolen bus toward the bridge to go back to the North.", "attempted"),
        ("A defector swam back to the North across the estuary.", "returned"),
    ],
)
def test_status_from_modality(sentence: str, status: str) -> None:
    assert only(sentence).status == status


def test_the_lead_wish_outweighs_a_failed_try_told_later() -> None:
    document = make_doc(
        "Kwon Chol-su, a defector, now wants the government to allow him to return to the North.",
        "Kwon tried to find his own way back to the North once, but that effort landed him in jail.",
    )
    assert incidents(document)[0].status == "intended"


# Reasons from the incident's sentences


@pytest.mark.parametrize(
    ("paragraphs", "reason"),
    [
        (
            ("A defector went back to the North in May.", "He said he was treated like a second-class citizen."),
            "maladjustment",
        ),
        (
            ("A defector went back to the North in May.", "She said she could find only day labour in the South."),
            "maladjustment",
        ),
        (
            ("A defector swam back to the North.", "He wanted to see his wife, who still lives in the North."),
            "maladjustment",
        ),
        (
            ("A defector went back to the North.", "He had been under police investigation over a rape allegation."),
            "criminal_charges",
        ),
        (
            ("A defector went back to the North.", "She was pressured by North Korean agents through relatives."),
            "coercion",
        ),
        (("A defector went back to the North.", "Officials did not say why he left."), "unknown"),
    ],
)
def test_reasons_from_the_incident(paragraphs: tuple[str, ...], reason: str) -> None:
    assert only(*paragraphs).reasons == (reason,)


def test_charges_for_the_crossing_itself_are_no_reason() -> None:
    incident = only(
        "탈북민 A씨가 북한으로 가려 한다며 버스를 몰고 통일대교로 향하다 붙잡혔다.",
        "경찰은 A씨를 절도 혐의로 입건했다.",
        language="ko",
    )
    assert incident.reasons == ("unknown",)


# Routes: a path or a means of crossing only


@pytest.mark.parametrize(
    ("sentence", "route"),
    [
        ("A defector swam back across the estuary to the North.", "swam back across the estuary to the North"),
        ("A defector returned to the North via China in 2019.", "returned to the North via China"),
        (
            "A defector flew back to the North by plane via Vladivostok.",
            "flew back to the North by plane via Vladivostok",
        ),
        (
            "A defector drove a stolen bus across the Unification Bridge toward the North.",
            "drove a stolen bus across the Unification Bridge toward the North",
        ),
        (
            "A defector sailed back to North Korea in a stolen boat in 2013.",
            "sailed back to North Korea in a stolen boat",
        ),
        (
            "A defector said she flew back to the North in late May and was met at the airport.",
            "flew back to the North",
        ),
        ("A defector went back to the North last year.", None),
        ("A defector appeared before reporters in Pyongyang after he went back to the North.", None),
    ],
)
def test_route_is_a_path_or_a_means(sentence: str, route: str | None) -> None:
    assert only(sentence, published=date(2020, 5, 1)).route == route


def test_a_han_name_met_once_is_found_bare_later() -> None:
    document = make_doc(
        "1. 朴英姬（音译）：第一个回流者",
        "2006年抵达韩国的朴英姬，2012年5月经中国返回朝鲜，时年66岁。",
        "2. 金成浩（音译）：乘船越境",
        "2014年来到韩国的金成浩，2016年5月乘船返回朝鲜，时年53岁。",
        language="zh",
        published=date(2018, 3, 15),
    )
    found = {i.person.name: i for i in incidents(document)}
    assert set(found) == {"朴英姬", "金成浩"}
    assert found["朴英姬"].returned == "2012-05" and found["朴英姬"].arrived_south == "2006"
    assert found["金成浩"].returned == "2016-05" and found["金成浩"].person.age == 53


def test_a_subheading_naming_a_person_starts_their_story() -> None:
    document = make_doc(
        "Here are the cases that made headlines.",
        "June 2012: Han Mi-ok",
        "A woman who had lived in the South since 2006 turns up at a press conference in Pyongyang.",
        "July 2016: Seo Kwang-il",
        "He is paraded in Pyongyang after he crossed the river from China in an inflatable boat.",
        published=date(2018, 1, 5),
    )
    assert [i.person.name for i in incidents(document)] == ["Han Mi-ok", "Seo Kwang-il"]


def test_a_crossing_stopped_at_the_bridge_is_an_attempt_whatever_the_wish() -> None:
    document = make_doc(
        "The man, in his 30s, was apprehended early on Tuesday near the Unification Bridge after driving a stolen "
        "bus through a checkpoint.",
        "The defector told police he wanted to return to North Korea after struggling to adjust to life in the South.",
        published=date(2024, 10, 2),
    )
    (incident,) = incidents(document)
    assert incident.status == "attempted"
    assert (incident.person.age_min, incident.person.age_max) == (30, 39)


def test_a_feared_attempt_is_not_one() -> None:
    document = make_doc(
        "A defector swam back to the North across the estuary on Sunday.",
        "Police had warned that he might attempt to go back and could be stopped at the shore.",
        published=date(2020, 7, 27),
    )
    assert incidents(document)[0].status == "returned"


def test_they_both_returned_anchors_each_person_of_the_enumeration() -> None:
    document = make_doc(
        "State media identified the men as Yang Chol-min, 49, and Seo Dong-il, 33.",
        "Officials said they both settled in the South and returned to the North in 2013.",
        published=date(2013, 9, 30),
    )
    found = {i.person.name: i for i in incidents(document)}
    assert set(found) == {"Yang Chol-min", "Seo Dong-il"}
    assert found["Seo Dong-il"].person.age == 33 and found["Seo Dong-il"].returned == "2013"


def test_a_question_is_no_event_unless_it_names_someone_or_a_date() -> None:
    assert incidents(make_doc("Can a defector legally go back to the North?")) == ()
    document = make_doc(
        "Q: Is this the second case this year, after the woman who went back in May, Moon Hye-ja?",
        published=date(2012, 7, 20),
    )
    (incident,) = incidents(document)
    assert incident.person.name == "Moon Hye-ja" and incident.returned == "2012-05"


def test_counts_in_words_are_about_many_people_not_one() -> None:
    document = make_doc(
        "The ministry told lawmakers that thirty-one resettled defectors had returned to the North since 2012.",
        "Seven went back in 2012 and another seven in 2013.",
        "Kwon Chol-su, who paid a broker about $2,500 in 2014 to reach the South, now asks to be sent back.",
        published=date(2022, 10, 4),
    )
    (incident,) = incidents(document)
    assert incident.person.name == "Kwon Chol-su" and incident.status == "intended"


def test_a_background_case_named_after_since_is_kept_apart() -> None:
    document = make_doc(
        "A defector swam back across the estuary to the North on Sunday, the military said.",
        "It was the first such case since Kim Ryon-hee, who has asked to go back since 2011.",
        published=date(2020, 7, 27),
    )
    first, second = incidents(document)
    assert first.person.name is None and first.returned == "2020-07-26" and first.status == "returned"
    assert second.person.name == "Kim Ryon-hee" and second.status == "intended"
    assert second.returned is None  # a wish has no return date


def test_a_former_official_of_the_north_can_be_the_returnee() -> None:
    document = make_doc(
        "Han Jong-su, a former trade official in Pyongyang, says he wants to go back to the North.",
        "Han said he was pursuing his return through legal channels.",
    )
    (incident,) = incidents(document)
    assert incident.person.name == "Han Jong-su" and incident.status == "intended"


def test_a_named_subheading_after_an_unnamed_case_starts_a_new_one() -> None:
    document = make_doc(
        "July 2020: a swimmer from Ganghwa",
        "A 24-year-old man swims back across the estuary to the North.",
        "January 2022: Baek Sung-ho",
        "Baek climbs back over the eastern fence into North Korea on New Year's Day.",
        published=date(2022, 3, 1),
    )
    first, second = incidents(document)
    assert first.person.name is None and first.person.age == 24
    assert second.person.name == "Baek Sung-ho" and second.person.age is None
    assert second.returned == "2022-01-01"


def test_a_month_said_again_with_its_day_gives_the_day() -> None:
    incident = only(
        "据报道，上月越境返回朝鲜的24岁脱北者金某，于上月18日凌晨乘出租车抵达江华岛，当天游过汉江入海口重返朝鲜。",
        language="zh",
        published=date(2020, 8, 3),
    )
    assert incident.returned == "2020-07-18"
    assert incident.person.surname == "金" and incident.person.age == 24


@pytest.mark.parametrize(
    ("text", "language", "name", "age"),
    [
        # A capitalised word before the name ("When", "Then") does not hide it.
        (
            "When Yang Mi-ran reappeared in March, she was in a propaganda video from Pyongyang.",
            "en",
            "Yang Mi-ran",
            None,
        ),
        # A courtesy title before the name.
        (
            "A defector went back to the North in May, the second since Mrs. Seo Hye-jin in April.",
            "en",
            "Seo Hye-jin",
            None,
        ),
        # A returnee's claim names her where the story's subject is named.
        ("In the video, Yoon Bo-ra claimed that brokers had taken her to the South.", "en", "Yoon Bo-ra", None),
        # Chinese: a name with the honorific 氏 and an age in brackets after it.
        ("2016年来到南韩的陈明浩氏(52)，最近表示想要返回北韩和家人一起生活。", "zh", "陈明浩", 52),
        # Chinese: a name right after 女性 / 男性.
        ("北韩电视台播出了59岁女性吴春花的采访，她说自己已经回到北韩。", "zh", "吴春花", 59),
    ],
)
def test_name_forms_with_a_word_or_title_before_them_issue_12(
    text: str, language: str, name: str, age: int | None
) -> None:
    (mention,) = [p for p in find_people(text, language) if p.name == name]
    assert language != "en" or plausible_subject(text, mention)  # where a story's subject is named
    if age is not None:
        incident = only(text, language=language, published=date(2017, 8, 21))
        assert (incident.person.name, incident.person.age) == (name, age)


def test_this_couple_with_the_son_is_three_people_issue_12() -> None:
    incident = only(
        "State media said this couple had come back to the North together with the young son on May 3.",
        published=date(2014, 6, 2),
    )
    assert incident.group_size == 3


def test_one_korean_sentence_telling_two_dated_returns_gives_two_incidents_issue_12() -> None:
    found = incidents(
        make_doc(
            "2019년 3월에는 경기 김포에 살던 탈북민이 한강을 헤엄쳐 북으로 건너갔고, "
            "2021년 여름에는 요리사 출신 탈북민이 강원 철원의 철책을 넘어 북으로 돌아갔다.",
            language="ko",
            published=date(2023, 5, 2),
        )
    )
    assert [i.returned for i in found] == ["2019-03", "2021"]
    # Two noun phrases joined by 과: each part's date is its event's, even where no verb of return says so.
    pair = incidents(
        make_doc(
            "통계에는 2019년 3월 한강 하구를 헤엄쳐 건너간 탈북민과 "
            "2021년 8월 철책을 넘어 북으로 간 탈북민이 포함됐다.",
            language="ko",
            published=date(2023, 5, 2),
        )
    )
    assert [i.returned for i in pair] == ["2019-03", "2021-08"]
    # Without a move north in the first clause, its date is the arrival: one person.
    (one,) = incidents(
        make_doc(
            "그는 2016년 탈북해 한국에 왔고, 2021년 8월 철책을 넘어 북으로 돌아갔다.",
            language="ko",
            published=date(2023, 5, 2),
        )
    )
    assert one.returned == "2021-08"


def test_a_man_in_his_20s_is_not_the_man_in_his_30s_told_before_issue_12() -> None:
    found = incidents(
        make_doc(
            "마을버스를 몰고 북으로 가려던 40대 탈북민 남성이 경찰에 붙잡혔다. "
            "2015년 5월에는 20대 탈북민 남성이 어선을 타고 북으로 갔다.",
            language="ko",
            published=date(2023, 5, 6),
        )
    )
    assert [(i.person.age_min, i.returned) for i in found] == [(40, None), (20, "2015-05")]


def test_a_table_of_yearly_counts_is_no_incident_issue_12() -> None:
    found = incidents(
        make_doc(
            "연도별 재입북 탈북민 (단위: 명): 2018년 2; 2019년 1; 2020년 1",
            "2020년 7월 탈북민 한 명이 북으로 돌아갔다.",
            language="ko",
            published=date(2022, 9, 1),
        )
    )
    assert [i.returned for i in found] == ["2020-07"]


def test_a_return_date_said_to_be_unknown_is_not_taken_from_the_heading_issue_12() -> None:
    found = incidents(
        make_doc(
            "March 2015: Han Mi-ok",
            "Han Mi-ok, a former nurse, appears in a state media video from Pyongyang.",
            "When she went back is not known.",
            published=date(2020, 1, 5),
        )
    )
    assert [i.returned for i in found] == [None]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("A defector who walked into the North's embassy in Laos and asked to be sent home was jailed.", "en"),
        ("A씨는 2018년 5월 라오스 주재 북한대사관을 찾아가 재입북을 요청한 혐의를 받는다.", "ko"),
        ("북으로 돌아가겠다며 버스를 몰고 달리던 탈북민은 통일대교 앞 바리케이드를 들이받고서야 멈췄다.", "ko"),
    ],
)
def test_an_embassy_visit_or_a_crossing_stopped_at_the_barricade_is_an_attempt_issue_12(
    text: str, language: str
) -> None:
    assert only(text, language=language, published=date(2019, 3, 2)).status == "attempted"


def test_a_name_told_before_its_own_return_in_the_paragraph_is_held_for_it_issue_12() -> None:
    found = incidents(
        make_doc(
            "（一）李明哲（音译）：2014年李明哲经中国返回北韩，他说在南韩找不到工作。"
            "（二）北韩媒体播出58岁女性吴春花的谈话。统一部证实她曾在南韩定居，但她何时重返北韩不得而知。",
            language="zh",
            published=date(2016, 2, 1),
        )
    )
    assert [(i.person.name, i.person.age, i.person.gender) for i in found] == [
        ("李明哲", None, "male"),
        ("吴春花", 58, "female"),
    ]
