"""Read services of the web pages and the JSON API: the store's browse queries, and the PUBLIC view.

Every function takes ``public``: False for logged-in users (everything, as
stored), True for anonymous visitors and public exports, who get only what
``redaction`` allows (facts a person confirmed or corrected, surnames of
private persons, no article text). Something that exists but is not public
raises ``NotFound``, as if it did not exist; something the public view never
offers (full-text search, raw captures, the audit log, source health, the
"what is new" feed) raises ``PermissionError``.

Cost of the public view: the store pages and filters in the database, but
"at least one reviewed incident" is decided per case here, so a public list
loads every case a person reviewed (one query each). Reviewing is manual
work, so that set stays in the hundreds; public documents and quotes are
found through the audit log, which only reviews write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from typing import TypeVar

from ..errors import NotFound
from ..monitor.health import SourceHealth, WhatsNew
from ..monitor.health import source_health as _source_health
from ..monitor.health import whats_new as _whats_new
from ..store import (
    AuditEntry,
    AuditFilter,
    CaseDetail,
    CaseFilter,
    CaseSummary,
    ClaimEntry,
    ClaimFilter,
    DocumentFilter,
    DocumentHit,
    FactKind,
    Page,
    QuoteEntry,
    SourceRef,
    Store,
    StoredDocument,
    StoredFact,
)
from .accounts import RESERVED_USERNAMES
from .redaction import (
    PUBLIC_STATES,
    private_names,
    public_case,
    public_document,
    public_fact,
    public_facts,
    public_source,
)
from .redaction_names import PrivateNames

T = TypeVar("T")
MAX_LIMIT = 500  # one page; more would let one request load the whole database
SCAN_PAGE = 500  # rows per query when the public view walks a whole list
FACT_KINDS: tuple[FactKind, ...] = ("incident", "claim", "quote")


def _check_page(limit: int, offset: int) -> None:
    if not 0 <= limit <= MAX_LIMIT or offset < 0:
        raise ValueError(f"limit must be 0 to {MAX_LIMIT} and offset not negative")


def _walk(fetch: Callable[[int, int], Page[T]]) -> Iterator[T]:
    """Every item of a paged store list, one page after another."""
    offset = 0
    while True:
        page = fetch(SCAN_PAGE, offset)
        yield from page.items
        offset += len(page.items)
        if not page.items or not page.has_next:
            return


def _page(items: Sequence[T], limit: int, offset: int) -> Page[T]:
    return Page(tuple(items[offset : offset + limit]), len(items), limit, offset)


def _private() -> PermissionError:
    return PermissionError("this needs an account: the public view shows reviewed facts only")


# Cases.


def _public_cases(store: Store, filters: CaseFilter) -> list[CaseDetail]:
    unfiltered = replace(filters, q=None, review=None, status=None, reason=None, year=None)
    details = []
    for summary in _walk(lambda limit, offset: store.list_cases(unfiltered, limit, offset)):
        if summary.reviewed <= 0:
            continue
        shown = public_case(store.get_case(summary.id))
        if shown is not None and _matches(shown, filters):
            details.append(shown)
    return details


def _case_year(summary: CaseSummary) -> int | None:
    if summary.event_date and summary.event_date[:4].isdigit():
        return int(summary.event_date[:4])
    return summary.disclosure_date.year if summary.disclosure_date else None


def _matches(detail: CaseDetail, filters: CaseFilter) -> bool:
    """CaseFilter applied to the public values only, so a private value cannot be probed through a filter."""
    summary, fields = detail.summary, dict(detail.fields)
    if filters.status is not None and filters.status not in {str(v.value) for v in fields.get("status", ())}:
        return False
    if filters.reason is not None and filters.reason not in summary.reasons:
        return False
    if filters.year is not None and _case_year(summary) != filters.year:
        return False
    if filters.q:
        words = summary.label.casefold()
        return all(word in words for word in filters.q.casefold().split())
    return True


def list_cases(
    store: Store, filters: CaseFilter, limit: int = 50, offset: int = 0, *, public: bool = False
) -> Page[CaseSummary]:
    """Cases matching ``filters``, latest event first; in the public view, public cases with public values."""
    _check_page(limit, offset)
    if not public:
        return store.list_cases(filters, limit, offset)
    return _page([detail.summary for detail in _public_cases(store, filters)], limit, offset)


def get_case(store: Store, case_id: int, *, public: bool = False) -> CaseDetail:
    detail = store.get_case(case_id)
    if not public:
        return detail
    documents = sorted({fact.document_id for fact in detail.incidents if fact.review_state in PUBLIC_STATES})
    names = private_names(fact for document_id in documents for fact in store.list_facts(document_id))
    shown = public_case(detail, names)  # checked against the persons of the case and of its documents
    if shown is None:
        raise NotFound(f"case {case_id}", "no such public case")
    return shown


def facet_counts(store: Store, *, public: bool = False) -> dict[str, dict[str, int]]:
    """Counts for filters and the dashboard (see ``BrowseStore.facet_counts``); public: over public cases."""
    if not public:
        return store.facet_counts()
    counts: dict[str, dict[str, int]] = {"status": {}, "reason": {}, "year": {}, "language": {}}

    def add(facet: str, key: object) -> None:
        counts[facet][str(key)] = counts[facet].get(str(key), 0) + 1

    for detail in _public_cases(store, CaseFilter()):
        summary = detail.summary
        add("status", summary.status)
        for reason in summary.reasons:
            add("reason", reason)
        if (year := _case_year(summary)) is not None:
            add("year", year)
        for language in {ref.language for ref in detail.sources if ref.language}:
            add("language", language)
    return counts


# Documents and their facts.


def _reviewed_facts(store: Store, kinds: Sequence[FactKind] = FACT_KINDS) -> dict[tuple[str, int], int]:
    """(kind, fact id) -> document id of every fact whose latest review confirmed or corrected it."""
    found: dict[tuple[str, int], int] = {}
    decided: set[tuple[str, int]] = set()
    for kind in kinds:
        entries: Iterator[AuditEntry] = _walk(
            lambda limit, offset, k=kind: store.list_audit(AuditFilter(kind=k), limit, offset)  # type: ignore[misc]
        )
        for entry in entries:  # newest first: the first entry of a fact is its latest decision
            key = (entry.kind, entry.target_id)
            if key in decided or entry.document_id is None:
                continue
            decided.add(key)
            if entry.action in ("confirm", "correct"):
                found[key] = entry.document_id
    return found


def hidden(document: StoredDocument) -> bool:
    """A possibly relevant document awaiting an editor, or one judged off-topic: none of its facts are public."""
    return document.relevance in ("possible", "not_relevant")


def _public_document_of(store: Store, document_id: int) -> StoredDocument:
    document = store.get_document(document_id)
    if hidden(document):
        raise NotFound(f"document {document_id}", "no such public document")
    return document


def _newest_first(document: StoredDocument) -> tuple[date, int]:
    return (document.published or date.min, document.id)


def search_documents(
    store: Store, filters: DocumentFilter, limit: int = 50, offset: int = 0, *, public: bool = False
) -> Page[DocumentHit]:
    """Documents matching ``filters`` (full text when ``filters.q``); public: documents with a public fact."""
    _check_page(limit, offset)
    if not public:
        return store.search_documents(filters, limit, offset)
    if filters.q:
        raise PermissionError("full-text search needs an account: article text is not part of the public view")
    documents = []
    for document_id in sorted(set(_reviewed_facts(store).values())):
        try:
            document = store.get_document(document_id)
        except NotFound:
            continue
        if _document_matches(document, filters) and not hidden(document):
            documents.append(document)
    documents.sort(key=_newest_first, reverse=True)
    page = _page(documents, limit, offset)
    hits = tuple(_public_hit(store, d) for d in page.items)
    return Page(hits, page.total, limit, offset)


def _public_hit(store: Store, document: StoredDocument) -> DocumentHit:
    facts = store.list_facts(document.id)
    return DocumentHit(public_document(document, public_facts(facts), private_names(facts)))


def _document_matches(document: StoredDocument, filters: DocumentFilter) -> bool:
    if filters.language is not None and document.language != filters.language:
        return False
    if filters.relevant is not None and document.relevant != filters.relevant:
        return False
    if filters.relevance is not None and document.relevance != filters.relevance:
        return False
    if filters.outlet is not None and document.outlet != filters.outlet:
        return False
    return filters.year is None or (document.published is not None and document.published.year == filters.year)


def get_document(store: Store, document_id: int, *, public: bool = False) -> StoredDocument:
    """One document; public: its metadata only, and only if one of its facts is public."""
    document = store.get_document(document_id)
    if not public:
        return document
    if hidden(document):
        raise NotFound(f"document {document_id}", "no such public document")
    facts = store.list_facts(document_id)
    return public_document(document, document_facts(store, document_id, public=True), private_names(facts))


def document_facts(store: Store, document_id: int, *, public: bool = False) -> list[StoredFact]:
    """A document's incidents, claims and quotes (rejected ones too); public: its public facts, redacted."""
    if not public:
        return store.list_facts(document_id)
    _public_document_of(store, document_id)
    shown = public_facts(store.list_facts(document_id))
    if not shown:
        raise NotFound(f"document {document_id}", "no such public document")
    return shown


