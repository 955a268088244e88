"""The three relevance outcomes in the store, the review queue, exports, alerts and the public view."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import MetaData, insert

from redefection.app import browse, review
from redefection.app.cases import resolve_cases
from redefection.app.export import export_data
from redefection.app.ingest import ingest_paths
from redefection.errors import NotFound
from redefection.monitor.alerts import document_items
from redefection.records import Article, Capture, Document
from redefection.settings import Settings
from redefection.store import AuditFilter, CaseFilter, DocumentFilter, FactChange, Store, open_store
from redefection.store.connect import alembic_config, make_engine, parse_url
from redefection.store.sql import capture_values, document_values
from web_helpers import bearer, build_store, logged_in

FILLER = " ".join(f"Stall {n} sold cabbages and pears at the morning market." for n in range(6))
PAGES = {
    # relevant: the defector and the move north in one sentence
    "swim.txt": "Defector swims back to the North\n\n"
    "A defector named Ri Chol-su, 29, who arrived in the South in 2017, swam back to the North in June 2021, "
    "the military said.\n",
    # possible: a defector, and far from it a move north told of nobody in particular
    "market.txt": "Market stalls reopen in Suwon\n\n"
    "Kim Su-jin, a defector, opened a shop at the Suwon market in 2015.\n\n"
    f"{FILLER}\n\n"
    "A 40-year-old man crossed back into the North in March 2021, the army said.\n",
    # not relevant
    "frost.txt": "Late frost worries orchard growers\n\n"
    "Apple growers in the valley fear that a late frost could damage blossoms, the cooperative said.\n",
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, text in PAGES.items():
        (inbox / name).write_text(text, encoding="utf-8")
    opened = open_store(str(tmp_path / "relevance.db"))
    ingest_paths([inbox], opened, Settings())
    resolve_cases(opened)
    try:
        yield opened
    finally:
        opened.close()


def doc_id(store: Store, key: str) -> int:
    return next(d.id for d in store.list_documents(limit=50) if d.key == key)


def case_documents(store: Store) -> set[int]:
    found = set()
    for summary in store.list_cases(CaseFilter(), limit=100).items:
        found |= {fact.document_id for fact in store.get_case(summary.id).incidents}
    return found


def test_each_outcome_is_stored_with_its_evidence(store: Store) -> None:
    outcomes = {d.key: (d.relevance, d.relevant) for d in store.list_documents(limit=50)}
    assert outcomes == {
        "swim": ("relevant", True),
        "market": ("possible", False),
        "frost": ("not_relevant", False),
    }
    market = store.get_document(doc_id(store, "market"))
    assert any("crossed back" in cue for cue in market.relevance_cues)
    assert store.counts()["possible"] == 1 and store.counts()["relevant"] == 1
    queue = store.search_documents(DocumentFilter(relevance="possible")).items
    assert [hit.document.key for hit in queue] == ["market"]
    # The candidate's facts are extracted and kept for review.
    assert [f.kind for f in store.list_facts(market.id)] == ["incident"]


def test_possible_facts_stay_out_of_cases_exports_alerts_and_the_public_view(store: Store) -> None:
    market = doc_id(store, "market")
    assert case_documents(store) == {doc_id(store, "swim")}
    exported = export_data(store)
    assert market not in {d.id for d in exported.documents}
    assert all(m.item.document_id != market for c in exported.cases for m in c.case.incidents)
    # Even a fact an editor confirmed is not public while its document waits.
    incident = store.list_facts(market)[0]
    store.review_fact(FactChange("incident", incident.id, "confirm", "editor"))
    with pytest.raises(NotFound):
        browse.get_document(store, market, public=True)
    with pytest.raises(NotFound):
        browse.get_fact(store, "incident", incident.id, public=True)
    public = browse.search_documents(store, DocumentFilter(), public=True).items
    assert market not in {hit.document.id for hit in public}


def test_a_possible_document_raises_no_alert() -> None:
    from extract_helpers import make_doc
    from redefection.extract import extract_facts
    from redefection.relevance import relevance_stage

    body = ("Kim Su-jin, a defector, opened a shop in 2015.", FILLER, "A man crossed back into the North in 2021.")
    possible: Document = extract_facts(relevance_stage(make_doc(*body), Settings()))
    assert possible.relevance == "possible" and possible.incidents
    assert document_items(1, possible) == []
    relevant = extract_facts(relevance_stage(make_doc("A defector swam back to the North in 2021."), Settings()))
    assert document_items(1, relevant)


def test_promoting_is_audited_and_brings_the_facts_in(store: Store) -> None:
    market = doc_id(store, "market")
    promoted = review.decide_relevance(store, market, "relevant", who="editor", note="the man is Kim")
    assert (promoted.relevance, promoted.relevant) == ("relevant", True)
    entry = store.list_audit(AuditFilter(kind="document")).items[0]
    assert (entry.who, entry.action, entry.target_id, entry.field) == ("editor", "confirm", market, "relevance")
    assert (entry.old, entry.new, entry.note) == ("possible", "relevant", "the man is Kim")
    assert market in case_documents(store)  # cases were rebuilt
    assert market in {d.id for d in export_data(store).documents}


def test_dismissing_is_audited_and_keeps_the_facts_out(store: Store) -> None:
    market = doc_id(store, "market")
    dismissed = review.decide_relevance(store, market, "not_relevant", who="editor")
    assert (dismissed.relevance, dismissed.relevant) == ("not_relevant", False)
    entry = store.list_audit(AuditFilter(kind="document")).items[0]
    assert (entry.action, entry.old, entry.new) == ("reject", "possible", "not_relevant")
    assert market not in case_documents(store)
    assert store.counts()["possible"] == 0
    with pytest.raises(ValueError, match="relevance"):
        review.decide_relevance(store, market, "possible", who="editor")
    with pytest.raises(ValueError, match="already not relevant"):
        review.decide_relevance(store, market, "not_relevant", who="editor")
    with pytest.raises(NotFound):
        review.decide_relevance(store, 9999, "relevant", who="editor")


def test_review_queue_in_the_web_app(tmp_path: Path) -> None:
    web_store = build_store(tmp_path)
    inbox = tmp_path / "more"
    inbox.mkdir()
    (inbox / "market.txt").write_text(PAGES["market.txt"], encoding="utf-8")
    ingest_paths([inbox], web_store, Settings())
    market = doc_id(web_store, "market")
    with logged_in(web_store, "editor") as (http, token):
        page = http.get("/documents?relevance=possible")
        assert page.status_code == 200
        assert "crossed back into the North" in page.text and "Promote to relevant" in page.text
        assert "possibly relevant, to review" in http.get("/").text
        answer = http.post(f"/documents/{market}/relevance/promote", data={"csrf_token": token, "back": "/"})
        assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert web_store.get_document(market).relevance == "relevant"
    with logged_in(web_store, "viewer") as (http, token):
        audit = http.get("/audit?kind=document").text
        assert "document relevance" in audit and f"document #{market}" in audit
        assert http.post(f"/documents/{market}/relevance/dismiss", data={"csrf_token": token}).status_code == 403
    with logged_in(web_store, "editor") as (http, token):
        api = http.post(
            f"/api/v1/documents/{market}/relevance",
            json={"relevance": "not_relevant", "note": "market gossip"},
            headers=bearer(web_store, "editor"),
        )
        assert api.status_code == 200 and api.json()["relevance"] == "not_relevant"
    assert web_store.get_document(market).relevance == "not_relevant"
    web_store.close()


def test_migration_0010_gives_existing_documents_their_outcome(tmp_path: Path) -> None:
    url = str(tmp_path / "old.db")
    engine = make_engine(parse_url(url))
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0009")
    tables = MetaData()
    tables.reflect(engine, only=["captures", "documents"])
    now = datetime.now(UTC)
    with engine.begin() as connection:
        for n, flag in enumerate((True, False, None)):
            capture = Capture(source=f"old/{n}.txt", data=f"page {n}".encode(), content_type="text/plain")
            article = Article(body=(f"text {n}",))
            document = Document(str(n), capture.source, capture.sha256, "text", article, relevant=flag)
            captures, documents = tables.tables["captures"], tables.tables["documents"]
            row = capture_values(capture, now)
            kept = {c.name: row[c.name] for c in captures.columns if c.name != "id"}
            capture_id = connection.execute(insert(captures).values(kept)).inserted_primary_key[0]
            drow = document_values(capture_id, document, f"fingerprint-{n}", now)
            connection.execute(
                insert(documents).values({c.name: drow[c.name] for c in documents.columns if c.name != "id"})
            )
    engine.dispose()
    store = open_store(url)  # migrates to the latest revision
    try:
        assert {d.key: d.relevance for d in store.list_documents()} == {"0": "relevant", "1": "not_relevant", "2": None}
    finally:
        store.close()
