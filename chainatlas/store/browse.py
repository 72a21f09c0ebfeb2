"""Read-only browsing queries (paged lists, filters, facets) for the web atlas and its API.

Everything here reads the store's tables through ``store.engine`` and never writes. They exist
because pages need totals, filters and lookups by id that the Store API lacks today (documents
filtered by site and date, entities and facts paged with totals, an entity by id, one region's
view without computing the whole overview, search with filters, counts and facets). Each is a
candidate to move into ``Store``; the service layer is the only caller, so moving one is local.

Search reuses the store's tokeniser (``textindex``) so that it matches exactly what
``Store.search`` matches: an FTS5 phrase query on SQLite, ``LIKE`` over the token column elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    Select,
    and_,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.sql.elements import ColumnElement

from chainatlas.store import Store, textindex
from chainatlas.store import schema as s
from chainatlas.store.db import like_escape as _like_escape
from chainatlas.store.db import utc as _utc
from chainatlas.store.keys import normalize_name
from chainatlas.store.resolution import INDEX as LOOKUP_ROW  # aliases.source of the resolver's look-up rows
from chainatlas.store.views import (
    AliasView,
    DocRef,
    DocumentSummary,
    EntitySummary,
    Figure,
    MentionView,
    NamedCount,
    distinct_figures,
)

_FTS = table("passages_fts", column("rowid"))
_CODE = re.compile(r"\d{6}")
HIDDEN_ATTRS = {"merges"}  # resolver bookkeeping (why each form joined), not for readers


_STOPS = "。！？!?；;\n"
_STOP_RE = re.compile(r"[。！？!?；;\n]|\.(?=\s|$)")


def sentence(text: str, start: int, end: int) -> str:
    """The sentence around a span: the evidence a user is shown.

    The same boundaries as ``Document.sentence_at`` (a test holds them equal), found with C-level
    string searches instead of a character loop: pages show dozens of sentences per request.
    """
    end = max(start, end)
    left = max(text.rfind(ch, 0, start) for ch in _STOPS) + 1
    dot = text.rfind(".", 0, start)
    while dot >= left and not (dot + 1 == len(text) or text[dot + 1].isspace()):
        dot = text.rfind(".", 0, dot)
    left = max(left, dot + 1)
    m = _STOP_RE.search(text, end)
    right = m.start() if m else len(text)
    if right < len(text) and text[right] != "\n":
        right += 1
    piece = text[left:right]
    return piece.strip() if piece[:1].isspace() or piece[-1:].isspace() else piece


EVIDENCE_CHARS = 240


def clip(sentence_text: str, start: int, end: int, limit: int = EVIDENCE_CHARS) -> str:
    """At most about ``limit`` characters of a sentence, centred on ``start..end`` (offsets into
    the sentence), with … where it was cut: some scraped pages have no sentence punctuation."""
    if len(sentence_text) <= limit:
        return sentence_text
    start = max(0, min(start, len(sentence_text)))
    end = max(start, min(end, len(sentence_text)))
    lo = max(0, start - max(0, limit - (end - start)) // 2)
    hi = min(len(sentence_text), lo + max(limit, end - start))
    lo = max(0, hi - max(limit, end - start))
    # Latin text: do not cut through a word (Chinese can be cut anywhere).
    if 0 < lo < start and sentence_text[lo - 1].isascii() and sentence_text[lo - 1].isalnum():
        space = sentence_text.find(" ", lo, min(start, lo + 20))
        lo = space + 1 if space >= 0 else lo
    if start < hi < len(sentence_text) and sentence_text[hi].isascii() and sentence_text[hi].isalnum():
        space = sentence_text.rfind(" ", max(end, hi - 20), hi)
        hi = space if space >= 0 else hi
    return ("…" if lo > 0 else "") + sentence_text[lo:hi].strip() + ("…" if hi < len(sentence_text) else "")


def clip_around(sentence_text: str, needle: str, limit: int = EVIDENCE_CHARS) -> str:
    i = sentence_text.find(needle) if needle else -1
    return clip(sentence_text, max(i, 0), max(i, 0) + (len(needle) if i >= 0 else 0), limit)


def evidence(text: str, start: int, end: int) -> str:
    """The sentence around a span, clipped to a readable length."""
    s_text = sentence(text, start, end)
    offset = text.find(s_text, max(0, start - len(s_text)), end + len(s_text)) if s_text else -1
    if offset < 0:
        return clip(s_text, 0, 0)
    return clip(s_text, start - offset, end - offset)


def region_level(code: str | None) -> str:
    """province | city | county | other, read off the 6-digit administrative code."""
    if not code or not _CODE.fullmatch(code):
        return "other"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def data_version(store: Store) -> tuple[Any, ...]:
    """Changes whenever documents, extraction output or decisions change (cache key)."""
    with store.engine.connect() as conn:
        return tuple(conn.execute(select(
            select(func.max(s.documents.c.id)).scalar_subquery(),
            select(func.count()).select_from(s.documents).scalar_subquery(),
            select(func.max(s.mentions.c.id)).scalar_subquery(),
            select(func.max(s.quantities.c.id)).scalar_subquery(),
            select(func.max(s.facts.c.id)).scalar_subquery(),
            select(func.max(s.user_decisions.c.id)).scalar_subquery(),
        )).one())


# ---------------------------------------------------------------------------------------- documents


def _first_sources(conn: Connection, doc_ids: Sequence[int]) -> dict[int, str]:
    """Each document's original source path (else the first one recorded)."""
    if not doc_ids:
        return {}
    best: dict[int, tuple[tuple[int, int], str]] = {}
    rows = conn.execute(select(s.sources.c.document_id, s.sources.c.path, s.sources.c.status)
                        .where(s.sources.c.document_id.in_(doc_ids)).order_by(s.sources.c.id)).all()
    for i, (doc_id, path, status) in enumerate(rows):
        rank = (0 if status == "original" else 1, i)
        if doc_id not in best or rank < best[doc_id][0]:
            best[doc_id] = (rank, path)
    return {doc_id: path for doc_id, (_, path) in best.items()}


