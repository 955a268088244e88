"""The store interface: what the rest of the code may ask of the database.

Other modules import ``Store``, ``SaveResult``, ``StoredDocument`` and ``StoredFacts`` from here
(or from ``redefection.store``), never the SQLAlchemy implementation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

from ..records import (
    Capture,
    Case,
    Claim,
    DecisionKind,
    Document,
    Incident,
    MinhashIndex,
    Quote,
    Relevance,
    SourcedClaim,
    SourcedIncident,
    SyndicationCluster,
)
from .monitor import MonitorStore
from .reviewed import ReviewedStore
from .web import AccountStore, BrowseStore, ReviewStore

SaveStatus = Literal["stored", "duplicate"]


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What ``save_document`` did: stored a new document, or found it already there."""

    status: SaveStatus
    document_id: int  # the new document, or the one it duplicates

    @property
    def is_duplicate(self) -> bool:
        return self.status == "duplicate"


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as loaded back from the store."""

    id: int
    key: str  # Document.id: the source's file stem
    source: str
    uri: str | None
    format: str
    language: str | None
    title: str | None
    byline: str | None
    published: date | None
    outlet: str | None
    body: tuple[str, ...]
    relevant: bool | None
    relevance_cues: tuple[str, ...]
    sha256: str  # of the capture the document was cleaned from
    created_at: datetime
    incidents: int = 0  # how many of each fact the document has in the store
    claims: int = 0
    quotes: int = 0
    relevance: Relevance | None = None  # relevant | possible | not_relevant; None: the stage did not run

    @property
    def paragraphs(self) -> int:
        return len(self.body)

    @property
    def text(self) -> str:
        """The cleaned body: paragraphs joined by blank lines, as ``Document.text``."""
        return "\n\n".join(self.body)


@dataclass(frozen=True, slots=True)
class StoredFacts:
    """The facts stored for one document, in the order the extractor gave them."""

    document_id: int
    incidents: tuple[Incident, ...] = ()
    claims: tuple[Claim, ...] = ()
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredCase:
    """A case as resolution last built it, with its id in the store."""

    id: int
    case: Case


@dataclass(frozen=True, slots=True)
class IncidentRef:
    """An incident named by its document and position: survives re-extraction, unlike its row id."""

    document_id: int
    position: int
    incident_id: int | None = None  # the row id when the reference was made


@dataclass(frozen=True, slots=True)
class StoredDecision:
    """A person's merge or split of incidents (see ``CaseDecision``), as kept in the store."""

    kind: DecisionKind
    incidents: tuple[IncidentRef, ...]
    others: tuple[IncidentRef, ...] = ()
    who: str | None = None
    note: str | None = None
    created_at: datetime | None = None
    id: int | None = None  # None until stored


@dataclass(frozen=True, slots=True)
class ScanCheckpoint:
    """A crawl archive a scan read to the end, with what it found there."""

    archive: str  # absolute path, or URL as given
    size_bytes: int | None
    records: int
    payload_bytes: int
    candidates: int
    relevant: int
    finished_at: datetime


