"""The JSON API under /api/v1: the same read services as the pages, and review writes for editors.

Reads take a session cookie, a bearer token, or nothing when anonymous
reading is on (then only the public view). Writes take a bearer token (or
the session cookie with ``X-CSRF-Token``) of an editor or admin. Lists are
paged with ``limit``/``offset`` and say their ``total`` and ``next`` page.

The OpenAPI schema is at /api/v1/openapi.json. /api/v1/docs is the API
reference as one of the site's pages, built from that schema: the usual
interactive explorers load JavaScript from a CDN, which the
Content-Security-Policy (and our no-third-party-code rule) forbids.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response

from .. import __version__
from ..app import browse
from ..records import Relevance
from ..store import AuditFilter, CaseFilter, ClaimFilter, DocumentFilter, FactChange, FactKind, Page, Store
from .api_models import (
    AuditEntryOut,
    CaseDetailOut,
    CasesOut,
    CaseSummaryOut,
    ClaimEntryOut,
    DocumentDetailOut,
    DocumentHitOut,
    DocumentOut,
    FactOut,
    MergeIn,
    PageOut,
    RelevanceIn,
    ReviewIn,
    SearchOut,
    SplitIn,
    WhoAmIOut,
)
from .auth import Principal, api_principal, get_store
from .caching import kept, kept_cases, kept_documents

T = TypeVar("T")
PREFIX = "/api/v1"
router = APIRouter(prefix=PREFIX, tags=["api"])

Reader = Annotated[Principal, Depends(api_principal())]
Viewer = Annotated[Principal, Depends(api_principal("viewer"))]
Editor = Annotated[Principal, Depends(api_principal("editor"))]
StoreDep = Annotated[Store, Depends(get_store)]
Limit = Annotated[int, Query(ge=1, le=browse.MAX_LIMIT, description="items per page")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")]
Words = Annotated[str | None, Query(max_length=200)]
Short = Annotated[str | None, Query(max_length=100)]
Year = Annotated[int | None, Query(ge=1900, le=2200)]
Review = Annotated[Literal["machine", "reviewed"] | None, Query()]


def _next(request: Request, page: Page[Any]) -> str | None:
    if not page.has_next:
        return None
    query = request.url.include_query_params(offset=page.offset + len(page.items), limit=page.limit).query
    return f"{request.url.path}?{query}"


def _paged(request: Request, page: Page[T], items: list[Any]) -> dict[str, Any]:
    return {
        "items": items,
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "next": _next(request, page),
    }


@router.get("/me", response_model=WhoAmIOut)
def me(who: Reader) -> WhoAmIOut:
    """Who the API takes you for: your username and role, or anonymous (public view)."""
    return WhoAmIOut.of(who.user)


@router.get("/cases", response_model=PageOut[CaseSummaryOut])
def cases(
    request: Request,
    who: Reader,
    store: StoreDep,
    year: Year = None,
    status: Short = None,
    reason: Short = None,
    language: Short = None,
    review: Review = None,
    q: Words = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Cases, latest event (else disclosure) first."""
    filters = CaseFilter(year=year, status=status, reason=reason, language=language, review=review, q=q or None)
    page = kept_cases(request, store, filters, limit, offset, public=who.public)
    return _paged(request, page, [CaseSummaryOut.of(case) for case in page.items])


@router.get("/cases/{case_id}", response_model=CaseDetailOut)
def case(request: Request, case_id: int, who: Reader, store: StoreDep) -> CaseDetailOut:
    """One case: every field with each source's value, conflicts, incidents and sources."""
    found = kept(
        request, store, ("case", case_id, who.public), lambda: browse.get_case(store, case_id, public=who.public)
    )
    return CaseDetailOut.of(found)


