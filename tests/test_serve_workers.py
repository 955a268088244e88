"""``serve --workers N``: worker processes share the port and the store, and case rebuilds stay single."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from redefection.app.rebuild import CaseRebuilder, rebuild_lock_path
from redefection.settings import Settings, load_settings
from redefection.store import Store, open_store
from redefection.web.config import WebConfig
from redefection.web.workers import config_from_environment, worker_environment


def _rebuild_in_a_process(db: str, log: str, lock: str | None, start: float) -> None:
    """One server process's rebuilder: asks for a rebuild at ``start``; the rebuild logs when it ran."""

    def record(_: Store) -> None:
        began = time.monotonic()
        time.sleep(0.5)
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps([os.getpid(), began, time.monotonic()]) + "\n")

    store = open_store(db)
    rebuilder = CaseRebuilder(store, record, lock_path=Path(lock) if lock else None)
    time.sleep(max(0.0, start - time.monotonic()))
    rebuilder.request()
    assert rebuilder.wait(timeout=60)
    store.close()


def _rebuild_intervals(tmp_path: Path, lock: Path | None) -> list[tuple[float, float]]:
    db, log = str(tmp_path / "cases.db"), tmp_path / f"rebuilds-{lock is not None}.log"
    open_store(db).close()  # migrated once, as `serve` does before starting workers
    context = multiprocessing.get_context("fork")
    start = time.monotonic() + 1.0
    processes = [
        context.Process(target=_rebuild_in_a_process, args=(db, str(log), str(lock) if lock else None, start))
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    rows = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    assert len({pid for pid, _, _ in rows}) == 2  # each process rebuilt once
    return sorted((began, ended) for _, began, ended in rows)


def test_rebuilds_in_two_processes_never_overlap_with_the_lock(tmp_path: Path) -> None:
    lock = rebuild_lock_path(str(tmp_path / "cases.db"))
    assert lock is not None
    (_, first_end), (second_start, _) = _rebuild_intervals(tmp_path, lock)
    assert second_start >= first_end


def test_without_the_lock_two_processes_rebuild_at_once(tmp_path: Path) -> None:
    (_, first_end), (second_start, _) = _rebuild_intervals(tmp_path, None)
    assert second_start < first_end  # what the lock prevents


def test_rebuild_lock_path_follows_the_database(tmp_path: Path) -> None:
    assert rebuild_lock_path(str(tmp_path / "a.db")) == Path(f"{tmp_path / 'a.db'}.rebuild-lock")
    assert rebuild_lock_path(f"sqlite:///{tmp_path / 'a.db'}") == Path(f"{tmp_path / 'a.db'}.rebuild-lock")
    assert rebuild_lock_path(":memory:") is None
    server = rebuild_lock_path("postgresql://user:secret@db.example/cases")
    other = rebuild_lock_path("postgresql://user:secret@db.example/other")
    assert server is not None and other is not None and server != other
    assert "secret" not in str(server)


def test_workers_rebuild_the_settings_and_options_from_their_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(db_url="sqlite:////tmp/x.db", languages=("en", "ko"), scan_chunk_bytes=1234)
    config = WebConfig(anonymous=True, secure_cookies=False, session_hours=3, rebuild_lock=Path("/tmp/x.lock"))
    for key in list(os.environ):
        if key.startswith("REDEFECTION_"):
            monkeypatch.delenv(key)
    for key, value in worker_environment(settings, config).items():
        monkeypatch.setenv(key, value)
    assert load_settings() == settings
    assert config_from_environment() == config


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[str]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [Path(f"/proc/{child}/cmdline").read_text() for child in path.read_text().split()]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads child processes from /proc")
def test_serve_with_two_workers_answers_from_two_processes(tmp_path: Path) -> None:
    db, port = str(tmp_path / "web.db"), _free_port()
    command = [sys.executable, "-m", "redefection", "serve", "--db", db, "--port", str(port), "--workers", "2"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDEFECTION_")}
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        deadline, status = time.monotonic() + 120, None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/login", timeout=5).status_code
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert status == 200
        workers = [cmd for cmd in _children(server.pid) if "spawn_main" in cmd]
        assert len(workers) == 2
        assert Path(f"{db}-wal").exists()  # the workers share the store in WAL mode
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "2 worker processes" in stderr.decode()
