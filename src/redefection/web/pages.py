"""The HTML pages: ``router`` holds every page route (``create_app`` includes it).

This module has the dashboard and its charts, claims, the audit log, source
health and "what is new"; case pages, document pages and review actions live
in ``pages_cases``, ``pages_documents`` and ``pages_review``, whose routers are
included here. Handlers are plain ``def`` (the store is synchronous; FastAPI
runs them in its thread pool), read through ``redefection.app.browse`` so that an
anonymous visitor gets the public view, and render templates through
``templating.render``.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import UTC, datetime
from typing import cast

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from ..app import browse
from ..app.dashboard import STATUSES, Dashboard, DashboardCache, build_dashboard
from ..store import AuditFilter, ClaimFilter, Store
from ..store.web import CLAIM_SORTS, ClaimSort
from . import pages_account, pages_cases, pages_documents, pages_review
from .auth import csrf_protect
from .caching import kept, signature
from .charts import CHARTS, Spec, chart_spec, draw, spec_hash, spec_json
from .page_params import (
    PAGE_SIZE,
    Member,
    Reader,
    StoreDep,
    choice_param,
    int_param,
    kept_params,
    offset_param,
    text_param,
)
from .templating import SUBJECT_LABELS, render

router = APIRouter()
router.include_router(pages_cases.router)
router.include_router(pages_documents.router)
router.include_router(pages_review.router)
router.include_router(pages_account.router)

CHART_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".vl.json": "application/json"}
# An SVG opened on its own is a document: it may run nothing and load nothing (Vega's SVG needs neither).
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


EMBEDDED = ("returns", "claims")  # the charts the dashboard page shows
_specs_lock = threading.Lock()
_specs: dict[tuple[int, str], tuple[Dashboard, Spec, str]] = {}  # per board of the caches: spec and its hash


def board_spec(board: Dashboard, name: str) -> tuple[Spec, str]:
    """The spec of chart ``name`` over ``board`` and its hash, made once per board: the claims chart walks
    every claim series (6 to 10 ms on a 20,000-document store), and every dashboard view shows the hashes."""
    key = (id(board), name)
    with _specs_lock:
        kept = _specs.get(key)
    if kept is not None and kept[0] is board:
        return kept[1], kept[2]
    spec = chart_spec(name, board)
    version = spec_hash(spec)
    with _specs_lock:
        if len(_specs) >= 4 * len(CHARTS):  # boards of the two views, a few generations
            _specs.clear()
        _specs[key] = (board, spec, version)
    return spec, version


def build_and_draw(store: Store, *, public: bool = False) -> Dashboard:
    """Build the dashboard and draw its embedded charts, so the page's images are ready when it is."""
    board = build_dashboard(store, public=public)
    for name in EMBEDDED:
        draw(board_spec(board, name)[0], "svg")
    return board


def new_dashboard_cache() -> DashboardCache:
    """The dashboard cache of one server process: ``create_app`` makes it and warms it at start."""
    return DashboardCache(build=build_and_draw, spacing=10.0)


def dashboard_cache(request: Request) -> DashboardCache:
    """The app's dashboard cache (made here for an app built without one)."""
    cache: DashboardCache | None = getattr(request.app.state, "dashboard_cache", None)
    if cache is None:
        cache = new_dashboard_cache()
        request.app.state.dashboard_cache = cache
    return cache


def dashboard_of(request: Request, store: Store, public: bool) -> Dashboard:
    """The dashboard from the app's cache, rebuilt only when the store changed."""
    return dashboard_cache(request).get(store, public=public, signature=signature(request, store))


@router.get("/")
def dashboard_page(request: Request, principal: Reader, store: StoreDep) -> Response:
    """Returns per year, statuses, the ladder, reasons, the claims chart, latest documents, the review queue."""
    board = dashboard_of(request, store, principal.public)
    refreshing = dashboard_cache(request).refreshing(principal.public)
    versions = {name: board_spec(board, name)[1] for name in EMBEDDED}
    return render(
        request,
        "dashboard.html",
        {"title": "Dashboard", "board": board, "versions": versions, "statuses": STATUSES, "refreshing": refreshing},
    )


