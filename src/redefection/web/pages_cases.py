"""Case pages: the filterable list, and one case with every source's values, conflicts, evidence and history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from fastapi import APIRouter, Request, Response
from markupsafe import Markup

from ..app import browse
from ..records import REASON_CODES, ClusterMember
from ..store import AuditFilter, CaseDetail, CaseFilter, SourceRef, Store, StoredDocument
from .auth import Principal
from .caching import kept, kept_cases
from .fact_views import FactView, fact_view
from .page_params import (
    PAGE_SIZE,
    Reader,
    StoreDep,
    choice_param,
    facet_counts,
    int_param,
    kept_params,
    offset_param,
    text_param,
)
from .templating import label, render, templates

router = APIRouter()
FILTERS = ("q", "year", "status", "reason", "language", "review")
STATUSES = ("returned", "attempted", "intended")


@dataclass(frozen=True, slots=True)
class ValueRow:
    """One value of a case field and the documents giving it."""

    value: Any
    refs: tuple[SourceRef, ...]


@dataclass(frozen=True, slots=True)
class FieldRow:
    name: str
    values: tuple[ValueRow, ...]
    conflict: bool


def case_filter(request: Request) -> CaseFilter:
    """The case list's filters from the query string; a malformed value means "any"."""
    review = choice_param(request, "review", ("machine", "reviewed"))
    return CaseFilter(
        year=int_param(request, "year", 1900, 2200),
        status=choice_param(request, "status", STATUSES),
        reason=choice_param(request, "reason", REASON_CODES),
        language=text_param(request, "language", 20),
        review="machine" if review == "machine" else "reviewed" if review == "reviewed" else None,
        q=text_param(request, "q"),
    )


def filter_options(facets: dict[str, dict[str, int]]) -> dict[str, list[tuple[str, str]]]:
    """Choices of the filter form, each with its number of cases."""

    def choices(name: str, key: Any = None, reverse: bool = False) -> list[tuple[str, str]]:
        counts = facets.get(name, {})
        ordered = sorted(counts, key=key, reverse=reverse)
        return [(value, f"{label(value)} ({counts[value]})") for value in ordered]

    return {
        "year": choices("year", reverse=True),
        "status": choices("status", key=lambda s: STATUSES.index(s) if s in STATUSES else len(STATUSES)),
        "reason": choices("reason"),
        "language": choices("language"),
    }


@router.get("/cases")
def cases_page(request: Request, principal: Reader, store: StoreDep) -> Response:
    filters, offset, public = case_filter(request), offset_param(request), principal.public
    page = kept_cases(request, store, filters, PAGE_SIZE, offset, public=public)
    context = {
        "title": "Cases",
        "page": page,
        "filters": filters,
        "params": kept_params(request, *FILTERS),
        "options": filter_options(facet_counts(request, store, principal.public)),
    }
    return render(request, "cases.html", context)


def case_documents(store: Store, detail: CaseDetail, public: bool) -> dict[int, StoredDocument]:
    """Every document the case page shows text or a reference of, loaded together (none in the public view)."""
    if public:
        return {}
    ids = [fact.document_id for fact in detail.incidents]
    ids.extend(doc_id for _, values in detail.fields for value in values for doc_id in value.document_ids)
    return store.get_documents(ids)


def field_rows(detail: CaseDetail, documents: Mapping[int, StoredDocument]) -> list[FieldRow]:
    """Each field with its values and the documents giving each; fields the sources disagree on are marked.

    A document is named by its source reference, else from ``documents`` (a syndicated copy is not one of
    the case's sources), else by its number only (the public view, or a document gone since).
    """
    refs = {ref.document_id: ref for ref in detail.sources}
    for doc_id, doc in documents.items():
        if doc_id not in refs:
            refs[doc_id] = SourceRef.of(doc)
    rows = []
    for name, values in detail.fields:
        shown = []
        for value in values:
            cited = [refs.get(i) or SourceRef(i, None, None, None, None, None, "") for i in value.document_ids]
            shown.append(ValueRow(value.value, tuple(cited)))
        rows.append(FieldRow(name, tuple(shown), name in detail.conflicts))
    return rows


def syndicated_copies(store: Store, detail: CaseDetail) -> dict[int, list[ClusterMember]]:
    """For each source with copies, the other pages of its syndication cluster (the clusters loaded together)."""
    clusters = store.clusters_of_documents([ref.document_id for ref in detail.sources if ref.copies])
    return {doc_id: [m for m in cluster.members if m.document_id != doc_id] for doc_id, cluster in clusters.items()}


def incident_views(
    store: Store, detail: CaseDetail, documents: Mapping[int, StoredDocument], public: bool
) -> list[FactView]:
    """Every incident of the case with its evidence in context (no text in the public view)."""
    refs = {ref.document_id: ref for ref in detail.sources}
    views = []
    for fact in detail.incidents:
        view = fact_view(store, fact, documents.get(fact.document_id), with_reviewer=not public)
        ref = refs.get(fact.document_id)
        if public and ref is not None:
            view = FactView(
                fact,
                (),
                None,
                fact.document_id,
                ref.outlet or f"Document #{ref.document_id}",
                ref.outlet,
                ref.published,
            )
        views.append(view)
    return views


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int, principal: Reader, store: StoreDep) -> Response:
    """One case: every field with each source's values, conflicts, the ladder, reports with evidence, history."""
    public = principal.public

    def detail() -> CaseDetail:  # shared with the API's case route: the same record
        return kept(request, store, ("case", case_id, public), lambda: browse.get_case(store, case_id, public=public))

    context = kept(request, store, ("case page", case_id, public), lambda: case_context(store, detail(), public))
    values = dict(context)
    values["case_body"] = None
    if not principal.can("editor"):  # an editor's copy holds review forms with their CSRF token: never kept
        values["case_body"] = kept(
            request, store, ("case body", case_id, public), lambda: case_body(request, principal, context)
        )
    return render(request, "case.html", values)


def case_body(request: Request, principal: Principal, context: Mapping[str, Any]) -> Markup:
    """The fields, sources and reports of a case page as a visitor who cannot edit sees them (the same for all
    of them in the view: it depends on ``principal`` through ``public`` only), rendered once per store revision:
    rendering them was half the cost of building a case page."""
    values = {**context, "request": request, "principal": principal, "can_edit": False, "csrf_token": None}
    return Markup(templates.get_template("_case_body.html").render(values))


def case_context(store: Store, detail: CaseDetail, public: bool) -> Mapping[str, Any]:
    """What the case page shows of the case ``detail`` (the same for every visitor of the view): kept per store
    revision by the page, so nothing here may depend on who is looking beyond ``public``."""
    case_id = detail.summary.id
    entries = () if public else browse.list_audit(store, AuditFilter(case_id=case_id), limit=20).items
    documents = case_documents(store, detail, public)
    return MappingProxyType(
        {
            "title": detail.summary.label,
            "case": detail,
            "field_rows": tuple(field_rows(detail, documents)),
            "shown_by": MappingProxyType({rung: docs for rung, docs in detail.confirmed_by}),
            "incidents": tuple(incident_views(store, detail, documents, public)),
            "copies": MappingProxyType({} if public else syndicated_copies(store, detail)),
            "entries": entries,
        }
    )


__all__ = ["case_context", "case_documents", "case_filter", "field_rows", "filter_options", "router"]
