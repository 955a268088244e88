"""Alerts on new relevant incidents, claims and cases: per-rule filters, webhook (JSON POST) and e-mail (SMTP).

Every delivery, sent or failed, is recorded in the store; an item that went
out under a rule and channel is never sent there again, so re-running a watch
round (or a crash between sending and recording the source's check) does not
spam anyone. A failed delivery is retried on the next round.
"""

from __future__ import annotations

import json
import logging
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any, Literal

import httpx

from ..records import Document
from ..store import AlertDelivery, Store, StoredCase
from .fetch import USER_AGENT

logger = logging.getLogger(__name__)

ItemKind = Literal["incident", "claim", "case"]
ITEM_KINDS: tuple[ItemKind, ...] = ("incident", "claim", "case")


@dataclass(frozen=True, slots=True)
class AlertItem:
    """Something new worth telling people about, with what rules filter on."""

    key: str  # stable across rounds: "incident:<document id>:<position>", "claim:...", "case:<case id>"
    kind: ItemKind
    title: str
    url: str | None
    language: str | None
    statuses: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    summary: str = ""
    document_id: int | None = None


@dataclass(frozen=True, slots=True)
class AlertRule:
    """Which items to send where; an empty filter lets everything through."""

    name: str
    kinds: tuple[str, ...] = ITEM_KINDS
    languages: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    webhook: str | None = None
    email: tuple[str, ...] = ()

    def matches(self, item: AlertItem) -> bool:
        """Whether ``item`` passes every filter of this rule."""
        return (
            item.kind in self.kinds
            and (not self.languages or item.language in self.languages)
            and (not self.statuses or bool(set(item.statuses) & set(self.statuses)))
            and (not self.reasons or bool(set(item.reasons) & set(self.reasons)))
        )

    def spec_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where e-mail alerts go out; the password belongs in a file only you can read."""

    host: str = "localhost"
    port: int = 25
    sender: str = "redefection@localhost"
    starttls: bool = False
    ssl: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class AlertReport:
    sent: int = 0
    failed: int = 0
    errors: tuple[str, ...] = field(default_factory=tuple)


def document_items(document_id: int, document: Document) -> list[AlertItem]:
    """The alert items of a newly stored relevant document: one per incident and per claim.

    A possibly relevant document gives none: it waits for an editor to promote it.
    """
    if not document.relevant:
        return []
    title = document.article.title or document.source
    url = document.uri or document.source
    items = []
    for position, incident in enumerate(document.incidents):
        evidence = incident.evidence[0].text if incident.evidence else ""
        items.append(
            AlertItem(
                key=f"incident:{document_id}:{position}",
                kind="incident",
                title=title,
                url=url,
                language=document.language,
                statuses=(incident.status,),
                reasons=incident.reasons,
                summary=evidence,
                document_id=document_id,
            )
        )
    for position, claim in enumerate(document.claims):
        items.append(
            AlertItem(
                key=f"claim:{document_id}:{position}",
                kind="claim",
                title=title,
                url=url,
                language=document.language,
                summary=claim.evidence.text if claim.evidence else f"{claim.qualifier} {claim.value} ({claim.subject})",
                document_id=document_id,
            )
        )
    return items


def case_items(cases: Iterable[StoredCase], documents: dict[int, Document]) -> list[AlertItem]:
    """Alert items for the cases holding an incident of the newly stored ``documents`` (id -> document)."""
    items = []
    for stored in cases:
        case = stored.case
        new = [m.item for m in case.incidents if m.item.document_id in documents]
        if not new:
            continue
        document = documents[new[0].document_id or 0]
        reasons = tuple(str(value.value) for value in case.values("reasons"))
        summary = f"{case.independent_sources} independent source(s), {case.documents} document(s)"
        items.append(
            AlertItem(
                key=f"case:{stored.id}",
                kind="case",
                title=case.label,
                url=document.uri or document.source,
                language=document.language,
                statuses=(case.status,),
                reasons=reasons,
                summary=summary,
                document_id=new[0].document_id,
            )
        )
    return items


class Notifier:
    """Sends alerts by webhook and e-mail; ``transport`` (httpx) is injectable for tests."""

    def __init__(
        self,
        store: Store,
        smtp: SmtpConfig | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.store = store
        self.smtp = smtp or SmtpConfig()
        headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json"}
        self.client = httpx.Client(transport=transport, timeout=timeout, headers=headers)

    def close(self) -> None:
        self.client.close()

    def notify(self, rules: Sequence[AlertRule], items: Sequence[AlertItem]) -> AlertReport:
        """Send each rule the items it matches and has not sent yet; record every attempt."""
        sent = failed = 0
        errors: list[str] = []
        for rule in rules:
            channels: list[tuple[str, str]] = []
            if rule.webhook:
                channels.append(("webhook", rule.webhook))
            if rule.email:
                channels.append(("email", ", ".join(rule.email)))
            for channel, target in channels:
                due = [i for i in items if rule.matches(i) and not self.store.was_delivered(rule.name, i.key, channel)]
                if not due:
                    continue
                payload = {"rule": rule.name, "items": [asdict(item) for item in due]}
                error = self._send(channel, rule, payload)
                now = datetime.now(UTC)
                for item in due:
                    body = json.dumps({"rule": rule.name, "item": asdict(item)}, ensure_ascii=False)
                    self.store.record_delivery(
                        AlertDelivery(rule.name, item.key, channel, target, error is None, body, now, error)
                    )
                if error is None:
                    sent += len(due)
                else:
                    failed += len(due)
                    errors.append(f"alert {rule.name!r} via {channel}: {error}")
                    logger.warning("alert %r via %s failed: %s", rule.name, channel, error)
        return AlertReport(sent, failed, tuple(errors))

    def _send(self, channel: str, rule: AlertRule, payload: dict[str, Any]) -> str | None:
        try:
            if channel == "webhook" and rule.webhook:
                response = self.client.post(rule.webhook, content=json.dumps(payload, ensure_ascii=False).encode())
                if response.status_code >= 300:
                    return f"HTTP {response.status_code} from {rule.webhook}"
            else:
                self._send_email(rule, payload)
        except (httpx.HTTPError, smtplib.SMTPException, OSError) as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    def _send_email(self, rule: AlertRule, payload: dict[str, Any]) -> None:
        items = payload["items"]
        message = EmailMessage()
        message["From"] = self.smtp.sender
        message["To"] = ", ".join(rule.email)
        message["Subject"] = f"[redefection] {len(items)} new item(s) for {rule.name}"
        lines = [f"Rule: {rule.name}", ""]
        for item in items:
            lines += [f"- {item['kind']}: {item['title']}", f"  {item['url'] or ''}", f"  {item['summary']}", ""]
        message.set_content("\n".join(lines))
        server_class = smtplib.SMTP_SSL if self.smtp.ssl else smtplib.SMTP
        with server_class(self.smtp.host, self.smtp.port, timeout=self.smtp.timeout) as server:
            if self.smtp.starttls and not self.smtp.ssl:
                server.starttls()
            if self.smtp.username and self.smtp.password:
                server.login(self.smtp.username, self.smtp.password)
            server.send_message(message)
