"""Scanning crawl archives: only relevant records are stored, with provenance; reruns resume; Dask runs it too."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import fsspec
import pytest
from click.testing import CliRunner

from redefection.app.scanning import scan_paths
from redefection.cli import cli
from redefection.scan.tasks import SMALL_SCAN_BYTES, ScanTask, TaskResult, engine_for, list_archives, run_serial
from redefection.settings import Settings
from redefection.store import Store, open_store
from warc_helpers import Rec, record_id, write_warc

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "sample"
RELEVANT = ("en-2020-ganghwa-swim.html", "ko-2022-dmz-gymnast.html")
NOT_RELEVANT = "en-2024-arrivals-not-relevant.html"


def _crawl(path: Path, *, cut: int = 30) -> list[int]:
    """A relevant page, an off-topic one, an image, another relevant page, and a last record cut short."""
    records = [
        Rec("https://a.example/swim", (SAMPLES / RELEVANT[0]).read_bytes()),
        Rec("https://b.example/arrivals", (SAMPLES / NOT_RELEVANT).read_bytes()),
        Rec("https://b.example/logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
        Rec("https://c.example/gymnast", (SAMPLES / RELEVANT[1]).read_bytes()),
        Rec("https://d.example/cut", (SAMPLES / RELEVANT[0]).read_bytes().replace(b"Kim", b"Pak")),
    ]
    return write_warc(path, records, cut=cut)


def _stored_sources(store: Store) -> set[str]:
    return {document.source for document in store.list_documents(limit=100)}


def test_scan_stores_only_relevant_records_with_provenance(tmp_path: Path, store: Store, settings: Settings) -> None:
    path = tmp_path / "crawl.warc.gz"
    offsets = _crawl(path)
    report = scan_paths([str(path)], settings, store=store, workers=1)
    assert (report.records, report.candidates, report.relevant, report.stored) == (5, 3, 2, 2)
    assert _stored_sources(store) == {
        f"{path}#{record_id(1)}@{offsets[0]}",
        f"{path}#{record_id(4)}@{offsets[3]}",
    }
    swim = next(d for d in store.list_documents() if d.uri == "https://a.example/swim")
    assert swim.relevant and swim.key == f"crawl-{offsets[0]}"
    [failure] = report.failures
    assert failure[0] == f"{path}@{offsets[4]}" and f"offset {offsets[4]}" in failure[1]
    assert store.counts()["failures"] == 1
    checkpoint = store.scan_checkpoint(str(path))
    assert checkpoint is not None and (checkpoint.records, checkpoint.relevant) == (5, 2)


def test_capture_keeps_the_warc_date_and_target_uri(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "crawl.warc.gz"
    _crawl(path)
    db = tmp_path / "scan.db"
    store = open_store(str(db))
    scan_paths([str(path)], settings, store=store, workers=1)
    store.close()
    import sqlite3

    with sqlite3.connect(db) as connection:
        rows = set(connection.execute("SELECT uri, fetched_at FROM captures"))
    assert {uri for uri, _ in rows} == {"https://a.example/swim", "https://c.example/gymnast"}
    assert {str(when)[:19] for _, when in rows} == {str(datetime(2024, 3, 1, 9, 30, tzinfo=UTC))[:19]}


def _interrupted_after(count: int) -> object:
    def run(tasks: Sequence[ScanTask], settings: Settings) -> Iterator[TaskResult]:
        for done, result in enumerate(run_serial(tasks, settings)):
            if done == count:
                raise KeyboardInterrupt
            yield result

    return run


def test_resume_after_a_partial_run_does_not_store_twice(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "crawl.warc.gz"
    _crawl(path, cut=0)
    settings = dataclasses.replace(Settings(), scan_chunk_bytes=1)  # one range per record
    with pytest.raises(KeyboardInterrupt):
        scan_paths([str(path)], settings, store=store, workers=1, executor=_interrupted_after(2))  # type: ignore[arg-type]
    assert len(_stored_sources(store)) == 1 and store.scan_checkpoint(str(path)) is None
    again = scan_paths([str(path)], settings, store=store, workers=1)
    assert (again.relevant, again.stored, again.duplicate) == (3, 2, 1)
    assert store.counts()["documents"] == 3
    third = scan_paths([str(path)], settings, store=store, workers=1)
    assert (third.records, third.skipped) == (0, 1)
    assert store.counts()["documents"] == 3


def test_worker_processes_find_what_one_process_finds(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    _crawl(path, cut=0)
    settings = dataclasses.replace(Settings(), scan_chunk_bytes=1)
    results = {}
    for workers in (1, 2):
        store = open_store("sqlite://")
        report = scan_paths([str(path)], settings, store=store, workers=workers)
        results[workers] = (report.summary()["records"], report.relevant, _stored_sources(store))
        store.close()
    assert results[1] == results[2] and results[1][1] == 3


def test_scan_json_line_shape(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    _crawl(path, cut=0)
    result = CliRunner().invoke(cli, ["scan", str(path), "--db", str(tmp_path / "x.db"), "--json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert list(line) == ["records", "bytes", "candidates", "relevant", "seconds"]
    assert (line["records"], line["relevant"]) == (5, 3)
    assert isinstance(line["bytes"], int) and isinstance(line["seconds"], float)


def test_scan_cli_exits_1_on_a_damaged_archive_and_2_on_a_bad_database(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    _crawl(path)
    result = CliRunner().invoke(cli, ["scan", str(path), "--db", str(tmp_path / "x.db"), "--workers", "1"])
    assert result.exit_code == 1 and "cut short" in result.stderr
    result = CliRunner().invoke(cli, ["scan", str(path), "--db", str(tmp_path / "no" / "such" / "x.db")])
    assert result.exit_code == 2


def test_folders_are_searched_for_archives(tmp_path: Path) -> None:
    (tmp_path / "a.warc.gz").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.warc").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("x")
    assert sorted(Path(str(a)).name for a in list_archives([str(tmp_path)])) == ["a.warc.gz", "b.warc"]


@pytest.mark.dask
def test_dask_local_cluster_scan_to_parquet_then_into_the_store(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "crawl.warc.gz"
    offsets = _crawl(path, cut=0)
    out = tmp_path / "found.parquet"
    settings = dataclasses.replace(Settings(), scan_chunk_bytes=1)
    report = scan_paths([str(path)], settings, parquet=str(out), dask="local-threads")
    assert (report.records, report.relevant, report.stored) == (5, 3, 3)
    again = scan_paths([str(out)], settings, store=store, workers=1)
    assert again.relevant == 3
    assert f"{path}#{record_id(1)}@{offsets[0]}" in _stored_sources(store)


def test_archives_at_urls_and_glob_urls_are_scanned(tmp_path: Path, store: Store, settings: Settings) -> None:
    local = tmp_path / "crawl.warc.gz"
    _crawl(local, cut=0)
    for name in ("CC-NEWS-1.warc.gz", "CC-NEWS-2.warc.gz"):
        with fsspec.open(f"memory://crawls/{name}", "wb") as handle:
            handle.write(local.read_bytes())
    report = scan_paths(["memory://crawls/CC-NEWS-*.warc.gz"], settings, store=store, workers=1)
    assert (report.archives, report.records, report.relevant) == (2, 10, 6)
    assert {source.split("#")[0] for source in _stored_sources(store)} == {"memory:///crawls/CC-NEWS-1.warc.gz"}
    assert store.scan_checkpoint("memory:///crawls/CC-NEWS-2.warc.gz") is not None


def test_a_small_scan_takes_the_prefilter_that_builds_fastest() -> None:
    small = [ScanTask("a.warc.gz", size=SMALL_SCAN_BYTES // 2), ScanTask("b.warc.gz", size=1000)]
    large = [ScanTask("a.warc.gz", size=SMALL_SCAN_BYTES), ScanTask("b.warc.gz", size=1000)]
    unknown = [ScanTask("https://x.example/a.warc.gz")]  # a remote archive of unknown size
    auto = Settings()
    assert engine_for(auto, small).prefilter_engine == "ahocorasick"
    assert engine_for(auto, large) is auto
    assert engine_for(auto, unknown) is auto
    chosen = Settings(prefilter_engine="hyperscan")
    assert engine_for(chosen, small) is chosen  # an engine named in the settings is kept
