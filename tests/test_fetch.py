"""The polite fetcher against loopback servers: robots, retries, timeouts, limits, redirects, conditional GET."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from redefection.monitor.fetch import USER_AGENT, Fetcher, FetchError, FetchPolicy, canonical_url
from watch_helpers import Request, Response, Site, html, trickle_server

pytestmark = pytest.mark.timeout(30)
LOOPBACK = ("127.0.0.1",)  # the test servers: named, since private addresses are refused by default
FAST = FetchPolicy(timeout=1.0, retries=2, backoff=0.01, host_delay=0.0, max_bytes=10_000, allow_private_hosts=LOOPBACK)


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as running:
        running.routes["/robots.txt"] = Response(200, b"User-agent: *\nDisallow: /private/\n")
        yield running


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST) as polite:
        yield polite


def test_canonical_url_drops_fragments_tracking_and_dot_segments() -> None:
    url = "HTTP://News.Example.ORG:80/a/./b/../c?utm_source=rss&b=2&a=1#comments"
    assert canonical_url(url) == "http://news.example.org/a/c?a=1&b=2"
    assert canonical_url("../x.html", "https://example.org/news/today/") == "https://example.org/news/x.html"
    with pytest.raises(ValueError):
        canonical_url("mailto:desk@example.org")


@given(
    st.from_regex(r"https?://[a-z]{1,8}\.(org|com)(/[a-zA-Z0-9._~-]{0,8}){0,4}(\?[a-z]=[0-9]{1,3})?", fullmatch=True)
)
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


def test_fetch_names_the_project_in_its_user_agent(site: Site, fetcher: Fetcher) -> None:
    site.routes["/a"] = html("<p>hello</p>")
    result = fetcher.fetch(site.url("/a"))
    assert (result.status, result.data) == (200, b"<p>hello</p>")
    assert result.content_type == "text/html; charset=utf-8"
    assert site.requests[-1].headers["user-agent"] == USER_AGENT
    assert "redefection" in USER_AGENT


def test_conditional_get_is_answered_with_304(site: Site, fetcher: Fetcher) -> None:
    def feed(request: Request) -> Response:
        if request.headers.get("if-none-match") == '"v1"':
            return Response(304)
        return Response(200, b"<rss/>", {"ETag": '"v1"', "Last-Modified": "Mon, 02 Aug 2021 07:00:00 GMT"})

    site.routes["/feed"] = feed
    first = fetcher.fetch(site.url("/feed"))
    assert (first.etag, first.last_modified) == ('"v1"', "Mon, 02 Aug 2021 07:00:00 GMT")
    second = fetcher.fetch(site.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.data == b""
    assert site.requests[-1].headers["if-modified-since"] == "Mon, 02 Aug 2021 07:00:00 GMT"


def test_robots_disallowed_url_is_never_requested(site: Site, fetcher: Fetcher) -> None:
    site.routes["/private/page"] = html("<p>secret</p>")
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(site.url("/private/page"))
    assert caught.value.kind == "robots"
    assert site.hits("/private/page") == 0
    assert not fetcher.allowed(site.url("/private/other")) and fetcher.allowed(site.url("/public"))
    assert site.hits("/robots.txt") == 1  # read once per host


def test_robots_server_error_forbids_the_host_and_missing_robots_allows_it(fetcher: Fetcher) -> None:
    with Site() as broken:
        broken.routes["/robots.txt"] = Response(500)
        broken.routes["/a"] = html("<p>a</p>")
        with pytest.raises(FetchError, match=r"robots\.txt unavailable") as caught:
            fetcher.fetch(broken.url("/a"))
        assert caught.value.kind == "robots" and broken.hits("/a") == 0
    with Site() as open_site:  # no robots.txt at all: 404
        open_site.routes["/a"] = html("<p>a</p>")
        assert fetcher.fetch(open_site.url("/a")).status == 200


def test_server_errors_are_retried_with_backoff_then_reported(site: Site, fetcher: Fetcher) -> None:
    site.routes["/down"] = Response(500, b"oops")
    with pytest.raises(FetchError, match="HTTP 500") as caught:
        fetcher.fetch(site.url("/down"))
    assert (caught.value.kind, caught.value.status) == ("http", 500)
    assert site.hits("/down") == 1 + FAST.retries


def test_a_transient_error_is_retried_until_it_succeeds(site: Site, fetcher: Fetcher) -> None:
    answers = iter([Response(503, headers={"Retry-After": "0"}), html("<p>back</p>")])
    site.routes["/flaky"] = lambda _request: next(answers)
    assert fetcher.fetch(site.url("/flaky")).data == b"<p>back</p>"
    assert site.hits("/flaky") == 2


def test_not_found_is_not_retried(site: Site, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(site.url("/missing"))
    assert caught.value.status == 404 and site.hits("/missing") == 1


def test_slow_server_times_out(site: Site) -> None:
    site.routes["/slow"] = Response(200, b"late", delay=2.0)
    started = time.monotonic()
    policy = FetchPolicy(timeout=0.3, retries=1, backoff=0.01, host_delay=0.0, allow_private_hosts=LOOPBACK)
    with Fetcher(policy) as impatient, pytest.raises(FetchError) as caught:
        impatient.fetch(site.url("/slow"))
    assert caught.value.kind == "timeout"
    assert time.monotonic() - started < 5


def test_redirects_are_followed_and_bounded(site: Site, fetcher: Fetcher) -> None:
    site.routes["/old"] = Response(301, headers={"Location": "/new"})
    site.routes["/new"] = html("<p>moved</p>")
    result = fetcher.fetch(site.url("/old"))
    assert result.url == site.url("/old") and result.final_url == site.url("/new")
    site.routes["/loop-a"] = Response(302, headers={"Location": "/loop-b"})
    site.routes["/loop-b"] = Response(302, headers={"Location": "/loop-a"})
    with pytest.raises(FetchError, match="redirect loop") as caught:
        fetcher.fetch(site.url("/loop-a"))
    assert caught.value.kind == "redirects"
    for n in range(10):
        site.routes[f"/hop{n}"] = Response(302, headers={"Location": f"/hop{n + 1}"})
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.fetch(site.url("/hop0"))
    assert site.hits("/hop6") == 0


def test_redirect_into_a_disallowed_path_is_refused(site: Site, fetcher: Fetcher) -> None:
    site.routes["/go"] = Response(302, headers={"Location": "/private/x"})
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(site.url("/go"))
    assert caught.value.kind == "robots" and site.hits("/private/x") == 0


def test_oversized_responses_are_cut_off(site: Site, fetcher: Fetcher) -> None:
    site.routes["/huge"] = html("x" * 50_000)  # declares its length
    with pytest.raises(FetchError, match="exceeds") as caught:
        fetcher.fetch(site.url("/huge"))
    assert caught.value.kind == "too_large"

    def endless(request: httpx.Request) -> httpx.Response:  # no Content-Length: counted while reading
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, content=iter([b"x" * 4096] * 100))

    with Fetcher(FAST, transport=httpx.MockTransport(endless)) as mocked, pytest.raises(FetchError, match="cut off"):
        mocked.fetch("http://example.invalid/stream")


def test_requests_to_one_host_are_paced() -> None:
    waits: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404 if request.url.path == "/robots.txt" else 200, content=b"ok")

    policy = FetchPolicy(host_delay=0.5, backoff=0.01)
    with Fetcher(policy, transport=httpx.MockTransport(answer), sleep=waits.append) as paced:
        for n in range(3):
            paced.fetch(f"http://example.invalid/{n}")
        paced.fetch("http://other.invalid/")
    # Each host: robots.txt, then each page waits its turn behind the request before it on that host only.
    assert waits == pytest.approx([0.5, 1.0, 1.5, 0.5], abs=0.2)


def test_private_and_link_local_addresses_are_refused_issue_14(site: Site) -> None:
    site.routes["/admin"] = html("<p>internal admin page</p>")
    port = site.base.rsplit(":", 1)[1]
    refused = [
        site.url("/admin"),  # 127.0.0.1, not allowed by name here
        f"http://localhost:{port}/admin",
        f"http://[::1]:{port}/admin",
        f"http://[::ffff:127.0.0.1]:{port}/admin",
        f"http://0.0.0.0:{port}/admin",
        "http://169.254.169.254/latest/meta-data/",  # refused by its address: nothing is sent anywhere
        "http://10.0.0.1/feed.xml",
        "http://192.168.1.1/feed.xml",
        "file:///etc/passwd",
        "ftp://127.0.0.1/feed.xml",
    ]
    with Fetcher(FetchPolicy(retries=0, host_delay=0.0)) as default:
        for url in refused:
            with pytest.raises(FetchError) as caught:
                default.fetch(url)
            assert caught.value.kind == "blocked", (url, caught.value)
    assert site.requests == []


def test_names_resolving_to_private_addresses_are_refused_at_connect_time_issue_14(site: Site) -> None:
    site.routes["/secret"] = html("<p>internal</p>")
    port = site.base.rsplit(":", 1)[1]
    site.routes["/hop"] = Response(302, b"", {"Location": f"http://rebound.example:{port}/secret"})
    answers = {"rebound.example": "127.0.0.1", "mixed.example": "127.0.0.1"}

    def resolve(host: str, port: int, **_: object) -> list[tuple[object, ...]]:
        if host == "127.0.0.1":
            return [(2, 1, 6, "", ("127.0.0.1", port))]
        return [(2, 1, 6, "", ("198.51.100.7", port)), (2, 1, 6, "", (answers[host], port))]

    with Fetcher(FAST) as allowed_loopback:
        allowed_loopback.guard._resolve = resolve
        for url in (site.url("/hop"), f"http://mixed.example:{port}/secret"):
            with pytest.raises(FetchError) as caught:  # a redirect into a private address, a name resolving to one
                allowed_loopback.fetch(url)
            assert caught.value.kind == "blocked" and "127.0.0.1" in caught.value.problem, caught.value
    assert site.hits("/hop") == 1 and site.hits("/secret") == 0


def test_allowed_private_hosts_are_named_in_the_watch_config_issue_14() -> None:
    from redefection.monitor.config import parse_watch_config

    sources = [{"name": "Intranet", "feed": "http://10.1.2.3/rss.xml"}]
    config = parse_watch_config({"fetch": {"allow_private_hosts": ["10.1.2.3", "feeds.internal"]}, "sources": sources})
    assert config.fetch.allow_private_hosts == ("10.1.2.3", "feeds.internal")
    assert FetchPolicy().allow_private_hosts == ()


@pytest.fixture
def trickle() -> Iterator[str]:
    with trickle_server() as url:
        yield url


def test_a_trickling_server_is_cut_off_at_the_overall_deadline_issue_14(trickle: str) -> None:
    policy = FetchPolicy(
        timeout=1.0, deadline=1.5, retries=0, host_delay=0.0, respect_robots=False, allow_private_hosts=LOOPBACK
    )
    started = time.monotonic()
    with Fetcher(policy) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(trickle)  # every read gets a byte well within its 1 s timeout
    elapsed = time.monotonic() - started
    print(f"trickling server cut off after {elapsed:.2f} s (deadline 1.5 s)")
    assert caught.value.kind == "timeout" and "1.5 s" in caught.value.problem
    assert elapsed < 4


def test_a_stop_abandons_a_request_in_flight_after_the_grace_issue_14(trickle: str) -> None:
    import threading

    stop = threading.Event()
    policy = FetchPolicy(
        timeout=5.0, deadline=120.0, retries=0, host_delay=0.0, respect_robots=False,
        allow_private_hosts=LOOPBACK, stop_grace=0.5,
    )  # fmt: skip
    timer = threading.Timer(0.5, stop.set)
    started = time.monotonic()
    timer.start()
    with Fetcher(policy, stop=stop) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(trickle)
    elapsed = time.monotonic() - started
    assert caught.value.kind == "timeout" and "stopping" in caught.value.problem
    assert elapsed < 3, elapsed
