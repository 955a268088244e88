"""Two writers at once: two ``ingest`` processes on one SQLite file, and on PostgreSQL (issue 7).

Neither fails, no "database is locked" reaches the user, and every distinct
page is stored exactly once, whichever process saw it first.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from proc_helpers import cli_command, cli_env, write_pages
from redefection.store import open_store
from redefection.store.tables import Base

POSTGRES_URL = os.environ.get("REDEFECTION_TEST_POSTGRES_URL")
SHARED, OWN = 60, 30  # pages both writers ingest, and pages only one of them has

pytestmark = pytest.mark.slow


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def _folders(root: Path) -> tuple[Path, Path]:
    """Two inputs: the same SHARED pages (copied, so the bytes match) plus OWN pages each."""
    first, second = root / "first", root / "second"
    write_pages(first, SHARED)
    write_pages(second, SHARED)
    write_pages(first, OWN, start=1000)
    write_pages(second, OWN, start=2000)
    return first, second


def _ingest_together(db: str, first: Path, second: Path) -> list[tuple[int, str]]:
    children = [
        subprocess.Popen(
            cli_command("ingest", str(folder), "--db", db),
            env=cli_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for folder in (first, second)
    ]
    results = []
    for child in children:
        _, stderr = child.communicate(timeout=240)
        results.append((child.returncode, stderr.decode("utf-8", "replace")))
    return results


def _check(db: str, results: list[tuple[int, str]]) -> None:
    for code, stderr in results:
        assert code == 0, stderr
        assert "locked" not in stderr and "error" not in stderr.lower(), stderr
    stored = sum(int(stderr.split(" stored,")[0].split()[-1]) for _, stderr in results)
    assert stored == SHARED + 2 * OWN  # each shared page counted stored by one writer, duplicate by the other
    store = open_store(db, create=False)
    try:
        counts = store.counts()
        documents = store.list_documents(limit=1000)
    finally:
        store.close()
    assert counts["documents"] == counts["captures"] == SHARED + 2 * OWN
    assert counts["failures"] == 0
    assert len({document.key for document in documents}) == SHARED + 2 * OWN


def test_two_ingests_on_one_sqlite_file(tmp_path: Path) -> None:
    first, second = _folders(tmp_path)
    db = str(tmp_path / "store.db")
    open_store(db).close()  # both writers start from a migrated file, as after a first ingest
    _check(db, _ingest_together(db, first, second))


def test_two_ingests_on_a_new_sqlite_file_both_migrating(tmp_path: Path) -> None:
    first, second = _folders(tmp_path)
    db = str(tmp_path / "store.db")
    _check(db, _ingest_together(db, first, second))


@pytest.mark.skipif(not POSTGRES_URL, reason="REDEFECTION_TEST_POSTGRES_URL is not set")
def test_two_ingests_on_postgresql(tmp_path: Path) -> None:
    assert POSTGRES_URL is not None
    _reset_postgres(POSTGRES_URL)
    first, second = _folders(tmp_path)
    _check(POSTGRES_URL, _ingest_together(POSTGRES_URL, first, second))
