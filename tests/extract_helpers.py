"""Build small documents for extraction tests."""

from __future__ import annotations

from datetime import date

from redefection.records import Article, Document


def make_doc(
    *paragraphs: str, language: str = "en", published: date | None = None, title: str | None = None
) -> Document:
    """A cleaned document with the given body paragraphs."""
    return Document(
        id="t",
        source="t",
        sha256="",
        format="text",
        language=language,
        article=Article(title=title, published=published, body=tuple(paragraphs)),
        relevant=True,
    )
