"""Cases in the store: resolution after ingest, decisions that survive re-processing, the cases and export commands."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from redefection.app.cases import decide_cases, resolve_cases
from redefection.app.ingest import ingest_paths
from redefection.cli import cli
from redefection.cli import commands as cli_module
from redefection.errors import NotFound
from redefection.records import Article, Capture, Claim, Document, Incident, Person, Span
from redefection.settings import Settings
from redefection.store import Store, open_store
from redefection.store.facts import fact_values, insert_facts
from redefection.store.sql import SqlStore
from redefection.store.tables import CaseRow, IncidentRow

DATA = Path(__file__).parent / "data"
MakeCapture = Callable[..., Capture]
MakeDocument = Callable[..., Document]
SWIMMER = {"surname": "Kim", "age": 24, "gender": "male", "arrived_south": "2017", "returned": "2020-07-19"}


def incident(sentence: str, **fields: Any) -> Incident:
    person = Person(**{k: fields.pop(k) for k in ("name", "surname", "age", "gender") if k in fields})
    return Incident(person=person, evidence=(Span(0, len(sentence), sentence),), **fields)


@pytest.fixture
def save(store: Store, make_capture: MakeCapture, make_document: MakeDocument) -> Callable[..., int]:
    """Store a document reporting ``incidents``; returns its id."""

    def save_one(name: str, published: date, outlet: str, *incidents: Incident, claims: tuple[Claim, ...] = ()) -> int:
        text = " ".join(span.text for item in incidents for span in item.evidence) or f"{name} reports figures."
        capture = make_capture(source=f"pages/{name}.html", data=f"<p>{name}: {text}</p>".encode())
        document = make_document(
            capture, body=(text,), published=published, outlet=outlet, relevant=True, incidents=incidents, claims=claims
        )
        return store.save_document(capture, document).document_id

    return save_one


def _two_reports(save: Callable[..., int]) -> tuple[int, int]:
    first = save("ledger", date(2020, 7, 27), "Ledger", incident("Police said Kim, 24, swam back north.", **SWIMMER))
    second = save("focus", date(2020, 7, 28), "Focus", incident("탈북민 김모(24)씨가 헤엄쳐 월북했다.", **SWIMMER))
    return first, second


def _incident_ids(store: Store) -> dict[str, int]:
    return {item.source: item.id or 0 for item in store.list_sourced_incidents()}


def test_resolve_cases_saves_cases_and_keeps_their_ids(store: Store, save: Callable[..., int]) -> None:
    _two_reports(save)
    (found,) = resolve_cases(store)
    assert len(found.case.incidents) == 2
    assert found.case.independent_sources == 2
    save(
        "later",
        date(2022, 1, 20),
        "Desk",
        incident("In July 2020 a 24-year-old man swam back.", age=24, returned="2020-07"),
    )
    (again,) = resolve_cases(store)
    assert again.id == found.id  # the case grew; its id stayed
    assert len(again.case.incidents) == 3


def test_split_survives_re_processing_and_re_extraction(store: Store, save: Callable[..., int]) -> None:
    _, second = _two_reports(save)
    ids = _incident_ids(store)
    decide_cases(store, "split", [ids["pages/focus.html"]], who="analyst", note="different man")
    assert len(resolve_cases(store)) == 2
    # A new report comes in, then re-extraction replaces the incident rows: new ids, same document and position.
    save("wire", date(2020, 7, 29), "Wire", incident("Kim, 24, crossed on July 19, officials said.", **SWIMMER))
    assert isinstance(store, SqlStore)
    with Session(store.engine) as session, session.begin():
        session.execute(delete(IncidentRow).where(IncidentRow.document_id == second))
        document = Document(
            id="focus",
            source="pages/focus.html",
            sha256="",
            format="html",
            article=Article(body=("탈북민 김모(24)씨가 헤엄쳐 월북했다.",)),
            incidents=(incident("탈북민 김모(24)씨가 헤엄쳐 월북했다.", **SWIMMER),),
        )
        insert_facts(session.connection(), fact_values(second, document, "next", datetime.now(UTC)))
    assert _incident_ids(store)["pages/focus.html"] != ids["pages/focus.html"]
    cases = resolve_cases(store)
    assert len(cases) == 2
    sides = [{m.item.source for m in c.case.incidents} for c in cases]
    assert not any({"pages/focus.html", "pages/ledger.html"} <= side for side in sides)  # still apart
    assert any("pages/wire.html" in side for side in sides)  # the new report may join either side
    (decision,) = store.list_case_decisions()
    assert (decision.kind, decision.who, decision.note) == ("split", "analyst", "different man")


def test_merge_of_two_people_is_kept_with_its_conflicts(store: Store, save: Callable[..., int]) -> None:
    save("a", date(2020, 7, 27), "Ledger", incident("Kim, 24, swam back.", **SWIMMER))
    save("b", date(2022, 1, 3), "Wire", incident("Kim, 29, crossed the DMZ.", surname="Kim", age=29))
    assert len(resolve_cases(store)) == 2
    (merged,) = decide_cases(store, "merge", sorted(_incident_ids(store).values()))
    assert [c.field for c in merged.case.conflicts] == ["age"]
    assert len(resolve_cases(store)) == 1


def test_decision_on_an_unknown_incident_is_refused(store: Store) -> None:
    with pytest.raises(NotFound, match="incident 99"):
        decide_cases(store, "merge", [99, 100])


def test_ingest_resolves_cases(tmp_path: Path, settings: Settings) -> None:
    store = open_store(str(tmp_path / "cases.db"))
    try:
        report = ingest_paths([DATA / "dump-en.txt", DATA / "page-en.html"], store, settings)
        assert report.stored == 2
        assert isinstance(store, SqlStore)
        with Session(store.engine) as session:
            assert session.scalar(select(func.count()).select_from(CaseRow)) == len(resolve_cases(store)) > 0
    finally:
        store.close()


def _file_store(tmp_path: Path, make_capture: MakeCapture, make_document: MakeDocument) -> str:
    path = str(tmp_path / "cli.db")
    store = open_store(path)
    ministry = Claim("returned_north", 11, "at least", "past five years", source="Ministry of Unification")
    for name, day, outlet, age, claims in (("a", 27, "Ledger", 24, (ministry,)), ("b", 28, "Focus", 25, ())):
        sentence = f"Police said Kim, {age}, swam back north on July 19."
        capture = make_capture(source=f"pages/{name}.html", data=sentence.encode())
        fields = {**SWIMMER, "age": age}
        document = make_document(
            capture,
            body=(sentence,),
            published=date(2020, 7, day),
            outlet=outlet,
            relevant=True,
            incidents=(incident(sentence, **fields),),
            claims=claims,
        )
        store.save_document(capture, document)
    store.close()
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cases_command_prints_json_and_a_table(
    tmp_path: Path, make_capture: MakeCapture, make_document: MakeDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _file_store(tmp_path, make_capture, make_document)
    code, out, _ = run("cases", "--db", db, "--format", "json")
    assert code == 0
    (case,) = json.loads(out)
    assert {"id", "label", "fields", "conflicts", "confirmation", "event_date", "disclosure_date"} <= set(case)
    assert [{k: i[k] for k in ("source", "incident")} for i in case["incidents"]] == [
        {"source": "pages/a.html", "incident": 0},
        {"source": "pages/b.html", "incident": 0},
    ]
    assert case["conflicts"] == [{"field": "age", "values": case["fields"]["age"]}]
    assert case["fields"]["age"][0]["sources"] == [{"source": "pages/a.html", "incident": 0, "outlet": "Ledger"}]
    assert (case["confirmation"], case["event_date"], case["disclosure_date"]) == (
        "authority",
        "2020-07-19",
        "2020-07-27",
    )
    monkeypatch.setattr(cli_module, "out", Console(width=200, highlight=False))
    code, out, _ = run("cases", "--db", db)
    assert code == 0 and "Kim (surname only), returned 2020-07-19" in out and "age" in out


def test_cases_command_needs_an_existing_database(tmp_path: Path) -> None:
    code, _, err = run("cases", "--db", str(tmp_path / "missing.db"))
    assert code == 2 and "no database file" in err


def test_export_writes_json_and_csv(tmp_path: Path, make_capture: MakeCapture, make_document: MakeDocument) -> None:
    db = _file_store(tmp_path, make_capture, make_document)
    code, out, _ = run("export", "--db", db, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"cases", "claims", "sources"}
    assert len(data["cases"]) == 1 and len(data["sources"]) == 2
    assert data["claims"][0]["source"] == "Ministry of Unification"
    assert data["claims"][0]["points"][0]["value"] == 11
    code, _, err = run("export", "--db", db, "--format", "csv", "--out", str(tmp_path / "csv"))
    assert code == 0, err
    with (tmp_path / "csv" / "case_values.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ages = [(row["value"], row["conflict"], row["source"]) for row in rows if row["field"] == "age"]
    assert ages == [("24", "True", "pages/a.html"), ("25", "True", "pages/b.html")]
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "case_values.csv",
        "cases.csv",
        "claims.csv",
        "sources.csv",
    ]
    code, _, err = run("export", "--db", db, "--format", "csv")
    assert code == 2 and "--out" in err
