"""The public export (``redefection export --public``): the analyst export's shapes with the public view's content.

The same JSON document and CSV tables as the full export (``export.py``
writes both), redacted by the rules of ``redaction``: only cases with an
incident a person confirmed or corrected, and within them only those
incidents' values; surnames instead of private persons' names; only claims a
person confirmed or corrected; no article text (titles, evidence) and no
local file paths (a document is named by its URL, else ``document:<id>``).
The machine's match features are dropped too, since they quote the names
they compared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace

from .. import resolve
from ..errors import NotFound
from ..records import Case, CaseIncident, Claim, Conflict, FieldValue, SourcedClaim, Status
from ..store import CaseDetail, ClaimFilter, Store, StoredCase, StoredDocument
from . import browse
from .export import Export, export_data
from .redaction import PUBLIC_FIELDS, document_label, is_public, private_names, public_uri, surname_of
from .redaction_names import PrivateNames

STATUSES: tuple[Status, ...] = ("returned", "attempted", "intended")


def public_name(document_id: int, uri: str | None) -> str:
    """How the public export names a document: its URL (one ``redaction.public_uri`` let through), else its id."""
    return uri or document_label(document_id)


def _namer(store: Store, documents: Mapping[int, StoredDocument]) -> Callable[[int], str]:
    """Each document's public name, decided once (so cases, claims and sources agree on it)."""
    seen: dict[int, str] = {}

    def name(document_id: int) -> str:
        if document_id not in seen:
            document = documents.get(document_id)
            uri = document.uri if document is not None else None
            seen[document_id] = public_name(document_id, public_uri(uri, private_names(store.list_facts(document_id))))
        return seen[document_id]

    return name


def _redacted_member(member: CaseIncident, names: Mapping[int, str], persons: PrivateNames) -> CaseIncident:
    item = member.item
    person = item.incident.person
    shown = replace(
        person, name=surname_of(person.name, person.surname), occupation=persons.redact_value(person.occupation)
    )
    incident = replace(item.incident, person=shown, route=persons.redact_value(item.incident.route), evidence=())
    source = names[item.document_id or 0]
    public_item = replace(item, incident=incident, source=source, document=source)
    return CaseIncident(public_item, member.score, (), None)


def _values(
    name: str,
    values: Iterable[FieldValue],
    keys: Mapping[str, str],
    surnames: Mapping[str, str | None],
    persons: PrivateNames,
) -> tuple[FieldValue, ...]:
    merged: dict[object, list[str]] = {}
    for value in values:
        kept = [keys[k] for k in value.incidents if k in keys]
        if not kept:
            continue
        shown: object = value.value
        if name == "name":
            shown = surname_of(value.value, surnames[kept[0]])
            if shown is None:
                continue
        elif name != "surname":
            shown = persons.redact_value(shown)
        merged.setdefault(shown, []).extend(k for k in kept if k not in merged.get(shown, []))
    return tuple(FieldValue(v, tuple(k)) for v, k in merged.items())  # type: ignore[arg-type]


def _status(shown: str, stored: Status) -> Status:
    for known in STATUSES:
        if shown == known:
            return known
    return stored


