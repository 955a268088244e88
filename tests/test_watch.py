"""Live monitoring end to end against loopback servers: feeds, seen URLs, source health, alerts, SIGTERM."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from redefection.cli import cli
from redefection.errors import ConfigError, ParseError
from redefection.ingest.feeds import parse_listing
from redefection.monitor.config import load_watch_config, parse_watch_config
from redefection.monitor.fetch import FetchPolicy
from redefection.monitor.health import source_health, whats_new
from redefection.monitor.watch import Watcher
from redefection.settings import Settings
from redefection.store import Store, open_store
from watch_helpers import RETURN_STORY, WEATHER_STORY, Request, Response, Site, html, rss, trickle_server

pytestmark = pytest.mark.timeout(120)
FAST_FETCH = (
    "[fetch]\ntimeout = 1.0\nretries = 1\nbackoff = 0.01\nhost_delay = 0.0\nmax_bytes = 20000\n"
    'allow_private_hosts = ["127.0.0.1"]\n'  # the loopback test servers, named explicitly
)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as running:
        running.routes["/robots.txt"] = Response(200, b"User-agent: *\nDisallow: /private/\n")
        running.routes["/story"] = html(RETURN_STORY)
        running.routes["/weather"] = html(WEATHER_STORY)
        yield running


@pytest.fixture
def hook() -> Iterator[Site]:
    with Site() as receiver:
        receiver.routes["/hook"] = Response(204)
        yield receiver


def _config(tmp_path: Path, site: Site, hook: Site | None = None, extra: str = "") -> Path:
    text = f'interval = 0.2\n{FAST_FETCH}\n[[sources]]\nname = "Fixture News"\nfeed = "{site.url("/feed.xml")}"\n'
    if hook is not None:
        text += (
            f'\n[[alerts]]\nname = "returns in English"\nlanguages = ["en"]\nstatuses = ["returned"]\n'
            f'webhook = "{hook.url("/hook")}"\n'
            f'\n[[alerts]]\nname = "Korean only"\nlanguages = ["ko"]\nwebhook = "{hook.url("/hook-ko")}"\n'
        )
    path = tmp_path / "watch.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def _watcher(path: Path, store: Store) -> Watcher:
    return Watcher(load_watch_config(path), store, Settings())


def test_minimal_config_is_a_list_of_named_feeds_or_sitemaps() -> None:
    config = parse_watch_config({"sources": [{"name": "A", "feed": "https://a.example/rss"}]})
    assert [(s.name, s.kind, s.url) for s in config.sources] == [("A", "feed", "https://a.example/rss")]
    assert config.alerts == () and config.fetch == FetchPolicy()
    config = parse_watch_config({"sources": [{"name": "B", "sitemap": "https://b.example/news.xml"}]})
    assert config.sources[0].kind == "sitemap"
    for bad in (
        {"sources": [{"name": "A", "feed": "https://a/", "sitemap": "https://a/s"}]},
        {"sources": [{"name": "A", "feed": "https://a/", "feeed": "typo"}]},
        {"sources": [{"name": "A", "feed": "ftp://a/"}]},
        {"sources": []},
        {"sources": [{"name": "A", "feed": "https://a/"}], "alerts": [{"name": "x", "languages": ["en"]}]},
        {"sources": [{"name": "A", "feed": "https://a/"}], "fetch": {"timeout": "soon"}},
    ):
        with pytest.raises(ConfigError):
            parse_watch_config(bad)


def test_example_config_loads() -> None:
    config = load_watch_config(ROOT / "examples" / "watch.toml")
    assert len(config.sources) >= 6
    assert {s.kind for s in config.sources} <= {"feed", "sitemap"}


def test_feeds_and_news_sitemaps_are_parsed() -> None:
    listing = parse_listing(rss([("A", "/a?utm_source=rss"), ("B", "http://x.example/b")]).body, "http://x.example/f")
    assert listing.kind == "rss"
    assert [e.url for e in listing.entries] == ["http://x.example/a?utm_source=rss", "http://x.example/b"]
    assert listing.entries[0].published is not None and listing.entries[0].language == "en"
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>A</title>'
        b'<link href="https://x.example/atom-a"/><updated>2024-01-02T03:04:05Z</updated></entry></feed>'
    )
    assert [e.url for e in parse_listing(atom, "https://x.example/atom").entries] == ["https://x.example/atom-a"]
    news = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.example/n1</loc>'
        b"<news:news><news:publication><news:name>X</news:name><news:language>ko</news:language></news:publication>"
        b"<news:publication_date>2024-05-01T10:00:00+09:00</news:publication_date><news:title>T</news:title>"
        b"</news:news></url></urlset>"
    )
    entry = parse_listing(news, "https://x.example/news.xml").entries[0]
    assert (entry.url, entry.title, entry.language) == ("https://x.example/n1", "T", "ko")
    index = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://x.example/s1.xml</loc></sitemap></sitemapindex>'
    assert parse_listing(index, "https://x.example/i.xml").sitemaps == ("https://x.example/s1.xml",)
    with pytest.raises(ParseError):
        parse_listing(b"<html><body>not a feed</body></html>", "https://x.example/page")


@given(st.binary(max_size=300))
def test_parse_listing_raises_only_parse_error(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse_listing(data, "https://x.example/feed")


def test_once_ingests_relevant_articles_and_alerts_matching_rules(tmp_path: Path, site: Site, hook: Site) -> None:
    site.routes["/feed.xml"] = rss([("Return", site.url("/story")), ("Weather", site.url("/weather#top"))])
    db = tmp_path / "watch.db"
    result = CliRunner().invoke(
        cli, ["watch", "--watch-file", str(_config(tmp_path, site, hook)), "--db", str(db), "--once"]
    )
    assert result.exit_code == 0, result.output
    assert "1 stored" in result.output and "1 dropped" in result.output
    store = open_store(str(db))
    try:
        [document] = store.list_documents()
        assert document.relevant and document.uri == site.url("/story") and document.incidents == 1
        assert store.counts()["drops"] == 1  # the weather page: fetched, off-topic, not stored
        posts = [r for r in hook.requests if r.method == "POST"]
        assert [r.path for r in posts] == ["/hook"]  # the Korean-only rule matched nothing
        payload = json.loads(posts[0].body)
        assert payload["rule"] == "returns in English"
        kinds = sorted(item["kind"] for item in payload["items"])
        assert kinds == ["case", "incident"] and payload["items"][0]["url"] == site.url("/story")
        assert all(d.ok and d.rule == "returns in English" for d in store.list_deliveries())
        [health] = source_health(store)
        assert (health.status, health.items_seen, health.items_new) == ("ok", 2, 2)
        assert store.get_url(site.url("/story")) is not None
        new = whats_new(store, "analyst")
        assert [d.id for d in new.documents] == [document.id] and new.since is None and len(new.alerts) == 2
        assert whats_new(store, "analyst").documents == ()  # marked as seen
    finally:
        store.close()


def test_second_round_uses_conditional_get_and_never_refetches(tmp_path: Path, site: Site, hook: Site) -> None:
    items = [("Return", site.url("/story"))]

    def feed(request: Request) -> Response:
        if request.headers.get("if-none-match") == f'"{len(items)}"':
            return Response(304)
        return rss(items, etag=f'"{len(items)}"')

    site.routes["/feed.xml"] = feed
    store = open_store(str(tmp_path / "w.db"))
    watcher = _watcher(_config(tmp_path, site, hook), store)
    try:
        first = watcher.run_once()
        assert first.ingest.stored == 1 and first.alerts.sent == 2
        second = watcher.run_once()
        assert second.sources[0].not_modified and second.fetched == 0 and second.alerts.sent == 0
        items.append(("Weather", site.url("/weather")))  # the feed changes: only the new link is fetched
        third = watcher.run_once()
        assert (third.sources[0].items_seen, third.sources[0].items_new, third.fetched) == (2, 1, 1)
        assert site.hits("/story") == 1 and site.hits("/weather") == 1 and site.hits("/robots.txt") == 1
        assert len([r for r in hook.requests if r.method == "POST"]) == 1
        assert source_health(store)[0].checks == 3
    finally:
        watcher.close()
        store.close()


def test_badly_behaved_pages_are_given_up_or_retried(tmp_path: Path, site: Site) -> None:
    site.routes["/loop"] = Response(302, headers={"Location": "/loop2"})
    site.routes["/loop2"] = Response(302, headers={"Location": "/loop"})
    site.routes["/huge"] = html("x" * 50_000)
    site.routes["/slow"] = Response(200, b"late", delay=3.0)
    links = ["/private/a", "/loop", "/huge", "/slow", "/gone"]
    site.routes["/feed.xml"] = rss([(path, site.url(path)) for path in links])
    store = open_store(str(tmp_path / "w.db"))
    watcher = _watcher(_config(tmp_path, site), store)
    try:
        report = watcher.run_once()
        assert (report.skipped, report.fetch_failed, report.fetched) == (4, 1, 0)
        assert site.hits("/private/a") == 0
        states = {path: store.get_url(site.url(path)) for path in links}
        assert {path: seen.state for path, seen in states.items() if seen} == {
            "/private/a": "skipped",
            "/loop": "skipped",
            "/huge": "skipped",
            "/slow": "failed",
            "/gone": "skipped",
        }
        slow = states["/slow"]
        assert slow is not None and slow.attempts == 1 and "timed out" in (slow.error or "")
        site.routes["/slow"] = html(RETURN_STORY)  # the server recovers: the next round retries it
        again = watcher.run_once()
        assert (again.fetched, again.ingest.stored) == (1, 1)
        assert site.hits("/loop") == 1 and site.hits("/huge") == 1
    finally:
        watcher.close()
        store.close()


def test_sources_tells_a_down_feed_from_a_quiet_one(tmp_path: Path, site: Site) -> None:
    site.routes["/feed.xml"] = rss([])
    site.routes["/broken.xml"] = Response(500, b"oops")
    extra = f'\n[[sources]]\nname = "Broken Daily"\nfeed = "{site.url("/broken.xml")}"\n'
    db = tmp_path / "w.db"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["watch", "--watch-file", str(_config(tmp_path, site, extra=extra)), "--db", str(db), "--once"]
    )
    assert result.exit_code == 1 and "Broken Daily (HTTP 500" in result.output
    result = runner.invoke(cli, ["sources", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    health = {row["name"]: row for row in json.loads(result.output)}
    assert health["Fixture News"]["status"] == "ok" and health["Fixture News"]["items_new"] == 0
    broken = health["Broken Daily"]
    assert broken["status"] == "down" and "HTTP 500" in broken["last_error"] and broken["last_success"] is None
    assert site.hits("/broken.xml") == 2  # one retry
    table = runner.invoke(cli, ["sources", "--db", str(db)], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "Broken Daily" in table.output and "down" in table.output
    assert runner.invoke(cli, ["sources", "--db", str(tmp_path / "none.db")]).exit_code == 2


def test_sigterm_finishes_the_fetch_in_flight_and_exits_cleanly(tmp_path: Path, site: Site) -> None:
    site.routes["/story"] = Response(200, RETURN_STORY.encode(), {"Content-Type": "text/html"}, delay=0.7)
    site.routes["/feed.xml"] = rss([("Return", site.url("/story"))])
    db = tmp_path / "w.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [
        sys.executable,
        "-m",
        "redefection",
        "watch",
        "--watch-file",
        str(_config(tmp_path, site)),
        "--db",
        str(db),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 60
        while site.hits("/story") == 0 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert site.hits("/story") == 1, process.stderr.read().decode() if process.poll() is not None else ""
        process.send_signal(signal.SIGTERM)  # while the page is still being served
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = stderr.decode()
    assert process.returncode == 0, text
    assert "received SIGTERM" in text and "stopped after 1 round" in text
    store = open_store(str(db))
    try:
        assert len(store.list_documents()) == 1
        seen = store.get_url(site.url("/story"))
        assert seen is not None and seen.state == "fetched" and seen.document_id is not None
    finally:
        store.close()


def test_sigterm_is_honoured_within_seconds_while_a_server_trickles_issue_14(tmp_path: Path, site: Site) -> None:
    with trickle_server(size=1000, pause=0.1) as slow:  # 100 s for the whole page, each byte well within 1 s
        site.routes["/feed.xml"] = rss([("Return", slow)])
        db = tmp_path / "w.db"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        config = _config(tmp_path, site)
        command = [sys.executable, "-m", "redefection", "watch", "--config", str(config), "--db", str(db)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        try:
            deadline = time.monotonic() + 60
            while site.hits("/feed.xml") == 0 and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.05)
            time.sleep(1.5)  # the article is being trickled by now
            process.send_signal(signal.SIGTERM)
            stopped = time.monotonic()
            _, stderr = process.communicate(timeout=60)
            waited = time.monotonic() - stopped
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    text = stderr.decode()
    print(f"exited {waited:.1f} s after SIGTERM while a page trickled")
    assert process.returncode == 0, text
    assert "received SIGTERM" in text and waited < 8, (waited, text)
