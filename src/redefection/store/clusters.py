"""Syndication clusters and the MinHash LSH index, to table rows and back.

Every function takes an open session; ``SqlStore`` owns the transactions. The
LSH index is one row per (document, band) with an indexed ``bucket`` integer,
so finding a new document's candidates is one indexed ``IN`` query on SQLite
and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from ..records import ClusterMember, ClusterRole, SyndicationCluster
from .tables import CaptureRow, CaptureSourceRow, ClusterMemberRow, ClusterRow, DocumentMinhashRow, MinhashBandRow

DIFFERENCE_SEPARATOR = ", "


def index_document(
    session: Session,
    document_id: int,
    signature: bytes,
    buckets: Sequence[int],
    *,
    scheme: str,
    shingle_count: int,
    now: datetime,
) -> None:
    """Store a document's signature and LSH buckets, replacing those of another scheme; idempotent."""
    found = session.get(DocumentMinhashRow, document_id)
    if found is not None and found.scheme == scheme:
        return
    if found is not None:
        session.delete(found)
        session.execute(delete(MinhashBandRow).where(MinhashBandRow.document_id == document_id))
        session.flush()
    session.add(
        DocumentMinhashRow(
            document_id=document_id, scheme=scheme, shingle_count=shingle_count, signature=signature, created_at=now
        )
    )
    session.add_all(
        MinhashBandRow(document_id=document_id, band=band, bucket=int(bucket)) for band, bucket in enumerate(buckets)
    )


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


# Built once (every case page with syndicated copies asks for its clusters), the ids bound per call.
_MEMBERS = (
    select(ClusterMemberRow, CaptureRow.sha256)
    .join(CaptureRow, ClusterMemberRow.capture_id == CaptureRow.id)
    .where(ClusterMemberRow.cluster_id.in_(bindparam("ids", expanding=True)))
    .order_by(ClusterMemberRow.cluster_id, ClusterMemberRow.position)
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
    sources = _sources(session, [row.capture_id for row, _ in rows])
    members: dict[int, list[ClusterMember]] = {cluster_id: [] for cluster_id in ids}
    for row, sha256 in rows:
        members[row.cluster_id].append(_member(row, sha256, sources.get(row.capture_id, ())))
    return [SyndicationCluster(tuple(found), cluster_id) for cluster_id, found in members.items() if found]


def _sources(session: Session, capture_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for capture_id, source in session.execute(_CAPTURE_SOURCES, {"ids": list(capture_ids)}):
        found.setdefault(capture_id, []).append(source)
    return {capture_id: tuple(items) for capture_id, items in found.items()}


def _member(row: ClusterMemberRow, sha256: str, sources: tuple[str, ...]) -> ClusterMember:
    role: ClusterRole = "canonical" if row.role == "canonical" else "copy"
    return ClusterMember(
        capture_sha256=sha256,
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
    query = (
        select(ClusterMemberRow.cluster_id)
        .join(CaptureRow, ClusterMemberRow.capture_id == CaptureRow.id)
        .where(CaptureRow.sha256 == capture_sha256)
    )
    return session.scalar(query)


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


def save_cluster(session: Session, cluster: SyndicationCluster, replaces: Sequence[int], now: datetime) -> int:
    """Write ``cluster`` over the stored clusters ``replaces`` (kept under the oldest id); returns its id."""
    kept = sorted(set(replaces))
    canonical = cluster.canonical.document_id
    row = session.get(ClusterRow, kept[0]) if kept else None
    if row is None:
        row = ClusterRow(canonical_document_id=canonical, created_at=now, updated_at=now)
        session.add(row)
        session.flush()
    else:
        row.canonical_document_id = canonical
        row.updated_at = now
    shas = [member.capture_sha256 for member in cluster.members]
    found = session.execute(select(CaptureRow.sha256, CaptureRow.id).where(CaptureRow.sha256.in_(shas)))
    capture_ids: dict[str, int] = {sha256: capture_id for sha256, capture_id in found}
    missing = [member.capture_sha256 for member in cluster.members if member.capture_sha256 not in capture_ids]
    if missing:
        raise LookupError(f"no stored capture with sha256 {missing[0]}")
    moved = ClusterMemberRow.cluster_id.in_([row.id, *kept]) | ClusterMemberRow.capture_id.in_(capture_ids.values())
    emptied = set(session.scalars(select(ClusterMemberRow.cluster_id).where(moved))) | set(kept)
    session.execute(delete(ClusterMemberRow).where(moved))
    session.add_all(
        ClusterMemberRow(
            cluster_id=row.id,
            capture_id=capture_ids[member.capture_sha256],
            document_id=member.document_id,
            position=position,
            role=member.role,
            similarity=member.similarity,
            difference=DIFFERENCE_SEPARATOR.join(member.differences),
            title=member.title,
            outlet=member.outlet,
            published=member.published,
            credited_outlet=member.credited_outlet,
        )
        for position, member in enumerate(cluster.members)
    )
    session.flush()
    emptied.discard(row.id)
    if emptied:
        still_used = select(ClusterMemberRow.cluster_id).where(ClusterMemberRow.cluster_id.in_(emptied))
        session.execute(delete(ClusterRow).where(ClusterRow.id.in_(emptied), ClusterRow.id.not_in(still_used)))
    return row.id


def cluster_ids(session: Session, min_size: int) -> list[int]:
    """Ids of the clusters with at least ``min_size`` pages, oldest first."""
    query = (
        select(ClusterMemberRow.cluster_id)
        .group_by(ClusterMemberRow.cluster_id)
        .having(func.count() >= min_size)
        .order_by(ClusterMemberRow.cluster_id)
    )
    return list(session.scalars(query))