def _doc_filters(site: str | None, date_from: str | None, date_to: str | None) -> list[ColumnElement[bool]]:
    d = s.documents
    out: list[ColumnElement[bool]] = []
    if site:
        out.append(d.c.site == site)
    if date_from:
        out.append(d.c.published >= date_from)
    if date_to:
        # "2024-12-31" must keep "2024-12-31" and anything printed with a time after it.
        out.append(d.c.published <= date_to + "\uffff")
    return out


def documents(store: Store, *, region_docs: Select[Any] | None = None, site: str | None = None,
              date_from: str | None = None, date_to: str | None = None, sort: str = "published",
              limit: int = 20, offset: int = 0) -> tuple[int, list[DocumentSummary]]:
    """Documents with optional filters, newest first (``sort`` published | ingested | id); with total."""
    d, p = s.documents, s.passages
    where = _doc_filters(site, date_from, date_to)
    if region_docs is not None:
        where.append(d.c.id.in_(region_docs))
    order: list[Any]
    if sort == "ingested":
        order = [d.c.ingested_at.desc(), d.c.id.desc()]
    elif sort == "id":
        order = [d.c.id]
    else:
        order = [d.c.published.desc().nulls_last(), d.c.id.desc()]
    npass = select(func.count()).where(p.c.document_id == d.c.id).scalar_subquery()
    with store.engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(d).where(*where)) or 0
        rows = conn.execute(
            select(d.c.id, d.c.title, d.c.published, d.c.lang, d.c.site, d.c.ingested_at, npass.label("n"))
            .where(*where).order_by(*order).limit(limit).offset(offset)
        ).all()
        paths = _first_sources(conn, [r.id for r in rows])
    return total, [DocumentSummary(r.id, r.title, r.published, r.lang, r.site, paths.get(r.id), r.n,
                                   _utc(r.ingested_at)) for r in rows]


def sites(store: Store, limit: int = 50) -> list[tuple[str, int]]:
    d = s.documents
    with store.engine.connect() as conn:
        return [(r[0], r[1]) for r in conn.execute(
            select(d.c.site, func.count()).where(d.c.site.is_not(None)).group_by(d.c.site)
            .order_by(func.count().desc(), d.c.site).limit(limit))]


