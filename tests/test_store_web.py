"""Contract tests of the web app's store queries (browse and search), on SQLite and, when configured, PostgreSQL.

The store is filled by ingesting the small pages of ``review_helpers``; see
``test_review.py`` for review, the audit log and re-extraction.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, MetaData, Table, insert, text

from redefection.app.cases import resolve_cases
from redefection.app.ingest import ingest_paths
from redefection.errors import NotFound
from redefection.fingerprint import fingerprint_text
from redefection.records import Article, Capture, Document
from redefection.settings import Settings
from redefection.store import CaseFilter, ClaimEntry, ClaimFilter, DocumentFilter, FactChange, Store, open_store
from redefection.store.connect import alembic_config, make_engine, parse_url
from redefection.store.search_sql import parse_query, snippet
from redefection.store.sql import SqlStore, capture_values, document_values
from redefection.store.web import CLAIM_SORTS
from review_helpers import BACKENDS, HAN, POSTGRES_URL, Filled, fill, open_backend, reset_postgres

HOSTILE = ['"', "AND(", "*", "'; DROP TABLE documents; --", "NEAR(a b", 'title:"x', "a OR", "^", "%_\\", "\x00"]


@pytest.fixture(params=BACKENDS)
def filled(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Filled]:
    for store in open_backend(request.param):
        yield fill(store, tmp_path / "pages")


def _labels(store: Store, filters: CaseFilter) -> list[str]:
    return [summary.label.split(",")[0] for summary in store.list_cases(filters).items]


def test_case_list_is_latest_first_and_filtered_in_the_database(filled: Filled) -> None:
    store = filled.store
    page = store.list_cases(CaseFilter())
    assert page.total == 4
    assert _labels(store, CaseFilter()) == ["Choi Min-ho", "Han Su-jin", "이 (surname only)", "张 (surname only)"]
    assert _labels(store, CaseFilter(year=2021)) == ["이 (surname only)"]  # of the event date
    assert _labels(store, CaseFilter(year=2022)) == ["Han Su-jin"]  # no event date: of the disclosure
    assert _labels(store, CaseFilter(status="attempted")) == ["Choi Min-ho"]
    assert _labels(store, CaseFilter(reason="maladjustment")) == ["Choi Min-ho", "이 (surname only)"]
    assert _labels(store, CaseFilter(language="zh")) == ["张 (surname only)"]
    assert _labels(store, CaseFilter(q="su-jin")) == ["Han Su-jin"]
    assert _labels(store, CaseFilter(q="choi", language="ko")) == []
    assert _labels(store, CaseFilter(review="reviewed")) == []
    assert store.list_cases(CaseFilter(review="machine")).total == 4
    assert store.list_cases(CaseFilter(q="100%_")).total == 0  # LIKE wildcards are literal


def test_case_list_pages_and_summarises(filled: Filled) -> None:
    second = filled.store.list_cases(CaseFilter(), limit=1, offset=1)
    assert (second.total, len(second.items), second.has_next) == (4, 1, True)
    summary = second.items[0]
    assert summary.label.startswith("Han Su-jin")
    assert (summary.incidents, summary.reviewed, summary.languages, summary.reasons) == (1, 0, ("en",), ("unknown",))
    last = filled.store.list_cases(CaseFilter(), limit=2, offset=2)
    assert not last.has_next
    for filters in (CaseFilter(), CaseFilter(status="returned")):  # past the last page: still counted
        beyond = filled.store.list_cases(filters, limit=2, offset=10)
        assert (beyond.items, beyond.total) == ((), filled.store.list_cases(filters).total)
    returned = filled.store.list_cases(CaseFilter(status="returned"), limit=1, offset=1)
    assert (len(returned.items), returned.total, returned.has_next) == (1, 3, True)
    assert filled.store.list_cases(CaseFilter(q="nobody")).total == 0
    with pytest.raises(ValueError):
        filled.store.list_cases(CaseFilter(), limit=-1)


def test_case_detail_names_incidents_documents_and_folds_copies(filled: Filled) -> None:
    incident = filled.incident("en-bus.html")
    detail = filled.store.get_case(filled.case_of(incident))
    fields = dict(detail.fields)
    (age,) = fields["age"]
    assert (age.value, age.incident_ids, age.document_ids) == (31, (incident,), (filled.documents["en-bus.html"],))
    assert [fact.id for fact in detail.incidents] == [incident]
    assert detail.incidents[0].evidence and detail.incidents[0].values["name"] == "Choi Min-ho"
    assert dict(detail.confirmed_by)["single_outlet"] == (filled.documents["en-bus.html"],)
    # The same article on two outlets: one source, the other page folded under it.
    (source,) = detail.sources
    assert (source.document_id, source.copies) == (filled.documents["en-bus.html"], 1)
    assert source.cluster_id is not None and source.title == "Defector tries to drive stolen truck back to the North"
    assert detail.conflicts == () and detail.summary.id == filled.case_of(incident)
    with pytest.raises(NotFound):
        filled.store.get_case(10_000)


def test_facet_counts(filled: Filled) -> None:
    facets = filled.store.facet_counts()
    assert facets["status"] == {"attempted": 1, "returned": 3}
    assert facets["reason"] == {"maladjustment": 2, "unknown": 2}
    assert facets["year"] == {"2023": 1, "2022": 1, "2021": 1, "2019": 1}
    assert facets["language"] == {"en": 3, "ko": 1, "zh": 1}


def _found(store: Store, q: str, **filters: object) -> list[int]:
    return [hit.document.id for hit in store.search_documents(DocumentFilter(q=q, **filters)).items]  # type: ignore[arg-type]


def test_search_finds_words_prefixes_and_ranks(filled: Filled) -> None:
    store, ids = filled.store, filled.documents
    assert _found(store, "orchard") == [ids["en-orchard.html"]]
    assert _found(store, "Pyongyang teacher") == [ids["en-han.html"]]  # title and body words, all required
    assert _found(store, "Pyongyang truck") == []
    assert _found(store, "spokes") == [ids["en-han.html"]]  # a prefix of "spokesman"
    assert set(_found(store, "defector")) == {ids["en-bus.html"], ids["en-han.html"]}
    assert _found(store, "defector", year=2022) == [ids["en-han.html"]]
    assert _found(store, "defector", relevant=False) == []
    hits = store.search_documents(DocumentFilter(q="truck")).items
    assert hits[0].rank > 0 and hits[0].snippet[1].lower() == "truck"


def test_search_short_words_alone_and_with_long_ones_issue_14(filled: Filled) -> None:
    store, ids = filled.store, filled.documents
    # Words of one or two characters alone (a surname like Ri, UN, a number) search the word index.
    assert _found(store, "Su") == [ids["en-han.html"]]  # Han Su-jin
    assert set(_found(store, "31")) == {ids["en-bus.html"], ids["en-han.html"]}  # Choi, 31; 31 defectors
    assert _found(store, "Ri") == []
    # Mixed with a longer word, every word is still required: "3" is inside the Korean and Chinese pages,
    # "Pyongyang" is not, so neither is found (the long word's condition must not be dropped).
    assert _found(store, "3 Pyongyang") == []
    assert _found(store, "31 Pyongyang") == [ids["en-han.html"]]
    assert _found(store, "Min ho") == [ids["en-bus.html"]]


def test_search_korean_and_chinese(filled: Filled) -> None:
    store, ids = filled.store, filled.documents
    assert _found(store, "탈북민") == [ids["ko-swim.html"]]  # trigram: a word inside 탈북민이
    assert _found(store, "적응하지") == [ids["ko-swim.html"]]
    assert _found(store, "이모") == [ids["ko-swim.html"]]  # two syllables: scanned, not indexed
    assert _found(store, "脱北者") == [ids["zh-return.html"]]
    assert _found(store, "朝鲜") == [ids["zh-return.html"]]
    assert _found(store, "統一") == []  # traditional characters are other characters
    assert _found(store, "脱北者 2014") == [ids["zh-return.html"]]  # a CJK term and a word together
    (hit,) = store.search_documents(DocumentFilter(q="统一部")).items
    assert hit.snippet[1] == "统一部" and "统一部" not in hit.snippet[0]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_search_as_plain_words(filled: Filled, query: str) -> None:
    page = filled.store.search_documents(DocumentFilter(q=query))
    words = parse_query(query).words
    if not words:  # punctuation alone asks for that very string: no page holds it (a NUL is no query at all)
        assert page.total == (5 if query == "\x00" else 0)
    for hit in page.items:
        assert all(isinstance(piece, str) for piece in hit.snippet)
        assert all(piece.lower().startswith(tuple(w.lower() for w in words)) for piece in hit.snippet[1::2])
    assert filled.store.list_cases(CaseFilter(q=query)).total >= 0
    assert filled.store.counts()["documents"] == 5


def test_search_without_words_lists_newest_first(filled: Filled) -> None:
    page = filled.store.search_documents(DocumentFilter(language="en"))
    dates = [hit.document.published for hit in page.items]
    assert len(dates) == 3 and dates == sorted(dates, key=lambda d: d or date.min, reverse=True)
    assert page.items[0].snippet and not page.items[0].snippet[0].startswith("<")


def test_snippet_marks_matches_in_plain_text() -> None:
    body = "The <b>ministry</b> said the man, a Séoul resident, went back. The Ministry declined to comment."
    pieces = snippet(body, parse_query("ministry seoul"))
    assert pieces[1::2] == ("ministry", "Séoul", "Ministry")
    assert "".join(pieces) == body
    assert snippet("x" * 500, parse_query("absent"))[0].endswith("…")
    assert snippet("", parse_query("absent")) == ()


def test_facts_claims_quotes_and_raw_capture(filled: Filled) -> None:
    store, han = filled.store, filled.documents["en-han.html"]
    facts = store.list_facts(han)
    assert [(f.kind, f.position) for f in facts] == [("incident", 0), ("claim", 0), ("claim", 1), ("quote", 0)]
    claim = store.get_fact("claim", facts[2].id)
    assert (claim.values["value"], claim.values["source"], claim.is_machine) == (31, "Ministry of Unification", True)
    with pytest.raises(NotFound):
        store.get_fact("quote", 10_000)
    with pytest.raises(ValueError, match="kind"):
        store.get_fact("rumour", 1)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        store.list_facts(10_000)
    claims = store.list_claims(ClaimFilter())
    assert claims.total == 3 and claims.items[0].document.document_id == han  # newest report first
    assert store.list_claims(ClaimFilter(source="unification", year=2019)).total == 1
    assert store.list_claims(ClaimFilter(subject="arrivals")).total == 0
    quotes = store.list_quotes()
    assert quotes.total == 2 and quotes.items[0].fact.values["organization"] == "police"
    raw, content_type = store.get_raw_capture(han)
    assert raw == (filled.folder / "en-han.html").read_bytes()
    assert content_type is None or "html" in content_type
    with pytest.raises(NotFound):
        store.get_raw_capture(10_000)


def _search_sql(store: Store, statement: str) -> None:
    assert isinstance(store, SqlStore)
    with store.engine.begin() as connection:
        connection.execute(text(statement))


def test_search_index_follows_changes_to_documents(filled: Filled) -> None:
    store, han = filled.store, filled.documents["en-han.html"]
    _search_sql(store, f"UPDATE documents SET title = 'Orange harvest', language = 'zh' WHERE id = {han}")
    assert _found(store, "Pyongyang") == [] and _found(store, "harvest") == [han]
    _search_sql(store, f"UPDATE documents SET body_text = '他回到了朝鲜半岛' WHERE id = {han}")
    assert _found(store, "回到了") == [han]  # now a Chinese document: in the trigram index too
    _search_sql(store, f"DELETE FROM documents WHERE id = {filled.documents['en-orchard.html']}")
    assert _found(store, "orchard") == []


def save_at_old_schema(engine: Engine, capture: Capture, document: Document) -> int:
    """Store a document in a database at an older revision: today's rows, with only the columns it has."""
    tables = MetaData()
    tables.reflect(engine, only=["captures", "documents"])
    now = datetime.now(UTC)

    def columns(values: dict[str, Any], table: Table) -> dict[str, Any]:
        return {c.name: values[c.name] for c in table.columns if c.name != "id"}

    with engine.begin() as connection:
        captures, documents = tables.tables["captures"], tables.tables["documents"]
        capture_id = connection.execute(insert(captures).values(columns(capture_values(capture, now), captures)))
        row = document_values(capture_id.inserted_primary_key[0], document, fingerprint_text(document.text), now)
        inserted = connection.execute(insert(documents).values(columns(row, documents)))
        return int(inserted.inserted_primary_key[0])


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_0008_indexes_documents_stored_before_it(backend: str, tmp_path: Path) -> None:
    url = str(tmp_path / "old.db") if backend == "sqlite" else str(POSTGRES_URL)
    if backend != "sqlite":
        reset_postgres(url)
    engine = make_engine(parse_url(url))
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
    capture = Capture(source="old/탈북.html", data=b"x", content_type="text/html")
    article = Article(title="Old report", body=("탈북민 김씨가 재입북했다.", "An older defector story."))
    document = Document(id="old", source=capture.source, sha256=capture.sha256, format="html", article=article)
    document_id = save_at_old_schema(engine, capture, document)
    engine.dispose()
    store = open_store(url)  # migrates to the latest revision
    try:
        assert _found(store, "defector") == [document_id]
        assert _found(store, "재입북") == [document_id]  # language unknown: in the trigram index as well
    finally:
        store.close()


