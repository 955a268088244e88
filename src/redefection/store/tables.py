"""The database tables, as typed SQLAlchemy models shared by SQLite and PostgreSQL.

Names are chosen for people who open the SQLite file directly (Datasette,
DuckDB, pandas): plural table names, plain column names, JSON kept in ``*_json``
text columns. Every schema change here needs an Alembic migration in
``migrations/versions``; ``tests/test_store.py`` checks the two agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Explicit constraint names: SQLite batch migrations can only alter constraints they can name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Every fact carries one of these; only "machine" facts may ever be replaced by re-extraction.
REVIEW_STATES = ("machine", "confirmed", "corrected", "rejected")
REVIEW_STATE_CHECK = "review_state IN ('machine', 'confirmed', 'corrected', 'rejected')"


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no offset, so values are converted to UTC on the way in and
    marked as UTC on the way out; naive values are taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def core_table(model: type[Base]) -> Table:
    """A model's Core ``Table``: for the hot paths' statements (saving, clustering), which build no ORM objects."""
    return Base.metadata.tables[model.__tablename__]


class CaptureRow(Base):
    """Bytes exactly as read, once per distinct sha256."""

    __tablename__ = "captures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(Text)  # where the bytes were first seen
    uri: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    size_bytes: Mapped[int] = mapped_column(Integer)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CaptureSourceRow(Base):
    """Every path or URL where a capture's exact bytes were seen."""

    __tablename__ = "capture_sources"

    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id", ondelete="CASCADE"), primary_key=True)
    source: Mapped[str] = mapped_column(Text, primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime)  # first time seen there


