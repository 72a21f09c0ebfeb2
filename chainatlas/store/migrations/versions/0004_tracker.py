"""Tracker tables: projects, leads and clusters cities keep lists of, their history and evidence.

Revision ID: 0004
Revises: 0003
Create Date: 2025-01-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "tracker_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("list_name", sa.String(128), nullable=True),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("region", sa.String(128), nullable=True),
        sa.Column("park", sa.String(512), nullable=True),
        sa.Column("organization", sa.String(512), nullable=True),
        sa.Column("segment", sa.String(128), nullable=True),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(8), nullable=True),
        sa.Column("status", sa.String(32), nullable=True),
        sa.Column("owner", sa.String(255), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("source_fact_id", sa.Integer(), sa.ForeignKey("facts.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("name_key", sa.String(700), nullable=False),
        sa.Column("sync_key", sa.String(700), nullable=True),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=True),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("updated_at", tz, nullable=False),
    )
    op.create_index("ix_tracker_items_kind", "tracker_items", ["kind"])
    op.create_index("ix_tracker_items_name_key", "tracker_items", ["name_key"])
    op.create_index("ix_tracker_items_sync_key", "tracker_items", ["sync_key"])

    op.create_table(
        "tracker_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("tracker_items.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(255), nullable=True),
        sa.Column("at", tz, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ix_tracker_history_item", "tracker_history", ["item_id"])

    op.create_table(
        "tracker_evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("tracker_items.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("fact_id", sa.Integer(), sa.ForeignKey("facts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("content_hash", sa.String(128), nullable=False),
        sa.Column("fact_type", sa.String(32), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=True),
        sa.Column("linked_at", tz, nullable=False),
        sa.UniqueConstraint("content_hash", "fact_type", "start", "end", name="uq_tracker_evidence_fact"),
    )
    op.create_index("ix_tracker_evidence_item", "tracker_evidence", ["item_id"])


def downgrade() -> None:
    for table in ("tracker_evidence", "tracker_history", "tracker_items"):
        op.drop_table(table)
