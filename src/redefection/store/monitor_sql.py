"""``MonitorStore`` over SQLAlchemy: a mixin of ``SqlStore`` (which owns the engine and transactions)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from .document_rows import documents_query, stored_document
from .monitor import AlertDelivery, SeenUrl, SourceCheck, SourceDay, SourceState
from .monitor_tables import AlertDeliveryRow, AlertRuleRow, SeenUrlRow, SourceDayRow, SourceRow, UserMarkerRow
from .rows import StoredDocument
from .tables import DocumentRow

T = TypeVar("T")


def _source(row: SourceRow) -> SourceState:
    return SourceState(
        name=row.name,
        kind=row.kind,
        url=row.url,
        last_checked=row.last_checked,
        last_success=row.last_success,
        last_error=row.last_error,
        last_error_at=row.last_error_at,
        failures_in_a_row=row.failures_in_a_row,
        etag=row.etag,
        last_modified=row.last_modified,
    )


def _seen(row: SeenUrlRow) -> SeenUrl:
    return SeenUrl(
        url=row.url,
        source=row.source,
        state=row.state,
        attempts=row.attempts,
        http_status=row.http_status,
        error=row.error,
        etag=row.etag,
        last_modified=row.last_modified,
        final_url=row.final_url,
        document_id=row.document_id,
        first_seen=row.first_seen,
        last_attempt=row.last_attempt,
    )


def _delivery(row: AlertDeliveryRow) -> AlertDelivery:
    return AlertDelivery(
        rule=row.rule,
        item_key=row.item_key,
        channel=row.channel,
        target=row.target,
        ok=row.ok,
        payload_json=row.payload_json,
        sent_at=row.sent_at,
        error=row.error,
        id=row.id,
    )


class MonitorSql:
    """The monitoring half of ``SqlStore``; ``_transaction`` and ``url`` come from it."""

    url: str
    _transaction: Callable[..., object]

    def _run(self, what: str, problem: str, work: Callable[[Session], T]) -> T:
        result: T = self._transaction(what, problem, work)  # type: ignore[assignment]
        return result

    def register_source(self, name: str, kind: str, url: str) -> SourceState:
        def work(session: Session) -> SourceState:
            row = session.get(SourceRow, name)
            if row is None:
                row = SourceRow(name=name, failures_in_a_row=0, created_at=datetime.now(UTC))
                session.add(row)
            row.kind, row.url = kind, url
            session.flush()
            return _source(row)

        return self._run(f"source {name}", "cannot register the source", work)

    def list_sources(self) -> list[SourceState]:
        return self._run(
            self.url,
            "cannot list sources",
            lambda s: [_source(row) for row in s.scalars(select(SourceRow).order_by(SourceRow.name))],
        )

    def record_source_check(self, name: str, check: SourceCheck) -> None:
        def work(session: Session) -> None:
            row = session.get(SourceRow, name)
            if row is None:
                raise LookupError(f"no registered source {name!r}")
            row.last_checked = check.at
            if check.ok:
                row.last_success, row.failures_in_a_row = check.at, 0
                row.etag, row.last_modified = check.etag, check.last_modified
            else:
                row.last_error, row.last_error_at = check.error, check.at
                row.failures_in_a_row = (row.failures_in_a_row or 0) + 1
            day = check.at.astimezone(UTC).date()
            counts = session.get(SourceDayRow, (name, day))
            if counts is None:
                counts = SourceDayRow(source=name, day=day, checks=0, failures=0, items_seen=0, items_new=0)
                session.add(counts)
            counts.checks += 1
            counts.failures += 0 if check.ok else 1
            counts.items_seen += check.items_seen
            counts.items_new += check.items_new

        self._run(f"source {name}", "cannot record the check", work)

    def list_source_days(self, since: date) -> list[SourceDay]:
        def work(session: Session) -> list[SourceDay]:
            query = select(SourceDayRow).where(SourceDayRow.day >= since)
            rows = session.scalars(query.order_by(SourceDayRow.day, SourceDayRow.source))
            return [SourceDay(r.source, r.day, r.checks, r.failures, r.items_seen, r.items_new) for r in rows]

        return self._run(self.url, "cannot list source days", work)

    def add_urls(self, source: str, urls: Iterable[str], at: datetime) -> list[str]:
        def work(session: Session) -> list[str]:
            wanted = list(dict.fromkeys(urls))
            known: set[str] = set()
            for start in range(0, len(wanted), 500):  # stay under SQLite's bound-parameter limit
                chunk = wanted[start : start + 500]
                known.update(session.scalars(select(SeenUrlRow.url).where(SeenUrlRow.url.in_(chunk))))
            new = [url for url in wanted if url not in known]
            session.add_all(SeenUrlRow(url=u, source=source, state="pending", attempts=0, first_seen=at) for u in new)
            return new

        return self._run(f"source {source}", "cannot remember its URLs", work)

    def pending_urls(self, max_attempts: int, limit: int = 1000) -> list[SeenUrl]:
        def work(session: Session) -> list[SeenUrl]:
            waiting = or_(
                SeenUrlRow.state == "pending", (SeenUrlRow.state == "failed") & (SeenUrlRow.attempts < max_attempts)
            )
            query = select(SeenUrlRow).where(waiting).order_by(SeenUrlRow.first_seen, SeenUrlRow.url).limit(limit)
            return [_seen(row) for row in session.scalars(query)]

        return self._run(self.url, "cannot list pending URLs", work)

    def get_url(self, url: str) -> SeenUrl | None:
        def work(session: Session) -> SeenUrl | None:
            row = session.get(SeenUrlRow, url)
            return None if row is None else _seen(row)

        return self._run(url, "cannot look the URL up", work)

    def update_url(self, seen: SeenUrl) -> None:
        def work(session: Session) -> None:
            row = session.get(SeenUrlRow, seen.url)
            if row is None:
                row = SeenUrlRow(url=seen.url, first_seen=seen.first_seen or datetime.now(UTC))
                session.add(row)
            row.source, row.state, row.attempts = seen.source, seen.state, seen.attempts
            row.http_status, row.error, row.final_url = seen.http_status, seen.error, seen.final_url
            row.etag, row.last_modified = seen.etag, seen.last_modified
            row.document_id, row.last_attempt = seen.document_id, seen.last_attempt

        self._run(seen.url, "cannot record the fetch", work)

    def save_alert_rules(self, rules: Sequence[tuple[str, str]], at: datetime) -> None:
        def work(session: Session) -> None:
            names = [name for name, _ in rules]
            session.execute(delete(AlertRuleRow).where(AlertRuleRow.name.not_in(names)))
            for name, spec in rules:
                row = session.get(AlertRuleRow, name) or AlertRuleRow(name=name)
                if row.spec_json != spec:
                    row.spec_json, row.updated_at = spec, at
                session.add(row)

        self._run(self.url, "cannot save alert rules", work)

    def was_delivered(self, rule: str, item_key: str, channel: str) -> bool:
        def work(session: Session) -> bool:
            query = select(AlertDeliveryRow.id).where(
                AlertDeliveryRow.rule == rule,
                AlertDeliveryRow.item_key == item_key,
                AlertDeliveryRow.channel == channel,
                AlertDeliveryRow.ok.is_(True),
            )
            return session.scalars(query.limit(1)).first() is not None

        return self._run(item_key, "cannot check alert deliveries", work)

    def record_delivery(self, delivery: AlertDelivery) -> None:
        def work(session: Session) -> None:
            session.add(
                AlertDeliveryRow(
                    rule=delivery.rule,
                    item_key=delivery.item_key,
                    channel=delivery.channel,
                    target=delivery.target,
                    ok=delivery.ok,
                    error=delivery.error,
                    payload_json=delivery.payload_json,
                    sent_at=delivery.sent_at,
                )
            )

        self._run(delivery.item_key, "cannot record the alert", work)

    def list_deliveries(self, limit: int = 100) -> list[AlertDelivery]:
        query = select(AlertDeliveryRow).order_by(AlertDeliveryRow.id.desc()).limit(limit)
        return self._run(self.url, "cannot list alerts", lambda s: [_delivery(row) for row in s.scalars(query)])

    def last_seen(self, user: str) -> datetime | None:
        def work(session: Session) -> datetime | None:
            row = session.get(UserMarkerRow, user)
            return None if row is None else row.last_seen

        return self._run(f"user {user}", "cannot read the marker", work)

    def mark_seen(self, user: str, at: datetime) -> None:
        def work(session: Session) -> None:
            row = session.get(UserMarkerRow, user) or UserMarkerRow(user_name=user)
            row.last_seen = at
            session.add(row)

        self._run(f"user {user}", "cannot save the marker", work)

    def documents_since(
        self, since: datetime | None, *, relevant_only: bool = True, limit: int = 100
    ) -> list[StoredDocument]:
        query = documents_query()
        if since is not None:
            query = query.where(DocumentRow.created_at > since)
        if relevant_only:
            query = query.where(DocumentRow.relevant.is_(True))
        query = query.order_by(DocumentRow.id.desc()).limit(limit)
        return self._run(
            self.url, "cannot list new documents", lambda s: [stored_document(*row) for row in s.execute(query)]
        )
