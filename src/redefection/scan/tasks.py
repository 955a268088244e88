"""Scan crawl archives: every record through the prefilter, only candidates through the pipeline.

Work is cut into tasks — one per archive, or byte ranges of about
``Settings.scan_chunk_bytes`` of a large local archive, each starting at a
record — and run by an *executor*: in this process, on a pool of worker
processes (one per core by default), or on a Dask cluster (``dask_executor.py``).
A task returns counts and the relevant (capture, document) pairs of its range;
the caller's process alone writes them to a ``ScanSink`` (the store, or a
Parquet file), and marks an archive finished once all its ranges are in, so a
rerun can skip it. Workers hold one record at a time and a bounded cache, so
memory does not grow with the archive.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Protocol

from ..errors import ConfigError, SourceError
from ..ingest import InputFailure, iter_paths
from ..ingest._warc_bounds import is_url, plan_ranges
from ..ingest.parquet import iter_parquet
from ..ingest.warc import ReadStats, iter_warc
from ..pipeline import Pipeline
from ..records import Capture, Document
from ..settings import Settings
from .prefilter import Engine, Prefilter, build_prefilter

logger = logging.getLogger(__name__)

ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".parquet")
# Identical payloads (one article fetched under several URLs) go through the pipeline once per
# worker; 4,096 digests and the few relevant documents among them stay well under 100 MB.
CACHE_SIZE = 4096
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class ScanTask:
    """One unit of work: the records of ``archive`` starting in ``[start, end)``."""

    archive: str  # absolute path, or URL as given
    start: int = 0
    end: int | None = None
    size: int | None = None  # bytes of the range (of the archive when not split), for progress


@dataclass(frozen=True, slots=True)
class Found:
    """A relevant record: its capture (with provenance) and its document."""

    capture: Capture
    document: Document


@dataclass(frozen=True, slots=True)
class TaskResult:
    """What one task saw and found."""

    task: ScanTask
    records: int = 0
    bytes: int = 0
    candidates: int = 0
    pipeline_runs: int = 0  # candidates minus those whose identical payload this worker had seen
    found: tuple[Found, ...] = ()
    failures: tuple[tuple[str, str, str], ...] = ()  # (source, stage, message)


@dataclass(frozen=True, slots=True)
class ScanReport:
    """Totals of one scan run."""

    records: int = 0
    bytes: int = 0
    candidates: int = 0
    relevant: int = 0
    seconds: float = 0.0
    pipeline_runs: int = 0
    archives: int = 0  # scanned in this run
    skipped: int = 0  # finished in an earlier run
    stored: int = 0  # relevant records new to the sink
    duplicate: int = 0  # relevant records the sink already had (same bytes or same text)
    failures: tuple[tuple[str, str], ...] = ()  # (source, message)

    def summary(self) -> dict[str, int | float]:
        """The ``--json`` line."""
        return {
            "records": self.records,
            "bytes": self.bytes,
            "candidates": self.candidates,
            "relevant": self.relevant,
            "seconds": round(self.seconds, 3),
        }


class ScanSink(Protocol):
    """Where a scan's results go; only the process that runs ``scan`` calls it."""

    def is_finished(self, archive: str) -> bool:
        """Whether an earlier run scanned ``archive`` to the end."""
        ...

    def add(self, found: Found) -> None:
        """Keep a relevant record."""
        ...

    def fail(self, source: str, stage: str, message: str) -> None:
        """Keep a failure (damaged archive, a stage that raised)."""
        ...

    def finish(self, archive: str, size: int | None, totals: ScanReport) -> None:
        """Mark ``archive`` (of ``size`` bytes) scanned to the end; ``totals`` holds what it held."""
        ...


Executor = Callable[[Sequence[ScanTask], Settings], Iterator[TaskResult]]
OnProgress = Callable[[ScanReport, int], None]  # running totals, archive bytes done


def list_archives(paths: Iterable[str]) -> Iterator[str | InputFailure]:
    """Archives named by ``paths``: URLs (glob patterns expanded), local files, and archives inside local folders."""
    for raw in paths:
        if is_url(raw):
            yield from _expand(raw)
            continue
        if Path(raw).is_dir():
            for item in iter_paths([raw]):
                if isinstance(item, InputFailure) or item.name.endswith(ARCHIVE_SUFFIXES):
                    yield item if isinstance(item, InputFailure) else os.path.abspath(item)
            continue
        path = raw[len("file://") :] if raw.startswith("file://") else raw
        if not os.path.exists(path):
            yield InputFailure(raw, SourceError(raw, "no such archive"))
        else:
            yield os.path.abspath(path)


def _expand(url: str) -> Iterator[str | InputFailure]:
    """A URL as given, or every object a glob URL (``s3://bucket/CC-NEWS-2024*.warc.gz``) matches."""
    if not any(c in url for c in "*?["):
        yield url
        return
    try:
        import fsspec

        fs, _ = fsspec.core.url_to_fs(url)
        matches = sorted(fs.glob(url))
    except (ImportError, OSError, ValueError) as exc:
        yield InputFailure(url, SourceError(url, f"cannot list the archives: {exc}"))
        return
    if not matches:
        yield InputFailure(url, SourceError(url, "no archive matches this pattern"))
    for match in matches:
        yield fs.unstrip_protocol(match)


