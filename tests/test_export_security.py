"""Exports are safe to open and private on disk: no spreadsheet formulas in CSV cells, files readable by their owner."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from redefection.app import accounts
from redefection.app.cases import resolve_cases
from redefection.app.export import FORMULA_STARTS, neutralise
from redefection.app.ingest import ingest_paths
from redefection.cli import cli
from redefection.settings import Settings
from redefection.store import FactChange, open_store

PAGE = """<html><head><title>=HYPERLINK("http://evil.example","x")</title>
<meta property="og:site_name" content="+SUM(1,2)"></head>
<body><article><h1>=HYPERLINK("http://evil.example","x")</h1>
<p>Kang Ho-jin, a 38-year-old former miner who arrived in the South in 2014, returned to North Korea in March 2020,
the Ministry of Unification said on Tuesday.</p>
<p>The ministry said 28 defectors have returned to the North since 2012.</p>
</article></body></html>"""


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture()
def db(tmp_path: Path) -> str:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "kang.html").write_text(PAGE, encoding="utf-8")
    url = str(tmp_path / "exports.db")
    store = open_store(url)
    assert ingest_paths([inbox], store, Settings()).stored == 1
    accounts.add_user(store, "editor", "a long enough test password", "editor")
    [document] = store.list_documents(limit=5)
    corrections = {"incident": {"route": "@SUM(A1:A9)", "occupation": "-2+3"}, "claim": {"source": "=1+1"}}
    for fact in store.list_facts(document.id):
        if fact.kind in corrections:
            store.review_fact(FactChange(fact.kind, fact.id, "correct", "editor", corrections[fact.kind]))
    resolve_cases(store)
    store.close()
    return url


def _cells(folder: Path) -> list[str]:
    cells = []
    for path in folder.iterdir():
        with path.open(encoding="utf-8", newline="") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    return cells


@pytest.mark.parametrize("public", [False, True])
def test_csv_cells_neutralised_issue_14(db: str, tmp_path: Path, public: bool) -> None:
    out = tmp_path / "csv"
    _run("export", "--db", db, "--format", "csv", "--out", str(out), *(["--public"] if public else []))
    cells = _cells(out)
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    expected = {"'@SUM(A1:A9)", "'-2+3", "'=1+1", "'+SUM(1,2)"}
    if not public:  # titles are not part of the public view
        expected.add('\'=HYPERLINK("http://evil.example","x")')
    assert expected <= set(cells)


def test_neutralise_leaves_numbers_and_plain_text_alone_issue_14() -> None:
    assert neutralise(-3) == -3 and neutralise("Kim") == "Kim" and neutralise("") == ""
    assert [neutralise(c) for c in ("=1", "+1", "-1", "@x", "\tx", "\rx")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "'\rx",
    ]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_backups_and_exports_are_owner_only_issue_14(db: str, tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, under which files were created 0644
    try:
        store = open_store(str(tmp_path / "fresh.db"))  # a new database, then written to (WAL files appear)
        accounts.add_user(store, "admin", "a long enough test password", "admin")
        files = [tmp_path / "fresh.db", tmp_path / "fresh.db-wal", tmp_path / "fresh.db-shm"]
        assert all(path.exists() for path in files)
        _run("backup", str(tmp_path / "copy.db"), "--db", db)
        _run("backup", str(tmp_path / "dump.gz"), "--db", db, "--portable")
        _run("export", "--db", db, "--out", str(tmp_path / "export.json"))
        _run("export", "--db", db, "--format", "csv", "--out", str(tmp_path / "csv"))
        (tmp_path / "public.json").write_text("{}")  # a file written over loses its wider mode
        _run("export", "--db", db, "--public", "--out", str(tmp_path / "public.json"))
        files += [tmp_path / name for name in ("copy.db", "dump.gz", "export.json", "public.json")]
        files += sorted((tmp_path / "csv").iterdir())
        assert {str(path.name): oct(_mode(path)) for path in files} == {str(path.name): "0o600" for path in files}
        store.close()
        os.umask(0o277)  # a stricter umask still applies
        _run("export", "--db", db, "--out", str(tmp_path / "strict.json"))
        assert _mode(tmp_path / "strict.json") == 0o400
    finally:
        os.umask(old)
