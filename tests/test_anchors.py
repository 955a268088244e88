"""Copies across languages: a translation or a script conversion joins its original's cluster by its anchors."""

from __future__ import annotations

from pathlib import Path

from redefection import anchors, dedupe
from redefection.app.ingest import ingest_paths
from redefection.app.syndication import list_duplicates
from redefection.settings import Settings
from redefection.store import Store

# An invented Korean report, an English machine translation of it, and an English report of our own on the same
# invented couple (the same names, the same dates) written independently.
KOREAN = (
    "통일부는 14일 북한 매체가 공개한 최민철·윤서희 부부가 국내에 정착했던 탈북민이 맞다고 밝혔다.",
    "북한 매체는 이들 부부가 지난 8월 3일 딸과 함께 북으로 돌아왔다고 전했다.",
    "통일부에 따르면 최민철은 2011년 입국했고 윤서희는 2013년 입국해 2015년 결혼했다.",
    "두 사람은 인천에서 식당을 운영했으며 2019년 폐업한 뒤 연락이 끊긴 것으로 알려졌다. 딸은 7살이다.",
)
TRANSLATION = (
    "The Ministry of Unification said on the 14th that the couple Choi Min-cheol and Yoon Seo-hee, whom the "
    "North Korean media revealed, are right the defectors who had settled in the country.",
    "The North Korean media reported that this couple came back to the North together with the daughter on "
    "August 3 past.",
    "According to the Ministry of Unification, Choi Min-cheol entered in 2011 and Yoon Seo-hee entered in 2013 "
    "and married in 2015.",
    "It is known that the two operated a restaurant in Incheon and lost contact after closing in 2019. The "
    "daughter is 7 years old.",
)
INDEPENDENT = (
    "A couple who ran a small restaurant in Incheon until 2019 have resurfaced in the North, Seoul said on "
    "Thursday, August 14.",
    "Choi Min-cheol, 44, and his wife Yoon Seo-hee, 39, appeared with their 7-year-old daughter in footage "
    "released by the North, which said they came back on August 3.",
    "Choi arrived in the South in 2011. Neighbours in Incheon said the family had seemed settled, and that "
    "the restaurant, opened in 2016, closed during a slow year.",
    "Officials said 12 people who had settled in the South had gone back since 2012, and that 3 of them had "
    "later left the North again.",
)
# An invented Traditional Chinese report and its conversion to Simplified with regional wording (北韓 -> 朝鲜).
TRADITIONAL = (
    "一名31歲的脫北男子本月6日乘小船越過海上邊界返回北韓，南韓軍方8日證實此事。",
    "南韓統一部表示，該男子2016年抵達南韓，過去三年在仁川一家工廠工作，月收入約250萬韓元。",
    "統一部指出，2012年以來確認返回北韓的脫北者共有33人，其中4人後來再次脫北。",
    "一名學者表示，實際人數可能接近60人。",
)
SIMPLIFIED = (
    "一名31岁的脱北男子本月6日乘小船越过海上边界返回朝鲜，韩国军方8日证实此事。",
    "韩国统一部表示，该男子2016年抵达韩国，过去三年在仁川一家工厂工作，月收入约250万韩元。",
    "统一部指出，2012年以来确认返回朝鲜的脱北者共有33人，其中4人后来再次脱北。",
    "一名学者表示，实际人数可能接近60人。",
)


def text(paragraphs: tuple[str, ...]) -> str:
    return "\n\n".join(paragraphs)


def test_variant_tells_scripts_and_chinese_forms_apart() -> None:
    assert anchors.variant(text(KOREAN)) == "hangul"
    assert anchors.variant(text(TRANSLATION)) == "latin"
    assert anchors.variant(text(TRADITIONAL)) == "hant"
    assert anchors.variant(text(SIMPLIFIED)) == "hans"


def test_names_in_hangul_and_latin_share_an_anchor_and_months_become_numbers() -> None:
    english = [anchor.key for anchor in anchors.anchors(text(TRANSLATION))]
    korean = [anchor.key for anchor in anchors.anchors(text(KOREAN))]
    choi = english[1]
    assert choi.startswith("p:최|")
    assert choi in korean
    assert english[3:5] == ["n:8", "n:3"]  # "August 3"
    assert korean.index("n:8") < korean.index("n:3")  # "8월 3일"


