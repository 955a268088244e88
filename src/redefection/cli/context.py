"""What every command reads from the click context: the settings, and the database to open."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import RedefectionError
from ..settings import Settings
from .tables import error_console, print_error

if TYPE_CHECKING:
    from ..store import Store


def settings_of(ctx: click.Context) -> Settings:
    """The settings the root command loaded (``--config``, environment, defaults)."""
    settings: Settings = ctx.obj["settings"]
    return settings


def open_existing(ctx: click.Context, db_url: str | None) -> Store:
    """Open a database that must exist already; a bad URL or a missing database exits with code 2."""
    from ..store import open_store  # SQLAlchemy: only the commands that use a database load it

    try:
        return open_store(db_url or settings_of(ctx).db_url, create=False)
    except RedefectionError as exc:
        print_error(error_console(), str(exc))
        ctx.exit(2)
