"""One function per view: what a page renders and the JSON API returns are the same objects.

Pages (``pages.py``) pass these results to templates; the API (``api.py``) returns them as JSON.
Nothing here knows about HTTP except ``NotFound``/``BadRequest``, which both front ends turn into a
404/400 of their own kind (an HTML page with close matches, or JSON with the same suggestions).
"""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainatlas.present.web import analysis as A
from chainatlas.store import Store
from chainatlas.store import browse as Q
from chainatlas.store.views import (
    DocumentEntity,
    DocumentSummary,
    EntitySummary,
    FactView,
    QuantityView,
    SourceView,
    Stats,
)

ENTITY_TYPES = ("region", "organization", "park", "product", "person")
FACT_STATUSES = ("extracted", "confirmed", "rejected", "corrected")
TRACKER_TYPES = ("project", "investment")
MAX_LIMIT = 200


class NotFound(Exception):
    """Nothing by that name or id; ``suggestions`` are close matches to offer instead (entities, or
    regions of the gazetteer for a region name; ``ambiguous``: several regions have that name)."""

    def __init__(self, what: str, query: str, suggestions: Sequence[Any] = (), *, message: str | None = None,
                 ambiguous: bool = False) -> None:
        super().__init__(message or f"no {what} {query!r}")
        self.what = what
        self.query = query
        self.suggestions = list(suggestions)
        self.ambiguous = ambiguous


class BadRequest(Exception):
    pass


# ---------------------------------------------------------------------------------------- context


@dataclass(slots=True)
class RegionSection:
    """An extension panel on the region page (chain map, coverage, gaps…), added by analysis code.

    ``provide(store, region)`` returns the data for ``template`` (a Jinja template path) or None when
    the region has nothing to show, in which case the page says so under ``title``.
    """

    key: str
    title: dict[str, str]  # language → heading
    template: str
    provide: Callable[[Store, Q.RegionDetail], Any]


@dataclass(slots=True)
class CompareMetric:
    """A row of the compare table: ``compute(store, region)`` → a number or short text (None: no data)."""

    key: str
    label: dict[str, str]
    compute: Callable[[Store, Q.RegionDetail], Any]


@dataclass(slots=True)
class NavItem:
    href: str
    label: dict[str, str]


