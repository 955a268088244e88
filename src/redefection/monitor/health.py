"""Coverage honesty (DESIGN.md idea 7) and "what is new since I last looked": queries for the CLI and the web app.

``redefection sources`` prints ``source_health``; the web app's source-health
page and its in-app feed (issue 5) are meant to call ``source_health`` and
``whats_new`` and render what they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from ..store import AlertDelivery, SourceDay, SourceState, Store, StoredDocument

HealthStatus = Literal["ok", "down", "stale", "never checked"]
# A source not read successfully for this long is "stale" even if its last check did not fail:
# the watcher itself may have stopped. Two days outlast any cron schedule we suggest.
STALE_AFTER = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """One source's state, and its checks and items per day over the window asked for."""

    source: SourceState
    status: HealthStatus
    days: tuple[SourceDay, ...]  # oldest first; days without a check are absent

    @property
    def items_seen(self) -> int:
        return sum(day.items_seen for day in self.days)

    @property
    def items_new(self) -> int:
        return sum(day.items_new for day in self.days)

    @property
    def checks(self) -> int:
        return sum(day.checks for day in self.days)

    @property
    def failures(self) -> int:
        return sum(day.failures for day in self.days)

    def as_json(self) -> dict[str, object]:
        """A JSON-ready dict: the CLI's ``--format json`` and the web app's JSON twin."""
        state = self.source
        return {
            "name": state.name,
            "kind": state.kind,
            "url": state.url,
            "status": self.status,
            "last_checked": _iso(state.last_checked),
            "last_success": _iso(state.last_success),
            "last_error": state.last_error,
            "last_error_at": _iso(state.last_error_at),
            "failures_in_a_row": state.failures_in_a_row,
            "checks": self.checks,
            "failures": self.failures,
            "items_seen": self.items_seen,
            "items_new": self.items_new,
            "days": [
                {
                    "day": day.day.isoformat(),
                    "checks": day.checks,
                    "failures": day.failures,
                    "items_seen": day.items_seen,
                    "items_new": day.items_new,
                }
                for day in self.days
            ],
        }


def health_status(state: SourceState, now: datetime) -> HealthStatus:
    """``down`` if the latest check failed, ``stale`` if no success for ``STALE_AFTER``, else ``ok``."""
    if state.last_checked is None:
        return "never checked"
    if state.failures_in_a_row > 0:
        return "down"
    if state.last_success is None or now - state.last_success > STALE_AFTER:
        return "stale"
    return "ok"


def source_health(store: Store, days: int = 7, now: datetime | None = None) -> list[SourceHealth]:
    """Every registered source with its status and per-day counts for the last ``days`` days (today included)."""
    now = now or datetime.now(UTC)
    since: date = now.astimezone(UTC).date() - timedelta(days=max(0, days - 1))
    per_source: dict[str, list[SourceDay]] = {}
    for day in store.list_source_days(since):
        per_source.setdefault(day.source, []).append(day)
    return [
        SourceHealth(state, health_status(state, now), tuple(per_source.get(state.name, ())))
        for state in store.list_sources()
    ]


@dataclass(frozen=True, slots=True)
class WhatsNew:
    """Relevant documents stored, and alerts sent, since the user last looked."""

    user: str
    since: datetime | None  # None: the user never looked; everything is new
    documents: tuple[StoredDocument, ...]
    alerts: tuple[AlertDelivery, ...]
    until: datetime  # the user's new marker, when the feed was marked as seen


def whats_new(store: Store, user: str, *, mark_seen: bool = True, limit: int = 100) -> WhatsNew:
    """What is new for ``user`` since their marker; with ``mark_seen``, move the marker to now."""
    since = store.last_seen(user)
    until = datetime.now(UTC)
    documents = store.documents_since(since, relevant_only=True, limit=limit)
    alerts = [a for a in store.list_deliveries(limit) if a.ok and (since is None or a.sent_at > since)]
    if mark_seen:
        store.mark_seen(user, until)
    return WhatsNew(user, since, tuple(documents), tuple(alerts), until)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
