"""Who is asking: sessions and tokens become a ``Principal``; login, logout, CSRF and role checks.

Pages authenticate with a session cookie (HttpOnly, SameSite=Lax, Path=/,
Secure unless served over plain http on loopback); the API also accepts
``Authorization: Bearer <token>``. Every state-changing page route depends on
``csrf_protect`` (the session's token, as form field ``csrf_token`` or header
``X-CSRF-Token``); the API asks a cookie-authenticated write for the header,
and bearer clients need none (a browser never attaches the token by itself).

The login form has no session yet, so it cannot carry the session's token;
instead a login whose ``Origin`` (or ``Referer``) names another host is
refused, which stops a foreign page from logging a visitor into an account of
the attacker's choosing. Login attempts are throttled in the store, per
(username, client address) pair and per client address
(``WebConfig.login_attempts`` each per ``login_window_s``): past the budget,
429 with ``Retry-After``. An attempt is counted *before* the password is
checked, atomically, so simultaneous attempts cannot all slip under the
budget, and several server processes share it; a successful login takes its
attempt back. Throttling the pair rather than the username alone means that
nobody can lock an account out by failing its password from elsewhere: the
owner, from another address, still gets in.
"""

from __future__ import annotations

import html
import ipaddress
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from ..app import accounts
from ..settings import Settings
from ..store import ROLES, Role, Store, User, WebSession
from .config import WebConfig

SESSION_COOKIE = "rf_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"

router = APIRouter()


@dataclass(frozen=True, slots=True)
class Principal:
    """The visitor behind a request: a user, or an anonymous reader (only when ``WebConfig.anonymous``)."""

    user: User | None
    csrf_token: str | None  # the session's token (None for anonymous visitors and bearer-token clients)

    @property
    def role(self) -> Role | None:
        return None if self.user is None else self.user.role

    @property
    def is_anonymous(self) -> bool:
        return self.user is None

    @property
    def name(self) -> str:
        return "anonymous" if self.user is None else self.user.username

    @property
    def public(self) -> bool:
        """Whether only the public (redacted) view may be shown."""
        return self.user is None

    def can(self, role: Role) -> bool:
        """Whether this principal has ``role`` or a higher one (anonymous visitors have none)."""
        return self.role is not None and ROLES.index(self.role) >= ROLES.index(role)


ANONYMOUS = Principal(None, None)


class LoginRequired(Exception):
    """A page needs a logged-in user: the app answers with a redirect to the login form."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_config(request: Request) -> WebConfig:
    config: WebConfig = request.app.state.config
    return config


def current_session(request: Request) -> WebSession | None:
    """The live session of the request's cookie, looked up once per request."""
    if hasattr(request.state, "web_session"):
        found: WebSession | None = request.state.web_session
        return found
    session = accounts.session_for_cookie(get_store(request), request.cookies.get(SESSION_COOKIE))
    request.state.web_session = session
    return session


def _remember(request: Request, principal: Principal) -> Principal:
    request.state.principal = principal  # templating reads it for the page header and forms
    return principal


def _forbidden(principal: Principal, role: Role) -> HTTPException:
    return HTTPException(403, f"{principal.name} may not do this: it needs the {role} role")


def page_principal(role: Role | None = None) -> Callable[..., Principal]:
    """A dependency for pages: the logged-in user (with ``role`` or higher), else a redirect to the login form.

    With ``role=None`` and anonymous reading on, a visitor without a session is
    the anonymous principal (who sees the public view).
    """

    def dependency(request: Request, session: Annotated[WebSession | None, Depends(current_session)]) -> Principal:
        if session is None:
            if role is None and get_config(request).anonymous:
                return _remember(request, ANONYMOUS)
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(target)
        principal = _remember(request, Principal(session.user, session.csrf_token))
        if role is not None and not principal.can(role):
            raise _forbidden(principal, role)
        return principal

    return dependency


def api_principal(role: Role | None = None) -> Callable[..., Principal]:
    """A dependency for the API: a bearer token or a session cookie; 401 without either (unless anonymous reads).

    A write authenticated by the session cookie must carry ``X-CSRF-Token``.
    """

    def dependency(request: Request) -> Principal:
        principal = _api_caller(request, role is None)
        if role is not None and not principal.can(role):
            raise _forbidden(principal, role)
        return _remember(request, principal)

    return dependency


def _unauthorized(problem: str) -> HTTPException:
    return HTTPException(401, problem, headers={"WWW-Authenticate": 'Bearer realm="redefection"'})


def _api_caller(request: Request, reading_allowed: bool) -> Principal:
    authorization = request.headers.get("authorization")
    if authorization is not None:
        scheme, _, secret = authorization.partition(" ")
        if scheme.lower() != "bearer":
            raise _unauthorized("use Authorization: Bearer <token>")
        user = accounts.user_for_token(get_store(request), secret.strip())
        if user is None:
            raise _unauthorized("unknown, revoked or disabled token")
        return Principal(user, None)
    session = current_session(request)
    if session is not None:
        if request.method not in SAFE_METHODS and not _same_token(request.headers.get(CSRF_HEADER), session):
            raise HTTPException(403, "a write with the session cookie needs the X-CSRF-Token header")
        return Principal(session.user, session.csrf_token)
    if reading_allowed and request.method in SAFE_METHODS and get_config(request).anonymous:
        return ANONYMOUS
    raise _unauthorized("log in, or send Authorization: Bearer <token>")


