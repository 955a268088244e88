"""The public view's redaction rules: what an anonymous visitor or a public export may see of a fact or a case.

The public view is a register of facts a person checked, linked to the
original reports; it never carries article text. The rules, from the most
to the least important:

1. Only facts a person **confirmed or corrected** are shown (``PUBLIC_STATES``);
   machine values and rejected facts are dropped, and a case is public only
   if at least one of its incidents is. Within a public case, a field keeps
   only the values that its public incidents give.
2. **Private persons are named by surname only.** An incident's ``name``
   field keeps the surname (``resolve.names.split_name``; the ``surname``
   field when it is known). A quote's speaker keeps the full name only when
   the role says they speak in a public or professional capacity
   (``PUBLIC_ROLES``: officials, spokespeople, lawmakers, researchers,
   journalists...); anyone else (a friend, neighbour, relative, fellow
   defector, witness, suspect, or no role at all) is a private person and
   keeps the surname. Organisations (a quote's organisation, a claim's
   attributed source) keep their names.
3. **No family details, and no text they could hide in.** No field of
   ``Incident`` describes family members (they are age, gender, occupation,
   group size, dates, route, status and reasons of the person who went
   back); family members appear only in article text: "she left with her two
   sons", a quote about a mother in Hyesan. So the public view drops every
   piece of text: evidence spans, quotes' words, titles (headlines name
   people), bylines, bodies, snippets, raw captures and local file paths. The
   fields shown are an allowlist (``PUBLIC_FIELDS``): a field added later
   stays private until someone decides otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from .resolve.names import split_name
from .store import CaseDetail, CaseSummary, CaseValue, SourceRef, StoredDocument, StoredFact

PUBLIC_STATES = frozenset({"confirmed", "corrected"})
PUBLIC_FIELDS: Mapping[str, tuple[str, ...]] = {
    "incident": (
        "name",
        "surname",
        "age",
        "age_min",
        "age_max",
        "gender",
        "occupation",
        "group_size",
        "arrived_south",
        "returned",
        "route",
        "status",
        "reasons",
    ),
    "claim": ("subject", "value", "qualifier", "period", "as_of", "source"),
    "quote": ("speaker", "role", "organization"),
}
# Roles (the English forms of data/lexicon/quotes.toml) of people quoted in a public or professional capacity.
# Every other role -- friend, neighbour, relative, defector, witness, suspect, teacher, employer... -- is private.
PUBLIC_ROLES = frozenset(
    {
        "north korea expert", "activist", "adviser", "ambassador", "analyst", "chair", "chief", "chief executive",
        "commentator", "commissioner", "diplomat", "director", "economist", "editor", "expert", "fellow", "founder",
        "governor", "head", "historian", "human rights activist", "human rights lawyer", "investigator", "journalist",
        "lawmaker", "lawyer", "lecturer", "mayor", "minister", "officer", "official", "pastor", "president", "priest",
        "professor", "prosecutor", "representative", "research fellow", "researcher", "scholar", "secretary",
        "secretary general", "senator", "spokesperson", "vice minister", "vice president", "writer",
    }
)  # fmt: skip
STATUS_ORDER = ("intended", "attempted", "returned")  # a case's status: the furthest reported
VERBS = {"returned": "returned", "attempted": "attempted to return", "intended": "wants to return"}


def is_public(fact: StoredFact) -> bool:
    return fact.review_state in PUBLIC_STATES


def speaks_publicly(role: object) -> bool:
    """Whether a quoted speaker with this role is named in full in the public view."""
    return isinstance(role, str) and role.strip().casefold() in PUBLIC_ROLES


def surname_of(name: object, surname: object = None) -> str | None:
    """The surname of a printed name: the known ``surname`` if given, else the name's surname part."""
    if isinstance(surname, str) and surname.strip():
        return surname.strip()
    if not isinstance(name, str) or not name.strip():
        return None
    found, _given = split_name(name)
    return found or None


def _public_values(fact: StoredFact) -> dict[str, Any]:
    allowed = PUBLIC_FIELDS.get(fact.kind, ())
    values = {name: fact.values.get(name) for name in allowed}
    if fact.kind == "incident":
        values["name"] = surname_of(values.get("name"), values.get("surname"))
    elif fact.kind == "quote" and not speaks_publicly(values.get("role")):
        values["speaker"] = surname_of(values.get("speaker"))
    return values


def public_fact(fact: StoredFact) -> StoredFact | None:
    """The fact as the public may see it (allowed fields, surnames, no evidence), or None if it is not public."""
    if not is_public(fact):
        return None
    return replace(fact, values=_public_values(fact), evidence=())


