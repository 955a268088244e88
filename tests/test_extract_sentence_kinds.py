"""Kinds of sentence met in real news about returns, each with invented sentences: who the person is,
what their status and dates are, and what belongs to someone else."""

from __future__ import annotations

from datetime import date

from extract_helpers import make_doc
from redefection.extract import extract_facts
from redefection.records import Document, Incident


def incidents(document: Document) -> tuple[Incident, ...]:
    return extract_facts(document).incidents


def only(document: Document) -> Incident:
    (incident,) = incidents(document)
    return incident


# --- status ------------------------------------------------------------------------------------------


def test_an_arrest_by_the_north_is_no_stopped_attempt() -> None:
    document = make_doc(
        "State media said a defector named Park Sung-il, who had settled in the South in 2009, was arrested by "
        "the North for plotting to blow up a statue after he went back to North Korea in May.",
        published=date(2014, 7, 1),
    )
    assert only(document).status == "returned"


def test_an_arrest_on_the_way_north_is_still_an_attempt() -> None:
    document = make_doc(
        "A defector who had lived in Seoul since 2015 was arrested by marine police as he tried to swim back "
        "to North Korea on Sunday.",
        published=date(2021, 5, 3),
    )
    assert only(document).status == "attempted"


def test_fleeing_the_north_again_is_no_attempted_return() -> None:
    document = make_doc(
        "A defector who went back to North Korea in 2015 and denounced the South on state television was "
        "caught attempting to flee the country once again, a rights group said.",
        published=date(2016, 9, 1),
    )
    assert only(document).status == "returned"


def test_a_plan_with_an_adverb_is_a_wish() -> None:
    document = make_doc(
        "A defector who has lived in Seoul for ten years plans to publicly defect back to the North, he told "
        "reporters on Monday.",
        published=date(2019, 4, 2),
    )
    assert only(document).status == "intended"


def test_the_wish_of_a_lede_that_precedes_the_move() -> None:
    document = make_doc(
        "Lee Sang-chul, a defector, is planning on returning.",
        "He knows that going back to North Korea will be hard after twelve years away.",
        published=date(2018, 3, 9),
    )
    incident = only(document)
    assert incident.person.name == "Lee Sang-chul"
    assert incident.status == "intended"


def test_hoping_to_be_deported_is_a_wish() -> None:
    document = make_doc(
        "Kim Hye-ran, a defector who came to the South in 2011, told police she was a spy because she hoped "
        "they would deport her back to Pyongyang.",
        published=date(2015, 6, 1),
    )
    assert only(document).status == "intended"


def test_a_wish_for_intentions_in_the_plural() -> None:
    document = make_doc(
        "Choi Min-jae, a defector, has announced his intentions to return to the North, citing loneliness.",
        published=date(2013, 8, 1),
    )
    assert only(document).status == "intended"


# --- the person ----------------------------------------------------------------------------------------


def test_the_age_of_a_son_is_not_the_persons() -> None:
    document = make_doc(
        "Kwon Min-ho, a defector, wants to return to the North to see his ex-wife and 15-year-old son.",
        published=date(2019, 1, 1),
    )
    assert only(document).person.age is None


def test_an_age_given_as_now() -> None:
    document = make_doc(
        "Choi Dong-su (now 41) went back to the North with his wife last year, state media said.",
        published=date(2013, 1, 30),
    )
    assert only(document).person.age == 41


def test_one_of_those_who_is_one_person() -> None:
    document = make_doc(
        "Yang Su-bin is one of those who escaped from the North in 2005.",
        "The 45-year-old says she now wants to go back home to her parents.",
        published=date(2014, 1, 5),
    )
    incident = only(document)
    assert incident.person.name == "Yang Su-bin"
    assert incident.person.age == 45
    assert incident.status == "intended"


def test_a_name_given_after_an_unnamed_lede() -> None:
    document = make_doc(
        "A woman who had defected to the South in 2006 returned to the North last month, state media said.",
        "Speaking in Pyongyang on Thursday, Ryu Mi-ok apologised for leaving.",
        published=date(2012, 6, 30),
    )
    assert only(document).person.name == "Ryu Mi-ok"


def test_a_commentator_after_an_unnamed_lede_is_not_the_person() -> None:
    document = make_doc(
        "A woman who had defected to the South in 2006 returned to the North last month, state media said.",
        "Speaking in Seoul on Thursday, Han Ji-won stressed that such returns remain rare.",
        published=date(2012, 6, 30),
    )
    assert only(document).person.name is None


