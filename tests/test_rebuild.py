"""Background rebuilding of cases after reviews (``rebuild.CaseRebuilder``)."""

from __future__ import annotations

import threading

import pytest

from redefection.app.rebuild import CaseRebuilder
from redefection.errors import StoreError
from redefection.store import Store, open_store


@pytest.fixture
def store() -> Store:
    return open_store(":memory:")


def test_requests_during_a_rebuild_fold_into_one_more(store: Store) -> None:
    started, release = threading.Event(), threading.Event()
    runs: list[int] = []

    def slow(_: Store) -> None:
        runs.append(len(runs))
        started.set()
        release.wait(5)

    rebuilder = CaseRebuilder(store, slow)
    rebuilder.request()
    assert started.wait(5) and rebuilder.pending
    for _ in range(10):  # a burst of corrections while the first rebuild runs
        rebuilder.request(store)
    release.set()
    assert rebuilder.wait(5) and not rebuilder.pending
    assert runs == [0, 1]  # the running one, then exactly one more that sees every decision


def test_a_failed_rebuild_is_counted_and_the_next_request_runs(store: Store) -> None:
    calls: list[str] = []

    def flaky(_: Store) -> None:
        calls.append("run")
        if len(calls) == 1:
            raise StoreError("db", "locked for too long")

    rebuilder = CaseRebuilder(store, flaky)
    rebuilder.request()
    assert rebuilder.wait(5) and rebuilder.failures == 1
    rebuilder.request()
    assert rebuilder.wait(5) and calls == ["run", "run"] and rebuilder.failures == 1


def test_another_store_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="store it was made for"):
        CaseRebuilder(store, lambda s: None).request(open_store(":memory:"))
