"""A polite HTTP client: robots.txt, per-host pacing and concurrency, conditional GET, retries, limits.

``Fetcher`` wraps one ``httpx.Client``; tests pass ``transport=`` (an
``httpx.MockTransport``, or nothing and a loopback server) so nothing here
needs the network. Redirects are followed by hand, so every hop is checked
against robots.txt and counted. What it may connect to (public addresses
only, unless a host is allowed by name) and for how long (a deadline per
request, a prompt stop) is ``fetch_guard``'s part.
"""

from __future__ import annotations

import dataclasses
import logging
import posixpath
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpcore
import httpx
from courlan import normalize_url

from .. import __version__
from ..errors import SourceError
from .fetch_guard import Abandoned, BlockedAddress, Guard, GuardedBackend

logger = logging.getLogger(__name__)

# Names the project and says what it does, so site operators can tell us apart from scrapers.
USER_AGENT = f"redefection/{__version__} (news monitor for reports of North Korean defectors' returns)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_RETRY_AFTER = 60.0  # seconds: a longer Retry-After is treated as "try next round"
MAX_CRAWL_DELAY = 30.0  # seconds: a robots.txt Crawl-delay above this is capped
ROBOTS_TTL = 24 * 3600.0  # seconds a robots.txt is trusted; RFC 9309 asks not to cache it longer than 24 hours


class FetchError(SourceError):
    """A URL could not be fetched; ``kind`` says why (robots, http, timeout, too_large, redirects, network, blocked)."""

    def __init__(self, uri: str, problem: str, kind: str, status: int | None = None) -> None:
        super().__init__(uri, problem)
        self.kind = kind
        self.status = status


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How politely and how robustly to fetch; defaults suit news sites."""

    user_agent: str = USER_AGENT
    timeout: float = 20.0  # seconds, per connect / read
    deadline: float = 60.0  # seconds for one whole request, however the server trickles its answer
    max_bytes: int = 5 * 1024 * 1024  # a news page or feed fits well inside 5 MiB
    max_redirects: int = 5
    retries: int = 2  # extra attempts after a retryable failure
    backoff: float = 2.0  # seconds; doubled per retry
    host_delay: float = 1.0  # seconds between two requests to one host
    host_concurrency: int = 2  # requests in flight per host
    respect_robots: bool = True
    # Hosts fetched even though they are (or resolve to) loopback, private or link-local addresses: an intranet
    # feed, or 127.0.0.1 in tests. Every other non-public address is refused, on every redirect hop.
    allow_private_hosts: tuple[str, ...] = ()
    stop_grace: float = 2.0  # seconds requests in flight may go on after a stop (SIGTERM) before being abandoned


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A response body (empty when ``not_modified``) with the headers that matter."""

    url: str  # requested URL
    final_url: str  # after redirects
    status: int
    data: bytes
    content_type: str | None
    headers: tuple[tuple[str, str], ...]
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def canonical_url(url: str, base: str | None = None) -> str:
    """The one form of a URL we store and compare: absolute, no fragment, dot segments and tracking removed.

    Raises:
        ValueError: ``url`` is not an absolute http(s) URL (after joining ``base``).
    """
    joined = urljoin(base, url.strip()) if base else url.strip()
    parts = urlsplit(joined)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    path = parts.path or "/"
    if "/." in path:
        normalized = posixpath.normpath(path)
        path = normalized + ("/" if path.endswith("/") and normalized != "/" else "")
    # courlan lower-cases scheme and host, drops default ports and tracking parameters, sorts the query.
    return str(normalize_url(urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))))


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class _Host:
    """Pacing state of one host: a semaphore for concurrency, the time of the last request, its robots rules."""

    def __init__(self, concurrency: int) -> None:
        self.slots = threading.Semaphore(max(1, concurrency))
        self.lock = threading.Lock()  # guards next_at
        self.robots_lock = threading.Lock()  # one robots.txt download per host
        self.next_at = 0.0
        self.robots: urllib.robotparser.RobotFileParser | None = None
        self.robots_error: str | None = None
        self.robots_loaded_at: float | None = None  # time.monotonic() of the last download


