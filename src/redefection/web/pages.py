"""The HTML pages: ``router`` holds every page route (``create_app`` includes it).

This module has the dashboard and its charts, claims, the audit log, source
health and "what is new"; case pages, document pages and review actions live
in ``pages_cases``, ``pages_documents`` and ``pages_review``, whose routers are
included here. Handlers are plain ``def`` (the store is synchronous; FastAPI
runs them in its thread pool), read through ``redefection.browse`` so that an
anonymous visitor gets the public view, and render templates through
``templating.render``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from .. import browse
from ..dashboard import STATUSES, Dashboard, DashboardCache, build_dashboard
from ..store import AuditFilter, ClaimEntry, ClaimFilter, Page, Store
from . import pages_cases, pages_documents, pages_review
from .auth import csrf_protect
from .charts import CHARTS, chart_spec, draw, spec_hash, spec_json
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

CHART_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".vl.json": "application/json"}
# An SVG opened on its own is a document: it may run nothing and load nothing (Vega's SVG needs neither).
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
CLAIM_SORTS = ("subject", "value", "source", "outlet", "date")
MAX_SORTED_CLAIMS = 5000  # sorting reads the matching claims into memory, up to this many


def build_and_draw(store: Store, *, public: bool = False) -> Dashboard:
    """Build the dashboard and draw its embedded charts, so the page's images are ready when it is."""
    board = build_dashboard(store, public=public)
    for name in ("returns", "claims"):
        draw(chart_spec(name, board), "svg")
    return board


def dashboard_cache(request: Request) -> DashboardCache:
    """The app's dashboard cache, made on first use."""
    cache: DashboardCache | None = getattr(request.app.state, "dashboard_cache", None)
    if cache is None:
        cache = DashboardCache(build=build_and_draw)
        request.app.state.dashboard_cache = cache
    return cache


def dashboard_of(request: Request, store: Store, public: bool) -> Dashboard:
    """The dashboard from the app's cache, rebuilt only when the store changed."""
    return dashboard_cache(request).get(store, public=public)


@router.get("/")
def dashboard_page(request: Request, principal: Reader, store: StoreDep) -> Response:
    """Returns per year, statuses, the ladder, reasons, the claims chart, latest documents, the review queue."""
    board = dashboard_of(request, store, principal.public)
    refreshing = dashboard_cache(request).refreshing(principal.public)
    versions = {name: spec_hash(chart_spec(name, board)) for name in ("returns", "claims")}
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
    spec = chart_spec(name, dashboard_of(request, store, principal.public))
    headers = {"ETag": f'"{spec_hash(spec)}-{suffix}"'}
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


def _claim_key(sort: str) -> Any:
    def key(entry: ClaimEntry) -> Any:
        values = entry.fact.values
        if sort == "value":
            return (values.get("value") is None, values.get("value") or 0)
        if sort == "subject":
            return str(values.get("subject") or "")
        if sort == "source":
            return str(values.get("source") or "").casefold()
        if sort == "outlet":
            return (entry.document.outlet or "").casefold()
        return entry.document.published.isoformat() if entry.document.published else ""

    return key


def sorted_claims(
    store: Store, filters: ClaimFilter, sort: str, descending: bool, offset: int, public: bool
) -> Page[ClaimEntry]:
    """The matching claims (up to ``MAX_SORTED_CLAIMS``) sorted on ``sort``, one page of them."""
    found: list[ClaimEntry] = []
    total = 0
    while len(found) < MAX_SORTED_CLAIMS:
        page = browse.list_claims(store, filters, browse.MAX_LIMIT, len(found), public=public)
        found.extend(page.items)
        total = page.total
        if not page.items or not page.has_next:
            break
    found.sort(key=_claim_key(sort), reverse=descending)
    return Page(tuple(found[offset : offset + PAGE_SIZE]), min(total, len(found)), PAGE_SIZE, offset)


@router.get("/claims")
def claims_page(request: Request, principal: Reader, store: StoreDep) -> Response:
    """Every figure a source gave, with subject, value, period, attribution, outlet and date; sortable."""
    filters = claim_filter(request)
    sort = choice_param(request, "sort", CLAIM_SORTS)
    direction = "asc" if text_param(request, "dir") == "asc" else "desc"
    offset = offset_param(request)
    if sort is None:
        page = browse.list_claims(store, filters, PAGE_SIZE, offset, public=principal.public)
    else:
        page = sorted_claims(store, filters, sort, direction == "desc", offset, principal.public)
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
        kind=choice_param(request, "kind", ("incident", "claim", "quote", "case")),
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


__all__ = ["claim_filter", "dashboard_of", "router", "sorted_claims"]
