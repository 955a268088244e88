"""Use cases: ingest a folder into the store; extract without one."""

from __future__ import annotations

from pathlib import Path

import pytest

from redefection.app.ingest import extract_paths, ingest_paths
from redefection.errors import Dropped, StoreError
from redefection.pipeline import STAGES, Outcome
from redefection.records import Capture, Document, MinhashIndex
from redefection.settings import Settings
from redefection.store import SaveResult, Store, StoredFacts

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Defector returns north, ministry says | Test Herald</title></head>
<body>
<nav><a href="/">Home</a> | <a href="/politics">Politics</a> | <a href="/world">World</a></nav>
<article>
<h1>Defector returns north, ministry says</h1>
<p class="byline">By Jane Doe</p>
<p>A woman in her forties who settled in the South eight years ago has gone back to the North,
the unification ministry said on Tuesday.</p>
<p>Officials said she had crossed through a third country and that they learned of it weeks later
from state media reports.</p>
<p>The ministry declined to say how many resettled people had returned this year, citing the privacy
of those involved.</p>
</article>
<footer>Copyright 2024 Test Herald. All rights reserved.</footer>
</body></html>
"""

DUMP = """Home | News | Opinion | Contact

Former soldier crossed back over the border, police believe

The man, who had worked at a factory near the coast since arriving in 2017, is believed to have crossed \
the border on foot late on Sunday night.
Police said they were reviewing surveillance footage and had spoken to his former colleagues and \
neighbours about his plans.
Neighbours described him as quiet and said he had talked about missing his family in the North for \
several months.

Related stories
Share this article
"""


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    (folder / "dump.txt").write_text(DUMP, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    return folder


def test_ingest_folder_stores_pages_and_records_failures(inbox: Path, store: Store, settings: Settings) -> None:
    report = ingest_paths([inbox], store, settings)
    assert (report.stored, report.duplicate, report.failed, report.dropped) == (2, 0, 2, 0)
    assert report.total == 4
    messages = dict((Path(source).name, message) for source, message in report.failures)
    assert set(messages) == {"empty.txt", "photo.png"}
    assert "empty" in messages["empty.txt"]
    assert "PNG image" in messages["photo.png"]
    stored = store.counts()
    assert {kind: stored[kind] for kind in ("documents", "captures", "failures", "drops")} == {
        "documents": 2,
        "captures": 2,
        "failures": 2,
        "drops": 0,
    }
    titles = {document.title for document in store.list_documents()}
    assert titles == {
        "Defector returns north, ministry says",
        "Former soldier crossed back over the border, police believe",
    }


def test_ingest_stores_the_facts_the_pipeline_found(inbox: Path, store: Store, settings: Settings) -> None:
    found = {Path(o.source).name: o.document for o in extract_paths([inbox], settings) if o.document is not None}
    ingest_paths([inbox], store, settings)
    stored = {Path(document.source).name: document for document in store.list_documents()}
    assert set(stored) == set(found) == {"page.html", "dump.txt"}
    for name, document in found.items():
        facts = StoredFacts(stored[name].id, document.incidents, document.claims, document.quotes)
        assert store.get_facts(stored[name].id) == facts, name
        assert stored[name].relevant == document.relevant
        assert (stored[name].incidents, stored[name].claims, stored[name].quotes) == (
            len(document.incidents),
            len(document.claims),
            len(document.quotes),
        )
    counts = store.counts()
    assert counts["relevant"] == sum(bool(document.relevant) for document in found.values())
    assert counts["incidents"] == sum(len(document.incidents) for document in found.values())


def test_ingesting_again_stores_nothing_new(inbox: Path, store: Store, settings: Settings) -> None:
    ingest_paths([inbox], store, settings)
    before = store.counts()
    again = ingest_paths([inbox], store, settings)
    assert (again.stored, again.duplicate, again.failed) == (0, 2, 2)
    after = store.counts()
    assert after["documents"] == 2
    assert [after[kind] for kind in ("incidents", "claims", "quotes")] == [
        before[kind] for kind in ("incidents", "claims", "quotes")
    ]


def test_copied_file_is_a_duplicate(inbox: Path, store: Store, settings: Settings) -> None:
    (inbox / "copy").mkdir()
    (inbox / "copy" / "page.html").write_text(PAGE, encoding="utf-8")
    report = ingest_paths([inbox], store, settings)
    assert (report.stored, report.duplicate) == (2, 1)


def test_on_outcome_is_called_once_per_input(inbox: Path, store: Store, settings: Settings) -> None:
    seen: list[tuple[Outcome, SaveResult | None]] = []
    ingest_paths([inbox], store, settings, on_outcome=lambda outcome, saved: seen.append((outcome, saved)))
    assert len(seen) == 4
    statuses = {Path(outcome.source).name: saved.status if saved else None for outcome, saved in seen}
    assert statuses == {"dump.txt": "stored", "empty.txt": None, "page.html": "stored", "photo.png": None}
    failed = [outcome for outcome, saved in seen if saved is None]
    assert all(outcome.error is not None and outcome.document is None for outcome in failed)


def test_store_error_fails_that_input_only(
    inbox: Path, store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = store.save_document

    def flaky_save(capture: Capture, document: Document, index: MinhashIndex | None = None) -> SaveResult:
        if capture.source.endswith("dump.txt"):
            raise StoreError(capture.source, "cannot save the document: database is locked")
        return real_save(capture, document, index)

    monkeypatch.setattr(store, "save_document", flaky_save)
    report = ingest_paths([inbox], store, settings)
    assert (report.stored, report.failed) == (1, 3)
    assert any(source.endswith("dump.txt") and "locked" in message for source, message in report.failures)


def test_drops_are_recorded_with_their_reason(
    inbox: Path, store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def drop_dumps(document: Document, settings: Settings) -> Document:
        if document.id == "dump":
            raise Dropped("off-topic", "no cue words")
        return document

    monkeypatch.setitem(STAGES, "test-drop", drop_dumps)
    report = ingest_paths([inbox], store, Settings(stages=("clean", "test-drop")))
    assert (report.stored, report.dropped, report.failed) == (1, 1, 2)
    assert store.counts()["drops"] == 1


def test_missing_path_is_a_failure(tmp_path: Path, store: Store, settings: Settings) -> None:
    report = ingest_paths([tmp_path / "nowhere"], store, settings)
    assert report.failed == 1
    assert report.failures[0][0].endswith("nowhere")


def test_extract_paths_stores_nothing(inbox: Path, settings: Settings) -> None:
    outcomes = {Path(outcome.source).name: outcome for outcome in extract_paths([inbox], settings)}
    assert set(outcomes) == {"dump.txt", "empty.txt", "page.html", "photo.png"}
    page = outcomes["page.html"].document
    assert page is not None
    assert page.article.byline == "Jane Doe"
    assert outcomes["empty.txt"].error is not None