def _same_token(given: object, session: WebSession | None) -> bool:
    if session is None or not isinstance(given, str) or not given:
        return False
    return secrets.compare_digest(given.encode("utf-8"), session.csrf_token.encode("utf-8"))


async def csrf_protect(request: Request, session: Annotated[WebSession | None, Depends(current_session)]) -> None:
    """Refuse (403) a state-changing page request whose CSRF token is not the session's."""
    given: object = request.headers.get(CSRF_HEADER)
    if not given:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            given = (await request.form()).get(CSRF_FIELD)
    if not _same_token(given, session):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")


# Login and logout.


def safe_next(target: str | None) -> str:
    """A redirect target on this site: a path (not ``//host`` or a URL), else ``/``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(char) < 32 for char in target):
        return "/"
    return target


def _loopback(host: str | None) -> bool:
    if host in {"localhost", "localhost."}:
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def secure_cookies(request: Request) -> bool:
    """Whether the session cookie gets the Secure flag (see ``WebConfig.secure_cookies``)."""
    configured = get_config(request).secure_cookies
    if configured is not None:
        return configured
    return not (request.url.scheme == "http" and _loopback(request.url.hostname))


def _same_origin(request: Request) -> bool:
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed:
        return True  # old clients and scripts send neither; the session cookie is SameSite=Lax anyway
    if claimed == "null":
        return False
    return urlsplit(claimed).netloc.lower() == (request.headers.get("host") or request.url.netloc).lower()


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def _login_form(request: Request, next_path: str, error: str | None, status_code: int) -> Response:
    context: dict[str, object] = {"next": next_path, "error": error, "principal": ANONYMOUS, "csrf_token": None}
    try:
        from .templating import render

        return render(request, "login.html", context, status_code=status_code)
    except ImportError:  # the page templates are optional for the API alone
        pass
    except Exception as exc:  # jinja2's TemplateNotFound, without importing jinja2 here
        if type(exc).__name__ != "TemplateNotFound":
            raise
    message = f"<p role='alert'>{html.escape(error)}</p>" if error else ""
    body = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Log in - redefection</title></head>"
        f"<body><h1>Log in</h1>{message}<form method='post' action='/login'>"
        f"<input type='hidden' name='next' value='{html.escape(next_path, quote=True)}'>"
        "<label>Username <input name='username' autocomplete='username' required></label> "
        "<label>Password <input name='password' type='password' autocomplete='current-password' required></label> "
        "<button type='submit'>Log in</button></form></body></html>"
    )
    return HTMLResponse(body, status_code=status_code)


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    """The login form (or, when already logged in, straight on to ``next``)."""
    if current_session(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_form(request, safe_next(next), None, 200)


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=accounts.MAX_USERNAME_LENGTH * 4)],
    password: Annotated[str, Form(max_length=accounts.MAX_PASSWORD_LENGTH * 4)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check a username and password; on success start a new session (dropping any old one) and redirect."""
    if not _same_origin(request):
        raise HTTPException(403, "a login form from another site is refused")
    target = safe_next(next)
    store = get_store(request)
    config = get_config(request)
    address = client_address(request)
    pair, by_address = f"pair:{username.casefold()}|{address}", f"addr:{address}"
    now = datetime.now(UTC)
    counted = store.count_login_attempt((pair, by_address), now, config.login_window_s)
    over = [start for attempts, start in counted if attempts > config.login_attempts]
    if over:
        wait = max(1, math.ceil(max((start - now).total_seconds() + config.login_window_s for start in over)))
        minutes = max(1, round(wait / 60))
        response = _login_form(request, target, f"Too many failed logins: try again in {minutes} min.", 429)
        response.headers["Retry-After"] = str(wait)
        return response
    user = accounts.authenticate(store, username, password)
    if user is None:
        return _login_form(request, target, "Wrong username or password.", 401)
    store.forgive_login_attempt(release=(by_address,), clear=(pair,))
    accounts.end_session(store, request.cookies.get(SESSION_COOKIE))  # a new session id at every login
    started = accounts.start_session(store, user, config.session_hours)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        started.cookie,
        max_age=config.session_hours * 3600,
        path="/",
        secure=secure_cookies(request),
        httponly=True,
        samesite="lax",
    )
    return response


@router.post("/logout", dependencies=[Depends(csrf_protect)])
def logout(request: Request) -> Response:
    """End the session and forget the cookie."""
    accounts.end_session(get_store(request), request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=secure_cookies(request), httponly=True, samesite="lax")
    return response


def login_redirect(next_path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(safe_next(next_path), safe='/')}", status_code=303)


__all__ = [
    "ANONYMOUS",
    "SESSION_COOKIE",
    "LoginRequired",
    "Principal",
    "api_principal",
    "csrf_protect",
    "current_session",
    "get_config",
    "get_settings",
    "get_store",
    "login_redirect",
    "page_principal",
    "router",
    "safe_next",
    "secure_cookies",
]