def get_fact(store: Store, kind: FactKind, fact_id: int, *, public: bool = False) -> StoredFact:
    fact = store.get_fact(kind, fact_id)
    if not public:
        return fact
    shown = public_fact(fact, private_names(store.list_facts(fact.document_id)))
    if shown is None or hidden(store.get_document(fact.document_id)):
        raise NotFound(f"{kind} {fact_id}", "no such public fact")
    return shown


def raw_capture(store: Store, document_id: int, *, public: bool = False) -> tuple[bytes, str | None]:
    """The bytes a document was cleaned from; never in the public view."""
    if public:
        raise _private()
    return store.get_raw_capture(document_id)


# Claims and quotes.


def list_claims(
    store: Store, filters: ClaimFilter, limit: int = 50, offset: int = 0, *, public: bool = False
) -> Page[ClaimEntry]:
    _check_page(limit, offset)
    if not public:
        return store.list_claims(filters, limit, offset)
    page = store.list_claims(replace(filters, review="reviewed"), limit, offset)
    names = _names_by_document(store)
    items = tuple(
        ClaimEntry(shown, public_source(entry.document, names(entry.fact.document_id)))
        for entry in page.items
        if (shown := public_fact(entry.fact, names(entry.fact.document_id))) is not None
    )
    return replace(page, items=items)


