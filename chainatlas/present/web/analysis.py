"""The analysis layer as the web shows it: overview rows, city profiles, chain maps, gaps, comparisons.

The rules live in ``chainatlas.analyse`` (docs/analysis.md); this module only calls them and turns
their results into view dataclasses that pages render and the API returns as JSON. What it adds:

* every citation gets the paragraph it comes from (``passage``) and a link ``/documents/{id}#pN``,
  from the fact's passage where a fact backs it, else by finding the sentence in the document's
  paragraphs (``Citer``);
* long citation lists are cut to a few per value (``MAX_CITES``) with the full count kept, so a value
  that 300 copies of one article repeat does not make a megabyte page;
* levels use the web's words (province, city, county, other) rather than the gazetteer's
  (``prefecture`` is a city; a municipality counts as a city).

All of it runs on one :class:`~chainatlas.analyse.evidence.AtlasIndex` per atlas version
(``AtlasContext.index``), under ``AtlasContext.analysis_lock``: the index fills its lookups lazily
and is not meant to be filled from several threads at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from chainatlas.analyse.evidence import MISSING, AtlasIndex, Citation
from chainatlas.analyse.regions import AmbiguousRegion, Region, RegionNotFound
from chainatlas.store import schema as s

if TYPE_CHECKING:
    from chainatlas.analyse.compare import Comparison
    from chainatlas.analyse.gaps import GapReport
    from chainatlas.analyse.profiles import RegionProfile

MAX_CITES = 5  # citations kept per value (the count of all of them is kept too)
WEB_LEVEL = {"province": "province", "prefecture": "city", "county": "county", "zone": "other"}
ANALYSIS_LEVEL = {"province": "province", "city": "prefecture", "prefecture": "prefecture", "county": "county"}
LEVELS = ("province", "city", "county")  # the overview's tabs


# ---------------------------------------------------------------------------------------- citations


@dataclass(slots=True)
class Cite:
    """A source a reader can open: the document, its paragraph and the sentence that states the value."""

    document_id: int
    title: str | None
    published: str | None
    site: str | None
    sentence: str
    fact_id: int | None = None
    passage: int | None = None
    href: str = ""


class Citer:
    """Turns analysis citations into ``Cite`` and finds their paragraphs in one pass at the end."""

    def __init__(self, index: AtlasIndex) -> None:
        self.index = index
        self._pending: list[Cite] = []

    def __call__(self, c: Citation | None) -> Cite | None:
        if c is None:
            return None
        meta = self.index.docs.get(c.document_id)
        # a sentence cut after 。 inside a quotation starts with the closing quote: not part of it
        sentence = c.sentence.lstrip("”’」』 ")
        cite = Cite(c.document_id, c.title, c.published, meta.site if meta else None, sentence, c.fact_id)
        cite.href = f"/documents/{c.document_id}"
        self._pending.append(cite)
        return cite

    def many(self, cs: Iterable[Citation], limit: int = MAX_CITES) -> list[Cite]:
        out = []
        for c in cs:
            if len(out) >= limit:
                break
            made = self(c)
            if made is not None:
                out.append(made)
        return out

    def resolve(self) -> None:
        """Fill ``passage`` and ``href`` of every citation made so far."""
        pending, self._pending = self._pending, []
        passages = _fact_passages(self.index)
        unknown: list[Cite] = []
        for c in pending:
            idx = passages.get(c.fact_id) if c.fact_id is not None else None
            if idx is None:
                unknown.append(c)
            else:
                c.passage = idx
        if unknown:
            found = _find_passages(self.index, unknown)
            for c in unknown:
                c.passage = found.get((c.document_id, c.sentence))
        for c in pending:
            c.href = f"/documents/{c.document_id}" + (f"#p{c.passage}" if c.passage is not None else "")


def _fact_passages(index: AtlasIndex) -> dict[int, int | None]:
    cached = getattr(index, "_web_fact_passages", None)
    if cached is None:
        cached = {f.id: f.passage for f in index.facts}
        index._web_fact_passages = cached  # type: ignore[attr-defined]  # lives as long as the snapshot
    return cached


def _probe(sentence: str) -> str:
    """The longest stretch of a (possibly clipped) sentence, to look for in the paragraphs."""
    parts = [p.strip() for p in sentence.split("…")]
    best = max(parts, key=len, default="")
    return best[:40]


def _find_passages(index: AtlasIndex, cites: Sequence[Cite]) -> dict[tuple[int, str], int]:
    docs = sorted({c.document_id for c in cites})
    p = s.passages.c
    texts: dict[int, list[tuple[int, str]]] = {}
    with index.store.engine.connect() as conn:
        for i in range(0, len(docs), 500):
            for doc, idx, text in conn.execute(select(p.document_id, p.idx, p.text)
                                               .where(p.document_id.in_(docs[i:i + 500])).order_by(p.document_id, p.idx)):
                texts.setdefault(doc, []).append((idx, text or ""))
    out: dict[tuple[int, str], int] = {}
    for c in cites:
        probe = _probe(c.sentence)
        if not probe:
            continue
        for idx, text in texts.get(c.document_id, ()):
            if probe in text:
                out[(c.document_id, c.sentence)] = idx
                break
    return out


# ---------------------------------------------------------------------------------------- regions


@dataclass(slots=True)
class RegionInfo:
    """A region as the pages name it: ``ref`` is what its links use (its name, or its code when the
    name alone is ambiguous, like 朝阳区)."""

    key: str
    name: str
    code: str | None
    level: str  # province | city | county | other
    province: str | None
    en: str | None
    label: str
    ref: str


@dataclass(slots=True)
class RegionSuggestion:
    """A region the user may have meant (404 pages and JSON errors)."""

    name: str
    label: str
    code: str | None
    level: str
    document_count: int
    ref: str
    type: str = "region"
    id: int | None = None


def resolver(ctx: Any) -> Any:
    """The region resolver of the current index (built once per atlas version)."""
    index = ctx.index()
    res = getattr(index, "_web_resolver", None)
    if res is None:
        res = index.resolver()
        index._web_resolver = res  # type: ignore[attr-defined]
    return res


def region_info(ctx: Any, region: Region) -> RegionInfo:
    ref = region.name
    try:
        if resolver(ctx).resolve(region.name).key != region.key:
            ref = region.code or region.key
    except RegionNotFound:
        ref = region.code or region.key
    return RegionInfo(region.key, region.name, region.code, WEB_LEVEL.get(region.unit_level, "other"),
                      region.province, region.en, region.label, ref)


class UnknownRegion(Exception):
    """A name no region (or several regions) answer to; ``suggestions`` are the candidates."""

    def __init__(self, query: str, message: str, suggestions: list[RegionSuggestion], ambiguous: bool) -> None:
        super().__init__(message)
        self.query = query
        self.suggestions = suggestions
        self.ambiguous = ambiguous


def resolve(ctx: Any, name: str) -> Region:
    """The region a user's string means, or ``UnknownRegion`` with candidates (analysis rules)."""
    try:
        return resolver(ctx).resolve(name)
    except RegionNotFound as exc:
        sugg = []
        for c in exc.candidates[:10]:
            r = c.region
            sugg.append(RegionSuggestion(r.name, r.label, r.code, WEB_LEVEL.get(r.unit_level, "other"), c.documents,
                                         region_info(ctx, r).ref))
        raise UnknownRegion(name, str(exc), sugg, isinstance(exc, AmbiguousRegion)) from None


