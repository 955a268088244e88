"""Exact-duplicate fingerprints of cleaned text, stable under case, width and whitespace changes."""

from __future__ import annotations

import hashlib
import re
import unicodedata

NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_for_fingerprint(text: str) -> str:
    """NFKC, case-folded, punctuation and whitespace removed."""
    return NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def fingerprint_text(text: str) -> str:
    """A hex SHA-256 of the normalised text; equal for copies that differ only in spacing or punctuation."""
    return hashlib.sha256(normalize_for_fingerprint(text).encode("utf-8")).hexdigest()
