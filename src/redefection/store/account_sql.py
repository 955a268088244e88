"""``AccountStore`` over SQLAlchemy: a mixin of ``SqlStore`` (which owns the engine and transactions).

Secrets never reach these tables: the caller (``redefection.accounts``)
hashes passwords with argon2 and cookies and tokens with SHA-256. Disabling
an account deletes its sessions, and every lookup of a session or token
also checks that its user is still enabled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import NotFound, StoreError
from . import web_tables as web_tables  # registers the web tables on Base.metadata
from .web import ApiToken, Role, User, WebSession
from .web_tables import ApiTokenRow, UserRow, WebSessionRow

T = TypeVar("T")


def _user(row: UserRow) -> User:
    role: Role = "admin" if row.role == "admin" else "editor" if row.role == "editor" else "viewer"
    return User(id=row.id, username=row.username, role=role, created_at=row.created_at, disabled=bool(row.disabled))


class AccountSql:
    """The accounts part of ``SqlStore``; ``_transaction`` and ``url`` come from it."""

    url: str
    _transaction: Callable[..., object]

    def _accounts(self, what: str, problem: str, work: Callable[[Session], T]) -> T:
        result: T = self._transaction(what, problem, work)  # type: ignore[assignment]
        return result

    def add_user(self, username: str, password_hash: str, role: Role) -> User:
        def work(session: Session) -> User:
            if session.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
                raise StoreError(f"user {username}", "this username is taken")
            row = UserRow(
                username=username, password_hash=password_hash, role=role, disabled=False, created_at=datetime.now(UTC)
            )
            session.add(row)
            session.flush()
            return _user(row)

        return self._accounts(f"user {username}", "cannot create the account", work)

    def get_user(self, username: str) -> User | None:
        def work(session: Session) -> User | None:
            row = session.scalars(select(UserRow).where(UserRow.username == username)).one_or_none()
            return None if row is None else _user(row)

        return self._accounts(f"user {username}", "cannot look the account up", work)

    def password_hash(self, username: str) -> str | None:
        query = select(UserRow.password_hash).where(UserRow.username == username, UserRow.disabled.is_(False))
        return self._accounts(f"user {username}", "cannot look the account up", lambda s: s.scalar(query))

    def _user_row(self, session: Session, username: str) -> UserRow:
        row = session.scalars(select(UserRow).where(UserRow.username == username)).one_or_none()
        if row is None:
            raise NotFound(f"user {username}", "no such account")
        return row

    def set_password_hash(self, username: str, password_hash: str) -> None:
        def work(session: Session) -> None:
            self._user_row(session, username).password_hash = password_hash

        self._accounts(f"user {username}", "cannot change the password", work)

    def set_role(self, username: str, role: Role) -> User:
        def work(session: Session) -> User:
            row = self._user_row(session, username)
            row.role = role
            return _user(row)

        return self._accounts(f"user {username}", "cannot change the role", work)

    def set_disabled(self, username: str, disabled: bool) -> User:
        def work(session: Session) -> User:
            row = self._user_row(session, username)
            row.disabled = disabled
            if disabled:
                session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
            return _user(row)

        return self._accounts(f"user {username}", "cannot change the account", work)

    def list_users(self) -> list[User]:
        return self._accounts(
            self.url,
            "cannot list accounts",
            lambda s: [_user(row) for row in s.scalars(select(UserRow).order_by(UserRow.username))],
        )

    def create_session(self, user_id: int, token_hash: str, csrf_token: str, expires_at: datetime) -> WebSession:
        def work(session: Session) -> WebSession:
            user = session.get(UserRow, user_id)
            if user is None:
                raise NotFound(f"user {user_id}", "no such account")
            now = datetime.now(UTC)
            # Logging in is a good moment to forget this user's expired sessions.
            session.execute(
                delete(WebSessionRow).where(WebSessionRow.user_id == user_id, WebSessionRow.expires_at <= now)
            )
            row = WebSessionRow(
                token_hash=token_hash, user_id=user_id, csrf_token=csrf_token, created_at=now, expires_at=expires_at
            )
            session.add(row)
            return WebSession(token_hash, _user(user), csrf_token, now, expires_at)

        return self._accounts(f"user {user_id}", "cannot start the session", work)

    def get_session(self, token_hash: str, now: datetime) -> WebSession | None:
        def work(session: Session) -> WebSession | None:
            found = session.execute(
                select(WebSessionRow, UserRow)
                .join(UserRow, WebSessionRow.user_id == UserRow.id)
                .where(
                    WebSessionRow.token_hash == token_hash,
                    WebSessionRow.expires_at > now,
                    UserRow.disabled.is_(False),
                )
            ).one_or_none()
            if found is None:
                return None
            row, user = found
            return WebSession(row.token_hash, _user(user), row.csrf_token, row.created_at, row.expires_at)

        return self._accounts(self.url, "cannot look the session up", work)

    def delete_session(self, token_hash: str) -> None:
        def work(session: Session) -> None:
            session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash))

        self._accounts(self.url, "cannot end the session", work)

    def create_api_token(self, user_id: int, name: str, token_hash: str) -> ApiToken:
        def work(session: Session) -> ApiToken:
            user = session.get(UserRow, user_id)
            if user is None:
                raise NotFound(f"user {user_id}", "no such account")
            row = ApiTokenRow(token_hash=token_hash, user_id=user_id, name=name, created_at=datetime.now(UTC))
            session.add(row)
            session.flush()
            return ApiToken(row.id, name, _user(user), row.created_at)

        return self._accounts(f"user {user_id}", "cannot create the token", work)

    def user_for_api_token(self, token_hash: str, now: datetime) -> User | None:
        def work(session: Session) -> User | None:
            found = session.execute(
                select(ApiTokenRow, UserRow)
                .join(UserRow, ApiTokenRow.user_id == UserRow.id)
                .where(ApiTokenRow.token_hash == token_hash, UserRow.disabled.is_(False))
            ).one_or_none()
            if found is None:
                return None
            token, user = found
            token.last_used_at = now
            return _user(user)

        return self._accounts(self.url, "cannot look the token up", work)
