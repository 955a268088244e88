"""HTML pages: metadata and body, including pages whose class names lie."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from redefection.clean import clean_capture, sniff_format
from redefection.clean.html import clean_html
from redefection.clean.metadata import split_title
from redefection.records import Capture

DATA = Path(__file__).parent / "data"


def clean_file(name: str):  # type: ignore[no-untyped-def]
    path = DATA / name
    return clean_capture(Capture(source=str(path), data=path.read_bytes()))


def test_semantic_page_metadata_and_body() -> None:
    document = clean_file("page-en.html")
    article = document.article
    assert document.format == "html"
    assert article.title == "Defector returns north by boat"
    assert article.byline == "Lena Cho"
    assert article.published == date(2021, 8, 2)
    assert article.outlet == "The Coastal Review"
    assert article.body[0].startswith("A man who had lived in the South")
    assert "Missed on radar" in article.body  # the article's own subheading
    assert not any("Heat wave" in p or "All rights reserved" in p for p in article.body)


def test_misleading_class_names_do_not_hide_the_article() -> None:
    document = clean_file("page-lying-classes.html")
    article = document.article
    assert len(article.body) == 3
    assert article.body[0].startswith("Officials on Monday confirmed")
    assert article.title == "Officials confirm second return this year"
    assert article.byline == "Joon Baek"
    assert article.published == date(2019, 3, 4)
    assert article.outlet == "Valley Times"


def test_json_ld_article_body_replaces_a_teaser() -> None:
    document = clean_file("page-teaser.html")
    assert len(document.article.body) == 4
    assert document.article.body[-1] == "He had lived in the South for about ten years, police said."
    assert not any("Subscribe" in p for p in document.article.body)
    assert document.article.outlet == "North Desk"


def test_meta_charset_euc_kr_page() -> None:
    document = clean_file("page-euc-kr.html")
    assert document.encoding == "cp949"
    assert document.language == "ko"
    assert document.article.title == "탈북민 재입북 확인"
    assert len(document.article.body) == 2


def test_credit_line_names_the_original_outlet() -> None:
    page = """<html><head><meta property="og:site_name" content="Copy Hub"></head><body>
    <h1>Officials confirm a second return this year</h1>
    <div>Source: The Original Times</div>
    <p>Officials on Monday confirmed that a woman who had settled in the South had gone back to the North.</p>
    <p>The woman, in her 50s, had told acquaintances that she missed her grandchildren, officials said.</p>
    <p>Her departure came to light when she stopped attending a weekly support group in the city.</p>
    </body></html>"""
    article, _ = clean_html(page)
    assert article.outlet == "The Original Times"
    assert not any("Source:" in p for p in article.body)


def test_one_search_finds_every_line_a_credit_pattern_finds() -> None:
    from redefection.clean.attribution import credited_outlet
    from redefection.clean.patterns import chrome_words

    words = chrome_words()
    lines = [
        "Source: The Original Times",
        "SOURCE : Harbour Daily | Photo: staff",
        "This story was originally published by Valley Times.",
        "Republished from North Desk. All rights reserved.",
        "This article first appeared in The Coastal Review.",
        "출처: 한강일보",
        "来源：海港日报",
        "The source of the leak was never found.",
        "Officials said the man had been reported missing.",
        "Open source tools from the harbour office.",
    ]
    for line in lines:
        assert bool(words.attribution_any.search(line)) == any(p.search(line) for p in words.attribution_patterns)
    assert credited_outlet(lines[0]) == "The Original Times"
    assert credited_outlet(lines[-1]) is None


def test_navigation_asides_and_form_controls_leave_no_text_but_their_neighbours_stay() -> None:
    page = """<html><head><title>Ferry returns to the islands | Harbour Daily</title></head><body>
    <nav><p>Home. News. Sport. Weather and tides for the whole coast this week.</p></nav>
    <h1>Ferry returns to the islands</h1>
    <p>The ferry to the northern islands will run again from next week, the harbour office said.<button>Share
    this story</button> Repairs to its engine took longer than the crew had hoped, officials said.</p>
    <aside><p>Read also: a long story about the lighthouse keepers and their families on the coast.</p></aside>
    <p>Passengers booked on the cancelled trips will be offered seats on the first sailings next week.</p>
    <p>The company said it would add an extra sailing on Saturdays until the end of the summer season.</p>
    <form><label>Your e-mail address for the morning newsletter about the harbour</label><input></form>
    </body></html>"""
    article, language = clean_html(page)
    assert language == "en"
    assert article.title == "Ferry returns to the islands"
    assert article.outlet == "Harbour Daily"  # from the page title, read before the head leaves the tree
    assert article.body[0].endswith(
        "office said. Repairs to its engine took longer than the crew had hoped, officials said."
    )
    assert len(article.body) == 3
    assert not any("lighthouse" in p or "Weather" in p or "Share" in p or "newsletter" in p for p in article.body)


def test_the_subtrees_dropped_before_extraction_are_ones_the_density_extractor_skips() -> None:
    from redefection.clean.blocks import SKIP_TAGS
    from redefection.clean.html import UNREAD_TAGS, UNSEEN_TAGS

    assert set(UNSEEN_TAGS) <= SKIP_TAGS
    assert set(UNREAD_TAGS) <= SKIP_TAGS


def test_trafilatura_options_built_once_give_what_its_keyword_arguments_give() -> None:
    import trafilatura

    from redefection.clean.html import _extractor, parse_html

    root = parse_html((DATA / "page-en.html").read_text("utf-8"))
    for fast in (True, False):
        expected = trafilatura.extract(
            root, fast=fast, include_comments=False, include_tables=True, include_images=False,
            favor_precision=True, deduplicate=False, with_metadata=False,
        )  # fmt: skip
        assert expected and trafilatura.extract(root, options=_extractor(fast)) == expected


def test_cleaning_records_the_credit_line_and_the_canonical_url_on_the_document() -> None:
    page = b"""<html><head><link rel="canonical" href="https://copyhub.example/a/17">
    <meta property="og:url" content="https://copyhub.example/a/17?ref=feed"></head><body>
    <h1>Officials confirm a second return this year</h1>
    <div>Source: The Original Times</div>
    <p>Officials on Monday confirmed that a woman who had settled in the South had gone back to the North.</p>
    <p>The woman, in her 50s, had told acquaintances that she missed her grandchildren, officials said.</p>
    </body></html>"""
    document = clean_capture(Capture(source="copy.html", data=page))
    assert document.credited_outlet == "The Original Times" == document.article.outlet
    assert document.canonical_url == "https://copyhub.example/a/17"
    plain = page.replace(b"<div>Source: The Original Times</div>", b"").replace(b'<link rel="canonical"', b"<link")
    uncredited = clean_capture(Capture(source="own.html", data=plain))
    assert uncredited.credited_outlet is None
    assert uncredited.canonical_url == "https://copyhub.example/a/17?ref=feed"  # og:url when no canonical link


def test_a_credit_line_naming_another_outlet_than_the_articles_is_not_recorded() -> None:
    # A "Source:" line inside the story names a data source, not the page's outlet.
    page = b"""<html><head><meta property="og:site_name" content="Copy Hub"></head><body>
    <h1>Officials confirm a second return this year</h1>
    <p>Officials on Monday confirmed that a woman who had settled in the South had gone back to the North.</p>
    <p>Source: Ministry figures</p>
    <p>The woman, in her 50s, had told acquaintances that she missed her grandchildren, officials said.</p>
    </body></html>"""
    document = clean_capture(Capture(source="hub.html", data=page))
    assert document.article.outlet == "Copy Hub"
    assert document.credited_outlet is None


def test_standfirst_between_headline_and_byline_is_not_body() -> None:
    page = """<html><body><article><h1>Arrivals rise again</h1>
    <p>A look at who came south last year</p>
    <div>By Ann Lee | Jan 5, 2024</div>
    <p>The number of people arriving from the North rose last year, the ministry said on Thursday.</p>
    <p>Most of them had spent years in third countries before reaching the South, officials said.</p>
    <p>The ministry expects the figure to rise again this year as border controls ease further.</p>
    </article></body></html>"""
    article, _ = clean_html(page)
    assert article.byline == "Ann Lee"
    assert article.body[0].startswith("The number of people")
    assert "A look at who came south last year" not in article.body


def _story_with_table(rows: str, caption: str = "") -> str:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the story explains the figures in plain words for the reader today.</p>" for i in range(6)
    )
    table = f"<table>{caption}{rows}</table>"
    return f"<html><body><article><h1>Figures for the year</h1>{paragraphs}{table}</article></body></html>"


def test_small_table_inside_a_story_is_dropped() -> None:
    rows = "".join(f"<tr><td>Office {i}</td><td>Room {100 + i}, second floor</td></tr>" for i in range(5))
    article, _ = clean_html(_story_with_table(rows))
    assert len(article.body) == 6
    assert not any("Office" in p for p in article.body)


def test_year_by_year_count_table_inside_a_story_stays_as_one_line() -> None:
    rows = "".join(f"<tr><td>{2015 + i}</td><td>{100 + i}</td></tr>" for i in range(5))
    caption = "<caption>Arrivals by year</caption><tr><th>Year</th><th>People</th></tr>"
    article, _ = clean_html(_story_with_table(rows, caption))
    assert len(article.body) == 7
    assert article.body[-1] == "Arrivals by year: 2015 100; 2016 101; 2017 102; 2018 103; 2019 104"


def test_split_title_drops_outlet_suffix() -> None:
    assert split_title("Defector returns | The Coastal Review", "The Coastal Review")[0] == "Defector returns"
    assert split_title("A plain headline", None) == ("A plain headline", None)


def test_sniff_format() -> None:
    assert sniff_format(Capture(source="a.txt", data=b"<!doctype html><html></html>")) == "html"
    assert sniff_format(Capture(source="a.html", data=b"Just text, no markup at all.")) == "text"
    assert sniff_format(Capture(source="x", data=b"plain", content_type="text/html; charset=utf-8")) == "html"


def test_deeply_nested_page_does_not_crash() -> None:
    page = (
        "<div>" * 5000 + "<p>Deep text that ends a sentence and is long enough to be prose here.</p>" + "</div>" * 5000
    )
    article, _ = clean_html(f"<html><body>{page}</body></html>")
    assert isinstance(article.body, tuple)


def test_meta_title_cut_by_an_unescaped_quote_gives_way_to_the_headline() -> None:
    paragraphs = "".join(
        f"<p>문단 {i}: 탈북민이 다시 북으로 돌아간 경위를 경찰이 조사하고 있다고 밝혔다.</p>" for i in range(5)
    )
    page = (
        '<html><head><meta property="og:title" content="탈북민 재입북…경찰 "납치 가능성도 조사"">'
        '<title>탈북민 재입북…경찰 "납치 가능성도 조사" | 뉴스</title></head>'
        f'<body><article><h1>탈북민 재입북…경찰 "납치 가능성도 조사"</h1>{paragraphs}</article></body></html>'
    )
    article, _ = clean_html(page)
    assert article.title == '탈북민 재입북…경찰 "납치 가능성도 조사"'


def test_meta_title_is_not_lengthened_by_the_outlet_suffix() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i} says a defector went back to the North last week, police said.</p>" for i in range(5)
    )
    page = (
        '<html><head><meta property="og:title" content="Defector goes back north">'
        "<title>Defector goes back north_World news_Example Daily</title></head>"
        f"<body><article>{paragraphs}</article></body></html>"
    )
    article, _ = clean_html(page)
    assert article.title == "Defector goes back north"


def test_justext_stoplist_keeps_its_words_and_hashes_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from trafilatura import external

    from redefection.clean import html as cleaner

    words = ("the", "und", "les", "하고")
    monkeypatch.setattr(external, "JT_STOPLIST", words)
    cleaner._hash_justext_stoplist()
    hashed = external.JT_STOPLIST
    assert hashed is not words and hashed == words and hash(hashed) == hash(words)
    cleaner._hash_justext_stoplist()
    assert external.JT_STOPLIST is hashed  # replaced once
    monkeypatch.setattr(external, "JT_STOPLIST", None)
    cleaner._hash_justext_stoplist()
    assert external.JT_STOPLIST is None  # not built yet: trafilatura builds it when it needs it