def test_search_past_the_last_page_still_counts(filled: Filled) -> None:
    page = filled.store.search_documents(DocumentFilter(q="defector"), limit=10, offset=50)
    assert (page.items, page.total, page.has_next) == ((), 2, False)
    assert filled.store.search_documents(DocumentFilter(language="xx")).total == 0


def _python_order(entries: list[ClaimEntry], sort: str, ascending: bool) -> list[int]:
    """Claim ids in the order a sort in Python gives (the claims page did so before it sorted in SQL)."""

    def key(entry: ClaimEntry) -> Any:
        values, document = entry.fact.values, entry.document
        return {
            "subject": values["subject"],
            "value": values["value"],
            "source": (values["source"] or "").casefold(),
            "outlet": (document.outlet or "").casefold(),
            "date": document.published or date.min,
        }[sort]

    return [entry.fact.id for entry in sorted(entries, key=key, reverse=not ascending)]  # stable: ties keep order


@pytest.mark.parametrize("ascending", [True, False])
def test_claims_sort_in_the_database_and_ties_keep_newest_first(filled: Filled, ascending: bool) -> None:
    store = filled.store
    newest_first = list(store.list_claims(ClaimFilter()).items)
    assert len(newest_first) == 3 and len({e.document.document_id for e in newest_first}) == 2  # ties on outlet
    for sort in CLAIM_SORTS:
        page = store.list_claims(ClaimFilter(sort=sort, ascending=ascending))
        assert [e.fact.id for e in page.items] == _python_order(newest_first, sort, ascending), sort
        assert page.total == 3
        second = store.list_claims(ClaimFilter(sort=sort, ascending=ascending), limit=1, offset=1)
        assert second.items[0].fact.id == page.items[1].fact.id and second.total == 3
    values = [e.fact.values["value"] for e in store.list_claims(ClaimFilter(sort="value", ascending=ascending)).items]
    assert values == sorted(values, reverse=not ascending) and len(set(values)) > 1
    with pytest.raises(ValueError, match="sort"):
        store.list_claims(ClaimFilter(sort="nonsense"))  # type: ignore[arg-type]
    zh = filled.documents["zh-return.html"]
    _search_sql(store, f"UPDATE documents SET published = NULL, outlet = NULL WHERE id = {zh}")
    newest_first = list(store.list_claims(ClaimFilter()).items)
    assert newest_first[-1].document.document_id == zh  # no date: last when newest come first
    for sort in ("date", "outlet"):  # no date, no outlet: the smallest value (PostgreSQL puts NULL last by default)
        page = store.list_claims(ClaimFilter(sort=sort, ascending=ascending))
        assert [e.fact.id for e in page.items] == _python_order(newest_first, sort, ascending), sort
        assert page.items[0 if ascending else -1].document.document_id == zh