def test_entered_with_a_year_is_the_arrival() -> None:
    document = make_doc(
        "The government said this couple, Kim Tae-ho and his wife, came back to the North with the young son on May 3.",
        "According to the ministry, Mr. Kim Tae-ho entered in 2008 and married in 2010.",
        published=date(2013, 5, 20),
    )
    incident = only(document)
    assert incident.arrived_south == "2008"
    assert incident.group_size == 3


# --- several people ------------------------------------------------------------------------------------


def test_people_listed_after_one_already_met_are_incidents() -> None:
    document = make_doc(
        "The issue surfaced again with the case of Seo Dong-il, a re-defector who went back to the North in 2012.",
        "Seo Dong-il was followed by the cases of Bae Jin-ho (49) and Jang Mi-ran (33), both of whom gave "
        "testimony to North Korean state media.",
        published=date(2014, 1, 10),
    )
    found = incidents(document)
    assert [i.person.name for i in found] == ["Seo Dong-il", "Bae Jin-ho", "Jang Mi-ran"]
    assert [i.person.age for i in found] == [None, 49, 33]


def test_a_couple_introduced_by_their_flight_south_is_a_new_incident() -> None:
    document = make_doc(
        "State media showed two men, Bae Jin-ho, 49, and Jang Mi-sun, 33, who said they had returned to the North.",
        "Kim Tae-ho and Ko Mi-ra escaped to the South in August 2009.",
        "In December 2012 the couple secretly returned to the North with their baby daughter.",
        published=date(2013, 10, 1),
    )
    found = incidents(document)
    assert [i.person.surname for i in found] == ["Bae", "Jang", "Kim"] or [i.person.surname for i in found] == [
        "Bae",
        "Jang",
        "Ko",
    ]
    assert [i.returned for i in found] == [None, None, "2012-12"]
    assert found[2].arrived_south == "2009-08"


def test_a_witness_who_defected_is_not_a_new_incident() -> None:
    document = make_doc(
        "A defector swam back to the North across the estuary in July, the military said.",
        "Jeon Sang-min, who defected in 1999, said the man had seemed lonely.",
        "The man had crossed the river at night.",
        published=date(2020, 8, 1),
    )
    incident = only(document)
    assert incident.person.name is None


def test_names_set_off_by_spaced_hyphens() -> None:
    document = make_doc(
        "A press conference in 2013 featured another couple - Seo Min-ho and Seo Ji-a - who entered the South "
        "in 2009 and returned to the North in 2012.",
        published=date(2017, 11, 14),
    )
    incident = only(document)
    assert incident.person.surname == "Seo" and incident.returned == "2012"


def test_people_listed_as_subjects_of_a_plural_verb() -> None:
    document = make_doc(
        "State media said, \u201cBae Tae-ho, Ko Mi-ra and others were lured to the South by the puppet "
        "government, but have returned to our Republic.\u201d",
        "At the press conference, Bae Tae-ho said he would never leave again, introducing both his wife and his son.",
        published=date(2013, 1, 25),
    )
    found = incidents(document)
    assert [i.person.name for i in found] == ["Bae Tae-ho", "Ko Mi-ra"]
    assert all(i.status == "returned" for i in found)
    # "both" in a sentence naming one of them is not about the two
    ko = found[1]
    assert all("introducing" not in span.text for span in ko.evidence)


# --- Korean and Chinese ----------------------------------------------------------------------------------


def test_korean_couple_lead_with_ages_is_one_incident_led_by_the_husband() -> None:
    document = make_doc(
        "북한 매체는 24일 탈북했던 박성진(41)·최미영(35) 부부가 평양에서 기자회견을 했다고 보도했다.",
        "이들 부부는 2010년 탈북해 한국에 정착했다가 지난해 12월 딸과 함께 북한으로 돌아갔다.",
        language="ko",
        published=date(2014, 1, 25),
    )
    incident = only(document)
    assert incident.person.name == "박성진"
    assert incident.person.gender == "male" and incident.person.age == 41
    assert incident.group_size >= 2
    assert incident.returned == "2013-12"


def test_chinese_couple_lead_with_ages() -> None:
    document = make_doc(
        "据报道，脱北者崔成民（41岁）和妻子朴美英（35岁）夫妇去年12月带着女儿返回朝鲜。",
        language="zh",
        published=date(2014, 1, 25),
    )
    incident = only(document)
    assert incident.person.name == "崔成民"
    assert incident.group_size == 3


