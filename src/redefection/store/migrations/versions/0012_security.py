"""Login throttling in the store, and API token expiry.

``login_throttle``: one counter per key ("pair:<user>|<address>",
"addr:<address>") and the start of its window. A login attempt is counted
(atomically: one UPDATE per key, in key order) *before* the password is
checked, so simultaneous attempts cannot all slip under the budget, and
several server processes share one budget.
``api_tokens.expires_at``: an optional end of a token's validity
(``redefection token create --days N``); tokens without it never expire.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_login_throttle"),
    )
    op.create_index("ix_login_throttle_window_start", "login_throttle", ["window_start"])
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
    op.drop_index("ix_login_throttle_window_start", table_name="login_throttle")
    op.drop_table("login_throttle")