class Fetcher:
    """Fetch URLs politely; thread-safe, so a pool of workers may share one."""

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        stop: threading.Event | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._sleep = sleep
        self.guard = Guard(
            self.policy.allow_private_hosts,
            deadline=self.policy.deadline,
            stop=stop,
            stop_grace=self.policy.stop_grace,
        )
        if transport is None:
            transport = _guarded_transport(self.guard)
        timeout = httpx.Timeout(self.policy.timeout)
        headers = {"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"}
        self.client = httpx.Client(transport=transport, timeout=timeout, headers=headers, follow_redirects=False)
        self._hosts: dict[str, _Host] = {}
        self._crawl_delays: dict[str, float] = {}  # per host, from robots.txt
        self._hosts_lock = threading.Lock()

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET ``url`` (conditionally, with the validators given), following up to ``max_redirects`` redirects.

        Raises:
            FetchError: robots.txt forbids it, the server failed after retries,
                timed out, sent too much, or redirected too often or in a loop.
        """
        current, visited = url, {url}
        for _ in range(self.policy.max_redirects + 1):
            self._check_address(url, current)
            self._check_robots(current)
            result = self._get_with_retries(current, url, etag, last_modified)
            location = dict(result.headers).get("location")
            if result.status not in REDIRECT_STATUSES or not location:
                if result.status >= 400:
                    where = "" if current == url else f" from {current}"
                    raise FetchError(url, f"HTTP {result.status}{where}", "http", result.status)
                return dataclasses.replace(result, url=url)
            current = urljoin(current, location)
            if current in visited:
                raise FetchError(url, f"redirect loop at {current}", "redirects", result.status)
            visited.add(current)
        raise FetchError(url, f"more than {self.policy.max_redirects} redirects", "redirects")

    def _check_address(self, url: str, current: str) -> None:
        try:
            self.guard.check_url(current)
        except BlockedAddress as exc:
            where = "" if current == url else f" (redirected to {current})"
            raise FetchError(url, f"refused{where}: {exc.problem}", "blocked") from None

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets our user agent fetch ``url`` (always, if robots are not respected)."""
        try:
            self._check_robots(url)
        except FetchError:
            return False
        return True

    def _host(self, url: str) -> _Host:
        key = host_of(url)
        with self._hosts_lock:
            if key not in self._hosts:
                self._hosts[key] = _Host(self.policy.host_concurrency)
            return self._hosts[key]

    def _check_robots(self, url: str) -> None:
        if not self.policy.respect_robots:
            return
        host = self._host(url)
        with host.robots_lock:
            loaded = host.robots_loaded_at
            if loaded is None or time.monotonic() - loaded > ROBOTS_TTL:
                host.robots, host.robots_error = self._load_robots(url)
                host.robots_loaded_at = time.monotonic()
        if host.robots_error is not None:
            raise FetchError(url, host.robots_error, "robots")
        if host.robots is not None and not host.robots.can_fetch(self.policy.user_agent, url):
            raise FetchError(url, "robots.txt disallows this URL for our user agent", "robots")

    def _load_robots(self, url: str) -> tuple[urllib.robotparser.RobotFileParser | None, str | None]:
        # RFC 9309: a missing robots.txt (4xx) allows everything; a server error or no answer forbids everything.
        robots_url = host_of(url) + "/robots.txt"
        try:
            result = self._get_with_retries(robots_url, robots_url, None, None)
            for _ in range(self.policy.max_redirects):  # RFC 9309 asks to follow at least five redirects
                location = dict(result.headers).get("location")
                if result.status not in REDIRECT_STATUSES or not location:
                    break
                target = urljoin(result.final_url, location)
                result = self._get_with_retries(target, robots_url, None, None)
        except FetchError as exc:
            if exc.kind == "blocked":
                raise FetchError(url, exc.problem, "blocked") from None
            return None, f"robots.txt unavailable ({exc.problem}); not fetching this host"
        if 400 <= result.status < 500 or result.status in REDIRECT_STATUSES:
            return None, None
        if result.status >= 500:
            return None, f"robots.txt unavailable (HTTP {result.status}); not fetching this host"
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(result.data.decode("utf-8", errors="replace").splitlines())
        delay = parser.crawl_delay(self.policy.user_agent)
        if delay is not None:
            self._crawl_delays[host_of(url)] = min(float(delay), MAX_CRAWL_DELAY)
        return parser, None

    def _wait_turn(self, url: str, host: _Host) -> None:
        delay = max(self.policy.host_delay, self._crawl_delays.get(host_of(url), 0.0))
        with host.lock:
            now = time.monotonic()
            start = max(now, host.next_at)
            host.next_at = start + delay
        if start > now:
            self._sleep(start - now)

    def _get_with_retries(self, url: str, shown: str, etag: str | None, last_modified: str | None) -> FetchResult:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = self._host(url)
        attempt = 0
        while True:
            wait = self.policy.backoff * 2**attempt
            try:
                with host.slots:
                    self._wait_turn(url, host)
                    result = self._get(url, headers)
                if result.status not in RETRY_STATUSES:
                    return result
                where = "" if url == shown else f" from {url}"
                error = FetchError(shown, f"HTTP {result.status}{where}", "http", result.status)
                wait = max(wait, _retry_after(dict(result.headers).get("retry-after")))
            except BlockedAddress as exc:  # never retried: the answer will not change
                where = "" if url == shown else f" (at {url})"
                raise FetchError(shown, f"refused{where}: {exc.problem}", "blocked") from None
            except Abandoned as exc:
                raise FetchError(shown, exc.problem, "timeout") from None
            except httpx.TimeoutException as exc:
                error = FetchError(
                    shown, f"timed out after {self.policy.timeout:g} s ({type(exc).__name__})", "timeout"
                )
            except httpx.TransportError as exc:
                error = FetchError(shown, f"network error: {exc or type(exc).__name__}", "network")
            except (httpx.HTTPError, httpx.InvalidURL) as exc:  # undecodable body, bad URL: retrying cannot help
                raise FetchError(shown, f"{type(exc).__name__}: {exc}", "invalid") from exc
            if attempt >= self.policy.retries or wait > MAX_RETRY_AFTER:
                raise error
            attempt += 1
            logger.info("retrying %s in %.1f s after %s", url, wait, error.problem)
            self._sleep(wait)

    def _get(self, url: str, headers: dict[str, str]) -> FetchResult:
        self.guard.start()
        with self.client.stream("GET", url, headers=headers) as response:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.policy.max_bytes:
                raise FetchError(url, f"response of {declared} bytes exceeds {self.policy.max_bytes}", "too_large")
            body = bytearray()
            for chunk in response.iter_bytes():
                self.guard.remaining()  # the overall deadline, whatever the transport
                body.extend(chunk)
                if len(body) > self.policy.max_bytes:
                    raise FetchError(url, f"response exceeds {self.policy.max_bytes} bytes; cut off", "too_large")
            return _result(url, response, bytes(body))


def _guarded_transport(guard: Guard) -> httpx.HTTPTransport:
    """httpx's own transport (its TLS settings and pool), connecting through ``GuardedBackend``.

    httpx offers no argument for httpcore's network backend, so the pool it
    built is given one. A transport passed explicitly also means httpx ignores
    proxy environment variables: the monitor connects directly, so the address
    checked is the address reached.
    """
    transport = httpx.HTTPTransport()
    pool = transport._pool
    assert isinstance(pool, httpcore.ConnectionPool)
    pool._network_backend = GuardedBackend(guard)
    return transport


def _result(url: str, response: httpx.Response, data: bytes) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=str(response.url),
        status=response.status_code,
        data=data,
        content_type=response.headers.get("content-type"),
        headers=tuple((key.lower(), value) for key, value in response.headers.items()),
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )


def _retry_after(value: str | None) -> float:
    if not value:
        return 0.0
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return 0.0