class Store(MonitorStore, BrowseStore, ReviewStore, AccountStore, ReviewedStore, Protocol):
    """Where captures, documents with their facts, failures and drops are kept."""

    def save_document(self, capture: Capture, document: Document, index: MinhashIndex | None = None) -> SaveResult:
        """Save a capture, its cleaned document, its facts and its near-copy ``index`` in one transaction; idempotent.

        The same bytes (capture sha256) or the same cleaned text (document
        fingerprint) seen again keep one document and its first set of facts;
        the new source is still recorded. Facts are stored as "machine" facts
        with the running extractor version. Raises ``StoreError`` naming the
        source if the save fails.
        """
        ...

    def record_failure(self, source: str, stage: str, message: str) -> None:
        """Record that ``stage`` failed on ``source``."""
        ...

    def record_drop(self, source: str, stage: str, reason: str, detail: str) -> None:
        """Record that ``stage`` deliberately discarded ``source``."""
        ...

    def counts(self) -> dict[str, int]:
        """Rows per kind: documents, captures, failures, drops, incidents, claims, quotes; relevant and possible
        documents."""
        ...

    def list_documents(self, limit: int = 50, offset: int = 0) -> list[StoredDocument]:
        """Stored documents, newest published first; undated ones last; ties latest stored first."""
        ...

    def get_document(self, doc_id: int) -> StoredDocument:
        """One stored document; raises ``NotFound`` if there is none with this id."""
        ...

    def get_facts(self, document_id: int) -> StoredFacts:
        """The incidents, claims and quotes stored for a document; raises ``NotFound`` if there is no such document."""
        ...

    def index_document(
        self, document_id: int, signature: bytes, buckets: Sequence[int], *, scheme: str, shingle_count: int
    ) -> None:
        """Keep a document's MinHash signature and LSH buckets so later documents are matched against it; idempotent."""
        ...

    def similar_documents(self, document_id: int, buckets: Sequence[int]) -> list[int]:
        """Ids of the other indexed documents sharing an LSH bucket: the candidates to check as near copies."""
        ...

    def cluster_of_page(self, capture_sha256: str) -> SyndicationCluster | None:
        """The syndication cluster of the page with these bytes, or None if it has none yet."""
        ...

    def cluster_of_document(self, document_id: int) -> SyndicationCluster | None:
        """The syndication cluster of a document's pages, or None if it has none yet."""
        ...

    def clusters_of_documents(self, document_ids: Iterable[int]) -> dict[int, SyndicationCluster]:
        """The syndication cluster of each of these documents that has one, loaded in one go."""
        ...

    def document_texts(self, document_ids: Iterable[int]) -> dict[int, str]:
        """The cleaned text of each of these documents that exists, by id (one query per 500 ids)."""
        ...

    def assign_cluster(self, cluster: SyndicationCluster, replaces: Sequence[int] = ()) -> SyndicationCluster:
        """Store a cluster, canonical page first, merging the stored clusters ``replaces`` into it; returns it stored.

        Each page belongs to one cluster: a page already elsewhere moves here.
        Raises ``StoreError`` if a page's capture is not stored.
        """
        ...

    def list_clusters(self, min_size: int = 2) -> list[SyndicationCluster]:
        """Clusters of at least ``min_size`` pages, oldest first, each canonical page first."""
        ...

    def list_sourced_incidents(self) -> list[SourcedIncident]:
        """Every stored incident not rejected by a reviewer, with its document's source, date and outlet."""
        ...

    def list_sourced_claims(self) -> list[SourcedClaim]:
        """Every stored claim not rejected by a reviewer, with its document's source, date and outlet."""
        ...

    def document_clusters(self) -> dict[str, str]:
        """The syndication cluster of each clustered document, keyed as ``SourcedIncident.source``."""
        ...

    def replace_cases(self, cases: Sequence[Case]) -> list[int]:
        """Store ``cases`` in place of the previous ones; returns their ids, in order.

        A new case takes the id of the stored case it shares most incidents
        with, so ids (and ``created_at``) survive rebuilding. Every incident of
        every case must come from this store (``SourcedIncident.id`` set).
        """
        ...

    def save_case_decision(self, decision: StoredDecision) -> StoredDecision:
        """Keep a person's merge or split; returns it with its id and time."""
        ...

    def list_case_decisions(self) -> list[StoredDecision]:
        """Every merge and split, oldest first."""
        ...

    def scan_checkpoint(self, archive: str) -> ScanCheckpoint | None:
        """The checkpoint of a crawl archive a scan read to the end, or None."""
        ...

    def save_scan_checkpoint(self, checkpoint: ScanCheckpoint) -> None:
        """Mark a crawl archive as read to the end (replacing an older checkpoint of it)."""
        ...

    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""
        ...
