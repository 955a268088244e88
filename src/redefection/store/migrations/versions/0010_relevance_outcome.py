"""The relevance outcome of each document: relevant, possible or not_relevant.

``documents.relevance`` keeps the relevance stage's three-way outcome beside
the ``relevant`` flag (true only for "relevant"). A "possible" document waits
in the review queue: its candidate facts are stored, but cases, exports,
alerts and the public view leave them out until an editor promotes it.
Existing rows get their outcome from ``relevant`` (true -> relevant,
false -> not_relevant; unknown stays null). Indexed: the dashboard counts the
possible documents and the review queue lists them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("relevance", sa.String(16), nullable=True))
    documents = sa.table("documents", sa.column("relevant", sa.Boolean()), sa.column("relevance", sa.String(16)))
    op.execute(documents.update().where(documents.c.relevant.is_(True)).values(relevance="relevant"))
    op.execute(documents.update().where(documents.c.relevant.is_(False)).values(relevance="not_relevant"))
    op.create_index("ix_documents_relevance", "documents", ["relevance"])


def downgrade() -> None:
    op.drop_index("ix_documents_relevance", table_name="documents")
    op.drop_column("documents", "relevance")
