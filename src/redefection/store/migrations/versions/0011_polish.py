"""Ages as ranges: ``incidents.age_min`` and ``age_max``.

A report may give a decade or an approximate age ("in his 30s", "about
30"): the incident keeps inclusive bounds, with ``age`` empty; an exact age
has both bounds equal to it (filled here for the incidents already stored).

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("age_min", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("age_max", sa.Integer(), nullable=True))
    op.execute("UPDATE incidents SET age_min = age, age_max = age WHERE age IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("age_max")
        batch.drop_column("age_min")
