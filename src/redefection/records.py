"""The typed records that flow between pipeline stages.

Data flows ``Capture -> Document``; later stages fill the document's
``relevant`` flag and its facts (``Incident``, ``Claim``, ``Quote``), and
resolution merges incidents from many documents into a ``Case``. Every
record is frozen: a stage returns a new record with ``dataclasses.replace``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Format = Literal["html", "text"]
Status = Literal["returned", "attempted", "intended"]
Gender = Literal["male", "female"]
Subject = Literal["returned_north", "whereabouts_unknown", "arrivals", "other"]
Qualifier = Literal["exact", "at least", "about", "more than", "fewer than"]
# The relevance stage's outcome: "possible" documents wait for an editor before they count anywhere.
Relevance = Literal["relevant", "possible", "not_relevant"]
RELEVANCE_OUTCOMES: tuple[Relevance, ...] = ("relevant", "possible", "not_relevant")
# "<archive>#<record id>@<offset>": where a crawl record came from (see ingest/warc.py).
WARC_RECORD_SOURCE = re.compile(r"^(?P<archive>.+)#(?P<record_id>[^#]*)@(?P<offset>\d+)$")
CLAIM_LABELS = ("back_south", "punished", "left_country", "third_country", "protection")  # of "other" figures
REASON_CODES = ("criminal_charges", "coercion", "maladjustment", "other", "unknown")


@dataclass(frozen=True, slots=True)
class Capture:
    """Bytes as we got them, never altered, with where they came from."""

    source: str  # file path, URL, or "warc-file#record-id@offset" for a crawl record
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
        """The source's last path component without extension: the document id.

        A crawl record (``"<archive>#<record id>@<offset>"``) is named by its
        archive and offset, ``"<archive stem>-<offset>"``, so records of one archive differ.
        """
        source, suffix = self.source, ""
        record = WARC_RECORD_SOURCE.match(source)
        if record is not None:
            source, suffix = record["archive"], f"-{record['offset']}"
        tail = source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        tail = tail.split("#", 1)[0] or tail
        if tail.lower().endswith(".gz") and len(tail) > 3:
            tail = tail[:-3]
        stem, dot, _ = tail.rpartition(".")
        return (stem if dot and stem else tail) + suffix


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
    # Inclusive bounds when the text gives a decade or an approximate age ("in his 30s": 30-39); both equal
    # age when it is exact.
    age_min: int | None = None
    age_max: int | None = None
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
    label: str | None = None  # for the subject "other": what the people did ("back_south", "punished", ...)


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
    # What cleaning noticed on the page, so later stages need not read its bytes again:
    credited_outlet: str | None = None  # the article's outlet, when a credit line ("Source: X") names it
    canonical_url: str | None = None  # the URL the page names as its own (<link rel="canonical">, og:url)
    relevant: bool | None = None  # True only when ``relevance`` is "relevant"
    relevance: Relevance | None = None  # None: the relevance stage did not run
    relevance_cues: tuple[str, ...] = ()
    incidents: tuple[Incident, ...] = ()
    claims: tuple[Claim, ...] = ()
    quotes: tuple[Quote, ...] = ()

    @property
    def text(self) -> str:
        """The cleaned body: paragraphs joined by blank lines; spans index into it."""
        return "\n\n".join(self.article.body)


def relevance_of(document: Document) -> Relevance | None:
    """The relevance outcome of ``document``; from the ``relevant`` flag alone when only that was set."""
    if document.relevance is not None or document.relevant is None:
        return document.relevance
    return "relevant" if document.relevant else "not_relevant"


ClusterRole = Literal["canonical", "copy"]


@dataclass(frozen=True, slots=True)
class ClusterMember:
    """One page of a syndication cluster: the stored text it carries and how it differs from the canonical page."""

    capture_sha256: str  # the page's bytes: one member per distinct capture
    document_id: int  # the stored document holding its text; exact copies share their original's
    sources: tuple[str, ...]  # paths or URLs where these bytes were seen, first seen first
    title: str | None = None
    outlet: str | None = None
    published: date | None = None
    credited_outlet: str | None = None  # the outlet a credit line ("Source: X") names: the page copies X
    role: ClusterRole = "copy"
    similarity: float = 1.0  # Jaccard similarity of its text's shingles with the canonical text's
    differences: tuple[str, ...] = ()  # from the canonical page: chrome, edits, trimmed, headline


@dataclass(frozen=True, slots=True)
class MinhashIndex:
    """A document's near-copy index entry (``dedupe.index_entry``), saved in the same transaction as the document."""

    signature: bytes
    buckets: tuple[int, ...]  # one LSH bucket per band, then the anchor buckets it is indexed under (``anchors``)
    scheme: str
    shingle_count: int
    queries: tuple[int, ...] = ()  # the buckets its copies are looked up by (its translations' anchor buckets too)


