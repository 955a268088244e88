"""Article metadata from HTML: title, byline, date and outlet from JSON-LD, meta tags and the page."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html import unescape
from typing import Any

from lxml import etree

from ._text import normalize_space
from .bylines import names_in, parse_byline
from .dates import find_dates

logger = logging.getLogger(__name__)

ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                 "opinionnewsarticle", "backgroundnewsarticle", "webpage", "report", "liveblogposting"}  # fmt: skip
TITLE_SEPARATORS = re.compile(r"\s+(?:[|｜–—:-]|::|-{2})\s+")
ISO_DATE = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None = None
    byline: str | None = None
    published: date | None = None
    outlet: str | None = None
    article_body: str | None = None  # JSON-LD articleBody, when the page carries one
    url: str | None = None


def _json_ld_objects(root: etree._Element) -> Iterator[dict[str, Any]]:
    for script in root.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text.strip().rstrip(";"))
        except (json.JSONDecodeError, RecursionError):
            logger.debug("unreadable JSON-LD block skipped")
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if "@graph" in item:
                    stack.append(item["@graph"])


def _types(item: dict[str, Any]) -> set[str]:
    raw = item.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).lower() for v in values if v}


def _name(value: Any) -> str | None:
    if isinstance(value, str):
        return normalize_space(unescape(value)) or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(names) if names else None
    return None


def _iso_date(value: Any) -> date | None:
    if isinstance(value, str):
        m = ISO_DATE.search(value)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
        found = find_dates(value)
        return found[0][1] if found else None
    return None


def _meta(root: etree._Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for meta in root.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = meta.get("content")
        if key and content and key not in out:
            out[key] = normalize_space(unescape(content))
    return out


def _byline(value: str | None) -> str | None:
    if not value:
        return None
    names = parse_byline(value) or names_in(value)
    return ", ".join(names) if names else None


def extract_metadata(root: etree._Element) -> Metadata:
    """Gather what the page declares about itself; visible-page fallbacks are in ``clean.html``."""
    meta = _meta(root)
    title = byline = outlet = body = url = None
    published: date | None = None
    for item in _json_ld_objects(root):
        types = _types(item)
        if types & ARTICLE_TYPES or "headline" in item or "articleBody" in item:
            title = title or _name(item.get("headline"))
            byline = byline or _byline(_name(item.get("author")))
            published = published or _iso_date(item.get("datePublished") or item.get("dateCreated"))
            outlet = outlet or _name(item.get("publisher"))
            if isinstance(item.get("articleBody"), str) and not body:
                body = item["articleBody"]
            url = url or (item.get("url") if isinstance(item.get("url"), str) else None)
        elif "organization" in types or "newsmediaorganization" in types:
            outlet = outlet or _name(item.get("name"))
    title = title or meta.get("og:title") or meta.get("twitter:title")
    byline = byline or _byline(meta.get("author") or meta.get("article:author") or meta.get("byl"))
    published = published or _iso_date(
        meta.get("article:published_time")
        or meta.get("og:published_time")
        or meta.get("datepublished")
        or meta.get("pubdate")
        or meta.get("publishdate")
        or meta.get("date")
    )
    outlet = outlet or meta.get("og:site_name") or meta.get("application-name") or meta.get("twitter:site")
    if outlet and outlet.startswith("@"):
        outlet = None
    url = url or meta.get("og:url")
    return Metadata(title, byline, published, outlet, body, url)


def split_title(page_title: str, outlet: str | None) -> tuple[str, str | None]:
    """Split "Headline | Outlet" into the headline and the outlet part, when there is one."""
    parts = TITLE_SEPARATORS.split(page_title)
    if len(parts) < 2:
        return page_title, None
    if outlet:
        for index in (-1, 0):
            if parts[index].strip().lower() == outlet.lower():
                rest = parts[:-1] if index == -1 else parts[1:]
                return " | ".join(rest), parts[index]
    longest = max(parts, key=len)
    if len(longest) >= 0.6 * len(page_title) or len(parts[-1]) < 30:
        return (longest if longest is not parts[-1] else " ".join(parts[:-1])), parts[-1]
    return page_title, None