def test_korean_clauses_give_each_person_their_own_dates() -> None:
    document = make_doc(
        "북한 매체는 24일 박성진(41)·최미영(35) 부부와 한영숙씨가 평양에서 기자회견을 했다고 전했다.",
        "박씨 부부는 2010년 5월 남한으로 갔다가 지난해 말 공화국으로 돌아왔다고 말했고, "
        "2011년 3월 남측에 갔다는 한씨도 지난해 말 귀환했다고 밝혔다.",
        "박씨는 회견에서 남한에서는 더 이상 살 수 없었다고 주장했다.",
        language="ko",
        published=date(2014, 1, 25),
    )
    park, han = incidents(document)
    assert (park.person.name, park.arrived_south, park.returned) == ("박성진", "2010-05", "2013")
    assert (han.person.name, han.arrived_south, han.returned) == ("한영숙", "2011-03", "2013")
    assert park.reasons == ("maladjustment",)


def test_korean_plural_defectors_are_no_single_incident() -> None:
    document = make_doc(
        "북한이 다시 북으로 돌아온 탈북자들을 내세워 평양에서 기자회견을 열었다.",
        language="ko",
        published=date(2014, 1, 25),
    )
    assert incidents(document) == ()


def test_walk_in_at_a_north_korean_embassy_is_an_attempt() -> None:
    english = make_doc(
        "A defector walked into the North Korean embassy in Hanoi in 2019 and asked to be sent back to the North, "
        "a court heard.",
        published=date(2022, 5, 24),
    )
    korean = make_doc(
        "탈북민 이모(35)씨가 베트남 주재 북한대사관에 들어가 북한으로 보내 달라고 요청했다고 경찰이 밝혔다.",
        language="ko",
        published=date(2022, 5, 24),
    )
    chinese = make_doc(
        "一名脱北者今年3月进入朝鲜驻越南大使馆，要求返回朝鲜。",
        language="zh",
        published=date(2022, 5, 24),
    )
    assert [only(d).status for d in (english, korean, chinese)] == ["attempted"] * 3


def test_a_wish_voiced_at_home_stays_a_wish() -> None:
    document = make_doc(
        "A defector who has lived in Seoul since 2011 asked the government to send him back to the North, "
        "saying he missed his parents in the North.",
        published=date(2019, 6, 1),
    )
    assert only(document).status == "intended"


def test_an_unnamed_incident_takes_the_name_the_story_goes_on_to_use() -> None:
    document = make_doc(
        "A defector who has spent a decade in Seoul plans to go back to the North, he said on Monday.",
        "Reporters sat down with Cha Young-soo to discuss his reasons.",
        "Cha, a former trade official, said he has been appealing to the government for months.",
        published=date(2013, 7, 30),
    )
    incident = only(document)
    assert (incident.person.name, incident.person.surname) == ("Cha Young-soo", "Cha")
    assert incident.status == "intended"


def test_a_family_name_shared_by_two_people_names_no_one() -> None:
    document = make_doc(
        "A defector who has spent a decade in Seoul plans to go back to the North, he said on Monday.",
        "Reporters sat down with two friends from the same town, Cha Young-soo and Cha Min-ho.",
        "Cha said he has been appealing to the government for months.",
        published=date(2013, 7, 30),
    )
    assert only(document).person.name is None


def test_a_return_told_as_done_outweighs_a_wish_told_after_it() -> None:
    document = make_doc(
        "Ri Chol-su, a defector, returned to the North in May, state media said.",
        "He had wanted to go back for years, he told the broadcaster.",
        published=date(2020, 7, 1),
    )
    incident = only(document)
    assert incident.status == "returned" and incident.returned == "2020-05"


def test_a_return_not_yet_done_leaves_the_wish() -> None:
    document = make_doc(
        "Ri Chol-su, a defector, says returning to the North will not be easy.",
        "He wants to go back to see his mother, he told reporters.",
        published=date(2020, 7, 1),
    )
    assert only(document).status == "intended"


# --- reviews of earlier cases ----------------------------------------------------------------------------


def test_an_english_review_sentence_tells_one_case_per_clause() -> None:
    document = make_doc(
        "A defector crossed back into the North on Monday.",
        "In 2019, a defector swam across the estuary to the North, and in 2016 a woman who had lived in Incheon "
        "reappeared on North Korean state television.",
        published=date(2022, 1, 5),
    )
    found = incidents(document)
    assert [i.returned for i in found] == ["2022-01-03", "2019", None]
    assert found[2].person.gender == "female"
    text = extract_facts(document).text
    for incident in found:
        for span in incident.evidence:
            assert text[span.start : span.end] == span.text
    assert found[1].evidence[0].text.endswith("to the North")