@dataclass
class AtlasContext:
    """What every request needs: the store, settings, a result cache, and the extension registries.

    Views are cached per *data version* (``queries.data_version``: largest ids and the document
    count), which changes whenever anything is ingested, re-extracted or curated. The version is
    read at most every ``version_ttl`` seconds, so a write by another process (``chainatlas
    ingest``) shows within that time; writes through this app (``changed()``) show at once.
    """

    store: Store
    read_open: bool = True
    max_upload_bytes: int = 5 * 1024 * 1024
    region_sections: list[RegionSection] = field(default_factory=list)
    compare_metrics: list[CompareMetric] = field(default_factory=list)
    nav: list[NavItem] = field(default_factory=list)
    cache_size: int = 512
    version_ttl: float = 0.5
    _memo: OrderedDict[Any, tuple[Any, Any]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _version: Any = None
    _checked: float = float("-inf")
    # The analysis layer's snapshot of the atlas (one per data version) and the lock its users take:
    # the index fills its look-ups lazily, and one slow computation (a 10,000-document gap analysis)
    # should run once, not once per waiting request.
    analysis_lock: threading.RLock = field(default_factory=threading.RLock)
    _index: Any = None
    _index_version: Any = None

    def version(self) -> Any:
        now = time.monotonic()
        if now - self._checked >= self.version_ttl:
            self._version = Q.data_version(self.store)
            self._checked = now
        return self._version

    def changed(self) -> None:
        """This app wrote to the atlas: forget cached views now."""
        with self._lock:
            self._memo.clear()
            self._checked = float("-inf")

    def index(self) -> Any:
        """The analysis index (``chainatlas.analyse.evidence.AtlasIndex``) of the current atlas version."""
        from chainatlas.analyse.evidence import AtlasIndex

        version = self.version()
        with self.analysis_lock:
            if self._index is None or self._index_version != version:
                if self._index is not None and _facts_only(self.store, self._index_version, version):
                    self._index = self._index.for_new_facts()  # a fact verdict: mentions are as they were
                else:
                    self._index = AtlasIndex(self.store)
                self._index_version = version
            return self._index

    def _hit(self, key: Any, version: Any) -> tuple[bool, Any]:
        with self._lock:
            hit = self._memo.get(key)
            if hit is not None and hit[0] == version:
                self._memo.move_to_end(key)
                return True, hit[1]
        return False, None

    def cached(self, key: Any, compute: Callable[[], Any], lock: Any = None) -> Any:
        """``compute()``, reused until the atlas changes (LRU of ``cache_size`` results).

        With ``lock``, a miss computes under it and looks again first, so concurrent requests for
        the same slow view wait for one computation instead of each running their own."""
        if self.cache_size <= 0:
            if lock is None:
                return compute()
            with lock:
                return compute()
        version = self.version()
        found, value = self._hit(key, version)
        if found:
            return value
        if lock is None:
            value = compute()
        else:
            with lock:
                found, value = self._hit(key, version)
                if found:
                    return value
                value = compute()
        with self._lock:
            self._memo[key] = (version, value)
            self._memo.move_to_end(key)
            while len(self._memo) > self.cache_size:
                self._memo.popitem(last=False)
        return value


def _facts_only(store: Store, old: Any, new: Any) -> bool:
    """Whether the atlas went from version ``old`` to ``new`` by fact verdicts alone: the same
    documents, mentions, quantities and facts (``Q.data_version``: max document id, document count,
    max mention, quantity and fact ids, max decision id), and every new decision a fact verdict."""
    from sqlalchemy import func, select

    from chainatlas.store import schema as s

    if not (isinstance(old, tuple) and isinstance(new, tuple) and len(old) == len(new) == 6):
        return False
    if old[:5] != new[:5] or old[5] == new[5]:
        return False
    d = s.user_decisions.c
    with store.engine.connect() as conn:
        kinds = set(conn.scalars(select(func.distinct(d.kind)).where(d.id > (old[5] or 0))))
    return kinds == {"fact"}


def cached_view(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Cache a view function's result per atlas version, keyed by its arguments."""

    @functools.wraps(fn)
    def wrapper(ctx: AtlasContext, *args: Any, **kwargs: Any) -> Any:
        frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items()))
        key = (fn.__name__, tuple(tuple(a) if isinstance(a, list) else a for a in args), frozen)
        return ctx.cached(key, lambda: fn(ctx, *args, **kwargs))

    return wrapper