def _names_by_document(store: Store) -> Callable[[int], PrivateNames]:
    """The private persons' names of a document's facts, looked up once per document."""
    seen: dict[int, PrivateNames] = {}

    def names(document_id: int) -> PrivateNames:
        if document_id not in seen:
            seen[document_id] = private_names(store.list_facts(document_id))
        return seen[document_id]

    return names


def list_quotes(store: Store, limit: int = 50, offset: int = 0, *, public: bool = False) -> Page[QuoteEntry]:
    _check_page(limit, offset)
    if not public:
        return store.list_quotes(limit, offset)
    entries = []
    names = _names_by_document(store)
    for (_, fact_id), document_id in _reviewed_facts(store, ("quote",)).items():
        try:
            shown = public_fact(store.get_fact("quote", fact_id), names(document_id))
            document = _public_document_of(store, document_id)
        except NotFound:
            continue
        if shown is not None:
            entries.append(QuoteEntry(shown, public_source(SourceRef.of(document), names(document_id))))
    entries.sort(key=lambda e: (e.document.published or date.min, e.document.document_id, -e.fact.position))
    entries.reverse()
    return _page(entries, limit, offset)


# Pages for logged-in users only.


def list_audit(
    store: Store, filters: AuditFilter, limit: int = 50, offset: int = 0, *, public: bool = False
) -> Page[AuditEntry]:
    """The review log (who changed what): it names reviewers and shows old values, so never public."""
    _check_page(limit, offset)
    if public:
        raise _private()
    return store.list_audit(filters, limit, offset)


def whats_new(
    store: Store, user: str | None, *, mark_seen: bool = True, limit: int = 100, public: bool = False
) -> WhatsNew:
    """Relevant documents and alerts since ``user`` last looked (their marker moves to now); needs a user.

    The feed shows document titles, so it is not part of the public view; the
    name ``anonymous`` (``Principal.name`` of a visitor without an account) is
    reserved and refused like no user at all.
    """
    if public or user is None or user.casefold() in RESERVED_USERNAMES:
        raise _private()
    return _whats_new(store, user, mark_seen=mark_seen, limit=limit)


def source_health(store: Store, days: int = 7, *, public: bool = False) -> list[SourceHealth]:
    """Each watched source's status and daily counts; its URLs and errors are for logged-in users."""
    if public:
        raise _private()
    return _source_health(store, days)


__all__ = [
    "MAX_LIMIT",
    "document_facts",
    "facet_counts",
    "get_case",
    "get_document",
    "get_fact",
    "list_audit",
    "list_cases",
    "list_claims",
    "list_quotes",
    "raw_capture",
    "search_documents",
    "source_health",
    "whats_new",
]
