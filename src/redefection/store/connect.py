"""Turn a database URL or path into a migrated SQLAlchemy engine.

SQLite connections get WAL (readers never block the writer), foreign keys and
a generous busy timeout; in-memory databases share one connection so the
schema survives between sessions. Migrations run from the package's own
``migrations`` folder, so no ``alembic.ini`` is needed in the working folder.
A database already at the latest revision is recognised by reading its
``alembic_version`` row against the revisions of those files, without loading
Alembic (most commands open a store that is up to date).
"""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from ..errors import StoreError
from ..private_files import create_private

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MEMORY_URLS = {":memory:", "sqlite://", "sqlite:///:memory:"}
# Plain "postgresql://" would pick psycopg2; the [postgres] extra installs psycopg 3.
POSTGRES_ALIASES = {"postgres": "postgresql+psycopg", "postgresql": "postgresql+psycopg"}
SQLITE_BUSY_TIMEOUT_MS = 30_000  # batch writers wait for each other instead of failing
SQLITE_MINIMUM = (3, 35, 0)  # RETURNING (saving, clustering); the trigram tokenizer of search needs 3.34
MIGRATION_LOCK = 0x7265646566  # any constant: the advisory lock key of redefection's migrations ("redef")
PASSWORD_IN_URL = re.compile(r"(://[^:/@]*:)[^@/]*@")
# In a migration file: 'revision: str = "0013"' and 'down_revision: str | None = "0012"' (or None).
REVISION_LINE = re.compile(r'^revision(?:\s*:\s*str)?\s*=\s*"(?P<id>[^"]+)"\s*$', re.MULTILINE)
DOWN_REVISION_LINE = re.compile(r'^down_revision(?:\s*:[^=\n]*)?=\s*(?:"(?P<id>[^"]+)"|None)\s*$', re.MULTILINE)

SQLITE_HINT = "check that the folder exists and is writable, or choose another database path"
POSTGRES_HINT = "check the server, database name and credentials"
DRIVER_HINT = "install it with: pip install 'redefection[postgres]'"
URL_HINT = "use a file path, sqlite:///path/to/file.db, or postgresql+psycopg://user@host/dbname"


def hide_password(url: str) -> str:
    """The URL with any password replaced by ``***``."""
    return PASSWORD_IN_URL.sub(r"\1***@", url)


def parse_url(raw: str) -> URL:
    """A SQLAlchemy URL from a URL, a bare file path, or ``:memory:``."""
    text = raw.strip()
    if text in MEMORY_URLS:
        return URL.create("sqlite")
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser()))
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise StoreError(hide_password(raw), f"not a database URL; {URL_HINT}") from exc
    if url.drivername in POSTGRES_ALIASES:
        url = url.set(drivername=POSTGRES_ALIASES[url.drivername])
    return url


def is_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def hint_for(url: URL) -> str:
    backend = url.get_backend_name()
    if backend == "sqlite":
        return SQLITE_HINT
    if backend == "postgresql":
        return POSTGRES_HINT
    return URL_HINT


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")  # in-memory databases answer "memory"; harmless
    finally:
        cursor.close()


def make_engine(url: URL) -> Engine:
    """An engine for ``url``; raises ``StoreError`` if its driver is missing."""
    shown = url.render_as_string(hide_password=True)
    options: dict[str, Any] = {}
    if is_memory(url):
        # One shared connection: each new connection to ":memory:" would be a new, empty database.
        options = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    try:
        engine = create_engine(url, **options)
    except ImportError as exc:
        hint = DRIVER_HINT if url.get_backend_name() == "postgresql" else URL_HINT
        raise StoreError(shown, f"database driver not installed ({exc}); {hint}") from exc
    except ArgumentError as exc:
        raise StoreError(shown, f"invalid database URL ({exc}); {URL_HINT}") from exc
    if url.get_backend_name() == "sqlite":
        if sqlite3.sqlite_version_info < SQLITE_MINIMUM:
            needed = ".".join(map(str, SQLITE_MINIMUM))
            raise StoreError(shown, f"SQLite {sqlite3.sqlite_version} is too old: redefection needs {needed} or later")
        event.listen(engine, "connect", _configure_sqlite)
        if url.database and not url.database.startswith("file:") and Path(url.database).parent.is_dir():
            # SQLite would create the file 0644; its -wal and -shm files take the main file's mode.
            create_private(url.database)
    return engine


class MigrationFailed(Exception):
    """Alembic could not migrate the database (its message says why)."""


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migrations, built without any ini file."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def has_schema(engine: Engine) -> bool:
    """Whether the database already holds a migrated redefection schema."""
    with engine.connect() as connection:
        return inspect(connection).has_table("alembic_version")


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The latest revision of the packaged migrations, read from their files; None unless they form one chain
    of plain revisions (a merge, say), in which case Alembic decides."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text("utf-8")
        revision, down = REVISION_LINE.search(source), DOWN_REVISION_LINE.search(source)
        if revision is None or down is None:
            return None
        revisions.add(revision["id"])
        if down["id"]:
            parents.add(down["id"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and len(parents) == len(revisions) - 1 else None


def at_head(engine: Engine) -> bool:
    """Whether the database's schema is at ``head_revision()`` (False when it has none yet)."""
    head = head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    except SQLAlchemyError:  # no alembic_version table: a new database
        return False
    return [row[0] for row in rows] == [head]


def upgrade(engine: Engine) -> None:
    """Migrate the database to the latest schema, in one transaction where the backend allows.

    Raises:
        MigrationFailed: Alembic refused (a revision it does not know: a database from a newer version).
    """
    if at_head(engine):
        return
    from alembic import command
    from alembic.util import CommandError

    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite" and not is_memory(engine.url):
            # pysqlite runs DDL outside any transaction: take the write lock first, so that the migration is
            # atomic (a crash leaves the old schema, not half a new one) and a second process waits for it.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif connection.dialect.name == "postgresql":
            # Two processes opening a new database at once would both create the tables: the second
            # waits here (the lock ends with the transaction) and then finds the schema at head.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, "head")
        except CommandError as exc:
            raise MigrationFailed(str(exc)) from exc
