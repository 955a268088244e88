"""The public view and public export never carry a private person's full name: not in a free-text field,
not in a document's address or key (whichever field or script the name lands in)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from redefection.app import accounts
from redefection.app.cases import resolve_cases
from redefection.app.redaction_names import PrivateNames
from redefection.settings import Settings
from redefection.store import FactChange, Store, open_store
from redefection.web import WebConfig, create_app
from warc_helpers import Rec, write_warc

URL = "https://news.example/2021/defector-choi-min-seo-returns-north-by-boat"
PAGE = """<html><head><title>Defector Choi Min-seo returns north by boat</title>
<meta property="og:site_name" content="Example News"></head>
<body><article><h1>Defector Choi Min-seo returns north by boat</h1>
<p>Choi Min-seo, a 29-year-old former nurse who arrived in the South in 2017, returned to North Korea by boat in
June 2021, the Ministry of Unification said on Monday.</p>
<p>"She said she could not find work here," said Lee Soo-jin, a friend of Choi Min-seo.</p>
<p>The ministry said 30 defectors have returned to the North since 2012.</p>
</article></body></html>"""
# Every spelling of the two private persons that must not reach the public: the person who went back and the friend.
PRIVATE = ("Min-seo", "min-seo", "Minseo", "민서", "Soo-jin", "Su-jin")


@pytest.fixture(scope="module")
def confirmed(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """One page (from an archive, so it has its URL) whose facts an editor confirmed or corrected with names."""
    from click.testing import CliRunner

    from redefection.cli import cli

    folder = tmp_path_factory.mktemp("privacy")
    write_warc(folder / "choi.warc.gz", [Rec(URL, PAGE.encode())])
    db = str(folder / "privacy.db")
    result = CliRunner().invoke(cli, ["scan", str(folder / "choi.warc.gz"), "--db", db, "--workers", "1"])
    assert result.exit_code == 0, result.output
    store = open_store(db)
    accounts.add_user(store, "editor", "a long enough test password", "editor")
    [document] = store.list_documents(limit=5)
    corrections = {
        # what an extractor or an editor may put in a free-text field, in three scripts and spellings
        "incident": {
            "route": "by boat with 최민서's cousin and Lee Soo-jin",
            "occupation": "nurse, like Min-seo Choi's mother",
        },
        "quote": {"organization": "Choi Min-seo", "role": "friend of Choi Min Seo"},
        "claim": {"source": "Ministry of Unification, citing Choi Minseo and Lee Su-jin", "period": "since 2012"},
    }
    for fact in store.list_facts(document.id):
        store.review_fact(FactChange(fact.kind, fact.id, "correct", "editor", corrections[fact.kind]))
    resolve_cases(store)
    return store


def _export(store: Store, *args: str) -> None:
    from click.testing import CliRunner

    from redefection.cli import cli

    result = CliRunner().invoke(cli, ["export", "--db", store.url, "--public", *args], catch_exceptions=False)  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.output


def _public_text(store: Store) -> str:
    with TestClient(create_app(store, Settings(), WebConfig(anonymous=True)), base_url="http://127.0.0.1") as http:
        [document] = store.list_documents(limit=5)
        [case] = http.get("/api/v1/cases").json()["items"]
        paths = [
            "/api/v1/cases",
            f"/api/v1/cases/{case['id']}",
            "/api/v1/quotes",
            "/api/v1/claims",
            "/api/v1/documents",
            f"/api/v1/documents/{document.id}",
            f"/documents/{document.id}",
            f"/cases/{case['id']}",
            "/claims",
            "/",
        ]
        paths += [f"/api/v1/facts/{f.kind}/{f.id}" for f in store.list_facts(document.id)]
        responses = [http.get(path) for path in paths]
    assert [r.status_code for r in responses] == [200] * len(paths)
    return "\n".join(r.text for r in responses)


def test_names_in_any_free_text_field_are_cut_to_the_surname_issue_14(confirmed: Store, tmp_path: Path) -> None:
    shown = _public_text(confirmed)
    assert "Choi" in shown and "최" in shown  # the surnames stay, as for the name field
    for private in PRIVATE:
        assert private not in shown, private
    export = tmp_path / "public.json"
    _export(confirmed, "--out", str(export))
    _export(confirmed, "--format", "csv", "--out", str(tmp_path / "csv"))
    exported = export.read_text("utf-8") + "".join(p.read_text("utf-8") for p in (tmp_path / "csv").iterdir())
    assert json.loads(export.read_text("utf-8"))["cases"]
    for private in PRIVATE:
        assert private not in exported, private


def test_private_names_match_across_scripts_and_romanisations_issue_14() -> None:
    names = PrivateNames.of([("김우정", None), ("Lee Soo-jin", "Lee")])
    assert names.redact("a friend of Kim U-jŏng and Gim Woo-jeong") == "a friend of Kim and Gim"
    assert names.redact("김우정의 친구, Soo-jin Lee") == "김의 친구, Lee"
    assert names.redact("Kim Woo Jeong") == "Kim"
    # other people, organisations and a surname alone are left as they are
    for kept in ("Kim Jong-un", "Ministry of Unification", "Lee", "Kim, Lee and Park", "Lee Min-ho"):
        assert names.redact(kept) == kept


def test_an_address_naming_a_private_person_is_withheld_issue_14(confirmed: Store, tmp_path: Path) -> None:
    shown = _public_text(confirmed)
    for leak in ("choi-min-seo", "defector-choi", "choi.warc", ".warc.gz"):
        assert leak not in shown, leak
    assert "Example News" in shown  # the outlet still says where the report came from
    export = tmp_path / "public.json"
    _export(confirmed, "--out", str(export))
    data = json.loads(export.read_text("utf-8"))
    [document] = confirmed.list_documents(limit=5)
    assert {s["source"] for s in data["sources"]} == {f"document:{document.id}"}
    assert "choi-min-seo" not in export.read_text("utf-8")


def test_an_address_naming_no_one_is_kept_issue_14() -> None:
    from redefection.app.redaction import public_uri

    names = PrivateNames.of([("Choi Min-seo", "Choi")])
    kept = "https://news.example/2021/06/defector-returns-north-by-boat"
    assert public_uri(kept, names) == kept
    assert public_uri("https://news.example/%EC%B5%9C%EB%AF%BC%EC%84%9C-returns", names) is None  # 최민서, quoted
    assert public_uri("https://news.example/article?id=123&who=choi_min_seo", names) is None
