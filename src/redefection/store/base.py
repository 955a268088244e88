"""The store interface: what the rest of the code may ask of the database.

Other modules import ``Store``, ``SaveResult`` and ``StoredDocument`` from here
(or from ``redefection.store``), never the SQLAlchemy implementation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

from ..records import Capture, Document

SaveStatus = Literal["stored", "duplicate"]


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What ``save_document`` did: stored a new document, or found it already there."""

    status: SaveStatus
    document_id: int  # the new document, or the one it duplicates

    @property
    def is_duplicate(self) -> bool:
        return self.status == "duplicate"


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

    @property
    def paragraphs(self) -> int:
        return len(self.body)

    @property
    def text(self) -> str:
        """The cleaned body: paragraphs joined by blank lines, as ``Document.text``."""
        return "\n\n".join(self.body)


class Store(Protocol):
    """Where captures, documents, failures and drops are kept."""

    def save_document(self, capture: Capture, document: Document) -> SaveResult:
        """Save a capture and its cleaned document in one transaction; idempotent.

        The same bytes (capture sha256) or the same cleaned text (document
        fingerprint) seen again keep one document; the new source is still
        recorded. Raises ``StoreError`` naming the source if the save fails.
        """
        ...

    def record_failure(self, source: str, stage: str, message: str) -> None:
        """Record that ``stage`` failed on ``source``."""
        ...

    def record_drop(self, source: str, stage: str, reason: str, detail: str) -> None:
        """Record that ``stage`` deliberately discarded ``source``."""
        ...

    def counts(self) -> dict[str, int]:
        """Rows per kind: documents, captures, failures, drops."""
        ...

    def list_documents(self, limit: int = 50, offset: int = 0) -> list[StoredDocument]:
        """Stored documents, newest first."""
        ...

    def get_document(self, doc_id: int) -> StoredDocument:
        """One stored document; raises ``NotFound`` if there is none with this id."""
        ...

    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""
        ...
