"""Clean an HTML page: metadata plus the article body.

The body comes from one of three candidates, weighed by what they share:
trafilatura's extraction (the best general-purpose extractor on the public
benchmark), our density extractor (``blocks``; structure only, immune to
misleading class names), and the JSON-LD ``articleBody`` (the full text of
paywalled pages that show only a teaser).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import trafilatura
from lxml import etree, html
from trafilatura import external
from trafilatura.settings import Extractor

from ..records import Article
from ..settings import DEFAULT_LANGUAGES
from ._text import EMAIL, ends_sentence, normalize_space
from .attribution import MAX_CREDIT_LINE, credited_outlet, is_boilerplate
from .blocks import Block, density_paragraphs, split_blocks
from .bylines import is_person_name, parse_byline
from .dates import find_dates
from .language import detect_language, guess_by_script
from .metadata import Metadata, extract_metadata, split_title
from .patterns import chrome_words
from .tables import data_table

logger = logging.getLogger(__name__)

TOKEN = re.compile(r"\w+", re.UNICODE)
CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# trafilatura's body is replaced by the density extractor's when it found next to nothing (dev
# corpus: the four pages with misleading class names give trafilatura 0-13 words). Comparing the
# two by length instead let comment threads win over real articles on the public benchmark.
MIN_WORDS = 40
# Table rows stay when tables are most of the text (a standings page) and go when they are a
# small part of a story (a data box inside an article): -0.01 F1 on the public benchmark if all go.
TABLE_SHARE = 0.3
# JSON-LD articleBody replaces the visible body when it is this much longer and contains it.
TEASER_RATIO = 1.5
QUOTES = ('"', "“", "”", "'", "‘", "’")  # where an unescaped quote in a meta attribute cuts a headline
HASHTAGS = re.compile(r"^(?:#\S+\s*){1,}$")
# Characters of paragraph text the first language guess reads.
HINT_CHARS = 4000
# Elements no extractor reads text from once the metadata (JSON-LD scripts) is taken: trafilatura deletes
# them when it cleans its copy of the tree, and the density extractor skips them. Dropping them first
# spares trafilatura copying them and running its XPath pruning over them (-10% time per page).
UNREAD_TAGS = ("script", "style", "svg", "iframe")
# Then, once the headline, the page title and the language hint are read, the subtrees both extractors
# pass over: trafilatura deletes them in its tree cleaning (after copying them and evaluating its raw-tree
# XPaths over them), the density extractor skips them. A third of a page's elements, mostly navigation;
# <noscript> stays (trafilatura reads it before its cleaning on some pages), as do <footer>, <form> and
# <figure> (read by us, or kept by trafilatura when they hold the text or a table).
UNSEEN_TAGS = (
    "head", "aside", "nav", "object", "embed", "button", "input", "select", "option", "textarea", "label",
    "canvas", "video", "audio", "map", "menu", "dialog", "picture",
)  # fmt: skip


# Every element is an ``HtmlElement`` (what trafilatura expects), chosen in C: lxml.html's own lookup is
# Python code run for each element object created, about a tenth of the time spent on a page.
ELEMENT_CLASSES = etree.ElementDefaultClassLookup(
    element=html.HtmlElement, comment=html.HtmlComment, pi=html.HtmlProcessingInstruction, entity=html.HtmlEntity
)


def parse_html(text: str) -> etree._Element:
    """Parse a page leniently; never raises on content."""
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, recover=True)
    parser.set_element_class_lookup(ELEMENT_CLASSES)
    try:
        root = html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        root = html.document_fromstring("<html><body></body></html>", parser=parser)
    return root


def _tokens(text: str) -> Counter[str]:
    words = TOKEN.findall(text.lower())
    if not CJK_CHAR.search(text):
        return Counter(words)
    out: Counter[str] = Counter()
    for word in words:
        if CJK_CHAR.search(word):
            out.update(ch for ch in word)
        else:
            out[word] += 1
    return out


def _covered(part: Counter[str], whole: Counter[str]) -> float:
    size = part.total()
    return (part & whole).total() / size if size else 1.0


@lru_cache(maxsize=2)
def _extractor(fast: bool) -> Extractor:
    """trafilatura's options for our calls, built once (building them reads its config: 0.15 ms a call)."""
    return Extractor(
        output_format="txt", fast=fast, precision=True, comments=False, tables=True, images=False, dedup=False
    )


