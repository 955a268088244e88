"""Alembic migrations on a populated database: from the first schema through every revision to head and back.

Extends ``test_store.py::test_migration_to_0002_keeps_existing_rows`` (0001 straight to head) with the step
by step walk, a store filled by a real ingest at head, and the full way down and up again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text

from proc_helpers import page_html, write_pages
from redefection.app.ingest import ingest_paths
from redefection.errors import StoreError
from redefection.records import Capture
from redefection.settings import Settings
from redefection.store import open_store
from redefection.store.connect import alembic_config, at_head, head_revision, make_engine, parse_url, upgrade
from redefection.store.search_sql import include_name
from redefection.store.sql import SqlStore
from redefection.store.tables import Base
from test_store import _insert_at_0001

POSTGRES_URL = os.environ.get("REDEFECTION_TEST_POSTGRES_URL")
COMPARE_OPTS = {"include_name": include_name}  # full-text search objects no model describes


def revisions() -> list[str]:
    """Every revision, first to last."""
    script = ScriptDirectory.from_config(alembic_config())
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgres", marks=pytest.mark.skipif(not POSTGRES_URL, reason="REDEFECTION_TEST_POSTGRES_URL is not set")
        ),
    ]
)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = str(tmp_path / "store.db")
    else:
        assert POSTGRES_URL is not None
        url = POSTGRES_URL
        reset = create_engine(url)
        with reset.begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        reset.dispose()
    made = make_engine(parse_url(url))
    yield made
    made.dispose()


def _step(engine: Engine, action: str, target: str) -> str | None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, target)
        return MigrationContext.configure(connection).get_current_revision()


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)


def _integrity(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert connection.execute(text("PRAGMA foreign_key_check")).fetchall() == []


def test_revisions_form_one_line_from_0001() -> None:
    found = revisions()
    assert found[0] == "0001" and len(found) == len(set(found)) >= 5
    assert ScriptDirectory.from_config(alembic_config()).get_heads() == [found[-1]]


def test_populated_database_walks_every_revision_up_and_down(engine: Engine, tmp_path: Path) -> None:
    steps = revisions()
    old = Capture(source="pages/old.html", data=page_html(1000))
    assert _step(engine, "upgrade", steps[0]) == steps[0]
    with engine.begin() as connection:
        old_id = _insert_at_0001(connection, old)
    for revision in steps[1:]:  # one revision at a time, the old rows riding along
        assert _step(engine, "upgrade", revision) == revision
        _integrity(engine)
        assert _count(engine, "documents") == 1
    with engine.connect() as connection:  # the migrated schema is what the models describe
        assert compare_metadata(MigrationContext.configure(connection, opts=COMPARE_OPTS), Base.metadata) == []
    store = SqlStore(engine, "migrated")
    assert store.get_document(old_id).title == "Stored before facts existed"
    write_pages(tmp_path / "pages", 6)
    report = ingest_paths([tmp_path / "pages"], store, Settings())
    assert (report.stored, report.failed) == (6, 0)
    populated = {table: _count(engine, table) for table in ("documents", "captures", "document_minhashes")}
    assert populated == {"documents": 7, "captures": 7, "document_minhashes": 6}

    for revision in reversed(steps[:-1]):  # all the way down, then up again
        assert _step(engine, "downgrade", revision) == revision
        _integrity(engine)
        assert _count(engine, "documents") == 7
    assert _step(engine, "downgrade", "base") is None
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    assert _step(engine, "upgrade", "head") == steps[-1]
    _integrity(engine)
    assert _count(engine, "documents") == 0


def test_0013_adds_and_drops_the_claim_label(engine: Engine) -> None:
    def columns() -> set[str]:
        with engine.connect() as connection:
            return {column["name"] for column in inspect(connection).get_columns("claims")}

    assert _step(engine, "upgrade", "0012") == "0012"
    assert "label" not in columns()
    assert _step(engine, "upgrade", "0013") == "0013"
    assert "label" in columns()
    assert _step(engine, "downgrade", "0012") == "0012"
    assert "label" not in columns() and "source" in columns()


def test_head_revision_read_from_the_files_is_alembics_head() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_store_at_head_is_recognised_and_an_older_one_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(parse_url(str(path)))
    try:
        assert not at_head(engine)  # no schema at all
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revisions()[-2])
        assert not at_head(engine)  # one revision behind
        upgrade(engine)
        assert at_head(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == revisions()[-1]
    finally:
        engine.dispose()


def test_opening_a_store_at_head_does_not_load_alembic(tmp_path: Path) -> None:
    path = tmp_path / "head.db"
    open_store(str(path)).close()
    code = (
        "import sys; from redefection.store import open_store; "
        f"open_store({str(path)!r}).close(); print('alembic' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"


def test_a_revision_from_a_newer_version_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    open_store(str(path)).close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="cannot migrate the database"):
        open_store(str(path))