def public_stored_case(
    stored: StoredCase,
    detail: CaseDetail,
    label: Callable[[int], str] | None = None,
    others: PrivateNames | None = None,
) -> StoredCase | None:
    """The case limited to its public incidents (``detail`` is its public view from ``browse``), or None.

    ``label`` names a document by id (default: the address ``detail`` shows, else ``document:<id>``);
    ``others``: private persons of the case's documents, cut like the case's own in every free-text value.
    """
    public_ids = {fact.id for fact in detail.incidents if is_public(fact)}
    members = [m for m in stored.case.incidents if m.item.id in public_ids]
    if not members:
        return None
    names = {
        ref.document_id: label(ref.document_id) if label else public_name(ref.document_id, ref.uri)
        for ref in detail.sources
    }
    for member in members:
        document_id = member.item.document_id or 0
        names.setdefault(document_id, label(document_id) if label else public_name(document_id, None))
    persons = PrivateNames.of(
        (m.item.incident.person.name, m.item.incident.person.surname) for m in stored.case.incidents
    ) | (others or PrivateNames())
    redacted = [_redacted_member(m, names, persons) for m in members]
    keys = {old.item.key: new.item.key for old, new in zip(members, redacted, strict=True)}
    surnames = {new.item.key: new.item.incident.person.surname for new in redacted}
    allowed = PUBLIC_FIELDS["incident"]
    fields = tuple(
        (name, kept)
        for name, values in stored.case.fields
        if name in allowed and (kept := _values(name, values, keys, surnames, persons))
    )
    by_name = dict(fields)
    conflicts = tuple(
        Conflict(c.field, by_name[c.field]) for c in stored.case.conflicts if len(by_name.get(c.field, ())) > 1
    )
    confirmed_by = tuple(
        (rung, tuple(keys[k] for k in found if k in keys))
        for rung, found in stored.case.confirmed_by
        if any(k in keys for k in found)
    )
    summary = detail.summary
    case = Case(
        key=min(keys.values()),
        label=summary.label,
        incidents=tuple(redacted),
        fields=fields,
        conflicts=conflicts,
        status=_status(summary.status, stored.case.status),
        confirmation=stored.case.confirmation,
        confirmed_by=confirmed_by,
        event_date=summary.event_date,
        disclosure_date=summary.disclosure_date,
        independent_sources=stored.case.independent_sources,
        documents=stored.case.documents,
    )
    return StoredCase(stored.id, case)


def _public_claims(store: Store, label: Callable[[int], str]) -> Iterator[tuple[SourcedClaim, int]]:
    offset = 0
    while True:
        page = browse.list_claims(store, ClaimFilter(), browse.MAX_LIMIT, offset, public=True)
        for entry in page.items:
            values, ref = entry.fact.values, entry.document
            claim = Claim(
                subject=values["subject"],
                value=int(values["value"]),
                qualifier=values.get("qualifier") or "exact",
                period=values.get("period"),
                as_of=values.get("as_of"),
                source=values.get("source"),
                label=values.get("label"),
            )
            name = label(ref.document_id)
            yield SourcedClaim(claim, name, entry.fact.position, name, ref.published, ref.outlet), ref.document_id
        offset += browse.MAX_LIMIT
        if not page.has_next:
            return


def public_export_data(store: Store) -> Export:
    """The public export's content: redacted cases and claim series, and the documents they cite."""
    full = export_data(store)  # rebuilds the cases, as the full export does
    by_id = {document.id: document for document in full.documents}
    label = _namer(store, by_id)
    cases: list[StoredCase] = []
    for stored in full.cases:
        try:
            detail = browse.get_case(store, stored.id, public=True)
        except NotFound:
            continue
        cited_by_case = {m.item.document_id for m in stored.case.incidents if m.item.document_id is not None}
        others = private_names(fact for document_id in sorted(cited_by_case) for fact in store.list_facts(document_id))
        if (shown := public_stored_case(stored, detail, label, others)) is not None:
            cases.append(shown)
    claims = list(_public_claims(store, label))
    cited = {m.item.document_id for c in cases for m in c.case.incidents} | {doc_id for _, doc_id in claims}
    shown_ids = sorted(i for i in cited if i is not None and i in by_id)
    documents = [_public_document(by_id[i], label(i)) for i in shown_ids]
    clusters = {label(i): full.clusters[by_id[i].source] for i in shown_ids if by_id[i].source in full.clusters}
    series = resolve.claim_series([claim for claim, _ in claims], clusters)
    return Export(cases, series, documents, {d.source: clusters[d.source] for d in documents if d.source in clusters})


def _public_document(document: StoredDocument, name: str) -> StoredDocument:
    return replace(
        document,
        key=document_label(document.id),
        source=name,
        uri=name,
        title=None,
        byline=None,
        body=(),
        relevance_cues=(),
    )


__all__ = ["public_export_data", "public_name", "public_stored_case"]