@router.get("/charts/{filename}")
def chart_file(request: Request, filename: str, principal: Reader, store: StoreDep, download: bool = False) -> Response:
    """A dashboard chart as SVG, PNG or its Vega-Lite spec with data (``?download=1``: as an attachment)."""
    found = [(filename.removesuffix(s), s) for s in CHART_TYPES if filename.endswith(s)]
    name, suffix = max(found, key=lambda f: len(f[1])) if found else ("", "")
    if name not in CHARTS:
        raise HTTPException(404, f"no chart {filename!r}: try returns.svg, reasons.png or claims.vl.json")
    media_type = CHART_TYPES[suffix]
    spec, version = board_spec(dashboard_of(request, store, principal.public), name)
    headers = {"ETag": f'"{version}-{suffix}"'}
    if download or suffix == ".vl.json":
        headers["Content-Disposition"] = f'attachment; filename="redefection-{name}{suffix}"'
    if suffix == ".vl.json":
        body = json.dumps(json.loads(spec_json(spec)), indent=2, ensure_ascii=False).encode("utf-8")
        return Response(body, media_type=media_type, headers=headers)
    if suffix == ".svg":
        headers["Content-Security-Policy"] = SVG_POLICY
        return Response(draw(spec, "svg"), media_type=media_type, headers=headers)
    return Response(draw(spec, "png"), media_type=media_type, headers=headers)


def claim_filter(request: Request) -> ClaimFilter:
    review = choice_param(request, "review", ("machine", "reviewed"))
    return ClaimFilter(
        subject=choice_param(request, "subject", SUBJECT_LABELS),
        source=text_param(request, "source"),
        year=int_param(request, "year", 1900, 2200),
        review="machine" if review == "machine" else "reviewed" if review == "reviewed" else None,
    )


@router.get("/claims")
def claims_page(request: Request, principal: Reader, store: StoreDep) -> Response:
    """Every figure a source gave, with subject, value, period, attribution, outlet and date; sortable.

    Sorting happens in the database (``ClaimFilter.sort``), over every matching claim, one page read.
    """
    sort = choice_param(request, "sort", CLAIM_SORTS)
    direction = "asc" if text_param(request, "dir") == "asc" else "desc"
    filters = replace(claim_filter(request), sort=cast(ClaimSort | None, sort), ascending=direction == "asc")
    offset, public = offset_param(request), principal.public
    page = kept(
        request,
        store,
        ("claims", filters, PAGE_SIZE, offset, public),
        lambda: browse.list_claims(store, filters, PAGE_SIZE, offset, public=public),
    )
    context = {
        "title": "Claims",
        "page": page,
        "filters": filters,
        "sort": sort,
        "direction": direction,
        "params": kept_params(request, "subject", "source", "year", "review", "sort", "dir"),
        "options": {"subject": list(SUBJECT_LABELS.items())},
        "public": principal.public,
    }
    return render(request, "claims.html", context)


@router.get("/audit")
def audit_page(request: Request, principal: Member, store: StoreDep) -> Response:
    """The review log, newest first, overall or for one case, reviewer or kind of fact."""
    filters = AuditFilter(
        kind=choice_param(request, "kind", ("incident", "claim", "quote", "case", "document")),
        target_id=int_param(request, "target_id"),
        case_id=int_param(request, "case_id"),
        who=text_param(request, "who", 64),
    )
    page = browse.list_audit(store, filters, PAGE_SIZE, offset_param(request), public=principal.public)
    params = kept_params(request, "kind", "target_id", "case_id", "who")
    return render(request, "audit.html", {"title": "Audit log", "page": page, "filters": filters, "params": params})


@router.get("/sources")
def sources_page(request: Request, principal: Member, store: StoreDep) -> Response:
    """The health of every watched feed and sitemap over the last week."""
    days = 7
    health = browse.source_health(store, days, public=principal.public)
    return render(request, "sources.html", {"title": "Sources", "health": health, "days": days})


@router.get("/new")
def whats_new_page(request: Request, principal: Member, store: StoreDep) -> Response:
    """Relevant documents and alerts since the user last marked this page as seen (looking does not mark it)."""
    feed = browse.whats_new(store, principal.name, mark_seen=False)
    return render(request, "new.html", {"title": "What's new", "feed": feed})


@router.post("/new/seen", dependencies=[Depends(csrf_protect)])
async def mark_seen(request: Request, principal: Member, store: StoreDep) -> Response:
    """Move the user's "last looked" marker to when the page was shown (never into the future)."""
    form = await request.form()
    now = datetime.now(UTC)
    try:
        until = datetime.fromisoformat(str(form.get("until", "")))
    except ValueError:
        until = now
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    await run_in_threadpool(store.mark_seen, principal.name, min(until, now))
    return RedirectResponse("/new", status_code=303)


__all__ = ["claim_filter", "dashboard_of", "new_dashboard_cache", "router"]
