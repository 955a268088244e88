"""Syndication clusters and the MinHash LSH index, to table rows and back.

Every function takes an open session; ``SqlStore`` owns the transactions. The
LSH index is one row per (document, band) with an indexed ``bucket`` integer,
so finding a new document's candidates is one indexed ``IN`` query on SQLite
and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

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
)

DIFFERENCE_SEPARATOR = ", "


_INSERT_MINHASH = insert(DocumentMinhashRow.__table__)
_INSERT_BANDS = insert(MinhashBandRow.__table__)


def index_document(
    session: Session,
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
        found = session.scalar(select(DocumentMinhashRow.scheme).where(DocumentMinhashRow.document_id == document_id))
        if found == scheme:
            return
        if found is not None:
            session.execute(delete(DocumentMinhashRow).where(DocumentMinhashRow.document_id == document_id))
            session.execute(delete(MinhashBandRow).where(MinhashBandRow.document_id == document_id))
    session.execute(
        _INSERT_MINHASH,
        {
            "document_id": document_id,
            "scheme": scheme,
            "shingle_count": shingle_count,
            "signature": signature,
            "created_at": now,
        },
    )
    if buckets:
        bands = [
            {"document_id": document_id, "band": band, "bucket": int(bucket)} for band, bucket in enumerate(buckets)
        ]
        session.execute(_INSERT_BANDS, bands)


def similar_documents(session: Session, document_id: int, buckets: Sequence[int]) -> list[int]:
    """Ids of the other documents sharing at least one bucket, in id order."""
    if not buckets:
        return []
    query = (
        select(MinhashBandRow.document_id)
        .where(MinhashBandRow.bucket.in_([int(bucket) for bucket in buckets]))
        .where(MinhashBandRow.document_id != document_id)
        .distinct()
        .order_by(MinhashBandRow.document_id)
    )
    return list(session.scalars(query))


def near_copies(session: Session, capture_sha256: str, document_id: int, buckets: Sequence[int]) -> NearCopies:
    """The page's cluster, or its candidate copies with their clusters and texts (``Store.near_copies``)."""
    placed = cluster_id_of_page(session, capture_sha256)
    if placed is not None:
        return NearCopies(placed=load_clusters(session, [placed])[0])
    candidates = similar_documents(session, document_id, buckets)
    found = clusters_of_documents(session, [document_id, *candidates])
    own = found[document_id].id if document_id in found else None
    outside = [doc_id for doc_id in candidates if (cluster := found.get(doc_id)) is None or cluster.id != own]
    return NearCopies(None, tuple(candidates), found, document_texts(session, outside))


def clusters_of_documents(session: Session, document_ids: Iterable[int]) -> dict[int, SyndicationCluster]:
    """The cluster of each of these documents that has one (``cluster_ids_of_documents``), loaded in one go."""
    of_document = cluster_ids_of_documents(session, document_ids)
    loaded = {cluster.id: cluster for cluster in load_clusters(session, of_document.values())}
    return {doc_id: loaded[cluster_id] for doc_id, cluster_id in of_document.items() if cluster_id in loaded}


def document_texts(session: Session, document_ids: Iterable[int]) -> dict[int, str]:
    """The cleaned text of each of these documents that exists, by id (one query per 500 ids)."""
    ids = sorted(set(document_ids))
    texts: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        query = select(DocumentRow.id, DocumentRow.body_text).where(DocumentRow.id.in_(ids[start : start + 500]))
        texts.update((doc_id, text) for doc_id, text in session.execute(query))
    return texts


# Built once (every case page with syndicated copies asks for its clusters), the ids bound per call.
_MEMBERS = (
    select(ClusterMemberRow.__table__, CaptureRow.__table__.c.sha256)  # plain rows: no ORM objects to build
    .join(CaptureRow.__table__, ClusterMemberRow.__table__.c.capture_id == CaptureRow.__table__.c.id)
    .where(ClusterMemberRow.__table__.c.cluster_id.in_(bindparam("ids", expanding=True)))
    .order_by(ClusterMemberRow.__table__.c.cluster_id, ClusterMemberRow.__table__.c.position)
)
_CLUSTER_OF_PAGE = (
    select(ClusterMemberRow.cluster_id)
    .join(CaptureRow, ClusterMemberRow.capture_id == CaptureRow.id)
    .where(CaptureRow.sha256 == bindparam("sha256"))
)
_CAPTURE_SOURCES = (
    select(CaptureSourceRow.capture_id, CaptureSourceRow.source)
    .where(CaptureSourceRow.capture_id.in_(bindparam("ids", expanding=True)))
    .order_by(CaptureSourceRow.seen_at, CaptureSourceRow.source)
)
_CLUSTER_OF_DOCUMENTS = (
    select(ClusterMemberRow.document_id, func.min(ClusterMemberRow.cluster_id))
    .where(ClusterMemberRow.document_id.in_(bindparam("ids", expanding=True)))
    .group_by(ClusterMemberRow.document_id)
)