# ---------------------------------------------------------------------------------------- overview


@dataclass(slots=True)
class NamedRef:
    id: int | None
    name: str


@dataclass(slots=True)
class Headline:
    metric: str
    display: str
    value: float
    citation: Cite


@dataclass(slots=True)
class RegionItem:
    """A region as the overview, the regions list and the API list it (documents *about* it,
    organisations and parks placed *in* it, its own headline figures)."""

    key: str
    name: str
    code: str | None
    level: str
    province: str | None
    en: str | None
    ref: str
    document_count: int
    organization_count: int
    park_count: int
    organizations: list[NamedRef]
    parks: list[NamedRef]
    figures: list[Headline]


def level_counts(ctx: Any) -> dict[str, int]:
    """How many regions each overview tab lists (one row per region the documents are about)."""
    index = ctx.index()
    return {lv: len(index.units(ANALYSIS_LEVEL[lv])) for lv in LEVELS}


def overview_rows(ctx: Any, level: str) -> list[RegionItem]:
    """``chainatlas.analyse.overview`` at one web level (province, city, county)."""
    from chainatlas.analyse.overview import overview

    index = ctx.index()
    cite = Citer(index)
    rows = []
    for r in overview(index, levels=(ANALYSIS_LEVEL[level],), top=6):
        heads: list[Headline] = []
        for h in r.headlines:  # the largest figure of each metric (several years of one metric read as noise)
            if all(x.metric != h.metric for x in heads) and len(heads) < 3:
                heads.append(Headline(h.metric, h.display, h.value,
                                      cite(index.cite(h.document_id, h.sentence))))  # type: ignore[arg-type]
        info = region_info(ctx, r.region)
        rows.append(RegionItem(
            r.region.key, r.region.name, r.region.code, level, r.region.province, r.region.en, info.ref, r.documents,
            r.organization_count, r.park_count,
            [NamedRef(index.entity_by_name(n, "organization"), n) for n in r.organizations[:5]],
            [NamedRef(index.entity_by_name(n, "park"), n) for n in r.parks[:5]], heads))
    cite.resolve()
    return rows