def test_dates_give_year_month_day_whatever_order_the_language_writes() -> None:
    def keys(text: str) -> list[str]:
        return [anchor.key for anchor in anchors.anchors(text)]

    full = ["n:2012", "n:11", "n:9"]
    assert keys("on Nov. 9, 2012") == keys("on 9 November 2012") == keys("2012-11-09") == full
    assert keys("2012년 11월 9일 오후") == keys("2012年11月9日下午") == full
    assert keys("in June 2012") == keys("2012년 6월에") == ["n:2012", "n:6"]
    assert keys("September 12") == keys("9월 12일") == ["n:9", "n:12"]
    # Bounded: a megabyte of text is read from its start only.
    huge = "On March 3, 2020 a man, 24, said 5 of 12. " * 25_000
    assert len(anchors.anchors(huge)) <= anchors.MAX_CHARS // 4


def test_translation_is_a_copy_and_an_independent_report_is_not() -> None:
    assert not dedupe.compare(dedupe.shingles(text(KOREAN)), dedupe.shingles(text(TRANSLATION))).is_copy
    assert anchors.translation_copy(text(KOREAN), text(TRANSLATION))
    assert dedupe.is_copy(text(TRANSLATION), text(KOREAN))
    share, shared = anchors.ordered_share(text(KOREAN), text(INDEPENDENT))
    assert shared >= 4  # the same names and dates ...
    assert share < anchors.MIN_ORDERED_SHARE  # ... but not the same sequence of everything cited
    assert not dedupe.is_copy(text(KOREAN), text(INDEPENDENT))


def test_traditional_and_simplified_forms_of_one_article_are_copies() -> None:
    assert anchors.translation_copy(text(TRADITIONAL), text(SIMPLIFIED))
    trimmed = text(SIMPLIFIED[:3])
    assert anchors.translation_copy(text(TRADITIONAL), trimmed)
    # The same text is never a translation of itself (same-script pairs are judged by their shingles).
    assert not anchors.translation_copy(text(SIMPLIFIED), text(SIMPLIFIED))


def test_short_texts_sharing_a_date_and_a_name_are_not_copies() -> None:
    korean = "최민철은 2011년 입국했다."
    english = "Choi Min-cheol arrived in 2011."
    assert anchors.ordered_share(korean, english) == (0.0, 0)
    assert not anchors.translation_copy(korean, english)
    assert anchors.anchor_buckets(english) == []


def test_translations_find_each_other_through_anchor_buckets_of_the_other_script() -> None:
    for first, second in ((KOREAN, TRANSLATION), (TRADITIONAL, SIMPLIFIED)):
        assert set(anchors.anchor_buckets(text(first))) & set(anchors.anchor_queries(text(second)))
        assert set(anchors.anchor_buckets(text(second))) & set(anchors.anchor_queries(text(first)))
    # Texts in one script never meet there (their shingles decide): the same numbers in English twice.
    assert not set(anchors.anchor_buckets(text(TRANSLATION))) & set(anchors.anchor_queries(text(TRANSLATION)))


def page(title: str, body: tuple[str, ...], *, published: str, lang: str) -> str:
    paragraphs = "".join(f"<p>{part}</p>" for part in body)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


def test_ingest_clusters_a_translation_with_its_original_as_a_translation(tmp_path: Path, store: Store) -> None:
    files = {
        "a-ko.html": page("재입북 부부 확인", KOREAN, published="2024-08-14", lang="ko"),
        "b-en.html": page("Couple confirmed to be defectors", TRANSLATION, published="2024-08-15", lang="en"),
        "c-en.html": page("Restaurant couple resurfaces in the North", INDEPENDENT, published="2024-08-14", lang="en"),
        "d-zh.html": page("脫北男子乘船返回北韓", TRADITIONAL, published="2024-03-08", lang="zh-Hant"),
        "e-zh.html": page("脱北男子乘船返回朝鲜", SIMPLIFIED, published="2024-03-09", lang="zh-Hans"),
    }
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    report = ingest_paths([tmp_path], store, Settings(stages=("clean",)))
    assert report.failed == 0, report.failures
    clusters = list_duplicates(store)
    assert sorted([Path(source).name for source in cluster.sources] for cluster in clusters) == [
        ["a-ko.html", "b-en.html"],
        ["d-zh.html", "e-zh.html"],
    ]
    assert all(cluster.copies[0].differences == ("translation",) for cluster in clusters)
