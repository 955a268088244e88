"""Reviews as ground truth: the machine's facts against editors' decisions, and reviewed documents as a corpus."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from redefection.app.evaluate import evaluate_reviews, evaluation_to_json, write_reviewed_corpus
from redefection.app.review import review_fact
from redefection.cli import cli
from redefection.records import Incident, Person, Quote
from redefection.serialize import incident_to_json, quote_to_json
from redefection.store import FactChange, StoredFact, open_store
from review_helpers import BACKENDS, PAGES, Filled, fill, open_backend


@pytest.fixture(params=BACKENDS)
def filled(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Filled]:
    for store in open_backend(request.param):
        yield fill(store, tmp_path / "pages")


def facts_of(filled: Filled, name: str, kind: str) -> list[StoredFact]:
    return [fact for fact in filled.store.list_facts(filled.documents[name]) if fact.kind == kind]


def decide(filled: Filled, fact: StoredFact, action: str, **changes: Any) -> StoredFact:
    change = FactChange(fact.kind, fact.id, action, "ana", changes)  # type: ignore[arg-type]
    return review_fact(filled.store, change, rebuild=lambda store: None)


def review_han_and_swimmer(filled: Filled) -> dict[str, Any]:
    """Han's report: incident corrected (age changed, route set and set back), claims rejected, quotes confirmed;
    the Korean swimmer's incident confirmed. Returns the machine's values the test compares with."""
    [han] = facts_of(filled, "en-han.html", "incident")
    machine = dict(han.values)
    decide(filled, han, "correct", age=(machine["age"] or 30) + 1, route="by boat")
    decide(filled, han, "correct", route=machine["route"] or "")  # set back: the machine's route stands
    for claim in facts_of(filled, "en-han.html", "claim"):
        decide(filled, claim, "reject")
    for quote in facts_of(filled, "en-han.html", "quote"):
        decide(filled, quote, "confirm")
    [swimmer] = facts_of(filled, "ko-swim.html", "incident")[:1]
    decide(filled, swimmer, "confirm")
    return machine


def test_precision_per_kind_and_values_kept_per_field(filled: Filled) -> None:
    machine = review_han_and_swimmer(filled)
    claims = len(facts_of(filled, "en-han.html", "claim"))
    quotes = len(facts_of(filled, "en-han.html", "quote"))
    assert claims and quotes
    evaluation = evaluate_reviews(filled.store)
    kinds = {figures.kind: figures for figures in evaluation.kinds}
    incident = kinds["incident"]
    assert (incident.confirmed, incident.corrected, incident.rejected) == (1, 1, 0)
    assert incident.precision == 0.5 and incident.kept == 1.0
    fields = {field.field: field for field in incident.fields}
    age = fields["age"]
    assert (age.checked, age.kept) == (2, 1)
    assert (age.changed, age.filled) == ((1, 0) if machine["age"] is not None else (0, 1))
    assert age.accuracy == 0.5
    assert (fields["route"].kept, fields["route"].accuracy) == (2, 1.0)  # corrected back to the machine's value
    assert fields["name"].accuracy == 1.0
    assert (kinds["claim"].rejected, kinds["claim"].precision, kinds["claim"].kept) == (claims, 0.0, 0.0)
    assert all(field.checked == 0 and field.accuracy is None for field in kinds["claim"].fields)
    assert (kinds["quote"].confirmed, kinds["quote"].precision) == (quotes, 1.0)
    swimmer_left = [f for f in filled.store.list_facts(filled.documents["ko-swim.html"]) if f.is_machine]
    assert evaluation.documents == 2
    assert evaluation.fully_reviewed == (2 if not swimmer_left else 1)
    data = evaluation_to_json(evaluation)
    assert data["kinds"]["incident"]["fields"]["age"]["accuracy"] == 0.5
    assert data["kinds"]["claim"]["precision"] == 0.0


def test_nothing_reviewed_gives_no_figures(filled: Filled) -> None:
    evaluation = evaluate_reviews(filled.store)
    assert evaluation.documents == 0
    assert all(figures.reviewed == 0 and figures.precision is None for figures in evaluation.kinds)


def _keys(data: dict[str, Any]) -> set[str]:
    return set(data) | {f"person.{key}" for key in data.get("person", {})}


def test_reviewed_corpus_has_the_corpus_shape_and_the_reviewed_values(filled: Filled, tmp_path: Path) -> None:
    machine = review_han_and_swimmer(filled)
    out = tmp_path / "reviewed"
    report = write_reviewed_corpus(filled.store, out)
    han_key = "en-han"
    assert han_key in report.written
    assert (out / "docs" / "en-han.html").read_text("utf-8") == PAGES["en-han.html"]  # the page as captured
    gold = json.loads((out / "gold" / "en-han.json").read_text("utf-8"))
    assert gold["id"] == han_key and gold["format"] == "html" and gold["relevant"] is True
    assert gold["claims"] == []  # rejected
    [incident] = gold["incidents"]
    assert incident["person"]["age"] == (machine["age"] or 30) + 1
    assert incident["route"] == machine["route"]
    body = "\n\n".join(gold["article"]["body"])
    assert incident["evidence"] and all(span in body for span in incident["evidence"])
    assert all(quote["evidence"] in body for quote in gold["quotes"])
    # The same keys as the extractor's own corpus JSON, so score.py reads both alike.
    assert _keys(incident) == _keys(incident_to_json(Incident(Person())))
    assert all(set(quote) == set(quote_to_json(Quote())) for quote in gold["quotes"])
    # Facts the editors never looked at keep a document out unless asked for.
    swimmer_left = [f for f in filled.store.list_facts(filled.documents["ko-swim.html"]) if f.is_machine]
    if swimmer_left:
        assert "ko-swim" not in report.written and report.partial == 1
        again = write_reviewed_corpus(filled.store, tmp_path / "partial", partial=True)
        assert "ko-swim" in again.written
        swim = json.loads((tmp_path / "partial" / "gold" / "ko-swim.json").read_text("utf-8"))
        assert len(swim["incidents"]) == 1 and not swim["claims"]


def test_cli_evaluate_table_json_and_reviewed_corpus(tmp_path: Path) -> None:
    db = tmp_path / "review.db"
    runner = CliRunner()
    empty = runner.invoke(cli, ["evaluate", "--db", str(db)])
    assert empty.exit_code == 2  # no database yet
    store = open_store(str(db))
    try:
        filled = fill(store, tmp_path / "pages")
        nothing = runner.invoke(cli, ["evaluate", "--db", str(db)])
        assert nothing.exit_code == 0 and "no reviewed facts" in nothing.output
        review_han_and_swimmer(filled)
    finally:
        store.close()
    table = runner.invoke(cli, ["evaluate", "--db", str(db)])
    assert table.exit_code == 0, table.output
    assert "precision" in table.output and "incident" in table.output and "0.500" in table.output
    result = runner.invoke(cli, ["evaluate", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["documents"] == 2 and data["kinds"]["incident"]["precision"] == 0.5
    written = runner.invoke(cli, ["evaluate", "--db", str(db), "--reviewed-corpus", str(tmp_path / "corpus")])
    assert written.exit_code == 0, written.output
    assert (tmp_path / "corpus" / "gold" / "en-han.json").is_file()
    assert "reviewed documents" in written.output
    usage = runner.invoke(cli, ["evaluate", "--db", str(db), "--partial"])
    assert usage.exit_code == 2 and "--reviewed-corpus" in usage.output
