"""Use cases shared by the CLI and the web app: ingest inputs into the store, extract without one."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import StoreError
from .ingest import iter_captures
from .pipeline import Outcome, Pipeline
from .records import Capture, Document
from .settings import Settings
from .store import SaveResult, Store

logger = logging.getLogger(__name__)

OnOutcome = Callable[[Outcome, SaveResult | None], None]


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest run did; ``failures`` holds (source, message) per failed input."""

    stored: int = 0
    duplicate: int = 0
    failed: int = 0
    dropped: int = 0
    failures: tuple[tuple[str, str], ...] = ()

    @property
    def total(self) -> int:
        return self.stored + self.duplicate + self.failed + self.dropped


def extract_paths(paths: Iterable[str | Path], settings: Settings, *, strict: bool = False) -> Iterator[Outcome]:
    """Run the pipeline over every file under ``paths`` without storing anything."""
    yield from Pipeline(settings, strict=strict).run(iter_captures(paths, settings.max_input_bytes))


def ingest_paths(
    paths: Iterable[str | Path],
    store: Store,
    settings: Settings,
    on_outcome: OnOutcome | None = None,
    *,
    strict: bool = False,
) -> IngestReport:
    """Clean every file under ``paths`` and save the documents, failures and drops in ``store``.

    One bad input never stops the batch: its error (including a ``StoreError``
    while saving it) is recorded as that input's failure. ``on_outcome`` is
    called after each input with its outcome and the save result (``None``
    unless a document was saved), e.g. to advance a progress bar.
    """
    pipeline = Pipeline(settings, strict=strict)
    counts = {"stored": 0, "duplicate": 0, "failed": 0, "dropped": 0}
    failures: list[tuple[str, str]] = []
    for item in iter_captures(paths, settings.max_input_bytes):
        outcome = next(pipeline.run([item]))
        saved: SaveResult | None = None
        if isinstance(item, Capture) and outcome.document is not None:
            outcome, saved = _save(store, item, outcome, outcome.document)
        if saved is not None:
            counts[saved.status] += 1
        elif outcome.dropped is not None:
            counts["dropped"] += 1
            drop = outcome.dropped
            store.record_drop(outcome.source, outcome.stage or "", drop.reason, drop.detail)
        elif outcome.error is not None:
            counts["failed"] += 1
            failures.append((outcome.source, outcome.error.problem))
            store.record_failure(outcome.source, outcome.stage or "", outcome.error.problem)
            logger.info("%s", outcome.error)
        if on_outcome is not None:
            on_outcome(outcome, saved)
    return IngestReport(
        stored=counts["stored"],
        duplicate=counts["duplicate"],
        failed=counts["failed"],
        dropped=counts["dropped"],
        failures=tuple(failures),
    )


def _save(store: Store, capture: Capture, outcome: Outcome, document: Document) -> tuple[Outcome, SaveResult | None]:
    # The clean stage drops pages without article text, so every document here has a body.
    try:
        return outcome, store.save_document(capture, document)
    except StoreError as exc:
        return dataclasses.replace(outcome, document=None, error=exc, stage="store"), None


__all__ = ["IngestReport", "OnOutcome", "extract_paths", "ingest_paths"]
