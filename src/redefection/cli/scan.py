"""The ``scan`` command: crawl archives -> relevant records in the store (or Parquet), with a live progress line.

Kept apart from ``commands.py`` because its progress display (records, MB/s,
candidates, relevant) is its own; ``commands.py`` registers it on the group.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import RedefectionError
from ..settings import Settings
from .tables import error_console, print_error

if TYPE_CHECKING:  # the scan machinery loads only when the command runs: `--help` stays fast
    from ..scan.tasks import ScanReport

err = error_console()

Hooks = tuple[Callable[[int], None] | None, Callable[["ScanReport", int], None] | None]


@contextmanager
def _progress(enabled: bool) -> Iterator[Hooks]:
    if not enabled:
        yield None, None
        return
    columns = (
        TextColumn("scan"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[note]}"),
    )
    started = [time.perf_counter()]
    # No refresh thread: worker processes fork during the scan, and a thread holding stderr's lock at
    # that moment would leave the children's stderr locked. Updates come after each task instead.
    with Progress(*columns, console=err, transient=False, auto_refresh=False) as progress:
        task = progress.add_task("scan", total=None, note="")

        def on_plan(total: int) -> None:
            started[0] = time.perf_counter()  # MB/s of the scan itself, not of loading models
            progress.update(task, total=total or None)
            progress.refresh()

        def on_progress(report: ScanReport, done: int) -> None:
            rate = report.bytes / max(time.perf_counter() - started[0], 1e-9) / 1e6
            note = (
                f"{report.records:,} records  {rate:,.0f} MB/s  "
                f"{report.candidates:,} candidates  {report.relevant:,} relevant"
            )
            progress.update(task, completed=done, note=note)
            progress.refresh()

        yield on_plan, on_progress


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", "db_url", help="Database: SQLAlchemy URL or SQLite file path [default: redefection.db].")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes [default: one per core].")
@click.option(
    "--json", "as_json", is_flag=True, help="End with one JSON line: records, bytes, candidates, relevant, seconds."
)
@click.option(
    "--parquet", metavar="OUT", help="Write relevant records to this Parquet file (path or URL), not the database."
)
@click.option("--dask", metavar="ADDRESS", help="Run on the Dask scheduler at ADDRESS (tcp://host:8786), or 'local'.")
@click.pass_context
def scan(
    ctx: click.Context,
    paths: tuple[str, ...],
    db_url: str | None,
    workers: int | None,
    as_json: bool,
    parquet: str | None,
    dask: str | None,
) -> None:
    """Scan crawl archives for relevant records: WARC or WARC.gz files, folders of them, or URLs (s3://, https://).

    A byte-level prefilter picks the records worth reading; only those go
    through clean, relevance and extract, and relevant ones are stored with
    their provenance (archive, record id, offset, URL, capture date). Archives
    read to the end are checkpointed: a rerun skips them. A Parquet file from
    --parquet is itself an input: `scan OUT.parquet --db URL` stores its records.
    """
    from ..app.scanning import scan_paths
    from ..store import Store, open_store

    settings: Settings = ctx.obj["settings"]
    store: Store | None = None
    try:
        if parquet is None:
            store = open_store(db_url or settings.db_url)
        with _progress(err.is_terminal and not as_json) as (on_plan, on_progress):
            report = scan_paths(
                paths,
                settings,
                store=store,
                parquet=parquet,
                workers=workers,
                dask=dask,
                on_plan=on_plan,
                on_progress=on_progress,
            )
    except RedefectionError as exc:
        print_error(err, str(exc))
        ctx.exit(2)
    finally:
        if store is not None:
            store.close()
    for source, message in report.failures:
        text = message if message.startswith(source) else f"{source}: {message}"
        print_error(err, text)
    skipped = f", {report.skipped} archives skipped (finished before)" if report.skipped else ""
    err.print(
        f"{report.records:,} records, {report.candidates:,} candidates, {report.relevant:,} relevant: "
        f"{report.stored} stored, {report.duplicate} duplicate, {len(report.failures)} failed{skipped}"
    )
    if as_json:
        sys.stdout.write(json.dumps(report.summary()) + "\n")
    ctx.exit(1 if report.failures else 0)


__all__ = ["scan"]
