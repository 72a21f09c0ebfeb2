"""What the store hands out: plain dataclasses, never ORM objects.

Views are detached snapshots, safe to keep after the store is closed, to pickle, or to render.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chainatlas.store.textindex import mark


@dataclass(slots=True)
class SearchHit:
    """A passage that matches a query. ``highlights`` are offsets into ``snippet``."""

    document_id: int
    title: str | None
    published: str | None
    source: str | None
    passage: int
    snippet: str
    highlights: list[tuple[int, int]]
    score: float

    @property
    def marked(self) -> str:
        """The snippet with every hit wrapped in ``[[…]]`` (for plain-text output)."""
        return mark(self.snippet, self.highlights)


@dataclass(slots=True)
class DocRef:
    id: int
    title: str | None
    published: str | None


@dataclass(slots=True)
class NamedCount:
    """An entity and in how many of the row's documents it appears."""

    id: int
    name: str
    count: int


@dataclass(slots=True)
class Figure:
    """A headline number with the words it was printed as and where."""

    kind: str
    value: float
    currency: str | None
    unit: str | None
    text: str
    document_id: int
    title: str | None
    sentence: str


def distinct_figures(rows: Iterable[Any], limit: int) -> list[Any]:
    """The first ``limit`` quantity rows that differ in (value, currency, printed text): a figure
    reported by several articles is shown once."""
    seen: set[tuple[float, str | None, str]] = set()
    chosen: list[Any] = []
    for row in rows:
        if (row.value, row.currency, row.text) not in seen:
            seen.add((row.value, row.currency, row.text))
            chosen.append(row)
        if len(chosen) >= limit:
            break
    return chosen


@dataclass(slots=True)
class RegionRow:
    """One region of the atlas overview."""

    id: int
    name: str
    code: str | None
    document_count: int
    documents: list[DocRef]
    organizations: list[NamedCount]
    organization_count: int
    parks: list[NamedCount]
    park_count: int
    figures: list[Figure]


@dataclass(slots=True)
class AliasView:
    """Another name of an entity: who added it, the documents printing it, and why it joined."""

    alias: str
    source: str  # extracted | user
    documents: list[DocRef] = field(default_factory=list)
    reason: str | None = None  # e.g. "same core name 奥鸿 + industry word 药业, compatible region (锦州 vs —)"
    rule: str | None = None  # name | apposition | core | group | stem | user | new …


@dataclass(slots=True)
class MentionView:
    document_id: int
    title: str | None
    published: str | None
    passage: int | None
    start: int
    end: int
    text: str
    sentence: str


@dataclass(slots=True)
class EntityView:
    """An entity with its other names and the evidence sentences for it."""

    id: int
    type: str
    kind: str | None
    name: str
    key: str
    code: str | None
    attrs: dict[str, Any]
    aliases: list[AliasView]
    mention_count: int
    document_count: int
    mentions: list[MentionView]  # at most the ``limit`` asked for, newest documents first
    name_documents: list[DocRef] = field(default_factory=list)  # documents printing the name itself


@dataclass(slots=True)
class EntitySummary:
    id: int
    type: str
    kind: str | None
    name: str
    code: str | None
    mention_count: int
    document_count: int


@dataclass(slots=True)
class Stats:
    documents: int
    sources: int
    duplicates: int
    passages: int
    entities: dict[str, int]
    mentions: int
    quantities: int
    facts: int
    decisions: int


@dataclass(slots=True)
class DocumentSummary:
    id: int
    title: str | None
    published: str | None
    lang: str
    site: str | None
    source: str | None
    passages: int
    ingested_at: datetime


@dataclass(slots=True)
class SourceView:
    path: str
    status: str
    similarity: float | None
    added_at: datetime


@dataclass(slots=True)
class PassageView:
    idx: int
    start: int
    end: int
    text: str


@dataclass(slots=True)
class DocumentEntity:
    id: int
    type: str
    kind: str | None
    name: str
    mentions: int


@dataclass(slots=True)
class QuantityView:
    kind: str
    value: float
    currency: str | None
    unit: str | None
    qualifier: str | None
    text: str
    start: int
    end: int
    passage: int | None


@dataclass(slots=True)
class FactView:
    id: int
    type: str
    args: dict[str, Any]
    start: int
    end: int
    confidence: float
    status: str
    passage: int | None


@dataclass(slots=True)
class DocumentView:
    id: int
    content_hash: str
    title: str | None
    published: str | None
    lang: str
    site: str | None
    encoding: str | None
    text: str
    meta: dict[str, Any]
    ingested_at: datetime
    sources: list[SourceView] = field(default_factory=list)
    passages: list[PassageView] = field(default_factory=list)
    entities: list[DocumentEntity] = field(default_factory=list)
    quantities: list[QuantityView] = field(default_factory=list)
    facts: list[FactView] = field(default_factory=list)


@dataclass(slots=True)
class Decision:
    id: int
    kind: str
    target: str | None
    payload: dict[str, Any]
    actor: str | None
    created_at: datetime
