"""Syndication clusters and the MinHash LSH index, to table rows and back.

Every function takes an open connection; ``SqlStore`` owns the transactions.
Each document stored and clustered goes through here, so the statements are
Core ones over the tables, built once with their values bound per call: no
ORM objects, no flushes. The LSH index is one row per (document, band) with an
indexed ``bucket`` integer, so finding a new document's candidates is one
indexed ``IN`` query on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, func, insert, select, update

from ..records import ClusterMember, ClusterRole, SyndicationCluster
from .rows import NearCopies
from .tables import (
    CaptureRow,
    CaptureSourceRow,
    ClusterMemberRow,
    ClusterRow,
    DocumentMinhashRow,
    DocumentRow,
    MinhashBandRow,
    core_table,
)

DIFFERENCE_SEPARATOR = ", "
CHUNK = 500  # ids per IN list

_CAPTURES = core_table(CaptureRow)
_SOURCES = core_table(CaptureSourceRow)
_DOCUMENTS = core_table(DocumentRow)
_MINHASHES = core_table(DocumentMinhashRow)
_BANDS = core_table(MinhashBandRow)
_CLUSTERS = core_table(ClusterRow)
_MEMBERS = core_table(ClusterMemberRow)

_MINHASH_SCHEME = select(_MINHASHES.c.scheme).where(_MINHASHES.c.document_id == bindparam("document_id"))
_DELETE_MINHASH = delete(_MINHASHES).where(_MINHASHES.c.document_id == bindparam("document_id"))
_DELETE_BANDS = delete(_BANDS).where(_BANDS.c.document_id == bindparam("document_id"))
_INSERT_MINHASH = insert(_MINHASHES)
_INSERT_BANDS = insert(_BANDS)
_SIMILAR = (
    select(_BANDS.c.document_id)
    .where(_BANDS.c.bucket.in_(bindparam("buckets", expanding=True)), _BANDS.c.document_id != bindparam("document_id"))
    .distinct()
    .order_by(_BANDS.c.document_id)
)
_TEXTS = select(_DOCUMENTS.c.id, _DOCUMENTS.c.body_text).where(_DOCUMENTS.c.id.in_(bindparam("ids", expanding=True)))
_CLUSTER_OF_PAGE = (
    select(_MEMBERS.c.cluster_id)
    .join(_CAPTURES, _MEMBERS.c.capture_id == _CAPTURES.c.id)
    .where(_CAPTURES.c.sha256 == bindparam("sha256"))
)
_CLUSTER_OF_DOCUMENT = select(func.min(_MEMBERS.c.cluster_id)).where(_MEMBERS.c.document_id == bindparam("id"))
_CLUSTER_OF_DOCUMENTS = (
    select(_MEMBERS.c.document_id, func.min(_MEMBERS.c.cluster_id))
    .where(_MEMBERS.c.document_id.in_(bindparam("ids", expanding=True)))
    .group_by(_MEMBERS.c.document_id)
)
_CLUSTER_MEMBERS = (
    select(_MEMBERS, _CAPTURES.c.sha256)
    .join(_CAPTURES, _MEMBERS.c.capture_id == _CAPTURES.c.id)
    .where(_MEMBERS.c.cluster_id.in_(bindparam("ids", expanding=True)))
    .order_by(_MEMBERS.c.cluster_id, _MEMBERS.c.position)
)
_CAPTURE_SOURCES = (
    select(_SOURCES.c.capture_id, _SOURCES.c.source)
    .where(_SOURCES.c.capture_id.in_(bindparam("ids", expanding=True)))
    .order_by(_SOURCES.c.seen_at, _SOURCES.c.source)
)
_INSERT_CLUSTER = insert(_CLUSTERS).returning(_CLUSTERS.c.id)
_UPDATE_CLUSTER = (
    update(_CLUSTERS)
    .where(_CLUSTERS.c.id == bindparam("kept_id"))
    .values(canonical_document_id=bindparam("canonical"), updated_at=bindparam("now"))
)
_CAPTURE_IDS = select(_CAPTURES.c.sha256, _CAPTURES.c.id).where(
    _CAPTURES.c.sha256.in_(bindparam("shas", expanding=True))
)
# The members of the clusters written over and of the pages that move: deleted, their clusters returned.
_DELETE_MEMBERS = (
    delete(_MEMBERS)
    .where(
        _MEMBERS.c.cluster_id.in_(bindparam("clusters", expanding=True))
        | _MEMBERS.c.capture_id.in_(bindparam("captures", expanding=True))
    )
    .returning(_MEMBERS.c.cluster_id)
)
_INSERT_MEMBERS = insert(_MEMBERS)
_DELETE_EMPTIED = delete(_CLUSTERS).where(
    _CLUSTERS.c.id.in_(bindparam("emptied", expanding=True)),
    _CLUSTERS.c.id.not_in(
        select(_MEMBERS.c.cluster_id).where(_MEMBERS.c.cluster_id.in_(bindparam("emptied", expanding=True)))
    ),
)
_CLUSTER_IDS = (
    select(_MEMBERS.c.cluster_id)
    .group_by(_MEMBERS.c.cluster_id)
    .having(func.count() >= bindparam("min_size"))
    .order_by(_MEMBERS.c.cluster_id)
)


def index_document(
    connection: Connection,
    document_id: int,
    signature: bytes,
    buckets: Sequence[int],
    *,
    scheme: str,
    shingle_count: int,
    now: datetime,
    is_new: bool = False,
) -> None:
    """Store a document's signature and LSH buckets, replacing those of another scheme; idempotent.

    ``is_new``: the document row was inserted in this transaction, so it has no index rows to look for.
    """
    if not is_new:
        found = connection.scalar(_MINHASH_SCHEME, {"document_id": document_id})
        if found == scheme:
            return
        if found is not None:
            connection.execute(_DELETE_MINHASH, {"document_id": document_id})
            connection.execute(_DELETE_BANDS, {"document_id": document_id})
    values = {
        "document_id": document_id,
        "scheme": scheme,
        "shingle_count": shingle_count,
        "signature": signature,
        "created_at": now,
    }
    connection.execute(_INSERT_MINHASH, values)
    if buckets:
        rows = [
            {"document_id": document_id, "band": band, "bucket": int(bucket)} for band, bucket in enumerate(buckets)
        ]
        connection.execute(_INSERT_BANDS, rows)


def similar_documents(connection: Connection, document_id: int, buckets: Sequence[int]) -> list[int]:
    """Ids of the other documents sharing at least one bucket, in id order."""
    if not buckets:
        return []
    found = connection.scalars(_SIMILAR, {"buckets": [int(bucket) for bucket in buckets], "document_id": document_id})
    return list(found)


def near_copies(connection: Connection, capture_sha256: str, document_id: int, buckets: Sequence[int]) -> NearCopies:
    """The page's cluster, or its candidate copies with their clusters and texts (``Store.near_copies``)."""
    placed = cluster_id_of_page(connection, capture_sha256)
    if placed is not None:
        return NearCopies(placed=load_clusters(connection, [placed])[0])
    candidates = similar_documents(connection, document_id, buckets)
    found = clusters_of_documents(connection, [document_id, *candidates])
    own = found[document_id].id if document_id in found else None
    outside = [doc_id for doc_id in candidates if (cluster := found.get(doc_id)) is None or cluster.id != own]
    return NearCopies(None, tuple(candidates), found, document_texts(connection, outside))