def public_facts(facts: Iterable[StoredFact]) -> list[StoredFact]:
    return [shown for fact in facts if (shown := public_fact(fact)) is not None]


def public_document(document: StoredDocument, facts: Iterable[StoredFact] = ()) -> StoredDocument:
    """A document's metadata without text: no title, byline, body, cues or local path; counts of public facts."""
    shown = list(facts)
    return replace(
        document,
        source=document.uri or "",
        title=None,
        byline=None,
        body=(),
        relevance_cues=(),
        incidents=sum(1 for f in shown if f.kind == "incident"),
        claims=sum(1 for f in shown if f.kind == "claim"),
        quotes=sum(1 for f in shown if f.kind == "quote"),
    )


def public_source(ref: SourceRef) -> SourceRef:
    return replace(ref, title=None, source=ref.uri or "")


def _public_case_values(name: str, values: Iterable[CaseValue], incidents: Mapping[int, StoredFact]) -> list[CaseValue]:
    merged: dict[Any, tuple[list[int], list[int]]] = {}
    for value in values:
        kept = [i for i in value.incident_ids if i in incidents]
        if not kept:
            continue
        shown = value.value
        if name == "name":
            shown = surname_of(shown, incidents[kept[0]].values.get("surname"))
            if shown is None:
                continue
        ids, docs = merged.setdefault(shown, ([], []))
        ids.extend(i for i in kept if i not in ids)
        docs.extend(d for d in (incidents[i].document_id for i in kept) if d not in docs)
    return [CaseValue(value, tuple(ids), tuple(docs)) for value, (ids, docs) in merged.items()]


def public_label(fields: Mapping[str, tuple[CaseValue, ...]], status: str, event_date: str | None) -> str:
    """A case label built from public values only: surname, status and event date ("Kim, returned 2019-05")."""
    surnames = [str(v.value) for v in fields.get("surname", ()) or fields.get("name", ())]
    who = surnames[0] if surnames else "unnamed person"
    when = f" {event_date}" if event_date and status != "intended" else ""
    return f"{who}, {VERBS.get(status, status)}{when}"


def _event_date(values: Iterable[CaseValue]) -> str | None:
    """The most precise of the public return dates when they agree ("2019" and "2019-05"), else None."""
    dates = sorted({str(v.value) for v in values}, key=len)
    if not dates or any(not dates[-1].startswith(shorter) for shorter in dates):
        return None
    return dates[-1]


def public_case(detail: CaseDetail) -> CaseDetail | None:
    """The case as the public may see it, or None when none of its incidents was confirmed or corrected."""
    incidents = {fact.id: fact for fact in detail.incidents if is_public(fact)}
    if not incidents:
        return None
    allowed = PUBLIC_FIELDS["incident"]
    fields = tuple(
        (name, tuple(kept))
        for name, values in detail.fields
        if name in allowed and (kept := _public_case_values(name, values, incidents))
    )
    by_name = dict(fields)
    documents = {fact.document_id for fact in incidents.values()}
    sources = tuple(public_source(ref) for ref in detail.sources if ref.document_id in documents)
    conflicts = tuple(name for name, values in fields if len(values) > 1 and name in detail.conflicts)
    statuses = {str(v.value) for v in by_name.get("status", ())}
    status = next((s for s in reversed(STATUS_ORDER) if s in statuses), detail.summary.status)
    event = _event_date(by_name.get("returned", ()))
    published = [ref.published for ref in sources if ref.published is not None]
    summary = replace(
        detail.summary,
        label=public_label(by_name, status, event),
        status=status,
        event_date=event,
        disclosure_date=min(published) if published else None,
        reasons=tuple(dict.fromkeys(str(v.value) for v in by_name.get("reasons", ()))),
        conflicts=len(conflicts),
    )
    return CaseDetail(
        summary=summary,
        fields=fields,
        conflicts=conflicts,
        confirmed_by=tuple((rung, tuple(d for d in docs if d in documents)) for rung, docs in detail.confirmed_by),
        incidents=tuple(public_facts(incidents.values())),
        sources=sources,
    )


def summary_may_be_public(summary: CaseSummary) -> bool:
    """Cheap pre-check on a list row: a case none of whose incidents a person reviewed is never public."""
    return summary.reviewed > 0


__all__ = [
    "PUBLIC_FIELDS",
    "PUBLIC_STATES",
    "is_public",
    "public_case",
    "public_document",
    "public_fact",
    "public_facts",
    "public_label",
    "public_source",
    "speaks_publicly",
    "summary_may_be_public",
    "surname_of",
]