def dropped(store: Store, document_id: int) -> list[dict[str, str]]:
    """What the cleaner removed from a document (not part of ``DocumentView``)."""
    with store.engine.connect() as conn:
        value = conn.scalar(select(s.documents.c.dropped).where(s.documents.c.id == document_id))
    return [{"text": str(x.get("text", "")), "reason": str(x.get("reason", ""))} for x in value or []
            if isinstance(x, dict)]


@dataclass(slots=True)
class MentionSpan:
    entity_id: int
    type: str
    kind: str | None
    name: str
    start: int
    end: int


def document_mentions(store: Store, document_id: int) -> list[MentionSpan]:
    m, e = s.mentions, s.entities
    with store.engine.connect() as conn:
        return [MentionSpan(r.entity_id, r.type, r.kind, r.name, r.start, r.end) for r in conn.execute(
            select(m.c.entity_id, e.c.type, e.c.kind, e.c.name, m.c.start, m.c.end)
            .join(e, e.c.id == m.c.entity_id).where(m.c.document_id == document_id)
            .order_by(m.c.start, m.c.end.desc()))]


# ---------------------------------------------------------------------------------------- regions


@dataclass(slots=True)
class RegionRef:
    ids: list[int]
    name: str
    code: str | None


def find_region(store: Store, name: str) -> RegionRef | None:
    """A region by name, alias, normalised key or 6-digit code (the most mentioned one wins)."""
    e, a, m = s.entities, s.aliases, s.mentions
    q = name.strip()
    if not q:
        return None
    alias_ids = select(a.c.entity_id).where(or_(a.c.alias == q, func.lower(a.c.alias) == q.lower()),
                                            a.c.source != LOOKUP_ROW)
    mentions = select(func.count()).where(m.c.entity_id == e.c.id).scalar_subquery()
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(e.c.id, e.c.name, e.c.code, mentions.label("n"))
            .where(e.c.type == "region",
                   or_(e.c.name == q, e.c.code == q, e.c.key == normalize_name(q), e.c.id.in_(alias_ids),
                       func.lower(e.c.name) == q.lower()))
            .order_by(mentions.desc(), e.c.id)
        ).all()
    if not rows:
        if _CODE.fullmatch(q):
            return RegionRef([], q, q)
        return None
    # An exact name match names the page; every row matched (same name, several keys) is included.
    best = next((r for r in rows if r.name == q), rows[0])
    code = best.code or next((r.code for r in rows if r.code), None)
    return RegionRef([r.id for r in rows], best.name, code)


def region_documents(ref: RegionRef, subregions: bool = True) -> Select[Any]:
    """Documents mentioning the region, and with ``subregions`` its counties (by code prefix)."""
    e, m = s.entities, s.mentions
    wanted: list[ColumnElement[bool]] = [e.c.id.in_(ref.ids)] if ref.ids else []
    code = ref.code
    if code and _CODE.fullmatch(code) and (subregions or not ref.ids):
        prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
        wanted.append(and_(e.c.type == "region", e.c.code.like(prefix + "%")))
    if not wanted:
        wanted.append(literal(False))
    return select(m.c.document_id).join(e, e.c.id == m.c.entity_id).where(or_(*wanted)).distinct()


def _co_mentions(docs: Select[Any]) -> Select[Any]:
    """(id, type, name, n): entities with the number of ``docs`` that mention them. Distinct
    (document, entity) pairs come from the covering index first; names are joined afterwards."""
    e, m = s.entities, s.mentions
    pairs = select(m.c.document_id, m.c.entity_id).where(m.c.document_id.in_(docs)).distinct().subquery()
    counts = select(pairs.c.entity_id, func.count().label("n")).group_by(pairs.c.entity_id).subquery()
    return select(e.c.id, e.c.type, e.c.name, counts.c.n).join(counts, counts.c.entity_id == e.c.id)


