"""Limits checked before a route runs: who may send a body, how big it may be, how big an id may be.

- **Authentication before the body.** FastAPI reads a request's body before
  the route's dependencies run, so a write route would read a 100 MB post
  from anyone and only then answer 401. Here a state-changing request
  (anything but GET, HEAD and OPTIONS) other than the login form must carry
  a valid bearer token or session cookie, checked before one byte of the
  body is read: 401 under ``/api``, 403 for pages. The session found is left
  in ``request.state`` for the route (no second lookup).
- **Bodies are capped** at ``WebConfig.max_body_bytes`` (1 MiB: a review or a
  merge is a few hundred bytes): a larger ``Content-Length`` is answered 413
  at once, and a chunked body is counted as it arrives and answered 413 when
  it passes the cap.
- **Ids fit the database.** A path segment, or an API query value, of digits
  above 2^63 - 1 (the largest SQL integer) is answered 404 (path) or 422 (query)
  instead of reaching the database, which would raise ``OverflowError``
  (the pages' own query parameters are bounded where they are read).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..app import accounts
from ..store import Store
from .auth import SESSION_COOKIE

MAX_ID = 2**63 - 1
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_WRITES = frozenset({"/login"})  # state-changing routes anyone may call: the login form


def _too_big(text: str) -> bool:
    return text.isdigit() and len(text) >= 19 and int(text) > MAX_ID


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _cookie(scope: Scope, name: str) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


async def _answer(send: Send, status: int, detail: str, api: bool, headers: dict[str, str] | None = None) -> None:
    if api:
        body, kind = json.dumps({"detail": detail}).encode("utf-8"), b"application/json"
    else:
        body, kind = f"{status}: {detail}\n".encode(), b"text/plain; charset=utf-8"
    extra = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()), *extra],
    }
    await send(start)
    await send({"type": "http.response.body", "body": body})


class RequestLimitsMiddleware:
    """The checks of the module docstring, as a small ASGI middleware."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        api = path == "/api" or path.startswith("/api/")
        if any(_too_big(segment) for segment in path.split("/")):
            await _answer(send, 404, "no such item: the number is out of range", api)
            return
        query = scope.get("query_string", b"").decode("latin-1") if api else ""  # pages ignore a bad number
        if any(_too_big(value.strip()) for _, value in parse_qsl(query, keep_blank_values=True)):
            await _answer(send, 422, "a number in the query is out of range", api)
            return
        if scope.get("method", "GET") not in SAFE_METHODS and path not in OPEN_WRITES:
            refused = await self._authenticate(scope)
            if refused is not None:
                status = 401 if api else 403
                challenge = {"WWW-Authenticate": 'Bearer realm="redefection"'} if api else None
                await _answer(send, status, refused, api, challenge)
                return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > self.max_body_bytes:
            await _answer(send, 413, f"the request body exceeds {self.max_body_bytes} bytes", api)
            return
        await self._capped(scope, receive, send, api)

    async def _authenticate(self, scope: Scope) -> str | None:
        """None when the request carries a valid token or session, else why not."""
        app = scope.get("app")
        store: Store | None = getattr(getattr(app, "state", None), "store", None)
        if store is None:  # pragma: no cover - create_app always sets it
            return None
        authorization = _header(scope, b"authorization")
        if authorization is not None:
            scheme, _, secret = authorization.partition(" ")
            if scheme.lower() != "bearer":
                return "use Authorization: Bearer <token>"
            user = await run_in_threadpool(accounts.user_for_token, store, secret.strip())
            return None if user is not None else "unknown, revoked or disabled token"
        session = await run_in_threadpool(accounts.session_for_cookie, store, _cookie(scope, SESSION_COOKIE))
        if session is None:
            return "log in first (or send Authorization: Bearer <token>)"
        scope.setdefault("state", {})["web_session"] = session  # ``auth.current_session`` finds it there
        return None

    async def _capped(self, scope: Scope, receive: Receive, send: Send, api: bool) -> None:
        received = 0
        too_large = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    too_large = True
                    return {"type": "http.request", "body": b"", "more_body": False}  # the route reads no more
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large:  # whatever the route answered, the answer is 413
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _answer(send, 413, f"the request body exceeds {self.max_body_bytes} bytes", api)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counting_receive, guarded_send)


__all__ = ["MAX_ID", "RequestLimitsMiddleware"]
