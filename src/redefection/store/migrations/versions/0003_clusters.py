"""Syndication clusters: clusters, cluster_members, and the MinHash index (document_minhashes, minhash_bands).

Every stored page (capture) belongs to one cluster; exact and near copies of
one article share it. ``minhash_bands`` holds one indexed LSH bucket per band
and document, so a new document is matched against the stored ones with one
indexed look-up instead of a pass over the corpus. Only new tables.

Revision ID: 0003
Revises: 0002
Create Date: 2025-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canonical_document_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["canonical_document_id"],
            ["documents.id"],
            name="fk_clusters_canonical_document_id_documents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_clusters"),
    )
    op.create_index("ix_clusters_canonical_document_id", "clusters", ["canonical_document_id"])
    op.create_table(
        "cluster_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("difference", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("outlet", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("credited_outlet", sa.Text(), nullable=True),
        sa.CheckConstraint("role IN ('canonical', 'copy')", name="ck_cluster_members_role"),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name="fk_cluster_members_cluster_id_clusters", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["capture_id"], ["captures.id"], name="fk_cluster_members_capture_id_captures", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_cluster_members_document_id_documents", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_cluster_members"),
        sa.UniqueConstraint("capture_id", name="uq_cluster_members_capture_id"),
    )
    op.create_index("ix_cluster_members_cluster_id", "cluster_members", ["cluster_id"])
    op.create_index("ix_cluster_members_document_id", "cluster_members", ["document_id"])
    op.create_table(
        "document_minhashes",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(64), nullable=False),
        sa.Column("shingle_count", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_document_minhashes_document_id_documents", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("document_id", name="pk_document_minhashes"),
    )
    op.create_table(
        "minhash_bands",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_minhash_bands_document_id_documents", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("document_id", "band", name="pk_minhash_bands"),
    )
    op.create_index("ix_minhash_bands_bucket", "minhash_bands", ["bucket"])


def downgrade() -> None:
    op.drop_table("minhash_bands")
    op.drop_table("document_minhashes")
    op.drop_table("cluster_members")
    op.drop_table("clusters")
