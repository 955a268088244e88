"""The store interface: what the rest of the code may ask of the database.

Other modules import ``Store`` from here and the row types (``SaveResult``, ``StoredDocument``,
``StoredFacts``...) from ``rows.py`` (or both from ``redefection.store``), never the SQLAlchemy
implementation. The row types live apart so that the protocol parts combined here
(``monitor.py``, ``web.py``) share them without importing this module back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from ..records import (
    Capture,
    Case,
    Document,
    MinhashIndex,
    SourcedClaim,
    SourcedIncident,
    SyndicationCluster,
)
from .monitor import MonitorStore
from .reviewed import ReviewedStore
from .rows import NearCopies, SaveResult, ScanCheckpoint, StoredDecision, StoredDocument, StoredFacts
from .web import AccountStore, BrowseStore, ReviewStore


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

    def near_copies(self, capture_sha256: str, document_id: int, buckets: Sequence[int]) -> NearCopies:
        """Where a saved page stands for clustering, read in one transaction.

        The page's cluster if it is in one already; otherwise the documents
        sharing an LSH bucket with ``document_id`` (its candidate copies), the
        clusters of the document and of those candidates, and the text of each
        candidate outside the document's own cluster.
        """
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
