"""Full-text search over documents (title and cleaned text), and indexes for the web app's lists.

SQLite: two FTS5 tables with ``documents`` as external content (the text is
not stored twice), kept in sync by triggers and filled for the rows already
there. ``documents_fts`` (tokenizer ``unicode61 remove_diacritics 2``) finds
words; ``documents_fts_cjk`` (tokenizer ``trigram``) finds Korean, Chinese and
Japanese words, which unicode61 cannot cut out of unspaced text, as
substrings. The trigram table holds only documents in those languages (or of
unknown language): indexing English pages too would add about twice their
text size for no query that needs it.

PostgreSQL: a stored generated column ``documents.search_vector``
(``to_tsvector('simple', title || ' ' || body_text)``) with a GIN index, and,
where the ``pg_trgm`` extension can be created, a partial trigram GIN index
over the same text of CJK documents (without it, CJK searches scan). No
model maps ``search_vector``: the database fills it on every insert and update.

Both: an index on ``documents.published`` (lists sort by it), and ``ix_documents_listing`` over the
columns a search filters and sorts its matches by, so SQLite need not read each match's text.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None

logger = logging.getLogger(__name__)

# Kept in step with redefection/store/search_sql.py (a migration must not import code that may change later).
CJK_ROW = "{row}language IN ('ko', 'zh', 'ja') OR {row}language IS NULL"
PG_TEXT = "(coalesce(title, '') || ' ' || body_text)"


def _sqlite_fts(table: str, tokenizer: str, where: str | None) -> list[str]:
    """The FTS5 table over ``documents`` and its three triggers; ``where`` limits the rows it holds."""
    old = f"WHERE {where.format(row='old.')}" if where else ""
    new = f"WHERE {where.format(row='new.')}" if where else ""
    delete = (
        f"INSERT INTO {table}({table}, rowid, title, body_text) "
        f"SELECT 'delete', old.id, old.title, old.body_text {old};"
    )
    insert = f"INSERT INTO {table}(rowid, title, body_text) SELECT new.id, new.title, new.body_text {new};"
    return [
        f"CREATE VIRTUAL TABLE {table} USING fts5(title, body_text, content='documents', content_rowid='id', "
        f"tokenize='{tokenizer}')",
        f"CREATE TRIGGER {table}_insert AFTER INSERT ON documents BEGIN {insert} END",
        f"CREATE TRIGGER {table}_delete AFTER DELETE ON documents BEGIN {delete} END",
        f"CREATE TRIGGER {table}_update AFTER UPDATE OF title, body_text, language ON documents "
        f"BEGIN {delete} {insert} END",
        f"INSERT INTO {table}(rowid, title, body_text) SELECT id, title, body_text FROM documents "
        + (f"WHERE {where.format(row='')}" if where else ""),
    ]


def upgrade() -> None:
    op.create_index("ix_documents_published", "documents", ["published"])
    op.create_index("ix_documents_listing", "documents", ["id", "published", "language", "relevant", "outlet"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in [
            *_sqlite_fts("documents_fts", "unicode61 remove_diacritics 2", None),
            *_sqlite_fts("documents_fts_cjk", "trigram", CJK_ROW),
        ]:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        # A stored column, not an index over the expression: ranking 8,000 matches re-parsed their text
        # (460 ms on the 20,000-document benchmark); reading the stored vectors takes 60 ms.
        op.execute(
            "ALTER TABLE documents ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple', {PG_TEXT})) STORED"
        )
        op.execute("CREATE INDEX ix_documents_search ON documents USING gin (search_vector)")
        try:
            with bind.begin_nested():  # a failed CREATE EXTENSION must not abort the whole migration
                bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DBAPIError as exc:
            logger.warning("pg_trgm is not available (%s): Korean and Chinese searches will scan", exc.orig)
            return
        op.execute(
            f"CREATE INDEX ix_documents_search_cjk ON documents USING gin ({PG_TEXT} gin_trgm_ops) "
            f"WHERE {CJK_ROW.format(row='')}"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for table in ("documents_fts", "documents_fts_cjk"):
            for trigger in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger}")
            op.execute(f"DROP TABLE IF EXISTS {table}")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_documents_search_cjk")
        op.execute("DROP INDEX IF EXISTS ix_documents_search")
        op.execute("ALTER TABLE documents DROP COLUMN IF EXISTS search_vector")
    op.drop_index("ix_documents_listing", table_name="documents")
    op.drop_index("ix_documents_published", table_name="documents")