class _HashedWords(tuple[str, ...]):
    """A tuple of words whose hash is computed once (``tuple`` hashes every item on every call)."""

    _hash: int

    def __hash__(self) -> int:
        return self._hash


def _hash_justext_stoplist() -> None:
    """Give trafilatura's justext stoplist a hash computed once.

    trafilatura's full mode hands justext the stopwords of all its languages, a tuple of 150,000 words,
    and justext looks it up in an ``lru_cache``: hashing it cost 1-3 ms on every page that reaches
    justext. The words stay the same; only the hash is kept. The list is built by trafilatura on first
    need, so it is replaced on the first page after that one.
    """
    module: Any = external
    words = getattr(module, "JT_STOPLIST", None)  # a trafilatura without it: nothing to do
    if isinstance(words, tuple) and words and not isinstance(words, _HashedWords):
        hashed = _HashedWords(words)
        hashed._hash = tuple.__hash__(hashed)
        module.JT_STOPLIST = hashed


def _trafilatura_body(root: etree._Element, title: str | None, fast: bool) -> list[str]:
    if not fast:
        _hash_justext_stoplist()
    text = trafilatura.extract(root, options=_extractor(fast))
    lines = [line for line in map(normalize_space, (text or "").split("\n")) if line]
    return _table_rows(lines, title)


def _table_rows(lines: list[str], title: str | None) -> list[str]:
    """Rows of trafilatura's markdown tables as plain text, kept only when tables dominate."""
    rows = [line.startswith("|") for line in lines]
    if not any(rows):
        return lines
    table_words = sum(len(TOKEN.findall(line)) for line, row in zip(lines, rows, strict=True) if row)
    all_words = sum(len(TOKEN.findall(line)) for line in lines) or 1
    # A cell holding a whole paragraph or the headline means the table lays out the page: not data.
    headline = normalize_space(title).lower() if title else None
    cells = [cell.strip() for line, row in zip(lines, rows, strict=True) if row for cell in line.split("|")]
    layout = any((len(cell) > 150 and ends_sentence(cell)) or cell.lower() == headline for cell in cells)
    keep_tables = table_words >= TABLE_SHARE * all_words and not layout
    out: list[str] = []
    table: list[str] = []
    for line, row in zip(lines, rows, strict=True):
        if row and not keep_tables:
            table.append(line)
            continue
        if table:  # a small table inside a story stays only when it counts something by year
            out.extend(filter(None, [data_table(table)]))
            table = []
        if not row:
            out.append(line)
        else:
            row_text = normalize_space(" ".join(cell.strip() for cell in line.strip("|").split("|")))
            if TOKEN.search(row_text):
                out.append(row_text)
    if table:
        out.extend(filter(None, [data_table(table)]))
    return out


def _text_of(element: etree._Element) -> str:
    return "".join(str(part) for part in element.itertext())


def _paragraph_sample(root: etree._Element, size: int = HINT_CHARS) -> str:
    """The first ``size`` characters of the page's <p> texts, space-normalised and joined by spaces."""
    parts: list[str] = []
    length = -1
    for paragraph in root.iter("p"):
        text = normalize_space(_text_of(paragraph))
        parts.append(text)
        length += len(text) + 1
        if length >= size:
            break
    return " ".join(parts)[:size]


def _visible_title(root: etree._Element) -> str | None:
    for tag in ("h1", "h2"):
        for element in root.iter(tag):
            text = normalize_space(_text_of(element))
            if len(text) >= 8:
                return text
    return None


