"""Command line: parse, call one service, print. Exit 0 all good, 1 some inputs failed, 2 usage error."""

from __future__ import annotations

import json
import logging
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .. import __version__
from ..errors import RedefectionError
from ..ingest import iter_paths
from ..pipeline import Outcome
from ..serialize import document_to_json
from ..settings import load_settings
from .backup import backup as backup_command
from .backup import restore as restore_command
from .context import open_existing, settings_of
from .evaluate import evaluate as evaluate_command
from .review import merge as merge_command
from .review import reextract as reextract_command
from .review import split as split_command
from .scan import scan as scan_command
from .tables import error_console, print_error, print_table
from .watch import sources as sources_command
from .watch import watch as watch_command
from .web import serve as serve_command
from .web import token as token_command
from .web import user as user_command

if TYPE_CHECKING:
    from ..store import SaveResult, Store

err = error_console()
out = Console(highlight=False, markup=False)  # titles and paths may hold [brackets]


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
        print_error(err, text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="redefection")
@click.option(
    "--settings",
    "config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file (TOML; see docs/settings.md). Not what `watch` watches (watch --watch-file).",
)
# The option's old name, kept working for existing scripts; hidden so that help shows one name.
@click.option("--config", "old_config", type=click.Path(dir_okay=False, path_type=Path), hidden=True)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, old_config: Path | None, verbose: int) -> None:
    """Track reports of North Korean defectors who return to the North.

    Clean captured news pages, extract what they report with evidence, and keep
    it in a reviewable store.
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if verbose < 2:  # trafilatura warns about every page it finds empty; our summary already says so
        logging.getLogger("trafilatura").setLevel(logging.ERROR)
    try:
        ctx.obj = {"settings": load_settings(config or old_config)}
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
    from ..app.ingest import extract_paths

    settings = settings_of(ctx)
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
    """Clean PATHS (files or folders) and store them; the same content twice is stored once.

    Ctrl-C stops it: what was stored so far stays stored (and is counted), the
    exit code is 130, and ``redefection cases`` rebuilds the cases later.
    """
    from ..app.ingest import ingest_paths
    from ..store import open_store

    settings = settings_of(ctx)
    try:
        store = open_store(db_url or settings.db_url)
    except RedefectionError as exc:
        print_error(err, str(exc))
        ctx.exit(2)
    show_bar = err.is_terminal
    tally: Counter[str] = Counter()
    stored_ids: list[int] = []

    def count(outcome: Outcome, saved: SaveResult | None) -> None:
        _advance(bar, "")
        if saved is None:
            tally["failed" if outcome.error is not None else "dropped"] += 1
        else:
            tally[saved.status] += 1
            if saved.status == "stored":
                stored_ids.append(saved.document_id)

    try:
        with _progress(_count_inputs(paths) if show_bar else 0, "ingest", show_bar) as bar:
            report = ingest_paths(paths, store, settings, on_outcome=count)
        _report_failures(report.failures)
        err.print(
            f"{report.stored} stored, {report.duplicate} duplicate, {report.dropped} dropped, {report.failed} failed"
        )
        _print_documents(store, stored_ids)
    except KeyboardInterrupt:
        err.print(
            f"interrupted: {tally['stored']} stored, {tally['duplicate']} duplicate, {tally['dropped']} dropped, "
            f"{tally['failed']} failed before the interrupt; what was stored stays stored "
            "(run `redefection cases` to rebuild the cases)"
        )
        ctx.exit(130)
    finally:
        store.close()
    ctx.exit(1 if report.failed else 0)


def _print_documents(store: Store, only: Sequence[int] | None = None, limit: int = 20) -> None:
    """The newest stored documents, or (``only``) the documents one run stored; then the store's totals."""
    if only is not None:
        documents = [store.get_document(document_id) for document_id in only[-limit:][::-1]]
    else:
        documents = store.list_documents(limit=limit)
    if not documents:
        return
    counts = store.counts()
    title = (
        f"Stored now ({len(documents)} of {len(only)})"
        if only is not None
        else f"Stored documents (newest {len(documents)} of {counts['documents']})"
    )
    table = Table(title=title)
    for column in ("id", "lang", "published", "outlet", "title", "relevant", "facts"):
        table.add_column(column, overflow="fold")
    for item in documents:
        table.add_row(
            str(item.id),
            item.language or "",
            item.published.isoformat() if item.published else "",
            item.outlet or "",
            item.title or "",
            "possible" if item.relevance == "possible" else _yes_no(item.relevant),
            _describe_facts(item.incidents, item.claims, item.quotes) or "none",
        )
    print_table(out, table)
    out.print(
        f"{_plural(counts['documents'], 'document')}, {counts['relevant']} relevant"
        + (f", {counts['possible']} possibly relevant" if counts.get("possible") else "")
        + ": "
        + _describe_facts(counts["incidents"], counts["claims"], counts["quotes"], keep_zero=True)
    )


def _yes_no(flag: bool | None) -> str:
    return "-" if flag is None else "yes" if flag else "no"  # "-": the relevance stage did not run


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _describe_facts(incidents: int, claims: int, quotes: int, *, keep_zero: bool = False) -> str:
    """``"1 incident, 2 claims"``; zero counts are left out unless ``keep_zero``."""
    counted = ((incidents, "incident"), (claims, "claim"), (quotes, "quote"))
    return ", ".join(_plural(count, word) for count, word in counted if count or keep_zero)