# ---------------------------------------------------------------------------------------- profile


@dataclass(slots=True)
class ValueView:
    value: float
    display: str
    kind: str  # money | percent | count
    unit: str | None
    currency: str | None
    target: bool
    status: str  # extracted | confirmed | corrected
    sources: int  # how many sentences state it (citations lists at most MAX_CITES)
    citations: list[Cite]


@dataclass(slots=True)
class PointView:
    period: str | None
    conflict: bool
    values: list[ValueView]


@dataclass(slots=True)
class SeriesView:
    """One metric of one subject over time, latest period first. ``chart``: it has actual values
    for at least two periods, so the page draws it."""

    metric: str
    subject: str | None
    subject_type: str  # region | subregion | park | enterprise | document
    points: list[PointView]
    chart: bool


@dataclass(slots=True)
class SegmentView:
    """One link of the chain in one region: evidence, what stands behind it, and how it stands
    against peer regions (``status``: absent | weak | present | strong, the gap rule's words)."""

    id: str
    zh: str
    en: str
    stage: str
    parent: str | None
    depth: int
    evidence: int  # sentences for this segment itself
    total: int  # with its sub-segments
    status: str
    peer_median: float | None
    strong_peers: list[str]
    enterprises: list[str]
    enterprise_count: int
    parks: list[str]
    projects: list[str]
    citations: list[Cite]


@dataclass(slots=True)
class LeaderView:
    entity: str
    entity_id: int | None
    roles: list[str]
    scopes: list[str]
    citations: list[Cite]


@dataclass(slots=True)
class NamedView:
    id: int
    name: str
    kind: str | None
    documents: int
    segments: list[str]  # segment ids
    citation: Cite | None


@dataclass(slots=True)
class ProjectView:
    name: str | None
    investor: str | None
    region: str | None
    park: str | None
    amount: float | None
    currency: str | None
    amount_display: str
    status: str
    date: str | None
    count: int | None
    type: str
    fact_id: int
    review: str  # the fact's review status: extracted | confirmed | corrected
    segments: list[str]
    citation: Cite


@dataclass(slots=True)
class StatusView:
    status: str
    projects: int
    amount: float | None
    amount_display: str


@dataclass(slots=True)
class FactView:
    id: int
    type: str
    status: str
    summary: str
    args: dict[str, Any]
    citation: Cite


@dataclass(slots=True)
class SubRegionView:
    name: str
    key: str
    documents: int


@dataclass(slots=True)
class Profile:
    region: RegionInfo
    document_count: int
    subregions: list[SubRegionView]
    metrics: list[SeriesView]
    chain: list[SegmentView]
    coverage: dict[str, int]  # status → segments
    leaders: list[LeaderView]
    enterprises: list[NamedView]
    enterprise_count: int
    institutions: list[NamedView]
    parks: list[NamedView]
    park_count: int
    projects: list[ProjectView]
    project_count: int
    projects_by_status: list[StatusView]
    facts: list[FactView]
    fact_count: int
    years: list[tuple[str, int]]


