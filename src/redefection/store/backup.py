"""Back up and restore a store: a consistent snapshot while writers run, restored into a new database.

SQLite to SQLite uses SQLite's online backup API: one read transaction copies
every page, so the copy is the database as of one moment even while an ingest
writes (WAL lets it go on meanwhile). Any other pair (PostgreSQL, or moving
between backends) uses a portable dump: gzip'd JSON lines, a header with the
schema revision, then every row of every table in dependency order, read in
one REPEATABLE READ transaction. ``pg_dump`` remains the tool for a
PostgreSQL administrator's own backups (docs/store.md); this dump needs no
server tools and restores into SQLite as well.
"""

from __future__ import annotations

import base64
import gzip
import json
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from alembic import command
from sqlalchemy import Connection, Engine, create_engine, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from ..errors import StoreError
from ..private_files import create_private, open_private
from .connect import alembic_config, has_schema, hint_for, is_memory, make_engine, parse_url
from .tables import Base

SQLITE_MAGIC = b"SQLite format 3\x00"
DUMP_FORMAT = "redefection-dump/1"
BATCH = 500  # rows per INSERT when restoring a dump


def backup(url: str, out: Path, *, force: bool = False, portable: bool = False) -> str:
    """Write a consistent snapshot of the store at ``url`` to ``out``; return its kind, "sqlite" or "dump".

    ``portable`` writes the dump even for a SQLite file (to move a store to PostgreSQL).

    Raises:
        StoreError: ``out`` exists (without ``force``), or the database cannot be read.
    """
    parsed = parse_url(url)
    shown = parsed.render_as_string(hide_password=True)
    _refuse_existing(out, force)
    if parsed.get_backend_name() == "sqlite" and not is_memory(parsed):
        source = Path(parsed.database or "")
        if not source.is_file():
            raise StoreError(shown, "no database file here; check the path")
        if not portable:
            _sqlite_copy(source, out, shown)
            return "sqlite"
    engine = make_engine(parsed)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            _write_dump(connection, out)
    except SQLAlchemyError as exc:
        out.unlink(missing_ok=True)
        raise StoreError(shown, f"cannot back up the database ({exc}); {hint_for(parsed)}") from exc
    finally:
        engine.dispose()
    return "dump"


def restore(source: Path, url: str, *, force: bool = False) -> int:
    """Restore the backup at ``source`` into the database at ``url``; return the number of rows restored.

    The target must be new or empty unless ``force`` (then its rows are replaced).

    Raises:
        StoreError: ``source`` is not a backup, or the target holds data (without ``force``).
    """
    parsed = parse_url(url)
    shown = parsed.render_as_string(hide_password=True)
    try:
        with open(source, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(str(source), f"cannot read the backup: {exc.strerror or exc}") from exc
    if head == SQLITE_MAGIC and parsed.get_backend_name() == "sqlite" and not is_memory(parsed):
        target = Path(parsed.database or "")
        _refuse_existing(target, force)
        _sqlite_copy(source, target, str(source), frozen=True)
        with sqlite3.connect(target) as connection:
            return sum(_count(connection, table.name) for table in Base.metadata.sorted_tables)
    engine = make_engine(parsed)
    try:
        if head == SQLITE_MAGIC:  # read as it is: nothing is written beside the backup
            reader = create_engine("sqlite://", creator=lambda: _read_only(source, frozen=True), poolclass=NullPool)
            try:
                with reader.connect() as connection:
                    rows: Iterator[tuple[str, Any]] = iter(list(_iter_rows(connection)))
            finally:
                reader.dispose()
        elif head.startswith(b"\x1f\x8b"):
            rows = _read_dump(source)
        else:
            raise StoreError(str(source), "not a redefection backup (neither a SQLite file nor a dump)")
        return _load(engine, rows, shown, force)
    except SQLAlchemyError as exc:
        raise StoreError(shown, f"cannot restore into the database ({exc}); {hint_for(parsed)}") from exc
    finally:
        engine.dispose()


def _refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise StoreError(str(path), "already exists; choose another path, or pass --force to overwrite it")


def _read_only(source: Path, *, frozen: bool) -> sqlite3.Connection:
    """A read-only connection; ``frozen`` for a file nobody writes (a backup): then no -wal/-shm file is made."""
    uri = source.absolute().as_uri() + ("?mode=ro&immutable=1" if frozen else "?mode=ro")
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def _sqlite_copy(source: Path, target: Path, shown: str, *, frozen: bool = False) -> None:
    """Copy ``source`` to ``target`` in one read transaction, leaving one file and nothing else behind.

    The copy is switched to a rollback journal before it is closed, so it has
    no -wal or -shm companions (the store turns WAL on again when it opens
    it); ``frozen`` reads a backup without writing anything beside it.
    """
    partial = target.with_name(target.name + ".partial")
    companions = [Path(f"{path}{suffix}") for path in (partial, target) for suffix in ("-wal", "-shm", "-journal")]
    partial.unlink(missing_ok=True)
    try:
        create_private(partial)  # a backup holds password and token hashes: owner only
        reader = _read_only(source, frozen=frozen)
        try:
            writer = sqlite3.connect(partial)
            try:
                reader.execute(f"PRAGMA busy_timeout = {30_000}")
                reader.backup(writer)  # all pages in one step: one read transaction, one moment
                writer.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                (status,) = writer.execute("PRAGMA integrity_check").fetchone()
            finally:
                writer.close()
        finally:
            reader.close()
        if status != "ok":
            raise StoreError(shown, f"the copy fails its integrity check ({status})")
        for path in companions:
            path.unlink(missing_ok=True)
        partial.replace(target)  # the target appears whole, or not at all
    except sqlite3.Error as exc:
        raise StoreError(shown, f"cannot copy the database ({exc})") from exc
    finally:
        partial.unlink(missing_ok=True)
        for path in companions[:3]:  # the partial file's own
            path.unlink(missing_ok=True)


def _count(connection: sqlite3.Connection, table: str) -> int:
    try:
        return int(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
    except sqlite3.OperationalError:  # a table of a later migration than the backup's
        return 0


def _revision(connection: Connection) -> str | None:
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _iter_rows(connection: Connection) -> Iterator[tuple[str, Any]]:
    """("revision", id), then ("table", name) and its rows as dicts, parents before children."""
    yield "revision", _revision(connection)
    present = set(connection.dialect.get_table_names(connection))
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            continue
        yield "table", table.name
        for row in connection.execute(select(table).order_by(*table.primary_key.columns)).mappings():
            yield "row", dict(row)


def _write_dump(connection: Connection, out: Path) -> None:
    partial = out.with_name(out.name + ".partial")
    with open_private(partial, "wb") as raw, gzip.open(raw, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"format": DUMP_FORMAT}) + "\n")
        for kind, value in _iter_rows(connection):
            handle.write(json.dumps([kind, _encode(value)], ensure_ascii=False) + "\n")
    partial.replace(out)


