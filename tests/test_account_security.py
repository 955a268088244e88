"""Passwords can be changed (ending the other sessions) and API tokens listed, revoked and given an expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from redefection.app import accounts
from redefection.cli import cli
from redefection.store import Store, open_store
from web_helpers import PASSWORD, client, session_for

NEW_PASSWORD = "another long test password"


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    opened = open_store(str(tmp_path / "accounts.db"))
    for role in ("viewer", "admin"):
        accounts.add_user(opened, role, PASSWORD, role)
    return opened


def _cli(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _me(store: Store, cookie_client: object) -> int:
    return int(cookie_client.get("/api/v1/me").status_code)  # type: ignore[attr-defined]


def test_set_password_ends_every_session_issue_14(store: Store) -> None:
    with client(store) as laptop, client(store) as phone:
        session_for(store, laptop, "viewer")
        session_for(store, phone, "viewer")
        assert _me(store, laptop) == _me(store, phone) == 200
        code, _, err = _cli("user", "set-password", "viewer", "--password-stdin", "--db", store.url, stdin=NEW_PASSWORD)
        assert code == 0 and "2 session(s) ended" in err, err
        assert _me(store, laptop) == _me(store, phone) == 401
    assert accounts.authenticate(store, "viewer", PASSWORD) is None
    assert accounts.authenticate(store, "viewer", NEW_PASSWORD) is not None
    assert _cli("user", "set-password", "nobody", "--password-stdin", "--db", store.url, stdin=NEW_PASSWORD)[0] == 1
    assert _cli("user", "set-password", "viewer", "--password-stdin", "--db", store.url, stdin="short")[0] == 2


def test_a_user_changes_their_own_password_and_other_sessions_end_issue_14(store: Store) -> None:
    with client(store) as laptop, client(store) as phone:
        csrf = session_for(store, laptop, "viewer")
        session_for(store, phone, "viewer")
        form = {"csrf_token": csrf, "current_password": "wrong password", "new_password": NEW_PASSWORD}
        wrong = laptop.post("/account/password", data={**form, "confirm_password": NEW_PASSWORD})
        assert wrong.status_code == 400 and "current password is wrong" in wrong.text
        form["current_password"] = PASSWORD
        done = laptop.post("/account/password", data={**form, "confirm_password": NEW_PASSWORD})
        assert done.status_code == 303 and done.headers["location"] == "/account?changed=1"
        assert _me(store, laptop) == 200 and _me(store, phone) == 401  # this session stays, the other ended
        assert "1 other session(s) ended" in laptop.get(done.headers["location"]).text
    assert accounts.authenticate(store, "viewer", NEW_PASSWORD) is not None


def test_tokens_are_listed_with_last_use_and_revoked_issue_14(store: Store) -> None:
    code, secret, _ = _cli("token", "create", "viewer", "--name", "nightly export", "--db", store.url)
    assert code == 0
    bearer = {"Authorization": f"Bearer {secret.strip()}"}
    code, listed, _ = _cli("token", "list", "--db", store.url)
    assert code == 0 and "nightly export" in listed and "viewer" in listed and "never" in listed
    assert secret.strip() not in listed
    with client(store) as http:
        assert http.get("/api/v1/me", headers=bearer).status_code == 200
    [token] = accounts.list_tokens(store)
    assert token.last_used_at is not None and token.expires_at is None
    code, _, err = _cli("token", "revoke", str(token.id), "--db", store.url)
    assert code == 0 and "nightly export" in err
    with client(store) as http:
        assert http.get("/api/v1/me", headers=bearer).status_code == 401  # stopped at once
        session_for(store, http, "viewer")
        assert http.get("/api/v1/me").status_code == 200  # its user is untouched
    assert accounts.list_tokens(store) == []
    assert _cli("token", "revoke", str(token.id), "--db", store.url)[0] == 1


def test_the_admin_page_lists_and_revokes_tokens_issue_14(store: Store) -> None:
    created = accounts.create_api_token(store, "viewer", "dashboard kiosk", days=30)
    assert created.token.expires_at is not None
    with client(store) as http:
        csrf = session_for(store, http, "admin")
        page = http.get("/admin/tokens")
        assert page.status_code == 200 and "dashboard kiosk" in page.text and created.secret not in page.text
        revoked = http.post(f"/admin/tokens/{created.token.id}/revoke", data={"csrf_token": csrf})
        assert revoked.status_code == 303
        assert "dashboard kiosk" not in http.get("/admin/tokens").text
        assert http.get("/api/v1/me", headers={"Authorization": f"Bearer {created.secret}"}).status_code == 401


def test_an_expired_token_is_refused_issue_14(store: Store) -> None:
    created = accounts.create_api_token(store, "viewer", "one week", days=7)
    assert accounts.user_for_token(store, created.secret) is not None
    later = datetime.now(UTC) + timedelta(days=8)
    assert accounts.user_for_token(store, created.secret, later) is None
    code, listed, _ = _cli("token", "list", "--user", "viewer", "--db", store.url)
    assert code == 0 and created.token.expires_at is not None
    assert created.token.expires_at.strftime("%Y-%m-%d") in listed
    with pytest.raises(ValueError, match="1 to 3650 days"):
        accounts.create_api_token(store, "viewer", "forever and more", days=0)
