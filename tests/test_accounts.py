"""Accounts: argon2id hashing, login checks, sessions that expire, API tokens; on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

from redefection.app import accounts
from redefection.errors import NotFound, StoreError
from redefection.store import SqlStore, Store, open_store
from redefection.store.tables import Base

POSTGRES_URL = os.environ.get("REDEFECTION_TEST_POSTGRES_URL")
PASSWORD = "correct horse battery"


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture(
    params=[
        "memory",
        pytest.param(
            "postgres", marks=pytest.mark.skipif(not POSTGRES_URL, reason="REDEFECTION_TEST_POSTGRES_URL is not set")
        ),
    ]
)
def any_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    url = "sqlite://"
    if request.param == "postgres":
        assert POSTGRES_URL is not None
        _reset_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    opened = open_store(url)
    yield opened
    opened.close()


def _stored_hash(store: Store, username: str) -> str:
    assert isinstance(store, SqlStore)
    with store.engine.connect() as connection:
        found = connection.execute(text("SELECT password_hash FROM users WHERE username = :u"), {"u": username})
        return str(found.scalar_one())


def test_passwords_are_stored_as_argon2id_and_checked(any_store: Store) -> None:
    user = accounts.add_user(any_store, "alice", PASSWORD, "editor")
    assert (user.username, user.role, user.disabled) == ("alice", "editor", False)
    stored = _stored_hash(any_store, "alice")
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    found = accounts.authenticate(any_store, "alice", PASSWORD)
    assert found is not None and found.id == user.id and found.role == "editor"
    assert accounts.authenticate(any_store, "alice", PASSWORD + "x") is None
    assert accounts.authenticate(any_store, "alice", "") is None
    assert accounts.authenticate(any_store, "Alice", PASSWORD) is None  # names are exact
    assert accounts.authenticate(any_store, "nobody", PASSWORD) is None


def test_same_password_gets_a_different_salt(any_store: Store) -> None:
    accounts.add_user(any_store, "alice", PASSWORD, "viewer")
    accounts.add_user(any_store, "bob", PASSWORD, "viewer")
    assert _stored_hash(any_store, "alice") != _stored_hash(any_store, "bob")


def test_a_hash_with_old_parameters_is_replaced_at_login(any_store: Store) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    any_store.add_user("old", weak, "viewer")
    assert accounts.authenticate(any_store, "old", "wrong password!") is None
    assert _stored_hash(any_store, "old") == weak  # a failed login changes nothing
    assert accounts.authenticate(any_store, "old", PASSWORD) is not None
    renewed = _stored_hash(any_store, "old")
    assert renewed != weak
    assert not PasswordHasher().check_needs_rehash(renewed)
    assert accounts.authenticate(any_store, "old", PASSWORD) is not None


def test_disabled_users_cannot_log_in_and_lose_their_sessions(any_store: Store) -> None:
    user = accounts.add_user(any_store, "carol", PASSWORD, "admin")
    started = accounts.start_session(any_store, user)
    assert accounts.session_for_cookie(any_store, started.cookie) is not None
    assert any_store.set_disabled("carol", True).disabled
    assert accounts.authenticate(any_store, "carol", PASSWORD) is None
    assert accounts.session_for_cookie(any_store, started.cookie) is None
    assert any_store.set_disabled("carol", False).disabled is False
    assert accounts.authenticate(any_store, "carol", PASSWORD) is not None
    assert accounts.session_for_cookie(any_store, started.cookie) is None  # still logged out


def test_sessions_expire_and_end(any_store: Store) -> None:
    user = accounts.add_user(any_store, "dave", PASSWORD, "viewer")
    now = datetime.now(UTC)
    started = accounts.start_session(any_store, user, hours=2, now=now)
    assert started.session.token_hash == hashlib.sha256(started.cookie.encode()).hexdigest()
    assert len(started.cookie) >= 43 and started.session.csrf_token != started.cookie
    live = accounts.session_for_cookie(any_store, started.cookie, now + timedelta(hours=1))
    assert live is not None and live.user.username == "dave" and live.csrf_token == started.session.csrf_token
    assert accounts.session_for_cookie(any_store, started.cookie, now + timedelta(hours=2, seconds=1)) is None
    assert accounts.session_for_cookie(any_store, started.cookie[:-1] + "x", now) is None
    assert accounts.session_for_cookie(any_store, None) is None
    other = accounts.start_session(any_store, user, hours=2, now=now)
    assert other.cookie != started.cookie
    accounts.end_session(any_store, started.cookie)
    assert accounts.session_for_cookie(any_store, started.cookie, now) is None
    assert accounts.session_for_cookie(any_store, other.cookie, now) is not None  # other browsers stay logged in


def test_the_store_never_sees_cookie_or_token_values(any_store: Store) -> None:
    user = accounts.add_user(any_store, "erin", PASSWORD, "editor")
    started = accounts.start_session(any_store, user)
    token = accounts.create_api_token(any_store, "erin", "laptop")
    assert isinstance(any_store, SqlStore)
    with any_store.engine.connect() as connection:
        rows = [
            *connection.execute(text("SELECT token_hash FROM web_sessions")).scalars(),
            *connection.execute(text("SELECT token_hash FROM api_tokens")).scalars(),
        ]
    assert len(rows) == 2
    assert started.cookie not in rows and token.secret not in rows
    assert all(len(row) == 64 for row in rows)


def test_api_tokens_identify_their_user_until_disabled(any_store: Store) -> None:
    accounts.add_user(any_store, "frank", PASSWORD, "editor")
    created = accounts.create_api_token(any_store, "frank", "  nightly import ")
    assert created.token.name == "nightly import" and created.token.user.username == "frank"
    assert created.secret.startswith("rf_")
    assert created.token.last_used_at is None
    found = accounts.user_for_token(any_store, created.secret)
    assert found is not None and found.username == "frank"
    assert accounts.user_for_token(any_store, created.secret + "x") is None
    assert accounts.user_for_token(any_store, "") is None
    assert accounts.user_for_token(any_store, "x" * 10_000) is None
    second = accounts.create_api_token(any_store, "frank", "laptop")
    assert second.secret != created.secret
    any_store.set_disabled("frank", True)
    assert accounts.user_for_token(any_store, created.secret) is None
    with pytest.raises(NotFound):
        accounts.create_api_token(any_store, "nobody", "x")
    with pytest.raises(ValueError, match="name"):
        accounts.create_api_token(any_store, "frank", "   ")


def test_token_use_is_recorded(any_store: Store) -> None:
    accounts.add_user(any_store, "gina", PASSWORD, "viewer")
    created = accounts.create_api_token(any_store, "gina", "script")
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert accounts.user_for_token(any_store, created.secret, when) is not None
    assert isinstance(any_store, SqlStore)
    with any_store.engine.connect() as connection:
        used = connection.execute(text("SELECT last_used_at FROM api_tokens")).scalar_one()
    assert used is not None and str(used).startswith("2030-01-02")


@pytest.mark.parametrize(
    ("username", "problem"),
    [("", "1 to 64"), ("a" * 65, "1 to 64"), ("two words", "whitespace"), ("tab\tname", "whitespace"),
     ("bell\x07", "control"), ("zero\u200bwidth", "control"), ("nbsp\u00a0x", "whitespace")],
)  # fmt: skip
def test_bad_usernames_are_refused(store: Store, username: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        accounts.add_user(store, username, PASSWORD, "viewer")
    assert store.list_users() == []


def test_short_passwords_and_unknown_roles_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="at least 10"):
        accounts.add_user(store, "hank", "123456789", "viewer")
    with pytest.raises(ValueError, match="unknown role"):
        accounts.add_user(store, "hank", PASSWORD, "root")
    assert accounts.add_user(store, "hank", "1234567890", "viewer").username == "hank"  # exactly 10 is fine
    assert accounts.add_user(store, "한국어이름", PASSWORD, "viewer").username == "한국어이름"


def test_taken_usernames_and_unknown_users(any_store: Store) -> None:
    accounts.add_user(any_store, "ivy", PASSWORD, "viewer")
    with pytest.raises(StoreError, match="taken"):
        accounts.add_user(any_store, "ivy", PASSWORD + "2", "admin")
    assert accounts.authenticate(any_store, "ivy", PASSWORD) is not None  # the first account is untouched
    with pytest.raises(NotFound):
        any_store.set_role("nobody", "admin")
    with pytest.raises(NotFound):
        any_store.set_disabled("nobody", True)
    with pytest.raises(NotFound):
        accounts.set_password(any_store, "nobody", PASSWORD)


def test_roles_and_passwords_change(any_store: Store) -> None:
    accounts.add_user(any_store, "zed", PASSWORD, "viewer")
    accounts.add_user(any_store, "amy", PASSWORD, "editor")
    assert any_store.set_role("zed", "admin").role == "admin"
    assert [(u.username, u.role) for u in any_store.list_users()] == [("amy", "editor"), ("zed", "admin")]
    accounts.set_password(any_store, "zed", "a brand new secret")
    assert accounts.authenticate(any_store, "zed", PASSWORD) is None
    found = accounts.authenticate(any_store, "zed", "a brand new secret")
    assert found is not None and found.role == "admin"


def test_unknown_users_cost_a_verification_too(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    accounts.add_user(store, "jack", PASSWORD, "viewer")
    checked: list[str] = []
    real = accounts._verify

    def counting(stored: str, password: str) -> bool:
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(accounts, "_verify", counting)
    assert accounts.authenticate(store, "nobody", PASSWORD) is None
    assert accounts.authenticate(store, "jack", "wrong password") is None
    store.set_disabled("jack", True)
    assert accounts.authenticate(store, "jack", PASSWORD) is None
    assert len(checked) == 3  # one argon2 verification each: unknown, wrong, disabled
    assert all(stored.startswith("$argon2id$") for stored in checked)


def _run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from redefection.cli import cli

    result = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_user_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "users.db")
    code, _, err = _run(
        "user", "add", "maria", "--role", "editor", "--password-stdin", "--db", db, stdin=PASSWORD + "\n"
    )
    assert code == 0 and "created maria (editor)" in err
    code, _, err = _run("user", "add", "maria", "--password-stdin", "--db", db, stdin=PASSWORD + "\n")
    assert code == 1 and "taken" in err
    code, _, err = _run("user", "add", "short", "--password-stdin", "--db", db, stdin="tiny\n")
    assert code == 2 and "at least 10" in err
    code, _, err = _run("user", "add", "has space", "--password-stdin", "--db", db, stdin=PASSWORD + "\n")
    assert code == 2 and "whitespace" in err
    code, _, _ = _run("user", "add", "nico", "--db", db, stdin=f"{PASSWORD}\n{PASSWORD}\n")  # prompted twice
    assert code == 0
    code, _, err = _run("user", "add", "olga", "--db", db, stdin=f"{PASSWORD}\n{PASSWORD}!\n{PASSWORD}\n{PASSWORD}\n")
    assert code == 0  # a mismatch asks again
    assert _run("user", "set-role", "nico", "admin", "--db", db)[0] == 0
    assert _run("user", "disable", "olga", "--db", db)[0] == 0
    code, _, err = _run("user", "enable", "ghost", "--db", db)
    assert code == 1 and "no account named ghost" in err
    code, out, _ = _run("user", "list", "--db", db)
    assert code == 0
    rows = {line.split("\t")[0]: line for line in out.splitlines() if line.count("\t") >= 3}  # piped: plain lines
    assert set(rows) >= {"maria", "nico", "olga"}
    assert "admin" in rows["nico"] and "disabled" in rows["olga"] and "active" in rows["maria"]
    store = open_store(db)
    try:
        assert accounts.authenticate(store, "nico", PASSWORD) is not None
        assert accounts.authenticate(store, "olga", PASSWORD) is None
    finally:
        store.close()


def test_token_create_prints_the_token_once(tmp_path: Path) -> None:
    db = str(tmp_path / "tokens.db")
    assert _run("user", "add", "pat", "--role", "editor", "--password-stdin", "--db", db, stdin=PASSWORD + "\n")[0] == 0
    code, out, err = _run("token", "create", "pat", "--name", "nightly", "--db", db)
    assert code == 0 and "not shown again" in err
    secret = out.strip()
    store = open_store(db)
    try:
        found = accounts.user_for_token(store, secret)
        assert found is not None and found.username == "pat"
    finally:
        store.close()
    assert secret not in (tmp_path / "tokens.db").read_bytes().decode("latin-1")
    code, _, err = _run("token", "create", "nobody", "--name", "x", "--db", db)
    assert code == 1 and "no account named nobody" in err
