"""The app's caches of read results, and their warm-up when a server process starts.

Each server process holds its caches, made by ``create_app`` (``install``):
the dashboard (``DashboardCache``), the filter counts of the case and
document lists (``FacetCache``) and the results of the read routes
(``ReadCache``: case lists, cases, claims, document pages; searches and
document lists in a smaller one, as their pages hold whole documents), all
keyed by the store's change signature. A page reads the signature once
(``signature``, kept on the request) and every cache it asks compares
against that one value.

``warm`` builds the dashboard and the filter counts and compiles the
templates when a server process starts, before it takes its first request:
with several worker processes each one has its own caches, and building the
dashboard of a 20,000-document store on first use made the first visitor of
each worker wait seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from typing import TypeVar

from fastapi import FastAPI, Request

from ..app import browse
from ..app.dashboard import DashboardCache, FacetCache
from ..app.read_cache import ReadCache
from ..store import CaseFilter, CaseSummary, DocumentFilter, DocumentHit, Page, Store

logger = logging.getLogger(__name__)
T = TypeVar("T")
READ_ENTRIES = 1024  # results per process: a case page, a case list or a claims page is a few kB to 100 kB
SEARCH_ENTRIES = 128  # document lists and searches: a page holds its documents with their text (up to MBs)
READ_MAX_AGE = 30.0  # seconds: bounds how long a change the signature cannot see stays hidden


def install(app: FastAPI, dashboard: DashboardCache | None) -> None:
    """Give ``app`` its caches (``dashboard`` builds and draws the dashboard the pages show; None: no pages)."""
    if dashboard is not None:
        app.state.dashboard_cache = dashboard
    app.state.facet_cache = FacetCache()
    app.state.read_cache = ReadCache(READ_ENTRIES, READ_MAX_AGE)
    app.state.search_cache = ReadCache(SEARCH_ENTRIES, READ_MAX_AGE)


def signature(request: Request, store: Store) -> tuple[object, ...]:
    """The store's change signature, read once per request (every cache of the request compares against it)."""
    found: tuple[object, ...] | None = getattr(request.state, "store_signature", None)
    if found is None:
        found = store.change_signature()
        request.state.store_signature = found
    return found


def kept(request: Request, store: Store, key: Hashable, compute: Callable[[], T], *, search: bool = False) -> T:
    """``compute()``, or its result kept from an earlier request while the store has not changed since.

    For reads only: ``key`` must name everything the result depends on (the route, its parameters, the
    view), and the result must be immutable. ``search``: a list of documents with their text, kept in the
    smaller cache. Without a cache on the app (an app built by hand), computes.
    """
    cache: ReadCache | None = getattr(request.app.state, "search_cache" if search else "read_cache", None)
    if cache is None:
        return compute()
    return cache.get(signature(request, store), key, compute)


def kept_documents(
    request: Request, store: Store, filters: DocumentFilter, limit: int, offset: int, *, public: bool
) -> Page[DocumentHit]:
    """A page of document search results (``browse.search_documents``), kept as ``kept`` does; the
    documents page, the API's document list and its search share the entries."""
    return kept(
        request,
        store,
        ("documents", filters, limit, offset, public),
        lambda: browse.search_documents(store, filters, limit, offset, public=public),
        search=True,
    )


def kept_cases(
    request: Request, store: Store, filters: CaseFilter, limit: int, offset: int, *, public: bool
) -> Page[CaseSummary]:
    """A page of the case list (``browse.list_cases``), kept as ``kept`` does; the cases page, the API's
    case list and its search share the entries."""
    return kept(
        request,
        store,
        ("cases", filters, limit, offset, public),
        lambda: browse.list_cases(store, filters, limit, offset, public=public),
    )


def facet_cache(app: FastAPI) -> FacetCache:
    cache: FacetCache | None = getattr(app.state, "facet_cache", None)
    if cache is None:
        cache = FacetCache()
        app.state.facet_cache = cache
    return cache


def warm(app: FastAPI, store: Store, *, public: bool) -> None:
    """Fill the caches a first visitor would wait for: the filter counts and the dashboard (of the private
    view, and of the public one when anonymous visitors may read), and compile every template.

    A failure is logged, never raised: the server still starts, and the first page builds what is missing.
    """
    views = (False, True) if public else (False,)
    try:
        if hasattr(app.state, "dashboard_cache"):  # the pages are served: compile their templates now
            from .templating import templates

            for name in templates.env.list_templates(filter_func=lambda name: name.endswith(".html")):
                templates.env.get_template(name)
        for view in views:
            facet_cache(app).get(store, public=view)
            dashboard: DashboardCache | None = getattr(app.state, "dashboard_cache", None)
            if dashboard is not None:
                dashboard.get(store, public=view)
    except Exception:  # a store that cannot answer now: the pages say so when asked
        logger.exception("warming the caches failed")


__all__ = ["READ_ENTRIES", "READ_MAX_AGE", "SEARCH_ENTRIES", "facet_cache", "install", "kept", "signature", "warm"]