def test_a_korean_review_sentence_tells_one_case_per_clause() -> None:
    document = make_doc(
        "탈북민 A씨가 지난 1일 강원도 고성 철책을 넘어 월북한 것으로 확인됐다.",
        "앞서 2019년 8월에는 탈북민 최모(26)씨가 강화도에서 헤엄쳐 월북했고, "
        "2016년 5월에는 탈북민 정모씨가 북한 매체에 등장했다.",
        language="ko",
        published=date(2022, 1, 5),
    )
    found = incidents(document)
    assert [(i.person.surname, i.person.age) for i in found] == [(None, None), ("최", 26), ("정", None)]
    assert found[1].returned == "2019-08"


def test_a_chinese_review_sentence_tells_one_case_per_clause() -> None:
    document = make_doc(
        "2019年8月，一名脱北者游泳返回朝鲜；2016年，一名女子在朝鲜宣传网站露面。",
        language="zh",
        published=date(2022, 1, 5),
    )
    first, second = incidents(document)
    assert first.returned == "2019-08"
    assert second.person.gender == "female" and second.returned != "2019-08"


def test_one_case_told_in_two_clauses_stays_one() -> None:
    document = make_doc(
        "A defector swam back to the North in July, and in August the man appeared on state television.",
        published=date(2020, 9, 1),
    )
    assert len(incidents(document)) == 1


def test_cases_coming_to_light_with_ages_before_the_names() -> None:
    document = make_doc(
        "The issue surfaced again with the case of Seo Dong-il, a re-defector who went back to the North in 2012.",
        "The most recent cases surfaced in December: 61-year-old Choe Mi-ja and 58-year-old Pak Sun-hui were "
        "both confirmed as defectors by the ministry.",
        published=date(2014, 1, 10),
    )
    found = incidents(document)
    assert [(i.person.name, i.person.age) for i in found] == [
        ("Seo Dong-il", None),
        ("Choe Mi-ja", 61),
        ("Pak Sun-hui", 58),
    ]


def test_a_speaker_who_said_that_she_returned_is_the_person() -> None:
    document = make_doc(
        "State media showed a defector couple who had come back to the North with their son.",
        "Ri Sun-ok said that she had decided to come back to the North after her son was born.",
        published=date(2012, 11, 9),
    )
    assert incidents(document)[0].person.name == "Ri Sun-ok"


def test_a_group_lede_gives_no_gender_to_the_person_named_next() -> None:
    document = make_doc(
        "A couple and a third woman who went back to the North last year were caught trying to flee the country "
        "once again.",
        "Bae Jun-ho and his family fled North Korea again in July and were hiding in a Chinese border city.",
        published=date(2013, 9, 1),
    )
    incident = incidents(document)[0]
    assert incident.person.name == "Bae Jun-ho"
    assert incident.person.gender == "male"


def test_an_activist_who_came_south_long_ago_does_not_take_an_unnamed_return() -> None:
    document = make_doc(
        "A defector who arrived in the South in 2018 swam back to the North in July, the military said.",
        "Jeon Sang-min defected to the South in 2000 and now leads a support group in Seoul.",
        "The man had crossed the river at night.",
        published=date(2020, 8, 1),
    )
    assert only(document).person.name is None


# --- third parties ---------------------------------------------------------------------------------------


def test_a_named_person_telling_of_the_man_is_a_third_party() -> None:
    document = make_doc(
        "A defector crossed the border back into the North on Tuesday, the military said.",
        "Baek Jin-hyuk claimed the man had been lonely for years.",
        "He had worked as a cleaner.",
        published=date(2022, 1, 5),
    )
    assert only(document).person.name is None


def test_a_lawyer_or_a_friend_is_not_the_person() -> None:
    for second in (
        "Human rights lawyer Jang Seok-ho represented him in court.",
        "Jang Seok-ho, his lawyer, said he had been charged with assault.",
        "Jang Seok-ho, a friend from church, said he seemed tired.",
    ):
        document = make_doc("A man swam back to the North in July.", second, published=date(2022, 1, 5))
        assert only(document).person.name is None, second


def test_the_person_speaking_of_themselves_keeps_their_name() -> None:
    document = make_doc(
        "A defector swam back to the North in July, state media said.",
        "Baek Jin-hyuk told state television he had been treated like a criminal in the South.",
        published=date(2022, 1, 5),
    )
    assert only(document).person.name == "Baek Jin-hyuk"


def test_the_age_of_a_parent_in_apposition_is_not_the_persons() -> None:
    document = make_doc(
        "Yoon Mi-rae, a defector, wants to return to the North.",
        "Yoon's father, 75, and mother, 72, were shown a video of her message.",
        published=date(2017, 5, 2),
    )
    assert only(document).person.age is None
