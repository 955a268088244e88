"""Shared fixtures: settings, an in-memory store, and small record factories."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import fields
from datetime import UTC, date, datetime
from typing import Any

import pytest

from redefection.fingerprint import fingerprint_text
from redefection.records import Article, Capture, Document
from redefection.settings import Settings
from redefection.store import Store, open_store

CAPTURE_DATA = b"<html><body><h1>A sample page</h1><p>One paragraph we wrote for the tests.</p></body></html>"
BODY = (
    "A man who arrived in the South in 2019 went back across the border last week, officials said.",
    "The ministry said it was still checking how he crossed.",
)
ARTICLE_FIELDS = {f.name for f in fields(Article)}


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def store() -> Iterator[Store]:
    opened = open_store("sqlite://")
    yield opened
    opened.close()


@pytest.fixture
def make_capture() -> Callable[..., Capture]:
    """Build a capture; any ``Capture`` field may be overridden."""

    def make(**overrides: Any) -> Capture:
        values: dict[str, Any] = {
            "source": "pages/sample.html",
            "data": CAPTURE_DATA,
            "content_type": "text/html; charset=utf-8",
            "fetched_at": datetime(2024, 3, 1, 9, 30, tzinfo=UTC),
        }
        values.update(overrides)
        return Capture(**values)

    return make


@pytest.fixture
def make_document(make_capture: Callable[..., Capture]) -> Callable[..., Document]:
    """Build a document; ``capture=`` sets id, source and sha256, ``Article`` fields go to the article."""

    def make(capture: Capture | None = None, **overrides: Any) -> Document:
        capture = capture or make_capture()
        article_values: dict[str, Any] = {
            "title": "A sample headline",
            "byline": "Kim Min-ji",
            "published": date(2024, 2, 28),
            "outlet": "Sample Daily",
            "body": BODY,
        }
        for name in ARTICLE_FIELDS & overrides.keys():
            article_values[name] = overrides.pop(name)
        article = Article(**article_values)
        values: dict[str, Any] = {
            "id": capture.name,
            "source": capture.source,
            "sha256": capture.sha256,
            "format": "html",
            "article": article,
            "language": "en",
            "encoding": "utf-8",
            "fingerprint": fingerprint_text("\n".join(article.body)),
        }
        values.update(overrides)
        return Document(**values)

    return make
