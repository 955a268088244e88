"""Loopback HTTP servers and fixture documents for the watch, fetch and alert tests (no network).

``Site`` serves canned responses by path from ``http.server`` in a thread on
127.0.0.1 and logs every request, so a test can check what was asked and how.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Handler = Callable[["Request"], "Response"]


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering: a slow server


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:  # clients hang up on purpose here
        pass


class Site:
    """A loopback web server: ``routes`` maps a path (with query) to a Response or a function of the Request."""

    def __init__(self) -> None:
        self.routes: dict[str, Response | Handler] = {}
        self.requests: list[Request] = []
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
                request.body = self.rfile.read(length) if length else b""
                site.requests.append(request)
                route = site.routes.get(self.path)
                if route is None:
                    response = Response(404, b"not found")
                elif callable(route):
                    response = route(request)
                else:
                    response = route
                if response.delay:
                    time.sleep(response.delay)
                self.send_response(response.status)
                headers = {"Content-Length": str(len(response.body)), **response.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                # The client may have hung up on purpose (timeout, size limit).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(response.body)

            do_GET = do_POST = _answer

            def log_message(self, *_: Any) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for request in self.requests if request.path == path)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@contextlib.contextmanager
def trickle_server(size: int = 1000, pause: float = 0.1) -> Iterator[str]:
    """A loopback server answering every request with a ``size``-byte page, one byte every ``pause`` seconds."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    done = threading.Event()

    def serve(connection: socket.socket) -> None:
        with connection:
            connection.recv(4096)
            head = f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\nContent-Type: text/html\r\n\r\n"
            connection.sendall(head.encode())
            for _ in range(size):
                if done.is_set():
                    return
                try:
                    connection.sendall(b"x")
                except OSError:
                    return
                time.sleep(pause)

    def accept() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=serve, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/page"
    finally:
        done.set()
        thread.join(timeout=5)
        listener.close()


def html(body: str) -> Response:
    return Response(200, body.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})


def rss(items: list[tuple[str, str]], *, etag: str | None = None) -> Response:
    """An RSS 2.0 feed of (title, link) items."""
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>Mon, 02 Aug 2021 07:00:00 +0900</pubDate></item>"
        for title, link in items
    )
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Fixture News</title>'
        f"<link>http://example.invalid/</link><language>en</language>{entries}</channel></rss>"
    )
    headers = {"Content-Type": "application/rss+xml; charset=utf-8"}
    if etag:
        headers["ETag"] = etag
    return Response(200, body.encode("utf-8"), headers)


RETURN_STORY = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Defector returns north by boat | Fixture News</title>
<meta property="og:site_name" content="Fixture News">
<meta property="article:published_time" content="2021-08-02T07:00:00+09:00"></head>
<body><article><h1>Defector returns north by boat</h1>
<p>A man who had lived in the South for three years sailed a small boat back across the maritime border
on Sunday, the coast guard said.</p>
<p>Radar operators saw the boat but took it for a fishing vessel, according to an official who asked not
to be named.</p>
<p>The coast guard said it would review how the boat left the harbour without being checked.</p>
</article></body></html>"""

WEATHER_STORY = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Heat wave grips the capital | Fixture News</title></head>
<body><article><h1>Heat wave grips the capital</h1>
<p>Temperatures rose above 35 degrees in the capital on Sunday, the weather service said, and are expected
to stay high for the rest of the week.</p>
<p>Officials urged older residents to stay indoors during the afternoon and to drink plenty of water.</p>
</article></body></html>"""