@dataclass(slots=True)
class RegionDetail:
    """One region's page: its documents, co-mentioned organisations and parks, headline figures."""

    id: int | None
    name: str
    code: str | None
    level: str
    document_count: int
    documents: list[DocumentSummary]
    organizations: list[NamedCount]
    organization_count: int
    parks: list[NamedCount]
    park_count: int
    figures: list[Figure]
    subregions: list[NamedCount] = field(default_factory=list)
    years: list[tuple[str, int]] = field(default_factory=list)


def region_detail(store: Store, ref: RegionRef, *, top: int = 20, limit: int = 20, offset: int = 0,
                  figures: int = 10) -> RegionDetail:
    e, d, q = s.entities, s.documents, s.quantities
    docs = region_documents(ref)
    total, page = documents(store, region_docs=docs, limit=limit, offset=offset)
    with store.engine.connect() as conn:
        co = conn.execute(_co_mentions(docs).where(e.c.type.in_(("organization", "park", "region")))).all()
        money = conn.execute(
            select(q.c.document_id, q.c.kind, q.c.value, q.c.currency, q.c.unit, q.c.text, q.c.start, q.c.end)
            # kind wrapped in coalesce on purpose: start from the region's documents (index on
            # document_id), not from every money figure of the atlas in value order.
            .where(func.coalesce(q.c.kind, "") == "money", q.c.document_id.in_(docs))
            .order_by(q.c.value.desc(), q.c.document_id, q.c.start).limit(figures * 4)
        ).all()
        years = [(str(y), n) for y, n in conn.execute(
            select(func.substr(d.c.published, 1, 4).label("y"), func.count())
            .where(d.c.id.in_(docs), d.c.published.is_not(None)).group_by("y").order_by("y"))]
        chosen = distinct_figures(money, figures)
        need = sorted({r.document_id for r in chosen})
        meta = {r.id: r for r in conn.execute(select(d.c.id, d.c.title, d.c.text).where(d.c.id.in_(need)))}
    orgs = sorted((NamedCount(i, n, c) for i, t, n, c in co if t == "organization"), key=lambda x: (-x.count, x.name))
    parks = sorted((NamedCount(i, n, c) for i, t, n, c in co if t == "park"), key=lambda x: (-x.count, x.name))
    subs = sorted((NamedCount(i, n, c) for i, t, n, c in co if t == "region" and i not in ref.ids),
                  key=lambda x: (-x.count, x.name))
    figs = [Figure(r.kind, r.value, r.currency, r.unit, r.text, r.document_id, meta[r.document_id].title,
                   evidence(meta[r.document_id].text, r.start, r.end)) for r in chosen]
    return RegionDetail(ref.ids[0] if ref.ids else None, ref.name, ref.code, region_level(ref.code), total, page,
                        orgs[:top], len(orgs), parks[:top], len(parks), figs, subs[:top], years)


# ---------------------------------------------------------------------------------------- entities


def entities(store: Store, *, type: str | None = None, q: str | None = None, limit: int = 20,
             offset: int = 0) -> tuple[int, list[EntitySummary]]:
    """Entities (optionally of one type, optionally whose name or an alias contains ``q``), most
    mentioned first, with the total."""
    e, a, m = s.entities, s.aliases, s.mentions
    where: list[ColumnElement[bool]] = []
    if type:
        where.append(e.c.type == type)
    if q and q.strip():
        pattern = f"%{_like_escape(q.strip().lower())}%"
        where.append(or_(func.lower(e.c.name).like(pattern, escape="\\"),
                         e.c.id.in_(select(a.c.entity_id).where(func.lower(a.c.alias).like(pattern, escape="\\"),
                                                                a.c.source != LOOKUP_ROW))))
    counts = (select(m.c.entity_id, func.count().label("n"), func.count(m.c.document_id.distinct()).label("nd"))
              .group_by(m.c.entity_id).subquery())
    with store.engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(e).where(*where)) or 0
        rows = conn.execute(
            select(e.c.id, e.c.type, e.c.kind, e.c.name, e.c.code,
                   func.coalesce(counts.c.n, 0).label("n"), func.coalesce(counts.c.nd, 0).label("nd"))
            .outerjoin(counts, counts.c.entity_id == e.c.id).where(*where)
            .order_by(func.coalesce(counts.c.n, 0).desc(), e.c.name, e.c.id).limit(limit).offset(offset)
        ).all()
    return total, [EntitySummary(r.id, r.type, r.kind, r.name, r.code, r.n, r.nd) for r in rows]