@dataclass(frozen=True, slots=True)
class SyndicationCluster:
    """Copies of one article on different pages; the canonical page comes first.

    A cluster of one member is a document nobody copied (yet): counting
    clusters, not pages, counts independent reports.
    """

    members: tuple[ClusterMember, ...]
    id: int | None = None  # None until stored

    @property
    def canonical(self) -> ClusterMember:
        return self.members[0]

    @property
    def copies(self) -> tuple[ClusterMember, ...]:
        return self.members[1:]

    @property
    def sources(self) -> tuple[str, ...]:
        """Every path or URL of every page, the canonical page's first."""
        return tuple(source for member in self.members for source in member.sources)


# Case resolution (redefection.resolve): incidents with their source, cases, and people's decisions.

Confirmation = Literal["single_outlet", "multiple_outlets", "authority", "state_media"]
# The confirmation ladder, lowest rung first (DESIGN.md idea 4).
LADDER: tuple[Confirmation, ...] = ("single_outlet", "multiple_outlets", "authority", "state_media")
DecisionKind = Literal["merge", "split"]
FieldScalar = str | int


@dataclass(frozen=True, slots=True)
class SourcedIncident:
    """An incident with the document that reports it: what resolution needs to know about a source."""

    incident: Incident
    source: str  # path or URL of the document
    index: int  # position in the document's extract output
    document: str = ""  # Document.id (file stem)
    published: date | None = None
    outlet: str | None = None
    language: str | None = None
    id: int | None = None  # incidents.id when loaded from the store
    document_id: int | None = None  # documents.id when loaded from the store

    @property
    def key(self) -> str:
        """``"<source>#<index>"``: names the incident across re-processing of the same inputs."""
        return f"{self.source}#{self.index}"


@dataclass(frozen=True, slots=True)
class SourcedClaim:
    """A claim with the document that reports it."""

    claim: Claim
    source: str  # path or URL of the document
    index: int = 0  # position in the document's extract output
    document: str = ""  # Document.id
    published: date | None = None
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class MatchFeature:
    """One reason two incidents are (or cannot be) the same case, with what it adds to the score."""

    name: str
    score: float
    detail: str = ""


@dataclass(frozen=True, slots=True)
class FieldValue:
    """One value a case field takes, and the incidents (``SourcedIncident.key``) that give it."""

    value: FieldScalar
    incidents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    """Sources disagree on ``field``: every value is kept with who gave it."""

    field: str
    values: tuple[FieldValue, ...]


@dataclass(frozen=True, slots=True)
class CaseIncident:
    """An incident in a case, and why it is there: its best link into the case."""

    item: SourcedIncident
    score: float = 0.0
    features: tuple[MatchFeature, ...] = ()
    linked_to: str | None = None  # key of the incident it matched best; None when alone


@dataclass(frozen=True, slots=True)
class Case:
    """The real event behind incidents from many documents (DESIGN.md: Case)."""

    key: str  # the smallest incident key: stable while that incident stays in the case
    label: str
    incidents: tuple[CaseIncident, ...]
    fields: tuple[tuple[str, tuple[FieldValue, ...]], ...]
    conflicts: tuple[Conflict, ...]
    status: Status
    confirmation: Confirmation
    confirmed_by: tuple[tuple[Confirmation, tuple[str, ...]], ...]  # rung -> incident keys showing it
    event_date: str | None  # when they went back ("YYYY", "YYYY-MM" or "YYYY-MM-DD"); None if unknown or disputed
    disclosure_date: date | None  # earliest publication date among the sources
    independent_sources: int  # syndication clusters, or outlets when clusters are unknown
    documents: int

    def values(self, name: str) -> tuple[FieldValue, ...]:
        """The values of field ``name`` (empty when no source gives one)."""
        return dict(self.fields).get(name, ())

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(member.item.key for member in self.incidents)


@dataclass(frozen=True, slots=True)
class CaseDecision:
    """A person's merge or split, re-applied every time cases are rebuilt.

    ``merge``: the ``incidents`` belong to one case, whatever the machine thinks.
    ``split``: the ``incidents`` are kept apart from the ``others`` (each side
    may still grow with new reports).
    """

    kind: DecisionKind
    incidents: tuple[str, ...]
    others: tuple[str, ...] = ()
    who: str | None = None
    at: datetime | None = None
    note: str | None = None
