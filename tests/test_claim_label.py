"""What the people of an ``other`` figure did (``Claim.label``) kept from the store to the API, pages and exports."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from redefection.app import accounts
from redefection.app.export import export_data, export_json, write_csv
from redefection.records import Capture, Claim, Document, Span
from redefection.store import Store, open_store
from web_helpers import PASSWORD, logged_in

BODY = (
    "Officials said 12 of those who went back north had been punished for the attempt.",
    "The same officials said 40 had left the country since 2015.",
)
TEXT = "\n\n".join(BODY)


def span(phrase: str) -> Span:
    start = TEXT.index(phrase)
    return Span(start, start + len(phrase), phrase)


CLAIMS = (
    Claim("other", 12, source="officials", evidence=span("12 of those"), label="punished"),
    Claim("other", 40, period="since 2015", source="officials", evidence=span("40 had left"), label="left_country"),
    Claim("other", 7, source="officials"),  # an "other" figure no cue describes keeps no label
)


@pytest.fixture
def store(
    tmp_path: Path, make_capture: Callable[..., Capture], make_document: Callable[..., Document]
) -> Iterator[Store]:
    opened = open_store(str(tmp_path / "label.db"))
    capture = make_capture(source="pages/figures.html", data=TEXT.encode())
    document = make_document(capture, body=BODY, published=date(2024, 3, 1), relevant=True, claims=CLAIMS)
    opened.save_document(capture, document)
    accounts.add_user(opened, "viewer", PASSWORD, "viewer")
    yield opened
    opened.close()


def test_labels_survive_save_and_load(store: Store) -> None:
    (document,) = store.list_documents()
    assert store.get_facts(document.id).claims == CLAIMS
    labels = [fact.values["label"] for fact in store.list_facts(document.id) if fact.kind == "claim"]
    assert labels == ["punished", "left_country", None]


def test_labels_reach_the_api_and_the_claims_page(store: Store) -> None:
    with logged_in(store, "viewer") as (http, _):
        items = http.get("/api/v1/claims").json()["items"]
        page = http.get("/claims").text
    found = {(item["fact"]["values"]["value"], item["fact"]["values"]["label"]) for item in items}
    assert found == {(12, "punished"), (40, "left_country"), (7, None)}
    assert "other: punished" in page and "other: left country" in page


def test_series_of_other_figures_keep_labels_apart_in_exports(store: Store, tmp_path: Path) -> None:
    data = export_data(store)
    series: dict[Any, list[int]] = {
        (s["subject"], s["label"]): [p["value"] for p in s["points"]] for s in export_json(data)["claims"]
    }
    assert series == {("other", None): [7], ("other", "left_country"): [40], ("other", "punished"): [12]}
    write_csv(data, tmp_path / "csv")
    with (tmp_path / "csv" / "claims.csv").open(encoding="utf-8") as handle:
        rows = {(row["label"], row["value"]) for row in csv.DictReader(handle)}
    assert rows == {("", "7"), ("left_country", "40"), ("punished", "12")}
