"""Review actions from the pages: confirm, correct or reject a fact; promote or dismiss a possibly relevant
document; merge cases; split a case.

Every route needs the editor role and the session's CSRF token, posts,
then redirects back (POST-redirect-GET). A request made in place by
``app.js`` (header ``X-Requested-With: fetch``) gets the fact's updated card
instead, to swap into the page. Values arrive as form text and are turned
into the fact's types here; the review service validates them and writes the
audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from ..app import review
from ..errors import NotFound
from ..records import Relevance
from ..store import EDITABLE_FIELDS, FactChange, FactKind, Store, StoredFact
from .auth import csrf_protect, safe_next
from .fact_views import fact_view
from .page_params import Editor, StoreDep
from .templating import NUMERIC_FIELDS, render, shown_values

router = APIRouter(dependencies=[Depends(csrf_protect)])
Action = Literal["confirm", "correct", "reject"]
MAX_NOTE = 2000
MAX_VALUE = 500


def in_place(request: Request) -> bool:
    return request.headers.get("x-requested-with", "").lower() == "fetch"


def _text(form: FormData, name: str, limit: int = MAX_VALUE) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def parse_changes(kind: FactKind, form: FormData, current: Mapping[str, Any]) -> dict[str, Any]:
    """The editable fields whose submitted text differs from the current value (the store validates them).

    A field shown unchanged is left out, whatever its type, so an odd stored
    value never blocks correcting another field. An age is compared as shown
    ("30s" for 30 to 39) and sent as typed: the store reads ranges.
    """
    current = shown_values(current)
    changes: dict[str, Any] = {}
    for name in EDITABLE_FIELDS[kind]:
        before = current.get(name)
        if name == "reasons":
            if "reasons_present" not in form:
                continue
            codes = [str(code) for code in form.getlist("reasons") if isinstance(code, str)]
            if sorted(codes) != sorted(before or []):
                changes[name] = codes
            continue
        if name not in form:
            continue
        raw = _text(form, name)
        if raw == ("" if before is None else str(before)):
            continue
        if raw == "":
            changes[name] = None
        elif name in NUMERIC_FIELDS and raw.isdigit():
            changes[name] = int(raw)
        else:
            changes[name] = raw
    return changes


def _back(form: FormData, fact: StoredFact) -> str:
    target = safe_next(_text(form, "back", 1000) or f"/documents/{fact.document_id}")
    return f"{target.split('#', 1)[0]}#{fact.kind}-{fact.id}"


def _card(request: Request, store: Store, fact: StoredFact, error: str | None, status_code: int, back: str) -> Response:
    document = store.get_document(fact.document_id)
    view = fact_view(store, fact, document, context=60)
    context = {
        "fact": view.fact,
        "excerpts": view.excerpts,
        "reviewer": view.reviewer,
        "error": error,
        "back": back.split("#", 1)[0],
    }
    return render(request, "_fact.html", context, status_code=status_code)


@router.post("/facts/{kind}/{fact_id}/{action}")
async def review_fact(
    request: Request, kind: FactKind, fact_id: int, action: Action, principal: Editor, store: StoreDep
) -> Response:
    """Confirm, correct or reject one fact under the editor's name; the audit log keeps the old values."""
    form = await request.form()
    fact = await run_in_threadpool(store.get_fact, kind, fact_id)
    back = _back(form, fact)
    note = _text(form, "note", MAX_NOTE) or None
    try:
        changes = parse_changes(kind, form, fact.values) if action == "correct" else {}
        if action == "correct" and not changes:
            raise ValueError("nothing was changed: edit a field, or confirm the fact as it is")
        change = FactChange(kind, fact_id, action, principal.name, changes, note)
        rebuild = request.app.state.case_rebuilder.request
        updated = await run_in_threadpool(review.review_fact, store, change, rebuild=rebuild)
    except ValueError as exc:
        if in_place(request):
            return await run_in_threadpool(_card, request, store, fact, str(exc), 400, back)
        raise HTTPException(400, f"Not saved: {exc}") from exc
    if in_place(request):
        return await run_in_threadpool(_card, request, store, updated, None, 200, back)
    return RedirectResponse(back, status_code=303)


