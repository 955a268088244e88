"""The ``watch`` and ``sources`` commands: live monitoring and the per-source health report.

Kept apart from ``commands.py`` (which registers them) because the long-lived loop
owns signal handling: SIGTERM or SIGINT ends the round in progress cleanly
(fetches in flight are ingested, nothing pending is lost), then the process
exits 0.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from ..errors import RedefectionError
from ..settings import Settings
from .tables import error_console, print_error, print_table

if TYPE_CHECKING:
    from ..monitor.watch import WatchReport
    from ..store import Store

err = error_console()
out = Console(highlight=False, markup=False)  # titles and paths may hold [brackets]
DB_HELP = "Database: SQLAlchemy URL or SQLite file path [default: redefection.db]."


def _open(ctx: click.Context, db_url: str | None, *, create: bool) -> Store:
    from ..store import open_store

    settings: Settings = ctx.obj["settings"]
    try:
        return open_store(db_url or settings.db_url, create=create)
    except RedefectionError as exc:
        print_error(err, str(exc))
        ctx.exit(2)


def _summary(report: WatchReport) -> str:
    ingest = report.ingest
    down = ", ".join(f"{s.name} ({s.error})" for s in report.failed_sources)
    text = (
        f"{len(report.sources)} sources ({len(report.failed_sources)} down), "
        f"{sum(s.items_new for s in report.sources)} new links; "
        f"{report.fetched} fetched, {report.fetch_failed} failed, {report.skipped} skipped; "
        f"{ingest.stored} stored, {ingest.duplicate} duplicate, {ingest.dropped} dropped, {ingest.failed} failed; "
        f"{report.alerts.sent} alerts sent, {report.alerts.failed} failed"
    )
    return text + (f"\ndown: {down}" if down else "")


@click.command()
@click.option(
    "--watch-file",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("watch.toml"),
    show_default=True,
    help="What to watch (TOML): sources, fetching, alerts. Not the settings file (redefection --settings).",
)
# The option's old name, kept working for existing cron lines; hidden so that help shows one name.
@click.option("--config", "old_config_path", type=click.Path(dir_okay=False, path_type=Path), hidden=True)
@click.option("--db", "db_url", help=DB_HELP)
@click.option("--once", is_flag=True, help="Run one round and exit (for cron); else poll until SIGTERM.")
@click.pass_context
def watch(ctx: click.Context, config_path: Path, old_config_path: Path | None, db_url: str | None, once: bool) -> None:
    """Poll the feeds and news sitemaps in --watch-file, fetch new articles politely, ingest them, send alerts."""
    from ..monitor.config import load_watch_config
    from ..monitor.watch import Watcher

    config_path = old_config_path or config_path
    try:
        config = load_watch_config(config_path)
    except RedefectionError as exc:
        raise click.UsageError(str(exc)) from exc
    store = _open(ctx, db_url, create=True)
    stop = threading.Event()
    watcher = Watcher(config, store, ctx.obj["settings"], stop=stop)

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        err.print(f"received {signal.Signals(signum).name}: finishing the work in progress, then exiting")
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if once:
            report = watcher.run_once()
            err.print(_summary(report), soft_wrap=True)
            code = 1 if report.failed_sources or report.ingest.failed else 0
        else:
            rounds = watcher.run_forever(on_round=lambda r: err.print(_summary(r), soft_wrap=True))
            err.print(f"stopped after {rounds} round(s)")
            code = 0
    except RedefectionError as exc:
        print_error(err, str(exc))
        code = 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        watcher.close()
        store.close()
    ctx.exit(code)


@click.command()
@click.option("--db", "db_url", help=DB_HELP)
@click.option("--days", default=7, show_default=True, help="Days of per-day counts to sum (today included).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def sources(ctx: click.Context, db_url: str | None, days: int, fmt: str) -> None:
    """Show each watched source's health: tell "nothing was reported" from "the feed was down"."""
    from ..monitor.health import source_health

    store = _open(ctx, db_url, create=False)
    try:
        found = source_health(store, days=days)
    except RedefectionError as exc:
        print_error(err, str(exc))
        ctx.exit(1)
    finally:
        store.close()
    if fmt == "json":
        sys.stdout.write(json.dumps([item.as_json() for item in found], ensure_ascii=False) + "\n")
        return
    table = Table(title=f"Sources ({len(found)}), last {days} day(s)")
    for column in ("source", "status", "last success", "last error", "checks", "failed", "listed", "new"):
        table.add_column(column, overflow="fold")
    styles = {"ok": "green", "down": "red", "stale": "yellow", "never checked": "dim"}
    for item in found:
        state = item.source
        error = f"{_when(state.last_error_at)} {state.last_error}" if state.last_error else ""
        table.add_row(
            f"{state.name}\n[dim]{state.url}[/dim]",
            f"[{styles[item.status]}]{item.status}[/]",
            _when(state.last_success),
            error,
            str(item.checks),
            str(item.failures),
            str(item.items_seen),
            str(item.items_new),
        )
    print_table(out, table)


def _when(value: object) -> str:
    from datetime import datetime

    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else ""
