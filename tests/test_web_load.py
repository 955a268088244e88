"""The web load benchmark, small: readers on loopback while an ingest and a reviewer write (issue 7).

Builds a 400-document database with ``benchmarks/make_web_db.py``, then runs
``benchmarks/web_load.py --writer``: 5 clients read every main page and API
route while new pages are ingested through the real pipeline and an editor
confirms and corrects facts through the API. No request may fail, the
figures must be printed, and every review the app accepted must be in the
store afterwards (with its audit entry): no update lost to the concurrent
ingest and case rebuilds. Latency targets are the full benchmark's business
(``--check`` on the 20,000-document database), not this test's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from proc_helpers import cli_env
from redefection.store import AuditFilter, open_store

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
STATES = {"confirm": "confirmed", "correct": "corrected"}


def _run(script: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=cli_env(),
        timeout=timeout,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_load_on_loopback_while_a_writer_ingests_and_reviews(tmp_path: Path) -> None:
    db = tmp_path / "load.db"
    built = _run("make_web_db.py", "--documents", "400", "--db", str(db), timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    store = open_store(str(db), create=False)
    try:
        before = store.counts()["documents"]
    finally:
        store.close()
    assert before >= 390  # a few synthetic pages may come out identical and be stored once

    figures_path = tmp_path / "figures.json"
    args = ("--db", str(db), "--clients", "5", "--requests", "300", "--duration", "30", "--writer")
    loaded = _run("web_load.py", *args, "--json", str(figures_path), timeout=500)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    print(loaded.stdout)
    assert "p95 ms" in loaded.stdout and "writer:" in loaded.stdout
    figures = json.loads(figures_path.read_text("utf-8"))
    routes = figures["routes"]
    assert {"cases", "case page", "search", "document page", "api case"} <= routes.keys()
    assert all(route["errors"] == 0 for route in routes.values()), routes
    assert sum(route["n"] for route in routes.values()) >= 100
    writer = figures["writer"]
    assert writer["errors"] == []
    assert writer["batches"] >= 1 and writer["reviewed"], writer

    store = open_store(str(db), create=False)
    try:
        assert store.counts()["documents"] > before  # the ingest's pages are there
        for kind, fact_id, action in writer["reviewed"]:
            assert store.get_fact(kind, fact_id).review_state == STATES[action], (kind, fact_id, action)
            logged = store.list_audit(AuditFilter(kind=kind, target_id=fact_id)).items
            assert any(entry.action == action and entry.who == "editor" for entry in logged), (kind, fact_id)
    finally:
        store.close()
