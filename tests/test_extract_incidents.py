"""Incidents per language: people, ages, dates, groups, status, reasons, several incidents apart."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from extract_helpers import make_doc
from redefection.extract import extract_facts
from redefection.records import Document


def incidents(document: Document):  # type: ignore[no-untyped-def]
    return extract_facts(document).incidents


def test_english_incident_fields_and_evidence() -> None:
    document = make_doc(
        "A defector who had lived in the South since 2016 swam back across the river estuary to the North on "
        "Sunday, the military said on Tuesday.",
        "The man, a 31-year-old identified only by his surname, Choi, had been under police investigation "
        "over a fraud allegation and is believed to have fled to avoid prosecution.",
        published=date(2023, 8, 15),
    )
    (incident,) = incidents(document)
    assert incident.person.surname == "Choi"
    assert incident.person.age == 31
    assert incident.person.gender == "male"
    assert incident.arrived_south == "2016"
    assert incident.returned == "2023-08-13"
    assert incident.status == "returned"
    assert incident.reasons == ("criminal_charges",)
    assert incident.route and incident.route.startswith("swam back across the river estuary")
    text = extract_facts(document).text
    for span in incident.evidence:
        assert text[span.start : span.end] == span.text


def test_two_people_in_one_article_stay_apart() -> None:
    document = make_doc(
        "A defector who had settled in Seoul in 2010 went back to the North last month, officials said of the woman.",
        "She had told friends she missed her family and felt isolated.",
        "It was the second case this year after a 40-year-old man crossed back over the border in March.",
        "That man had been struggling to find work.",
        published=date(2019, 9, 10),
    )
    first, second = incidents(document)
    assert first.person.gender == "female" and first.returned == "2019-08" and first.arrived_south == "2010"
    assert second.person.age == 40 and second.person.gender == "male" and second.returned == "2019-03"
    assert first.reasons == ("maladjustment",) and second.reasons == ("maladjustment",)


def test_relative_return_date_stays_empty_without_article_date() -> None:
    document = make_doc("A defector crossed back over the border on July 19, the army said.")
    (incident,) = incidents(document)
    assert incident.returned is None


def test_family_group_and_named_lead() -> None:
    document = make_doc(
        "State media said Ri Chol-min and his wife, Jang Un-hee, came back to the North on March 2 with their "
        "young daughter.",
        "Ri said the family had been looked down on in the South.",
        published=date(2014, 3, 20),
        title="Defector family shown on North Korean television",
    )
    (incident,) = incidents(document)
    assert incident.person.name == "Ri Chol-min"
    assert incident.person.surname == "Ri"
    assert incident.group_size == 3
    assert incident.returned == "2014-03-02"
    assert incident.reasons == ("maladjustment",)


def test_statuses() -> None:
    caught = make_doc("Soldiers detained a defector who tried to swim back to the North across the river on Monday.")
    assert incidents(caught)[0].status == "attempted"
    wish = make_doc("A defector who arrived in 2015 says he wants to go back to the North to care for his mother.")
    assert incidents(wish)[0].status == "intended"


def test_reason_unknown_when_none_is_given() -> None:
    document = make_doc("A defector sailed a small boat back to the North, the coast guard said.")
    assert incidents(document)[0].reasons == ("unknown",)
    unclear = make_doc("A defector sailed back to the North. It was not clear why he left.")
    assert incidents(unclear)[0].reasons == ("unknown",)


def test_coercion_reason() -> None:
    document = make_doc(
        "A defector who came south in 2012 returned to the North in 2014.",
        "Friends said she had been worried about her son, who had stayed behind.",
    )
    assert incidents(document)[0].reasons == ("coercion",)


def test_counts_are_not_incidents() -> None:
    document = make_doc("About 30 defectors have returned to the North since 2012, the ministry said.")
    assert incidents(document) == ()


def test_korean_incident() -> None:
    document = make_doc(
        "탈북민 이영호(35)씨가 지난 3일 배를 타고 북한으로 돌아간 것으로 확인됐다.",
        "이씨는 2018년 입국했으며, 정착 과정에서 생활고를 겪은 것으로 알려졌다.",
        language="ko",
        published=date(2021, 5, 10),
    )
    (incident,) = incidents(document)
    assert incident.person.name == "이영호"
    assert incident.person.surname == "이"
    assert incident.person.age == 35
    assert incident.arrived_south == "2018"
    assert incident.returned == "2021-05-03"
    assert incident.reasons == ("maladjustment",)


def test_korean_placeholder_name_gives_surname_only_and_attempt() -> None:
    document = make_doc(
        "북한으로 가겠다며 차량을 몰고 검문소로 돌진한 40대 남성 탈북민 박모씨가 붙잡혔다.",
        language="ko",
        published=date(2022, 6, 1),
    )
    (incident,) = incidents(document)
    assert incident.person.name is None
    assert incident.person.surname == "박"
    assert incident.person.gender == "male"
    assert incident.status == "attempted"


def test_chinese_incident() -> None:
    document = make_doc(
        "一名2016年逃到韩国的脱北者上月返回朝鲜。",
        "据了解，这名男子现年33岁，姓李，在韩国生活拮据。",
        language="zh",
        published=date(2020, 4, 2),
    )
    (incident,) = incidents(document)
    assert incident.person.surname == "李"
    assert incident.person.age == 33
    assert incident.person.gender == "male"
    assert incident.arrived_south == "2016"
    assert incident.returned == "2020-03"
    assert incident.reasons == ("maladjustment",)


def test_irrelevant_document_has_no_facts() -> None:
    document = make_doc("A defector swam back to the North.")
    quiet = extract_facts(dataclasses.replace(document, relevant=False))
    assert quiet.incidents == () and quiet.claims == () and quiet.quotes == ()


def test_timeline_headings_date_their_entries() -> None:
    # A chronology: each dated heading opens a new story and places the yearless dates under it.
    document = make_doc(
        "Several resettled defectors have gone back over the years.",
        "March 2015: Seo Min-jae",
        "Seo Min-jae, who had lived in Busan, says at a news conference in Pyongyang that he went back in January.",
        "August 2018: a rower from Gimpo",
        "A 41-year-old man who had settled in the South rows back across the estuary to the North.",
        "Officials say he had debts.",
        published=date(2023, 11, 2),
    )
    first, second = incidents(document)
    assert first.person.name == "Seo Min-jae" and first.returned == "2015-01"
    assert second.person.age == 41 and second.returned == "2018-08"


def test_crossing_back_from_china_dates_the_return_not_the_arrest() -> None:
    document = make_doc(
        "Choi Hyun-woo, 45, a defector who reached the South in 2012, was shown on North Korean television.",
        "He had crossed the river from China on April 9, 2019, state media said.",
        published=date(2019, 6, 1),
    )
    (incident,) = incidents(document)
    assert incident.returned == "2019-04-09" and incident.arrived_south == "2012"


def test_forced_repatriation_and_other_actors_open_no_incident() -> None:
    document = make_doc(
        "A defector who had lived in South Korea since 2014 swam back to the North in May, officials said.",
        "Separately, Chinese police caught a 30-year-old woman near the border and sent her back to North Korea.",
        "Two fishermen whose boat drifted south were returned to the North in June.",
        published=date(2021, 7, 1),
    )
    (incident,) = incidents(document)
    assert incident.returned == "2021-05" and incident.arrived_south == "2014"


def test_defector_who_stole_a_fishing_boat_is_an_incident() -> None:
    document = make_doc(
        "A defector who had worked with local fishermen since 2016 stole a fishing boat and sailed back to the "
        "North in March, the coast guard said.",
        published=date(2020, 4, 2),
    )
    (incident,) = incidents(document)
    assert incident.returned == "2020-03" and incident.status == "returned"


def test_defector_quoted_as_a_witness_is_no_new_incident() -> None:
    document = make_doc(
        "A woman who had settled in Seoul in 2009 went back to North Korea last month, officials said.",
        "Yoon Dae-sik, a North Korean defector, said he and the woman had lived in the same building.",
        "Reports said she had flown back by way of China on March 3.",
        published=date(2018, 4, 20),
    )
    (incident,) = incidents(document)
    assert incident.person.name is None and incident.person.gender == "female"
    assert incident.returned == "2018-03-03"


def test_a_foreign_soldier_crossing_is_not_a_returnee() -> None:
    document = make_doc(
        "A defector who had lived in South Korea since 2015 crossed back to the North in May, officials said.",
        "He did so weeks after U.S. soldier Pvt. Evan Miller ran across the border into North Korea in April.",
        published=date(2019, 6, 3),
    )
    (incident,) = incidents(document)
    assert incident.returned == "2019-05" and incident.arrived_south == "2015"


def test_arrest_after_the_crossing_is_a_return_not_an_attempt() -> None:
    document = make_doc(
        "Bae Sung-ho, 50, a defector who reached the South in 2011, was shown on North Korean television.",
        "He had swum back across the river to the North on June 2 and was arrested within hours.",
        published=date(2017, 7, 1),
    )
    (incident,) = incidents(document)
    assert incident.status == "returned" and incident.returned == "2017-06-02"


def test_attempt_at_something_else_is_no_attempted_return() -> None:
    document = make_doc(
        "A defector who had lived in South Korea since 2008 went back to the North in May and was shown "
        "on state television accused of attempting to blow up a monument.",
        published=date(2013, 7, 1),
    )
    (incident,) = incidents(document)
    assert incident.status == "returned"


def test_caught_trying_to_cross_back_stays_an_attempt() -> None:
    document = make_doc(
        "A defector who had lived in South Korea since 2010 was caught trying to swim back to the North in May.",
        published=date(2013, 7, 1),
    )
    (incident,) = incidents(document)
    assert incident.status == "attempted"


def test_a_past_case_recalled_in_a_review_is_its_own_incident() -> None:
    document = make_doc(
        "Last month a defector swam back to the North across the estuary, officials said.",
        "Counselors still remember Jang Mi-rae, the woman who appeared in a North Korean video in 2015. "
        "She had gone back that April.",
        published=date(2020, 8, 10),
    )
    first, second = incidents(document)
    assert first.person.name is None and first.returned == "2020-07"
    assert second.person.name == "Jang Mi-rae" and second.returned == "2015-04"


def test_dateline_day_is_no_event_date() -> None:
    document = make_doc(
        "(평양 5월 20일발 조선중앙통신) 남쪽으로 끌려갔다가 올해 조국의 품으로 돌아온 최영수가 기자들과 만났다.",
        "42살 난 최영수는 2016년 8월 남조선으로 가게 되였다고 말하였다.",
        language="ko",
        published=date(2019, 5, 21),
    )
    (incident,) = incidents(document)
    assert incident.arrived_south == "2016-08" and incident.returned == "2019"


def test_shown_in_a_video_dates_the_showing_and_a_departure_gives_the_year() -> None:
    document = make_doc(
        "When Moon Ha-eun reappeared in August, it was in a North Korean propaganda video denouncing the South, "
        "where she had lived as a defector since 2014. In March she left for China. Nobody noticed she was gone.",
        published=date(2018, 10, 2),
    )
    (incident,) = incidents(document)
    assert incident.returned == "2018"


def test_a_timeline_entry_keeps_the_day_its_sentence_gives() -> None:
    document = make_doc(
        "Some resettled defectors have tried to go back.",
        "May 2021: the stolen truck",
        "A defector steals a truck in Goseong on May 9 and drives toward the border. He tells police he "
        "wanted to go back to the North and had tried to cross back before he was stopped at a checkpoint.",
        published=date(2021, 12, 1),
    )
    (incident,) = incidents(document)
    assert incident.status == "attempted" and incident.returned == "2021-05-09"


def test_an_age_before_who_is_no_count() -> None:
    # "Ko, 53, who ..." is one person's age, not "53 who went back": the sentence still gives reasons.
    document = make_doc(
        "Hwang Dong-su, 53, who reached the South in 2014, went back to the North in May, unable to get by "
        "on his wages as a cleaner.",
        published=date(2016, 7, 1),
    )
    (incident,) = incidents(document)
    assert incident.person.age == 53 and incident.reasons == ("maladjustment",)


def test_a_dozen_defectors_is_a_count_not_an_incident() -> None:
    document = make_doc(
        "A dozen defectors were punished between 2015 and 2019 for trying to go back, the ministry said.",
        published=date(2020, 3, 1),
    )
    assert incidents(document) == ()


@pytest.mark.parametrize(
    "sentence",
    [
        "Cases of re-defection, or defectors returning to the North after settling in the South, are rare.",
        "Such returns by defectors to North Korea are seldom made public, the ministry said.",
    ],
)
def test_a_sentence_about_cases_in_general_is_no_incident(sentence: str) -> None:
    assert incidents(make_doc(sentence, published=date(2017, 9, 19))) == ()