def clusters_of_documents(connection: Connection, document_ids: Iterable[int]) -> dict[int, SyndicationCluster]:
    """The cluster of each of these documents that has one (``cluster_ids_of_documents``), loaded in one go."""
    of_document = cluster_ids_of_documents(connection, document_ids)
    loaded = {cluster.id: cluster for cluster in load_clusters(connection, of_document.values())}
    return {doc_id: loaded[cluster_id] for doc_id, cluster_id in of_document.items() if cluster_id in loaded}


def document_texts(connection: Connection, document_ids: Iterable[int]) -> dict[int, str]:
    """The cleaned text of each of these documents that exists, by id (one query per 500 ids)."""
    ids = sorted(set(document_ids))
    texts: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        texts.update((doc_id, text) for doc_id, text in connection.execute(_TEXTS, {"ids": ids[start : start + CHUNK]}))
    return texts


def load_clusters(connection: Connection, cluster_ids: Iterable[int]) -> list[SyndicationCluster]:
    """The clusters with these ids, in id order, each with its members canonical first."""
    ids = sorted(set(cluster_ids))
    if not ids:
        return []
    rows = connection.execute(_CLUSTER_MEMBERS, {"ids": ids}).all()
    sources = _sources(connection, [row.capture_id for row in rows])
    members: dict[int, list[ClusterMember]] = {cluster_id: [] for cluster_id in ids}
    for row in rows:
        members[row.cluster_id].append(_member(row, sources.get(row.capture_id, ())))
    return [SyndicationCluster(tuple(found), cluster_id) for cluster_id, found in members.items() if found]


