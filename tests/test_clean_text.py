"""Text dumps: the article among menus, bylines, lists and footers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from redefection.clean import clean_capture
from redefection.clean.text import clean_dump, is_menu
from redefection.records import Capture

DATA = Path(__file__).parent / "data"


def clean_file(name: str):  # type: ignore[no-untyped-def]
    path = DATA / name
    return clean_capture(Capture(source=str(path), data=path.read_bytes()))


def test_english_dump_separates_article_from_chrome() -> None:
    document = clean_file("dump-en.txt")
    article = document.article
    assert document.format == "text"
    assert document.language == "en"
    assert article.title == "Defector who crossed back north had struggled to find work, officials say"
    assert article.byline == "Mara Quinn"
    assert article.published == date(2023, 5, 14)
    assert article.outlet == "Harbor Ledger"
    assert len(article.body) == 3
    assert article.body[0].startswith("A man who had fled North Korea")
    joined = " ".join(article.body)
    for chrome in ("Related stories", "Border guards", "All rights reserved", "Share", "Home"):
        assert chrome not in joined


def test_korean_article_on_chinese_portal_drops_foreign_chrome_and_outlet() -> None:
    document = clean_file("dump-ko-on-zh-portal.txt")
    assert document.language == "ko"
    assert document.article.title == "탈북민 남성, 서해 섬에서 배 타고 북으로 건너가"
    assert len(document.article.body) == 3
    assert document.article.body[-1] == "당국은 정확한 경위를 조사하고 있다."
    # The portal's Chinese name is not the Korean article's publisher.
    assert document.article.outlet is None
    assert not any("版權" in p or "體育" in p for p in document.article.body)


def test_headline_after_the_story_is_found() -> None:
    document = clean_file("dump-title-after.txt")
    assert document.article.title == "Pair of defectors appear on North Korean television"
    assert document.article.byline == "Ana Reyes"
    assert document.article.published is None
    assert len(document.article.body) == 2


def test_undeclared_gb18030_dump_is_decoded() -> None:
    document = clean_file("dump-gb18030.txt")
    assert document.encoding == "gb18030"
    assert document.language == "zh"
    assert document.article.title == "脱北者返回朝鲜"
    assert document.article.body[-1] == "该男子据称在韩国生活困难，很少与人来往。"


def test_short_closing_sentence_before_footer_block_is_chrome() -> None:
    text = (
        "Daily Example\n\nRates held steady\n\n"
        "The central bank kept its main rate unchanged on Thursday, as most economists had expected.\n\n"
        "Officials said inflation was slowing but remained above the target for a fourth month.\n\n"
        "Data delayed. Not advice.\nMore: markets close higher\n© 2024 Daily Example\n"
    )
    article, language = clean_dump(text)
    assert language == "en"
    assert len(article.body) == 2


def test_subheading_inside_the_story_is_kept() -> None:
    text = (
        "Some Outlet\n\nA headline about the border\n\n"
        "The first paragraph of the story is long enough to count as a paragraph of prose.\n\n"
        "What happened next\n\n"
        "The second paragraph also reads as a full sentence of the article's own text.\n"
    )
    article, _ = clean_dump(text)
    assert article.body == (
        "The first paragraph of the story is long enough to count as a paragraph of prose.",
        "What happened next",
        "The second paragraph also reads as a full sentence of the article's own text.",
    )


def test_menu_detection() -> None:
    assert is_menu("정치 경제 사회 지역 문화 스포츠 오피니언 포토")
    assert is_menu("导航：首页 新闻 朝鲜 韩国 日本 评论")
    assert not is_menu("새해 첫날 철책 넘어 월북한 탈북민, 체조선수 출신 김우정씨")
    assert not is_menu("Defector returns north")


def test_dump_without_prose_gives_empty_article() -> None:
    article, _ = clean_dump("Home | News | Sport\nLog in\n© 2020 Nobody\n")
    assert article.body == ()
    assert article.title is None


def _title_of(dump: str) -> str | None:
    article, _ = clean_dump(dump)
    return article.title


STORY = (
    "A defector who had lived in the South for six years was shown on North Korean television this week, "
    "officials in Seoul said on Thursday.\n\n"
    "The woman said she had missed her family and had found it hard to make a living in the South.\n\n"
    "The unification ministry said it was still checking how she had left the country earlier this year.\n"
)


def test_headline_is_not_a_promotion_line_above_the_breadcrumb() -> None:
    dump = (
        "CITY WEEKLY\nNews | Food | Events | About\n"
        "[x] Join 20,000 readers getting our weekly guide to the city. Your email [SUBSCRIBE] No thanks\n\n"
        "News > North Korea\n\n"
        "Defector resurfaces on state television after six years in the South\n"
        "By Mina Park | May 3, 2024\n\n" + STORY
    )
    assert _title_of(dump) == "Defector resurfaces on state television after six years in the South"


def test_standfirst_and_author_line_after_the_headline_are_not_the_title() -> None:
    dump = (
        "월간 사람들\n홈 | 기획 | 인터뷰 | 에세이\n\n기획 > 사람\n\n"
        "[기획] 다시 북으로 간 사람들의 이야기\n"
        "탈북민 상담가들이 말하는 정착의 어려움\n"
        "글 윤하늘 · 게재 2024.05.02\n\n"
        "서울의 한 상담소에서 일하는 상담가는 해마다 연락이 끊기는 탈북민이 있다고 말했다. "
        "그는 대부분 해외로 갔다고 설명했다.\n\n"
        "통일부는 올해도 재입북 사례를 확인하고 있다고 밝혔다. 정부는 정착 지원을 늘리겠다고 했다.\n"
    )
    assert _title_of(dump) == "[기획] 다시 북으로 간 사람들의 이야기"


def test_dated_headline_is_kept_but_date_and_label_lines_are_not() -> None:
    dump = (
        "BRIEFING ROOM\nUnofficial transcripts of government press briefings in Seoul\n"
        "Archive > 2012 > July\n\n"
        "Transcript: Unification Ministry regular briefing, July 20, 2012\n"
        "Posted July 20, 2012 | Joined: Mar 2011\n\n" + STORY
    )
    assert _title_of(dump) == "Transcript: Unification Ministry regular briefing, July 20, 2012"


def test_page_heading_after_the_story_is_not_the_title() -> None:
    dump = STORY + "\nAbout the Author\n\nMina Park covers North Korea for the paper.\n"
    assert _title_of(dump) != "About the Author"


def test_headline_printed_twice_wins_over_tool_lines_between() -> None:
    dump = (
        "Defector asks to be sent home to the North\n\nHome > National > Politics\n\nprint dictionary print\n\n"
        "Defector asks to be sent home to the North\n\n" + STORY
    )
    assert _title_of(dump) == "Defector asks to be sent home to the North"


def test_calendar_line_with_arrows_is_not_the_title() -> None:
    dump = "calendar>>March 3. 2013 Juche 102\nReturnee couple meets reporters in the capital\n" + STORY
    assert _title_of(dump) == "Returnee couple meets reporters in the capital"


def test_capture_cut_short_keeps_the_complete_sentences_of_its_last_line() -> None:
    text = (
        "Some Outlet\n\nA headline about the border\n\n"
        "The first paragraph of the story is long enough to count as a paragraph of prose.\n\n"
        "Officials said eleven people had gone back over five years, according to ministry data. Some of th"
    )
    article, _ = clean_dump(text)
    assert article.body[-1] == "Officials said eleven people had gone back over five years, according to ministry data."


def test_capture_cut_mid_sentence_keeps_its_last_fragment() -> None:
    text = (
        "Some Outlet\n\nA headline about the border\n\n"
        "The first paragraph of the story is long enough to count as a paragraph of prose.\n\n"
        "The second paragraph also reads as a full sentence of the article's own text.\n\n"
        "Returns to the North after years of resettlement in the South have become more freq"
    )
    article, _ = clean_dump(text)
    assert article.body[-1].startswith("Returns to the North after years")
    assert len(article.body) == 3


def test_korean_text_dump_on_one_line_with_a_table_glued_on() -> None:
    sentences = (
        "올해 들어 한국을 떠난 북한이탈주민이 모두 열두 명에 이른 것으로 정부 자료에서 확인됐다. "
        "이 가운데 세 명은 다시 북한으로 돌아간 것으로 집계됐다."
    )
    text = f"예시뉴스\n\n{sentences}〈연도별 현황〉2021년2022년2023년 3명5명4명자료: 예시 의원실 다음 기사 더보기"
    article, language = clean_dump(text)
    assert language == "ko"
    assert article.body == (sentences,)


def test_footer_as_last_line_is_not_kept_as_a_cut_sentence() -> None:
    text = (
        "Some Outlet\n\nA headline about the border\n\n"
        "The first paragraph of the story is long enough to count as a paragraph of prose.\n\n"
        "The second paragraph also reads as a full sentence of the article's own text.\n\n"
        "Some Outlet is an independent newsletter published every week. © 2024 Some Outlet. Contact: ed@x.example"
    )
    article, _ = clean_dump(text)
    assert len(article.body) == 2
