"""Review: corrections reach the cases, every decision is audited, re-extraction keeps what people decided."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from redefection.app.review import merge_cases, reextract_documents, review_fact, split_case
from redefection.cli import cli
from redefection.errors import NotFound
from redefection.records import Span
from redefection.settings import Settings
from redefection.store import AuditFilter, CaseFilter, ClaimFilter, FactChange, StoredFact, open_store
from redefection.store.sql import SqlStore
from review_helpers import BACKENDS, Filled, fill, open_backend


@pytest.fixture(params=BACKENDS)
def filled(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Filled]:
    for store in open_backend(request.param):
        yield fill(store, tmp_path / "pages")


def _correct(filled: Filled, fact_id: int, kind: str = "incident", **changes: Any) -> StoredFact:
    return review_fact(filled.store, FactChange(kind, fact_id, "correct", "ana", changes, note="checked"))  # type: ignore[arg-type]


def test_correction_flows_into_the_case_and_is_audited(filled: Filled) -> None:
    choi = filled.incident("en-bus.html")
    fact = _correct(filled, choi, age="32", reasons="maladjustment, coercion", occupation="")
    assert fact.review_state == "corrected"
    assert (fact.values["age"], fact.values["reasons"], fact.values["occupation"]) == (
        32,
        ["maladjustment", "coercion"],
        None,
    )
    case_id = filled.case_of(choi)
    detail = filled.store.get_case(case_id)
    assert [v.value for v in dict(detail.fields)["age"]] == [32]
    assert detail.summary.reviewed == 1 and detail.summary.label.startswith("Choi Min-ho, 32")
    assert "coercion" in detail.summary.reasons
    assert filled.store.list_cases(CaseFilter(review="reviewed")).total == 1
    entries = filled.store.list_audit(AuditFilter(target_id=choi, kind="incident")).items
    changed = {entry.field: (entry.old, entry.new) for entry in entries}
    assert changed == {
        "age": (31, 32),
        "reasons": (["maladjustment"], ["maladjustment", "coercion"]),
    }  # occupation unchanged
    assert all(e.who == "ana" and e.action == "correct" and e.note == "checked" for e in entries)
    assert all(e.case_ids == (case_id,) and e.document_id == filled.documents["en-bus.html"] for e in entries)
    assert filled.store.list_audit(AuditFilter(case_id=case_id)).total == 2
    assert filled.store.list_audit(AuditFilter(who="someone else")).total == 0


def test_confirm_and_reject(filled: Filled) -> None:
    store = filled.store
    han = filled.incident("en-han.html")
    confirmed = review_fact(store, FactChange("incident", han, "confirm", "ana"))
    assert confirmed.review_state == "confirmed" and not confirmed.is_machine
    # A rights group's figure the ministry's data contradict: a reviewer rejects it.
    claims = [f for f in store.list_facts(filled.documents["en-han.html"]) if f.kind == "claim"]
    wrong = next(c for c in claims if c.values["value"] == 40)
    review_fact(store, FactChange("claim", wrong.id, "reject", "ana", note="contradicted by the ministry"))
    assert store.get_fact("claim", wrong.id).review_state == "rejected"
    values = [entry.fact.values["value"] for entry in store.list_claims(ClaimFilter()).items]
    assert 40 not in values and 31 in values
    entry = store.list_audit(AuditFilter(kind="claim")).items[0]
    assert (entry.action, entry.field, entry.old, entry.new, entry.case_ids) == (
        "reject",
        None,
        "machine",
        "rejected",
        (),
    )
    # Rejecting an incident takes it out of the cases.
    swim = filled.incident("ko-swim.html")
    review_fact(store, FactChange("incident", swim, "reject", "ana"))
    assert store.list_cases(CaseFilter()).total == 3
    assert store.list_audit(AuditFilter(target_id=swim)).items[0].new == "rejected"


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        ("incident", {"age": "old"}, "age"),
        ("incident", {"age": 300}, "age"),
        ("incident", {"age": True}, "age"),
        ("incident", {"gender": "x"}, "gender"),
        ("incident", {"status": "gone"}, "status"),
        ("incident", {"reasons": ["homesick"]}, "reasons"),
        ("incident", {"returned": "2020-13"}, "returned"),
        ("incident", {"group_size": 0}, "group_size"),
        ("incident", {"name": "x" * 600}, "name"),
        ("incident", {"colour": "red"}, "colour"),
        ("claim", {"subject": "weather"}, "subject"),
        ("claim", {"qualifier": "roughly"}, "qualifier"),
        ("claim", {"value": -1}, "value"),
        ("quote", {"speaker": 7}, "speaker"),
        ("incident", {}, "changes"),
    ],
)
def test_bad_values_raise_naming_the_field(filled: Filled, kind: str, changes: dict[str, Any], field: str) -> None:
    document = "en-han.html" if kind != "incident" else "en-bus.html"
    fact = next(f for f in filled.store.list_facts(filled.documents[document]) if f.kind == kind)
    with pytest.raises(ValueError, match=f"^{field}: "):
        review_fact(filled.store, FactChange(kind, fact.id, "correct", "ana", changes))  # type: ignore[arg-type]
    assert filled.store.get_fact(kind, fact.id) == fact  # type: ignore[arg-type]
    assert filled.store.list_audit(AuditFilter()).total == 0


def test_review_of_a_missing_fact_or_same_values(filled: Filled) -> None:
    with pytest.raises(NotFound):
        review_fact(filled.store, FactChange("quote", 10_000, "confirm", "ana"))
    choi = filled.incident("en-bus.html")
    with pytest.raises(ValueError, match=r"^changes: "):
        _correct(filled, choi, age=31)


def test_reextract_keeps_reviewed_values(filled: Filled) -> None:
    store, bus, han = filled.store, filled.documents["en-bus.html"], filled.documents["en-han.html"]
    choi = filled.incident("en-bus.html")
    _correct(filled, choi, age=33)
    wrong = next(f for f in store.list_facts(han) if f.kind == "claim" and f.values["value"] == 40)
    review_fact(store, FactChange("claim", wrong.id, "reject", "ana"))
    before = {(d, f.kind, f.position): f for d in (bus, han) for f in store.list_facts(d)}

    report = reextract_documents(store, Settings())
    assert (report.documents, report.failures) == (5, ())
    after = {(d, f.kind, f.position): f for d in (bus, han) for f in store.list_facts(d)}
    assert after.keys() == before.keys()  # nothing added over reviewed evidence; positions kept
    assert after[(bus, "incident", 0)].id == choi and after[(bus, "incident", 0)].values["age"] == 33  # the person's
    assert after[(han, "claim", 0)].review_state == "rejected"
    assert after[(han, "claim", 1)].id == before[(han, "claim", 1)].id  # found again: same row
    assert after[(han, "claim", 1)].values == before[(han, "claim", 1)].values
    assert after[(han, "incident", 0)].values == before[(han, "incident", 0)].values
    assert [v.value for v in dict(store.get_case(filled.case_of(choi)).fields)["age"]] == [33]
    assert store.counts()["incidents"] == 4


def test_reextract_keeps_fact_ids_issue_13(filled: Filled) -> None:
    store = filled.store
    documents = sorted(set(filled.documents.values()))
    before = {(d, f.kind, f.position): f.id for d in documents for f in store.list_facts(d)}
    choi, han = filled.incident("en-bus.html"), filled.incident("en-han.html")
    merge_cases(store, [choi, han], who="ana")
    reextract_documents(store, Settings())
    reextract_documents(store, Settings())
    after = {(d, f.kind, f.position): f.id for d in documents for f in store.list_facts(d)}
    assert after == before  # every fact found again keeps its id and position
    assert filled.case_of(choi) == filled.case_of(han)  # the merge still names the same incidents
    merged = filled.case_of(choi)
    split_case(store, merged, [han], who="ana")  # ids from before re-extraction still work
    assert filled.case_of(han) != filled.case_of(choi)
    assert store.get_fact("incident", choi).id == choi


def test_replace_machine_facts_matches_by_evidence_issue_13(filled: Filled) -> None:
    store, han = filled.store, filled.documents["en-han.html"]
    old = {f.kind: f for f in store.list_facts(han) if f.kind in ("incident", "quote")}
    incident, quote = old["incident"], old["quote"]
    wider = Span(incident.evidence[0].start, incident.evidence[0].end + 3, "wider")
    moved = StoredFact("incident", 0, han, 5, {**incident.values, "age": 41}, (wider,), "machine", "")
    fresh = StoredFact("quote", 0, han, 0, {"speaker": "Kim"}, (Span(0, 3, "A d"),), "machine", "")
    assert store.replace_machine_facts(han, [fresh, moved], "v2") == 2
    facts = store.list_facts(han)
    kept = next(f for f in facts if f.kind == "incident")
    assert (kept.id, kept.position, kept.values["age"], kept.evidence) == (incident.id, incident.position, 41, (wider,))
    assert kept.extractor_version == "v2"
    (new_quote,) = [f for f in facts if f.kind == "quote"]
    assert new_quote.values["speaker"] == "Kim" and new_quote.evidence != quote.evidence  # the old one is gone
    assert not [f for f in facts if f.kind == "claim"]  # claims not found again are gone


def test_replace_machine_facts_takes_free_positions(filled: Filled) -> None:
    store, han = filled.store, filled.documents["en-han.html"]
    quote = next(f for f in store.list_facts(han) if f.kind == "quote")
    review_fact(store, FactChange("quote", quote.id, "confirm", "ana"))
    over = StoredFact("quote", 0, han, 0, {"speaker": "someone"}, quote.evidence, "machine", "")
    elsewhere = StoredFact("quote", 0, han, 0, {"speaker": "Park"}, (Span(0, 5, "A def"),), "machine", "")
    bare = StoredFact("claim", 0, han, 0, {"subject": "other", "value": 3, "qualifier": "about"}, (), "machine", "")
    assert store.replace_machine_facts(han, [over, elsewhere, bare], "test") == 2
    facts = store.list_facts(han)
    assert [(f.kind, f.position, f.review_state) for f in facts] == [
        ("claim", 0, "machine"),
        ("quote", 0, "confirmed"),
        ("quote", 1, "machine"),
    ]
    assert facts[2].values["speaker"] == "Park" and facts[2].extractor_version == "test"
    with pytest.raises(NotFound):
        store.replace_machine_facts(10_000, [], "test")


def test_merge_and_split_are_kept_and_audited(filled: Filled) -> None:
    store = filled.store
    choi, han = filled.incident("en-bus.html"), filled.incident("en-han.html")
    found = merge_cases(store, [choi, han], who="ana", note="same person, two names")
    merged = filled.case_of(choi)
    assert filled.case_of(han) == merged and store.list_cases(CaseFilter()).total == 3
    assert any(stored.id == merged for stored in found)
    (entry,) = store.list_audit(AuditFilter(kind="case")).items
    assert (entry.action, entry.target_id, entry.new, entry.case_ids) == (
        "merge",
        merged,
        {"incidents": [choi, han]},
        (merged,),
    )
    assert store.list_audit(AuditFilter(case_id=merged)).total == 1

    split_case(store, merged, [han], who="bo")
    assert filled.case_of(han) != filled.case_of(choi) and store.list_cases(CaseFilter()).total == 4
    splits = store.list_audit(AuditFilter(kind="case", who="bo")).items
    assert {e.target_id for e in splits} == {filled.case_of(han), filled.case_of(choi)}
    assert all(e.new == {"incidents": [han], "others": [choi], "from_case": merged} for e in splits)
    with pytest.raises(ValueError, match="incident_ids"):
        split_case(store, filled.case_of(han), [choi], who="bo")  # not in that case
    with pytest.raises(ValueError, match="incident_ids"):
        merge_cases(store, [choi], who="bo")
    with pytest.raises(NotFound):
        merge_cases(store, [choi, 10_000], who="bo")


def test_cli_reextract_merge_split(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    store = open_store(db)
    try:
        filled = fill(store, tmp_path / "pages")
    finally:
        store.close()
    runner = CliRunner()
    done = runner.invoke(cli, ["reextract", "--db", db], catch_exceptions=False)
    assert done.exit_code == 0 and "re-extracted 5 documents" in done.output
    assert runner.invoke(cli, ["reextract", "--db", db, "999"]).exit_code == 2
    assert runner.invoke(cli, ["reextract", "--db", str(tmp_path / "none.db")]).exit_code == 2
    store = open_store(db)
    try:  # machine facts found again keep their row ids
        choi, han = (replace(filled, store=store).incident(name) for name in ("en-bus.html", "en-han.html"))
    finally:
        store.close()
    merged = runner.invoke(cli, ["merge", str(choi), str(han), "--db", db, "--who", "cy"], catch_exceptions=False)
    assert merged.exit_code == 0 and merged.output.startswith("case ")
    case_id = int(merged.output.split()[1].rstrip(":"))
    split = runner.invoke(cli, ["split", str(case_id), str(han), "--db", db, "--note", "two people"])
    assert split.exit_code == 0 and len(split.output.splitlines()) == 2
    assert runner.invoke(cli, ["merge", str(choi), "--db", db]).exit_code == 2
    store = open_store(db)
    try:
        assert [e.who for e in store.list_audit(AuditFilter(kind="case")).items][-1] == "cy"
    finally:
        store.close()


def test_audit_of_a_case_finds_entries_made_while_an_incident_was_in_it(filled: Filled) -> None:
    store = filled.store
    for case_ids in ("[3,12,21]", "[1]", "[112]", "[21,120]"):
        entry = store.record_audit(who="ana", action="confirm", kind="quote", target_id=999)
        assert isinstance(store, SqlStore)
        with store.engine.begin() as connection:  # as if the quote's document had been in these cases
            connection.execute(
                text("UPDATE audit_log SET case_ids_json = :ids WHERE id = :id"), {"ids": case_ids, "id": entry.id}
            )
    found = {n: [e.case_ids for e in store.list_audit(AuditFilter(case_id=n)).items] for n in (1, 2, 12, 21, 112)}
    assert found == {1: [(1,)], 2: [], 12: [(3, 12, 21)], 21: [(21, 120), (3, 12, 21)], 112: [(112,)]}
    with pytest.raises(ValueError, match="action"):
        store.record_audit(who="ana", action="approve", kind="case", target_id=1)  # type: ignore[arg-type]


def test_cases_show_the_incident_ids_merge_takes_issue_13(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    store = open_store(db)
    try:
        filled = fill(store, tmp_path / "pages")
        choi, han = filled.incident("en-bus.html"), filled.incident("en-han.html")
    finally:
        store.close()
    runner = CliRunner()
    listed = json.loads(runner.invoke(cli, ["cases", "--db", db, "--format", "json"], catch_exceptions=False).output)
    ids = {incident["id"] for case in listed for incident in case["incidents"]}
    assert {choi, han} <= ids
    table = runner.invoke(cli, ["cases", "--db", db], catch_exceptions=False).output
    header, *rows = [line.split("\t") for line in table.splitlines() if not line.startswith("#")]
    column = header.index("incidents")
    assert {int(n) for row in rows for n in row[column].split(", ")} == ids  # piped: plain tab-separated lines
    merged = runner.invoke(cli, ["merge", str(choi), str(han), "--db", db], catch_exceptions=False)
    assert merged.exit_code == 0


def test_an_extracted_age_range_is_stored_and_resolved_issue_13() -> None:
    from redefection.app.cases import resolve_cases
    from redefection.records import Article, Capture, Document, Incident, Person

    store = open_store("sqlite://")
    try:
        capture = Capture(source="in/thirties.txt", data=b"A man in his 30s went back north, police said.")
        article = Article(title="Thirties", body=("A man in his 30s went back north, police said.",))
        person = Person(surname="Ko", age_min=30, age_max=39)
        incident = Incident(person=person, evidence=(Span(0, 16, "A man in his 30s"),))
        document = Document(
            id="thirties", source=capture.source, sha256=capture.sha256, format="text", article=article,
            relevant=True, incidents=(incident,),
        )  # fmt: skip
        document_id = store.save_document(capture, document).document_id
        (fact,) = [f for f in store.list_facts(document_id) if f.kind == "incident"]
        assert (fact.values["age"], fact.values["age_min"], fact.values["age_max"]) == (None, 30, 39)
        (case,) = resolve_cases(store)
        assert [value.value for value in case.case.values("age")] == ["30s"]
    finally:
        store.close()


def test_cases_csv_has_one_column_per_name_issue_13(filled: Filled, tmp_path: Path) -> None:
    import csv

    from redefection.app.export import export_data, write_csv

    write_csv(export_data(filled.store), tmp_path / "csv")
    for name in ("cases.csv", "case_values.csv", "claims.csv", "sources.csv"):
        with (tmp_path / "csv" / name).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert len(header) == len(set(header)), (name, header)
    with (tmp_path / "csv" / "cases.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["status"] for row in rows} == {"returned", "attempted"}
    assert all(row["reported_status"] for row in rows)
