"""Scan checkpoints to table rows and back: which crawl archives a scan has read to the end.

Every function takes an open session; ``SqlStore`` owns the transactions.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from .rows import ScanCheckpoint
from .tables import ScanCheckpointRow


def load_checkpoint(session: Session, archive: str) -> ScanCheckpoint | None:
    """The checkpoint of ``archive``, or None if no scan finished it."""
    row = session.get(ScanCheckpointRow, archive)
    if row is None:
        return None
    return ScanCheckpoint(
        archive=row.archive,
        size_bytes=row.size_bytes,
        records=row.records,
        payload_bytes=row.payload_bytes,
        candidates=row.candidates,
        relevant=row.relevant,
        finished_at=row.finished_at,
    )


def save_checkpoint(session: Session, checkpoint: ScanCheckpoint) -> None:
    """Insert or replace the checkpoint of ``checkpoint.archive``."""
    row = session.get(ScanCheckpointRow, checkpoint.archive) or ScanCheckpointRow(archive=checkpoint.archive)
    row.size_bytes = checkpoint.size_bytes
    row.records = checkpoint.records
    row.payload_bytes = checkpoint.payload_bytes
    row.candidates = checkpoint.candidates
    row.relevant = checkpoint.relevant
    row.finished_at = checkpoint.finished_at
    session.add(row)