RELEVANCE_DECISIONS: dict[str, Relevance] = {"promote": "relevant", "dismiss": "not_relevant"}


@router.post("/documents/{document_id}/relevance/{decision}")
async def decide_relevance(
    request: Request, document_id: int, decision: Literal["promote", "dismiss"], principal: Editor, store: StoreDep
) -> Response:
    """Promote a possibly relevant document to relevant, or dismiss it as not relevant; recorded in the audit log."""
    form = await request.form()
    note = _text(form, "note", MAX_NOTE) or None
    rebuild = request.app.state.case_rebuilder.request
    try:
        await run_in_threadpool(
            review.decide_relevance,
            store,
            document_id,
            RELEVANCE_DECISIONS[decision],
            who=principal.name,
            note=note,
            rebuild=rebuild,
        )
    except NotFound as exc:
        raise HTTPException(404, exc.problem) from exc
    except ValueError as exc:
        raise HTTPException(400, f"Not changed: {exc}") from exc
    return RedirectResponse(safe_next(_text(form, "back", 1000) or f"/documents/{document_id}"), status_code=303)


def _ids(form: FormData, name: str) -> list[int]:
    found = []
    for value in form.getlist(name):
        if isinstance(value, str) and value.strip().isdigit():
            found.append(int(value.strip()))
    return list(dict.fromkeys(found))


def _merge(store: Store, case_ids: list[int], who: str, note: str | None) -> int:
    incident_ids = [fact.id for case_id in case_ids for fact in store.get_case(case_id).incidents]
    found = review.merge_cases(store, incident_ids, who=who, note=note)
    wanted = set(incident_ids)
    merged = [c.id for c in found if any(m.item.id in wanted for m in c.case.incidents)]
    return merged[0] if merged else case_ids[0]


@router.post("/cases/merge")
async def merge_cases(request: Request, principal: Editor, store: StoreDep) -> Response:
    """Make the cases named in the form (``case`` fields, two or more) one case; recorded in the audit log."""
    form = await request.form()
    case_ids = _ids(form, "case")
    if len(case_ids) < 2:
        raise HTTPException(400, "name at least two different cases to merge")
    note = _text(form, "note", MAX_NOTE) or None
    try:
        merged = await run_in_threadpool(_merge, store, case_ids, principal.name, note)
    except NotFound as exc:
        raise HTTPException(404, exc.problem) from exc
    except ValueError as exc:
        raise HTTPException(400, f"Not merged: {exc}") from exc
    return RedirectResponse(f"/cases/{merged}", status_code=303)


def _split(store: Store, case_id: int, incident_ids: list[int], who: str, note: str | None) -> int:
    found = review.split_case(store, case_id, incident_ids, [], who=who, note=note)
    wanted = set(incident_ids)
    remaining = [c.id for c in found if c.id == case_id]
    split_off = [c.id for c in found if any(m.item.id in wanted for m in c.case.incidents)]
    return (remaining or split_off or [case_id])[0]


@router.post("/cases/{case_id}/split")
async def split_case(request: Request, case_id: int, principal: Editor, store: StoreDep) -> Response:
    """Keep the checked incidents (``incident`` fields) apart from the rest of the case; recorded in the audit log."""
    form = await request.form()
    detail = await run_in_threadpool(store.get_case, case_id)
    incident_ids = _ids(form, "incident")
    members = {fact.id for fact in detail.incidents}
    if not incident_ids or not set(incident_ids) <= members:
        raise HTTPException(400, "check one or more reports of this case to split off")
    if set(incident_ids) == members:
        raise HTTPException(400, "leave at least one report in the case: check only those to split off")
    note = _text(form, "note", MAX_NOTE) or None
    try:
        target = await run_in_threadpool(_split, store, case_id, incident_ids, principal.name, note)
    except ValueError as exc:
        raise HTTPException(400, f"Not split: {exc}") from exc
    return RedirectResponse(f"/cases/{target}", status_code=303)


__all__ = ["in_place", "parse_changes", "router"]
