"""What the people of an ``other`` figure did: ``claims.label``.

A claim whose subject is ``other`` may say what the people it counts did
(``back_south``, ``punished``, ``left_country``, ``third_country``,
``protection``); the other subjects, and claims stored before, leave it empty.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("label", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("label")
