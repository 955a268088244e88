"""Extracted facts: incidents (with incident_evidence), claims, quotes.

Every fact row keeps its document, its position in the document's extract
output, the character span of its evidence in ``documents.body_text``, the
extractor version and its review state. Only new tables: no existing row moves.

Revision ID: 0002
Revises: 0001
Create Date: 2025-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

# Written out rather than imported from tables.py: a migration must not change when the models do.
REVIEW_STATE_CHECK = "review_state IN ('machine', 'confirmed', 'corrected', 'rejected')"


def _fact_columns(table: str) -> list[sa.schema.SchemaItem]:
    """The columns and constraints every fact table ends with."""
    return [
        sa.Column("extractor_version", sa.String(32), nullable=False),
        sa.Column("review_state", sa.String(16), server_default="machine", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f(f"fk_{table}_document_id_documents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.CheckConstraint(REVIEW_STATE_CHECK, name=op.f(f"ck_{table}_review_state")),
    ]


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("surname", sa.Text(), nullable=True),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("gender", sa.String(16), nullable=True),
        sa.Column("occupation", sa.Text(), nullable=True),
        sa.Column("group_size", sa.Integer(), nullable=False),
        sa.Column("arrived_south", sa.Text(), nullable=True),
        sa.Column("returned", sa.Text(), nullable=True),
        sa.Column("route", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reasons_json", sa.Text(), nullable=False),
        *_fact_columns("incidents"),
    )
    op.create_table(
        "incident_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_evidence_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_evidence")),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("qualifier", sa.String(16), nullable=False),
        sa.Column("period", sa.Text(), nullable=True),
        sa.Column("as_of", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("evidence_start", sa.Integer(), nullable=True),
        sa.Column("evidence_end", sa.Integer(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        *_fact_columns("claims"),
    )
    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.Text(), nullable=True),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("organization", sa.Text(), nullable=True),
        sa.Column("evidence_start", sa.Integer(), nullable=True),
        sa.Column("evidence_end", sa.Integer(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        *_fact_columns("quotes"),
    )
    # Batch mode, as autogenerate renders it for SQLite: index creation needs no table copy, but any later
    # change to these tables will, and keeping one idiom avoids surprises.
    with op.batch_alter_table("incidents") as batch:
        batch.create_index("ix_incidents_document_id", ["document_id", "position"], unique=True)
        batch.create_index("ix_incidents_surname", ["surname"])
    with op.batch_alter_table("incident_evidence") as batch:
        batch.create_index("ix_incident_evidence_incident_id", ["incident_id", "position"], unique=True)
    with op.batch_alter_table("claims") as batch:
        batch.create_index("ix_claims_document_id", ["document_id", "position"], unique=True)
        batch.create_index("ix_claims_subject", ["subject"])
    with op.batch_alter_table("quotes") as batch:
        batch.create_index("ix_quotes_document_id", ["document_id", "position"], unique=True)


def downgrade() -> None:
    op.drop_table("quotes")
    op.drop_table("claims")
    op.drop_table("incident_evidence")
    op.drop_table("incidents")
