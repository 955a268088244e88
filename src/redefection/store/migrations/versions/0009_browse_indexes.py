"""Indexes for the web app's counts and its change signature.

``ix_documents_language``: the document and case lists show how many
documents each language has; without it every count read all documents
(16 ms on the 20,000-document benchmark; under 1 ms with it).
``ix_cases_updated_at``: the newest case change is part of the store's change
signature (``SqlStore.change_signature``), asked on every dashboard and list
view; with the index it is one lookup instead of a read of every case row.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index("ix_documents_language", "documents", ["language"])
    op.create_index("ix_cases_updated_at", "cases", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_updated_at", table_name="cases")
    op.drop_index("ix_documents_language", table_name="documents")
