"""The application factory: ``create_app(store, settings, config)`` wires routers, static files and error pages.

Route handlers are plain ``def`` functions: the store is synchronous
SQLAlchemy, and FastAPI runs such handlers in its thread pool, so a slow
query never blocks the event loop. Each server process warms its caches (the
dashboard, the filter counts, the templates) in the app's lifespan, before its
first request (``caching.warm``).
"""

from __future__ import annotations

import html
import importlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..app.dashboard import DashboardCache
from ..app.rebuild import CaseRebuilder
from ..errors import NotFound, StoreError
from ..settings import Settings
from ..store import Store
from . import api, auth, caching
from .config import WebConfig
from .limits import RequestLimitsMiddleware
from .security import SecurityHeadersMiddleware

logger = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
TITLES = {400: "Bad request", 401: "Not logged in", 403: "Not allowed", 404: "Not found", 422: "Bad request"}


def is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def error_response(request: Request, status_code: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """JSON ``{"detail": ...}`` under /api; elsewhere the ``error.html`` page, or plain text without templates."""
    if is_api(request):
        return JSONResponse({"detail": message}, status_code=status_code, headers=headers)
    title = TITLES.get(status_code, "Error")
    response: Response
    try:
        from .templating import render

        response = render(
            request, "error.html", {"status": status_code, "title": title, "message": message}, status_code=status_code
        )
    except ImportError:
        response = PlainTextResponse(f"{status_code} {title}: {message}\n", status_code=status_code)
    except Exception as exc:  # jinja2's TemplateNotFound while the pages are being written
        if type(exc).__name__ != "TemplateNotFound":
            raise
        response = PlainTextResponse(f"{status_code} {title}: {message}\n", status_code=status_code)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _install_error_handlers(app: FastAPI) -> None:
    async def not_found(request: Request, exc: Exception) -> Response:
        problem = exc.problem if isinstance(exc, NotFound) else "not found"
        return error_response(request, 404, problem)

    async def forbidden(request: Request, exc: Exception) -> Response:
        return error_response(request, 403, str(exc) or "not allowed")

    async def login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, auth.LoginRequired)
        return auth.login_redirect(exc.next_path)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return error_response(request, exc.status_code, str(exc.detail), dict(exc.headers or {}))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if is_api(request):
            errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in exc.errors()]
            return JSONResponse({"detail": errors}, status_code=422)
        fields = ", ".join(str(e.get("loc", ("?",))[-1]) for e in exc.errors())
        return error_response(request, 422, f"invalid or missing: {html.escape(fields)}")

    async def store_error(request: Request, exc: Exception) -> Response:
        logger.error("%s", exc)  # the message may name the database: logged, not shown
        return error_response(request, 503, "the database cannot answer now; try again later")

    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(PermissionError, forbidden)
    app.add_exception_handler(auth.LoginRequired, login_required)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)

    async def out_of_range(request: Request, exc: Exception) -> Response:
        # A number too large for a SQL integer that got past RequestLimitsMiddleware (e.g. inside a JSON body).
        return error_response(request, 404, "no such item: the number is out of range")

    app.add_exception_handler(StoreError, store_error)
    app.add_exception_handler(OverflowError, out_of_range)


def _include_pages(app: FastAPI) -> DashboardCache | None:
    """Add the HTML pages to ``app``; their dashboard cache, or None when there are no pages."""
    try:  # the HTML pages, imported here: they import this package's auth
        pages = importlib.import_module(f"{__package__}.pages")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.pages":
            raise
        logger.warning("no HTML pages (redefection.web.pages is missing): serving the API only")
        return None
    app.include_router(pages.router)
    dashboard: DashboardCache = pages.new_dashboard_cache()
    return dashboard


def _warm_at_start(store: Store, config: WebConfig) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: a server process fills its caches before it takes its first request."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(caching.warm, app, store, public=config.anonymous)
        yield

    return lifespan


def create_app(store: Store, settings: Settings, config: WebConfig | None = None) -> FastAPI:
    """The web app and JSON API over ``store``; tests pass an in-memory store."""
    config = config or WebConfig()
    app = FastAPI(
        title="redefection",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=_warm_at_start(store, config),
    )
    app.state.store = store
    app.state.settings = settings
    app.state.config = config
    # Reviews rebuild the cases in the background, one rebuild at a time across the server's processes.
    app.state.case_rebuilder = CaseRebuilder(store, lock_path=config.rebuild_lock)
    app.add_middleware(RequestLimitsMiddleware, max_body_bytes=config.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)  # added last: the outermost, so every answer gets the headers
    _install_error_handlers(app)
    app.include_router(auth.router)
    app.include_router(api.router)
    caching.install(app, _include_pages(app))
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    return app


__all__ = ["create_app", "error_response", "is_api"]
