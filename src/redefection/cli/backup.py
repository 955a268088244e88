"""The ``backup`` and ``restore`` commands: a consistent snapshot of the store, and a store from a snapshot."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import RedefectionError
from ..settings import Settings
from .tables import error_console, print_error

err = error_console()
DB_HELP = "Database: SQLAlchemy URL or SQLite file path [default: redefection.db]."


@click.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", "db_url", help=DB_HELP)
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@click.option("--portable", is_flag=True, help="Write the portable dump even for SQLite (to move to PostgreSQL).")
@click.pass_context
def backup(ctx: click.Context, out: Path, db_url: str | None, force: bool, portable: bool) -> None:
    """Write a consistent snapshot of the store to OUT, safe while other commands write to it.

    A SQLite store is copied with SQLite's backup API (OUT is a SQLite file);
    any other store is written as a portable gzip'd JSON dump.
    """
    from ..store.backup import backup as backup_store

    settings: Settings = ctx.obj["settings"]
    try:
        kind = backup_store(db_url or settings.db_url, out, force=force, portable=portable)
    except RedefectionError as exc:
        print_error(err, str(exc))
        ctx.exit(1)
    err.print(f"wrote {out} ({'SQLite copy' if kind == 'sqlite' else 'portable dump'})", soft_wrap=True)


@click.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", "db_url", help=DB_HELP)
@click.option("--force", is_flag=True, help="Replace the target database's contents.")
@click.pass_context
def restore(ctx: click.Context, source: Path, db_url: str | None, force: bool) -> None:
    """Restore the backup SOURCE into a new (or, with --force, an existing) database."""
    from ..store.backup import restore as restore_store

    settings: Settings = ctx.obj["settings"]
    target = db_url or settings.db_url
    try:
        rows = restore_store(source, target, force=force)
    except RedefectionError as exc:
        print_error(err, str(exc))
        ctx.exit(1)
    err.print(f"restored {rows:,} rows from {source}", soft_wrap=True)


__all__ = ["backup", "restore"]