def analysis_view(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``cached_view`` for views over the analysis index: computed once under ``analysis_lock``."""

    @functools.wraps(fn)
    def wrapper(ctx: AtlasContext, *args: Any, **kwargs: Any) -> Any:
        frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items()))
        key = (fn.__name__, tuple(tuple(a) if isinstance(a, list) else a for a in args), frozen)
        return ctx.cached(key, lambda: fn(ctx, *args, **kwargs), lock=ctx.analysis_lock)

    return wrapper


def find_region(ctx: AtlasContext, name: str) -> Any:
    """The region a name means by the analysis layer's rules, else ``NotFound`` with candidates."""
    from chainatlas.present.web import analysis as A

    try:
        return A.resolve(ctx, name)
    except A.UnknownRegion as exc:
        raise NotFound("region", name, exc.suggestions, message=str(exc), ambiguous=exc.ambiguous) from None


def _limit(limit: int) -> int:
    return max(0, min(int(limit), MAX_LIMIT))


def suggest(ctx: AtlasContext, name: str, type: str | None = None, limit: int = 8) -> list[EntitySummary]:
    """Close matches for a name nobody found: the name itself, then shorter pieces of it."""
    name = name.strip()
    tries = [name]
    stripped = re.sub(r"(省|市|区|县|自治州|新区|City|Province|County|District)$", "", name, flags=re.I).strip()
    if stripped and stripped != name:
        tries.append(stripped)
    if len(stripped) > 2:
        tries.append(stripped[:2])
    seen: dict[int, EntitySummary] = {}
    for t in tries:
        for typ in ((type, None) if type else (None,)):
            for e in ctx.store.find_entities(t, type=typ, limit=limit):
                seen.setdefault(e.id, e)
            if len(seen) >= limit:
                return list(seen.values())[:limit]
    return list(seen.values())[:limit]


def _region_docs(ctx: AtlasContext, region: str | None) -> Any:
    """The documents-of-a-region filter for a ``region`` query parameter (None: no filter); an
    unknown region is a 404 with close matches."""
    if not region:
        return None
    ref = Q.find_region(ctx.store, region)
    if ref is None:
        raise NotFound("region", region, suggest(ctx, region, "region"))
    return Q.region_documents(ref)


# ---------------------------------------------------------------------------------------- overview


REGION_LEVELS = A.LEVELS  # province, city, county: the overview's tabs


def level_of(level: str | None) -> str | None:
    """The web's level word for what a user typed (``prefecture`` is a city); None: any level."""
    if not level:
        return None
    if level == "prefecture":
        return "city"
    if level not in REGION_LEVELS:
        raise BadRequest(f"level must be one of {', '.join(REGION_LEVELS)}, not {level!r}")
    return level


def _rows(ctx: AtlasContext, level: str) -> list[A.RegionItem]:
    return ctx.cached(("overview_rows", level), lambda: A.overview_rows(ctx, level), lock=ctx.analysis_lock)


@dataclass(slots=True)
class Overview:
    stats: Stats
    level: str
    regions: list[A.RegionItem]
    region_total: int
    levels: dict[str, int]
    newest: list[DocumentSummary]
    figures: list[A.Headline]


def overview(ctx: AtlasContext, *, level: str | None = None, top: int = 20) -> Overview:
    """The front page: regions the documents are *about* at one level (cities by default), each with
    the organisations and parks placed in it and its own headline figures; the newest documents."""
    level = level_of(level) or "city"
    regions = _rows(ctx, level)
    levels = ctx.cached(("level_counts",), lambda: A.level_counts(ctx), lock=ctx.analysis_lock)
    _, newest = Q.documents(ctx.store, limit=8)
    figures: list[A.Headline] = []
    seen: set[tuple[int, str]] = set()
    money = [h for r in regions for h in r.figures]  # headlines are money figures
    for h in sorted(money, key=lambda h: -h.value):
        if (h.citation.document_id, h.display) not in seen:
            seen.add((h.citation.document_id, h.display))
            figures.append(h)
        if len(figures) >= 8:
            break
    return Overview(ctx.cached(("stats",), ctx.store.stats), level, regions[:top], len(regions), levels, newest,
                    figures)


@dataclass(slots=True)
class RegionList:
    total: int
    limit: int
    offset: int
    items: list[A.RegionItem]


@cached_view
def regions(ctx: AtlasContext, *, level: str | None = None, q: str | None = None, limit: int = 50,
            offset: int = 0) -> RegionList:
    """Regions the atlas has documents about (by the analysis rule), cities first, most documents first."""
    level = level_of(level)
    order = ("city", "province", "county")
    rows = [r for lv in ((level,) if level else order) for r in _rows(ctx, lv)
            if not q or q.lower() in r.name.lower() or (r.en and q.lower() in r.en.lower())]
    limit = _limit(limit)
    return RegionList(len(rows), limit, offset, rows[offset : offset + limit])


# ---------------------------------------------------------------------------------------- region


@dataclass(slots=True)
class RegionPage:
    """A city page: the analysis profile (figures over time, chain map, leaders, enterprises, parks,
    projects, facts), its gaps with candidates to approach, a page of the documents about it, and
    the briefing downloads."""

    region: A.RegionInfo
    entity_id: int | None  # the region entity (its mentions page), when the atlas has one
    document_count: int
    limit: int
    offset: int
    documents: list[DocumentSummary]
    profile: A.Profile
    gaps: A.Gaps
    briefings: dict[str, str]  # format → URL
    extras: dict[str, Any] = field(default_factory=dict)  # extension panels: key → their data (None: no data)


def _region_detail(ctx: AtlasContext, region: Any) -> Q.RegionDetail | None:
    """The store's view of a region, for extensions written against it (``RegionSection.provide``)."""
    ref = Q.find_region(ctx.store, region.code or region.name) or Q.find_region(ctx.store, region.name)
    if ref is None:
        return None
    return Q.region_detail(ctx.store, ref, top=8, limit=5, figures=5)


def _page_documents(ctx: AtlasContext, ids: Sequence[int]) -> list[DocumentSummary]:
    from sqlalchemy import select

    from chainatlas.store import schema as s

    if not ids:
        return []
    _, items = Q.documents(ctx.store, region_docs=select(s.documents.c.id).where(s.documents.c.id.in_(list(ids))),
                           limit=len(ids))
    order = {d: i for i, d in enumerate(ids)}
    return sorted(items, key=lambda d: order.get(d.id, len(order)))


def briefing_links(region: A.RegionInfo) -> dict[str, str]:
    from urllib.parse import quote

    return {fmt: f"/regions/{quote(region.ref, safe='')}/briefing.{fmt}" for fmt in A.BRIEFING_FORMATS}


@analysis_view
def region(ctx: AtlasContext, name: str, *, limit: int = 20, offset: int = 0) -> RegionPage:
    reg = find_region(ctx, name)
    limit = _limit(limit)
    profile = A.build(ctx, reg)
    gaps = A.gaps_view(ctx, reg, candidates=3)
    ids = A.documents_about(ctx, reg)
    ref = Q.find_region(ctx.store, reg.code) if reg.code else None
    page = RegionPage(profile.region, ref.ids[0] if ref and ref.ids else None, len(ids), limit, offset,
                      _page_documents(ctx, ids[offset : offset + limit]), profile, gaps, briefing_links(profile.region))
    if ctx.region_sections:
        detail = _region_detail(ctx, reg)
        for sec in ctx.region_sections:
            page.extras[sec.key] = sec.provide(ctx.store, detail) if detail is not None else None
    return page


@analysis_view
def gaps(ctx: AtlasContext, name: str, *, candidates: int = 5) -> A.Gaps:
    """Weak and absent chain links of a region against its peers, with enterprises to approach."""
    return A.gaps_view(ctx, find_region(ctx, name), candidates=max(1, min(int(candidates), 20)))


def briefing(ctx: AtlasContext, name: str, fmt: str, lang: str) -> A.Briefing:
    """A region's cited briefing (what ``chainatlas report`` writes), cached per atlas version."""
    if fmt not in A.BRIEFING_FORMATS:
        raise BadRequest(f"format must be one of {', '.join(A.BRIEFING_FORMATS)}, not {fmt!r}")
    if lang not in ("zh", "en"):
        raise BadRequest(f"lang must be zh or en, not {lang!r}")
    reg = find_region(ctx, name)
    return ctx.cached(("briefing", reg.key, fmt, lang), lambda: A.briefing(ctx, reg, fmt, lang),
                      lock=ctx.analysis_lock)


# ---------------------------------------------------------------------------------------- entities


@dataclass(slots=True)
class EntityList:
    total: int
    limit: int
    offset: int
    items: list[EntitySummary]


@cached_view
def entities(ctx: AtlasContext, *, type: str | None = None, q: str | None = None, limit: int = 20,
             offset: int = 0) -> EntityList:
    if type and type not in ENTITY_TYPES:
        raise BadRequest(f"type must be one of {', '.join(ENTITY_TYPES)}, not {type!r}")
    limit = _limit(limit)
    total, items = Q.entities(ctx.store, type=type, q=q, limit=limit, offset=offset)
    return EntityList(total, limit, offset, items)


@dataclass(slots=True)
class EntityPage:
    entity: Q.EntityDetail
    limit: int
    offset: int
    facts: list[Q.FactRow]
    fact_count: int


@cached_view
def entity(ctx: AtlasContext, entity_id: int, *, limit: int = 50, offset: int = 0) -> EntityPage:
    limit = _limit(limit)
    detail = Q.entity_detail(ctx.store, entity_id, limit=limit, offset=offset)
    if detail is None:
        raise NotFound("entity", str(entity_id))
    nfacts, facts = Q.facts(ctx.store, entity_id=entity_id, limit=50)
    return EntityPage(detail, limit, offset, facts, nfacts)


def entity_by_name(ctx: AtlasContext, name: str) -> int:
    """The id of the entity a name or alias denotes (for /entities/<name> links)."""
    view = ctx.store.entity(name, limit=1)
    if view is None:
        raise NotFound("entity", name, suggest(ctx, name))
    return view.id


# ---------------------------------------------------------------------------------------- documents


@dataclass(slots=True)
class DocumentList:
    total: int
    limit: int
    offset: int
    items: list[DocumentSummary]


@cached_view
def documents(ctx: AtlasContext, *, region: str | None = None, site: str | None = None,
              date_from: str | None = None, date_to: str | None = None, sort: str = "published",
              limit: int = 20, offset: int = 0) -> DocumentList:
    if sort not in ("published", "ingested", "id"):
        raise BadRequest(f"sort must be published, ingested or id, not {sort!r}")
    docs = _region_docs(ctx, region)
    limit = _limit(limit)
    total, items = Q.documents(ctx.store, region_docs=docs, site=site, date_from=date_from, date_to=date_to,
                               sort=sort, limit=limit, offset=offset)
    return DocumentList(total, limit, offset, items)


@dataclass(slots=True)
class Segment:
    """A stretch of a paragraph: plain text (``type`` None) or a highlighted entity or number."""

    text: str
    type: str | None = None  # entity type (region, organization…) or quantity kind (money, count, percent)
    group: str | None = None  # "entity" | "quantity"
    entity_id: int | None = None
    label: str | None = None  # entity name, or the normalised value of a number


@dataclass(slots=True)
class Paragraph:
    idx: int
    start: int
    end: int
    segments: list[Segment]


@dataclass(slots=True)
class DropView:
    """A block the cleaner removed (navigation, ads, share buttons), shown folded."""

    text: str
    reason: str


@dataclass(slots=True)
class DocumentPage:
    id: int
    content_hash: str
    title: str | None
    published: str | None
    lang: str
    site: str | None
    encoding: str | None
    meta: dict[str, Any]
    text: str
    sources: list[SourceView]
    paragraphs: list[Paragraph]
    entities: list[DocumentEntity]
    quantities: list[QuantityView]
    facts: list[FactView]
    dropped: list[DropView]
    legend: dict[str, int]


def _value_label(q: QuantityView) -> str:
    unit = q.currency or q.unit or ("%" if q.kind == "percent" else "")
    return f"{q.value:,.10g} {unit}".strip()


def _segments(text: str, start: int, end: int, spans: list[tuple[int, int, Segment]]) -> list[Segment]:
    out: list[Segment] = []
    pos = start
    for s, e, seg in spans:
        if s < pos or e > end or s >= e:
            continue
        if s > pos:
            out.append(Segment(text[pos:s]))
        seg.text = text[s:e]
        out.append(seg)
        pos = e
    if pos < end:
        out.append(Segment(text[pos:end]))
    return out


def annotate(text: str, paragraphs: Sequence[tuple[int, int, int]], mentions: Sequence[Q.MentionSpan],
             quantities: Sequence[QuantityView]) -> list[Paragraph]:
    """Cut each paragraph into plain and highlighted segments (outermost span wins on overlap).

    Segments carry raw text; templates escape it, so scraped markup never becomes HTML.
    """
    spans: list[tuple[int, int, Segment]] = []
    for m in mentions:
        spans.append((m.start, m.end, Segment("", m.type, "entity", m.entity_id, m.name)))
    for q in quantities:
        spans.append((q.start, q.end, Segment("", q.kind, "quantity", None, _value_label(q))))
    spans.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    kept: list[tuple[int, int, Segment]] = []
    last = -1
    for s, e, seg in spans:
        if s >= last and 0 <= s < e <= len(text):
            kept.append((s, e, seg))
            last = e
    out: list[Paragraph] = []
    j = 0
    for idx, start, end in paragraphs:
        while j < len(kept) and kept[j][0] < start:
            j += 1
        mine = []
        k = j
        while k < len(kept) and kept[k][0] < end:
            mine.append(kept[k])
            k += 1
        out.append(Paragraph(idx, start, end, _segments(text, start, end, mine)))
    return out


@cached_view
def document(ctx: AtlasContext, document_id: int) -> DocumentPage:
    view = ctx.store.document(document_id)
    if view is None:
        raise NotFound("document", str(document_id))
    paras = [(p.idx, p.start, p.end) for p in view.passages] or [(0, 0, len(view.text))]
    mentions = Q.document_mentions(ctx.store, document_id)
    paragraphs = annotate(view.text, paras, mentions, view.quantities)
    counts: dict[str, int] = {}
    for p in paragraphs:
        for seg in p.segments:
            if seg.type:
                counts[seg.type] = counts.get(seg.type, 0) + 1
    order = [*ENTITY_TYPES, "money", "count", "percent"]
    legend = {k: counts[k] for k in sorted(counts, key=lambda k: (order.index(k) if k in order else 99, k))}
    dropped = [DropView(d["text"], d["reason"]) for d in Q.dropped(ctx.store, document_id)]
    return DocumentPage(view.id, view.content_hash, view.title, view.published, view.lang, view.site,
                        view.encoding, view.meta, view.text, view.sources, paragraphs, view.entities,
                        view.quantities, view.facts, dropped, legend)


# ---------------------------------------------------------------------------------------- facts


@dataclass(slots=True)
class FactList:
    total: int
    limit: int
    offset: int
    items: list[Q.FactRow]
    counts: dict[str, int]


@cached_view
def facts(ctx: AtlasContext, *, types: Sequence[str] = (), region: str | None = None, status: str | None = None,
          limit: int = 50, offset: int = 0) -> FactList:
    if status and status not in FACT_STATUSES:
        raise BadRequest(f"status must be one of {', '.join(FACT_STATUSES)}, not {status!r}")
    docs = _region_docs(ctx, region)
    limit = _limit(limit)
    total, items = Q.facts(ctx.store, types=[t for t in types if t], status=status, region_docs=docs,
                           limit=limit, offset=offset)
    return FactList(total, limit, offset, items, Q.fact_counts(ctx.store, [t for t in types if t]))


def tracker(ctx: AtlasContext, *, region: str | None = None, status: str | None = None, type: str | None = None,
            limit: int = 50, offset: int = 0) -> FactList:
    """Projects and investments, the tracker's subject (the lead's tracker module will extend this)."""
    types = [type] if type in TRACKER_TYPES else list(TRACKER_TYPES)
    return facts(ctx, types=types, region=region, status=status, limit=limit, offset=offset)


def curate(ctx: AtlasContext, fact_id: int, action: str, *, args: dict[str, Any] | None = None,
           actor: str | None = None) -> Q.FactRow:
    """Confirm, reject or correct a fact; the verdict is kept in ``user_decisions``."""
    status = {"confirm": "confirmed", "reject": "rejected", "correct": "corrected"}.get(action)
    if status is None:
        raise BadRequest(f"action must be confirm, reject or correct, not {action!r}")
    if status == "corrected" and not args:
        raise BadRequest("a correction needs the corrected args")
    try:
        ctx.store.decide_fact(fact_id, status, args=args if status == "corrected" else None, actor=actor)
    except KeyError:
        raise NotFound("fact", str(fact_id)) from None
    finally:
        ctx.changed()
    row = Q.fact(ctx.store, fact_id)
    if row is None:
        raise NotFound("fact", str(fact_id))
    return row


# ---------------------------------------------------------------------------------------- search


@dataclass(slots=True)
class SearchResult:
    query: str
    total: int
    limit: int
    offset: int
    hits: list[Q.Hit]
    facets: Q.Facets | None
    entities: list[EntitySummary]
    entity_types: dict[str, int]


@cached_view
def search(ctx: AtlasContext, q: str, *, region: str | None = None, site: str | None = None,
           date_from: str | None = None, date_to: str | None = None, entity_type: str | None = None,
           limit: int = 20, offset: int = 0, facets: bool = False) -> SearchResult:
    """Passages matching ``q`` (filters: region, site, date range) and entities whose names match."""
    q = (q or "").strip()
    limit = _limit(limit)
    if not q:
        return SearchResult(q, 0, limit, offset, [], None, [], {})
    if entity_type and entity_type not in ENTITY_TYPES:
        raise BadRequest(f"entity_type must be one of {', '.join(ENTITY_TYPES)}, not {entity_type!r}")
    docs = _region_docs(ctx, region)
    total, hits, fac = Q.search(ctx.store, q, region_docs=docs, site=site or None, date_from=date_from or None,
                                date_to=date_to or None, limit=limit, offset=offset, with_facets=facets)
    ents: list[EntitySummary] = []
    types: dict[str, int] = {}
    if facets or entity_type:
        types = Q.entity_type_counts(ctx.store, q)
        _, ents = Q.entities(ctx.store, type=entity_type, q=q, limit=12)
    return SearchResult(q, total, limit, offset, hits, fac if facets else None, ents, types)


# ---------------------------------------------------------------------------------------- compare


@dataclass(slots=True)
class CompareResult:
    """Regions side by side (``chainatlas.analyse.compare``): each region's own latest figures,
    normalised and cited, missing shown as missing; chain coverage per segment; extension rows."""

    columns: list[A.ColumnView]
    metrics: list[A.MetricRowView]
    segments: list[A.SegmentRowView]
    note: str
    extension_metrics: list[dict[str, Any]]  # key and labels of each extension row (values in columns[i].extras)


@analysis_view
def compare(ctx: AtlasContext, names: Sequence[str], *, max_regions: int = 6) -> CompareResult:
    names = [n.strip() for n in names if n and n.strip()][:max_regions]
    view = A.compare_view(ctx, names)
    if ctx.compare_metrics:
        for col in view.columns:
            detail = _region_detail(ctx, find_region(ctx, col.region.ref)) if col.region else None
            if detail is not None:
                col.extras = {m.key: m.compute(ctx.store, detail) for m in ctx.compare_metrics}
    return CompareResult(view.columns, view.metrics, view.segments, view.note,
                         [{"key": m.key, "label": m.label} for m in ctx.compare_metrics])


# ---------------------------------------------------------------------------------------- upload

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm")
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"MZ", b"\x7fELF",
                 b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf", b"Rar!", b"\x00\x00\x01\x00",
                 b"RIFF", b"OggS", b"ID3", b"\x00asm", b"SQLite format")


