"""Command line: parse, call one service, print. Exit 0 all good, 1 some inputs failed, 2 usage error."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .errors import RedefectionError
from .ingest import iter_paths
from .pipeline import Outcome
from .serialize import document_to_json
from .settings import Settings, load_settings

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def _settings(ctx: click.Context) -> Settings:
    settings: Settings = ctx.obj["settings"]
    return settings


def _count_inputs(paths: Sequence[str]) -> int:
    return sum(1 for _ in iter_paths(paths))


@contextmanager
def _progress(total: int, label: str, enabled: bool) -> Iterator[Any]:
    if not enabled:
        yield None
        return
    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[note]}"),
    )
    with Progress(*columns, console=err, transient=False) as progress:
        yield (progress, progress.add_task(label, total=total, note=""))


def _advance(bar: Any, note: str) -> None:
    if bar is not None:
        progress, task = bar
        progress.update(task, advance=1, note=note)


def _report_failures(failures: Sequence[tuple[str, str]]) -> None:
    for source, message in failures:
        text = message if message.startswith(source) else f"{source}: {message}"
        err.print(f"[red]error[/red] {text}", markup=True, soft_wrap=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="redefection")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="Settings file (TOML).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, verbose: int) -> None:
    """Track reports of North Korean defectors who return to the North.

    Clean captured news pages, extract what they report with evidence, and keep
    it in a reviewable store.
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if verbose < 2:  # trafilatura warns about every page it finds empty; our summary already says so
        logging.getLogger("trafilatura").setLevel(logging.ERROR)
    try:
        ctx.obj = {"settings": load_settings(config)}
    except RedefectionError as exc:
        raise click.UsageError(str(exc)) from exc


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Write DIR/<name>.json per input."
)
@click.option("--strict", is_flag=True, help="Stop at the first failing input and show the traceback.")
@click.pass_context
def extract(ctx: click.Context, paths: tuple[str, ...], out_dir: Path | None, strict: bool) -> None:
    """Clean and extract PATHS (files or folders) into the corpus JSON shape.

    Without --out, one JSON object per line goes to standard output.
    """
    from .services import extract_paths

    settings = _settings(ctx)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    written: set[str] = set()
    failures: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    done = 0
    show_bar = out_dir is not None and err.is_terminal
    with _progress(_count_inputs(paths) if show_bar else 0, "extract", show_bar) as bar:
        for outcome in extract_paths(paths, settings, strict=strict):
            done += 1
            if outcome.dropped is not None:
                skipped.append((outcome.source, str(outcome.dropped.detail or outcome.dropped.reason)))
                _advance(bar, "skipped")
                continue
            if outcome.document is None:
                failures.append((outcome.source, _message(outcome)))
                _advance(bar, "failed")
                continue
            data = document_to_json(outcome.document)
            if out_dir is None:
                sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
            else:
                name = _unique_name(outcome.document.id, written)
                (out_dir / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
            _advance(bar, "")
    for source, reason in skipped:
        err.print(f"skipped {source}: {reason}", soft_wrap=True)
    _report_failures(failures)
    if out_dir is not None or failures or skipped:
        extracted = done - len(failures) - len(skipped)
        err.print(f"{extracted} extracted, {len(skipped)} skipped, {len(failures)} failed")
    ctx.exit(1 if failures else 0)


def _unique_name(stem: str, written: set[str]) -> str:
    name, n = stem, 1
    while name in written:
        n += 1
        name = f"{stem}-{n}"
    written.add(name)
    return name


def _message(outcome: Outcome) -> str:
    return str(outcome.error) if outcome.error is not None else "no document"


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", "db_url", help="Database: SQLAlchemy URL or SQLite file path [default: redefection.db].")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], db_url: str | None) -> None:
    """Clean PATHS (files or folders) and store them; the same content twice is stored once."""
    from .services import ingest_paths
    from .store import open_store

    settings = _settings(ctx)
    try:
        store = open_store(db_url or settings.db_url)
    except RedefectionError as exc:
        err.print(f"[red]error[/red] {exc}", markup=True)
        ctx.exit(2)
    show_bar = err.is_terminal
    try:
        with _progress(_count_inputs(paths) if show_bar else 0, "ingest", show_bar) as bar:
            report = ingest_paths(paths, store, settings, on_outcome=lambda *_: _advance(bar, ""))
        _report_failures(report.failures)
        err.print(
            f"{report.stored} stored, {report.duplicate} duplicate, {report.dropped} dropped, {report.failed} failed"
        )
        _print_documents(store)
    finally:
        store.close()
    ctx.exit(1 if report.failed else 0)


def _print_documents(store: Any, limit: int = 20) -> None:
    documents = store.list_documents(limit=limit)
    if not documents:
        return
    table = Table(title=f"Stored documents (latest {min(limit, len(documents))} of {store.counts()['documents']})")
    for column in ("id", "lang", "published", "outlet", "title"):
        table.add_column(column, overflow="fold")
    for item in documents:
        table.add_row(
            str(item.id),
            item.language or "",
            item.published.isoformat() if item.published else "",
            item.outlet or "",
            item.title or "",
        )
    out.print(table)


@cli.command()
@click.option("--db", "db_url", help="Database: SQLAlchemy URL or SQLite file path [default: redefection.db].")
@click.option("--limit", default=50, show_default=True, help="How many documents to list.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def documents(ctx: click.Context, db_url: str | None, limit: int, fmt: str) -> None:
    """List stored documents, newest first."""
    from .store import open_store

    try:
        store = open_store(db_url or _settings(ctx).db_url)
    except RedefectionError as exc:
        err.print(f"[red]error[/red] {exc}", markup=True)
        ctx.exit(2)
    try:
        if fmt == "json":
            for item in store.list_documents(limit=limit):
                row = {
                    "id": item.id,
                    "source": item.source,
                    "title": item.title,
                    "byline": item.byline,
                    "published": item.published.isoformat() if item.published else None,
                    "outlet": item.outlet,
                    "language": item.language,
                }
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            _print_documents(store, limit)
    finally:
        store.close()


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``redefection`` console script."""
    try:
        cli.main(args=argv, prog_name="redefection", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        err.print("interrupted")
        sys.exit(130)
