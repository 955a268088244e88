"""Resolution: names across scripts, merging incidents into cases, conflicts, dates, ladder and claim series."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from redefection.records import Claim, Incident, Person, Qualifier, SourcedClaim, SourcedIncident, Span
from redefection.resolve import (
    CaseDecision,
    claim_series,
    explain,
    han_readings,
    incidents_from_json,
    name_key,
    name_variants,
    readings_agree,
    resolve_incidents,
    romanize_name,
    sound_key,
    surname_keys,
)
from redefection.serialize import case_to_json

PERSON_FIELDS = {"name", "surname", "age", "age_min", "age_max", "gender", "occupation"}


def report(
    source: str, *evidence: str, published: date | None = None, outlet: str | None = None, **fields: Any
) -> SourcedIncident:
    """One incident reported by the document ``source`` (index 0 unless ``index=`` is given)."""
    index = fields.pop("index", 0)
    person = Person(**{k: fields.pop(k) for k in PERSON_FIELDS & fields.keys()})
    spans = tuple(Span(0, len(text), text) for text in evidence)
    incident = Incident(person=person, evidence=spans, **fields)
    return SourcedIncident(incident, source=source, index=index, published=published, outlet=outlet)


def grouped(cases: list[Any]) -> list[set[str]]:
    return sorted((set(case.keys) for case in cases), key=lambda keys: min(keys))


# Names across scripts


def test_hangul_romanises_in_rr_and_mccune_reischauer() -> None:
    assert romanize_name("김우정") == "Gim U-jeong"
    assert romanize_name("김우정", "mr") == "Kim U-jŏng"
    assert romanize_name("박정숙", "mr") == "Pak Chŏng-suk"
    assert romanize_name("김광혁") == "Gim Gwang-hyeok"
    assert romanize_name("Kim Woo-jeong") == "Kim Woo-jeong"  # other scripts pass through


def test_name_variants_cover_the_spellings_reports_use() -> None:
    variants = name_variants("김우정")
    assert {"kim u-jeong", "kim woo-jeong", "kim u-jŏng", "gim u-jeong"} <= variants
    assert {"park jung-sook", "pak chŏng-suk", "bak jeong-suk"} <= name_variants("박정숙")


def key(name: str) -> tuple[frozenset[str], str | None]:
    found = name_key(name)
    assert found is not None
    return found.surnames, found.given


def test_one_key_for_a_name_in_hangul_and_its_romanisations() -> None:
    assert len({key(n) for n in ("김우정", "Kim Woo-jeong", "Kim Woo Jeong", "Kim U-jong", "Woo-jeong Kim")}) == 1
    assert len({key(n) for n in ("박정숙", "Park Jung-sook", "Pak Jong Suk", "Bak Jeong-suk", "Pak Chŏng-suk")}) == 1
    assert key("Kim Ryon-hui") == key("김련희")
    assert key("Park In-sook") != key("Park Jung-sook")
    assert sound_key("Kwang-hyok") == sound_key("Gwang-hyeok")


def test_surnames_map_across_scripts_and_spellings() -> None:
    assert surname_keys("Kim") == surname_keys("Gim") == surname_keys("김") == surname_keys("金") == {"김"}
    assert surname_keys("Lee") == surname_keys("Rhee") == surname_keys("Yi") == surname_keys("李") == {"이"}
    assert surname_keys("리") == {"이"}  # the North Korean spelling
    assert surname_keys("Pak") == surname_keys("朴") == {"박"}
    assert "손" in surname_keys("Son") and surname_keys("孙") == surname_keys("孫") == {"손"}


def test_names_in_chinese_characters_match_by_their_korean_readings() -> None:
    assert han_readings("智贤") == han_readings("智賢") == {key("임지현")[1]}  # Simplified and Traditional
    assert han_readings("雨龘") == frozenset()  # a character without a known reading: nothing to compare
    # 莲 is read 련 in the North and 연 in the South: both spellings of the name match.
    assert {key("김련희")[1], key("김연희")[1]} <= han_readings("莲姬")
    printed = [("林智贤", "임지현"), ("崔桂順", "Choe Gye Sun"), ("金莲姬", "Kim Ryon-hui"), ("朱玉顺", "朱玉順")]
    for chinese, other in printed:
        first, second = name_key(chinese), name_key(other)
        assert first is not None and second is not None
        assert readings_agree(first, second), (chinese, other)
    lim = name_key("임지현")
    assert lim is not None and not readings_agree(name_key("林志勇") or lim, lim)
    # A full name read across scripts is worth a name match, and brings the reports together.
    korean = report("ko.html", name="임지현", surname="임", age=26, returned="2017-06", published=date(2017, 7, 17))
    chinese = report("zh.html", name="林智贤", surname="林", returned="2017-06", published=date(2018, 3, 15))
    assert "name" in {f.name for f in explain(korean, chinese).features}
    assert len(resolve_incidents([korean, chinese])) == 1


def test_chinese_rendering_matches_on_surname_only() -> None:
    # 金雨舟 is a phonetic rendering of 김우정: its characters read 김우주 in Korean.
    korean = report("ko.html", name="김우정", surname="김", age=29, returned="2022-01-01", published=date(2022, 1, 4))
    chinese = report("zh.txt", name="金雨舟", surname="金", age=29, returned="2022-01-01", published=date(2022, 1, 6))
    match = explain(korean, chinese)
    assert not match.is_blocked
    assert [f.name for f in match.features][:3] == ["surname", "age", "returned"]
    assert len(resolve_incidents([korean, chinese])) == 1


@given(st.text(max_size=40))
def test_name_keys_never_raise(text: str) -> None:
    name_key(text, text[:1] or None)
    sound_key(text)
    romanize_name(text)


# Merging


def test_surname_only_reports_join_by_date_and_age() -> None:
    english = report(
        "a.html",
        "a 24-year-old identified only by his surname, Kim",
        surname="Kim",
        age=24,
        arrived_south="2017",
        returned="2020-07-19",
        published=date(2020, 7, 27),
        outlet="Ledger",
    )
    korean = report(
        "b.html",
        "탈북민 김모(24)씨",
        surname="김",
        age=24,
        arrived_south="2017",
        published=date(2020, 7, 27),
        outlet="포커스",
    )
    later = report("c.html", "a 24-year-old man swam back", age=24, returned="2020-07", published=date(2022, 1, 20))
    cases = resolve_incidents([english, korean, later])
    assert grouped(cases) == [{"a.html#0", "b.html#0", "c.html#0"}]
    features = {f.name for member in cases[0].incidents for f in member.features}
    assert {"age", "arrived"} <= features


def test_same_surname_is_never_enough() -> None:
    one = report("a.html", surname="Kim", gender="male", published=date(2020, 7, 27))
    two = report("b.html", surname="Kim", gender="male", published=date(2021, 3, 2))
    assert len(resolve_incidents([one, two])) == 2
    assert explain(one, two).score < 1


def test_two_kims_with_different_ages_and_dates_stay_apart() -> None:
    swimmer = report("a.html", surname="Kim", age=24, arrived_south="2017", returned="2020-07-19")
    gymnast = report("b.html", surname="Kim", age=29, arrived_south="2020-11", returned="2022-01-01")
    nameless = report("c.html", returned="2022-01-01", arrived_south="2020", published=date(2022, 1, 10))
    cases = resolve_incidents([swimmer, gymnast, nameless])
    assert grouped(cases) == [{"a.html#0"}, {"b.html#0", "c.html#0"}]
    assert {f.name for f in explain(swimmer, gymnast).blocked_by} == {"age", "returned", "arrived"}


def test_two_incidents_of_one_document_are_two_cases() -> None:
    first = report("a.html", surname="Kim", age=24, index=0)
    second = report("a.html", surname="Kim", age=24, index=1)
    assert len(resolve_incidents([first, second])) == 2


def test_different_given_names_block_a_merge() -> None:
    she = report("a.html", name="Son Ok-sun", surname="Son", returned="2016-01")
    he = report("b.html", name="Son Jong-hoon", surname="Son", returned="2016-01")
    assert "given name" in {f.name for f in explain(she, he).blocked_by}


def test_route_details_join_nameless_reports_across_languages() -> None:
    english = report(
        "en.html",
        "stole a village bus and tried to drive it across the Unification Bridge",
        status="attempted",
        published=date(2024, 10, 1),
    )
    korean = report(
        "ko.html",
        "마을버스를 훔쳐 통일대교를 건너려던 30대 남성 탈북민이 경찰에 붙잡혔다",
        status="attempted",
        published=date(2024, 10, 1),
    )
    cases = resolve_incidents([english, korean])
    assert len(cases) == 1
    assert cases[0].values("age")[0].value == "30s"  # the range the Korean report gives


# Conflicts, dates and the ladder


def test_disagreements_are_kept_as_conflicts() -> None:
    ranged = report(
        "a.html",
        "a man in his 30s went back across the border on Jan. 1",
        gender="male",
        arrived_south="2020-11",
        returned="2022-01-01",
        published=date(2022, 1, 12),
    )
    exact = report(
        "b.html",
        name="김우정",
        surname="김",
        age=29,
        arrived_south="2020-11-03",
        returned="2022-01-01",
        published=date(2022, 1, 4),
    )
    cases = resolve_incidents([ranged, exact])
    assert len(cases) == 1
    (conflict,) = cases[0].conflicts
    assert conflict.field == "age"
    assert {(v.value, v.incidents) for v in conflict.values} == {("30s", ("a.html#0",)), (29, ("b.html#0",))}
    assert cases[0].event_date == "2022-01-01"


def test_two_return_dates_a_day_apart_are_one_case_with_a_conflict() -> None:
    one = report("a.html", surname="Kim", age=24, returned="2020-07-18", published=date(2020, 7, 27))
    two = report("b.html", surname="Kim", age=24, returned="2020-07-19", published=date(2020, 7, 28))
    (case,) = resolve_incidents([one, two])
    assert [c.field for c in case.conflicts] == ["returned"]
    assert case.event_date is None  # disputed: shown as a conflict, not silently picked
    assert {v.value for v in case.values("returned")} == {"2020-07-18", "2020-07-19"}


def test_return_months_a_few_weeks_apart_are_a_conflict_not_two_people() -> None:
    june = report(
        "a.html", surname="Kim", age=24, arrived_south="2017", returned="2020-06", published=date(2020, 7, 28)
    )
    july = report(
        "b.html", surname="Kim", age=24, arrived_south="2017", returned="2020-07-19", published=date(2020, 7, 27)
    )
    (case,) = resolve_incidents([june, july])
    assert [c.field for c in case.conflicts] == ["returned"]
    assert "returned near" in {f.name for f in explain(june, july).features}
    # Months apart is two events, whatever else agrees.
    march = report(
        "c.html", surname="Kim", age=24, arrived_south="2017", returned="2020-03", published=date(2020, 4, 2)
    )
    assert "returned" in {f.name for f in explain(march, july).blocked_by}
    assert len(resolve_incidents([march, july])) == 2
    # December and the next January are near too: blocking by return year must not drop the pair.
    december = report("d.html", surname="Park", age=40, arrived_south="2015", returned="2019-12-30")
    january = report("e.html", surname="Park", age=40, arrived_south="2015", returned="2020-01")
    assert len(resolve_incidents([december, january])) == 1


def test_surname_arrival_and_return_years_together_join_a_surname_only_report() -> None:
    surname_only = report("a.html", surname="Yoo", arrived_south="1998", returned="2000", published=date(2012, 6, 29))
    full = report("b.html", name="Yoo Tae-joon", surname="Yoo", arrived_south="1998", returned="2000")
    assert "surname, arrival and return" in {f.name for f in explain(surname_only, full).features}
    assert len(resolve_incidents([surname_only, full])) == 1
    # Two of the three are not enough.
    other_year = report("c.html", name="Yoo Min-su", surname="Yoo", arrived_south="1998", returned="2003")
    assert len(resolve_incidents([surname_only, other_year])) == 2
    no_arrival = report("d.html", name="Yoo Min-su", surname="Yoo", returned="2000")
    assert len(resolve_incidents([surname_only, no_arrival])) == 2


def test_undated_reports_of_one_stolen_bus_attempt_are_one_case() -> None:
    first = report("a.txt", "a defector tried to cross back into the North in a stolen bus", status="attempted")
    second = report("b.txt", "police caught a defector who stole a bus to drive it back north", status="attempted")
    assert len(resolve_incidents([first, second])) == 1
    # A stolen boat is another attempt.
    boat = report("c.txt", "a defector stole a fishing boat to sail back north", status="attempted")
    assert len(resolve_incidents([first, boat])) == 2


def test_a_gender_disagreement_blocks_only_weak_evidence() -> None:
    he = report("a.html", surname="Kim", age=24, arrived_south="2017", returned="2020-07-19", gender="male")
    she = report("b.html", surname="Kim", age=24, arrived_south="2017", returned="2020-07-19", gender="female")
    assert not explain(he, she).is_blocked  # surname, age, arrival and the return day: one person misgendered
    assert len(resolve_incidents([he, she])) == 1
    weak = report("c.html", surname="Kim", age=24, gender="female")
    assert "gender" in {f.name for f in explain(he, weak).blocked_by}


def test_event_date_is_kept_apart_from_disclosure_date() -> None:
    first = report("a.html", surname="Kim", age=24, returned="2020-07", published=date(2020, 9, 2))
    second = report("b.html", surname="Kim", age=24, returned="2020-07-19", published=date(2020, 8, 30))
    (case,) = resolve_incidents([first, second])
    assert case.event_date == "2020-07-19"  # the most precise agreeing value
    assert case.disclosure_date == date(2020, 8, 30)  # the earliest publication
    assert case.conflicts == ()


def test_confirmation_ladder_and_independent_sources() -> None:
    kwargs: dict[str, Any] = {"surname": "Kim", "age": 24, "returned": "2020-07-19"}
    base = report("a.html", "He swam across the estuary", outlet="Ledger", published=date(2020, 7, 27), **kwargs)
    (alone,) = resolve_incidents([base])
    assert (alone.confirmation, alone.independent_sources) == ("single_outlet", 1)
    copy = report("copy.txt", "He swam across the estuary", published=date(2020, 7, 28), **kwargs)
    (case,) = resolve_incidents([base, copy])
    assert (case.confirmation, case.independent_sources) == ("multiple_outlets", 2)
    (case,) = resolve_incidents([base, copy], clusters={"a.html": "1", "copy.txt": "1"})
    assert (case.confirmation, case.independent_sources) == ("single_outlet", 1)  # a copy confirms nothing
    military = report(
        "m.html", "South Korea's military said Monday he swam across", published=date(2020, 7, 27), **kwargs
    )
    assert resolve_incidents([base, military])[0].confirmation == "authority"
    kcna = report("k.html", "North Korean state media reported that a runaway crossed back", **kwargs)
    (case,) = resolve_incidents([base, military, kcna])
    assert case.confirmation == "state_media"
    assert dict(case.confirmed_by)["authority"] == ("m.html#0",)


def test_decisions_override_the_machine_in_the_order_taken() -> None:
    one = report("a.html", surname="Kim", age=24, returned="2020-07-19")
    two = report("b.html", surname="Kim", age=24, returned="2020-07-19")
    other = report("c.html", surname="Lee", age=50, returned="2011")
    split = CaseDecision("split", ("b.html#0",), ("a.html#0",))
    assert len(resolve_incidents([one, two, other], decisions=[split])) == 3
    merge = CaseDecision("merge", ("a.html#0", "c.html#0"), note="same person, surname misprinted")
    cases = resolve_incidents([one, two, other], decisions=[split, merge])
    assert grouped(cases) == [{"a.html#0", "c.html#0"}, {"b.html#0"}]
    merged = next(c for c in cases if len(c.incidents) == 2)
    assert "manual merge" in {f.name for m in merged.incidents for f in m.features}
    assert [c.field for c in merged.conflicts] == ["surname", "age", "returned"]


def test_case_json_lists_values_with_their_sources() -> None:
    one = report("https://a.example/story", surname="Kim", age=24, returned="2020-07-19", outlet="Ledger")
    two = report("/data/b.html", surname="김", age=24, returned="2020-07-19", index=2)
    data = case_to_json(resolve_incidents([one, two])[0])
    assert {"source": "/data/b.html", "incident": 2} in [
        {k: i[k] for k in ("source", "incident")} for i in data["incidents"]
    ]
    assert data["fields"]["age"] == [
        {
            "value": 24,
            "sources": [
                {"source": "https://a.example/story", "incident": 0, "outlet": "Ledger"},
                {"source": "/data/b.html", "incident": 2, "outlet": None},
            ],
        }
    ]
    assert data["conflicts"] == []


def test_incidents_from_extract_json() -> None:
    data = {
        "id": "doc-1",
        "language": "en",
        "article": {"published": "2022-01-03", "outlet": "Wire"},
        "incidents": [{"person": {"surname": "Kim", "age": "twenty"}, "status": "bogus", "evidence": ["Kim went"]}],
    }
    (item,) = incidents_from_json(data, "docs/doc-1.html")
    assert (item.key, item.published, item.outlet) == ("docs/doc-1.html#0", date(2022, 1, 3), "Wire")
    assert (item.incident.person.age, item.incident.status) == (None, "returned")


# Claim series


def claim(value: int, qualifier: Qualifier = "exact", period: str | None = None) -> Claim:
    return Claim(
        subject="returned_north",
        value=value,
        qualifier=qualifier,
        period=period,
        source="Ministry of Unification",
    )


def test_claim_series_show_how_a_figure_changed_and_who_said_it() -> None:
    claims = [
        SourcedClaim(claim(31, period="since 2012"), "d.html", published=date(2022, 9, 27)),
        SourcedClaim(claim(11, period="past five years"), "a.html", published=date(2020, 7, 27)),
        SourcedClaim(claim(11, period="past five years"), "a-copy.html", published=date(2020, 7, 28)),
        SourcedClaim(claim(30, "about", "over the past decade"), "c.html", published=date(2022, 1, 20)),
        SourcedClaim(claim(28), "b.html", published=date(2021, 5, 1)),
        SourcedClaim(Claim(subject="returned_north", value=15, source="South Korean media"), "e.html"),
    ]
    series = claim_series(claims, clusters={"a.html": "7", "a-copy.html": "7"})
    ministry = series[("returned_north", "Ministry of Unification", None)]
    assert [(p.date, p.value, p.qualifier) for p in ministry] == [
        (date(2020, 7, 27), 11, "exact"),
        (date(2021, 5, 1), 28, "exact"),
        (date(2022, 1, 20), 30, "about"),
        (date(2022, 9, 27), 31, "exact"),
    ]
    assert (ministry[0].copies, ministry[0].document, ministry[2].period) == (2, "a.html", "over the past decade")
    assert [p.value for p in series[("returned_north", "South Korean media", None)]] == [15]


# Blocking


def test_blocks_are_split_by_return_year_and_surname_without_losing_a_link() -> None:
    from redefection.resolve.cluster import candidate_pairs
    from redefection.resolve.features import compare, profile

    route = "crossed the Han River estuary from Ganghwa Island"
    items = [
        report("a", route, surname="Kim", age=30, returned="2019-05", index=0),
        report("b", route, surname="Kim", age=30, returned="2019-05", index=0),
        report("c", route, surname="Kim", age=30, returned="2021-05", index=0),  # another year: never one case
        report("d", route, surname="Lee", age=30, returned="2019-05", index=0),  # another surname
        report("e", route, surname="Kim", age=30, index=0),  # no return date: compared with every Kim
        report("f", route, surname="Gim", age=30, returned="2019-12-31", index=0),  # spelling of Kim; a day off 2020
        report("g", route, surname="Kim", age=30, returned="2020-01-02", index=0),
    ]
    profiles = [profile(item) for item in items]
    pairs = {(items[a].source, items[b].source) for a, b in candidate_pairs(profiles)}
    assert ("a", "b") in pairs and ("a", "e") in pairs and ("c", "e") in pairs
    assert ("f", "g") in pairs  # days a few apart across New Year stay comparable
    assert ("a", "c") not in pairs and ("a", "d") not in pairs and ("b", "d") not in pairs
    # Nothing left out could have linked: every skipped pair sharing the route has a hard conflict.
    for i, first in enumerate(profiles):
        for j in range(i + 1, len(profiles)):
            if (items[i].source, items[j].source) not in pairs:
                assert compare(first, profiles[j]).is_blocked


def test_a_full_name_outweighs_a_return_date_of_the_same_year_or_with_one_more_fact_issue_12() -> None:
    autumn = report("a.html", name="Ahn Sung-min", surname="Ahn", returned="2015-09-12", published=date(2015, 11, 2))
    spring = report("b.html", name="Ahn Sung-min", surname="Ahn", returned="2015-04", published=date(2016, 1, 5))
    match = explain(autumn, spring)
    assert not match.is_blocked and "returned differs" in {f.name for f in match.features}
    (case,) = resolve_incidents([autumn, spring])
    assert [c.field for c in case.conflicts] == ["returned"]
    # Years apart: only with one more agreeing fact (here age and arrival year).
    later = report("c.html", name="Ahn Sung-min", surname="Ahn", returned="2017", published=date(2018, 2, 1))
    assert "returned" in {f.name for f in explain(autumn, later).blocked_by}
    assert len(resolve_incidents([autumn, later])) == 2
    aged = report("d.html", name="Ahn Sung-min", surname="Ahn", age=41, arrived_south="2011", returned="2013")
    aged_too = report("e.html", name="안성민", surname="안", age=41, arrived_south="2011", returned="2015-09")
    assert len(resolve_incidents([aged, aged_too])) == 1
    # Without a full name a return date years off still keeps two reports apart.
    surname_only = report("f.html", surname="Ahn", age=41, arrived_south="2011", returned="2013")
    assert len(resolve_incidents([surname_only, aged_too])) == 2


def test_one_misgendered_report_joins_a_case_whose_reports_agree_on_gender_issue_12() -> None:
    common: dict[str, Any] = {"surname": "Kim", "age": 24, "arrived_south": "2017", "status": "returned"}
    men = [
        report(
            f"m{n}.html",
            "He swam across the Han River estuary from Ganghwa",
            returned="2020-07-19",
            gender="male",
            published=date(2020, 7, 27),
            **common,
        )
        for n in range(3)
    ]
    undated = report("u.html", "He swam from Ganghwa", gender="male", **common)
    # Unnamed, with the wrong pronoun: linked by its date and details to the case, but not to the undated report.
    she = report(
        "w.html",
        "a defector swam back from Ganghwa across the Han River estuary",
        returned="2020-07",
        gender="female",
        published=date(2020, 8, 3),
    )
    assert explain(she, undated).is_blocked
    assert grouped(resolve_incidents([*men, undated, she])) == [{m.key for m in men} | {undated.key, she.key}]
    # Without a clear majority the gender disagreement still keeps the groups apart.
    assert len(resolve_incidents([men[0], undated, she])) == 2


def test_an_undated_report_published_days_after_a_dated_attempt_joins_it_issue_12() -> None:
    dated = report(
        "a.html",
        "A defector in his 40s drove a stolen truck toward the border on May 3 and was stopped",
        age_min=40,
        age_max=49,
        gender="male",
        returned="2023-05-03",
        status="attempted",
        published=date(2023, 5, 20),
    )
    undated = report(
        "b.html",
        "Police detained a defector in his 40s who tried to drive north",
        age_min=40,
        age_max=49,
        gender="male",
        status="attempted",
        published=date(2023, 5, 4),
    )
    names = {f.name for f in explain(dated, undated).features}
    assert {"reported when it happened", "age range"} <= names
    assert len(resolve_incidents([dated, undated])) == 1
    # Published weeks later, or before the event, it says nothing of that day.
    later = report("c.html", age_min=40, age_max=49, gender="male", status="attempted", published=date(2023, 6, 9))
    assert "reported when it happened" not in {f.name for f in explain(dated, later).features}
    assert len(resolve_incidents([dated, later])) == 2
    # Another decade is someone else.
    younger = report("d.html", age_min=20, age_max=29, gender="male", status="attempted", published=date(2023, 5, 4))
    assert "age range" not in {f.name for f in explain(undated, younger).features}


def test_two_unnamed_reports_of_an_embassy_visit_on_one_day_are_one_case_issue_12() -> None:
    first = report(
        "a.html",
        "A defector in his 50s who walked into the North's embassy in Laos was jailed",
        age_min=50,
        age_max=59,
        gender="male",
        status="attempted",
        published=date(2021, 3, 9),
    )
    second = report(
        "b.html",
        "라오스 주재 북한대사관을 찾아간 50대 탈북민이 실형을 선고받았다",
        age_min=50,
        age_max=59,
        gender="male",
        status="attempted",
        published=date(2021, 3, 9),
    )
    assert "details" in {f.name for f in explain(first, second).features}
    assert len(resolve_incidents([first, second])) == 1


def test_a_date_clash_outweighed_by_one_full_name_link_holds_for_the_whole_case_issue_12() -> None:
    full = report("a.html", name="Ahn Sung-min", surname="Ahn", age=41, arrived_south="2011", returned="2013-06")
    name_only = report("b.html", name="Ahn Sung-min", surname="Ahn", returned="2013-06")
    other_year = report("c.html", name="안성민", surname="안", age=41, arrived_south="2011", returned="2015-09")
    assert explain(name_only, other_year).is_blocked  # alone, the name does not outweigh years apart
    (case,) = resolve_incidents([full, name_only, other_year])
    assert "returned" in [c.field for c in case.conflicts]
    # Without the strong link, the report of another year stays apart.
    assert len(resolve_incidents([name_only, other_year])) == 2
