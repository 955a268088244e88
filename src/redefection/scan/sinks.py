"""Where a scan's relevant records go: the store (with checkpoints), or a Parquet file for a later ingest."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from .. import dedupe
from ..errors import StoreError
from ..ingest.parquet import ParquetWriter
from ..records import Capture, Document, MinhashIndex
from ..store import SaveResult, ScanCheckpoint, Store
from .tasks import Found, ScanReport

logger = logging.getLogger(__name__)

OnSaved = Callable[[Capture, Document, SaveResult, MinhashIndex | None], None]  # ... and the document's MinHash entry


class StoreSink:
    """Save relevant records in the store; archives read to the end get a checkpoint there.

    Saving is idempotent on the capture's bytes, so records of an archive a
    crashed run had half read are not stored twice when the rerun reads them again.
    """

    def __init__(self, store: Store, on_saved: OnSaved | None = None) -> None:
        self.store = store
        self.on_saved = on_saved  # e.g. syndication clustering, as ingest does
        self.stored = 0
        self.duplicate = 0
        self.failed = 0

    def is_finished(self, archive: str) -> bool:
        return self.store.scan_checkpoint(archive) is not None

    def add(self, found: Found) -> None:
        try:
            # With its MinHash entry, in one transaction: no reader sees the document without it.
            index = dedupe.index_entry(found.document.text)
            saved: SaveResult = self.store.save_document(found.capture, found.document, index)
        except StoreError as exc:
            self.fail(found.capture.source, "store", exc.problem)
            return
        if saved.is_duplicate:
            self.duplicate += 1
        else:
            self.stored += 1
        if self.on_saved is not None:
            self.on_saved(found.capture, found.document, saved, index)

    def fail(self, source: str, stage: str, message: str) -> None:
        self.failed += 1
        self.store.record_failure(source, stage, message)

    def finish(self, archive: str, size: int | None, totals: ScanReport) -> None:
        checkpoint = ScanCheckpoint(
            archive=archive,
            size_bytes=size,
            records=totals.records,
            payload_bytes=totals.bytes,
            candidates=totals.candidates,
            relevant=totals.relevant,
            finished_at=datetime.now(UTC),
        )
        self.store.save_scan_checkpoint(checkpoint)


class ParquetSink:
    """Write relevant records to one Parquet file (local or an fsspec URL); no checkpoints.

    Failures are logged, not kept: a distributed run's file holds results
    only, and ``redefection scan FILE.parquet --db URL`` ingests it later.
    """

    def __init__(self, url: str) -> None:
        self.writer = ParquetWriter(url)
        self.stored = 0
        self.failed = 0

    def is_finished(self, archive: str) -> bool:
        return False

    def add(self, found: Found) -> None:
        self.writer.write(found.capture, found.document)
        self.stored += 1

    def fail(self, source: str, stage: str, message: str) -> None:
        self.failed += 1
        logger.warning("%s: %s failed: %s", source, stage, message)

    def finish(self, archive: str, size: int | None, totals: ScanReport) -> None:
        self.writer.flush()

    def close(self) -> None:
        self.writer.close()


__all__ = ["ParquetSink", "StoreSink"]