def _read_dump(source: Path) -> Iterator[tuple[str, Any]]:
    handle: IO[str]
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        try:
            header = json.loads(handle.readline())
        except (json.JSONDecodeError, OSError, EOFError) as exc:
            raise StoreError(str(source), f"not a redefection dump ({exc})") from exc
        if not isinstance(header, dict) or header.get("format") != DUMP_FORMAT:
            raise StoreError(str(source), f"not a redefection dump (expected format {DUMP_FORMAT})")
        for line in handle:
            kind, value = json.loads(line)
            yield kind, _decode(value)


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, bytes | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, item), *_ = value.items()
            if tag == "$bytes":
                return base64.b64decode(item)
            if tag == "$datetime":
                return datetime.fromisoformat(item)
            if tag == "$date":
                return date.fromisoformat(item)
        return {key: _decode(item) for key, item in value.items()}
    return value


def _load(engine: Engine, rows: Iterator[tuple[str, Any]], shown: str, force: bool) -> int:
    config = alembic_config()
    kind, revision = next(rows, ("", None))
    if kind != "revision" or not revision:
        raise StoreError(shown, "the backup names no schema revision; it is not a redefection backup")
    with engine.begin() as connection:
        if has_schema(engine) and not force:
            counts = [connection.execute(select(func.count()).select_from(t)).scalar() for t in _present(connection)]
            if any(counts):
                raise StoreError(shown, "the database already holds data; restore into a new one, or pass --force")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        if has_schema(engine):  # empty, or emptied now that --force was given
            for table in reversed(_present(connection)):
                connection.execute(table.delete())
            if _revision(connection) != revision:
                command.downgrade(config, revision)
        command.upgrade(config, revision)  # the backup's schema, then its rows, then the latest schema
        restored = 0
        table_name, batch = "", list[dict[str, Any]]()
        for kind, value in rows:
            if kind == "table":
                restored += _flush(connection, table_name, batch)
                table_name, batch = value, []
            elif kind == "row":
                batch.append(value)
                if len(batch) >= BATCH:
                    restored += _flush(connection, table_name, batch)
                    batch = []
        restored += _flush(connection, table_name, batch)
        command.upgrade(config, "head")
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return restored


def _present(connection: Connection) -> list[Any]:
    names = set(connection.dialect.get_table_names(connection))
    return [table for table in Base.metadata.sorted_tables if table.name in names]


def _flush(connection: Connection, table_name: str, batch: list[dict[str, Any]]) -> int:
    if not batch:
        return 0
    table = Base.metadata.tables[table_name]
    known = set(table.columns.keys())
    connection.execute(insert(table), [{k: v for k, v in row.items() if k in known} for row in batch])
    return len(batch)


def _reset_sequences(connection: Connection) -> None:
    # Rows came with their ids: move each id sequence past them, or the next insert would collide.
    for table in _present(connection):
        if "id" in table.columns and table.columns["id"].autoincrement in (True, "auto"):
            query = (
                f"SELECT setval(pg_get_serial_sequence(:t, 'id'), coalesce(max(id), 0) + 1, false) FROM {table.name}"
            )
            connection.execute(text(query), {"t": table.name})


__all__ = ["backup", "restore"]