def _series(s_: Any, cite: Citer) -> SeriesView:
    points = []
    for p in s_.points:
        values = [ValueView(v.value, v.display, v.kind, v.unit, v.currency, v.target, v.status, len(v.citations),
                            cite.many(v.citations)) for v in p.values]
        points.append(PointView(p.period, p.conflict, values))
    periods = {p.period for p in s_.points if p.period and not p.values[0].target}
    kinds = {p.values[0].kind for p in s_.points if p.period and not p.values[0].target}
    return SeriesView(s_.metric, s_.subject, s_.subject_type, points, len(periods) >= 2 and len(kinds) == 1)


def _segment_status(profile_seg: Any, standing: Any | None) -> str:
    if standing is not None:
        return str(standing.status)
    return "present" if profile_seg.total > 0 else "absent"


def build(ctx: Any, region: Region, *, enterprises: int = 30, projects: int = 30, facts: int = 12) -> Profile:
    """The profile (``build_profile``) with the chain standing of ``gaps`` folded into each segment."""
    from chainatlas.analyse.profiles import build_profile, fact_summary

    index = ctx.index()
    profile: RegionProfile = build_profile(index, region, documents=0)
    report = gap_report(ctx, region)
    standings = {st.id: st for st in report.standings}
    cite = Citer(index)
    chain = []
    for seg in profile.segments:
        st = standings.get(seg.id)
        chain.append(SegmentView(
            seg.id, seg.zh, seg.en, seg.stage, seg.parent, seg.depth, seg.evidence, seg.total,
            _segment_status(seg, st), st.peer_median if st else None,
            [p.region for p in st.strong_peers] if st else [], seg.enterprises[:12], len(seg.enterprises),
            seg.parks[:8], seg.projects[:8], cite.many(seg.citations, 3)))
    coverage = Counter(c.status for c in chain)
    named = [NamedView(e.id, e.name, e.kind, e.documents, e.segments, cite(e.citation)) for e in profile.enterprises]
    ents = [n for n in named if n.kind in (None, "enterprise")]
    insts = [n for n in named if n.kind not in (None, "enterprise")]
    parks = [NamedView(e.id, e.name, e.kind, e.documents, e.segments, cite(e.citation)) for e in profile.parks]
    leaders = [LeaderView(r.entity, r.entity_id, r.roles, r.scopes, cite.many(r.citations, 3)) for r in profile.leaders]
    projs = [ProjectView(p.name, p.investor, p.region, p.park, p.amount, p.currency, p.amount_display, p.status,
                         p.date, p.count, p.type, p.fact_id, p.status_label, p.segments, cite(p.citation))  # type: ignore[arg-type]
             for p in profile.projects[:projects]]
    by_status = [StatusView(x.status, x.projects, x.amount, x.amount_display) for x in profile.projects_by_status]
    region_facts = sorted(index.facts_in(region), key=lambda f: (index.date_key(f.document_id), -f.start), reverse=True)
    fact_views = [FactView(f.id, f.type, f.status, fact_summary(f), f.args,
                           cite(index.cite(f.document_id, f.sentence, f.id)))  # type: ignore[arg-type]
                  for f in region_facts[:facts]]
    years: Counter[str] = Counter()
    for d in index.documents_about(region):
        meta = index.docs.get(d)
        if meta and meta.published:
            years[meta.published[:4]] += 1
    info = region_info(ctx, region)
    out = Profile(
        info, profile.documents_count, [SubRegionView(x.name, x.key, x.documents) for x in profile.subregions],
        [_series(x, cite) for x in profile.metrics], chain, dict(coverage), leaders, ents[:enterprises], len(ents),
        insts[:enterprises], parks[:enterprises], len(parks), projs, len(profile.projects), by_status, fact_views,
        len(region_facts), sorted(years.items()))
    cite.resolve()
    return out


def documents_about(ctx: Any, region: Region) -> list[int]:
    """Ids of the documents about ``region``, newest first."""
    index = ctx.index()
    return sorted(index.documents_about(region), key=index.date_key, reverse=True)