class DocumentRow(Base):
    """The cleaned article of one capture; one row per distinct cleaned text."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_language", "language"),)  # migration 0009: counts per language

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"), unique=True)
    doc_key: Mapped[str] = mapped_column(Text, index=True)  # Document.id: the source's file stem
    source: Mapped[str] = mapped_column(Text)
    uri: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(16))
    encoding: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    outlet: Mapped[str | None] = mapped_column(Text)
    body_json: Mapped[str] = mapped_column(Text)  # JSON list of paragraphs
    body_text: Mapped[str] = mapped_column(Text)  # paragraphs joined by blank lines
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    relevant: Mapped[bool | None] = mapped_column()  # true only when relevance is "relevant"
    # relevant | possible | not_relevant (migration 0010); "possible" waits for an editor: its facts are
    # stored but stay out of cases, exports, alerts and the public view until it is promoted.
    relevance: Mapped[str | None] = mapped_column(String(16), index=True)
    relevance_cues_json: Mapped[str] = mapped_column(Text)  # JSON list of strings
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FailureRow(Base):
    """An input a stage could not process."""

    __tablename__ = "failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text, index=True)
    stage: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DropRow(Base):
    """An input a stage deliberately discarded (off-topic, too short...)."""

    __tablename__ = "drops"
    __table_args__ = (Index("ix_drops_reason", "reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class IncidentRow(Base):
    """One incident an extractor found in a document: the SCHEMA fields, flat."""

    __tablename__ = "incidents"
    __table_args__ = (
        # Unique: a document's extract output has one incident per position; also the document_id index.
        Index("ix_incidents_document_id", "document_id", "position", unique=True),
        CheckConstraint(REVIEW_STATE_CHECK, name="review_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # index in the document's extract output
    name: Mapped[str | None] = mapped_column(Text)
    surname: Mapped[str | None] = mapped_column(Text, index=True)
    age: Mapped[int | None] = mapped_column(Integer)
    age_min: Mapped[int | None] = mapped_column(Integer)  # inclusive bounds ("30s": 30-39); both equal age when exact
    age_max: Mapped[int | None] = mapped_column(Integer)
    gender: Mapped[str | None] = mapped_column(String(16))
    occupation: Mapped[str | None] = mapped_column(Text)
    group_size: Mapped[int] = mapped_column(Integer)
    arrived_south: Mapped[str | None] = mapped_column(Text)  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    returned: Mapped[str | None] = mapped_column(Text)
    route: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    reasons_json: Mapped[str] = mapped_column(Text)  # JSON list of reason codes
    extractor_version: Mapped[str] = mapped_column(String(32))
    review_state: Mapped[str] = mapped_column(String(16), server_default="machine")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    evidence: Mapped[list[IncidentEvidenceRow]] = relationship(
        order_by="IncidentEvidenceRow.position", cascade="all, delete-orphan", passive_deletes=True
    )


class IncidentEvidenceRow(Base):
    """One evidence span of an incident: character offsets into the document's ``body_text``."""

    __tablename__ = "incident_evidence"
    __table_args__ = (Index("ix_incident_evidence_incident_id", "incident_id", "position", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class ClaimRow(Base):
    """An aggregate figure a document reports someone stating."""

    __tablename__ = "claims"
    __table_args__ = (
        Index("ix_claims_document_id", "document_id", "position", unique=True),
        CheckConstraint(REVIEW_STATE_CHECK, name="review_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(32), index=True)
    value: Mapped[int] = mapped_column(Integer)
    qualifier: Mapped[str] = mapped_column(String(16))
    period: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)  # who stated the figure
    label: Mapped[str | None] = mapped_column(Text)  # what the people of an "other" figure did
    evidence_start: Mapped[int | None] = mapped_column(Integer)
    evidence_end: Mapped[int | None] = mapped_column(Integer)
    evidence_text: Mapped[str | None] = mapped_column(Text)
    extractor_version: Mapped[str] = mapped_column(String(32))
    review_state: Mapped[str] = mapped_column(String(16), server_default="machine")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class QuoteRow(Base):
    """A direct quotation in a document, with who said it."""

    __tablename__ = "quotes"
    __table_args__ = (
        Index("ix_quotes_document_id", "document_id", "position", unique=True),
        CheckConstraint(REVIEW_STATE_CHECK, name="review_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(Text)
    organization: Mapped[str | None] = mapped_column(Text)
    evidence_start: Mapped[int | None] = mapped_column(Integer)
    evidence_end: Mapped[int | None] = mapped_column(Integer)
    evidence_text: Mapped[str | None] = mapped_column(Text)
    extractor_version: Mapped[str] = mapped_column(String(32))
    review_state: Mapped[str] = mapped_column(String(16), server_default="machine")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ClusterRow(Base):
    """A syndication cluster: the pages carrying one article. Every stored page belongs to exactly one."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The document holding the canonical page's text (exact copies of it share this document).
    canonical_document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ClusterMemberRow(Base):
    """One page (a capture) of a cluster, with how it differs from the cluster's canonical page."""

    __tablename__ = "cluster_members"
    __table_args__ = (CheckConstraint("role IN ('canonical', 'copy')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), index=True)
    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id", ondelete="CASCADE"), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 0 for the canonical page, then copies best first
    role: Mapped[str] = mapped_column(String(16))  # canonical | copy
    similarity: Mapped[float] = mapped_column(Float)  # Jaccard of its text's shingles with the canonical text's
    difference: Mapped[str] = mapped_column(Text)  # comma-separated: chrome, edits, trimmed, headline
    # The page's own metadata: an exact copy has no document row of its own to hold it.
    title: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    credited_outlet: Mapped[str | None] = mapped_column(Text)  # named by a credit line: the page copies it


class DocumentMinhashRow(Base):
    """A document's MinHash signature: little-endian uint32 values of the LSH scheme named in ``scheme``."""

    __tablename__ = "document_minhashes"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(64))
    shingle_count: Mapped[int] = mapped_column(Integer)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MinhashBandRow(Base):
    """One LSH bucket of a document's signature; documents sharing a bucket are near-duplicate candidates."""

    __tablename__ = "minhash_bands"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger, index=True)  # band rows hashed with the band number


class CaseRow(Base):
    """A case: the real event behind incidents from many documents, as resolution last built it.

    Rebuilt from the incidents on every resolution; a case keeps its id while
    it keeps most of its incidents. ``fields_json`` holds every value each
    field takes with its sources, ``conflicts_json`` the fields they disagree on.
    """

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_updated_at", "updated_at"),)  # migration 0009: the change signature

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # the furthest any source reports: returned > attempted > intended
    confirmation: Mapped[str] = mapped_column(String(32))  # single_outlet | multiple_outlets | authority | state_media
    event_date: Mapped[str | None] = mapped_column(String(10))  # when they went back, "YYYY[-MM[-DD]]"
    disclosure_date: Mapped[date | None] = mapped_column(Date)  # earliest publication date among the sources
    independent_sources: Mapped[int] = mapped_column(Integer)
    documents: Mapped[int] = mapped_column(Integer)
    fields_json: Mapped[str] = mapped_column(Text)  # {field: [{"value": ..., "sources": [...]}]}
    conflicts_json: Mapped[str] = mapped_column(Text)  # [{"field": ..., "values": [...]}]
    confirmed_by_json: Mapped[str] = mapped_column(Text)  # {rung: [sources]}
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CaseIncidentRow(Base):
    """An incident's place in a case, and why: its best-matching incident there, the score and the features."""

    __tablename__ = "case_incidents"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    features_json: Mapped[str] = mapped_column(Text)  # [{"name": ..., "score": ..., "detail": ...}]
    linked_incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))


class CaseDecisionRow(Base):
    """A person's merge or split of incidents, re-applied every time cases are rebuilt.

    Incidents are named by document and position (``[{"document_id": 3,
    "position": 0, "incident_id": 17}]``), which survive re-extraction; the
    incident id is what it was when the decision was taken.
    """

    __tablename__ = "case_decisions"
    __table_args__ = (CheckConstraint("kind IN ('merge', 'split')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # merge | split
    incidents_json: Mapped[str] = mapped_column(Text)  # merged together, or split off ...
    others_json: Mapped[str] = mapped_column(Text)  # ... from these (split only)
    who: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ScanCheckpointRow(Base):
    """A crawl archive that ``redefection scan`` read to the end; a rerun skips it."""

    __tablename__ = "scan_checkpoints"

    archive: Mapped[str] = mapped_column(Text, primary_key=True)  # absolute path, or URL as given
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)  # of the archive, when known
    records: Mapped[int] = mapped_column(BigInteger)
    payload_bytes: Mapped[int] = mapped_column(BigInteger)
    candidates: Mapped[int] = mapped_column(BigInteger)
    relevant: Mapped[int] = mapped_column(BigInteger)
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime)