def entity_type_counts(store: Store, q: str) -> dict[str, int]:
    e, a = s.entities, s.aliases
    pattern = f"%{_like_escape(q.strip().lower())}%"
    cond = or_(func.lower(e.c.name).like(pattern, escape="\\"),
               e.c.id.in_(select(a.c.entity_id).where(func.lower(a.c.alias).like(pattern, escape="\\"),
                                                      a.c.source != LOOKUP_ROW)))
    with store.engine.connect() as conn:
        return {t: n for t, n in conn.execute(select(e.c.type, func.count()).where(cond).group_by(e.c.type))}


@dataclass(slots=True)
class EntityDetail:
    id: int
    type: str
    kind: str | None
    name: str
    key: str
    code: str | None
    level: str | None
    attrs: dict[str, Any]
    aliases: list[AliasView]
    mention_count: int
    document_count: int
    mentions: list[MentionView]
    documents: list[DocRef]
    related: list[NamedCount]


def entity_detail(store: Store, entity_id: int, *, limit: int = 50, offset: int = 0,
                  related: int = 15) -> EntityDetail | None:
    """An entity by id: aliases, a page of mentions with sentences, its documents, co-mentioned entities."""
    e, a, m, d, p = s.entities, s.aliases, s.mentions, s.documents, s.passages
    with store.engine.connect() as conn:
        row = conn.execute(select(e).where(e.c.id == entity_id)).first()
        if row is None:
            return None
        aliases = [AliasView(al, src) for al, src in conn.execute(
            select(a.c.alias, a.c.source).where(a.c.entity_id == entity_id, a.c.alias != row.name,
                                                a.c.source != LOOKUP_ROW).order_by(a.c.id))]
        total, ndocs = conn.execute(
            select(func.count(), func.count(m.c.document_id.distinct())).where(m.c.entity_id == entity_id)).one()
        mrows = conn.execute(
            select(m.c.document_id, m.c.start, m.c.end, m.c.text, p.c.idx, d.c.title, d.c.published)
            .join(d, d.c.id == m.c.document_id).outerjoin(p, p.c.id == m.c.passage_id)
            .where(m.c.entity_id == entity_id)
            .order_by(d.c.published.desc().nulls_last(), m.c.document_id.desc(), m.c.start)
            .limit(limit).offset(offset)
        ).all()
        texts = dict(conn.execute(
            select(d.c.id, d.c.text).where(d.c.id.in_(sorted({r.document_id for r in mrows})))).all())
        docs = [DocRef(r.id, r.title, r.published) for r in conn.execute(
            select(d.c.id, d.c.title, d.c.published)
            .where(d.c.id.in_(select(m.c.document_id).where(m.c.entity_id == entity_id)))
            .order_by(d.c.published.desc().nulls_last(), d.c.id.desc()).limit(100))]
        mine = select(m.c.document_id).where(m.c.entity_id == entity_id).distinct()
        rel = conn.execute(_co_mentions(mine).where(e.c.id != entity_id)
                           .order_by(literal_column("n").desc(), e.c.name).limit(related)).all()
    mentions = [MentionView(r.document_id, r.title, r.published, r.idx, r.start, r.end, r.text,
                            evidence(texts[r.document_id], r.start, r.end)) for r in mrows]
    level = region_level(row.code) if row.type == "region" else None
    attrs = {k: v for k, v in dict(row.attrs or {}).items()
             if not k.startswith("_") and k not in HIDDEN_ATTRS and isinstance(v, str | int | float | bool)}
    return EntityDetail(row.id, row.type, row.kind, row.name, row.key, row.code, level, attrs,
                        aliases, total, ndocs, mentions, docs, [NamedCount(r.id, r.name, r.n) for r in rel])


