"""Ingest: run the pipeline over files or fetched captures and save documents, drops and failures.

Used by `redefection extract` / `ingest` and by live monitoring (`monitor.watch`); each saved page joins its
syndication cluster (``syndication``) and the cases are rebuilt once per batch (``cases``).
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Dropped, StoreError
from ..ingest import InputFailure, iter_captures
from ..pipeline import Outcome, Pipeline
from ..records import Capture, Document, MinhashIndex, relevance_of
from ..settings import Settings
from .cases import resolve_safely
from .syndication import cluster_safely

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) loads only on the paths that use it
    from ..store import SaveResult, Store

logger = logging.getLogger(__name__)


OnOutcome = Callable[[Outcome, "SaveResult | None"], None]


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

    Files are named by their absolute, normalised path: one file given as
    ``docs/a.html`` and as ``/home/me/docs/a.html`` is one source, not two.
    """
    absolute = [os.path.abspath(os.fsdecode(path)) for path in paths]
    return ingest_captures(
        iter_captures(absolute, settings.max_input_bytes), store, settings, on_outcome, strict=strict
    )


def ingest_captures(
    items: Iterable[Capture | InputFailure],
    store: Store,
    settings: Settings,
    on_outcome: OnOutcome | None = None,
    *,
    strict: bool = False,
    keep_irrelevant: bool = True,
) -> IngestReport:
    """Clean captures (e.g. fetched by ``redefection watch``) and save them, as ``ingest_paths`` does for files.

    ``items`` is consumed lazily, so a generator may yield captures as they
    arrive. With ``keep_irrelevant=False`` a document the relevance stage
    finds off-topic is recorded as a drop (reason ``irrelevant``), not stored.
    """
    from .. import dedupe  # NumPy: only the paths that store documents load it

    pipeline = Pipeline(settings, strict=strict)
    counts = {"stored": 0, "duplicate": 0, "failed": 0, "dropped": 0}
    failures: list[tuple[str, str]] = []
    for item in items:
        outcome = next(pipeline.run([item]))
        if not keep_irrelevant and outcome.document is not None and relevance_of(outcome.document) == "not_relevant":
            outcome = Outcome(outcome.source, dropped=Dropped("irrelevant", "no relevance cue"), stage="relevance")
        saved: SaveResult | None = None
        if isinstance(item, Capture) and outcome.document is not None:
            index = dedupe.index_entry(outcome.document.text)
            outcome, saved = _save(store, item, outcome, outcome.document, index)
            if saved is not None and outcome.document is not None:
                cluster_safely(store, item, outcome.document, saved, failures, index)
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
    # Duplicates too: a rerun after a crash between saving and rebuilding stores nothing new.
    if counts["stored"] or counts["duplicate"]:
        resolve_safely(store, failures)
    return IngestReport(
        stored=counts["stored"],
        duplicate=counts["duplicate"],
        failed=counts["failed"],
        dropped=counts["dropped"],
        failures=tuple(failures),
    )


def _save(
    store: Store, capture: Capture, outcome: Outcome, document: Document, index: MinhashIndex | None
) -> tuple[Outcome, SaveResult | None]:
    # The clean stage drops pages without article text, so every document here has a body.
    try:
        return outcome, store.save_document(capture, document, index)
    except StoreError as exc:
        return dataclasses.replace(outcome, document=None, error=exc, stage="store"), None
