"""The database tables, as typed SQLAlchemy models shared by SQLite and PostgreSQL.

Names are chosen for people who open the SQLite file directly (Datasette,
DuckDB, pandas): plural table names, plain column names, JSON kept in ``*_json``
text columns. Every schema change here needs an Alembic migration in
``migrations/versions``; ``tests/test_store.py`` checks the two agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Explicit constraint names: SQLite batch migrations can only alter constraints they can name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no offset, so values are converted to UTC on the way in and
    marked as UTC on the way out; naive values are taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CaptureRow(Base):
    """Bytes exactly as read, once per distinct sha256."""

    __tablename__ = "captures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(Text)  # where the bytes were first seen
    uri: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    size_bytes: Mapped[int] = mapped_column(Integer)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CaptureSourceRow(Base):
    """Every path or URL where a capture's exact bytes were seen."""

    __tablename__ = "capture_sources"

    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id", ondelete="CASCADE"), primary_key=True)
    source: Mapped[str] = mapped_column(Text, primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime)  # first time seen there


class DocumentRow(Base):
    """The cleaned article of one capture; one row per distinct cleaned text."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"), unique=True)
    doc_key: Mapped[str] = mapped_column(Text, index=True)  # Document.id: the source's file stem
    source: Mapped[str] = mapped_column(Text)
    uri: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(16))
    encoding: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    outlet: Mapped[str | None] = mapped_column(Text)
    body_json: Mapped[str] = mapped_column(Text)  # JSON list of paragraphs
    body_text: Mapped[str] = mapped_column(Text)  # paragraphs joined by blank lines
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    relevant: Mapped[bool | None] = mapped_column()
    relevance_cues_json: Mapped[str] = mapped_column(Text)  # JSON list of strings
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FailureRow(Base):
    """An input a stage could not process."""

    __tablename__ = "failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text, index=True)
    stage: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DropRow(Base):
    """An input a stage deliberately discarded (off-topic, too short...)."""

    __tablename__ = "drops"
    __table_args__ = (Index("ix_drops_reason", "reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
