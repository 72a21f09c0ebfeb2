"""The tracker tables (projects, leads, clusters, their history and evidence), as SQLAlchemy Core.

They live on the store's shared ``Base.metadata`` so the migration-vs-models test sees them;
``migrations/versions/0004_tracker.py`` writes the same tables out by hand.

Unlike extraction output, tracker rows are owned by people: re-extraction never deletes them.
``tracker_evidence`` is the one derived table (which facts support an item); it names a fact by
its stable key (document content hash + type + span) because fact ids change on re-extraction.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from chainatlas.store.schema import Base

metadata = Base.metadata

tracker_items = Table(
    "tracker_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # project | lead | cluster
    Column("list_name", String(128), nullable=True),  # 重点项目建设清单 …
    Column("name", String(512), nullable=False),
    Column("region", String(128), nullable=True),
    Column("park", String(512), nullable=True),
    Column("organization", String(512), nullable=True),
    Column("segment", String(128), nullable=True),
    Column("amount", Float, nullable=True),  # in units of ``currency`` (yuan for CNY)
    Column("currency", String(8), nullable=True),
    Column("status", String(32), nullable=True),
    Column("owner", String(255), nullable=True),
    Column("next_step", Text, nullable=True),
    Column("due", Date, nullable=True),
    Column("notes", Text, nullable=True),
    Column("source_fact_id", Integer, ForeignKey("facts.id", ondelete="SET NULL"), nullable=True),
    # Dedup keys: normalised name + region now, and as first extracted (user renames keep the match).
    Column("name_key", String(700), nullable=False),
    Column("sync_key", String(700), nullable=True),
    Column("provenance", JSON, nullable=False),  # field → "extracted" | "user"
    Column("created_by", String(255), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_tracker_items_kind", "kind"),
    Index("ix_tracker_items_name_key", "name_key"),
    Index("ix_tracker_items_sync_key", "sync_key"),
)

tracker_history = Table(
    "tracker_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("tracker_items.id", ondelete="CASCADE"), nullable=False),
    Column("field", String(32), nullable=False),
    Column("old", Text, nullable=True),
    Column("new", Text, nullable=True),
    Column("actor", String(255), nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("note", Text, nullable=True),
    Index("ix_tracker_history_item", "item_id"),
)

tracker_evidence = Table(
    "tracker_evidence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("tracker_items.id", ondelete="CASCADE"), nullable=False),
    Column("fact_id", Integer, ForeignKey("facts.id", ondelete="SET NULL"), nullable=True),
    Column("content_hash", String(128), nullable=False),
    Column("fact_type", String(32), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("sentence", Text, nullable=True),
    Column("linked_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("content_hash", "fact_type", "start", "end", name="uq_tracker_evidence_fact"),
    Index("ix_tracker_evidence_item", "item_id"),
)