def plan(archives: Iterable[str], chunk_bytes: int) -> Iterator[ScanTask | InputFailure]:
    """Tasks for ``archives``: byte ranges of large local archives, one task for anything else."""
    for archive in archives:
        if archive.endswith(".parquet") or is_url(archive):
            yield ScanTask(archive)  # remote archives are spread by file: seeking over a network is slow
            continue
        try:
            size, ranges = plan_ranges(archive, chunk_bytes)
        except SourceError as exc:
            yield InputFailure(archive, exc)
            continue
        for start, end in ranges:
            stop = size if end is None else end
            yield ScanTask(archive, start, end, None if stop is None else stop - start)


class Seen:
    """Documents of payloads this process already ran through the pipeline: (sha256, type) -> relevant document.

    Bounded, least recently used out first; locked, since Dask may run tasks on threads.
    """

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str | None], Document | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str | None]) -> tuple[bool, Document | None]:
        with self._lock:
            if key not in self._items:
                return False, None
            self._items.move_to_end(key)
            return True, self._items[key]

    def put(self, key: tuple[str, str | None], document: Document | None) -> None:
        with self._lock:
            self._items[key] = document
            if len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# Up to this many archive bytes, ``auto`` takes pyahocorasick: building hyperscan's automata costs about
# 0.44 s of CPU, pyahocorasick's 0.01 s, and pyahocorasick reads about 14 MB/s of records (gzip archives hold
# about 5 bytes of records per byte), so it finishes half a megabyte of archive in about 0.2 s. Both pass the
# same records (tests/test_prefilter.py).
SMALL_SCAN_BYTES = 1 << 19


def engine_for(settings: Settings, tasks: Sequence[ScanTask]) -> Settings:
    """``settings`` for a scan of ``tasks``: the ``auto`` prefilter engine of a small scan is pyahocorasick."""
    sizes = [task.size for task in tasks]
    if settings.prefilter_engine != "auto" or None in sizes or sum(s or 0 for s in sizes) > SMALL_SCAN_BYTES:
        return settings
    return dataclasses.replace(settings, prefilter_engine="ahocorasick")


@lru_cache(maxsize=2)
def _worker(settings: Settings) -> tuple[Pipeline, Prefilter, Seen]:
    return Pipeline(settings, relevant_only=True), build_prefilter(_engine(settings.prefilter_engine)), Seen()


def _engine(name: str) -> Engine:
    if name not in ("auto", "hyperscan", "ahocorasick"):
        raise ConfigError("prefilter_engine", f"unknown engine {name!r}; use auto, hyperscan or ahocorasick")
    return name  # type: ignore[return-value]


def scan_task(task: ScanTask, settings: Settings) -> TaskResult:
    """Read one task's records, prefilter them, run the pipeline on candidates; runs in any process."""
    pipeline, prefilter, seen = _worker(settings)
    stats = ReadStats()
    found: list[Found] = []
    failures: list[tuple[str, str, str]] = []
    candidates = runs = 0
    if task.archive.endswith(".parquet"):
        items: Iterator[Capture | InputFailure] = iter_parquet(task.archive, stats=stats)
    else:
        items = iter_warc(
            task.archive, task.start, task.end, keep=prefilter, stats=stats, max_bytes=settings.max_input_bytes
        )
    try:
        for item in items:
            if isinstance(item, InputFailure):
                failures.append((item.source, "ingest", item.error.problem))
                continue
            candidates += 1
            key = (item.sha256, item.content_type)
            known, cached = seen.get(key)
            if known:
                if cached is not None:
                    found.append(Found(item, _rename(cached, item)))
                continue
            runs += 1
            outcome = pipeline(item)
            document = outcome.document if outcome.document is not None and outcome.document.relevant else None
            seen.put(key, document)
            if document is not None:
                found.append(Found(item, document))
            elif outcome.error is not None:
                failures.append((item.source, outcome.stage or "", outcome.error.problem))
    except SourceError as exc:
        failures.append((task.archive, "ingest", exc.problem))
    return TaskResult(task, stats.records, stats.bytes, candidates, runs, tuple(found), tuple(failures))


def _rename(document: Document, capture: Capture) -> Document:
    """The cached document of identical bytes, as if cleaned from ``capture``."""
    return dataclasses.replace(document, id=capture.name, source=capture.source, uri=capture.uri)


def run_serial(tasks: Sequence[ScanTask], settings: Settings) -> Iterator[TaskResult]:
    """Run the tasks one after the other in this process."""
    for task in tasks:
        yield scan_task(task, settings)


