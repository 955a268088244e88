"""Alembic environment: migrate the connection ``open_store`` passes, or a URL for developers.

``open_store`` runs migrations in code with ``config.attributes["connection"]``
set. Developers writing a new migration can run, from the repository root::

    alembic -c src/redefection/store/migrations/alembic.ini revision -m "add cases"

which uses ``-x url=...`` if given, else ``Settings.db_url``. Logging is left
to the caller: library code configures none.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from redefection.settings import Settings
from redefection.store.search_sql import include_name
from redefection.store.tables import Base

config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,  # the full-text search tables and indexes are made by hand in 0008
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url") or Settings().db_url
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        run_on(given)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or Settings().db_url
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            run_on(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
