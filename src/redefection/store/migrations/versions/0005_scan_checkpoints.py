"""Scan checkpoints: crawl archives ``redefection scan`` read to the end, so a rerun skips them.

WARC provenance needs no new column: a crawl record's capture keeps
``"<archive>#<record id>@<offset>"`` as its source (and in capture_sources),
the target URI as ``uri`` and the WARC-Date as ``fetched_at``. Only a new table.

Revision ID: 0005
Revises: 0004
Create Date: 2025-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "scan_checkpoints",
        sa.Column("archive", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("payload_bytes", sa.BigInteger(), nullable=False),
        sa.Column("candidates", sa.BigInteger(), nullable=False),
        sa.Column("relevant", sa.BigInteger(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("archive", name="pk_scan_checkpoints"),
    )


def downgrade() -> None:
    op.drop_table("scan_checkpoints")