def run_processes(workers: int) -> Executor:
    """An executor running tasks on ``workers`` processes, results in completion order."""

    def run(tasks: Sequence[ScanTask], settings: Settings) -> Iterator[TaskResult]:
        # fork shares the parent's loaded models and compiled prefilter; spawn elsewhere (macOS, Windows).
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        with multiprocessing.get_context(method).Pool(workers) as pool:
            yield from pool.imap_unordered(partial(scan_task, settings=settings), tasks, chunksize=1)

    return run


# One small page per language with lexicons: running them compiles every pattern and loads the models.
WARM_UP_PAGES = (
    "<title>Defector returns</title><p>A defector who had settled in the South in 2019 went back to North Korea "
    "last week, the ministry said on Monday. He was 24.</p>",
    "<title>탈북민 재입북</title><p>2019년 남한에 정착한 탈북민 김모(24)씨가 지난주 북한으로 돌아갔다고 "
    "통일부가 밝혔다.</p>",
    "<title>脱北者返回朝鲜</title><p>韩国统一部表示，一名2019年来到韩国的脱北者上周返回朝鲜，现年24岁。</p>",
)


def warm_up(settings: Settings) -> None:
    """Build the prefilter and the pipeline, load language models, compile lexicons: once per process.

    ``scan`` calls it before forking workers, which then share all of it; a
    serial scan pays it lazily. About a second or two, whatever the archive.
    """
    from ..extract.warm import LEXICON_LANGUAGES, prepare
    from ..relevance import prepare as prepare_relevance

    pipeline, _, _ = _worker(settings)
    for page in WARM_UP_PAGES:
        pipeline(Capture(source="warm-up.html", data=f"<html><body>{page}</body></html>".encode(), content_type=HTML))
    for language in LEXICON_LANGUAGES:  # every table, not only those the pages above happened to need
        prepare_relevance(language)
        prepare(language)


def scan(
    paths: Iterable[str],
    sink: ScanSink,
    settings: Settings,
    *,
    workers: int | None = None,
    executor: Executor | None = None,
    on_progress: OnProgress | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> ScanReport:
    """Scan the archives under ``paths`` into ``sink``, skipping archives it has finished.

    ``workers`` processes (default: one per core) unless ``executor`` is
    given; ``on_plan`` gets the total archive bytes to scan when the scan
    starts, ``on_progress`` the running totals and bytes done after each task.
    """
    started = time.perf_counter()
    failures: list[tuple[str, str]] = []
    archives: list[str] = []
    skipped = 0
    for item in list_archives(paths):
        if isinstance(item, InputFailure):
            failures.append((item.source, item.error.problem))
            sink.fail(item.source, "ingest", item.error.problem)
        elif sink.is_finished(item):
            skipped += 1
        elif item not in archives:
            archives.append(item)
    tasks: list[ScanTask] = []
    for task in plan(archives, settings.scan_chunk_bytes):
        if isinstance(task, InputFailure):
            failures.append((task.source, task.error.problem))
            sink.fail(task.source, "ingest", task.error.problem)
        else:
            tasks.append(task)
    workers = workers or os.cpu_count() or 1
    settings = engine_for(settings, tasks)
    _worker(settings)[2].clear()  # workers forked below start with an empty cache too
    if executor is None:
        executor = run_serial if workers == 1 or len(tasks) <= 1 else run_processes(min(workers, len(tasks)))
        if executor is not run_serial:
            warm_up(settings)
    if on_plan is not None:
        on_plan(sum(task.size or 0 for task in tasks))
    parts = Counter(task.archive for task in tasks)
    sizes = {archive: sum(t.size or 0 for t in tasks if t.archive == archive) or None for archive in parts}
    totals = {archive: ScanReport() for archive in parts}
    report = ScanReport(skipped=skipped, archives=len(parts), failures=tuple(failures))
    done_bytes = 0
    for result in executor(tasks, settings):
        for found in result.found:
            sink.add(found)
        for source, stage, message in result.failures:
            sink.fail(source, stage, message)
        report = _add(report, result, started)
        archive = result.task.archive
        totals[archive] = _add(totals[archive], result, started)
        parts[archive] -= 1
        if parts[archive] == 0:
            sink.finish(archive, sizes[archive], totals.pop(archive))
        done_bytes += result.task.size or 0
        if on_progress is not None:
            on_progress(report, done_bytes)
    return dataclasses.replace(report, seconds=time.perf_counter() - started)


def _add(report: ScanReport, result: TaskResult, started: float) -> ScanReport:
    return dataclasses.replace(
        report,
        records=report.records + result.records,
        bytes=report.bytes + result.bytes,
        candidates=report.candidates + result.candidates,
        relevant=report.relevant + len(result.found),
        pipeline_runs=report.pipeline_runs + result.pipeline_runs,
        seconds=time.perf_counter() - started,
        failures=report.failures + tuple((source, message) for source, _, message in result.failures),
    )


__all__ = [
    "Executor",
    "Found",
    "ScanReport",
    "ScanSink",
    "ScanTask",
    "TaskResult",
    "list_archives",
    "plan",
    "run_processes",
    "run_serial",
    "scan",
    "scan_task",
    "warm_up",
]
