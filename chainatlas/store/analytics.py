"""Read-only queries the analysis layer needs (profiles, comparisons, gaps, fact lists).

Kept apart from ``repository.py`` so the write side can change without touching them. Only
SQLAlchemy Core with portable SQL (``substr``, ``count``, ``group by``, joins): the same queries
run on SQLite and PostgreSQL. Every method opens one read connection and hands back plain
dataclasses (detached snapshots), never rows or ORM objects. Long id lists are sent in chunks so
no database meets its limit on bound parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, func, select

from chainatlas.model import Document
from chainatlas.store import schema as s
from chainatlas.store.resolution import INDEX

CHUNK = 500
ENTITY_TYPES = ("organization", "park")
MAX_SENTENCE = 240  # scraped English often lacks full stops: a "sentence" is cut to a window
_BREAKS = "，,、：:)）] "


@dataclass(slots=True)
class RegionEntity:
    """A canonical region of the atlas with every printed form it was seen as."""

    id: int
    name: str
    code: str | None
    attrs: dict[str, Any]
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class EntityRecord:
    id: int
    type: str
    kind: str | None
    name: str
    code: str | None
    attrs: dict[str, Any]
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class MentionCount:
    """How often ``entity_id`` is mentioned in ``document_id``."""

    document_id: int
    entity_id: int
    count: int


@dataclass(slots=True)
class MentionSentence:
    """One mention with the sentence around it (what an analyst is shown as evidence)."""

    entity_id: int
    document_id: int
    start: int
    end: int
    text: str
    sentence: str
    sentence_start: int


@dataclass(slots=True)
class FactRecord:
    """A stored fact with its evidence sentence (``start``/``end`` index the document text)."""

    id: int
    document_id: int
    type: str
    args: dict[str, Any]
    start: int
    end: int
    confidence: float
    status: str
    passage: int | None
    sentence: str


@dataclass(slots=True)
class DocMeta:
    id: int
    title: str | None
    published: str | None
    site: str | None
    source: str | None
    lang: str = "zh"


def window(sentence: str, start: int, end: int, limit: int = MAX_SENTENCE) -> tuple[int, str]:
    """At most ``limit`` characters of ``sentence`` around ``start:end``, cut after a comma or
    space where one is near; returns (offset of the cut in the sentence, text)."""
    if len(sentence) <= limit:
        return 0, sentence
    start = min(max(start, 0), len(sentence))
    end = min(max(end, start), len(sentence))
    room = max(limit - (end - start), 0)
    left = max(0, start - room // 2)
    right = min(len(sentence), max(end + room - (start - left), end))
    if right - left < limit:
        left = max(0, right - limit)
    for i in range(left, min(start, left + 40)):  # begin after a break
        if left > 0 and sentence[i] in _BREAKS:
            left = i + 1
            break
    for i in range(right - 1, max(end, right - 40) - 1, -1):  # end at a break
        if right < len(sentence) and sentence[i] in _BREAKS:
            right = i + 1
            break
    return left, ("…" if left > 0 else "") + sentence[left:right].strip() + ("…" if right < len(sentence) else "")


def _chunks(ids: Sequence[int] | None) -> Iterator[list[int] | None]:
    if ids is None:
        yield None
        return
    items = sorted(set(ids))
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


class Analytics:
    """Read-only analysis queries over a :class:`~chainatlas.store.Store` (or its engine)."""

    def __init__(self, store: Any) -> None:
        self.engine = getattr(store, "engine", store)

    def _conn(self) -> Connection:
        return self.engine.connect()

    # ------------------------------------------------------------------ entities

    def region_entities(self) -> list[RegionEntity]:
        e, a = s.entities, s.aliases
        with self._conn() as conn:
            rows = conn.execute(select(e.c.id, e.c.name, e.c.code, e.c.attrs)
                                .where(e.c.type == "region").order_by(e.c.id)).all()
            aliases = conn.execute(select(a.c.entity_id, a.c.alias).join(e, e.c.id == a.c.entity_id)
                                   .where(e.c.type == "region", a.c.source != INDEX).order_by(a.c.id)).all()
        by_id = {r.id: RegionEntity(r.id, r.name, r.code, dict(r.attrs or {})) for r in rows}
        for eid, alias in aliases:
            if eid in by_id and alias != by_id[eid].name:
                by_id[eid].aliases.append(alias)
        return list(by_id.values())

    def entities(self, types: Iterable[str] = ENTITY_TYPES, ids: Sequence[int] | None = None) -> list[EntityRecord]:
        """Canonical entities of ``types`` (all, or those of ``ids``) with their aliases."""
        e, a = s.entities, s.aliases
        types = tuple(types)
        out: dict[int, EntityRecord] = {}
        with self._conn() as conn:
            for chunk in _chunks(ids):
                q = select(e.c.id, e.c.type, e.c.kind, e.c.name, e.c.code, e.c.attrs).where(e.c.type.in_(types))
                if chunk is not None:
                    q = q.where(e.c.id.in_(chunk))
                for r in conn.execute(q.order_by(e.c.id)):
                    out[r.id] = EntityRecord(r.id, r.type, r.kind, r.name, r.code, dict(r.attrs or {}))
                qa = (select(a.c.entity_id, a.c.alias).join(e, e.c.id == a.c.entity_id)
                      .where(e.c.type.in_(types), a.c.source != INDEX))
                if chunk is not None:
                    qa = qa.where(a.c.entity_id.in_(chunk))
                for eid, alias in conn.execute(qa.order_by(a.c.id)):
                    rec = out.get(eid)
                    if rec is not None and alias != rec.name:
                        rec.aliases.append(alias)
        return list(out.values())

    def mention_counts(self, types: Iterable[str], document_ids: Sequence[int] | None = None,
                       entity_ids: Sequence[int] | None = None) -> list[MentionCount]:
        """(document, entity, mentions) for entities of ``types``: who is named where, how often."""
        e, m = s.entities, s.mentions
        types = tuple(types)
        out: list[MentionCount] = []
        with self._conn() as conn:
            for dchunk in _chunks(document_ids):
                for echunk in _chunks(entity_ids):
                    q = (select(m.c.document_id, m.c.entity_id, func.count().label("n"))
                         .join(e, e.c.id == m.c.entity_id).where(e.c.type.in_(types)))
                    if dchunk is not None:
                        q = q.where(m.c.document_id.in_(dchunk))
                    if echunk is not None:
                        q = q.where(m.c.entity_id.in_(echunk))
                    q = q.group_by(m.c.document_id, m.c.entity_id).order_by(m.c.document_id, m.c.entity_id)
                    out.extend(MentionCount(r.document_id, r.entity_id, r.n) for r in conn.execute(q))
        return out

    def mention_sentences(self, types: Iterable[str] = ENTITY_TYPES, document_ids: Sequence[int] | None = None,
                          entity_ids: Sequence[int] | None = None) -> list[MentionSentence]:
        """Every mention of entities of ``types`` with its sentence, cut from the passage it lies in."""
        e, m, p = s.entities, s.mentions, s.passages
        types = tuple(types)
        rows: list[Any] = []
        with self._conn() as conn:
            for dchunk in _chunks(document_ids):
                for echunk in _chunks(entity_ids):
                    q = (select(m.c.entity_id, m.c.document_id, m.c.start, m.c.end, m.c.text,
                                p.c.start.label("pstart"), p.c.text.label("ptext"))
                         .join(e, e.c.id == m.c.entity_id)
                         .outerjoin(p, p.c.id == m.c.passage_id)
                         .where(e.c.type.in_(types)))
                    if dchunk is not None:
                        q = q.where(m.c.document_id.in_(dchunk))
                    if echunk is not None:
                        q = q.where(m.c.entity_id.in_(echunk))
                    rows.extend(conn.execute(q.order_by(m.c.document_id, m.c.start, m.c.id)))
            # Mentions outside any passage (rare): cut the sentence from the whole text.
            loose = sorted({r.document_id for r in rows if r.ptext is None})
            texts = self._texts(conn, loose)
        out = []
        for r in rows:
            if r.ptext is not None:
                base, body = r.pstart, r.ptext
            else:
                base, body = 0, texts.get(r.document_id, "")
            span = Document(source="", text=body).sentence_at(max(0, r.start - base), max(0, r.end - base))
            start, sentence = window(span.text, r.start - base - span.start, r.end - base - span.start)
            out.append(MentionSentence(r.entity_id, r.document_id, r.start, r.end, r.text, sentence,
                                       base + span.start + start))
        return out

    # ------------------------------------------------------------------ facts and documents

    def facts(self, types: Iterable[str] | None = None, statuses: Iterable[str] | None = None,
              document_ids: Sequence[int] | None = None, exclude_statuses: Iterable[str] = ()) -> list[FactRecord]:
        """Facts with their evidence sentence (a substring of the document cut in SQL)."""
        f, d, p = s.facts, s.documents, s.passages
        length = f.c.end - f.c.start
        q: Select[Any] = (
            select(f.c.id, f.c.document_id, f.c.type, f.c.args, f.c.start, f.c.end, f.c.confidence, f.c.status,
                   p.c.idx, func.substr(d.c.text, f.c.start + 1, length).label("sentence"))
            .join(d, d.c.id == f.c.document_id)
            .outerjoin(p, p.c.id == f.c.passage_id)
        )
        if types is not None:
            q = q.where(f.c.type.in_(tuple(types)))
        if statuses is not None:
            q = q.where(f.c.status.in_(tuple(statuses)))
        excluded = tuple(exclude_statuses)
        if excluded:
            q = q.where(f.c.status.not_in(excluded))
        out = []
        with self._conn() as conn:
            for chunk in _chunks(document_ids):
                qq = q if chunk is None else q.where(f.c.document_id.in_(chunk))
                for r in conn.execute(qq.order_by(f.c.document_id, f.c.start, f.c.id)):
                    out.append(FactRecord(r.id, r.document_id, r.type, dict(r.args or {}), r.start, r.end,
                                          float(r.confidence), r.status, r.idx, (r.sentence or "").strip()))
        return out

    def documents(self, ids: Sequence[int] | None = None) -> dict[int, DocMeta]:
        """Title, date and first source (the original before duplicates) of documents."""
        d, src = s.documents, s.sources
        out: dict[int, DocMeta] = {}
        with self._conn() as conn:
            for chunk in _chunks(ids):
                q = select(d.c.id, d.c.title, d.c.published, d.c.site, d.c.lang)
                qs = select(src.c.document_id, src.c.path, src.c.status)
                if chunk is not None:
                    q = q.where(d.c.id.in_(chunk))
                    qs = qs.where(src.c.document_id.in_(chunk))
                for r in conn.execute(q.order_by(d.c.id)):
                    out[r.id] = DocMeta(r.id, r.title, r.published, r.site, None, r.lang or "zh")
                best: dict[int, tuple[int, str]] = {}
                for doc_id, path, status in conn.execute(qs.order_by(src.c.id)):
                    rank = 0 if status == "original" else 1
                    if doc_id not in best or rank < best[doc_id][0]:
                        best[doc_id] = (rank, path)
                for doc_id, (_, path) in best.items():
                    if doc_id in out:
                        out[doc_id].source = path
        return out

    def newest_published(self) -> str | None:
        """The latest publication date in the atlas: the 'as of' date of recency scores."""
        with self._conn() as conn:
            return conn.scalar(select(func.max(s.documents.c.published)))

    def _texts(self, conn: Connection, ids: Sequence[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for chunk in _chunks(ids):
            if chunk:
                out.update(conn.execute(select(s.documents.c.id, s.documents.c.text)
                                        .where(s.documents.c.id.in_(chunk))).all())
        return out
