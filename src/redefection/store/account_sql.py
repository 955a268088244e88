"""``AccountStore`` over SQLAlchemy: a mixin of ``SqlStore`` (which owns the engine and transactions).

Secrets never reach these tables: the caller (``redefection.app.accounts``)
hashes passwords with argon2 and cookies and tokens with SHA-256. Disabling
an account deletes its sessions, and every lookup of a session or token
also checks that its user is still enabled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..errors import NotFound, StoreError
from .web import ApiToken, Role, User, WebSession
from .web_tables import ApiTokenRow, LoginThrottleRow, UserRow, WebSessionRow

T = TypeVar("T")


def _user(row: UserRow) -> User:
    role: Role = "admin" if row.role == "admin" else "editor" if row.role == "editor" else "viewer"
    return User(id=row.id, username=row.username, role=role, created_at=row.created_at, disabled=bool(row.disabled))


class AccountSql:
    """The accounts part of ``SqlStore``; ``_transaction`` and ``url`` come from it."""

    url: str
    engine: Engine
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

    def set_password_hash(
        self, username: str, password_hash: str, *, end_sessions: bool = True, keep_session: str | None = None
    ) -> int:
        def work(session: Session) -> int:
            row = self._user_row(session, username)
            row.password_hash = password_hash
            if not end_sessions:
                return 0
            ended = delete(WebSessionRow).where(WebSessionRow.user_id == row.id)
            if keep_session is not None:
                ended = ended.where(WebSessionRow.token_hash != keep_session)
            return int(session.execute(ended).rowcount or 0)  # type: ignore[attr-defined]

        return self._accounts(f"user {username}", "cannot change the password", work)

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
        # Every page view asks this: on a plain connection, not an ORM session (a fifth of the cost).
        query = (
            select(
                WebSessionRow.csrf_token,
                WebSessionRow.created_at,
                WebSessionRow.expires_at,
                UserRow.id,
                UserRow.username,
                UserRow.role,
                UserRow.created_at,
            )
            .join(UserRow, WebSessionRow.user_id == UserRow.id)
            .where(
                WebSessionRow.token_hash == token_hash,
                WebSessionRow.expires_at > now,
                UserRow.disabled.is_(False),
            )
        )
        try:
            with self.engine.connect() as connection:
                found = connection.execute(query).one_or_none()
        except SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot look the session up: {exc}") from exc
        if found is None:
            return None
        csrf_token, created_at, expires_at, user_id, username, role_name, user_created_at = found
        role: Role = "admin" if role_name == "admin" else "editor" if role_name == "editor" else "viewer"
        user = User(id=user_id, username=username, role=role, created_at=user_created_at, disabled=False)
        return WebSession(token_hash, user, csrf_token, created_at, expires_at)

    def delete_session(self, token_hash: str) -> None:
        def work(session: Session) -> None:
            session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash))

        self._accounts(self.url, "cannot end the session", work)

    def create_api_token(
        self, user_id: int, name: str, token_hash: str, expires_at: datetime | None = None
    ) -> ApiToken:
        def work(session: Session) -> ApiToken:
            user = session.get(UserRow, user_id)
            if user is None:
                raise NotFound(f"user {user_id}", "no such account")
            row = ApiTokenRow(
                token_hash=token_hash, user_id=user_id, name=name, created_at=datetime.now(UTC), expires_at=expires_at
            )
            session.add(row)
            session.flush()
            return ApiToken(row.id, name, _user(user), row.created_at, None, expires_at)

        return self._accounts(f"user {user_id}", "cannot create the token", work)

    def list_api_tokens(self, username: str | None = None) -> list[ApiToken]:
        def work(session: Session) -> list[ApiToken]:
            query = select(ApiTokenRow, UserRow).join(UserRow, ApiTokenRow.user_id == UserRow.id)
            if username is not None:
                query = query.where(UserRow.username == username)
            rows = session.execute(query.order_by(UserRow.username, ApiTokenRow.id)).all()
            return [
                ApiToken(token.id, token.name, _user(user), token.created_at, token.last_used_at, token.expires_at)
                for token, user in rows
            ]

        return self._accounts(self.url, "cannot list the tokens", work)

    def revoke_api_token(self, token_id: int) -> ApiToken:
        def work(session: Session) -> ApiToken:
            found = session.execute(
                select(ApiTokenRow, UserRow)
                .join(UserRow, ApiTokenRow.user_id == UserRow.id)
                .where(ApiTokenRow.id == token_id)
            ).one_or_none()
            if found is None:
                raise NotFound(f"token {token_id}", "no such token")
            token, user = found
            session.delete(token)
            return ApiToken(token.id, token.name, _user(user), token.created_at, token.last_used_at, token.expires_at)

        return self._accounts(f"token {token_id}", "cannot revoke the token", work)

    def user_for_api_token(self, token_hash: str, now: datetime) -> User | None:
        def work(session: Session) -> User | None:
            found = session.execute(
                select(ApiTokenRow, UserRow)
                .join(UserRow, ApiTokenRow.user_id == UserRow.id)
                .where(ApiTokenRow.token_hash == token_hash, UserRow.disabled.is_(False))
            ).one_or_none()
            if found is None or (found[0].expires_at is not None and found[0].expires_at <= now):
                return None
            token, user = found
            token.last_used_at = now
            return _user(user)

        return self._accounts(self.url, "cannot look the token up", work)

    # Login throttling: counted in the store, so simultaneous attempts and several processes share one budget.

    def count_login_attempt(self, keys: Sequence[str], now: datetime, window_s: int) -> list[tuple[int, datetime]]:
        """Count one attempt under each key; returns (attempts in the key's window, window start) per key.

        One UPDATE per key, in key order: PostgreSQL locks the row, SQLite the
        database, until the transaction ends, so no two attempts read the same count.
        """
        cutoff = now - timedelta(seconds=window_s)

        def work(session: Session) -> list[tuple[int, datetime]]:
            dialect = session.get_bind().dialect.name
            insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
            found: dict[str, tuple[int, datetime]] = {}
            for key in sorted(set(keys)):
                session.execute(
                    insert(LoginThrottleRow)
                    .values(key=key, attempts=0, window_start=now)
                    .on_conflict_do_nothing(index_elements=["key"])
                )
                expired = LoginThrottleRow.window_start <= cutoff
                session.execute(
                    update(LoginThrottleRow)
                    .where(LoginThrottleRow.key == key)
                    .values(
                        attempts=case((expired, 1), else_=LoginThrottleRow.attempts + 1),
                        window_start=case((expired, now), else_=LoginThrottleRow.window_start),
                    )
                )
                row = session.execute(
                    select(LoginThrottleRow.attempts, LoginThrottleRow.window_start).where(LoginThrottleRow.key == key)
                ).one_or_none()
                found[key] = (row[0], row[1]) if row is not None else (1, now)
            # Forget windows long over (cheap: indexed), so the table holds only recent keys.
            session.execute(delete(LoginThrottleRow).where(LoginThrottleRow.window_start <= cutoff - (now - cutoff)))
            return [found[key] for key in keys]

        return self._accounts(self.url, "cannot count the login attempt", work)

    def forgive_login_attempt(self, release: Sequence[str], clear: Sequence[str] = ()) -> None:
        """After a successful login: take its attempt back under ``release``, reset ``clear`` entirely."""

        def work(session: Session) -> None:
            for key in sorted(set(release)):
                session.execute(
                    update(LoginThrottleRow)
                    .where(LoginThrottleRow.key == key, LoginThrottleRow.attempts > 0)
                    .values(attempts=LoginThrottleRow.attempts - 1)
                )
            if clear:
                session.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key.in_(list(clear))))

        self._accounts(self.url, "cannot record the login", work)
