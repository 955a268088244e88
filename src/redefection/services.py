"""Use cases shared by the CLI and the web app: ingest inputs, extract without a store, resolve and export cases."""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import resolve
from .errors import Dropped, NotFound, StoreError
from .ingest import InputFailure, iter_captures
from .pipeline import Outcome, Pipeline
from .records import (
    Capture,
    CaseDecision,
    ClusterMember,
    DecisionKind,
    Document,
    MinhashIndex,
    SourcedIncident,
    SyndicationCluster,
    relevance_of,
)
from .settings import Settings

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) and the scanner load only on the paths that use them
    from .scan import Executor, ScanReport
    from .store import IncidentRef, SaveResult, Store, StoredCase, StoredDecision, StoredDocument

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
    from . import dedupe  # NumPy: only the paths that store documents load it

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
                _cluster_safely(store, item, outcome.document, saved, failures, index)
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
        _resolve_safely(store, failures)
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
    from . import dedupe  # NumPy and datasketch: only the paths that store documents load them

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
    from . import dedupe

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


def _cluster_safely(
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


def scan_paths(
    paths: Iterable[str],
    settings: Settings,
    *,
    store: Store | None = None,
    parquet: str | None = None,
    workers: int | None = None,
    dask: str | None = None,
    executor: Executor | None = None,
    on_plan: Callable[[int], None] | None = None,
    on_progress: Callable[[ScanReport, int], None] | None = None,
) -> ScanReport:
    """Scan crawl archives (WARC, WARC.gz, or scan-results Parquet) for relevant records.

    Relevant records go to ``store`` (clustered and resolved as ``ingest_paths``
    does; archives read to the end are checkpointed, so a rerun skips them) or,
    with ``parquet``, to that Parquet file. ``workers`` processes (default: all
    cores), or the Dask scheduler at ``dask`` ("local" starts a local cluster),
    or any ``executor`` given.
    """
    from .scan import scan
    from .scan_sinks import ParquetSink, StoreSink

    failures: list[tuple[str, str]] = []
    sink: StoreSink | ParquetSink
    if parquet is not None:
        sink = ParquetSink(parquet)
    elif store is not None:
        target = store
        sink = StoreSink(store, on_saved=lambda c, d, saved: _cluster_safely(target, c, d, saved, failures))
    else:
        raise ValueError("scan_paths needs a store or a Parquet path")
    try:
        with _scan_executor(dask, executor) as chosen:
            report = scan(
                paths, sink, settings, workers=workers, executor=chosen, on_plan=on_plan, on_progress=on_progress
            )
    finally:
        if isinstance(sink, ParquetSink):
            sink.close()
    if isinstance(sink, StoreSink) and sink.stored:
        _resolve_safely(sink.store, failures)
    stored, duplicate = sink.stored, getattr(sink, "duplicate", 0)
    return dataclasses.replace(report, stored=stored, duplicate=duplicate, failures=report.failures + tuple(failures))


@contextmanager
def _scan_executor(dask: str | None, executor: Executor | None) -> Iterator[Executor | None]:
    if dask is None:
        yield executor
        return
    from .scan_dask import dask_executor

    with dask_executor(dask) as executor:
        yield executor


def list_duplicates(store: Store) -> list[SyndicationCluster]:
    """The syndication clusters with copies, oldest first, each canonical page first."""
    return store.list_clusters(min_size=2)


def _resolve_safely(store: Store, failures: list[tuple[str, str]]) -> None:
    # New documents may join or split cases; the documents stay stored if rebuilding the cases fails.
    try:
        resolve_cases(store)
    except StoreError as exc:
        failures.append(("cases", exc.problem))
        logger.warning("%s", exc)


def resolve_cases(store: Store) -> list[StoredCase]:
    """Rebuild the cases from every stored incident and save them, earliest disclosed first.

    Machine links are computed anew (so new reports and re-extraction count);
    people's stored merges and splits are applied over them, so their work
    survives re-processing. Copies in one syndication cluster count as one
    independent source.
    """
    from .store import StoredCase

    items = store.list_sourced_incidents()
    decisions = _case_decisions(store.list_case_decisions(), items)
    found = resolve.resolve_incidents(items, clusters=store.document_clusters(), decisions=decisions)
    ids = store.replace_cases(found)
    return [StoredCase(case_id, case) for case_id, case in zip(ids, found, strict=True)]


def _case_decisions(stored: Iterable[StoredDecision], items: Iterable[SourcedIncident]) -> list[CaseDecision]:
    by_ref = {(item.document_id, item.index): item.key for item in items}

    def keys(refs: Iterable[IncidentRef]) -> tuple[str, ...]:
        return tuple(by_ref[(r.document_id, r.position)] for r in refs if (r.document_id, r.position) in by_ref)

    return [
        CaseDecision(d.kind, keys(d.incidents), keys(d.others), who=d.who, at=d.created_at, note=d.note) for d in stored
    ]


def decide_cases(
    store: Store,
    kind: DecisionKind,
    incident_ids: Iterable[int],
    others: Iterable[int] = (),
    *,
    who: str | None = None,
    note: str | None = None,
) -> list[StoredCase]:
    """Keep a person's merge or split of the incidents with these ids, then rebuild the cases.

    A merge puts ``incident_ids`` in one case. A split keeps them apart from
    ``others``; without ``others``, from the rest of the case(s) they are in now.

    Raises:
        NotFound: an id names no stored incident.
    """
    from .store import IncidentRef, StoredDecision

    items = {item.id: item for item in store.list_sourced_incidents()}
    chosen, apart = list(dict.fromkeys(incident_ids)), list(dict.fromkeys(others))
    for incident_id in (*chosen, *apart):
        if incident_id not in items:
            raise NotFound(f"incident {incident_id}", "no such incident in the store; see `redefection cases`")
    if kind == "split" and not apart:
        current = resolve_cases(store)
        apart = [
            m.item.id
            for found in current
            if any(m.item.id in chosen for m in found.case.incidents)
            for m in found.case.incidents
            if m.item.id is not None and m.item.id not in chosen
        ]

    def refs(ids: Iterable[int]) -> tuple[IncidentRef, ...]:
        return tuple(IncidentRef(items[i].document_id or 0, items[i].index, i) for i in ids)

    store.save_case_decision(StoredDecision(kind, refs(chosen), refs(apart), who=who, note=note))
    return resolve_cases(store)


@dataclass(frozen=True, slots=True)
class Export:
    """What ``export`` writes: the cases, every claim series, and the stored documents they come from."""

    cases: list[StoredCase]
    series: dict[resolve.SeriesKey, list[resolve.ClaimPoint]]
    documents: list[StoredDocument]
    clusters: dict[str, str]  # document source -> syndication cluster


def export_data(store: Store, page: int = 500) -> Export:
    """Everything an analyst export holds; the cases are rebuilt first, so the export matches the database."""
    cases = resolve_cases(store)
    clusters = store.document_clusters()
    series = resolve.claim_series(store.list_sourced_claims(), clusters)
    documents: list[StoredDocument] = []
    offset = 0
    while batch := store.list_documents(limit=page, offset=offset):
        offset += len(batch)
        # A possibly relevant document waits for an editor: neither it nor its facts are exported.
        documents.extend(d for d in batch if d.relevance != "possible")
    documents.sort(key=lambda d: d.id)
    return Export(cases, series, documents, clusters)


__all__ = [
    "Export",
    "IngestReport",
    "OnOutcome",
    "assign_syndication",
    "decide_cases",
    "export_data",
    "extract_paths",
    "ingest_captures",
    "ingest_paths",
    "list_duplicates",
    "resolve_cases",
    "scan_paths",
]
