"""The web pages of live monitoring: source health (is a feed down?) and what is new since a user last looked."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redefection.store import SourceCheck
from web_helpers import build_store, client, session_for


def rows(html: str) -> dict[str, str]:
    """Each source row of the health table, by source name."""
    found = re.findall(r"<tr class=\"health-[^\"]+\">(.*?)</tr>", html, re.S)
    return {re.search(r"<strong>(.*?)</strong>", row).group(1): row for row in found}  # type: ignore[union-attr]


def test_sources_page_tells_a_down_feed_from_a_quiet_one(tmp_path: Path) -> None:
    store = build_store(tmp_path)
    now = datetime.now(UTC)
    store.register_source("Quiet Wire", "feed", "https://quiet.example/rss")
    store.register_source("Broken Wire", "feed", "https://broken.example/rss")
    store.register_source("Never Polled", "sitemap", "https://later.example/sitemap.xml")
    store.record_source_check("Quiet Wire", SourceCheck(now - timedelta(hours=1), ok=True, items_seen=12))
    store.record_source_check("Broken Wire", SourceCheck(now - timedelta(hours=3), ok=True, items_seen=4, items_new=2))
    store.record_source_check("Broken Wire", SourceCheck(now, ok=False, error="HTTP 503 from the feed"))
    http = client(store)
    session_for(store, http, "viewer")
    html = http.get("/sources").text
    health = rows(html)
    assert set(health) == {"Quiet Wire", "Broken Wire", "Never Polled"}
    assert ">ok<" in health["Quiet Wire"] and "HTTP 503" not in health["Quiet Wire"]
    assert ">down<" in health["Broken Wire"] and "HTTP 503 from the feed" in health["Broken Wire"]
    assert ">never checked<" in health["Never Polled"]
    assert http.get("/api/v1/cases").status_code == 200  # the same session reads the API


def test_whats_new_lists_documents_until_marked_seen(tmp_path: Path) -> None:
    store = build_store(tmp_path)
    http = client(store)
    token = session_for(store, http, "editor")
    before = http.get("/new").text
    listed = re.findall(r'<a href="/documents/(\d+)">', before)
    relevant = {d.id for d in store.list_documents(limit=100) if d.relevant}
    assert relevant and {int(n) for n in listed} == relevant
    assert http.get("/new").text.count('<a href="/documents/') == len(listed)  # looking does not mark it seen
    until = re.search(r'name="until" value="([^"]+)"', before).group(1)  # type: ignore[union-attr]
    assert http.post("/new/seen", data={"until": until}).status_code == 403  # no CSRF token
    assert http.post("/new/seen", data={"csrf_token": token, "until": until}).status_code == 303
    after = http.get("/new").text
    documents = after.split("<h2>Documents")[1].split("</section>")[0]
    assert "Nothing new." in documents and '<a href="/documents/' not in documents
    other = client(store)
    session_for(store, other, "viewer")  # each user has their own marker
    assert other.get("/new").text.count('<a href="/documents/') >= len(listed)