@router.get("/documents", response_model=PageOut[DocumentHitOut])
def documents(
    request: Request,
    who: Reader,
    store: StoreDep,
    q: Words = None,
    language: Short = None,
    relevant: bool | None = None,
    relevance: Relevance | None = None,
    outlet: Short = None,
    year: Year = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Documents, newest first, or by rank for a full-text query ``q`` (all words must appear).

    ``relevance=possible`` lists the review queue: documents waiting for an editor to promote or dismiss them.
    """
    filters = DocumentFilter(
        q=q or None, language=language, relevant=relevant, relevance=relevance, outlet=outlet, year=year
    )
    page = kept_documents(request, store, filters, limit, offset, public=who.public)
    return _paged(request, page, [DocumentHitOut.of(hit) for hit in page.items])


@router.get("/documents/{document_id}", response_model=DocumentDetailOut)
def document(document_id: int, who: Reader, store: StoreDep) -> DocumentDetailOut:
    """One document with its paragraphs and its incidents, claims and quotes (rejected ones too)."""
    found = browse.get_document(store, document_id, public=who.public)
    facts = browse.document_facts(store, document_id, public=who.public)
    return DocumentDetailOut(
        document=DocumentOut.of(found), body=list(found.body), facts=[FactOut.of(f) for f in facts]
    )


@router.get("/facts/{kind}/{fact_id}", response_model=FactOut)
def fact(kind: FactKind, fact_id: int, who: Reader, store: StoreDep) -> FactOut:
    """One incident, claim or quote with its review state."""
    return FactOut.of(browse.get_fact(store, kind, fact_id, public=who.public))


@router.get("/search", response_model=SearchOut)
def search(
    request: Request,
    who: Viewer,
    store: StoreDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Full-text search over documents, and cases whose label or names contain the words."""
    words, cased = DocumentFilter(q=q), CaseFilter(q=q)
    hits = kept_documents(request, store, words, limit, offset, public=who.public)
    found = kept_cases(request, store, cased, limit, 0, public=who.public)
    return {
        "query": q,
        "cases": _paged(request, found, [CaseSummaryOut.of(c) for c in found.items]) | {"next": None},
        "documents": _paged(request, hits, [DocumentHitOut.of(hit) for hit in hits.items]),
    }


@router.get("/claims", response_model=PageOut[ClaimEntryOut])
def claims(
    request: Request,
    who: Reader,
    store: StoreDep,
    subject: Short = None,
    source: Words = None,
    year: Year = None,
    review: Review = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Aggregate figures (not rejected) with the documents reporting them, newest report first."""
    filters = ClaimFilter(subject=subject, source=source or None, year=year, review=review)
    page = kept(
        request,
        store,
        ("claims", filters, limit, offset, who.public),
        lambda: browse.list_claims(store, filters, limit, offset, public=who.public),
    )
    return _paged(request, page, [ClaimEntryOut.of(entry) for entry in page.items])


@router.get("/quotes", response_model=PageOut[ClaimEntryOut])
def quotes(request: Request, who: Reader, store: StoreDep, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Quotes (not rejected) with their speakers and documents, newest report first."""
    page = browse.list_quotes(store, limit, offset, public=who.public)
    return _paged(request, page, [ClaimEntryOut.of(entry) for entry in page.items])


@router.get("/audit", response_model=PageOut[AuditEntryOut])
def audit(
    request: Request,
    who: Viewer,
    store: StoreDep,
    kind: Short = None,
    target_id: int | None = None,
    case_id: int | None = None,
    user: Annotated[str | None, Query(alias="who", max_length=64)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """The review log, newest first: who changed which fact or case, with old and new values."""
    filters = AuditFilter(kind=kind, target_id=target_id, case_id=case_id, who=user)
    page = browse.list_audit(store, filters, limit, offset, public=who.public)
    return _paged(request, page, [AuditEntryOut.of(entry) for entry in page.items])


# Writes.


@router.post("/facts/{kind}/{fact_id}/review", response_model=FactOut)
def review_fact(
    request: Request, kind: FactKind, fact_id: int, body: ReviewIn, who: Editor, store: StoreDep
) -> FactOut:
    """Confirm, correct or reject a fact; recorded in the audit log under your name.

    The fact and its audit entries are stored before the answer; the cases are rebuilt in the background
    (a few seconds on a large store), so a case may show the old value briefly.
    """
    from ..app import review

    if body.action != "correct" and body.changes:
        raise HTTPException(422, "only a correction changes values")
    change = FactChange(kind, fact_id, body.action, who.name, dict(body.changes), body.note)
    try:
        rebuild = request.app.state.case_rebuilder.request
        return FactOut.of(review.review_fact(store, change, rebuild=rebuild))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc


@router.post("/documents/{document_id}/relevance", response_model=DocumentOut)
def decide_relevance(
    request: Request, document_id: int, body: RelevanceIn, who: Editor, store: StoreDep
) -> DocumentOut:
    """Promote a possibly relevant document to relevant, or dismiss it as not relevant; recorded in the audit log.

    A promoted document's facts join the cases (rebuilt in the background), exports and alerts.
    """
    from ..app import review

    rebuild = request.app.state.case_rebuilder.request
    try:
        found = review.decide_relevance(
            store, document_id, body.relevance, who=who.name, note=body.note, rebuild=rebuild
        )
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    return DocumentOut.of(found)


def _cases_of(store: Store, incident_ids: list[int], found: list[Any]) -> CasesOut:
    wanted = set(incident_ids)
    ids = [c.id for c in found if any(m.item.id in wanted for m in c.case.incidents)]
    return CasesOut(cases=[CaseSummaryOut.of(store.get_case(case_id).summary) for case_id in ids])


@router.post("/cases/merge", response_model=CasesOut)
def merge(body: MergeIn, who: Editor, store: StoreDep) -> CasesOut:
    """Put these incidents in one case; kept across rebuilds and recorded in the audit log."""
    from ..app import review

    try:
        found = review.merge_cases(store, body.incident_ids, who=who.name, note=body.note)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    return _cases_of(store, body.incident_ids, found)


@router.post("/cases/{case_id}/split", response_model=CasesOut)
def split(case_id: int, body: SplitIn, who: Editor, store: StoreDep) -> CasesOut:
    """Keep these incidents of a case apart from its others (or from ``others``); recorded in the audit log."""
    from ..app import review

    members = [fact.id for fact in store.get_case(case_id).incidents]
    try:
        found = review.split_case(store, case_id, body.incident_ids, body.others, who=who.name, note=body.note)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    return _cases_of(store, members + body.others, found)


# The schema and its route list.


def openapi_schema() -> dict[str, Any]:
    """The OpenAPI description of this router alone (the HTML pages are not an API)."""
    return get_openapi(
        title="redefection API",
        version=__version__,
        description=__doc__ or "",
        routes=router.routes,
    )


@router.get("/openapi.json", include_in_schema=False)
def openapi(who: Reader) -> JSONResponse:
    return JSONResponse(openapi_schema())


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def docs(request: Request, who: Reader) -> Response:
    """The API reference in the site's own page: every route with its parameters, shapes and an example."""
    from .api_reference import reference
    from .templating import render

    operations, shapes = reference(openapi_schema())
    host = f"{request.url.scheme}://{request.url.netloc}"
    context = {"operations": operations, "shapes": shapes, "version": __version__, "host": host, "title": "API"}
    return render(request, "api_docs.html", context)


__all__ = ["PREFIX", "openapi_schema", "router"]
