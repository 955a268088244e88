"""Syndication: put a page just saved into its cluster of exact and near copies; list the clusters.

Used after each save by ``ingest`` and ``scanning``, and by `redefection duplicates`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..errors import NotFound, StoreError
from ..records import Capture, ClusterMember, Document, MinhashIndex, SyndicationCluster

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) loads only on the paths that use it
    from ..store import SaveResult, Store, StoredDocument

logger = logging.getLogger(__name__)


def assign_syndication(
    store: Store, capture: Capture, document: Document, saved: SaveResult, index: MinhashIndex | None = None
) -> SyndicationCluster:
    """Put a page just saved into its syndication cluster: alone, or with its exact and near copies.

    Exact copies share the stored document ``saved`` names; near copies of
    that document are found through the store's MinHash LSH index and checked
    on their text, one copy per stored cluster being enough to join it (so a
    story with hundreds of copies costs one check per cluster, not per copy).
    Clusters the page joins are merged and their canonical page chosen again.
    Seeing a page again (the same bytes) changes nothing. ``index``: the
    document's MinHash entry if already computed (``dedupe.index_entry``).
    """
    from .. import dedupe  # NumPy and datasketch: only the paths that store documents load them

    placed = store.cluster_of_page(capture.sha256)
    if placed is not None:
        return placed
    candidates = _near_candidates(store, saved.document_id, index or dedupe.index_entry(document.text))
    clusters_of = store.clusters_of_documents([saved.document_id, *candidates])
    found = {c.id: c for c in [clusters_of.get(saved.document_id)] if c is not None and c.id is not None}
    unclustered = _near_copies(store, document.text, candidates, clusters_of, found)
    members = [member for cluster in found.values() for member in cluster.members]
    members.append(dedupe.page_member(capture, document, saved.document_id))
    # Documents stored before clusters existed join as members of their own.
    members.extend(_stored_member(store.get_document(doc_id)) for doc_id in sorted(unclustered))
    texts = {saved.document_id: document.text} if not saved.is_duplicate else {}
    texts.update(store.document_texts({member.document_id for member in members} - set(texts)))
    cluster = dedupe.build_cluster(members, texts, cluster_id=min(found, default=None))
    return store.assign_cluster(cluster, replaces=sorted(found))


def _near_candidates(store: Store, document_id: int, index: MinhashIndex | None) -> list[int]:
    """Index the document's MinHash and return the stored documents sharing an LSH bucket with it."""
    if index is None:
        return []
    # Idempotent: a new document was indexed as it was saved, and an exact copy's document normally is already;
    # this indexes documents stored before clustering existed, when they are ingested again.
    store.index_document(
        document_id, index.signature, list(index.buckets), scheme=index.scheme, shingle_count=index.shingle_count
    )
    return store.similar_documents(document_id, list(index.queries or index.buckets))


def _near_copies(
    store: Store,
    text: str,
    candidates: Iterable[int],
    clusters_of: dict[int, SyndicationCluster],
    found: dict[int, SyndicationCluster],
) -> set[int]:
    """Check candidates on their text; clusters with a copy go into ``found``; returns copies in no cluster."""
    pending = [
        doc_id for doc_id in candidates if (cluster := clusters_of.get(doc_id)) is None or cluster.id not in found
    ]
    from .. import dedupe

    texts = store.document_texts(pending)
    unclustered: set[int] = set()
    for doc_id in pending:
        cluster = clusters_of.get(doc_id)
        if cluster is not None and cluster.id in found:
            continue  # a copy in this cluster was found already
        if doc_id not in texts or not dedupe.is_copy(text, texts[doc_id]):
            continue  # deleted meanwhile, or only similar
        if cluster is not None and cluster.id is not None:
            found[cluster.id] = cluster
        else:
            unclustered.add(doc_id)
    return unclustered


def _stored_member(stored: StoredDocument) -> ClusterMember:
    return ClusterMember(
        capture_sha256=stored.sha256,
        document_id=stored.id,
        sources=(stored.source,),
        title=stored.title,
        outlet=stored.outlet,
        published=stored.published,
    )


def cluster_safely(
    store: Store,
    capture: Capture,
    document: Document,
    saved: SaveResult,
    failures: list[tuple[str, str]],
    index: MinhashIndex | None = None,
) -> None:
    # The document is stored either way; a clustering failure is reported without undoing it.
    try:
        assign_syndication(store, capture, document, saved, index)
    except (StoreError, NotFound) as exc:  # NotFound: a candidate document deleted meanwhile
        failures.append((capture.source, exc.problem))
        store.record_failure(capture.source, "dedupe", exc.problem)
        logger.warning("%s", exc)


def list_duplicates(store: Store) -> list[SyndicationCluster]:
    """The syndication clusters with copies, oldest first, each canonical page first."""
    return store.list_clusters(min_size=2)
