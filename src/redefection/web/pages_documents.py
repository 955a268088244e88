"""Document pages: the list with full-text search, one document with its evidence highlighted, its raw capture.

The raw capture is whatever bytes were fetched, possibly hostile HTML, so it
is never served as HTML: viewed, it is decoded and sent as ``text/plain``;
downloaded, it goes out byte for byte as ``application/octet-stream`` in an
attachment.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from fastapi import APIRouter, Request, Response

from ..app import browse
from ..clean.decode import decode
from ..records import RELEVANCE_OUTCOMES, ClusterMember, Relevance
from ..store import DocumentFilter, Store, StoredDocument
from .caching import kept, kept_documents
from .fact_views import fact_view, highlighted_body
from .page_params import (
    PAGE_SIZE,
    Member,
    Reader,
    StoreDep,
    bool_param,
    facet_counts,
    int_param,
    kept_params,
    offset_param,
    text_param,
)
from .templating import render, url_with, when

router = APIRouter()
FILTERS = ("q", "language", "relevant", "relevance", "outlet", "year")
RAW_EXTENSIONS = {
    "text/html": ".html",
    "application/xhtml+xml": ".xhtml",
    "text/plain": ".txt",
    "application/json": ".json",
}


def citation(doc: StoredDocument) -> str:
    """A plain-text reference to a document for notes and reports."""
    parts = [doc.outlet or "Unknown outlet", f"“{doc.title}”" if doc.title else None, when(doc.published)]
    where = doc.uri or doc.source
    return ", ".join(p for p in parts if p and p != "—") + f". {where} (redefection document #{doc.id})"


@router.get("/documents")
def documents_page(request: Request, principal: Reader, store: StoreDep) -> Response:
    """Every stored document, newest first, or those matching a full-text query by rank."""
    filters = DocumentFilter(
        q=text_param(request, "q"),
        language=text_param(request, "language", 20),
        relevant=bool_param(request, "relevant"),
        relevance=relevance_param(request),
        outlet=text_param(request, "outlet"),
        year=int_param(request, "year", 1900, 2200),
    )
    offset, public = offset_param(request), principal.public
    page = kept_documents(request, store, filters, PAGE_SIZE, offset, public=public)
    languages = facet_counts(request, store, principal.public).get("language", {})
    options = {"language": [(lang, f"{lang} ({n})") for lang, n in sorted(languages.items())]}
    context = {
        "title": f"Search: {filters.q}" if filters.q else "Documents",
        "page": page,
        "filters": filters,
        "params": kept_params(request, *FILTERS),
        "options": options,
        "request_path": url_with(
            "/documents", kept_params(request, *FILTERS), offset=request.query_params.get("offset")
        ),
    }
    return render(request, "documents.html", context)


def relevance_param(request: Request) -> Relevance | None:
    """The ``relevance`` filter: one of the three outcomes, else none."""
    value = request.query_params.get("relevance")
    return next((outcome for outcome in RELEVANCE_OUTCOMES if outcome == value), None)


@router.get("/documents/{document_id}")
def document_page(request: Request, document_id: int, principal: Reader, store: StoreDep) -> Response:
    """A document's cleaned text with every fact's evidence highlighted, its facts, relevance cues and copies."""
    public = principal.public
    context = kept(
        request, store, ("document page", document_id, public), lambda: document_context(store, document_id, public)
    )
    return render(request, "document.html", dict(context))


def document_context(store: Store, document_id: int, public: bool) -> Mapping[str, Any]:
    """What the document page shows (the same for every visitor of the view; kept per store revision)."""
    doc = browse.get_document(store, document_id, public=public)
    facts = browse.document_facts(store, document_id, public=public)
    source = None if public else doc
    items = [fact_view(store, fact, source, context=60, with_reviewer=not public) for fact in facts]
    members: tuple[ClusterMember, ...] = ()
    if not public:
        cluster = store.cluster_of_document(document_id)
        if cluster is not None and len(cluster.members) > 1:
            members = cluster.members
    return MappingProxyType(
        {
            "title": doc.title or f"Document #{doc.id}",
            "doc": doc,
            "body": tuple(highlighted_body(doc.text, facts)) if not public else (),
            "facts": tuple(items),
            "cluster_members": members,
            "cases": (),
            "citation": citation(doc),
        }
    )


@router.get("/documents/{document_id}/raw")
def raw_capture(
    request: Request, document_id: int, principal: Member, store: StoreDep, download: bool = False
) -> Response:
    """The bytes the document was cleaned from: as UTF-8 plain text to read, or the exact bytes to download."""
    data, content_type = browse.raw_capture(store, document_id, public=principal.public)
    if download:
        kind = (content_type or "").split(";")[0].strip().lower()
        name = f"document-{document_id}-capture{RAW_EXTENSIONS.get(kind, '.bin')}"
        return Response(
            data,
            media_type="application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    text, encoding = decode(data, content_type)
    return Response(
        text.encode("utf-8"),
        media_type="text/plain; charset=utf-8",
        headers={
            "Content-Disposition": f'inline; filename="document-{document_id}-capture.txt"',
            "X-Original-Content-Type": _printable(content_type or "unknown"),
            "X-Original-Encoding": encoding,
        },
    )


def _printable(value: str) -> str:
    """A stored header value made safe to send back: printable ASCII only, at most 200 characters."""
    return "".join(char for char in value if 32 <= ord(char) < 127)[:200]


__all__ = ["citation", "document_context", "router"]
