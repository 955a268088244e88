"""Tables of live monitoring (``redefection watch``): sources and their health, seen URLs, alerts, users' markers.

Registered on the same ``Base.metadata`` as ``tables.py`` (``store/__init__``
imports this module through ``sql.py``); migration ``0006`` creates them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base, UtcDateTime


class SourceRow(Base):
    """A feed or news sitemap that ``watch`` polls, with its latest health (DESIGN.md idea 7)."""

    __tablename__ = "sources"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # feed | sitemap
    url: Mapped[str] = mapped_column(Text)
    last_checked: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_success: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failures_in_a_row: Mapped[int] = mapped_column(Integer, default=0)
    etag: Mapped[str | None] = mapped_column(Text)  # of the feed itself, for conditional GET
    last_modified: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SourceDayRow(Base):
    """Per source and UTC day: how often it was checked, failed, and how many items it listed and were new."""

    __tablename__ = "source_days"

    source: Mapped[str] = mapped_column(ForeignKey("sources.name", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    checks: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    items_seen: Mapped[int] = mapped_column(Integer, default=0)  # entries listed by the feed
    items_new: Mapped[int] = mapped_column(Integer, default=0)  # entries whose URL was never seen before


class SeenUrlRow(Base):
    """Every article URL ``watch`` has discovered (canonical form), so nothing is fetched twice."""

    __tablename__ = "seen_urls"
    __table_args__ = (Index("ix_seen_urls_state", "state"),)

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    source: Mapped[str] = mapped_column(Text)  # the source that listed it first
    state: Mapped[str] = mapped_column(String(16))  # pending | fetched | failed | skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)  # after redirects
    document_id: Mapped[int | None] = mapped_column(Integer)  # the stored (or duplicated) document
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    last_attempt: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AlertRuleRow(Base):
    """An alert rule as last loaded from the watch configuration."""

    __tablename__ = "alert_rules"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    spec_json: Mapped[str] = mapped_column(Text)  # filters and channels, as configured
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AlertDeliveryRow(Base):
    """One alert sent (or attempted) for one item over one channel; a successful one is never sent again."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (Index("ix_alert_deliveries_rule", "rule", "item_key", "channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule: Mapped[str] = mapped_column(Text)
    item_key: Mapped[str] = mapped_column(Text)  # "incident:<document id>:<position>", "claim:...", "case:..."
    channel: Mapped[str] = mapped_column(String(16))  # webhook | email
    target: Mapped[str] = mapped_column(Text)  # URL, or recipients joined by ", "
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)
    payload_json: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)


class UserMarkerRow(Base):
    """When a user last looked at what is new (user names are plain strings until accounts exist)."""

    __tablename__ = "user_markers"

    user_name: Mapped[str] = mapped_column(Text, primary_key=True)  # "user" is reserved in PostgreSQL
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime)