def _title(root: etree._Element, meta: Metadata) -> str | None:
    page_title = normalize_space(root.findtext(".//title") or "")
    visible = _visible_title(root)
    candidates = [meta.title, visible, split_title(page_title, meta.outlet)[0] if page_title else None]
    for candidate in candidates:
        if candidate and len(candidate) >= 4:
            # A meta title cut short by an unescaped quote in its attribute ("...경찰 "납치 ..."" -> "...경찰")
            # is a prefix of the headline the page shows: take the whole headline.
            longer = [
                c for c in candidates if c and c.startswith(candidate) and c[len(candidate) :].lstrip()[:1] in QUOTES
            ]
            return min(longer, key=len) if longer and candidate == meta.title else candidate
    return None


def _is_chrome_line(text: str, title: str | None, byline: str | None, credits: dict[str, str | None]) -> bool:
    """Whether a body line is page furniture; ``credits`` holds ``credited_outlet`` of lines already read."""
    words = chrome_words()
    lowered = text.lower()
    if title and normalize_space(text).lower() == title.lower():
        return True
    if EMAIL.search(text) and len(text) < 120:
        return True
    credit = credits[text] if text in credits else credited_outlet(text)
    if HASHTAGS.match(text) or is_boilerplate(text) or credit:
        return True
    if len(text) < 200 and words.copyright_any.search(lowered):
        return True
    if not ends_sentence(text) and (find_dates(text) or parse_byline(text)) and len(text) < 120:
        return True
    return bool(byline and text.strip() == byline)


def _filter(
    paragraphs: list[str], title: str | None, byline: str | None, deks: set[str], credits: dict[str, str | None]
) -> list[str]:
    """Drop chrome lines and ``deks`` (standfirsts between the headline and the byline)."""
    return [p for p in paragraphs if p not in deks and not _is_chrome_line(p, title, byline, credits)]


def _deks(blocks: list[Block], title: str | None) -> set[str]:
    """Text between the headline and the byline or date line: standfirsts, kickers."""
    start = _title_index(blocks, title)
    if start is None:
        return set()
    between: list[str] = []
    for block in blocks[start + 1 : start + 6]:
        if parse_byline(block.text) or (find_dates(block.text) and len(block.text) < 80):
            return {text for text in between if not ends_sentence(text)}
        between.append(block.text)
    return set()


def _title_index(blocks: list[Block], title: str | None) -> int | None:
    key = normalize_space(title).lower() if title else None
    return next((i for i, b in enumerate(blocks) if key and b.text.lower() == key), None)


def _json_ld_body(meta: Metadata) -> list[str]:
    if not meta.article_body:
        return []
    text = (
        _text_of(html.fromstring(f"<div>{meta.article_body}</div>")) if "<" in meta.article_body else meta.article_body
    )
    return [normalize_space(part) for part in re.split(r"\n\s*\n|\n", text) if normalize_space(part)]


def choose_body(
    root: etree._Element, meta: Metadata, hint: str | None, title: str | None, blocks: list[Block]
) -> tuple[list[str], str]:
    """The article paragraphs and which extractor gave them.

    trafilatura's fast mode runs first; its full mode (with its own fallback extractors) only when
    the fast result misses most of what the density extractor found: same accuracy on the public
    benchmark (0.970) at 1.4x the speed of running the full mode on every page.
    """
    ours = density_paragraphs(root, hint, title, blocks)
    ours_words = _tokens(" ".join(ours))
    body, origin = _trafilatura_body(root, title, fast=True), "trafilatura"
    body_words = _tokens(" ".join(body))
    if body_words.total() < MIN_WORDS or _covered(ours_words, body_words) < 0.5:
        body = _trafilatura_body(root, title, fast=False)
        body_words = _tokens(" ".join(body))
    if body_words.total() < MIN_WORDS:
        if ours:
            body, origin, body_words = ours, "density", ours_words
        elif not any(ends_sentence(paragraph) for paragraph in body):
            body, body_words = [], Counter()  # a few words of navigation are not an article
    ld = _json_ld_body(meta)
    if ld:
        ld_words = _tokens(" ".join(ld))
        if ld_words.total() >= TEASER_RATIO * body_words.total() and _covered(body_words, ld_words) >= 0.5:
            body, origin = ld, "json-ld"
    return body, origin


