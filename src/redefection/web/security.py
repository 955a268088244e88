"""Security headers on every response, as a small ASGI middleware.

The Content-Security-Policy allows our own scripts, styles and images (and
``data:`` images for inline chart thumbnails) and nothing else: no inline
script, no third-party origin, no plugins, no framing. Responses to a
request that carries credentials (session cookie or Authorization header)
are never cached; other responses are not either unless the route chose
otherwise (static files set their own validators).
"""

from __future__ import annotations

import logging

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import SESSION_COOKIE

logger = logging.getLogger(__name__)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def _has_credentials(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            return True
        if name == b"cookie" and SESSION_COOKIE.encode("latin-1") + b"=" in value:
            return True
    return False


class SecurityHeadersMiddleware:
    """Adds ``HEADERS`` and ``Cache-Control: no-store`` (see the module docstring) to HTTP responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = _has_credentials(scope)
        static = str(scope.get("path", "")).startswith("/static/")
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    # A route may set a stricter policy of its own (charts: ``default-src 'none'; sandbox``).
                    if name == "Content-Security-Policy" and headers.get(name, "").startswith("default-src 'none'"):
                        continue
                    headers[name] = value
                if private and not static:
                    headers["Cache-Control"] = "no-store"
                    headers.append("Vary", "Cookie")
                elif "cache-control" not in headers and not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # An unexpected error: answered here, inside this middleware, so the 500 carries the same headers.
            logger.exception("error answering %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            body = b"500 Internal Server Error: the error is in the server log\n"
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send_with_headers({"type": "http.response.body", "body": body})


__all__ = ["CONTENT_SECURITY_POLICY", "HEADERS", "SecurityHeadersMiddleware"]