def entity_types_of(store: Store, ids: Iterable[int]) -> dict[int, str]:
    ids = list(ids)
    if not ids:
        return {}
    with store.engine.connect() as conn:
        return dict(conn.execute(select(s.entities.c.id, s.entities.c.type).where(s.entities.c.id.in_(ids))).all())


# ---------------------------------------------------------------------------------------- facts


@dataclass(slots=True)
class FactRow:
    """A stored fact with where it comes from: what the tracker and the facts API list."""

    id: int
    type: str
    args: dict[str, Any]
    status: str
    confidence: float
    document_id: int
    title: str | None
    published: str | None
    passage: int | None
    start: int
    end: int
    sentence: str


def facts(store: Store, *, types: Sequence[str] = (), status: str | None = None,
          region_docs: Select[Any] | None = None, document_id: int | None = None,
          entity_id: int | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[FactRow]]:
    """Facts filtered by type(s), status, region (its documents), document, or entity (facts whose
    evidence span holds one of its mentions); newest documents first, with the total."""
    f, d, p, m = s.facts, s.documents, s.passages, s.mentions
    where: list[ColumnElement[bool]] = []
    if types:
        where.append(f.c.type.in_(list(types)))
    if status:
        where.append(f.c.status == status)
    if region_docs is not None:
        where.append(f.c.document_id.in_(region_docs))
    if document_id is not None:
        where.append(f.c.document_id == document_id)
    if entity_id is not None:
        # Driven from the entity's mentions (indexed by entity), not from every fact.
        f2 = f.alias("f2")
        where.append(f.c.id.in_(
            select(f2.c.id).select_from(m).join(f2, and_(f2.c.document_id == m.c.document_id,
                                                          m.c.start >= f2.c.start, m.c.end <= f2.c.end))
            .where(m.c.entity_id == entity_id)))
    with store.engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(f).where(*where)) or 0
        rows = conn.execute(
            select(f.c.id, f.c.type, f.c.args, f.c.status, f.c.confidence, f.c.document_id, f.c.start, f.c.end,
                   d.c.title, d.c.published, p.c.idx)
            .join(d, d.c.id == f.c.document_id).outerjoin(p, p.c.id == f.c.passage_id)
            .where(*where).order_by(d.c.published.desc().nulls_last(), f.c.document_id.desc(), f.c.start, f.c.id)
            .limit(limit).offset(offset)
        ).all()
        texts = dict(conn.execute(
            select(d.c.id, d.c.text).where(d.c.id.in_(sorted({r.document_id for r in rows})))).all())
    return total, [FactRow(r.id, r.type, dict(r.args or {}), r.status, r.confidence, r.document_id, r.title,
                           r.published, r.idx, r.start, r.end, evidence(texts[r.document_id], r.start, r.end))
                   for r in rows]


def fact(store: Store, fact_id: int) -> FactRow | None:
    f = s.facts
    with store.engine.connect() as conn:
        doc_id = conn.scalar(select(f.c.document_id).where(f.c.id == fact_id))
    if doc_id is None:
        return None
    _, rows = facts(store, document_id=doc_id, limit=10_000)
    return next((r for r in rows if r.id == fact_id), None)


def fact_counts(store: Store, types: Sequence[str] = ()) -> dict[str, int]:
    f = s.facts
    where = [f.c.type.in_(list(types))] if types else []
    with store.engine.connect() as conn:
        return {st: n for st, n in conn.execute(select(f.c.status, func.count()).where(*where).group_by(f.c.status))}


# ---------------------------------------------------------------------------------------- search


@dataclass(slots=True)
class Hit:
    """A matching passage: ``snippet`` with ``highlights`` (offsets into it)."""

    document_id: int
    title: str | None
    published: str | None
    site: str | None
    passage: int
    snippet: str
    highlights: list[tuple[int, int]]
    score: float


@dataclass(slots=True)
class Facets:
    regions: list[NamedCount] = field(default_factory=list)
    sites: list[tuple[str, int]] = field(default_factory=list)
    years: list[tuple[str, int]] = field(default_factory=list)


