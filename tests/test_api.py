"""The JSON API in process: paging, filters, details, errors, review writes with tokens, the public view."""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from redefection.store import Store
from redefection.web import WebConfig
from web_helpers import (
    PASSWORD,
    bearer,
    build_store,
    case_of,
    client,
    confirm,
    document_id,
    facts,
    logged_in,
)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A store read by many tests: Kim's incident, claim and quote confirmed; Park's and the third left alone."""
    store = build_store(tmp_path_factory.mktemp("api"))
    for kind in ("incident", "claim", "quote"):
        confirm(store, facts(store, "kim", kind)[0])
    yield store
    store.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Store]:
    store = build_store(tmp_path)
    yield store
    store.close()


def _get(store: Store, path: str, role: str = "viewer", **params: Any) -> Any:
    with logged_in(store, role) as (http, _):
        response = http.get(path, params=params or None)  # an empty dict would drop the path's own query
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def test_pages_follow_next_links_to_the_end(shared: Store) -> None:
    seen: list[int] = []
    with logged_in(shared, "viewer") as (http, _):
        url: str | None = "/api/v1/documents?limit=1"
        while url is not None and len(seen) < 10:
            body = http.get(url).json()
            assert body["total"] == 3 and body["limit"] == 1 and len(body["items"]) == 1
            seen.append(body["items"][0]["document"]["id"])
            url = body["next"]
    assert sorted(seen) == sorted(d.id for d in shared.list_documents())
    last = _get(shared, "/api/v1/documents", limit=2, offset=2)
    assert (len(last["items"]), last["next"], last["offset"]) == (1, None, 2)
    beyond = _get(shared, "/api/v1/documents", offset=50)
    assert (beyond["items"], beyond["total"], beyond["next"]) == ([], 3, None)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"year": "soon"}])
def test_bad_paging_is_a_422_naming_the_parameter(shared: Store, params: dict[str, Any]) -> None:
    with logged_in(shared, "viewer") as (http, _):
        response = http.get("/api/v1/cases", params=params)
    assert response.status_code == 422
    assert next(iter(params)) in json.dumps(response.json()["detail"])


def test_case_filters(shared: Store) -> None:
    everything = _get(shared, "/api/v1/cases")
    assert everything["total"] == 3
    in_2019 = _get(shared, "/api/v1/cases", year=2019)
    assert [c["label"] for c in in_2019["items"]] == ["Kim Min-su, 34, returned 2019-05"]
    park = _get(shared, "/api/v1/cases", q="Park")
    assert [c["id"] for c in park["items"]] == [case_of(shared, "park")]
    reviewed = _get(shared, "/api/v1/cases", review="reviewed")
    assert [c["id"] for c in reviewed["items"]] == [case_of(shared, "kim")]
    assert _get(shared, "/api/v1/cases", status="intended")["total"] == 0
    assert _get(shared, "/api/v1/cases", language="en")["total"] == 3


def test_case_detail_has_fields_incidents_and_sources(shared: Store) -> None:
    body = _get(shared, f"/api/v1/cases/{case_of(shared, 'kim')}")
    assert body["case"]["label"].startswith("Kim Min-su")
    fields = {f["name"]: [v["value"] for v in f["values"]] for f in body["fields"]}
    assert fields["name"] == ["Kim Min-su"] and fields["age"] == [34] and fields["returned"] == ["2019-05"]
    [incident] = body["incidents"]
    assert incident["review_state"] == "confirmed" and incident["evidence"][0]["text"].startswith("Kim Min-su")
    assert [s["document_id"] for s in body["sources"]] == [document_id(shared, "kim")]


def test_document_detail_and_search(shared: Store) -> None:
    kim = document_id(shared, "kim")
    body = _get(shared, f"/api/v1/documents/{kim}")
    assert body["document"]["title"] == "Defector Kim Min-su returns to North Korea"
    assert body["body"][0].startswith("Kim Min-su, a 34-year-old")
    assert sorted(f["kind"] for f in body["facts"]) == ["claim", "incident", "quote"]
    found = _get(shared, "/api/v1/search", q="spokesperson")
    assert [h["document"]["id"] for h in found["documents"]["items"]] == [document_id(shared, "park")]
    assert found["documents"]["items"][0]["snippet"]
    assert _get(shared, "/api/v1/documents", q="Hyesan")["total"] == 1
    assert _get(shared, "/api/v1/documents", q="nonexistentword")["total"] == 0


def test_claims_quotes_and_audit(shared: Store) -> None:
    claims = _get(shared, "/api/v1/claims")
    assert [(c["fact"]["values"]["value"], c["fact"]["values"]["source"]) for c in claims["items"]] == [
        (25, "Ministry of Unification")
    ]
    speakers = {q["fact"]["values"]["speaker"] for q in _get(shared, "/api/v1/quotes")["items"]}
    assert {"Lee Jae-won", "Choi Young"} <= speakers
    audit = _get(shared, "/api/v1/audit", role="editor")
    assert {(e["kind"], e["action"], e["who"]) for e in audit["items"]} == {
        ("incident", "confirm", "editor"),
        ("claim", "confirm", "editor"),
        ("quote", "confirm", "editor"),
    }


@pytest.mark.parametrize(
    "path", ["/api/v1/cases/999999", "/api/v1/documents/999999", "/api/v1/facts/claim/999999", "/api/v1/nothing"]
)
def test_missing_things_are_json_404s(shared: Store, path: str) -> None:
    with logged_in(shared, "viewer") as (http, _):
        response = http.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert "detail" in response.json()


def test_review_with_an_editor_token(fresh: Store) -> None:
    park = facts(fresh, "park", "incident")[0]
    with client(fresh) as http:
        url = f"/api/v1/facts/incident/{park.id}/review"
        body = {"action": "correct", "changes": {"age": 42}, "note": "the ministry's figure"}
        assert http.post(url, json=body).status_code == 401
        assert http.post(url, json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
        assert http.post(url, json=body, headers=bearer(fresh, "viewer")).status_code == 403
        response = http.post(url, json=body, headers=bearer(fresh, "editor"))
        assert response.status_code == 200, response.text
        assert response.json()["review_state"] == "corrected" and response.json()["values"]["age"] == 42
        bad = http.post(url, json={"action": "correct", "changes": {"age": "old"}}, headers=bearer(fresh, "admin"))
        assert bad.status_code == 422 and "age" in bad.json()["detail"]
        mixed = http.post(url, json={"action": "confirm", "changes": {"age": 1}}, headers=bearer(fresh, "admin"))
        assert mixed.status_code == 422
        missing = http.post("/api/v1/facts/incident/999999/review", json=body, headers=bearer(fresh, "editor"))
        assert missing.status_code == 404
    assert fresh.get_fact("incident", park.id).values["age"] == 42
    [entry] = [e for e in fresh.list_audit(_audit_filter(), limit=50).items if e.field == "age"]
    assert (entry.who, entry.old, entry.new, entry.note) == ("editor", 41, 42, "the ministry's figure")


def _audit_filter() -> Any:
    from redefection.store import AuditFilter

    return AuditFilter(kind="incident")


def test_session_cookie_writes_need_the_csrf_header(fresh: Store) -> None:
    quote = facts(fresh, "park", "quote")[0]
    url = f"/api/v1/facts/quote/{quote.id}/review"
    with logged_in(fresh, "editor") as (http, csrf):
        assert http.post(url, json={"action": "reject"}).status_code == 403
        assert http.post(url, json={"action": "reject"}, headers={"X-CSRF-Token": csrf + "x"}).status_code == 403
        assert fresh.get_fact("quote", quote.id).review_state == "machine"
        response = http.post(url, json={"action": "reject"}, headers={"X-CSRF-Token": csrf})
        assert response.status_code == 200 and response.json()["review_state"] == "rejected"


def test_merge_and_split_through_the_api(fresh: Store) -> None:
    kim, park = facts(fresh, "kim", "incident")[0].id, facts(fresh, "park", "incident")[0].id
    with client(fresh) as http:
        token = bearer(fresh, "editor")
        merged = http.post("/api/v1/cases/merge", json={"incident_ids": [kim, park]}, headers=token)
        assert merged.status_code == 200, merged.text
        [case] = merged.json()["cases"]
        assert case["incidents"] == 2
        one = http.post("/api/v1/cases/merge", json={"incident_ids": [kim]}, headers=token)
        assert one.status_code == 422
        split = http.post(f"/api/v1/cases/{case['id']}/split", json={"incident_ids": [park]}, headers=token)
        assert split.status_code == 200, split.text
        assert sorted(c["incidents"] for c in split.json()["cases"]) == [1, 1]
    actions = [e.action for e in fresh.list_audit(_case_audit(), limit=50).items]
    assert "merge" in actions and "split" in actions


def _case_audit() -> Any:
    from redefection.store import AuditFilter

    return AuditFilter(kind="case")


def _anonymous(store: Store, path: str) -> Any:
    with client(store, WebConfig(anonymous=True)) as http:
        return http.get(path)


def test_anonymous_api_is_refused_unless_enabled(shared: Store) -> None:
    with client(shared) as http:
        response = http.get("/api/v1/cases")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert _anonymous(shared, "/api/v1/cases").status_code == 200
    assert _anonymous(shared, "/api/v1/me").json() == {"name": "anonymous", "role": None, "public": True}


def test_the_public_view_shows_reviewed_facts_with_surnames_only(shared: Store) -> None:
    cases = _anonymous(shared, "/api/v1/cases").json()
    assert [c["label"] for c in cases["items"]] == ["Kim, returned 2019-05"]
    assert cases["total"] == 1
    detail = _anonymous(shared, f"/api/v1/cases/{case_of(shared, 'kim')}").json()
    fields = {f["name"]: [v["value"] for v in f["values"]] for f in detail["fields"]}
    assert fields["name"] == ["Kim"] and fields["surname"] == ["Kim"] and fields["age"] == [34]
    assert all(incident["evidence"] == [] for incident in detail["incidents"])
    assert [s["title"] for s in detail["sources"]] == [None]
    assert _anonymous(shared, f"/api/v1/cases/{case_of(shared, 'park')}").status_code == 404
    quotes = _anonymous(shared, "/api/v1/quotes").json()["items"]
    assert [(q["fact"]["values"]["speaker"], q["fact"]["evidence"]) for q in quotes] == [("Lee", [])]
    claims = _anonymous(shared, "/api/v1/claims").json()["items"]
    assert [c["fact"]["values"]["source"] for c in claims] == ["Ministry of Unification"]
    documents = _anonymous(shared, "/api/v1/documents").json()
    assert [(d["document"]["id"], d["document"]["title"]) for d in documents["items"]] == [
        (document_id(shared, "kim"), None)
    ]
    kim = _anonymous(shared, f"/api/v1/documents/{document_id(shared, 'kim')}").json()
    assert kim["body"] == [] and kim["document"]["byline"] is None and not kim["document"]["source"].endswith(".txt")
    assert _anonymous(shared, f"/api/v1/documents/{document_id(shared, 'park')}").status_code == 404
    everything = "".join(
        _anonymous(shared, path).text
        for path in ("/api/v1/cases", "/api/v1/quotes", "/api/v1/claims", "/api/v1/documents")
    )
    for private in ("Min-su", "Jae-won", "Park", "Hyesan", "mother", "factory worker, a 34"):
        assert private not in everything


@pytest.mark.parametrize(
    "path", ["/api/v1/search?q=Kim", "/api/v1/audit", "/api/v1/documents?q=Kim", "/api/v1/facts/incident/2"]
)
def test_the_public_view_offers_no_search_audit_or_unreviewed_facts(shared: Store, path: str) -> None:
    assert _anonymous(shared, path).status_code in {401, 403, 404}


def test_anonymous_visitors_cannot_write(shared: Store) -> None:
    kim = facts(shared, "kim", "incident")[0]
    with client(shared, WebConfig(anonymous=True)) as http:
        response = http.post(f"/api/v1/facts/incident/{kim.id}/review", json={"action": "reject"})
    assert response.status_code == 401
    assert shared.get_fact("incident", kim.id).review_state == "confirmed"


def test_login_form_then_api_with_the_session(shared: Store) -> None:
    with client(shared) as http:
        response = http.post("/login", data={"username": "viewer", "password": PASSWORD, "next": "/api/v1/me"})
        assert response.status_code == 303 and response.headers["location"] == "/api/v1/me"
        assert http.get("/api/v1/me").json() == {"name": "viewer", "role": "viewer", "public": False}


def test_openapi_and_the_route_list(shared: Store) -> None:
    schema = _get(shared, "/api/v1/openapi.json")
    assert schema["info"]["title"] == "redefection API"
    assert {"/api/v1/cases", "/api/v1/facts/{kind}/{fact_id}/review", "/api/v1/cases/merge"} <= set(schema["paths"])
    assert not any(path.startswith("/cases") for path in schema["paths"])  # the HTML pages are not an API
    with logged_in(shared, "viewer") as (http, _):
        page = http.get("/api/v1/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/api/v1/cases/{case_id}" in page.text
    assert "cdn" not in page.text.lower()
    assert all(src.startswith("/static/") for src in re.findall(r'<script[^>]*src="([^"]*)"', page.text))


def test_api_reference_is_a_real_page_issue_13(shared: Store) -> None:
    schema = _get(shared, "/api/v1/openapi.json")
    with logged_in(shared, "viewer") as (http, _):
        body = http.get("/api/v1/docs").text
        missing = http.get("/cases/999999").text
        assert http.get("/static/favicon.svg").status_code == 200
    assert '<nav aria-label="Main">' in body and '<link rel="icon" href="/static/favicon.svg"' in body
    shown = re.sub(r"<[^>]+>", "", body)
    assert "`" not in shown  # code is set as code, not as reStructuredText backticks
    assert "<code>q</code>" in body and "Authorization: Bearer" in body and "X-CSRF-Token" in body
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert f"<code>{method.upper()} {html.escape(path)}</code>" in body  # a section per route
            for parameter in operation.get("parameters", ()):
                assert f"<td><code>{parameter['name']}</code></td>" in body
    section = body.split('id="post-api-v1-facts-kind-fact-id-review"', 1)[1].split("</section>", 1)[0]
    assert "Request body (JSON): ReviewIn" in section and "<code>action</code>" in section
    assert "Response (JSON): FactOut" in section and "<code>review_state</code>" in section
    assert "curl -s" in section
    assert "<code>redefection cases</code>" in missing and "`" not in re.sub(r"<[^>]+>", "", missing)


def _run(*args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from redefection.cli import cli

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_serve_builds_the_app_and_hints_at_the_first_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.append({"app": app, **options}))
    db = str(tmp_path / "empty.db")
    code, _, err = _run("serve", "--db", db, "--port", "8123", "--anonymous", "--workers", "1")
    assert code == 0
    assert "no accounts yet: create one with `redefection user add NAME --role admin`" in err
    [run] = started
    assert (run["host"], run["port"]) == ("127.0.0.1", 8123)
    assert run["app"].state.config.anonymous is True
    with TestClient(run["app"], base_url="http://127.0.0.1") as http:
        assert http.get("/api/v1/cases").json()["total"] == 0
    code, _, err = _run("serve", "--db", db, "--host", "0.0.0.0", "--workers", "1")
    assert code == 0 and "behind HTTPS" in err
    assert started[1]["app"].state.config.anonymous is False


def test_serve_starts_one_worker_process_per_core_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from redefection.web import workers

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.append({"app": app, **options}))
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    monkeypatch.setattr(os, "environ", dict(os.environ))  # serve hands its options to the workers here
    db = str(tmp_path / "web.db")
    code, _, err = _run("serve", "--db", db, "--anonymous")
    assert code == 0 and "3 worker processes" in err
    [run] = started
    assert run["app"] == workers.FACTORY and run["factory"] is True and run["workers"] == 3
    app = workers.app_from_environment()  # what each worker builds
    assert app.state.config.anonymous is True
    assert app.state.case_rebuilder.lock_path == Path(f"{db}.rebuild-lock")
    with TestClient(app, base_url="http://127.0.0.1") as http:
        assert http.get("/api/v1/cases").json()["total"] == 0
    code, _, err = _run("serve", "--db", ":memory:")
    assert code == 0 and "worker processes" not in err  # a memory database lives in one process
    assert not isinstance(started[1]["app"], str)


def test_public_export_keeps_the_full_export_shape_without_private_data(shared: Store, tmp_path: Path) -> None:
    from redefection.store import SqlStore

    assert isinstance(shared, SqlStore)
    db = shared.url.removeprefix("sqlite:///")
    code, full, _ = _run("export", "--db", db)
    assert code == 0 and "Min-su" in full and "Park" in full  # the full export is unchanged
    code, out, _ = _run("export", "--db", db, "--public")
    assert code == 0
    public = json.loads(out)
    assert set(public) == set(json.loads(full))
    assert [case["label"] for case in public["cases"]] == ["Kim, returned 2019-05"]
    [case] = public["cases"]
    kim = f"document:{document_id(shared, 'kim')}"
    assert case["fields"]["name"] == [{"value": "Kim", "sources": [{"source": kim, "incident": 0, "outlet": None}]}]
    assert [incident["source"] for incident in case["incidents"]] == [kim]
    assert all(incident["features"] == [] for incident in case["incidents"])
    assert [s["title"] for s in public["sources"]] == [None]
    assert [(c["source"], [p["value"] for p in c["points"]]) for c in public["claims"]] == [
        ("Ministry of Unification", [25])
    ]
    for private in ("Min-su", "Park", "Jae-won", ".txt", "mother", str(tmp_path.parent)):
        assert private not in out
    code, _, _ = _run("export", "--db", db, "--public", "--format", "csv", "--out", str(tmp_path / "csv"))
    assert code == 0
    tables = {p.name: p.read_text("utf-8") for p in (tmp_path / "csv").iterdir()}
    assert set(tables) == {"cases.csv", "case_values.csv", "claims.csv", "sources.csv"}
    assert len(tables["cases.csv"].strip().splitlines()) == 2  # the header and Kim's case
    assert not any(private in text for text in tables.values() for private in ("Min-su", "Park", ".txt"))


POSTGRES_URL = os.environ.get("REDEFECTION_TEST_POSTGRES_URL")


@pytest.mark.skipif(not POSTGRES_URL, reason="REDEFECTION_TEST_POSTGRES_URL is not set")
def test_review_and_the_public_view_on_postgres(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    from redefection.store.tables import Base

    assert POSTGRES_URL is not None
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    store = build_store(tmp_path, POSTGRES_URL)
    try:
        kim = facts(store, "kim", "incident")[0]
        with client(store, WebConfig(anonymous=True)) as http:
            assert http.get("/api/v1/cases").json()["total"] == 0  # nothing reviewed yet
            response = http.post(
                f"/api/v1/facts/incident/{kim.id}/review", json={"action": "confirm"}, headers=bearer(store, "editor")
            )
            assert response.status_code == 200, response.text
            public = http.get("/api/v1/cases").json()
            assert [c["label"] for c in public["items"]] == ["Kim, returned 2019-05"]
            assert http.get("/api/v1/documents", params={"q": "' OR 1=1 --"}).status_code == 403
        with logged_in(store, "viewer") as (http, _):
            assert http.get("/api/v1/documents", params={"q": "' OR 1=1 --"}).json()["total"] == 0
            assert http.get("/api/v1/search", params={"q": "spokesperson"}).json()["documents"]["total"] == 1
    finally:
        store.close()


def test_age_as_a_range_end_to_end_issue_13(fresh: Store, tmp_path: Path) -> None:
    from redefection.app.export import export_data, write_csv

    park = facts(fresh, "park", "incident")[0]
    url = f"/api/v1/facts/incident/{park.id}/review"
    with client(fresh) as http:
        for typed, expected in (
            ("about 30", (None, 28, 32)),
            ("29", (29, 29, 29)),
            ("28-32", (None, 28, 32)),
            ("30s", (None, 30, 39)),
        ):
            body = {"action": "correct", "changes": {"age": typed}}
            response = http.post(url, json=body, headers=bearer(fresh, "editor"))
            assert response.status_code == 200, response.text
            values = response.json()["values"]
            assert (values["age"], values["age_min"], values["age_max"]) == expected
        shown = http.get(f"/api/v1/facts/incident/{park.id}", headers=bearer(fresh, "viewer")).json()["values"]
        assert (shown["age"], shown["age_min"], shown["age_max"]) == (None, 30, 39)
        assert http.app.state.case_rebuilder.wait(30)  # cases are rebuilt in the background
        case = http.get(f"/api/v1/cases/{case_of(fresh, 'park')}", headers=bearer(fresh, "viewer")).json()
        assert "30s" in json.dumps(case)
    entries = [e for e in fresh.list_audit(_audit_filter(), limit=50).items if e.field == "age"]
    assert [(e.old, e.new) for e in reversed(entries)] == [
        (41, "28-32"),
        ("28-32", 29),
        (29, "28-32"),
        ("28-32", "30s"),
    ]
    folder = tmp_path / "csv"
    write_csv(export_data(fresh), folder)
    cases_csv = (folder / "cases.csv").read_text(encoding="utf-8")
    assert "30s" in cases_csv
