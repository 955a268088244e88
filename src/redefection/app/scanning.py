"""Scanning: run the crawl scanner (``redefection.scan``) into the store or a Parquet file.

Used by `redefection scan`; stored records are clustered and the cases rebuilt as ``ingest`` does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..settings import Settings
from .cases import resolve_safely
from .syndication import cluster_safely

if TYPE_CHECKING:  # the store and the scanner load only when a scan runs
    from ..scan.tasks import Executor, ScanReport
    from ..store import Store


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
    from ..scan.sinks import ParquetSink, StoreSink
    from ..scan.tasks import scan

    failures: list[tuple[str, str]] = []
    sink: StoreSink | ParquetSink
    if parquet is not None:
        sink = ParquetSink(parquet)
    elif store is not None:
        target = store
        sink = StoreSink(
            store, on_saved=lambda c, d, saved, index: cluster_safely(target, c, d, saved, failures, index)
        )
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
        resolve_safely(sink.store, failures)
    stored, duplicate = sink.stored, getattr(sink, "duplicate", 0)
    return dataclasses.replace(report, stored=stored, duplicate=duplicate, failures=report.failures + tuple(failures))


@contextmanager
def _scan_executor(dask: str | None, executor: Executor | None) -> Iterator[Executor | None]:
    if dask is None:
        yield executor
        return
    from ..scan.dask_executor import dask_executor

    with dask_executor(dask) as executor:
        yield executor