# ---------------------------------------------------------------------------------------- gaps


@dataclass(slots=True)
class TermView:
    name: str  # evidence | recency | projects | role
    points: float
    max_points: float
    reason: str


@dataclass(slots=True)
class CandidateProjectView:
    name: str | None
    amount_display: str
    status: str | None
    citation: Cite


@dataclass(slots=True)
class CandidateView:
    rank: int
    entity_id: int
    name: str
    kind: str | None
    regions: list[str]
    segments: list[str]
    score: float
    terms: list[TermView]
    roles: list[str]
    reason: str
    evidence: list[Cite]
    projects: list[CandidateProjectView]


@dataclass(slots=True)
class PeerView:
    region: str
    evidence: int


@dataclass(slots=True)
class GapView:
    segment: str
    zh: str
    en: str
    stage: str
    status: str  # absent | weak
    evidence: int
    peer_median: float | None
    active_peers: int
    strong_peers: list[PeerView]
    reason: str
    candidates: list[CandidateView]


@dataclass(slots=True)
class StandingView:
    segment: str
    zh: str
    en: str
    stage: str
    parent: str | None
    evidence: int
    peer_median: float | None
    active_peers: int
    strong_peers: int
    status: str


@dataclass(slots=True)
class Gaps:
    region: RegionInfo
    document_count: int
    peers: list[SubRegionView]
    rule: str
    gaps: list[GapView]
    standings: list[StandingView]


def gap_report(ctx: Any, region: Region) -> GapReport:
    """``chainatlas.analyse.gaps`` for the region against every peer at its level (cached)."""
    from chainatlas.analyse.gaps import gaps

    return ctx.cached(("gap_report", region.key), lambda: gaps(ctx.index(), region), lock=ctx.analysis_lock)


def gaps_view(ctx: Any, region: Region, *, candidates: int = 5) -> Gaps:
    report = gap_report(ctx, region)
    cite = Citer(ctx.index())
    out = []
    for g in report.gaps:
        s_ = g.segment
        cands = []
        for c in g.candidates[:candidates]:
            cands.append(CandidateView(
                c.rank, c.entity_id, c.name, c.kind, c.regions, c.segments, c.score,
                [TermView(t.name, t.points, t.max_points, t.reason) for t in c.terms], c.roles, c.reason,
                cite.many(c.evidence, 2),
                [CandidateProjectView(p.name, p.amount_display, p.status, cite(p.citation))  # type: ignore[arg-type]
                 for p in c.projects[:3]]))
        out.append(GapView(s_.id, s_.zh, s_.en, s_.stage, s_.status, s_.evidence, s_.peer_median, s_.active_peers,
                           [PeerView(p.region, p.evidence) for p in s_.strong_peers], g.reason, cands))
    standings = [StandingView(x.id, x.zh, x.en, x.stage, x.parent, x.evidence, x.peer_median, x.active_peers,
                              len(x.strong_peers), x.status) for x in report.standings]
    view = Gaps(region_info(ctx, region), report.documents,
                [SubRegionView(p.name, p.key, p.documents) for p in report.peers], report.rule, out, standings)
    cite.resolve()
    return view


# ---------------------------------------------------------------------------------------- compare


@dataclass(slots=True)
class CellView:
    region: str
    value: float | None
    display: str  # "—" when missing
    unit: str | None
    currency: str | None
    period: str | None
    target: bool
    conflict: bool
    alternatives: list[str]
    sources: int
    missing: bool
    citation: Cite | None


@dataclass(slots=True)
class MetricRowView:
    metric: str
    cells: list[CellView]


@dataclass(slots=True)
class SegmentCellView:
    region: str
    evidence: int
    display: str
    enterprises: list[str]
    enterprise_count: int
    parks: list[str]
    projects: list[str]
    citation: Cite | None


@dataclass(slots=True)
class SegmentRowView:
    id: str
    zh: str
    en: str
    stage: str
    depth: int
    cells: list[SegmentCellView]


