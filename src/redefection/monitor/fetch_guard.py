"""What the fetcher may connect to, and for how long: no private addresses, an overall deadline, a prompt stop.

A feed lists whatever URLs its author likes, and a page may redirect
anywhere; fetching them must not reach the machine's own network (loopback,
private ranges, link-local cloud metadata at 169.254.169.254...). So:

- only ``http`` and ``https`` URLs are fetched;
- a host is refused unless every address it resolves to is public
  (``ipaddress``'s ``is_global``), checked **at connect time**, on every hop
  of a redirect chain, and the connection goes to the address that was
  checked, so a DNS answer that changes between check and connect (DNS
  rebinding) cannot slip through;
- hosts named in ``FetchPolicy.allow_private_hosts`` (e.g. an intranet feed,
  or ``127.0.0.1`` in tests) are exempt.

Reads are bounded twice: each read by the policy's ``timeout``, and the whole
request by ``deadline``, so a server sending one byte a second cannot hold a
worker. When the watch is asked to stop (SIGTERM), reads in flight get
``stop_grace`` seconds to finish, then are abandoned.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import typing
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import httpcore

SCHEMES = frozenset({"http", "https"})
SLICE = 0.5  # seconds: the longest a read waits before looking at the deadline and the stop signal again


class BlockedAddress(Exception):
    """A URL's host is, or resolves to, an address the fetcher must not connect to."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class Abandoned(Exception):
    """A request ran past its overall deadline, or the fetcher was stopped while it was in flight."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def is_public(address: str) -> bool:
    """Whether ``address`` (an IP literal) is a public unicast address."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]").split("%")[0]))
    except ValueError:
        return None


class Guard:
    """The address rules and time limits one ``Fetcher`` applies; shared by its connections."""

    def __init__(
        self,
        allowed_hosts: Iterable[str] = (),
        *,
        deadline: float,
        stop: threading.Event | None = None,
        stop_grace: float = 2.0,
        resolve: Callable[..., list[typing.Any]] = socket.getaddrinfo,
    ) -> None:
        self.allowed = frozenset(host.strip().strip("[]").casefold() for host in allowed_hosts)
        self.deadline = deadline
        self.stop = stop
        self.stop_grace = stop_grace
        self._resolve = resolve
        self._stop_seen: float | None = None
        self._local = threading.local()

    # Addresses.

    def check_url(self, url: str) -> None:
        """Refuse a URL by its scheme or its literal host before any connection (names are checked at connect)."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in SCHEMES:
            raise BlockedAddress(f"only http and https are fetched, not {parts.scheme or 'a relative URL'}")
        host = (parts.hostname or "").casefold()
        if not host:
            raise BlockedAddress("the URL names no host")
        if host in self.allowed:
            return
        literal = _literal(host)
        if literal is not None and not is_public(literal):
            raise BlockedAddress(f"{host} is not a public address; list it in allow_private_hosts to fetch it")
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            raise BlockedAddress(f"{host} names this machine or a private network; list it in allow_private_hosts")

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for ``host``: all public, or the host is explicitly allowed."""
        name = host.strip("[]").casefold()
        try:
            found = self._resolve(name, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise BlockedAddress(f"cannot resolve {host} ({exc})") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
        if name not in self.allowed:
            private = [a for a in addresses if not is_public(a)]
            if private or not addresses:
                shown = ", ".join(private) or "no address"
                raise BlockedAddress(f"{host} resolves to {shown}, not a public address; see allow_private_hosts")
        return addresses

    # Time.

    def start(self) -> None:
        """Start the overall deadline of the request this thread is about to make."""
        self._local.ends = time.monotonic() + self.deadline

    def remaining(self) -> float:
        """Seconds left for the current request; raises ``Abandoned`` past the deadline or after a stop."""
        now = time.monotonic()
        if self.stop is not None and self.stop.is_set():
            if self._stop_seen is None:
                self._stop_seen = now
            if now - self._stop_seen >= self.stop_grace:
                raise Abandoned(f"abandoned: stopping (in flight for more than {self.stop_grace:g} s after the stop)")
        left = getattr(self._local, "ends", now + self.deadline) - now
        if left <= 0:
            raise Abandoned(f"took longer than the {self.deadline:g} s allowed for one request")
        return left


class _Stream(httpcore.NetworkStream):
    """A connection whose reads respect the guard's deadline and stop signal."""

    def __init__(self, inner: httpcore.NetworkStream, guard: Guard) -> None:
        self._inner = inner
        self._guard = guard

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        waited = 0.0
        while True:
            step = min(SLICE, self._guard.remaining(), *(() if timeout is None else (timeout - waited,)))
            try:
                return self._inner.read(max_bytes, max(step, 0.001))
            except httpcore.ReadTimeout:
                waited += step
                if timeout is not None and waited >= timeout:
                    raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._guard.remaining()
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: typing.Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, timeout), self._guard)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to addresses the guard allows, to the very address checked."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        error: Exception | None = None
        for address in self.guard.addresses(host, port):
            try:
                stream = super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _Stream(stream, self.guard)
        assert error is not None
        raise error


__all__ = ["Abandoned", "BlockedAddress", "Guard", "GuardedBackend", "is_public"]
