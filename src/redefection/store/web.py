"""What the web app, the API and review ask of the store: browsing, search, review with audit, accounts.

``Store`` extends ``BrowseStore``, ``ReviewStore`` and ``AccountStore``; other
modules import these names from ``redefection.store``. Every record here is
plain data: the web layer escapes and renders it, the API serialises it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, Literal, Protocol, TypeVar

from ..records import Relevance, Span
from .rows import StoredDocument

T = TypeVar("T")

FactKind = Literal["incident", "claim", "quote"]
ReviewState = Literal["machine", "confirmed", "corrected", "rejected"]
ReviewAction = Literal["confirm", "correct", "reject", "merge", "split"]
Role = Literal["viewer", "editor", "admin"]
ClaimSort = Literal["subject", "value", "source", "outlet", "date"]
CLAIM_SORTS: tuple[ClaimSort, ...] = ("subject", "value", "source", "outlet", "date")
ROLES: tuple[Role, ...] = ("viewer", "editor", "admin")  # each role may do what the ones before it may

# The fields a reviewer may correct, per kind of fact (the column names of the fact tables).
EDITABLE_FIELDS: Mapping[FactKind, tuple[str, ...]] = {
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


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a longer list: ``total`` counts every item the filter matches."""

    items: tuple[T, ...]
    total: int
    limit: int
    offset: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


@dataclass(frozen=True, slots=True)
class StoredFact:
    """One stored incident, claim or quote with its row id, its values and its review state.

    ``values`` maps each field of ``EDITABLE_FIELDS[kind]`` to its current
    value (``reasons`` as a list of codes). ``evidence`` holds the spans in the
    document's cleaned text (an incident may have several; a claim or quote one
    or none).
    """

    kind: FactKind
    id: int
    document_id: int
    position: int
    values: Mapping[str, Any]
    evidence: tuple[Span, ...]
    review_state: ReviewState
    extractor_version: str

    @property
    def is_machine(self) -> bool:
        return self.review_state == "machine"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A document cited by a case or a claim: enough to name and link it."""

    document_id: int
    title: str | None
    outlet: str | None
    published: date | None
    language: str | None
    uri: str | None
    source: str
    cluster_id: int | None = None
    copies: int = 0  # other pages of the same syndication cluster, folded under this one

    @classmethod
    def of(cls, document: Any, cluster_id: int | None = None, copies: int = 0) -> SourceRef:
        """The reference of a stored document or a document row (ORM or plain: anything with its columns)."""
        return cls(
            document_id=document.id,
            title=document.title,
            outlet=document.outlet,
            published=document.published,
            language=document.language,
            uri=document.uri,
            source=document.source,
            cluster_id=cluster_id,
            copies=copies,
        )


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """Filters of the case list; None means "any"."""

    year: int | None = None  # of the event date, else of the disclosure date
    status: str | None = None
    reason: str | None = None
    language: str | None = None  # a source document's language
    review: Literal["machine", "reviewed"] | None = None  # machine: some incident unreviewed; reviewed: none
    q: str | None = None  # words in the case label or an incident's name


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """A row of the case list."""

    id: int
    label: str
    status: str
    confirmation: str
    event_date: str | None
    disclosure_date: date | None
    independent_sources: int
    documents: int
    conflicts: int  # fields the sources disagree on
    reasons: tuple[str, ...]
    languages: tuple[str, ...]
    reviewed: int  # incidents a person reviewed (confirmed, corrected or rejected)
    incidents: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CaseValue:
    """One value a case field takes, with the incidents (row ids) and documents that give it."""

    value: Any
    incident_ids: tuple[int, ...]
    document_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """Everything the case page shows: fields with every source's value, conflicts, incidents, sources."""

    summary: CaseSummary
    fields: tuple[tuple[str, tuple[CaseValue, ...]], ...]  # in a stable order; conflicting fields have 2+ values
    conflicts: tuple[str, ...]  # names of the fields in conflict
    confirmed_by: tuple[tuple[str, tuple[int, ...]], ...]  # rung -> document ids showing it
    incidents: tuple[StoredFact, ...]
    sources: tuple[SourceRef, ...]  # one per syndication cluster: the canonical page, copies folded


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    """Filters of the document list and full-text search; None means "any"."""

    q: str | None = None  # full-text query: words, all of which must appear
    language: str | None = None
    relevant: bool | None = None
    relevance: Relevance | None = None  # relevant | possible | not_relevant
    outlet: str | None = None
    year: int | None = None  # of the publication date


@dataclass(frozen=True, slots=True)
class DocumentHit:
    """A document in a list or search result, with a snippet around the matched words.

    ``snippet`` is plain text cut into pieces; pieces at odd positions are the
    matched words (so a page can mark them without trusting any markup).
    """

    document: StoredDocument
    snippet: tuple[str, ...] = ()
    rank: float = 0.0


