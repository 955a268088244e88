"""Syndication: put a page just saved into its cluster of exact and near copies; list the clusters.

Used after each save by ``ingest`` and ``scanning``, and by `redefection duplicates`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..errors import NotFound, StoreError
from ..records import Capture, ClusterMember, Document, MinhashIndex, SyndicationCluster

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) loads only on the paths that use it
    from ..store import NearCopies, SaveResult, Store, StoredDocument

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

    entry = index or dedupe.index_entry(document.text)
    near = store.near_copies(capture.sha256, saved.document_id, list(entry.queries or entry.buckets) if entry else [])
    if near.placed is not None:
        return near.placed
    if entry is not None and not saved.indexed:
        # Idempotent: an exact copy's document normally is indexed already; this indexes documents stored
        # before clustering existed, when they are ingested again.
        store.index_document(
            saved.document_id,
            entry.signature,
            list(entry.buckets),
            scheme=entry.scheme,
            shingle_count=entry.shingle_count,
        )
    own = near.clusters.get(saved.document_id)
    found = {own.id: own} if own is not None and own.id is not None else {}
    unclustered = _near_copies(document.text, near, found)
    members = [member for cluster in found.values() for member in cluster.members]
    members.append(dedupe.page_member(capture, document, saved.document_id))
    # Documents stored before clusters existed join as members of their own.
    members.extend(_stored_member(store.get_document(doc_id)) for doc_id in sorted(unclustered))
    texts = {saved.document_id: document.text} if not saved.is_duplicate else {}
    wanted = {member.document_id for member in members} - set(texts)
    texts.update((doc_id, text) for doc_id, text in near.texts.items() if doc_id in wanted)
    if missing := wanted - set(texts):  # copies in the clusters joined that were no candidate
        texts.update(store.document_texts(missing))
    cluster = dedupe.build_cluster(members, texts, cluster_id=min(found, default=None))
    return store.assign_cluster(cluster, replaces=sorted(found))


def _near_copies(text: str, near: NearCopies, found: dict[int, SyndicationCluster]) -> set[int]:
    """Check the candidates on their text; clusters with a copy go into ``found``; returns copies in no cluster."""
    from .. import dedupe

    unclustered: set[int] = set()
    for doc_id in near.candidates:
        cluster = near.clusters.get(doc_id)
        if cluster is not None and cluster.id in found:
            continue  # a copy in this cluster was found already
        if doc_id not in near.texts or not dedupe.is_copy(text, near.texts[doc_id]):
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
