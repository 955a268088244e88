"""What live monitoring asks of the store: source health, seen URLs, alert deliveries, users' "last looked" markers.

``Store`` extends ``MonitorStore``; other modules import these names from
``redefection.store``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

from .rows import StoredDocument

SourceKind = Literal["feed", "sitemap"]
UrlState = Literal["pending", "fetched", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class SourceState:
    """A polled feed or sitemap and its latest health."""

    name: str
    kind: str
    url: str
    last_checked: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    failures_in_a_row: int = 0
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class SourceDay:
    """One source's checks, failures and items on one UTC day."""

    source: str
    day: date
    checks: int = 0
    failures: int = 0
    items_seen: int = 0
    items_new: int = 0


@dataclass(frozen=True, slots=True)
class SourceCheck:
    """The outcome of one poll of a source, as recorded."""

    at: datetime
    ok: bool
    error: str | None = None
    items_seen: int = 0
    items_new: int = 0
    etag: str | None = None  # keep the previous validators when None and not ok
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class SeenUrl:
    """An article URL discovered by a source, and what fetching it gave."""

    url: str
    source: str
    state: str
    attempts: int = 0
    http_status: int | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    document_id: int | None = None
    first_seen: datetime | None = None
    last_attempt: datetime | None = None


@dataclass(frozen=True, slots=True)
class AlertDelivery:
    """One alert sent (``ok``) or attempted over one channel."""

    rule: str
    item_key: str
    channel: str
    target: str
    ok: bool
    payload_json: str
    sent_at: datetime
    error: str | None = None
    id: int | None = None


class MonitorStore(Protocol):
    """Store methods of ``redefection watch`` (and, later, the web app's health page and "what is new" feed)."""

    def register_source(self, name: str, kind: str, url: str) -> SourceState:
        """Add a source or update its kind and URL (its health is kept); returns it as stored."""
        ...

    def list_sources(self) -> list[SourceState]:
        """Every registered source, by name."""
        ...

    def record_source_check(self, name: str, check: SourceCheck) -> None:
        """Record a poll of a registered source: its health and its counts for the check's UTC day."""
        ...

    def list_source_days(self, since: date) -> list[SourceDay]:
        """Per source and day from ``since`` on, oldest day first."""
        ...

    def add_urls(self, source: str, urls: Iterable[str], at: datetime) -> list[str]:
        """Remember canonical article URLs as pending; returns those never seen before, in order."""
        ...

    def pending_urls(self, max_attempts: int, limit: int = 1000) -> list[SeenUrl]:
        """URLs still to fetch: pending, or failed fewer than ``max_attempts`` times; oldest first."""
        ...

    def get_url(self, url: str) -> SeenUrl | None:
        """What is known about a canonical URL, or None if it was never seen."""
        ...

    def update_url(self, seen: SeenUrl) -> None:
        """Store the outcome of fetching ``seen.url`` (state, status, validators, document...)."""
        ...

    def save_alert_rules(self, rules: Sequence[tuple[str, str]], at: datetime) -> None:
        """Keep the configured rules as ``(name, spec JSON)``; rules no longer configured are removed."""
        ...

    def was_delivered(self, rule: str, item_key: str, channel: str) -> bool:
        """Whether an alert for this item went out successfully under this rule and channel."""
        ...

    def record_delivery(self, delivery: AlertDelivery) -> None:
        """Record an alert sent or attempted."""
        ...

    def list_deliveries(self, limit: int = 100) -> list[AlertDelivery]:
        """The latest alert deliveries, newest first."""
        ...

    def last_seen(self, user: str) -> datetime | None:
        """When ``user`` last marked what is new as seen, or None."""
        ...

    def mark_seen(self, user: str, at: datetime) -> None:
        """Set ``user``'s "last looked" marker."""
        ...

    def documents_since(
        self, since: datetime | None, *, relevant_only: bool = True, limit: int = 100
    ) -> list[StoredDocument]:
        """Documents stored after ``since`` (all when None), newest first."""
        ...