@dataclass(frozen=True, slots=True)
class ClaimFilter:
    """Filters of the claim table; None means "any"."""

    subject: str | None = None
    source: str | None = None  # words in the attributed source
    year: int | None = None  # of the reporting document's publication date
    review: Literal["machine", "reviewed"] | None = None
    sort: ClaimSort | None = None  # None: newest report first; ties of a sort keep that order
    ascending: bool = False  # the direction of ``sort``; a missing date or outlet counts as the smallest value


@dataclass(frozen=True, slots=True)
class ClaimEntry:
    """A claim with the document that reports it."""

    fact: StoredFact
    document: SourceRef


@dataclass(frozen=True, slots=True)
class QuoteEntry:
    """A quote with the document that reports it."""

    fact: StoredFact
    document: SourceRef


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log: who did what to which fact or case, when, and the values before and after."""

    id: int
    at: datetime
    who: str
    action: ReviewAction
    kind: FactKind | Literal["case"]
    target_id: int  # the fact's row id, or the case id for merge/split
    document_id: int | None
    field: str | None  # None for confirm/reject and for merge/split
    old: Any = None
    new: Any = None
    note: str | None = None
    case_ids: tuple[int, ...] = ()  # cases the target belonged to when the entry was made


@dataclass(frozen=True, slots=True)
class AuditFilter:
    kind: str | None = None
    target_id: int | None = None
    case_id: int | None = None
    who: str | None = None


@dataclass(frozen=True, slots=True)
class User:
    """A local account. The password hash never leaves the store except through ``password_hash``."""

    id: int
    username: str
    role: Role
    created_at: datetime
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class WebSession:
    """A logged-in browser: ``token_hash`` is the SHA-256 of the cookie's value; the cookie itself is never stored."""

    token_hash: str
    user: User
    csrf_token: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A token for API writes (``Authorization: Bearer``); only its SHA-256 is stored."""

    id: int
    name: str
    user: User
    created_at: datetime
    last_used_at: datetime | None = None
    expires_at: datetime | None = None  # None: never


@dataclass(frozen=True, slots=True)
class FactChange:
    """A reviewer's decision on one fact: ``changes`` maps fields to new values (``correct`` only)."""

    kind: FactKind
    fact_id: int
    action: Literal["confirm", "correct", "reject"]
    who: str
    changes: Mapping[str, Any] = field(default_factory=dict)
    note: str | None = None


class BrowseStore(Protocol):
    """Read-side queries of the web app and the API. Every list is paged and filtered in the database."""

    def list_cases(self, filters: CaseFilter, limit: int = 50, offset: int = 0) -> Page[CaseSummary]:
        """Cases matching ``filters``, latest event (else disclosure) first."""
        ...

    def get_case(self, case_id: int) -> CaseDetail:
        """One case with its fields, incidents and sources; raises ``NotFound``."""
        ...

    def search_documents(self, filters: DocumentFilter, limit: int = 50, offset: int = 0) -> Page[DocumentHit]:
        """Documents matching ``filters``: by rank when ``filters.q`` is set (FTS5 / PostgreSQL full text),
        else newest first. A query the search syntax cannot parse matches as plain words, never raises."""
        ...

    def list_facts(self, document_id: int) -> list[StoredFact]:
        """Every incident, claim and quote of a document (rejected ones too), by kind then position."""
        ...

    def get_fact(self, kind: FactKind, fact_id: int) -> StoredFact:
        """One fact; raises ``NotFound``."""
        ...

    def list_claims(self, filters: ClaimFilter, limit: int = 50, offset: int = 0) -> Page[ClaimEntry]:
        """Claims (not rejected) with their reporting documents, newest report first."""
        ...

    def list_quotes(self, limit: int = 50, offset: int = 0) -> Page[QuoteEntry]:
        """Quotes (not rejected) with their reporting documents, newest report first."""
        ...

    def get_raw_capture(self, document_id: int) -> tuple[bytes, str | None]:
        """The bytes a document was cleaned from and their content type; raises ``NotFound``."""
        ...

    def facet_counts(self) -> dict[str, dict[str, int]]:
        """For filters and the dashboard: case counts per status, reason, year; document counts per language."""
        ...

    def get_documents(self, document_ids: Sequence[int]) -> dict[int, StoredDocument]:
        """The documents with these ids that exist, by id, loaded together (a case page cites dozens)."""
        ...

    def change_signature(self) -> tuple[object, ...]:
        """A cheap value that changes whenever what the pages count may have: documents, facts or cases added,
        cases rebuilt, a review or merge written. Caches of figures built from the whole store key on it."""
        ...


