"""Local accounts: password hashing, login, browser sessions and API tokens.

Passwords are hashed with argon2id (argon2-cffi's ``PasswordHasher``, whose
defaults follow RFC 9106's recommended low-memory profile); a hash made with
older parameters is replaced at the next successful login. Session cookies
and API tokens are random (``secrets.token_urlsafe(32)``, 256 bits) and only
their SHA-256 is stored, so a copy of the database logs nobody in.

``authenticate`` spends the same argon2 verification on an unknown or
disabled user (against a dummy hash) as on a real one, so response times do
not tell which usernames exist.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..errors import NotFound
from ..store import ROLES, ApiToken, Role, Store, User, WebSession

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes anything, but a megabyte "password" is a denial of service
MAX_USERNAME_LENGTH = 64
TOKEN_BYTES = 32
RESERVED_USERNAMES = frozenset({"anonymous"})  # Principal.name of a visitor without an account

_hasher = PasswordHasher()  # argon2id


def token_hash(value: str) -> str:
    """The SHA-256 (hex) under which a session cookie or API token is stored."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def validate_username(username: str) -> str:
    """The username if it is 1-64 characters without whitespace or control characters; else ``ValueError``."""
    if not 1 <= len(username) <= MAX_USERNAME_LENGTH:
        raise ValueError(f"a username has 1 to {MAX_USERNAME_LENGTH} characters")
    if username.casefold() in RESERVED_USERNAMES:
        raise ValueError(f"{username!r} is reserved: the web app calls visitors without an account so")
    for char in username:
        if char.isspace() or unicodedata.category(char)[0] in {"C", "Z"}:
            raise ValueError(f"a username may not contain whitespace or control characters ({char!r})")
    return username


def validate_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"a password has at most {MAX_PASSWORD_LENGTH} characters")
    return password


def validate_role(role: str) -> Role:
    for known in ROLES:
        if role == known:
            return known
    raise ValueError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")


def hash_password(password: str) -> str:
    return _hasher.hash(validate_password(password))


@cache
def _dummy_hash() -> str:
    # Computed once, with the current parameters, so verifying against it costs what a real check costs.
    return _hasher.hash(secrets.token_urlsafe(TOKEN_BYTES))


def add_user(store: Store, username: str, password: str, role: str) -> User:
    """Create an account; ``ValueError`` for a bad name, password or role, ``StoreError`` if the name is taken."""
    return store.add_user(validate_username(username), hash_password(password), validate_role(role))


def set_password(store: Store, username: str, password: str, keep_cookie: str | None = None) -> int:
    """Change the password and end every session of the user but the one behind ``keep_cookie``.

    Returns how many sessions ended. API tokens live on (each is revoked on its own: ``revoke_token``).
    """
    if store.get_user(username) is None:
        raise NotFound(f"user {username}", "no such account")
    keep = token_hash(keep_cookie) if keep_cookie and len(keep_cookie) <= 256 else None
    return store.set_password_hash(username, hash_password(password), keep_session=keep)


def change_own_password(store: Store, username: str, current: str, new: str, keep_cookie: str | None) -> int:
    """A logged-in user's change of their own password: the current one must be given; other sessions end.

    Raises ``PermissionError`` for a wrong current password, ``ValueError`` for a new one too short or long.
    """
    validate_password(new)
    if authenticate(store, username, current) is None:
        raise PermissionError("the current password is wrong")
    return set_password(store, username, new, keep_cookie)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The enabled user with this name and password, else None (in about the same time either way)."""
    if len(password) > MAX_PASSWORD_LENGTH or len(username) > MAX_USERNAME_LENGTH:
        _verify(_dummy_hash(), "")
        return None
    stored = store.password_hash(username)
    if stored is None:  # unknown or disabled: spend the same work
        _verify(_dummy_hash(), password)
        return None
    if not _verify(stored, password):
        return None
    if _hasher.check_needs_rehash(stored):
        store.set_password_hash(username, _hasher.hash(password), end_sessions=False)  # the same password
    user = store.get_user(username)
    return None if user is None or user.disabled else user


@dataclass(frozen=True, slots=True)
class NewSession:
    """A session just started: ``cookie`` goes to the browser once, the store keeps only its hash."""

    cookie: str
    session: WebSession


def start_session(store: Store, user: User, hours: int = 12, now: datetime | None = None) -> NewSession:
    """Log ``user`` in for ``hours``: a fresh random cookie value and CSRF token."""
    now = now or datetime.now(UTC)
    cookie = secrets.token_urlsafe(TOKEN_BYTES)
    session = store.create_session(
        user.id, token_hash(cookie), secrets.token_urlsafe(TOKEN_BYTES), now + timedelta(hours=hours)
    )
    return NewSession(cookie, session)


def session_for_cookie(store: Store, cookie: str | None, now: datetime | None = None) -> WebSession | None:
    """The live session behind a cookie value (unexpired, user enabled), or None."""
    if not cookie or len(cookie) > 256:
        return None
    return store.get_session(token_hash(cookie), now or datetime.now(UTC))


def end_session(store: Store, cookie: str | None) -> None:
    """Log out: forget the session behind this cookie value (nothing if there is none)."""
    if cookie and len(cookie) <= 256:
        store.delete_session(token_hash(cookie))


@dataclass(frozen=True, slots=True)
class NewToken:
    """An API token just created: ``secret`` is shown once and never stored."""

    secret: str
    token: ApiToken


def create_api_token(store: Store, username: str, name: str, days: int | None = None) -> NewToken:
    """A new bearer token for ``username``'s API access, valid ``days`` (None: until revoked).

    Raises ``NotFound`` for an unknown user, ``ValueError`` for a bad name or number of days.
    """
    if not name.strip() or len(name) > 200:
        raise ValueError("a token needs a name of 1 to 200 characters (what it is for)")
    if days is not None and not 1 <= days <= 3650:
        raise ValueError("a token's lifetime is 1 to 3650 days")
    user = store.get_user(username)
    if user is None:
        raise NotFound(f"user {username}", "no such account")
    secret = "rf_" + secrets.token_urlsafe(TOKEN_BYTES)
    expires = datetime.now(UTC) + timedelta(days=days) if days is not None else None
    return NewToken(secret, store.create_api_token(user.id, name.strip(), token_hash(secret), expires))


def list_tokens(store: Store, username: str | None = None) -> list[ApiToken]:
    """Every API token (of ``username``): name, user, created, last used, expiry; never the secret."""
    return store.list_api_tokens(username)


def revoke_token(store: Store, token_id: int) -> ApiToken:
    """Stop the token with this id at once, without disabling its user; raises ``NotFound``."""
    return store.revoke_api_token(token_id)


def user_for_token(store: Store, secret: str | None, now: datetime | None = None) -> User | None:
    """The enabled user owning a bearer token, or None."""
    if not secret or len(secret) > 256:
        return None
    return store.user_for_api_token(token_hash(secret), now or datetime.now(UTC))


__all__ = [
    "MIN_PASSWORD_LENGTH",
    "NewSession",
    "NewToken",
    "add_user",
    "authenticate",
    "change_own_password",
    "create_api_token",
    "end_session",
    "hash_password",
    "list_tokens",
    "revoke_token",
    "session_for_cookie",
    "set_password",
    "start_session",
    "token_hash",
    "user_for_token",
    "validate_password",
    "validate_role",
    "validate_username",
]
