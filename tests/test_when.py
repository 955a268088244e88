"""Time expressions and their resolution against the article date."""

from __future__ import annotations

from datetime import date

import pytest

from redefection.extract.when import find_times

TODAY = date(2022, 1, 5)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("It happened on March 3, 2019.", "en", ["2019-03-03"]),
        ("He arrived in November 2020.", "en", ["2020-11"]),
        ("She came south in 2011.", "en", ["2011"]),
        ("He crossed on New Year's Day.", "en", ["2022-01-01"]),
        ("He crossed on Dec. 30.", "en", ["2021-12-30"]),
        ("It happened earlier this month.", "en", ["2022-01"]),
        ("It happened last week.", "en", ["2021-12"]),
        ("He left on Saturday.", "en", ["2022-01-01"]),
        ("She flew back in late May.", "en", ["2021-05"]),
        ("He may have gone.", "en", []),
        ("2020년 11월 3일 귀순했다.", "ko", ["2020-11-03"]),
        ("김씨는 1일 월북했다.", "ko", ["2022-01-01"]),
        ("지난해 입국했다.", "ko", ["2021"]),
        ("새해 첫날 넘어갔다.", "ko", ["2022-01-01"]),
        ("2017年逃到韩国。", "zh", ["2017"]),
        ("於1月1日越過軍事分界線。", "zh", ["2022-01-01"]),
        ("本月返回朝鲜。", "zh", ["2022-01"]),
    ],
)
def test_times(text: str, language: str, expected: list[str]) -> None:
    assert [t.value for t in find_times(text, language, TODAY)] == expected


def test_relative_dates_need_the_article_date() -> None:
    assert [t.value for t in find_times("He crossed on July 19.", "en", None)] == [None]
    assert [t.value for t in find_times("He crossed last week.", "en", None)] == [None]
    assert [t.value for t in find_times("He crossed in 2019.", "en", None)] == ["2019"]


def test_a_day_of_this_or_last_month_in_korean_and_chinese() -> None:
    today = date(2020, 7, 27)
    assert [t.value for t in find_times("一名男子本月19日越過軍事分界線", "zh", today)] == ["2020-07-19"]
    assert [t.value for t in find_times("지난달 18일 새벽 택시를 탔다", "ko", today)] == ["2020-06-18"]
    assert [t.value for t in find_times("上月31日", "zh", today)] == [None]  # June has no 31st


def test_last_month_at_the_start_of_a_sentence() -> None:
    assert [t.value for t in find_times("Last month a defector swam back.", "en", date(2020, 8, 10))] == ["2020-07"]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("He arrived in 2010 and crossed back via China in June that year.", "en", ["2010", "2010-06"]),
        ("2010年抵達南韓，同年6月經中國返回北韓。", "zh", ["2010", "2010-06"]),
        ("2011년 중국에 갔다가 같은 해 3월 한국에 왔다.", "ko", ["2011", "2011-03"]),
        ("同年6月返回北韓。", "zh", [None]),  # no year named before it in the sentence: not the article's
    ],
)
def test_the_same_year_is_the_year_named_before_in_the_sentence(
    text: str, language: str, expected: list[str | None]
) -> None:
    assert [t.value for t in find_times(text, language, TODAY)] == expected


def test_section_date_places_yearless_months_and_days() -> None:
    # Under a timeline heading "June 2019: ...", a month without a year is the latest not after it.
    assert [t.value for t in find_times("She went back in May.", "en", TODAY, "2019-06")] == ["2019-05"]
    assert [t.value for t in find_times("They crossed in September.", "en", None, "2019-03")] == ["2018-09"]
    assert [t.value for t in find_times("He swam across on May 27.", "en", TODAY, "2016-07")] == ["2016-05-27"]
    assert [t.value for t in find_times("He climbed over on New Year's Day.", "en", TODAY, "2018-01")] == ["2018-01-01"]
    # a year the text states is kept whatever the section
    assert [t.value for t in find_times("He left in March 2011.", "en", TODAY, "2019-06")] == ["2011-03"]


def test_same_year_takes_the_year_named_in_an_earlier_sentence() -> None:
    assert [t.value for t in find_times("同年5月经第三国返回。", "zh", None, None, "2014")] == ["2014-05"]
    assert [t.value for t in find_times("같은 해 8월 다시 넘어갔다.", "ko", None, None, "2015")] == ["2015-08"]
    assert [t.value for t in find_times("They came back later that year.", "en", TODAY, None, "2013")] == ["2013"]
    # the sentence's own year wins over the earlier one
    assert [t.value for t in find_times("2010年抵达，同年6月返回。", "zh", None, None, "2014")] == ["2010", "2010-06"]
    assert [t.value for t in find_times("They came back that year.", "en", TODAY)] == [None]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("주체99(2010)년 4월 남쪽으로 갔다.", "ko", ["2010-04"]),
        ("2019년 새해 첫날 넘어갔다.", "ko", ["2019-01-01"]),
        ("지난해 5월 돌아갔다.", "ko", ["2021-05"]),
        ("올해 1월 3일 넘어갔다.", "ko", ["2022-01-03"]),
        ("他去年11月回到朝鲜。", "zh", ["2021-11"]),
    ],
)
def test_cjk_year_forms(text: str, language: str, expected: list[str]) -> None:
    assert [t.value for t in find_times(text, language, TODAY)] == expected


def test_that_month_takes_the_year_named_before() -> None:
    assert [t.value for t in find_times("She had gone back that August.", "en", TODAY, None, "2015")] == ["2015-08"]