def test_claim_and_quote_pages_name_their_documents(filled: Filled) -> None:
    store, han = filled.store, filled.documents["en-han.html"]
    claims = store.list_claims(ClaimFilter(), limit=2)
    assert [e.fact.position for e in claims.items] == [0, 1] and claims.has_next
    ref = claims.items[0].document
    stored = store.get_document(han)
    assert (ref.document_id, ref.title, ref.outlet, ref.published) == (
        han,
        stored.title,
        stored.outlet,
        stored.published,
    )
    assert (ref.language, ref.uri, ref.source) == (stored.language, stored.uri, stored.source)
    assert [e.fact.values["value"] for e in store.list_claims(ClaimFilter(), limit=1, offset=2).items] != []
    assert store.list_claims(ClaimFilter(), offset=10).items == ()
    bus = store.list_quotes().items[0].document
    assert bus.document_id == filled.documents["en-bus.html"] and bus.cluster_id is not None  # copies: a cluster


def test_documents_load_together(filled: Filled) -> None:
    store, ids = filled.store, filled.documents
    wanted = [ids["ko-swim.html"], ids["en-han.html"], ids["ko-swim.html"], 10_000]
    found = store.get_documents(wanted)
    assert set(found) == {ids["ko-swim.html"], ids["en-han.html"]}  # each once; a missing id is left out
    assert found[ids["en-han.html"]] == store.get_document(ids["en-han.html"])
    assert store.get_documents([]) == {}