def load_clusters(session: Session, cluster_ids: Iterable[int]) -> list[SyndicationCluster]:
    """The clusters with these ids, in id order, each with its members canonical first."""
    ids = sorted(set(cluster_ids))
    if not ids:
        return []
    rows = session.execute(_MEMBERS, {"ids": ids}).all()
    sources = _sources(session, [row.capture_id for row in rows])
    members: dict[int, list[ClusterMember]] = {cluster_id: [] for cluster_id in ids}
    for row in rows:
        members[row.cluster_id].append(_member(row, sources.get(row.capture_id, ())))
    return [SyndicationCluster(tuple(found), cluster_id) for cluster_id, found in members.items() if found]


def _sources(session: Session, capture_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for capture_id, source in session.execute(_CAPTURE_SOURCES, {"ids": list(capture_ids)}):
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


def cluster_id_of_page(session: Session, capture_sha256: str) -> int | None:
    return session.scalar(_CLUSTER_OF_PAGE, {"sha256": capture_sha256})


def cluster_id_of_document(session: Session, document_id: int) -> int | None:
    query = select(func.min(ClusterMemberRow.cluster_id)).where(ClusterMemberRow.document_id == document_id)
    return session.scalar(query)


def cluster_ids_of_documents(session: Session, document_ids: Iterable[int]) -> dict[int, int]:
    """Document id -> the cluster its pages are in (the smallest if several); documents in none are absent."""
    ids = sorted(set(document_ids))
    found: dict[int, int] = {}
    for start in range(0, len(ids), 500):  # bounded IN lists
        chunk = {"ids": ids[start : start + 500]}
        found.update((doc_id, cluster_id) for doc_id, cluster_id in session.execute(_CLUSTER_OF_DOCUMENTS, chunk))
    return found


_CLUSTERS = ClusterRow.__table__
_MEMBER_ROWS = ClusterMemberRow.__table__
_INSERT_CLUSTER = insert(_CLUSTERS)
_UPDATE_CLUSTER = (
    update(_CLUSTERS)
    .where(_CLUSTERS.c.id == bindparam("kept_id"))
    .values(canonical_document_id=bindparam("canonical"), updated_at=bindparam("now"))
)
_CAPTURE_IDS = select(CaptureRow.sha256, CaptureRow.id).where(CaptureRow.sha256.in_(bindparam("shas", expanding=True)))
# The members of the clusters written over and the pages that move: deleted, their old clusters returned.
_DELETE_MEMBERS = (
    delete(_MEMBER_ROWS)
    .where(
        _MEMBER_ROWS.c.cluster_id.in_(bindparam("clusters", expanding=True))
        | _MEMBER_ROWS.c.capture_id.in_(bindparam("captures", expanding=True))
    )
    .returning(_MEMBER_ROWS.c.cluster_id)
)
_INSERT_MEMBERS = insert(_MEMBER_ROWS)
_DELETE_EMPTIED = delete(_CLUSTERS).where(
    _CLUSTERS.c.id.in_(bindparam("emptied", expanding=True)),
    _CLUSTERS.c.id.not_in(
        select(_MEMBER_ROWS.c.cluster_id).where(_MEMBER_ROWS.c.cluster_id.in_(bindparam("emptied", expanding=True)))
    ),
)


def save_cluster(session: Session, cluster: SyndicationCluster, replaces: Sequence[int], now: datetime) -> int:
    """Write ``cluster`` over the stored clusters ``replaces`` (kept under the oldest id); returns its id."""
    kept = sorted(set(replaces))
    canonical = cluster.canonical.document_id
    cluster_id: int | None = None
    if kept and session.execute(_UPDATE_CLUSTER, {"kept_id": kept[0], "canonical": canonical, "now": now}).rowcount:
        cluster_id = kept[0]
    if cluster_id is None:  # a new cluster, or the one to keep was deleted meanwhile
        values = {"canonical_document_id": canonical, "created_at": now, "updated_at": now}
        cluster_id = session.execute(_INSERT_CLUSTER, values).inserted_primary_key[0]
    shas = [member.capture_sha256 for member in cluster.members]
    capture_ids: dict[str, int] = {
        sha256: capture_id for sha256, capture_id in session.execute(_CAPTURE_IDS, {"shas": shas})
    }
    missing = [sha256 for sha256 in shas if sha256 not in capture_ids]
    if missing:
        raise LookupError(f"no stored capture with sha256 {missing[0]}")
    moved = {"clusters": [cluster_id, *kept], "captures": list(capture_ids.values())}
    emptied = set(session.scalars(_DELETE_MEMBERS, moved)) | set(kept)
    session.execute(
        _INSERT_MEMBERS,
        [
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
        ],
    )
    emptied.discard(cluster_id)
    if emptied:
        session.execute(_DELETE_EMPTIED, {"emptied": sorted(emptied)})
    return cluster_id


def cluster_ids(session: Session, min_size: int) -> list[int]:
    """Ids of the clusters with at least ``min_size`` pages, oldest first."""
    query = (
        select(ClusterMemberRow.cluster_id)
        .group_by(ClusterMemberRow.cluster_id)
        .having(func.count() >= min_size)
        .order_by(ClusterMemberRow.cluster_id)
    )
    return list(session.scalars(query))
