"""The JSON API's response and request bodies: pydantic models at the edge, built from the store's records.

Each model has an ``of`` constructor from the plain dataclass it mirrors, so
the API's shape is written down once (and appears in the OpenAPI schema)
while the rest of the code keeps its frozen dataclasses.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

from ..records import Relevance
from ..store import (
    AuditEntry,
    CaseDetail,
    CaseSummary,
    CaseValue,
    ClaimEntry,
    DocumentHit,
    QuoteEntry,
    SourceRef,
    StoredDocument,
    StoredFact,
    User,
)

T = TypeVar("T")


class PageOut(BaseModel, Generic[T]):
    """One page of a list: ``total`` items match; ``next`` is the URL of the following page, if any."""

    items: list[T]
    total: int
    limit: int
    offset: int
    next: str | None = None


class SpanOut(BaseModel):
    start: int
    end: int
    text: str


class FactOut(BaseModel):
    kind: Literal["incident", "claim", "quote"]
    id: int
    document_id: int
    position: int
    values: dict[str, Any]
    evidence: list[SpanOut]
    review_state: Literal["machine", "confirmed", "corrected", "rejected"]
    extractor_version: str

    @classmethod
    def of(cls, fact: StoredFact) -> FactOut:
        return cls(
            kind=fact.kind,
            id=fact.id,
            document_id=fact.document_id,
            position=fact.position,
            values=dict(fact.values),
            evidence=[SpanOut(start=s.start, end=s.end, text=s.text) for s in fact.evidence],
            review_state=fact.review_state,
            extractor_version=fact.extractor_version,
        )


class SourceRefOut(BaseModel):
    document_id: int
    title: str | None
    outlet: str | None
    published: date | None
    language: str | None
    uri: str | None
    source: str
    cluster_id: int | None = None
    copies: int = 0

    @classmethod
    def of(cls, ref: SourceRef) -> SourceRefOut:
        return cls(
            document_id=ref.document_id,
            title=ref.title,
            outlet=ref.outlet,
            published=ref.published,
            language=ref.language,
            uri=ref.uri,
            source=ref.source,
            cluster_id=ref.cluster_id,
            copies=ref.copies,
        )


class CaseSummaryOut(BaseModel):
    id: int
    label: str
    status: str
    confirmation: str
    event_date: str | None
    disclosure_date: date | None
    independent_sources: int
    documents: int
    conflicts: int
    reasons: list[str]
    languages: list[str]
    reviewed: int
    incidents: int
    updated_at: datetime

    @classmethod
    def of(cls, case: CaseSummary) -> CaseSummaryOut:
        return cls(
            id=case.id,
            label=case.label,
            status=case.status,
            confirmation=case.confirmation,
            event_date=case.event_date,
            disclosure_date=case.disclosure_date,
            independent_sources=case.independent_sources,
            documents=case.documents,
            conflicts=case.conflicts,
            reasons=list(case.reasons),
            languages=list(case.languages),
            reviewed=case.reviewed,
            incidents=case.incidents,
            updated_at=case.updated_at,
        )


class CaseValueOut(BaseModel):
    value: Any
    incident_ids: list[int]
    document_ids: list[int]

    @classmethod
    def of(cls, value: CaseValue) -> CaseValueOut:
        return cls(value=value.value, incident_ids=list(value.incident_ids), document_ids=list(value.document_ids))


class CaseFieldOut(BaseModel):
    name: str
    conflict: bool
    values: list[CaseValueOut]


class RungOut(BaseModel):
    rung: str
    document_ids: list[int]


class CaseDetailOut(BaseModel):
    case: CaseSummaryOut
    fields: list[CaseFieldOut]
    conflicts: list[str]
    confirmed_by: list[RungOut]
    incidents: list[FactOut]
    sources: list[SourceRefOut]

    @classmethod
    def of(cls, detail: CaseDetail) -> CaseDetailOut:
        return cls(
            case=CaseSummaryOut.of(detail.summary),
            fields=[
                CaseFieldOut(
                    name=name,
                    conflict=name in detail.conflicts,
                    values=[
                        CaseValueOut(
                            value=v.value, incident_ids=list(v.incident_ids), document_ids=list(v.document_ids)
                        )
                        for v in values
                    ],
                )
                for name, values in detail.fields
            ],
            conflicts=list(detail.conflicts),
            confirmed_by=[RungOut(rung=rung, document_ids=list(ids)) for rung, ids in detail.confirmed_by],
            incidents=[FactOut.of(fact) for fact in detail.incidents],
            sources=[SourceRefOut.of(ref) for ref in detail.sources],
        )


class DocumentOut(BaseModel):
    id: int
    key: str
    source: str
    uri: str | None
    format: str
    language: str | None
    title: str | None
    byline: str | None
    published: date | None
    outlet: str | None
    relevant: bool | None
    relevance: Relevance | None
    relevance_cues: list[str]
    sha256: str
    created_at: datetime
    incidents: int
    claims: int
    quotes: int

    @classmethod
    def of(cls, document: StoredDocument) -> DocumentOut:
        return cls(
            id=document.id,
            key=document.key,
            source=document.source,
            uri=document.uri,
            format=document.format,
            language=document.language,
            title=document.title,
            byline=document.byline,
            published=document.published,
            outlet=document.outlet,
            relevant=document.relevant,
            relevance=document.relevance,
            relevance_cues=list(document.relevance_cues),
            sha256=document.sha256,
            created_at=document.created_at,
            incidents=document.incidents,
            claims=document.claims,
            quotes=document.quotes,
        )


class DocumentHitOut(BaseModel):
    """A document in a list or search; ``snippet`` pieces at odd positions are the matched words."""

    document: DocumentOut
    snippet: list[str]
    rank: float

    @classmethod
    def of(cls, hit: DocumentHit) -> DocumentHitOut:
        return cls(document=DocumentOut.of(hit.document), snippet=list(hit.snippet), rank=hit.rank)


class DocumentDetailOut(BaseModel):
    """A document with its cleaned paragraphs and every fact found in it."""

    document: DocumentOut
    body: list[str]
    facts: list[FactOut]


class ClaimEntryOut(BaseModel):
    fact: FactOut
    document: SourceRefOut

    @classmethod
    def of(cls, entry: ClaimEntry | QuoteEntry) -> ClaimEntryOut:
        return cls(fact=FactOut.of(entry.fact), document=SourceRefOut.of(entry.document))


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    who: str
    action: str
    kind: str
    target_id: int
    document_id: int | None
    field: str | None
    old: Any = None
    new: Any = None
    note: str | None = None
    case_ids: list[int] = []

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(
            id=entry.id,
            at=entry.at,
            who=entry.who,
            action=entry.action,
            kind=entry.kind,
            target_id=entry.target_id,
            document_id=entry.document_id,
            field=entry.field,
            old=entry.old,
            new=entry.new,
            note=entry.note,
            case_ids=list(entry.case_ids),
        )


class SearchOut(BaseModel):
    query: str
    cases: PageOut[CaseSummaryOut]
    documents: PageOut[DocumentHitOut]


class WhoAmIOut(BaseModel):
    name: str
    role: str | None
    public: bool

    @classmethod
    def of(cls, user: User | None) -> WhoAmIOut:
        return cls(name=user.username if user else "anonymous", role=user.role if user else None, public=user is None)


class ReviewIn(BaseModel):
    """A decision on one fact: confirm it, reject it, or correct some fields (``changes``: field -> new value)."""

    action: Literal["confirm", "correct", "reject"]
    changes: dict[str, Any] = Field(default_factory=dict)
    note: str | None = Field(default=None, max_length=2000)


class RelevanceIn(BaseModel):
    """An editor's decision on a document's relevance: promote it to relevant, or dismiss it as not relevant."""

    relevance: Literal["relevant", "not_relevant"]
    note: str | None = Field(default=None, max_length=2000)


class MergeIn(BaseModel):
    """Incidents (row ids) that are one case, whatever the machine thinks."""

    incident_ids: list[int] = Field(min_length=2, max_length=1000)
    note: str | None = Field(default=None, max_length=2000)


class SplitIn(BaseModel):
    """Incidents (row ids) of a case to keep apart from its other incidents (or from ``others`` if given)."""

    incident_ids: list[int] = Field(min_length=1, max_length=1000)
    others: list[int] = Field(default_factory=list, max_length=1000)
    note: str | None = Field(default=None, max_length=2000)


class CasesOut(BaseModel):
    """The cases the changed incidents are in after a merge or split."""

    cases: list[CaseSummaryOut]
