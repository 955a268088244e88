"""The typed records that flow between pipeline stages.

Data flows ``Capture -> Document``; later stages fill the document's
``relevant`` flag and its facts (``Incident``, ``Claim``, ``Quote``). Every
record is frozen: a stage returns a new record with ``dataclasses.replace``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Format = Literal["html", "text"]
Status = Literal["returned", "attempted", "intended"]
Gender = Literal["male", "female"]
Subject = Literal["returned_north", "whereabouts_unknown", "arrivals", "other"]
Qualifier = Literal["exact", "at least", "about", "more than", "fewer than"]
REASON_CODES = ("criminal_charges", "coercion", "maladjustment", "other", "unknown")


@dataclass(frozen=True, slots=True)
class Capture:
    """Bytes as we got them, never altered, with where they came from."""

    source: str  # file path, URL, or "warc-file#record-id"
    data: bytes
    content_type: str | None = None  # from HTTP headers when known ("text/html; charset=euc-kr")
    fetched_at: datetime | None = None  # timezone-aware
    headers: tuple[tuple[str, str], ...] = ()
    uri: str | None = None  # the page's URL when known (target URI, feed link)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def name(self) -> str:
        """The source's last path component without extension: the document id."""
        tail = self.source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        tail = tail.split("#", 1)[0] or tail
        if tail.lower().endswith(".gz") and len(tail) > 3:
            tail = tail[:-3]
        stem, dot, _ = tail.rpartition(".")
        return stem if dot and stem else tail


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the cleaned body: character offsets into ``Document.text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """What cleaning recovers from a page."""

    title: str | None = None
    byline: str | None = None  # author names only, joined with ", "
    published: date | None = None
    outlet: str | None = None
    body: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Person:
    name: str | None = None
    surname: str | None = None
    age: int | None = None
    gender: Gender | None = None
    occupation: str | None = None


@dataclass(frozen=True, slots=True)
class Incident:
    """One report, in one document, of a person or group going back north."""

    person: Person = field(default_factory=Person)
    group_size: int = 1
    arrived_south: str | None = None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    returned: str | None = None
    route: str | None = None
    status: Status = "returned"
    reasons: tuple[str, ...] = ()
    evidence: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Claim:
    """An aggregate figure someone stated."""

    subject: Subject
    value: int
    qualifier: Qualifier = "exact"
    period: str | None = None
    as_of: str | None = None
    source: str | None = None
    evidence: Span | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    speaker: str | None = None
    role: str | None = None
    organization: str | None = None
    evidence: Span | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """The cleaned article from one capture, and what later stages found in it."""

    id: str
    source: str
    sha256: str
    format: Format
    article: Article
    language: str | None = None
    encoding: str | None = None
    uri: str | None = None
    fingerprint: str = ""  # fingerprint_text(self.text): equal for exact copies
    relevant: bool | None = None
    relevance_cues: tuple[str, ...] = ()
    incidents: tuple[Incident, ...] = ()
    claims: tuple[Claim, ...] = ()
    quotes: tuple[Quote, ...] = ()

    @property
    def text(self) -> str:
        """The cleaned body: paragraphs joined by blank lines; spans index into it."""
        return "\n\n".join(self.article.body)
