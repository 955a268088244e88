"""Security of the web app: who may call which route, CSRF, cookies, login throttling, injection, headers, escaping."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from redefection.store import Store
from redefection.web import WebConfig, create_app
from redefection.web.app import STATIC_DIR
from redefection.web.auth import SESSION_COOKIE
from redefection.web.security import CONTENT_SECURITY_POLICY
from web_helpers import PASSWORD, bearer, build_store, case_of, client, confirm, document_id, facts, session_for

# Who may call each route: "public" (anyone, even with anonymous reading off), "reader" (anonymous visitors
# when anonymous reading is on, and every user), or the lowest role that may. A route missing here fails
# test_every_route_has_a_rule: decide who may call it before it ships.
RULES: dict[tuple[str, str], str] = {
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("POST", "/logout"): "viewer",
    ("GET", "/"): "reader",
    ("GET", "/charts/{filename}"): "reader",
    ("GET", "/cases"): "reader",
    ("GET", "/cases/{case_id}"): "reader",
    ("GET", "/documents"): "reader",
    ("GET", "/documents/{document_id}"): "reader",
    ("GET", "/documents/{document_id}/raw"): "viewer",
    ("GET", "/claims"): "reader",
    ("GET", "/audit"): "viewer",
    ("GET", "/sources"): "viewer",
    ("GET", "/new"): "viewer",
    ("POST", "/new/seen"): "viewer",
    ("POST", "/facts/{kind}/{fact_id}/{action}"): "editor",
    ("POST", "/cases/merge"): "editor",
    ("POST", "/cases/{case_id}/split"): "editor",
    ("POST", "/documents/{document_id}/relevance/{decision}"): "editor",
    ("GET", "/api/v1/me"): "reader",
    ("GET", "/api/v1/cases"): "reader",
    ("GET", "/api/v1/cases/{case_id}"): "reader",
    ("GET", "/api/v1/documents"): "reader",
    ("GET", "/api/v1/documents/{document_id}"): "reader",
    ("GET", "/api/v1/facts/{kind}/{fact_id}"): "reader",
    ("GET", "/api/v1/search"): "viewer",
    ("GET", "/api/v1/claims"): "reader",
    ("GET", "/api/v1/quotes"): "reader",
    ("GET", "/api/v1/audit"): "viewer",  # as the /audit page: a team sees who changed what
    ("POST", "/api/v1/facts/{kind}/{fact_id}/review"): "editor",
    ("POST", "/api/v1/cases/merge"): "editor",
    ("POST", "/api/v1/cases/{case_id}/split"): "editor",
    ("GET", "/account"): "viewer",
    ("POST", "/account/password"): "viewer",
    ("GET", "/admin/tokens"): "admin",
    ("POST", "/admin/tokens/{token_id}/revoke"): "admin",
    ("POST", "/api/v1/documents/{document_id}/relevance"): "editor",
    ("GET", "/api/v1/openapi.json"): "reader",
    ("GET", "/api/v1/docs"): "reader",
}
# Who is asking: (name, anonymous reading on, role of the logged-in user or None).
VISITORS = (
    ("anonymous, reading off", False, None),
    ("anonymous, reading on", True, None),
    ("viewer", False, "viewer"),
    ("editor", False, "editor"),
    ("admin", False, "admin"),
)
LEVELS = ("public", "reader", "viewer", "editor", "admin")
# Bodies that pass authorisation but change nothing: the handler refuses them (400/422) after checking who asks.
BODIES: dict[str, dict[str, Any]] = {
    "/facts/{kind}/{fact_id}/{action}": {"data": {"note": ""}},  # a correction that changes nothing: 400
    "/cases/merge": {"data": {"note": ""}},
    "/cases/{case_id}/split": {"data": {"note": ""}},
    "/documents/{document_id}/relevance/{decision}": {"data": {"note": ""}},  # promoting a relevant one: 400
    "/login": {"data": {}},
    "/account/password": {"data": {}},  # no password given: 400
    "/api/v1/facts/{kind}/{fact_id}/review": {"json": {}},
    "/api/v1/cases/merge": {"json": {}},
    "/api/v1/cases/{case_id}/split": {"json": {}},
    "/api/v1/documents/{document_id}/relevance": {"json": {}},
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    built = build_store(tmp_path_factory.mktemp("security"))
    for kind in ("incident", "claim", "quote"):
        confirm(built, facts(built, "kim", kind)[0])
    yield built
    built.close()


def _routes(store: Store) -> set[tuple[str, str]]:
    app = create_app(store, _settings())
    found = set()
    for route in iter_route_contexts(app.routes):
        if route.path == "/static":  # the mounted static files: checked by test_static_files_are_public
            continue
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, str(route.path)))
    return found


def _settings() -> Any:
    from redefection.settings import Settings

    return Settings()


def _url(store: Store, path: str) -> str:
    """The route's path with parameters naming things that exist and are public (Kim's case, document, incident)."""
    values = {
        "case_id": str(case_of(store, "kim")),
        "document_id": str(document_id(store, "kim")),
        "kind": "incident",
        "fact_id": str(facts(store, "kim", "incident")[0].id),
        "filename": "returns.vl.json",
        "action": "correct",
        "token_id": "999999",  # no such token: 404 once allowed
        "decision": "promote",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def _allowed(level: str, anonymous: bool, role: str | None) -> bool:
    if level == "public":
        return True
    if role is None:
        return level == "reader" and anonymous
    return LEVELS.index(role) >= LEVELS.index(level)


def _call(http: TestClient, method: str, path: str, url: str, csrf: str | None) -> Any:
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    if method == "GET":
        return http.get(url, headers=headers)
    return http.post(url, headers=headers, **BODIES.get(path, {}))


def test_every_route_has_a_rule(store: Store) -> None:
    routes = _routes(store)
    assert routes - RULES.keys() == set(), "routes without an access rule in RULES"
    assert RULES.keys() - routes == set(), "rules for routes that no longer exist"


@pytest.mark.parametrize(("visitor", "anonymous", "role"), VISITORS, ids=[v[0] for v in VISITORS])
def test_authorisation_matrix(store: Store, visitor: str, anonymous: bool, role: str | None) -> None:
    wrong = []
    for method, path in sorted(_routes(store)):
        level = RULES[(method, path)]
        with client(store, WebConfig(anonymous=anonymous)) as http:
            csrf = session_for(store, http, role) if role else None
            response = _call(http, method, path, _url(store, path), csrf)
        assert response.status_code < 500, (method, path, response.text)
        to_login = response.status_code == 303 and response.headers["location"].startswith("/login")
        refused = response.status_code in {401, 403} or (to_login and path not in {"/login", "/logout"})
        if refused == _allowed(level, anonymous, role):
            wrong.append(f"{method} {path} ({level}): {response.status_code}")
    assert wrong == [], f"{visitor}: {wrong}"


def test_static_files_are_public(store: Store) -> None:
    files = sorted(p.name for p in STATIC_DIR.iterdir() if p.is_file())
    assert files, "the pages need their stylesheet"
    with client(store) as http:
        for name in files:
            response = http.get(f"/static/{name}")
            assert response.status_code == 200, name
            assert response.headers["x-content-type-options"] == "nosniff"
        assert http.get("/static/../auth.py").status_code == 404
        assert http.get("/static/%2e%2e/auth.py").status_code == 404


def _state_changing(store: Store) -> list[tuple[str, str]]:
    return sorted((m, p) for m, p in _routes(store) if m != "GET" and p != "/login")


def test_every_state_changing_route_needs_the_csrf_token(store: Store) -> None:
    routes = _state_changing(store)
    assert len(routes) >= 8
    park = facts(store, "park", "incident")[0]
    for _, path in routes:
        url = (
            _url(store, path)
            .replace("/correct", "/confirm")
            .replace(f"/incident/{facts(store, 'kim', 'incident')[0].id}", f"/incident/{park.id}")
        )
        for token in (None, "wrong-token"):
            with client(store) as http:
                session_for(store, http, "admin")
                headers = {"X-CSRF-Token": token} if token else {}
                form = {"csrf_token": token} if token else {}
                if path.startswith("/api/"):
                    response = http.post(url, headers=headers, json={"action": "confirm"})
                else:
                    response = http.post(url, headers=headers, data=form)
            assert response.status_code == 403, (path, token, response.status_code)
    assert store.get_fact("incident", park.id).review_state == "machine"  # nothing was confirmed


def test_the_csrf_token_may_come_as_a_form_field(tmp_path: Path) -> None:
    store = build_store(tmp_path)
    park = facts(store, "park", "incident")[0]
    with client(store) as http:
        csrf = session_for(store, http, "editor")
        response = http.post(f"/facts/incident/{park.id}/confirm", data={"csrf_token": csrf})
        assert response.status_code == 303
    assert store.get_fact("incident", park.id).review_state == "confirmed"
    store.close()


def test_bearer_tokens_need_no_csrf_token(store: Store) -> None:
    with client(store) as http:
        response = http.post("/api/v1/cases/merge", json={"incident_ids": [1]}, headers=bearer(store, "editor"))
    assert response.status_code == 422  # past authorisation and CSRF; refused for having one incident


def test_a_login_form_posted_from_another_site_is_refused(store: Store) -> None:
    form = {"username": "viewer", "password": PASSWORD}
    with client(store) as http:
        for header in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/x"}, {"Origin": "null"}):
            response = http.post("/login", data=form, headers=header)
            assert response.status_code == 403, header
            assert SESSION_COOKIE not in response.cookies
        same = http.post("/login", data=form, headers={"Origin": "http://127.0.0.1"})
        assert same.status_code == 303


def _login(http: TestClient, username: str = "viewer", password: str = PASSWORD, **extra: str) -> Any:
    return http.post("/login", data={"username": username, "password": password, **extra})


def _set_cookie(response: Any) -> str:
    [header] = [v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(SESSION_COOKIE)]
    return str(header)


@pytest.mark.parametrize(
    ("base_url", "config", "secure"),
    [
        ("http://127.0.0.1", WebConfig(), False),
        ("http://localhost:8000", WebConfig(), False),
        ("https://127.0.0.1", WebConfig(), True),
        ("http://analysts.example", WebConfig(), True),
        ("https://analysts.example", WebConfig(secure_cookies=False), False),
        ("http://127.0.0.1", WebConfig(secure_cookies=True), True),
    ],
)
def test_session_cookie_flags(store: Store, base_url: str, config: WebConfig, secure: bool) -> None:
    with TestClient(create_app(store, _settings(), config), base_url=base_url, follow_redirects=False) as http:
        response = _login(http)
    assert response.status_code == 303
    header = _set_cookie(response).lower()
    assert "httponly" in header and "samesite=lax" in header and "path=/" in header
    assert ("; secure" in header) == secure
    assert f"max-age={12 * 3600}" in header


def test_login_rotates_the_session_and_logout_ends_it(store: Store) -> None:
    with client(store) as http:
        first = re.search(f"{SESSION_COOKIE}=([^;]+)", _set_cookie(_login(http)))
        assert first is not None and http.get("/api/v1/me").json()["name"] == "viewer"
        second = re.search(f"{SESSION_COOKIE}=([^;]+)", _set_cookie(_login(http, "editor")))
        assert second is not None and second.group(1) != first.group(1)
        assert http.get("/api/v1/me").json()["name"] == "editor"
    with client(store) as stale:
        stale.cookies.set(SESSION_COOKIE, first.group(1))
        assert stale.get("/api/v1/me").status_code == 401  # the old session ended at the new login
    with client(store) as http:
        csrf = session_for(store, http, "viewer")
        cookie = http.cookies[SESSION_COOKIE]
        assert http.post("/logout", data={"csrf_token": csrf}).status_code == 303
        http.cookies.set(SESSION_COOKIE, cookie)  # a copy of the cookie kept by an attacker
        assert http.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_login_never_redirects_off_site(store: Store, target: str) -> None:
    with client(store) as http:
        response = _login(http, next=target)
    assert response.status_code == 303 and response.headers["location"] == "/"


def _from(store: Store, config: WebConfig, address: str) -> TestClient:
    app = create_app(store, _settings(), config)
    return TestClient(app, base_url="http://127.0.0.1", client=(address, 5000), follow_redirects=False)


def test_failed_logins_are_throttled_per_username(store: Store) -> None:
    config = WebConfig(login_attempts=3, login_window_s=600)
    with _from(store, config, "192.0.2.11") as http:  # an address of its own: the budget is kept in the store
        for _ in range(3):
            assert _login(http, password="wrong password").status_code == 401
        blocked = _login(http)  # even the right password, until the window has passed
        assert blocked.status_code == 429
        assert 0 < int(blocked.headers["retry-after"]) <= 600
        assert SESSION_COOKIE not in blocked.cookies


def test_failed_logins_are_throttled_per_address(store: Store) -> None:
    config = WebConfig(login_attempts=3, login_window_s=600)
    with _from(store, config, "192.0.2.12") as http:
        for name in ("ghost1", "ghost2", "ghost3"):
            assert _login(http, username=name).status_code == 401
        assert _login(http, username="editor").status_code == 429


def test_a_successful_login_does_not_reset_the_address_budget(store: Store) -> None:
    config = WebConfig(login_attempts=3, login_window_s=600)
    with _from(store, config, "192.0.2.13") as http:
        assert _login(http, username="ghost1").status_code == 401
        assert _login(http, username="ghost2").status_code == 401
        assert _login(http).status_code == 303
        assert _login(http, username="ghost3").status_code == 401
        assert _login(http, username="admin").status_code == 429


def test_the_login_budget_renews_after_the_window(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from redefection.store import open_store

    counted = open_store(str(tmp_path / "throttle.db"))
    start = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    keys = ("pair:x|a", "addr:a")
    assert [n for n, _ in counted.count_login_attempt(keys, start, 60)] == [1, 1]
    later = start + timedelta(seconds=30)
    assert counted.count_login_attempt(keys, later, 60) == [(2, start), (2, start)]
    counted.forgive_login_attempt(release=("addr:a",), clear=("pair:x|a",))  # a success takes its attempt back
    assert counted.count_login_attempt(keys, later, 60) == [(1, later), (2, start)]
    renewed = start + timedelta(seconds=61)
    assert counted.count_login_attempt(keys, renewed, 60) == [(2, later), (1, renewed)]
    counted.close()


def _concurrent_logins(store: Store, attempts: list[str], username: str, address: str) -> list[int]:
    """POST the login form with each password at once, from one address, on threads; the status codes."""
    from concurrent.futures import ThreadPoolExecutor

    config = WebConfig(login_attempts=5, login_window_s=600)
    app = create_app(store, _settings(), config)
    barrier = threading.Barrier(len(attempts))

    def one(password: str) -> int:
        with TestClient(app, base_url="http://127.0.0.1", client=(address, 5000), follow_redirects=False) as http:
            barrier.wait()
            return int(_login(http, username=username, password=password).status_code)

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(one, attempts))


def test_simultaneous_logins_cannot_exceed_the_budget_issue_14(tmp_path: Path) -> None:
    store = build_store(tmp_path)
    codes = _concurrent_logins(store, ["wrong password"] * 30, "editor", "192.0.2.21")
    print(f"30 simultaneous wrong logins: {codes.count(401)} checked, {codes.count(429)} throttled")
    assert codes.count(401) == 5 and codes.count(429) == 25
    codes = _concurrent_logins(store, ["wrong password"] * 24 + [PASSWORD], "admin", "192.0.2.22")
    print(f"24 wrong and 1 right at once: {sorted(codes)}")
    assert codes.count(401) + codes.count(303) == 5 and codes.count(429) == 20
    store.close()


def test_failing_someone_elses_password_does_not_lock_them_out_issue_14(tmp_path: Path) -> None:
    store = build_store(tmp_path)
    config = WebConfig(login_attempts=5, login_window_s=900)
    app = create_app(store, _settings(), config)
    with TestClient(app, base_url="http://127.0.0.1", client=("203.0.113.9", 5000), follow_redirects=False) as attacker:
        codes = [_login(attacker, username="admin", password="wrong password").status_code for _ in range(8)]
        assert codes == [401] * 5 + [429] * 3
        assert _login(attacker, username="admin").status_code == 429  # the attacker's own address is throttled
    with TestClient(app, base_url="http://127.0.0.1", client=("198.51.100.4", 5000), follow_redirects=False) as owner:
        assert _login(owner, username="admin").status_code == 303  # the admin, from elsewhere, gets in
    store.close()


INJECTIONS = (
    "' OR 1=1 --",
    "'; DROP TABLE documents; --",
    '" OR ""="',
    "Kim') OR ('1'='1",
    "%",
    "_",
    "\\",
    "*",
    'NEAR("Kim" "Park")',
    '"unbalanced',
    "AND OR NOT",
    "title:Kim",
    "Kim*",
    "\x00",
    "1; SELECT sqlite_version()",
)


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_in_search_and_filters(store: Store, text: str) -> None:
    before = store.counts()
    paths = (
        ("/api/v1/documents", {"q": text}),
        ("/api/v1/documents", {"outlet": text, "language": text}),
        ("/api/v1/search", {"q": text}),
        ("/api/v1/cases", {"q": text, "status": text, "reason": text, "language": text}),
        ("/api/v1/claims", {"source": text, "subject": text}),
        ("/api/v1/audit", {"who": text, "kind": text}),
        ("/documents", {"q": text}),
        ("/cases", {"q": text, "status": text}),
        ("/claims", {"source": text}),
    )
    with client(store) as http:
        session_for(store, http, "editor")
        for path, params in paths:
            response = http.get(path, params=params)
            assert response.status_code in {200, 422}, (path, params, response.status_code)
            lowered = response.text.lower()
            for leak in ("operationalerror", "sqlalchemy", "syntax error", "traceback", "sqlite3"):
                assert leak not in lowered, (path, params)
            if path.startswith("/api/") and response.status_code == 200 and "total" in response.json():
                assert response.json()["total"] <= 3  # matched nothing it should not
    assert store.counts() == before


def test_security_headers_everywhere(store: Store) -> None:
    with client(store) as http:
        responses = [http.get("/login"), http.get("/api/v1/cases"), http.get("/nothing"), http.get("/cases")]
        session_for(store, http, "viewer")
        responses += [http.get("/cases"), http.get("/api/v1/cases"), http.get("/api/v1/cases/999999")]
    for response in responses:
        headers = response.headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, response.url
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] in {"same-origin", "no-referrer"}
        assert headers["cross-origin-opener-policy"] == "same-origin"
    for response in responses[4:]:  # sent with the session cookie
        assert response.headers["cache-control"] == "no-store"
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "http" not in CONTENT_SECURITY_POLICY


def test_markup_in_titles_bodies_and_names_comes_back_as_json_strings(tmp_path: Path) -> None:
    store = build_store(tmp_path)
    payload = '<img src=x onerror="alert(1)">'
    incident = facts(store, "xss", "incident")[0]
    with client(store) as http:
        token = bearer(store, "editor")
        corrected = http.post(
            f"/api/v1/facts/incident/{incident.id}/review",
            json={"action": "correct", "changes": {"name": payload, "route": "<script>x</script>"}, "note": payload},
            headers=token,
        )
        assert corrected.status_code == 200, corrected.text
        assert http.app.state.case_rebuilder.wait(30)  # cases are rebuilt in the background
        session_for(store, http, "editor")
        responses = [
            http.get(f"/api/v1/documents/{document_id(store, 'xss')}"),
            http.get(f"/api/v1/cases/{case_of(store, 'xss')}"),
            http.get("/api/v1/cases"),
            http.get("/api/v1/audit"),
            http.get("/api/v1/documents", params={"q": "alert"}),
        ]
    for response in responses:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.headers["x-content-type-options"] == "nosniff"
    document = responses[0].json()
    assert document["document"]["title"] == 'Defector <script>alert("title")</script> returns to North Korea'
    assert "<b onmouseover=alert(2)>" in document["body"][0]
    case = responses[1].json()
    assert payload in [v["value"] for f in case["fields"] if f["name"] == "name" for v in f["values"]]
    assert payload in {entry["note"] for entry in responses[3].json()["items"]}
    store.close()


def test_markup_in_urls_is_not_reflected_as_html(store: Store) -> None:
    with client(store) as http:
        session_for(store, http, "viewer")
        for path in ("/nothing/<script>alert(1)</script>", '/login?next=/"><script>alert(1)</script>'):
            response = http.get(path)
            if response.headers.get("content-type", "").startswith("text/html"):
                assert "<script>alert(1)</script>" not in response.text, path
        for path in ("/api/v1/cases/<script>alert(1)</script>", "/api/v1/cases/<img src=x onerror=alert(1)>"):
            api = http.get(path)
            assert api.status_code in {404, 422} and api.headers["content-type"] == "application/json", path


def _asgi_post(app: Any, path: str, headers: dict[str, str], chunks: list[bytes]) -> tuple[int, int, dict[str, str]]:
    """POST ``chunks`` to ``app`` over raw ASGI; (status, body chunks the app asked for, response headers)."""
    import anyio

    asked = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        if asked > len(chunks):
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": chunks[asked - 1], "more_body": asked < len(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    raw = [(k.lower().encode(), v.encode()) for k, v in {"host": "127.0.0.1", **headers}.items()]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "headers": raw,
        "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 80), "root_path": "",
    }  # fmt: skip
    anyio.run(app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], asked, {k.decode(): v.decode() for k, v in start["headers"]}


def test_bodies_are_read_only_after_authentication_and_are_capped_issue_14(store: Store) -> None:
    app = create_app(store, _settings(), WebConfig())
    chunk = b"[" + b"1," * 32_767 + b"1]"  # 64 KiB of JSON
    big = [chunk] * 48  # 3 MiB, as a client streams it
    json_type = {"content-type": "application/json"}
    status, asked, headers = _asgi_post(app, "/api/v1/cases/merge", {**json_type, "content-length": "3145728"}, big)
    assert (status, asked) == (401, 0)  # refused before one byte of the body was read
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    for path in ("/cases/merge", "/facts/incident/1/confirm"):
        assert _asgi_post(app, path, {"content-type": "application/x-www-form-urlencoded"}, big)[:2] == (403, 0)
    editor = {**json_type, **bearer(store, "editor")}
    status, asked, _ = _asgi_post(app, "/api/v1/cases/merge", {**editor, "content-length": "3145728"}, big)
    assert (status, asked) == (413, 0)  # too large by its declared length
    status, asked, _ = _asgi_post(app, "/api/v1/cases/merge", editor, big)  # chunked: no length declared
    assert status == 413 and asked <= 17  # stopped at the 1 MiB cap, not read to the end
    status, _, _ = _asgi_post(app, "/api/v1/cases/merge", editor, [b'{"incident_ids": []}'])
    assert status in {400, 422}  # a small body from an editor still reaches the route


def test_ids_beyond_sql_integers_are_refused_not_crashed_issue_14(store: Store) -> None:
    big = str(2**63)
    with client(store) as http:
        csrf = session_for(store, http, "admin")
        for path in (f"/cases/{big}", f"/documents/{big}", f"/documents/{big}/raw", f"/api/v1/cases/{big}",
                     f"/api/v1/documents/{big}", f"/api/v1/facts/incident/{big}"):  # fmt: skip
            response = http.get(path)
            assert response.status_code == 404, path
            assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        for path in (f"/api/v1/audit?case_id={big}", f"/api/v1/cases?offset={big}"):
            assert http.get(path).status_code == 422, path
        posts = {
            f"/api/v1/cases/{big}/split": {"json": {"incident_ids": [1]}},
            f"/api/v1/facts/incident/{big}/review": {"json": {"action": "confirm"}},
            f"/facts/incident/{big}/confirm": {"data": {}},
            f"/admin/tokens/{big}/revoke": {"data": {}},
            "/api/v1/cases/merge": {"json": {"incident_ids": [2**63, 2**64]}},
        }
        for path, body in posts.items():
            assert http.post(path, headers={"X-CSRF-Token": csrf}, **body).status_code == 404, path
        assert http.get(f"/api/v1/cases/{2**63 - 1}").status_code == 404  # the largest id is simply not there


def test_an_unexpected_error_is_answered_with_the_security_headers_issue_14(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(store, "get_case", broken)
    app = create_app(store, _settings(), WebConfig(anonymous=True))
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as http:
        for path in ("/api/v1/cases/1", "/cases/1"):
            response = http.get(path)
            assert response.status_code == 500 and "a bug" not in response.text
            assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
            assert response.headers["x-frame-options"] == "DENY"
