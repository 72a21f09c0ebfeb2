"""Initial atlas schema, and SQLite's FTS5 index over passage tokens.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# External-content FTS5 table: the tokens live once, in passages.tokens; triggers keep the index
# in step with every insert, update and delete (cascading deletes included).
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE passages_fts USING fts5("
    "tokens, content='passages', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER passages_fts_ai AFTER INSERT ON passages BEGIN "
    "INSERT INTO passages_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "CREATE TRIGGER passages_fts_ad AFTER DELETE ON passages BEGIN "
    "INSERT INTO passages_fts(passages_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); END",
    "CREATE TRIGGER passages_fts_au AFTER UPDATE ON passages BEGIN "
    "INSERT INTO passages_fts(passages_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); "
    "INSERT INTO passages_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
]


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("content_hash", sa.String(128), nullable=False, unique=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published", sa.String(32), nullable=True),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("site", sa.String(255), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("encoding", sa.String(32), nullable=True),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.Column("ingested_at", tz, nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("dropped", sa.JSON(), nullable=False),
    )
    op.create_index("ix_documents_published", "documents", ["published"])

    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("path", sa.String(2048), nullable=False, unique=True),
        sa.Column("added_at", tz, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=True),
    )
    op.create_index("ix_sources_document_id", "sources", ["document_id"])

    op.create_table(
        "passages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.UniqueConstraint("document_id", "idx", name="uq_passages_document_idx"),
    )

    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=True),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("key", sa.String(512), nullable=False),
        sa.Column("code", sa.String(16), nullable=True),
        sa.Column("attrs", sa.JSON(), nullable=False),
        sa.UniqueConstraint("type", "key", name="uq_entities_type_key"),
    )
    op.create_index("ix_entities_name", "entities", ["name"])
    op.create_index("ix_entities_code", "entities", ["code"])

    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity_id", sa.Integer(), sa.ForeignKey("entities.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("alias", sa.String(512), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.UniqueConstraint("entity_id", "alias", name="uq_aliases_entity_alias"),
    )
    op.create_index("ix_aliases_alias", "aliases", ["alias"])

    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity_id", sa.Integer(), sa.ForeignKey("entities.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("passage_id", sa.Integer(), sa.ForeignKey("passages.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
    )
    op.create_index("ix_mentions_entity_document", "mentions", ["entity_id", "document_id"])
    op.create_index("ix_mentions_document_entity", "mentions", ["document_id", "entity_id"])

    op.create_table(
        "quantities",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("passage_id", sa.Integer(), sa.ForeignKey("passages.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(8), nullable=True),
        sa.Column("unit", sa.String(64), nullable=True),
        sa.Column("qualifier", sa.String(32), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
    )
    op.create_index("ix_quantities_document", "quantities", ["document_id"])
    op.create_index("ix_quantities_kind_value", "quantities", ["kind", "value"])

    op.create_table(
        "facts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("passage_id", sa.Integer(), sa.ForeignKey("passages.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_index("ix_facts_document", "facts", ["document_id"])
    op.create_index("ix_facts_type", "facts", ["type"])

    op.create_table(
        "user_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", sa.String(512), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(255), nullable=True),
        sa.Column("created_at", tz, nullable=False),
    )
    op.create_index("ix_user_decisions_kind", "user_decisions", ["kind"])
    op.create_index("ix_user_decisions_target", "user_decisions", ["target"])

    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("passages_fts_au", "passages_fts_ad", "passages_fts_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS passages_fts")
    for table in ("user_decisions", "facts", "quantities", "mentions", "aliases", "entities",
                  "passages", "sources", "documents"):
        op.drop_table(table)
