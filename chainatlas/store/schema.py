"""The atlas tables, as SQLAlchemy 2 declarative models.

Portable types only (no SQLite-only types; JSON through ``sqlalchemy.JSON``) so the same models
serve SQLite and PostgreSQL. The migration ``versions/0001_initial.py`` writes these tables out
explicitly; a test checks that the two agree. SQLite's FTS5 table over ``passages.tokens`` is
created by the migration only (it is not a portable table).

Extraction output (mentions, quantities, facts) is disposable: re-extraction deletes and
re-adds it. What users decide lives in ``user_decisions``, which extraction never touches.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    """One article after cleaning; its text is what every offset points into."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(128), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(32), index=True)
    lang: Mapped[str] = mapped_column(String(8), default="zh")
    site: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    encoding: Mapped[str | None] = mapped_column(String(32))
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dropped: Mapped[list[Any]] = mapped_column(JSON, default=list)


class SourceRow(Base):
    """A file or URL an article was read from; duplicates point at the document they repeat."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(2048), unique=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="original")  # original|duplicate|near-duplicate
    similarity: Mapped[float | None] = mapped_column(Float)


class PassageRow(Base):
    """A paragraph: the unit search returns and citations point to. ``tokens`` feeds full-text search."""

    __tablename__ = "passages"
    __table_args__ = (UniqueConstraint("document_id", "idx", name="uq_passages_document_idx"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    idx: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    tokens: Mapped[str] = mapped_column(Text)


class EntityRow(Base):
    """A canonical entity shared across documents, identified by (type, key)."""

    __tablename__ = "entities"
    __table_args__ = (UniqueConstraint("type", "key", name="uq_entities_type_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(512), index=True)
    key: Mapped[str] = mapped_column(String(512))
    code: Mapped[str | None] = mapped_column(String(16), index=True)
    attrs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AliasRow(Base):
    """Another printed form of an entity; ``source`` says whether extraction or a user added it."""

    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("entity_id", "alias", name="uq_aliases_entity_alias"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(512), index=True)
    source: Mapped[str] = mapped_column(String(16), default="extracted")  # extracted|user


class MentionRow(Base):
    """One place a document names an entity: the evidence behind every co-mention count."""

    __tablename__ = "mentions"
    __table_args__ = (
        Index("ix_mentions_entity_document", "entity_id", "document_id"),
        Index("ix_mentions_document_entity", "document_id", "entity_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    passage_id: Mapped[int | None] = mapped_column(ForeignKey("passages.id", ondelete="SET NULL"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(String(512))  # the entity's name in this document


class QuantityRow(Base):
    """A normalised number with its evidence span."""

    __tablename__ = "quantities"
    __table_args__ = (
        Index("ix_quantities_document", "document_id"),
        Index("ix_quantities_kind_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    passage_id: Mapped[int | None] = mapped_column(ForeignKey("passages.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(8))
    unit: Mapped[str | None] = mapped_column(String(64))
    qualifier: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class FactRow(Base):
    """A relation with its evidence span; ``status`` records a user's verdict once applied."""

    __tablename__ = "facts"
    __table_args__ = (
        Index("ix_facts_document", "document_id"),
        Index("ix_facts_type", "type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    passage_id: Mapped[int | None] = mapped_column(ForeignKey("passages.id", ondelete="SET NULL"))
    type: Mapped[str] = mapped_column(String(32))
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    status: Mapped[str] = mapped_column(String(16), default="extracted")  # extracted|confirmed|rejected|corrected


class UserDecisionRow(Base):
    """A merge, split or fact verdict made by a person. Never deleted by ingest or extraction.

    Payloads name what they are about by stable keys (entity type + key, document content hash +
    span), not by row ids, because ids change when extraction output is replaced.
    """

    __tablename__ = "user_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # merge|split|fact
    # What the decision is about, for lookup without JSON queries: a document's content hash for
    # fact verdicts, "type:key" of an entity for merges and splits.
    target: Mapped[str | None] = mapped_column(String(512), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


documents = DocumentRow.__table__
sources = SourceRow.__table__
passages = PassageRow.__table__
entities = EntityRow.__table__
aliases = AliasRow.__table__
mentions = MentionRow.__table__
quantities = QuantityRow.__table__
facts = FactRow.__table__
user_decisions = UserDecisionRow.__table__
