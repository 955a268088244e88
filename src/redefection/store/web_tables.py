"""Tables of the web app: local accounts, browser sessions, API tokens, and the audit log of reviews.

Registered on the same ``Base.metadata`` as ``tables.py`` (``sql.py`` imports
this module through its mixins); migration ``0007`` creates them. Secrets are
never stored: passwords as argon2 hashes, session cookies and API tokens as
their SHA-256.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base, UtcDateTime


class UserRow(Base):
    """A local account and its role."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('viewer', 'editor', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(Text, unique=True)
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id, PHC string format
    role: Mapped[str] = mapped_column(String(16))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WebSessionRow(Base):
    """A logged-in browser; ``token_hash`` is the SHA-256 (hex) of the session cookie's value."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApiTokenRow(Base):
    """A bearer token for the JSON API; ``token_hash`` is the SHA-256 (hex) of the token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # migration 0012; None: never


class LoginThrottleRow(Base):
    """Login attempts counted under one key ("pair:<user>|<address>", "addr:<address>") in a fixed window."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class AuditRow(Base):
    """One reviewer's change: who, when, what (a fact or a case), the field, old and new values as JSON."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_target", "kind", "target_id"),
        CheckConstraint("action IN ('confirm', 'correct', 'reject', 'merge', 'split')", name="action"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    who: Mapped[str] = mapped_column(Text)  # the username, kept even if the account is removed
    action: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))  # incident | claim | quote | case
    target_id: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)
    field: Mapped[str | None] = mapped_column(Text)
    old_json: Mapped[str | None] = mapped_column(Text)
    new_json: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    case_ids_json: Mapped[str] = mapped_column(Text, default="[]")  # cases the target was in at the time
