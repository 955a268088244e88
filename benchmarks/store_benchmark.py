#!/usr/bin/env python3
"""Storing documents: CPU milliseconds per document to save one and to put it into its syndication cluster.

    python benchmarks/store_benchmark.py [--shared ../shared] [--rounds 3] [--scratch-postgres URL]

Reads ../shared/corpus/dev/docs (prints a note and exits 0 when it is absent), runs every page through the
pipeline and computes its MinHash entry once, untimed, then in each round saves all documents into a fresh
SQLite store as ``redefection scan`` and ``ingest`` do (``save_document`` with the entry, then
``assign_syndication``), and saves them all again (every page an exact duplicate now). Prints the median
over the rounds of CPU ms per document for each step (the process's own CPU: SQLite runs in-process), the
wall ms beside it, and a digest of the stored clusters (pages, canonical first, roles, similarities and
differences) so two versions of the store can be checked to build the same ones. With --scratch-postgres,
the rounds run on that PostgreSQL database instead: ITS TABLES ARE DROPPED before each round (give a scratch
database); the CPU figure is then the client side only.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

Item = tuple[Any, Any, Any]  # capture, document, MinHash entry
STEPS = ("save", "cluster", "save again", "cluster again")


def load_items(docs: Path) -> list[Item]:
    from redefection import dedupe
    from redefection.ingest.files import read_capture
    from redefection.pipeline import Pipeline
    from redefection.settings import Settings

    pipeline = Pipeline(Settings())
    items: list[Item] = []
    for path in sorted(docs.iterdir()):
        capture = read_capture(path, 1 << 27)
        outcome = pipeline(capture)
        if outcome.document is not None:
            items.append((capture, outcome.document, dedupe.index_entry(outcome.document.text)))
    return items


def _drop_tables(url: str) -> None:
    from sqlalchemy import create_engine, text

    from redefection.store.tables import Base

    engine = create_engine(url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def _timed(totals: dict[str, list[float]], step: str, call: Callable[..., Any], *args: Any) -> Any:
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        return call(*args)
    finally:
        totals[step][0] += time.process_time() - cpu
        totals[step][1] += time.perf_counter() - wall


def one_round(items: Sequence[Item], url: str) -> tuple[dict[str, list[float]], str]:
    """Seconds [cpu, wall] per step over all items, and a digest of the clusters stored."""
    from redefection.app.syndication import assign_syndication, list_duplicates
    from redefection.store import open_store

    store = open_store(url)
    totals = {step: [0.0, 0.0] for step in STEPS}
    try:
        for suffix in ("", " again"):
            for capture, document, index in items:
                saved = _timed(totals, "save" + suffix, store.save_document, capture, document, index)
                _timed(totals, "cluster" + suffix, assign_syndication, store, capture, document, saved, index)
        clusters = [
            [(m.sources, m.role, m.similarity, m.differences) for m in cluster.members]  # canonical page first
            for cluster in list_duplicates(store)
        ]
        shape = repr((store.counts(), sorted(clusters)))
    finally:
        store.close()
    return totals, hashlib.sha256(shape.encode()).hexdigest()[:12]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scratch-postgres", metavar="URL", help="run on this PostgreSQL; its tables are dropped")
    args = parser.parse_args()
    docs = args.shared / "corpus" / "dev" / "docs"
    if not docs.is_dir():
        print(f"skipped: {docs} (the dev corpus) is not present")
        return 0
    items = load_items(docs)
    print(f"{len(items)} documents from {docs}; {args.rounds} rounds, medians, ms per document (CPU / wall)")
    rounds: list[dict[str, list[float]]] = []
    digests: set[str] = set()
    for _ in range(args.rounds):
        if args.scratch_postgres:
            _drop_tables(args.scratch_postgres)
            totals, digest = one_round(items, args.scratch_postgres)
        else:
            with tempfile.TemporaryDirectory() as folder:
                totals, digest = one_round(items, str(Path(folder) / "store.db"))
        rounds.append(totals)
        digests.add(digest)
    for step in STEPS:
        cpu = statistics.median(found[step][0] for found in rounds) * 1000 / len(items)
        wall = statistics.median(found[step][1] for found in rounds) * 1000 / len(items)
        print(f"  {step:<14} {cpu:6.2f} ms CPU  {wall:6.2f} ms wall")
    first = [sum(found[step][0] for step in ("save", "cluster")) * 1000 / len(items) for found in rounds]
    print(f"  save + cluster {statistics.median(first):6.2f} ms CPU (new documents)")
    print(f"  stored clusters digest: {', '.join(sorted(digests))}")
    return 0 if len(digests) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