class ReviewStore(Protocol):
    """Review of facts, with an audit log; reviewed facts survive re-extraction."""

    def review_fact(self, change: FactChange) -> StoredFact:
        """Apply a confirm, correct or reject and write its audit entries, in one transaction.

        ``correct`` writes one audit entry per changed field (old and new value);
        values are validated (``ValueError`` naming the field on a bad one);
        the fact's review state becomes confirmed / corrected / rejected.
        Raises ``NotFound`` if there is no such fact.
        """
        ...

    def record_audit(
        self,
        *,
        who: str,
        action: ReviewAction,
        kind: str,
        target_id: int,
        document_id: int | None = None,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
        note: str | None = None,
    ) -> AuditEntry:
        """Append an entry to the audit log (e.g. for case merges and splits)."""
        ...

    def list_audit(self, filters: AuditFilter, limit: int = 50, offset: int = 0) -> Page[AuditEntry]:
        """Audit entries, newest first; ``case_id`` selects entries on the case or on its incidents."""
        ...

    def set_relevance(self, document_id: int, relevance: Relevance, *, who: str, note: str | None = None) -> None:
        """An editor's decision on a document's relevance (``relevant`` or ``not_relevant``), audited.

        Sets ``relevance`` and ``relevant`` and writes one audit entry (kind
        ``document``, field ``relevance``; ``confirm`` for relevant, ``reject``
        for not relevant), in one transaction. Raises ``NotFound`` if there is
        no such document, ``ValueError`` for another outcome or an empty ``who``.
        """
        ...

    def replace_machine_facts(self, document_id: int, facts: Sequence[StoredFact], extractor_version: str) -> int:
        """Re-extraction: replace a document's machine facts by ``facts`` (ids and positions ignored).

        Reviewed facts stay as they are, and a new fact whose evidence overlaps
        a reviewed fact of the same kind is not added: the person's value wins.
        Returns how many facts were added.
        """
        ...


class AccountStore(Protocol):
    """Local accounts, browser sessions and API tokens."""

    def add_user(self, username: str, password_hash: str, role: Role) -> User:
        """Create an account; raises ``StoreError`` if the name is taken."""
        ...

    def get_user(self, username: str) -> User | None: ...

    def password_hash(self, username: str) -> str | None:
        """The stored hash of an enabled user's password, or None."""
        ...

    def set_password_hash(
        self, username: str, password_hash: str, *, end_sessions: bool = True, keep_session: str | None = None
    ) -> int:
        """Change the stored hash; unless told otherwise, end every session but ``keep_session`` (how many ended)."""
        ...

    def set_role(self, username: str, role: Role) -> User:
        """Change a user's role; raises ``NotFound``."""
        ...

    def set_disabled(self, username: str, disabled: bool) -> User:
        """Disable (and log out everywhere) or re-enable an account; raises ``NotFound``."""
        ...

    def list_users(self) -> list[User]: ...

    def create_session(self, user_id: int, token_hash: str, csrf_token: str, expires_at: datetime) -> WebSession: ...

    def get_session(self, token_hash: str, now: datetime) -> WebSession | None:
        """The unexpired session of an enabled user with this token hash, or None."""
        ...

    def delete_session(self, token_hash: str) -> None: ...

    def create_api_token(
        self, user_id: int, name: str, token_hash: str, expires_at: datetime | None = None
    ) -> ApiToken: ...

    def list_api_tokens(self, username: str | None = None) -> list[ApiToken]:
        """Every token (of ``username``), with its last use and expiry; never the token itself."""
        ...

    def revoke_api_token(self, token_id: int) -> ApiToken:
        """Delete a token so it stops working at once; raises ``NotFound``."""
        ...

    def user_for_api_token(self, token_hash: str, now: datetime) -> User | None:
        """The enabled user owning this unexpired token (its last use is recorded), or None."""
        ...

    def count_login_attempt(self, keys: Sequence[str], now: datetime, window_s: int) -> list[tuple[int, datetime]]:
        """Count a login attempt under each key, atomically; (attempts in the window, window start) per key."""
        ...

    def forgive_login_attempt(self, release: Sequence[str], clear: Sequence[str] = ()) -> None:
        """A login succeeded: take its attempt back under ``release``; reset ``clear``."""
        ...


__all__ = [
    "CLAIM_SORTS",
    "EDITABLE_FIELDS",
    "ROLES",
    "AccountStore",
    "ApiToken",
    "AuditEntry",
    "AuditFilter",
    "BrowseStore",
    "CaseDetail",
    "CaseFilter",
    "CaseSummary",
    "CaseValue",
    "ClaimEntry",
    "ClaimFilter",
    "ClaimSort",
    "DocumentFilter",
    "DocumentHit",
    "FactChange",
    "FactKind",
    "Page",
    "QuoteEntry",
    "ReviewAction",
    "ReviewState",
    "ReviewStore",
    "Role",
    "SourceRef",
    "StoredFact",
    "User",
    "WebSession",
]
