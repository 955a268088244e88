"""Alert rules, webhook and SMTP delivery against loopback receivers, and the record of what was sent."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from redefection.monitor.alerts import AlertItem, AlertRule, Notifier, SmtpConfig, document_items
from redefection.records import Article, Claim, Document, Incident, Span
from redefection.store import Store
from watch_helpers import Response, Site

pytestmark = pytest.mark.timeout(60)

INCIDENT = AlertItem(
    key="incident:1:0",
    kind="incident",
    title="Defector returns north by boat",
    url="https://news.example/story",
    language="en",
    statuses=("returned",),
    reasons=("maladjustment",),
    summary="A man sailed back across the maritime border.",
    document_id=1,
)
CLAIM = AlertItem(key="claim:1:0", kind="claim", title="Figures", url=None, language="ko", summary="31 people")


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[_Inbox, SmtpConfig]]:
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, SmtpConfig(host="127.0.0.1", port=controller.port, sender="watch@test.example", timeout=5)
    finally:
        controller.stop()


@pytest.fixture
def hook() -> Iterator[Site]:
    with Site() as receiver:
        receiver.routes["/hook"] = Response(200, b"ok")
        receiver.routes["/broken"] = Response(500, b"down")
        yield receiver


def test_rules_filter_by_kind_language_status_and_reason() -> None:
    assert AlertRule("all", webhook="x").matches(INCIDENT) and AlertRule("all", webhook="x").matches(CLAIM)
    assert AlertRule("en", languages=("en",), webhook="x").matches(INCIDENT)
    assert not AlertRule("ko", languages=("ko",), webhook="x").matches(INCIDENT)
    assert AlertRule("returned", statuses=("returned", "attempted"), webhook="x").matches(INCIDENT)
    assert not AlertRule("attempts", statuses=("attempted",), webhook="x").matches(INCIDENT)
    assert AlertRule("why", reasons=("maladjustment",), webhook="x").matches(INCIDENT)
    assert not AlertRule("why", reasons=("coercion",), webhook="x").matches(INCIDENT)
    assert not AlertRule("claims", kinds=("claim",), webhook="x").matches(INCIDENT)
    assert not AlertRule("returned", statuses=("returned",), webhook="x").matches(CLAIM)  # claims have no status


def test_document_items_name_each_incident_and_claim() -> None:
    span = Span(0, 10, "A man went")
    document = Document(
        id="story",
        source="https://news.example/story",
        sha256="0" * 64,
        format="html",
        article=Article(title="Story", body=("A man went back.",)),
        language="en",
        relevant=True,
        relevance="relevant",
        incidents=(Incident(status="attempted", reasons=("coercion",), evidence=(span,)),),
        claims=(Claim(subject="returned_north", value=31),),
    )
    items = document_items(7, document)
    assert [(i.key, i.kind, i.statuses, i.reasons) for i in items] == [
        ("incident:7:0", "incident", ("attempted",), ("coercion",)),
        ("claim:7:0", "claim", (), ()),
    ]
    assert items[0].summary == "A man went" and items[1].summary == "exact 31 (returned_north)"


def test_webhook_posts_json_once_and_records_it(store: Store, hook: Site) -> None:
    rules = [AlertRule("english", languages=("en",), webhook=hook.url("/hook"))]
    notifier = Notifier(store)
    try:
        report = notifier.notify(rules, [INCIDENT, CLAIM])
        assert (report.sent, report.failed) == (1, 0)
        [post] = hook.requests
        assert post.method == "POST" and post.headers["content-type"] == "application/json"
        payload = json.loads(post.body)
        assert payload["rule"] == "english" and [i["key"] for i in payload["items"]] == ["incident:1:0"]
        assert notifier.notify(rules, [INCIDENT, CLAIM]).sent == 0  # already delivered
        assert len(hook.requests) == 1
        [delivery] = store.list_deliveries()
        assert (delivery.rule, delivery.item_key, delivery.channel, delivery.ok) == (
            "english",
            "incident:1:0",
            "webhook",
            True,
        )
        assert json.loads(delivery.payload_json)["item"]["title"] == INCIDENT.title
    finally:
        notifier.close()


def test_a_failed_webhook_is_recorded_and_retried(store: Store, hook: Site) -> None:
    rules = [AlertRule("flaky", webhook=hook.url("/broken"))]
    notifier = Notifier(store)
    try:
        report = notifier.notify(rules, [INCIDENT])
        assert (report.sent, report.failed) == (0, 1) and "HTTP 500" in report.errors[0]
        hook.routes["/broken"] = Response(204)
        assert notifier.notify(rules, [INCIDENT]).sent == 1
        assert [d.ok for d in store.list_deliveries()] == [True, False]  # newest first
    finally:
        notifier.close()


def test_email_goes_through_smtp(store: Store, smtp: tuple[_Inbox, SmtpConfig]) -> None:
    inbox, config = smtp
    rules = [
        AlertRule("desk", kinds=("incident",), email=("desk@test.example", "chief@test.example")),
        AlertRule("korean", languages=("ko",), email=("ko@test.example",)),
    ]
    notifier = Notifier(store, config)
    try:
        report = notifier.notify(rules, [INCIDENT, CLAIM])
        assert (report.sent, report.failed) == (2, 0)
    finally:
        notifier.close()
    assert sorted(tuple(m[1]) for m in inbox.messages) == [
        ("desk@test.example", "chief@test.example"),
        ("ko@test.example",),
    ]
    desk = next(message_from_bytes(m[2]) for m in inbox.messages if "desk@test.example" in m[1])
    assert desk["From"] == "watch@test.example" and "1 new item(s) for desk" in desk["Subject"]
    assert INCIDENT.url in desk.get_payload() and INCIDENT.title in desk.get_payload()
    assert {d.channel for d in store.list_deliveries()} == {"email"}


def test_unreachable_smtp_server_is_a_recorded_failure(store: Store) -> None:
    config = SmtpConfig(host="127.0.0.1", port=_free_port(), timeout=2)
    notifier = Notifier(store, config)
    try:
        report = notifier.notify([AlertRule("desk", email=("desk@test.example",))], [INCIDENT])
    finally:
        notifier.close()
    assert report.failed == 1 and "ConnectionRefusedError" in report.errors[0]
    assert [d.ok for d in store.list_deliveries()] == [False]
