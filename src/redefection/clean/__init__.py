"""Clean stage: a capture's bytes become a ``Document`` with its article and language."""

from __future__ import annotations

import re

from ..errors import Dropped, ParseError
from ..fingerprint import fingerprint_text
from ..records import Capture, Document, Format
from ..settings import DEFAULT_LANGUAGES
from .decode import decode
from .html import read_html
from .text import clean_dump, credited_in_dump

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


MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or office document)",
    b"\x7fELF": "an executable",
    b"RIFF": "a media file",
    b"WARC/": "a WARC archive (use the scan command)",
}
UNICODE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
# Every byte but the control characters other than tab, line feeds and form feed: deleting these
# from a page's head leaves its control bytes, counted in C.
NOT_CONTROL = bytes([byte for byte in range(256) if not (byte < 9 or 13 < byte < 32)])


def check_not_binary(capture: Capture) -> None:
    """Raise ParseError when the bytes are an image, archive or other binary file, not a page."""
    head = capture.data[:8192]
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            raise ParseError(capture.source, f"not a web page or text dump: the file is {kind}")
    if not head.startswith(UNICODE_BOMS):
        controls = len(head.translate(None, NOT_CONTROL))
        if (b"\x00" in head and controls > 0.01 * len(head)) or controls > 0.1 * len(head):
            raise ParseError(capture.source, "not a web page or text dump: the file holds binary data")


def clean_capture(
    capture: Capture, max_html_bytes: int = 8 * 1024 * 1024, languages: tuple[str, ...] = DEFAULT_LANGUAGES
) -> Document:
    """Decode, detect the format and recover the article of one capture.

    Raises:
        ParseError: the capture is binary (an image, an archive), not a page.
        Dropped: the page holds no article text.
    """
    check_not_binary(capture)
    text, encoding = decode(capture.data, capture.content_type)
    text = text.replace("\x00", "")
    kind = sniff_format(capture)
    canonical_url: str | None = None
    if kind == "html":
        page = read_html(text[:max_html_bytes], languages)
        article, language = page.article, page.language
        credited, canonical_url = page.credited_outlet, page.canonical_url
    else:
        article, language = clean_dump(text, languages)
        credited = credited_in_dump(text, article.outlet) if article.body else None
    if not article.body:
        raise Dropped("no_article", "no article text found on the page")
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
        credited_outlet=credited,
        canonical_url=canonical_url,
    )


__all__ = ["check_not_binary", "clean_capture", "sniff_format"]
