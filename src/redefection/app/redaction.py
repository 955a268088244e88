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
   attributed source) keep their names, but no free-text value shown
   (organisation, role, occupation, route, period, claim source...) may carry
   a private person's full name: each is checked against the names of the
   private persons of its document or case, in every script and romanisation
   (``redaction_names.PrivateNames``), and a match is cut to the surname.
3. **No family details, and no text they could hide in.** No field of
   ``Incident`` describes family members (they are age, gender, occupation,
   group size, dates, route, status and reasons of the person who went
   back); family members appear only in article text: "she left with her two
   sons", a quote about a mother in Hyesan. So the public view drops every
   piece of text: evidence spans, quotes' words, titles (headlines name
   people), bylines, bodies, snippets, raw captures and local file paths. The
   fields shown are an allowlist (``PUBLIC_FIELDS``): a field added later
   stays private until someone decides otherwise.
4. **Addresses only when they name no one.** A URL's slug is often the
   headline ("/defector-choi-min-seo-returns"), and a file-name key is
   whatever the page was saved as. A document is shown by outlet and date;
   its URL only when no private person of the document (or case) is named in
   it in full (``public_uri``: the words of the address are checked like any
   free text); its ``key`` never (``document:<id>`` instead). The rule holds
   for the HTML pages, the API, the "Copy citation" text, charts and the
   public export, which all take documents and sources from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from ..resolve.names import split_name
from ..store import CaseDetail, CaseSummary, CaseValue, SourceRef, StoredDocument, StoredFact
from .redaction_names import PrivateNames

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
    "claim": ("subject", "label", "value", "qualifier", "period", "as_of", "source"),
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


def private_names(facts: Iterable[StoredFact]) -> PrivateNames:
    """The private persons' full names of these facts (reviewed or not): incident names, private speakers."""
    pairs: list[tuple[object, object]] = []
    for fact in facts:
        if fact.kind == "incident":
            pairs.append((fact.values.get("name"), fact.values.get("surname")))
        elif fact.kind == "quote" and not speaks_publicly(fact.values.get("role")):
            pairs.append((fact.values.get("speaker"), None))
    return PrivateNames.of(pairs)


def _public_values(fact: StoredFact, names: PrivateNames) -> dict[str, Any]:
    allowed = PUBLIC_FIELDS.get(fact.kind, ())
    values = {name: fact.values.get(name) for name in allowed}
    kept: tuple[str, ...] = ()
    if fact.kind == "incident":
        values["name"] = surname_of(values.get("name"), values.get("surname"))
        kept = ("name", "surname")
    elif fact.kind == "quote" and not speaks_publicly(values.get("role")):
        values["speaker"] = surname_of(values.get("speaker"))
    elif fact.kind == "quote":
        kept = ("speaker",)  # named in full for speaking in a public capacity
    return (names | private_names([fact])).redact_values(values, kept)


def public_fact(fact: StoredFact, names: PrivateNames | None = None) -> StoredFact | None:
    """The fact as the public may see it (allowed fields, surnames, no evidence), or None if it is not public.

    ``names``: the private persons of the fact's document (``private_names`` of its facts), whose full names
    are cut to the surname in every free-text value.
    """
    if not is_public(fact):
        return None
    return replace(fact, values=_public_values(fact, names or PrivateNames()), evidence=())


def public_facts(facts: Iterable[StoredFact]) -> list[StoredFact]:
    """The public ones of one document's facts, each redacted against the names of all of them."""
    every = list(facts)
    names = private_names(every)
    return [shown for fact in every if (shown := public_fact(fact, names)) is not None]


def document_label(document_id: int) -> str:
    """How the public view names a document whose address it withholds."""
    return f"document:{document_id}"


def public_uri(uri: str | None, names: PrivateNames) -> str | None:
    """The address when none of ``names`` is printed in it (its words read as text: "choi-min-seo"), else None."""
    if not uri:
        return None
    words = " ".join(part for part in re.split(r"[\W_]+", unquote(uri)) if part)
    return uri if names.redact(words) == words else None


def public_document(
    document: StoredDocument, facts: Iterable[StoredFact] = (), names: PrivateNames | None = None
) -> StoredDocument:
    """A document's metadata without text: no title, byline, body, cues, local path or key; counts of public facts.

    ``facts``: its public facts (for the counts); ``names``: the private persons of all its facts, whose
    names must not be in the address shown.
    """
    shown = list(facts)
    uri = public_uri(document.uri, names or PrivateNames())
    return replace(
        document,
        key=document_label(document.id),
        uri=uri,
        source=uri or document_label(document.id),
        title=None,
        byline=None,
        body=(),
        relevance_cues=(),
        incidents=sum(1 for f in shown if f.kind == "incident"),
        claims=sum(1 for f in shown if f.kind == "claim"),
        quotes=sum(1 for f in shown if f.kind == "quote"),
    )


def public_source(ref: SourceRef, names: PrivateNames | None = None) -> SourceRef:
    uri = public_uri(ref.uri, names or PrivateNames())
    return replace(ref, title=None, uri=uri, source=uri or document_label(ref.document_id))


def _public_case_values(
    name: str, values: Iterable[CaseValue], incidents: Mapping[int, StoredFact], names: PrivateNames
) -> list[CaseValue]:
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
        elif name != "surname":
            shown = names.redact_value(shown)
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


def public_case(detail: CaseDetail, names: PrivateNames | None = None) -> CaseDetail | None:
    """The case as the public may see it, or None when none of its incidents was confirmed or corrected.

    ``names``: more private persons to look for (those of the case's documents); the case's own are always used.
    """
    incidents = {fact.id: fact for fact in detail.incidents if is_public(fact)}
    if not incidents:
        return None
    allowed = PUBLIC_FIELDS["incident"]
    names = private_names(detail.incidents) | (names or PrivateNames())
    fields = tuple(
        (name, tuple(kept))
        for name, values in detail.fields
        if name in allowed and (kept := _public_case_values(name, values, incidents, names))
    )
    by_name = dict(fields)
    documents = {fact.document_id for fact in incidents.values()}
    sources = tuple(public_source(ref, names) for ref in detail.sources if ref.document_id in documents)
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
        incidents=tuple(shown for f in incidents.values() if (shown := public_fact(f, names)) is not None),
        sources=sources,
    )


def summary_may_be_public(summary: CaseSummary) -> bool:
    """Cheap pre-check on a list row: a case none of whose incidents a person reviewed is never public."""
    return summary.reviewed > 0


__all__ = [
    "PUBLIC_FIELDS",
    "PUBLIC_STATES",
    "document_label",
    "is_public",
    "private_names",
    "public_case",
    "public_document",
    "public_fact",
    "public_facts",
    "public_label",
    "public_source",
    "public_uri",
    "speaks_publicly",
    "summary_may_be_public",
    "surname_of",
]