def _sources(connection: Connection, capture_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for capture_id, source in connection.execute(_CAPTURE_SOURCES, {"ids": list(capture_ids)}):
        found.setdefault(capture_id, []).append(source)
    return {capture_id: tuple(items) for capture_id, items in found.items()}


def _member(row: Row[Any], sources: tuple[str, ...]) -> ClusterMember:
    role: ClusterRole = "canonical" if row.role == "canonical" else "copy"
    return ClusterMember(
        capture_sha256=row.sha256,
        document_id=row.document_id,
        sources=sources,
        title=row.title,
        outlet=row.outlet,
        published=row.published,
        credited_outlet=row.credited_outlet,
        role=role,
        similarity=row.similarity,
        differences=tuple(part for part in row.difference.split(DIFFERENCE_SEPARATOR) if part),
    )


def cluster_id_of_page(connection: Connection, capture_sha256: str) -> int | None:
    found: int | None = connection.scalar(_CLUSTER_OF_PAGE, {"sha256": capture_sha256})
    return found


def cluster_id_of_document(connection: Connection, document_id: int) -> int | None:
    found: int | None = connection.scalar(_CLUSTER_OF_DOCUMENT, {"id": document_id})
    return found


def cluster_ids_of_documents(connection: Connection, document_ids: Iterable[int]) -> dict[int, int]:
    """Document id -> the cluster its pages are in (the smallest if several); documents in none are absent."""
    ids = sorted(set(document_ids))
    found: dict[int, int] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = {"ids": ids[start : start + CHUNK]}
        found.update((doc_id, cluster_id) for doc_id, cluster_id in connection.execute(_CLUSTER_OF_DOCUMENTS, chunk))
    return found


def save_cluster(connection: Connection, cluster: SyndicationCluster, replaces: Sequence[int], now: datetime) -> int:
    """Write ``cluster`` over the stored clusters ``replaces`` (kept under the oldest id); returns its id."""
    kept = sorted(set(replaces))
    canonical = cluster.canonical.document_id
    cluster_id: int | None = None
    if kept and connection.execute(_UPDATE_CLUSTER, {"kept_id": kept[0], "canonical": canonical, "now": now}).rowcount:
        cluster_id = kept[0]
    if cluster_id is None:  # a new cluster, or the one to keep was deleted meanwhile
        values = {"canonical_document_id": canonical, "created_at": now, "updated_at": now}
        cluster_id = connection.scalar(_INSERT_CLUSTER, values)
    shas = [member.capture_sha256 for member in cluster.members]
    capture_ids = {sha256: capture_id for sha256, capture_id in connection.execute(_CAPTURE_IDS, {"shas": shas})}
    missing = [sha256 for sha256 in shas if sha256 not in capture_ids]
    if missing:
        raise LookupError(f"no stored capture with sha256 {missing[0]}")
    moved = {"clusters": [cluster_id, *kept], "captures": list(capture_ids.values())}
    emptied = set(connection.scalars(_DELETE_MEMBERS, moved)) | set(kept)
    rows = [
        {
            "cluster_id": cluster_id,
            "capture_id": capture_ids[member.capture_sha256],
            "document_id": member.document_id,
            "position": position,
            "role": member.role,
            "similarity": member.similarity,
            "difference": DIFFERENCE_SEPARATOR.join(member.differences),
            "title": member.title,
            "outlet": member.outlet,
            "published": member.published,
            "credited_outlet": member.credited_outlet,
        }
        for position, member in enumerate(cluster.members)
    ]
    connection.execute(_INSERT_MEMBERS, rows)
    emptied.discard(cluster_id)
    if emptied:
        connection.execute(_DELETE_EMPTIED, {"emptied": sorted(emptied)})
    return cluster_id


def cluster_ids(connection: Connection, min_size: int) -> list[int]:
    """Ids of the clusters with at least ``min_size`` pages, oldest first."""
    return list(connection.scalars(_CLUSTER_IDS, {"min_size": min_size}))