@cli.command()
@click.option("--db", "db_url", help="Database: SQLAlchemy URL or SQLite file path [default: redefection.db].")
@click.option("--limit", default=50, show_default=True, help="How many documents to list.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def documents(ctx: click.Context, db_url: str | None, limit: int, fmt: str) -> None:
    """List stored documents, newest first."""
    store = open_existing(ctx, db_url)
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
                    "relevant": item.relevant,
                    "relevance": item.relevance,
                    "incidents": item.incidents,
                    "claims": item.claims,
                    "quotes": item.quotes,
                }
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            _print_documents(store, limit=limit)
    finally:
        store.close()


@cli.command()
@click.option("--db", "db_url", help="Database: SQLAlchemy URL or SQLite file path [default: redefection.db].")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def duplicates(ctx: click.Context, db_url: str | None, fmt: str) -> None:
    """List syndication clusters: pages carrying one article, the canonical page first."""
    from ..app.syndication import list_duplicates
    from ..store import open_store

    try:
        store = open_store(db_url or settings_of(ctx).db_url, create=False)
    except RedefectionError as exc:
        print_error(err, str(exc))
        ctx.exit(2)
    try:
        clusters = list_duplicates(store)
    finally:
        store.close()
    if fmt == "json":
        sys.stdout.write(json.dumps([list(cluster.sources) for cluster in clusters], ensure_ascii=False) + "\n")
        return
    table = Table(title=f"Syndication clusters ({len(clusters)})")
    for column in ("cluster", "role", "sim", "differs in", "date", "outlet"):
        table.add_column(column, no_wrap=column in {"cluster", "sim", "date"})
    table.add_column("source", overflow="fold")
    for cluster in clusters:
        for member in cluster.members:
            published = member.published.isoformat() if member.published else ""
            row = (str(cluster.id), member.role, f"{member.similarity:.2f}", ", ".join(member.differences), published)
            table.add_row(*row, member.outlet or "", "\n".join(member.sources))
    print_table(out, table)


@cli.command()
@click.option("--db", "db_url", help="Database: SQLAlchemy URL or SQLite file path [default: redefection.db].")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def cases(ctx: click.Context, db_url: str | None, fmt: str) -> None:
    """Merge stored incidents into cases (applying people's merges and splits) and list them."""
    from ..app.cases import resolve_cases
    from ..app.export import case_json

    store = open_existing(ctx, db_url)
    try:
        found = resolve_cases(store)
    except RedefectionError as exc:
        print_error(err, str(exc))
        ctx.exit(1)
    finally:
        store.close()
    if fmt == "json":
        sys.stdout.write(json.dumps([case_json(stored) for stored in found], ensure_ascii=False) + "\n")
        return
    table = Table(title=f"Cases ({len(found)})", caption="sources: independent / documents")
    for column in ("id", "case", "incidents", "confirmation", "event", "disclosed", "sources", "conflicts"):
        table.add_column(column, overflow="fold", no_wrap=column in {"id", "event", "disclosed"})
    for stored in found:
        case = stored.case
        sources = f"{case.independent_sources} / {case.documents}"
        conflicts = ", ".join(conflict.field for conflict in case.conflicts)
        disclosed = case.disclosure_date.isoformat() if case.disclosure_date else ""
        incidents = ", ".join(str(member.item.id) for member in case.incidents)  # the ids merge and split take
        row = (str(stored.id), case.label, incidents, case.confirmation, case.event_date or "", disclosed, sources)
        table.add_row(*row, conflicts)
    print_table(out, table)


@cli.command()
@click.option("--db", "db_url", help="Database: SQLAlchemy URL or SQLite file path [default: redefection.db].")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="json", show_default=True)
@click.option(
    "--out", "out_path", type=click.Path(path_type=Path), help="JSON: the file [default: stdout]. CSV: a folder."
)
@click.option("--public", is_flag=True, help="Only reviewed facts, surnames of private persons, no article text.")
@click.pass_context
def export(ctx: click.Context, db_url: str | None, fmt: str, out_path: Path | None, public: bool) -> None:
    """Write cases (values with sources, conflicts), claim series and sources as JSON or CSV tables."""
    from ..app.export import export_data, export_json, write_csv
    from ..app.public_export import public_export_data
    from ..private_files import open_private

    if fmt == "csv" and out_path is None:
        raise click.UsageError("CSV export writes four tables (cases, case values, claims, sources): give --out DIR")
    store = open_existing(ctx, db_url)
    try:
        data = public_export_data(store) if public else export_data(store)
    except RedefectionError as exc:
        print_error(err, str(exc))
        ctx.exit(1)
    finally:
        store.close()
    if fmt == "csv" and out_path is not None:
        written = write_csv(data, out_path)
        err.print(f"wrote {', '.join(str(path) for path in written)}", soft_wrap=True)
        return
    text = json.dumps(export_json(data), ensure_ascii=False, indent=2) + "\n"
    if out_path is None:
        sys.stdout.write(text)
    else:
        with open_private(out_path, "w", encoding="utf-8") as handle:
            handle.write(text)
        err.print(f"wrote {out_path}: {len(data.cases)} cases, {len(data.series)} claim series")


cli.add_command(scan_command)
cli.add_command(backup_command)
cli.add_command(restore_command)
cli.add_command(reextract_command)
cli.add_command(merge_command)
cli.add_command(split_command)
cli.add_command(evaluate_command)
cli.add_command(watch_command)
cli.add_command(sources_command)
cli.add_command(serve_command)
cli.add_command(user_command)
cli.add_command(token_command)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``redefection`` console script."""
    try:
        cli.main(args=argv, prog_name="redefection", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        err.print("interrupted")
        sys.exit(130)
