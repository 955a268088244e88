"""Bytes to text: BOM, then the declared charset (HTTP header, then <meta>), then detection.

Never raises on content: undecodable bytes become U+FFFD. Declared charsets are
checked (a page that says ISO-8859-1 but is valid UTF-8 is read as UTF-8,
since such lying headers are common on copied pages).
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
HEADER_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
# Labels that browsers map to a wider encoding (WHATWG Encoding Standard).
WIDER = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
}


# Tried after the detector's guess; on short CJK texts the detector can mistake GB18030 for Shift-JIS.
FALLBACKS = ("gb18030", "cp949", "big5hkscs", "cp932", "cp1252")
ODD = re.compile(r"[\uff61-\uff9f\ufffd\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\u3400-\u4dbf\u3130-\u318f]")


def _least_odd(data: bytes, encodings: list[str]) -> str | None:
    """The encoding whose decoding has the fewest unlikely characters (half-width kana, controls, rare CJK)."""
    sample = data[:100_000]
    best: tuple[float, int, str] | None = None
    for rank, name in enumerate(dict.fromkeys(encodings)):
        try:
            text = sample.decode(name, errors="replace")
        except LookupError:
            continue
        score = len(ODD.findall(text)) / max(1, len(text))
        if best is None or (score, rank) < best[:2]:
            best = (score, rank, name)
    return best[2] if best else None


def _known(label: str) -> str | None:
    label = label.strip().lower()
    label = WIDER.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(data: bytes, content_type: str | None) -> str | None:
    """The charset the HTTP header or the page's first 4 KiB declares, if Python knows it."""
    if content_type:
        m = HEADER_CHARSET.search(content_type.encode("latin-1", "replace"))
        if m and (name := _known(m.group(1).decode("ascii", "replace"))):
            return name
    m = META_CHARSET.search(data[:4096])
    if m:
        return _known(m.group(1).decode("ascii", "replace"))
    return None


def decode(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode ``data``; return the text and the encoding used."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data, content_type)
    if declared and declared != "utf-8":
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    lenient = data.decode("utf-8", errors="replace")
    damaged = lenient.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    if (declared in (None, "utf-8")) and damaged <= max(2, len(lenient) // 1000):
        return lenient, "utf-8"
    best = from_bytes(data[:200_000]).best()
    guesses = [_known(best.encoding) or best.encoding] if best is not None and best.encoding else []
    chosen = _least_odd(data, [*guesses, *FALLBACKS])
    if chosen is not None:
        return data.decode(chosen, errors="replace"), chosen
    if declared:
        return data.decode(declared, errors="replace"), declared
    return data.decode("utf-8", errors="replace"), "utf-8"
