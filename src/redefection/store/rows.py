"""The store's row types: what a query hands back, shared by the interface and its implementation.

``base.py`` (the ``Store`` protocol) and the protocol parts it combines (``monitor.py``,
``web.py``) all import from here, so none of them needs the others' names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from ..records import Case, Claim, DecisionKind, Incident, Quote, Relevance, SyndicationCluster

SaveStatus = Literal["stored", "duplicate"]


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What ``save_document`` did: stored a new document, or found it already there."""

    status: SaveStatus
    document_id: int  # the new document, or the one it duplicates
    indexed: bool = False  # the save stored the document's MinHash entry (the one it was given) with it

    @property
    def is_duplicate(self) -> bool:
        return self.status == "duplicate"


@dataclass(frozen=True, slots=True)
class NearCopies:
    """What placing a saved page in its syndication cluster starts from, read in one go (``Store.near_copies``)."""

    placed: SyndicationCluster | None = None  # the page's own cluster, when it has one (nothing else is read then)
    candidates: tuple[int, ...] = ()  # the other documents sharing an LSH bucket with the page's, in id order
    clusters: Mapping[int, SyndicationCluster] = field(default_factory=dict)  # of the document and the candidates
    texts: Mapping[int, str] = field(default_factory=dict)  # of each candidate outside the document's own cluster


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as loaded back from the store."""

    id: int
    key: str  # Document.id: the source's file stem
    source: str
    uri: str | None
    format: str
    language: str | None
    title: str | None
    byline: str | None
    published: date | None
    outlet: str | None
    body: tuple[str, ...]
    relevant: bool | None
    relevance_cues: tuple[str, ...]
    sha256: str  # of the capture the document was cleaned from
    created_at: datetime
    incidents: int = 0  # how many of each fact the document has in the store
    claims: int = 0
    quotes: int = 0
    relevance: Relevance | None = None  # relevant | possible | not_relevant; None: the stage did not run

    @property
    def paragraphs(self) -> int:
        return len(self.body)

    @property
    def text(self) -> str:
        """The cleaned body: paragraphs joined by blank lines, as ``Document.text``."""
        return "\n\n".join(self.body)


@dataclass(frozen=True, slots=True)
class StoredFacts:
    """The facts stored for one document, in the order the extractor gave them."""

    document_id: int
    incidents: tuple[Incident, ...] = ()
    claims: tuple[Claim, ...] = ()
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredCase:
    """A case as resolution last built it, with its id in the store."""

    id: int
    case: Case


@dataclass(frozen=True, slots=True)
class IncidentRef:
    """An incident named by its document and position: survives re-extraction, unlike its row id."""

    document_id: int
    position: int
    incident_id: int | None = None  # the row id when the reference was made


@dataclass(frozen=True, slots=True)
class StoredDecision:
    """A person's merge or split of incidents (see ``CaseDecision``), as kept in the store."""

    kind: DecisionKind
    incidents: tuple[IncidentRef, ...]
    others: tuple[IncidentRef, ...] = ()
    who: str | None = None
    note: str | None = None
    created_at: datetime | None = None
    id: int | None = None  # None until stored


@dataclass(frozen=True, slots=True)
class ScanCheckpoint:
    """A crawl archive a scan read to the end, with what it found there."""

    archive: str  # absolute path, or URL as given
    size_bytes: int | None
    records: int
    payload_bytes: int
    candidates: int
    relevant: int
    finished_at: datetime