@dataclass(slots=True)
class ColumnView:
    """One compared region (``region`` None: nobody by that name; see ``suggestions``)."""

    query: str
    region: RegionInfo | None
    document_count: int = 0
    enterprise_count: int = 0
    park_count: int = 0
    enterprises: list[NamedRef] = field(default_factory=list)
    parks: list[NamedRef] = field(default_factory=list)
    suggestions: list[RegionSuggestion] = field(default_factory=list)
    error: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ComparisonView:
    columns: list[ColumnView]
    metrics: list[MetricRowView]
    segments: list[SegmentRowView]
    note: str


def compare_view(ctx: Any, names: Sequence[str]) -> ComparisonView:
    from chainatlas.analyse.compare import compare
    from chainatlas.analyse.profiles import region_entities

    index = ctx.index()
    columns: list[ColumnView] = []
    regions: list[Region] = []
    for name in names:
        try:
            reg = resolve(ctx, name)
        except UnknownRegion as exc:
            columns.append(ColumnView(name, None, suggestions=exc.suggestions[:4], error=str(exc)))
            continue
        if any(r.key == reg.key for r in regions):
            continue
        regions.append(reg)
        ents, parks = region_entities(index, reg)

        def by_docs(ids: list[int]) -> list[NamedRef]:
            ranked = sorted(ids, key=lambda i: (index.entities[i].kind not in (None, "enterprise"),
                                                -len(index.entity_docs.get(i, ())), index.entities[i].name))
            return [NamedRef(i, index.entities[i].name) for i in ranked[:6]]

        columns.append(ColumnView(name, region_info(ctx, reg), len(index.documents_about(reg)), len(ents), len(parks),
                                  by_docs(ents), by_docs(parks)))
    if not regions:
        return ComparisonView(columns, [], [], "")
    comp: Comparison = compare(index, regions)
    cite = Citer(index)
    # cells follow the resolved regions; columns of unknown names get "—" everywhere
    order = [c.region.key if c.region else None for c in columns]
    pos = {r.key: i for i, r in enumerate(regions)}

    def spread(cells: list[Any], missing: Any) -> list[Any]:
        return [cells[pos[k]] if k is not None else missing(c.query) for k, c in zip(order, columns, strict=True)]

    metrics = []
    for row in comp.metrics:
        made = [CellView(c.region, c.value, c.display, c.unit, c.currency, c.period, c.target, c.conflict,
                         c.alternatives, c.sources, c.missing, cite(c.citation)) for c in row.cells]
        metrics.append(MetricRowView(row.metric, spread(made, lambda q: CellView(q, None, MISSING, None, None, None,
                                                                                   False, False, [], 0, True, None))))
    segments = []
    for row in comp.segments:
        made = [SegmentCellView(c.region, c.evidence, c.display, c.enterprises[:8], len(c.enterprises), c.parks[:6],
                                c.projects[:6], cite(c.citation)) for c in row.cells]
        segments.append(SegmentRowView(row.id, row.zh, row.en, row.stage, row.depth,
                                       spread(made, lambda q: SegmentCellView(q, 0, MISSING, [], 0, [], [], None))))
    cite.resolve()
    return ComparisonView(columns, metrics, segments, comp.note)


# ---------------------------------------------------------------------------------------- briefings

BRIEFING_FORMATS = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8", "pdf": "application/pdf"}


@dataclass(slots=True)
class Briefing:
    filename: str
    media_type: str
    body: bytes
    citation_problems: int


def briefing(ctx: Any, region: Region, fmt: str, lang: str) -> Briefing:
    """The cited briefing of ``chainatlas report`` for one region, rendered as ``fmt``."""
    from chainatlas.present.report import AtlasData, ReportOptions, build_report
    from chainatlas.present.report.output import render

    report = build_report(AtlasData(ctx.store, ctx.index()), [region], ReportOptions(lang=lang, charts=fmt != "md"))
    written = render(report, fmt, None, charts=fmt != "md")
    body = written.data if written.data is not None else (written.text or "").encode("utf-8")
    stem = region.name if lang == "zh" else (region.en or region.code or region.name)
    name = f"{stem}-{'简报' if lang == 'zh' else 'briefing'}.{fmt}"
    return Briefing(name, BRIEFING_FORMATS[fmt], body, len(written.check.problems))