@dataclass(frozen=True, slots=True)
class CleanedPage:
    """What cleaning recovers from a page: the article, its language, and what it noticed on the way."""

    article: Article
    language: str | None
    credited_outlet: str | None = None  # the article's outlet, when a credit line ("Source: X") names it
    canonical_url: str | None = None  # <link rel="canonical">, else JSON-LD url or og:url


def clean_html(text: str, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> tuple[Article, str | None]:
    """Recover the article from an HTML page; return it and the body's language."""
    page = read_html(text, languages)
    return page.article, page.language


def read_html(text: str, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> CleanedPage:
    """Recover the article from an HTML page, with the credit line and canonical URL the page gives."""
    root = parse_html(text)
    canonical = _canonical_link(root)
    meta = extract_metadata(root)
    title = _title(root, meta)
    etree.strip_elements(root, *UNREAD_TAGS, with_tail=False)
    page_title = normalize_space(root.findtext(".//title") or "")
    # A first language guess from all paragraph-like text steers the density extractor.
    sample = _paragraph_sample(root)
    hint = guess_by_script(sample) if sample else None
    etree.strip_elements(root, *UNSEEN_TAGS, with_tail=False)
    blocks = split_blocks(root)
    body, origin = choose_body(root, meta, hint, title, blocks)
    deks = _deks(blocks, title)
    # Block texts are space-normalised already: a long one is prose, and credited_outlet would say so.
    credits = [credited_outlet(block.text) if len(block.text) <= MAX_CREDIT_LINE else None for block in blocks]
    read = {block.text: credit for block, credit in zip(blocks, credits, strict=True)}  # body lines are often blocks
    body = _filter(body, title, meta.byline, deks, read)
    language = detect_language(" ".join(body), languages) if body else hint
    if origin == "density" and language is not None and guess_by_script(" ".join(body)) != hint:
        body = _filter(density_paragraphs(root, language, title, blocks), title, meta.byline, deks, read) or body
    logger.debug("body from %s", origin)
    header = _header_blocks(blocks, title, body)
    byline = meta.byline or _visible_byline(header)
    published = meta.published or _visible_date(header)
    outlet = _credited(blocks, credits, body) or meta.outlet
    if outlet is None:
        outlet = split_title(page_title, None)[1] if page_title else None
    article = Article(title=title, byline=byline, published=published, outlet=outlet, body=tuple(body))
    named = {name.casefold() for name in credits if name}
    credited = outlet if outlet and outlet.casefold() in named else None
    return CleanedPage(article, language, credited, canonical or meta.url)


def _canonical_link(root: etree._Element) -> str | None:
    for link in root.iterfind(".//link"):
        if "canonical" in (link.get("rel") or "").lower().split() and (link.get("href") or "").strip():
            return (link.get("href") or "").strip()
    return None


def _header_blocks(blocks: list[Block], title: str | None, body: list[str]) -> list[Block]:
    """The blocks between the headline and the first body paragraph, where bylines and dates sit."""
    start = _title_index(blocks, title)
    if start is None:
        return []
    first = body[0] if body else None
    out = []
    for block in blocks[start + 1 : start + 16]:
        if first and block.text == first:
            break
        out.append(block)
    return out


def _visible_byline(header: list[Block]) -> str | None:
    for block in header:
        names = parse_byline(block.text)
        if names:
            return ", ".join(names)
    # Between headline and story, a line that is only a name is the author's.
    for block in header:
        if not block.link_chars and is_person_name(block.text):
            return block.text
    return None


def _visible_date(header: list[Block]) -> date | None:
    for block in header:
        found = find_dates(block.text)
        if found:
            return found[0][1]
    return None


def _credited(blocks: list[Block], credits: list[str | None], body: list[str]) -> str | None:
    """The original publisher a credit line names, above or below the story (not a data source inside it).

    ``credits``: what ``credited_outlet`` finds in each block, in order.
    """
    texts = set(body)
    positions = [i for i, block in enumerate(blocks) if block.text in texts]
    first, last = (positions[0], positions[-1]) if positions else (len(blocks), -1)
    for index, name in enumerate(credits):
        if first < index < last:
            continue
        if name:
            return name
    return None


__all__ = ["CleanedPage", "clean_html", "parse_html", "read_html"]
