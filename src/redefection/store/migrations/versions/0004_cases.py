"""Cases: cases, case_incidents (which incidents make each case, and why), case_decisions (manual merges/splits).

``cases`` and ``case_incidents`` are rebuilt by every resolution;
``case_decisions`` holds people's work and is never rebuilt. Only new tables.

Revision ID: 0004
Revises: 0003
Create Date: 2025-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("confirmation", sa.String(32), nullable=False),
        sa.Column("event_date", sa.String(10), nullable=True),
        sa.Column("disclosure_date", sa.Date(), nullable=True),
        sa.Column("independent_sources", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("fields_json", sa.Text(), nullable=False),
        sa.Column("conflicts_json", sa.Text(), nullable=False),
        sa.Column("confirmed_by_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
    )
    op.create_table(
        "case_incidents",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("features_json", sa.Text(), nullable=False),
        sa.Column("linked_incident_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_case_incidents_incident_id_incidents", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_incidents_case_id_cases", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["linked_incident_id"],
            ["incidents.id"],
            name="fk_case_incidents_linked_incident_id_incidents",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("incident_id", name="pk_case_incidents"),
    )
    op.create_index("ix_case_incidents_case_id", "case_incidents", ["case_id"])
    op.create_table(
        "case_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("incidents_json", sa.Text(), nullable=False),
        sa.Column("others_json", sa.Text(), nullable=False),
        sa.Column("who", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('merge', 'split')", name="ck_case_decisions_kind"),
        sa.PrimaryKeyConstraint("id", name="pk_case_decisions"),
    )


def downgrade() -> None:
    op.drop_table("case_decisions")
    op.drop_table("case_incidents")
    op.drop_table("cases")
