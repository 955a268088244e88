"""Read the article links a source lists: RSS and Atom feeds (feedparser), news sitemaps and sitemap indexes (lxml).

Parsing never reaches the network: the caller fetches the bytes (see
``redefection.monitor.fetch``) and hands them here with the URL they came from, which
relative links are resolved against.
"""

from __future__ import annotations

import calendar
import gzip
import logging
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
from lxml import etree

from ..errors import ParseError

logger = logging.getLogger(__name__)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
GZIP_MAGIC = b"\x1f\x8b"
MAX_LISTING_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit for an uncompressed file


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One article link a feed or sitemap lists."""

    url: str  # as listed, resolved against the listing's URL
    title: str | None = None
    published: datetime | None = None  # timezone-aware
    language: str | None = None  # when the listing says (news:language, feed language)


@dataclass(frozen=True, slots=True)
class Listing:
    """What a feed or sitemap lists: article links, and (for a sitemap index) further sitemaps."""

    kind: str  # "rss", "atom", "sitemap", "sitemapindex"
    entries: tuple[FeedEntry, ...] = ()
    sitemaps: tuple[str, ...] = ()


def parse_listing(data: bytes, url: str) -> Listing:
    """Parse feed or sitemap bytes fetched from ``url``.

    Raises:
        ParseError: the bytes are neither a feed nor a sitemap.
    """
    data = _gunzip(data, url)
    head = data[:2048].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return parse_sitemap(data, url)
    return parse_feed(data, url)


def parse_feed(data: bytes, url: str) -> Listing:
    """Parse an RSS or Atom feed; entries without a link are skipped."""
    parsed: Any = feedparser.parse(data, response_headers={"content-location": url})
    version = str(parsed.get("version") or "")
    if not version and not parsed.entries:
        problem = parsed.get("bozo_exception") or "no feed entries found"
        raise ParseError(url, f"not an RSS or Atom feed ({problem})")
    language = parsed.feed.get("language") or None
    entries = []
    for item in parsed.entries:
        link = item.get("link") or next((x.get("href") for x in item.get("links", []) if x.get("href")), None)
        if not link:
            continue
        entries.append(
            FeedEntry(
                url=str(link).strip(),
                title=_text(item.get("title")),
                published=_struct_time(item.get("published_parsed") or item.get("updated_parsed")),
                language=_text(item.get("language")) or language,
            )
        )
    return Listing("atom" if version.startswith("atom") else "rss", tuple(entries))


def parse_sitemap(data: bytes, url: str) -> Listing:
    """Parse a sitemap (news extension understood) or a sitemap index."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(url, f"not a sitemap ({exc})") from exc
    if root is None:
        raise ParseError(url, "not a sitemap (empty document)")
    tag = etree.QName(root).localname
    if tag == "sitemapindex":
        locs = [_text(node.text) for node in root.iter(f"{{{SITEMAP_NS}}}loc", "loc")]
        return Listing("sitemapindex", sitemaps=tuple(loc for loc in locs if loc))
    if tag != "urlset":
        raise ParseError(url, f"not a sitemap (root element <{tag}>)")
    entries = []
    for node in root.iter(f"{{{SITEMAP_NS}}}url", "url"):
        loc = _text(node.findtext(f"{{{SITEMAP_NS}}}loc") or node.findtext("loc"))
        if not loc:
            continue
        news = node.find(f"{{{NEWS_NS}}}news")
        title = language = None
        published = _iso(node.findtext(f"{{{SITEMAP_NS}}}lastmod"))
        if news is not None:
            title = _text(news.findtext(f"{{{NEWS_NS}}}title"))
            published = _iso(news.findtext(f"{{{NEWS_NS}}}publication_date")) or published
            language = _text(news.findtext(f"{{{NEWS_NS}}}publication/{{{NEWS_NS}}}language"))
        entries.append(FeedEntry(url=loc, title=title, published=published, language=language))
    return Listing("sitemap", tuple(entries))


def _gunzip(data: bytes, url: str) -> bytes:
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        # Bounded: a small .gz may expand to gigabytes.
        reader = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        out = reader.decompress(data, MAX_LISTING_BYTES + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise ParseError(url, f"cannot decompress ({exc})") from exc
    if len(out) > MAX_LISTING_BYTES:
        raise ParseError(url, f"listing larger than {MAX_LISTING_BYTES} bytes once decompressed")
    return out


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _struct_time(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError):
        return None


def _iso(value: str | None) -> datetime | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
