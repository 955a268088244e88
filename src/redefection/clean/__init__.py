"""Clean stage: a capture's bytes become a ``Document`` with its article and language."""

from __future__ import annotations

import re

from ..fingerprint import fingerprint_text
from ..records import Capture, Document, Format
from .decode import decode
from .html import clean_html
from .text import clean_dump

HTML_SNIFF = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|meta|title|div|p|article)\b", re.I)
HTML_TYPES = ("text/html", "application/xhtml")
HTML_EXTENSIONS = (".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx", ".jsp")


def sniff_format(capture: Capture) -> Format:
    """'html' when the content type, the bytes or the name say so; 'text' otherwise."""
    content_type = (capture.content_type or "").lower()
    if content_type.startswith(HTML_TYPES):
        return "html"
    if content_type.startswith("text/plain"):
        return "text"
    head = capture.data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if HTML_SNIFF.search(head[:1024]) or (head.startswith(b"<") and b">" in head[:512]):
        return "html"
    if capture.source.lower().endswith(HTML_EXTENSIONS) and b"<" in capture.data[:65536]:
        return "html"
    return "text"


def clean_capture(capture: Capture, max_html_bytes: int = 8 * 1024 * 1024) -> Document:
    """Decode, detect the format and recover the article of one capture."""
    text, encoding = decode(capture.data, capture.content_type)
    text = text.replace("\x00", "")
    kind = sniff_format(capture)
    if kind == "html":
        article, language = clean_html(text[:max_html_bytes])
    else:
        article, language = clean_dump(text)
    return Document(
        id=capture.name,
        source=capture.source,
        sha256=capture.sha256,
        format=kind,
        article=article,
        language=language,
        encoding=encoding,
        uri=capture.uri,
        fingerprint=fingerprint_text("\n".join(article.body)),
    )


__all__ = ["clean_capture", "sniff_format"]
