#!/usr/bin/env python3
"""Crawl-scan speed: raw WARC iteration vs our scan (1 and 2 workers) vs trafilatura on every record.

    python benchmarks/scan_benchmark.py [--shared ../shared] [--size-mb 2048] [--check]

Builds (once, cached in the temp folder) a per-record gzip WARC of at least
--size-mb MB of records from ../shared/bench article pages, our fixtures, the
sample pages and the dev corpus, repeated with new URLs; the pages the full
pipeline judges relevant are mixed in once each, spread through the archive,
and are the known set the scan must find. Then prints, in one run: the
prefilter's losses on the dev corpus wrapped into WARC records (must be 0),
hyperscan vs pyahocorasick, raw FastWARC iteration, our scan with 1 and 2
workers (each in a fresh process, best of --runs; the one-off model load is
timed apart), peak RSS on the archive and on one a quarter its size, and the
naive baseline (trafilatura on every record, timed on a slice and
extrapolated). Prints a note and exits 0 when ../shared is absent. With
--check, exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD_VERSION = 2  # bump when the archive layout changes: cached archives are rebuilt


def content_type(path: Path) -> str:
    return "text/plain" if path.name.endswith((".txt", ".txt.gz")) else "text/html"


def read_page(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def warc_record(uri: str, payload: bytes, ctype: str, record_id: str, date: str) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" % (ctype.encode(), len(payload))
    block = http + payload
    head = (
        f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: {record_id}\r\nWARC-Date: {date}\r\n"
        f"WARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def inputs(shared: Path) -> list[Path]:
    bench = sorted((shared / "bench" / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    ours = sorted((ROOT / "tests" / "data").glob("*.*")) + sorted((ROOT / "examples" / "sample").glob("*.*"))
    return bench + ours + sorted((shared / "corpus" / "dev" / "docs").glob("*.*"))


def judge(pages: list[Path]) -> dict[Path, bool]:
    """Whether the full pipeline finds each page relevant, as a capture with the archive's content type."""
    from redefection.pipeline import Pipeline
    from redefection.records import Capture
    from redefection.settings import Settings

    pipeline = Pipeline(Settings())
    verdicts = {}
    for path in pages:
        outcome = pipeline(Capture(source=path.name, data=read_page(path), content_type=content_type(path)))
        verdicts[path] = bool(outcome.document is not None and outcome.document.relevant)
    return verdicts


