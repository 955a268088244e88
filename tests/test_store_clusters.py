"""The store's side of syndication clustering, on SQLite and PostgreSQL: the index written with the document,
the near-copy lookup read in one go, and clusters merged and moved with Core statements."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from redefection import dedupe
from redefection.app.syndication import assign_syndication
from redefection.records import Capture, Document
from redefection.store import SaveResult, Store
from review_helpers import BACKENDS, open_backend

# An invented report, a near copy of it (one sentence reworded, the last one cut) and an unrelated one.
REPORT = (
    "A fisherman who settled in a southern port town six years ago has been seen on a broadcast from the North, "
    "according to officials who reviewed the recording on Thursday morning.",
    "In the broadcast he says that he could not find steady work and that his brother had asked him to come "
    "back, and he thanks the authorities for letting him return to his village.",
    "Local officials said he had stopped answering calls from his case worker in the winter, shortly after "
    "the boat he crewed on was sold to a buyer from another province.",
    "The ministry said it was still trying to learn how he had crossed, since no record shows him leaving "
    "the country by air or by ferry in the last three years.",
)
NEAR_COPY = (
    REPORT[0],
    "In the broadcast he says that he could not find steady work and that his brother had begged him to come "
    "back, and he thanks the authorities for letting him return to his village.",
    REPORT[2],
)
UNRELATED = (
    "The city council approved a new timetable for the harbour ferries on Monday, adding two evening crossings "
    "during the summer months when the number of visitors is highest.",
    "Residents of the outer islands had asked for later departures for years, saying the last boat left too "
    "early for people who work in the town centre to get home.",
)

MakeCapture = Callable[..., Capture]
MakeDocument = Callable[..., Document]


@pytest.fixture(params=BACKENDS)
def backend_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    yield from open_backend(request.param)


def _page(make_capture: MakeCapture, make_document: MakeDocument, name: str, body: tuple[str, ...]) -> Any:
    capture = make_capture(source=f"pages/{name}.html", data=f"<html><p>{name}</p></html>".encode())
    return capture, make_document(capture, body=body, title=f"Headline of {name}")


def _save(store: Store, capture: Capture, document: Document, *, indexed: bool = True) -> SaveResult:
    return store.save_document(capture, document, dedupe.index_entry(document.text) if indexed else None)


def test_clustering_skips_the_index_write_of_a_document_saved_with_its_index(
    backend_store: Store, make_capture: MakeCapture, make_document: MakeDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexed: list[int] = []
    real_index = backend_store.index_document

    def counting(document_id: int, *args: Any, **kwargs: Any) -> None:
        indexed.append(document_id)
        real_index(document_id, *args, **kwargs)

    monkeypatch.setattr(backend_store, "index_document", counting)
    capture, document = _page(make_capture, make_document, "report", REPORT)
    saved = _save(backend_store, capture, document)
    assert (saved.status, saved.indexed) == ("stored", True)
    assign_syndication(backend_store, capture, document, saved, dedupe.index_entry(document.text))
    assert indexed == []  # written with the document already
    # The same text in other bytes: a duplicate, whose document clustering indexes again (idempotently).
    copy_capture, copy = _page(make_capture, make_document, "report-mirror", REPORT)
    again = _save(backend_store, copy_capture, copy)
    assert (again.status, again.indexed, again.document_id) == ("duplicate", False, saved.document_id)
    cluster = assign_syndication(backend_store, copy_capture, copy, again, dedupe.index_entry(copy.text))
    assert indexed == [saved.document_id]
    assert sorted(cluster.sources) == ["pages/report-mirror.html", "pages/report.html"]


def test_a_document_saved_without_its_index_is_indexed_when_seen_again(
    backend_store: Store, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    capture, document = _page(make_capture, make_document, "report", REPORT)
    first = _save(backend_store, capture, document, indexed=False)  # as stored before clustering existed
    assert (first.status, first.indexed) == ("stored", False)
    entry = dedupe.index_entry(document.text)
    assert entry is not None
    assert backend_store.similar_documents(first.document_id + 1, list(entry.buckets)) == []
    again = _save(backend_store, capture, document)
    assign_syndication(backend_store, capture, document, again, entry)
    assert backend_store.similar_documents(first.document_id + 1, list(entry.buckets)) == [first.document_id]


def test_near_copies_reads_the_candidates_their_clusters_and_the_texts_to_check(
    backend_store: Store, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    store = backend_store
    pages = {
        name: _page(make_capture, make_document, name, body)
        for name, body in (("report", REPORT), ("copy", NEAR_COPY), ("ferries", UNRELATED))
    }
    entries = {name: dedupe.index_entry(document.text) for name, (_, document) in pages.items()}
    queries = {name: list(entry.queries or entry.buckets) for name, entry in entries.items() if entry is not None}
    saved = {"report": _save(store, *pages["report"])}
    report_cluster = assign_syndication(store, *pages["report"], saved["report"], entries["report"])
    saved.update((name, _save(store, *pages[name])) for name in ("copy", "ferries"))
    ids = {name: result.document_id for name, result in saved.items()}

    near = store.near_copies(pages["copy"][0].sha256, ids["copy"], queries["copy"])
    assert near.placed is None
    assert near.candidates == (ids["report"],)
    assert near.clusters == {ids["report"]: report_cluster}
    assert near.texts == {ids["report"]: pages["report"][1].text}
    lonely = store.near_copies(pages["ferries"][0].sha256, ids["ferries"], queries["ferries"])
    assert (lonely.placed, lonely.candidates, dict(lonely.clusters), dict(lonely.texts)) == (None, (), {}, {})

    joined = assign_syndication(store, *pages["copy"], saved["copy"], entries["copy"])
    assert joined.id == report_cluster.id
    assert {member.document_id for member in joined.members} == {ids["report"], ids["copy"]}
    assert store.near_copies(pages["copy"][0].sha256, ids["copy"], queries["copy"]).placed == joined
    # A page not clustered yet whose document is: its candidates in the same cluster need no text.
    mirror, _ = _page(make_capture, make_document, "copy-mirror", NEAR_COPY)
    outside = store.near_copies(mirror.sha256, ids["copy"], queries["copy"])
    assert (outside.placed, outside.candidates, dict(outside.texts)) == (None, (ids["report"],), {})
    assert outside.clusters[ids["copy"]] == joined


def test_assign_cluster_merges_and_moves_pages_on_every_backend(
    backend_store: Store, make_capture: MakeCapture, make_document: MakeDocument
) -> None:
    store = backend_store
    pages = [
        _page(make_capture, make_document, name, (f"The page called {name} has a text of its own.",)) for name in "abc"
    ]
    members = [
        dedupe.page_member(capture, document, _save(store, capture, document).document_id)
        for capture, document in pages
    ]
    texts = {member.document_id: f"text {member.document_id}" for member in members}
    alone = [store.assign_cluster(dedupe.build_cluster([member], texts)) for member in members]
    ids = sorted(cluster.id for cluster in alone if cluster.id is not None)
    assert len(set(ids)) == 3
    pair = store.assign_cluster(dedupe.build_cluster(members[1:], texts), replaces=[ids[2], ids[1]])
    assert pair.id == ids[1]
    assert store.cluster_of_page(members[2].capture_sha256) == pair
    assert [cluster.id for cluster in store.list_clusters(min_size=1)] == [ids[0], ids[1]]  # the emptied one is gone
    # A page moves into a new cluster: its old cluster keeps the other page.
    moved = store.assign_cluster(dedupe.build_cluster([members[0], members[2]], texts), replaces=[ids[0]])
    assert moved.id == ids[0]
    assert [m.document_id for m in moved.members] == [members[0].document_id, members[2].document_id]
    assert [m.role for m in moved.members] == ["canonical", "copy"]
    left = store.cluster_of_page(members[1].capture_sha256)
    assert left is not None and left.id == ids[1] and len(left.members) == 1