def test_change_signature_moves_with_every_change_pages_count(filled: Filled, tmp_path: Path) -> None:
    store = filled.store
    before = store.change_signature()
    store.list_cases(CaseFilter())
    store.facet_counts()
    assert store.change_signature() == before  # reading changes nothing
    claim = store.list_claims(ClaimFilter()).items[0].fact
    store.review_fact(FactChange("claim", claim.id, "confirm", "editor"))
    reviewed = store.change_signature()
    assert reviewed != before  # an audit entry
    resolve_cases(store)  # the confirmed claim changes no case: nothing to rewrite
    assert store.change_signature() == reviewed
    store.record_failure("pages/broken.html", "fetch", "timeout")
    failed = store.change_signature()
    assert failed != reviewed
    page = tmp_path / "more" / "en-new.html"
    page.parent.mkdir()
    page.write_text(HAN.replace("Han Su-jin", "Kang Min-ji").replace("Valley Courier", "Hill Times"), "utf-8")
    assert ingest_paths([page.parent], store, Settings()).stored == 1  # resolves the cases too
    ingested = store.change_signature()
    assert ingested != failed
    store.replace_cases([])  # cases removed, no other row touched
    emptied = store.change_signature()
    assert emptied != ingested
    resolve_cases(store)  # and built again
    assert store.change_signature() not in (emptied, ingested)