def build(target: Path, pages: list[Path], relevant: set[Path], size: int) -> dict[str, Any]:
    """Write the archive; return its facts (records, bytes, the known relevant record sources)."""
    rng = random.Random(7)
    filler = [p for p in pages if p not in relevant]
    mixed = sorted(relevant)  # once each, spread evenly; text dumps go in as text/plain, which the scan skips
    payloads = {p: read_page(p) for p in pages}
    per_round = sum(len(payloads[p]) for p in filler)
    rounds = max(1, -(-size // per_round))
    slots: dict[int, list[Path]] = {}
    for i, path in enumerate(mixed):
        slots.setdefault(int((i + 0.5) * rounds / len(mixed)), []).append(path)
    known: list[str] = []
    records = total = 0
    tmp = target.with_suffix(".tmp")
    with tmp.open("wb") as out:
        for r in range(rounds):
            order = filler[:]
            rng.shuffle(order)
            for path in order + slots.get(r, []):
                records += 1
                record_id = f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{r}/{records}')}>"
                uri = f"https://news{r}.example/{path.name.split('.')[0]}/{records}"
                raw = warc_record(uri, payloads[path], content_type(path), record_id, "2024-05-01T12:00:00Z")
                if path in relevant and content_type(path) == "text/html":
                    known.append(f"{target}#{record_id}@{out.tell()}")
                total += len(raw)
                out.write(gzip.compress(raw, compresslevel=6))
    tmp.rename(target)
    return {"records": records, "bytes": total, "known": known}


def archive(workdir: Path, shared: Path, size_mb: int) -> tuple[Path, dict[str, Any]]:
    pages = inputs(shared)
    digest = hashlib.sha256(repr([BUILD_VERSION, size_mb, [(p.name, p.stat().st_size) for p in pages]]).encode())
    target = workdir / f"scan-bench-{size_mb}mb-{digest.hexdigest()[:10]}.warc.gz"
    facts_path = target.with_suffix(".json")
    if target.exists() and facts_path.exists():
        return target, json.loads(facts_path.read_text())
    verdicts = judge([p for p in pages if "article-extraction-benchmark" not in str(p)])
    relevant = {p for p, is_relevant in verdicts.items() if is_relevant}
    print(f"building {target.name} ({size_mb} MB of records)...", file=sys.stderr)
    facts = build(target, pages, relevant, size_mb * 1_000_000)
    facts_path.write_text(json.dumps(facts))
    return target, facts


def prefilter_losses(shared: Path) -> tuple[int, int]:
    """(relevant, missed) over the dev corpus, samples and fixtures wrapped into WARC records."""
    import io

    from fastwarc.warc import ArchiveIterator, WarcRecordType

    from redefection.pipeline import Pipeline
    from redefection.records import Capture
    from redefection.scan.prefilter import build_prefilter
    from redefection.settings import Settings

    pages = [p for p in inputs(shared) if "article-extraction-benchmark" not in str(p)]
    buffer = b"".join(
        warc_record(
            f"https://dev.example/{p.name}", read_page(p), content_type(p), f"<urn:x:{i}>", "2024-05-01T00:00:00Z"
        )
        for i, p in enumerate(pages)
    )
    pipeline, prefilter = Pipeline(Settings()), build_prefilter()
    relevant = missed = 0
    for record in ArchiveIterator(io.BytesIO(buffer), record_types=WarcRecordType.response):
        payload, ctype = record.reader.read(), record.http_headers.get("Content-Type")
        outcome = pipeline(
            Capture(source=record.headers.get("WARC-Target-URI") or "", data=payload, content_type=ctype)
        )
        if outcome.document is not None and outcome.document.relevant:
            relevant += 1
            missed += not prefilter(payload)
    return relevant, missed


def payloads(path: Path, limit: int) -> list[bytes]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    out, size = [], 0
    for record in ArchiveIterator(str(path), record_types=WarcRecordType.response):
        if size >= limit:
            break
        out.append(record.reader.read())
        size += len(out[-1])
    return out


def engines(path: Path) -> list[tuple[str, float, int]]:
    from redefection.scan.prefilter import build_prefilter

    sample = payloads(path, 50_000_000)
    rows = []
    for name in ("hyperscan", "ahocorasick"):
        prefilter = build_prefilter(name)  # type: ignore[arg-type]
        start = time.perf_counter()
        passed = sum(prefilter(p) for p in sample)
        rows.append((name, sum(map(len, sample)) / (time.perf_counter() - start) / 1e6, passed))
    return rows


def raw_iteration(path: Path, runs: int, clock: Any = time.perf_counter) -> float:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    best = float("inf")
    for _ in range(runs):
        start = clock()
        for record in ArchiveIterator(str(path), record_types=WarcRecordType.response):
            record.reader.read()
        best = min(best, clock() - start)
    return best


def _raw_range(job: tuple[str, int, int | None]) -> None:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    path, start, end = job
    with open(path, "rb") as handle:
        handle.seek(start)
        for record in ArchiveIterator(handle, record_types=WarcRecordType.response):
            if end is not None and record.stream_pos >= end:
                break
            record.reader.read()


def raw_parallel(path: Path, runs: int) -> float:
    """Raw iteration of the two halves of the archive in two processes: what this machine's cores allow."""
    import multiprocessing

    from redefection.ingest._warc_bounds import plan_ranges

    _, ranges = plan_ranges(str(path), path.stat().st_size // 2 + 1)
    jobs = [(str(path), start, end) for start, end in ranges]
    best = float("inf")
    with multiprocessing.get_context("fork").Pool(2) as pool:
        for _ in range(runs):
            start = time.perf_counter()
            pool.map(_raw_range, jobs, chunksize=1)
            best = min(best, time.perf_counter() - start)
    return best


def naive(path: Path, limit: int) -> tuple[float, int, int]:
    """(seconds, bytes, records) of trafilatura.extract on every HTML record of the first ``limit`` bytes."""
    import trafilatura

    sample = payloads(path, limit)
    start = time.perf_counter()
    for payload in sample:
        trafilatura.extract(payload)
    return time.perf_counter() - start, sum(map(len, sample)), len(sample)


@dataclass(frozen=True)
class ScanRun:
    """One scan in a fresh process."""

    seconds: float
    cpu: float  # CPU seconds of the scanning process (its workers' not included)
    warm: float  # the one-off load of models and lexicons, before the timed scan
    pipeline_runs: int
    found: frozenset[str]  # sources of the relevant records stored
    rss_mb: float  # peak of the scanning process
    worker_rss_mb: float  # peak of the largest worker process (0 with 1 worker: it scans in-process)


def child(args: argparse.Namespace) -> None:
    """One scan in a fresh process: warm up, scan into a new SQLite file, report time, found sources, RSS."""
    from redefection.app.scanning import scan_paths
    from redefection.scan.tasks import warm_up
    from redefection.settings import Settings
    from redefection.store import open_store

    settings = Settings()
    start = time.perf_counter()
    warm_up(settings)
    warm = time.perf_counter() - start
    store = open_store(args.db)
    cpu = time.process_time()
    report = scan_paths([args.child], settings, store=store, workers=args.workers)
    cpu = time.process_time() - cpu
    store.close()
    with sqlite3.connect(args.db) as db:
        found = sorted(row[0] for row in db.execute("SELECT source FROM capture_sources"))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 if args.workers > 1 else 0.0
    print(json.dumps([report.seconds, cpu, warm, report.pipeline_runs, found, rss, workers]))


def run_child(path: Path, workers: int, workdir: Path) -> ScanRun:
    db = workdir / f"scan-{workers}w-{time.time_ns()}.db"
    cmd = [sys.executable, __file__, "--child", str(path), "--workers", str(workers), "--db", str(db)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    seconds, cpu, warm, runs, found, rss, worker_rss = json.loads(out.strip().splitlines()[-1])
    return ScanRun(seconds, cpu, warm, runs, frozenset(found), rss, worker_rss)


def row(label: str, seconds: float, size: int, records: int, note: str = "") -> str:
    return f"{label:36s}{seconds:9.2f}{size / seconds / 1e6:9,.1f}{records / seconds:11,.0f}   {note}"


def report(args: argparse.Namespace) -> bool:
    """Build, measure, print; whether every target is met."""
    big, facts = archive(args.workdir, args.shared, args.size_mb)
    small, small_facts = archive(args.workdir, args.shared, max(64, args.size_mb // 4))
    size, records, known = int(facts["bytes"]), int(facts["records"]), set(facts["known"])
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work on the machine skews speedups)")
    print(f"archive {big.name}: {records:,} records, {size / 1e6:,.0f} MB of records, "
          f"{big.stat().st_size / 1e6:,.0f} MB gzip; {len(known)} known relevant records")  # fmt: skip
    relevant, missed = prefilter_losses(args.shared)
    print(f"prefilter on the dev corpus, samples and fixtures as WARC records: {relevant} relevant, {missed} missed")
    for name, rate, passed in engines(big):
        print(f"prefilter engine {name:12s} {rate:8,.0f} MB/s  ({passed} candidates in the first 50 MB)")
    runs: dict[int, list[ScanRun]] = {1: [], 2: []}
    raw, raw_two, raw_cpu = float("inf"), float("inf"), float("inf")
    for _ in range(args.runs):  # interleaved, so a change in machine load touches every figure alike
        raw = min(raw, raw_iteration(big, 1))
        raw_cpu = min(raw_cpu, raw_iteration(big, 1, time.process_time))
        raw_two = min(raw_two, raw_parallel(big, 1))
        for workers in runs:
            runs[workers].append(run_child(big, workers, args.workdir))
    one, two = (min(runs[w], key=lambda r: r.seconds) for w in (1, 2))
    small_run = run_child(small, 1, args.workdir)
    naive_seconds, naive_bytes, naive_records = naive(big, args.naive_mb * 1_000_000)
    naive_total = naive_seconds * size / naive_bytes
    print(f"\n{'':36s}{'seconds':>9s}{'MB/s':>9s}{'records/s':>11s}   relevant records found")
    print(row("raw iteration (FastWARC, read all)", raw, size, records))
    ceiling = f"this machine's 2-process ceiling: {raw / raw_two:.2f}x"
    print(row("raw iteration, 2 processes", raw_two, size, records, ceiling))
    for label, run in (("scan, 1 worker", one), ("scan, 2 workers", two)):
        note = f"{len(run.found & known)} of {len(known)} (+{len(run.found - known)} others)"
        print(row(label, run.seconds, size, records, f"{note}; {run.pipeline_runs} pipeline runs"))
    note = f"timed on the first {naive_records} records ({naive_bytes / 1e6:.0f} MB), extrapolated"
    print(row("naive: trafilatura on every record", naive_total, size, records, note))
    print(f"(best of {args.runs} runs each; the one-off load of models and lexicons, {one.warm:.1f} s, is not timed)")
    one_cpu = min(run.cpu for run in runs[1])
    print(
        f"by CPU time, steady on a shared machine: raw iteration {raw_cpu:.2f} s, scan with 1 worker {one_cpu:.2f} s: "
        f"{raw_cpu / one_cpu:.2f}x raw iteration's speed"
    )
    print(f"\npeak RSS, 1 worker: {one.rss_mb:.0f} MB on {size / 1e6:,.0f} MB of records, {small_run.rss_mb:.0f} MB on "
          f"{int(small_facts['bytes']) / 1e6:,.0f} MB; 2 workers: {two.rss_mb:.0f} MB parent, "
          f"{two.worker_rss_mb:.0f} MB largest worker")  # fmt: skip
    checks = {
        f"1 worker / raw iteration speed = {raw / one.seconds:.2f} (>= 0.6)": raw / one.seconds >= 0.6,
        f"1 worker / naive speed = {naive_total / one.seconds:.0f}x (>= 20x)": naive_total / one.seconds >= 20,
        f"2 workers / 1 worker speed = {one.seconds / two.seconds:.2f}x (>= 1.8x)": one.seconds / two.seconds >= 1.8,
        "every known relevant record found, 1 and 2 workers": known <= one.found and known <= two.found,
        "prefilter lost no relevant dev document": missed == 0,
        "peak RSS within 10% on a 4x smaller archive": one.rss_mb <= 1.1 * small_run.rss_mb,
    }
    print()
    for label, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    return all(checks.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--size-mb", type=int, default=2048, help="records in the archive, MB [2048]")
    parser.add_argument("--naive-mb", type=int, default=60, help="slice the naive baseline is timed on, MB [60]")
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs per speed figure [3]")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "redefection-scan-bench")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return 0
    if not (args.shared / "bench").is_dir() or not (args.shared / "corpus" / "dev").is_dir():
        print(f"skipped: no benchmark data at {args.shared} (needs bench/ and corpus/dev/)")
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    met = report(args)
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