class Unsupported(Exception):
    """An upload that is not a text, Markdown or HTML article (HTTP 415)."""


class TooLarge(Exception):
    """An upload over the size limit (HTTP 413)."""


def check_upload(filename: str, head: bytes) -> str:
    """The file's suffix if it is an article we can read: by extension, then by its first bytes."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise Unsupported(f"{filename or 'upload'}: only {', '.join(UPLOAD_SUFFIXES)} files are accepted")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte-order mark: text with NULs
        return suffix
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        raise Unsupported(f"{filename}: the content is binary, not text")
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    if head and controls / len(head) > 0.05:
        raise Unsupported(f"{filename}: the content is binary, not text")
    return suffix


@dataclass(slots=True)
class UploadResult:
    status: str  # new | duplicate | near-duplicate | unchanged
    document_id: int | None
    filename: str
    title: str | None = None


def _safe_name(filename: str, suffix: str) -> str:
    stem = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", Path(filename).stem)[:80].strip("._") or "upload"
    return stem + suffix


def ingest_upload(ctx: AtlasContext, filename: str, data: bytes) -> UploadResult:
    """Store an uploaded article with the CLI's ingest job (cleaning, extraction, dedup)."""
    from chainatlas.present.jobs import ingest_paths

    if len(data) > ctx.max_upload_bytes:
        raise TooLarge(f"{filename}: {len(data)} bytes, over the {ctx.max_upload_bytes} byte limit")
    suffix = check_upload(filename, data[:8192])
    folder = Path(tempfile.mkdtemp(prefix="chainatlas-upload-"))
    try:
        path = folder / _safe_name(filename, suffix)
        path.write_bytes(data)
        try:
            report = ingest_paths([str(path)], ctx.store)
        finally:
            ctx.changed()
        if report.failed:
            raise BadRequest(report.failed[0][1])
        status = "new" if report.new else report.duplicate[0][1] if report.duplicate else "unchanged"
        doc_id = Q.document_for_source(ctx.store, str(path))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    title = None
    if doc_id is not None:
        view = ctx.store.document(doc_id)
        title = view.title if view else None
    return UploadResult(status, doc_id, filename, title)
