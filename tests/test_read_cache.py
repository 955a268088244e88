"""Read results kept per store revision: served again only while nothing changed, in one server process and
across several (each with its own caches over one store), and the caches warmed before the first request."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from redefection.app.cases import resolve_cases
from redefection.app.ingest import ingest_paths
from redefection.app.read_cache import ReadCache
from redefection.errors import StoreError
from redefection.settings import Settings
from redefection.store import Store, open_store
from redefection.web import WebConfig
from web_helpers import bearer, build_store, case_of, client, facts, session_for

NEW_REPORT = """Defector Ohm Taek-su goes back to the North

Ohm Taek-su, a 52-year-old fisherman who arrived in the South in 2012, returned to North Korea by boat \
in 2022, the coast guard said.
"""


def test_a_result_is_computed_once_per_key_and_signature() -> None:
    cache = ReadCache()
    calls: list[str] = []

    def compute(value: str) -> str:
        calls.append(value)
        return value

    assert cache.get((1,), "a", lambda: compute("first")) == "first"
    assert cache.get((1,), "a", lambda: compute("again")) == "first"  # kept
    assert cache.get((1,), "b", lambda: compute("other key")) == "other key"
    assert cache.get((2,), "a", lambda: compute("changed")) == "changed"  # the store changed: computed again
    assert calls == ["first", "other key", "changed"]
    assert (cache.hits, cache.misses) == (1, 3)


def test_a_result_expires_and_the_least_recently_used_goes_first() -> None:
    now = [0.0]
    cache = ReadCache(entries=2, max_age=10.0, clock=lambda: now[0])
    cache.get((1,), "a", lambda: "a1")
    now[0] = 9.0
    assert cache.get((1,), "a", lambda: "a2") == "a1"
    now[0] = 10.0
    assert cache.get((1,), "a", lambda: "a3") == "a3"  # too old, though nothing changed
    cache.get((1,), "b", lambda: "b1")
    cache.get((1,), "a", lambda: "unused")  # a is now the most recently used
    cache.get((1,), "c", lambda: "c1")  # drops b
    assert len(cache) == 2
    assert cache.get((1,), "a", lambda: "a4") == "a3"
    assert cache.get((1,), "b", lambda: "b2") == "b2"


def test_single_flight_computes_a_key_once_for_threads_asking_at_once() -> None:
    cache = ReadCache(single_flight=True)
    calls: list[int] = []
    release = threading.Event()

    def slow() -> str:
        calls.append(1)
        release.wait(10)
        return "counted"

    results: list[str] = []
    askers = [threading.Thread(target=lambda: results.append(cache.get((1,), "k", slow))) for _ in range(4)]
    for asker in askers:
        asker.start()
    release.set()
    for asker in askers:
        asker.join(10)
    assert results == ["counted"] * 4 and calls == [1]
    assert cache.get((2,), "k", lambda: "again") == "again"  # a new signature is computed again


def test_nothing_is_kept_of_a_failed_read() -> None:
    cache = ReadCache()

    def fail() -> str:
        raise LookupError("no such case")

    with pytest.raises(LookupError):
        cache.get((1,), "a", fail)
    assert len(cache) == 0 and cache.get((1,), "a", lambda: "found") == "found"
    with pytest.raises(ValueError, match="negative"):
        ReadCache(entries=-1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    found = build_store(tmp_path)
    yield found
    found.close()


def _viewer(store: Store, config: WebConfig | None = None) -> TestClient:
    http = client(store, config)
    session_for(store, http, "viewer")
    return http


def _correct_name(store: Store, http: TestClient, stem: str, name: str) -> None:
    incident = facts(store, stem, "incident")[0]
    body = {"action": "correct", "changes": {"name": name}}
    response = http.post(f"/api/v1/facts/incident/{incident.id}/review", json=body, headers=bearer(store, "editor"))
    assert response.status_code == 200, response.text
    assert http.app.state.case_rebuilder.wait(timeout=60)  # the review asked for a rebuild in the background


def test_a_review_shows_on_the_next_view_of_every_cached_route(store: Store) -> None:
    with _viewer(store) as http:
        case_id = case_of(store, "kim")
        routes = (f"/cases/{case_id}", "/cases", "/cases?q=Min-su", f"/api/v1/cases/{case_id}", "/api/v1/cases")
        for path in routes * 2:  # the second round is served from the cache
            assert "Kim Min-chol" not in http.get(path).text
        assert http.app.state.read_cache.hits >= len(routes)
        _correct_name(store, http, "kim", "Kim Min-chol")
        case_id = case_of(store, "kim")
        for path in (f"/cases/{case_id}", f"/api/v1/cases/{case_id}", "/cases?q=Min-chol", "/api/v1/cases?q=Min-chol"):
            assert "Kim Min-chol" in http.get(path).text, path


def test_an_ingest_shows_in_search_and_lists(store: Store, tmp_path: Path) -> None:
    with _viewer(store) as http:
        for _ in range(2):
            assert "Ohm Taek-su" not in http.get("/documents?q=fisherman").text
            assert http.get("/api/v1/documents", params={"q": "fisherman"}).json()["total"] == 0
            assert "52, returned 2022" not in http.get("/cases").text  # the new case's label
        inbox = tmp_path / "later"
        inbox.mkdir()
        (inbox / "ohm.txt").write_text(NEW_REPORT, encoding="utf-8")
        assert ingest_paths([inbox], store, Settings()).stored == 1  # as `redefection ingest` does
        assert "Ohm Taek-su" in http.get("/documents?q=fisherman").text
        assert http.get("/api/v1/documents", params={"q": "fisherman"}).json()["total"] == 1
        resolve_cases(store)
        assert "52, returned 2022" in http.get("/cases").text


def test_a_change_made_through_one_worker_shows_in_another(tmp_path: Path) -> None:
    """Two apps over one SQLite file, each with its own store connection and caches: two worker processes."""
    build_store(tmp_path).close()
    first, second = open_store(str(tmp_path / "web.db")), open_store(str(tmp_path / "web.db"))
    try:
        with _viewer(first) as one, _viewer(second) as other:
            case_id = case_of(second, "park")
            for http in (one, other, one, other):
                assert "Park Sang-woo" not in http.get(f"/cases/{case_id}").text
                assert "Park Sang-woo" not in http.get("/cases").text
            _correct_name(first, one, "park", "Park Sang-woo")
            case_id = case_of(second, "park")
            assert "Park Sang-woo" in other.get(f"/cases/{case_id}").text
            assert "Park Sang-woo" in other.get("/cases").text
            assert "Park Sang-woo" in other.get(f"/api/v1/cases/{case_id}").text
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_server_process_warms_its_caches_before_the_first_request(store: Store, anonymous: bool) -> None:
    http = _viewer(store, WebConfig(anonymous=anonymous))
    dashboard = http.app.state.dashboard_cache
    assert not dashboard.built(public=False)  # an app nobody started: nothing built yet
    with http:  # starting the app runs its lifespan, as uvicorn does in each worker
        assert dashboard.built(public=False)
        assert dashboard.built(public=True) is anonymous  # the public view only when anonymous visitors read
        assert http.get("/").status_code == 200


def test_a_store_that_cannot_answer_at_start_does_not_stop_the_server(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unreachable() -> tuple[object, ...]:
        raise StoreError("web.db", "the database is locked")

    monkeypatch.setattr(store, "change_signature", unreachable)
    http = client(store)  # nobody logged in: the login form needs nothing of the store
    with caplog.at_level(logging.ERROR), http:
        assert not http.app.state.dashboard_cache.built(public=False)
        assert http.get("/login").status_code == 200
    assert "warming the caches failed" in caplog.text