def _match(store: Store, groups: list[textindex.Group]) -> tuple[Select[Any], ColumnElement[Any]]:
    """Matching passages (id, document id) and their score, the same matching as ``Store.search``."""
    p = s.passages
    match = textindex.fts5_query(groups) if store.fts else ""
    if match:
        rank = func.bm25(literal_column("passages_fts"))
        stmt = (select(p.c.id, p.c.document_id).select_from(_FTS).join(p, p.c.id == _FTS.c.rowid)
                .where(text("passages_fts MATCH :match").bindparams(match=match)))
        for pattern, on_tokens in textindex.like_patterns(groups):
            if not on_tokens:
                stmt = stmt.where(p.c.text.like(pattern))
        return stmt, -rank
    score: ColumnElement[Any] = literal(0.0)
    stmt = select(p.c.id, p.c.document_id)
    for pattern, on_tokens in textindex.like_patterns(groups):
        col = p.c.tokens if on_tokens else p.c.text
        stmt = stmt.where(col.like(pattern))
        needle = pattern.strip("%")
        removed = cast(func.length(col) - func.length(func.replace(col, needle, "")), Float)
        score = score + removed / func.length(needle) * 100.0 / (func.length(col) + 50)
    return stmt, score


def search(store: Store, query: str, *, region_docs: Select[Any] | None = None, site: str | None = None,
           date_from: str | None = None, date_to: str | None = None, limit: int = 20, offset: int = 0,
           with_facets: bool = False) -> tuple[int, list[Hit], Facets]:
    """Passages matching every word of ``query``, best first, filtered, with the total and facets."""
    groups = textindex.parse_query(query)
    facets = Facets()
    if not groups:
        return 0, [], facets
    p, d, e, m = s.passages, s.documents, s.entities, s.mentions
    stmt, score = _match(store, groups)
    if region_docs is not None:
        stmt = stmt.where(p.c.document_id.in_(region_docs))
    doc_where = _doc_filters(site, date_from, date_to)
    if doc_where:
        stmt = stmt.where(p.c.document_id.in_(select(d.c.id).where(*doc_where)))
    with store.engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        if total == 0:
            return 0, [], facets
        rows = conn.execute(
            stmt.add_columns(p.c.idx, p.c.text, score.label("score"))
            .order_by(score.desc(), p.c.id).limit(limit).offset(offset)
        ).all()
        doc_ids = sorted({r.document_id for r in rows})
        meta = {r.id: r for r in conn.execute(
            select(d.c.id, d.c.title, d.c.published, d.c.site).where(d.c.id.in_(doc_ids)))}
        if with_facets:
            hit_docs = select(stmt.subquery().c.document_id).distinct()
            facets.regions = [NamedCount(i, n, c) for i, n, c in conn.execute(
                select(e.c.id, e.c.name, func.count(m.c.document_id.distinct()).label("n"))
                .join(m, m.c.entity_id == e.c.id)
                .where(e.c.type == "region", m.c.document_id.in_(hit_docs))
                .group_by(e.c.id, e.c.name).order_by(literal_column("n").desc(), e.c.name).limit(20))]
            facets.sites = [(str(x), n) for x, n in conn.execute(
                select(d.c.site, func.count()).where(d.c.id.in_(hit_docs), d.c.site.is_not(None))
                .group_by(d.c.site).order_by(func.count().desc(), d.c.site).limit(20))]
            facets.years = [(str(y), n) for y, n in conn.execute(
                select(func.substr(d.c.published, 1, 4).label("y"), func.count())
                .where(d.c.id.in_(hit_docs), d.c.published.is_not(None)).group_by("y").order_by("y"))]
    hits = []
    for r in rows:
        spans = textindex.highlight_spans(r.text, groups)
        snip, marks = textindex.snippet(r.text, spans)
        doc = meta[r.document_id]
        hits.append(Hit(r.document_id, doc.title, doc.published, doc.site, r.idx, snip, marks, float(r.score)))
    return total, hits, facets


def document_for_source(store: Store, path: str) -> int | None:
    with store.engine.connect() as conn:
        return conn.scalar(select(s.sources.c.document_id).where(s.sources.c.path == path))
